/* SPDX-License-Identifier: MIT */
/* test_core.c - the bounded reader, SIDs, UTF-16 and the arena. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <krb5/krb5.h>

#include "adb_arena.h"
#include "adb_buf.h"
#include "adb_der.h"
#include "adb_rd.h"
#include "adb_sid.h"
#include "adb_utf16.h"

static const uint8_t bytes8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void rd_exact_reads(void **state)
{
    adb_diag d = ADB_DIAG_INIT;
    adb_rd rd;
    uint8_t a = 0;
    uint16_t b = 0;
    uint32_t c = 0;
    uint64_t e = 0;

    (void)state;
    adb_rd_init(&rd, bytes8, 8, 0, &d);
    assert_int_equal(adb_rd_u8(&rd, "a", &a), ADB_OK);
    assert_int_equal(a, 1);
    assert_int_equal(adb_rd_u16(&rd, "b", &b), ADB_OK);
    assert_int_equal(b, 0x0302);
    assert_int_equal(adb_rd_u32(&rd, "c", &c), ADB_OK);
    assert_int_equal(c, 0x07060504);
    assert_int_equal(adb_rd_remaining(&rd), 1);
    adb_rd_init(&rd, bytes8, 8, 0, &d);
    assert_int_equal(adb_rd_u64(&rd, "e", &e), ADB_OK);
    assert_true(e == 0x0807060504030201ULL);
    assert_int_equal(adb_rd_expect_end(&rd, "end"), ADB_OK);
}

static void rd_truncated_consumes_nothing(void **state)
{
    adb_diag d = ADB_DIAG_INIT;
    adb_rd rd;
    uint32_t v = 0xdeadbeef;

    (void)state;
    adb_rd_init(&rd, bytes8, 3, 100, &d);
    assert_int_equal(adb_rd_u32(&rd, "Field", &v), ADB_ERR_TRUNCATED);
    assert_int_equal(v, 0xdeadbeef);
    assert_int_equal(rd.off, 0);
    assert_string_equal(d.field, "Field");
    assert_int_equal(d.offset, 100);
}

static void rd_error_is_sticky(void **state)
{
    adb_diag d = ADB_DIAG_INIT;
    adb_rd rd, child;
    uint8_t v = 0;

    (void)state;
    adb_rd_init(&rd, bytes8, 8, 0, &d);
    assert_int_equal(adb_rd_skip(&rd, 9, "first"), ADB_ERR_TRUNCATED);
    /* Everything after fails with the first error, even valid reads. */
    assert_int_equal(adb_rd_u8(&rd, "second", &v), ADB_ERR_TRUNCATED);
    assert_int_equal(v, 0);
    assert_int_equal(adb_rd_sub(&rd, 1, "third", &child), ADB_ERR_TRUNCATED);
    assert_string_equal(d.field, "first");
}

static void rd_sub_views(void **state)
{
    adb_diag d = ADB_DIAG_INIT;
    adb_rd rd, child, at;
    uint32_t v = 0;

    (void)state;
    adb_rd_init(&rd, bytes8, 8, 16, &d);
    assert_int_equal(adb_rd_skip(&rd, 2, "x"), ADB_OK);
    assert_int_equal(adb_rd_sub(&rd, 4, "sub", &child), ADB_OK);
    assert_int_equal(adb_rd_remaining(&rd), 2);
    assert_int_equal(adb_rd_u32(&child, "v", &v), ADB_OK);
    assert_int_equal(v, 0x06050403);
    /* Child offsets are absolute. */
    assert_int_equal(adb_rd_u8(&child, "past", (uint8_t *)&v),
                     ADB_ERR_TRUNCATED);
    assert_int_equal(d.offset, 16 + 2 + 4);

    d = (adb_diag)ADB_DIAG_INIT;
    adb_rd_init(&rd, bytes8, 8, 0, &d);
    assert_int_equal(adb_rd_sub_at(&rd, 6, 2, "at", &at), ADB_OK);
    assert_int_equal(rd.off, 0);
    assert_int_equal(at.base[0], 7);
    assert_int_equal(adb_rd_sub_at(&rd, 7, 2, "at", &at), ADB_ERR_TRUNCATED);
    d = (adb_diag)ADB_DIAG_INIT;
    assert_int_equal(adb_rd_sub_at(&rd, 9, 0, "at", &at), ADB_ERR_TRUNCATED);
    /* A huge offset must not wrap around. */
    d = (adb_diag)ADB_DIAG_INIT;
    assert_int_equal(adb_rd_sub_at(&rd, 4, SIZE_MAX, "at", &at),
                     ADB_ERR_TRUNCATED);
}

static void rd_align_and_tails(void **state)
{
    static const uint8_t z[8] = { 9, 0, 0, 0, 0, 0, 0, 1 };
    adb_diag d = ADB_DIAG_INIT;
    adb_rd rd;
    uint8_t v = 0;

    (void)state;
    adb_rd_init(&rd, z, 8, 0, &d);
    adb_rd_u8(&rd, "v", &v);
    assert_int_equal(adb_rd_align(&rd, 4, "pad"), ADB_OK);
    assert_int_equal(rd.off, 4);
    assert_int_equal(adb_rd_align(&rd, 4, "pad"), ADB_OK);
    assert_int_equal(rd.off, 4);
    assert_int_equal(adb_rd_expect_zero_tail(&rd, "tail"), ADB_ERR_MALFORMED);
    assert_int_equal(d.offset, 7);
    d = (adb_diag)ADB_DIAG_INIT;
    adb_rd_init(&rd, z, 7, 0, &d);
    adb_rd_u8(&rd, "v", &v);
    assert_int_equal(adb_rd_expect_zero_tail(&rd, "tail"), ADB_OK);
    assert_int_equal(adb_rd_remaining(&rd), 0);
    d = (adb_diag)ADB_DIAG_INIT;
    adb_rd_init(&rd, z, 6, 0, &d);
    adb_rd_skip(&rd, 5, "v");
    assert_int_equal(adb_rd_align(&rd, 8, "pad"), ADB_ERR_TRUNCATED);
    d = (adb_diag)ADB_DIAG_INIT;
    adb_rd_init(&rd, z, 8, 0, &d);
    assert_int_equal(adb_rd_expect_end(&rd, "end"), ADB_ERR_MALFORMED);
}

static void diag_format_names_field_and_offset(void **state)
{
    adb_diag d = ADB_DIAG_INIT;
    adb_rd rd;
    uint32_t v;
    char buf[256];

    (void)state;
    d.context = "LOGON_INFO";
    adb_rd_init(&rd, bytes8, 2, 0x20, &d);
    adb_rd_u32(&rd, "GroupCount", &v);
    adb_diag_format(&d, buf, sizeof(buf));
    assert_string_equal(buf, "LOGON_INFO: GroupCount at offset 32 (0x20): "
                        "input truncated, needs 4 bytes, 2 left");
}

static void sid_parse_format_roundtrip(void **state)
{
    static const char *good[] = {
        "S-1-5-21-3623811015-3361044348-30300820-1105", "S-1-18-1",
        "S-1-0", "S-1-5-32-544",
        "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15",
        "S-1-0x123456789ABC-4294967295",
    };
    char buf[ADB_SID_STR_MAX];
    adb_sid s;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(adb_sid_parse(good[i], &s), ADB_OK);
        assert_string_equal(adb_sid_format(&s, buf), good[i]);
    }
}

/* The formatter against printf for the longest SID and a spread of values
 * (binary SIDs may carry any revision, which the text parser refuses). */
static void sid_format_longest(void **state)
{
    char buf[ADB_SID_STR_MAX], want[512];
    adb_sid s;
    size_t n, i, round;
    uint64_t x = 0x9e3779b97f4a7c15ULL;

    (void)state;
    for (round = 0; round < 2000; round++) {
        memset(&s, 0, sizeof(s));
        if (round == 0) {
            s.revision = 255;
            s.authority = 0xFFFFFFFFFFFFULL;
            s.sub_count = ADB_SID_MAX_SUBAUTH;
            for (i = 0; i < ADB_SID_MAX_SUBAUTH; i++)
                s.sub[i] = UINT32_MAX;
        } else {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            s.revision = (uint8_t)x;
            s.authority = (x >> 8) & ((round & 1) ? 0xFFFFFFFFFFFFULL : 0xFFFF);
            s.sub_count = (uint8_t)(round % (ADB_SID_MAX_SUBAUTH + 1));
            for (i = 0; i < s.sub_count; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                s.sub[i] = (uint32_t)(x >> (i % 32));
            }
        }
        n = (size_t)snprintf(want, sizeof(want),
                             s.authority >> 32 ? "S-%u-0x%012" PRIX64
                                               : "S-%u-%" PRIu64,
                             s.revision, s.authority);
        for (i = 0; i < s.sub_count; i++)
            n += (size_t)snprintf(want + n, sizeof(want) - n, "-%" PRIu32,
                                  s.sub[i]);
        assert_true(n < ADB_SID_STR_MAX);
        assert_string_equal(adb_sid_format(&s, buf), want);
    }
}

/* Every digit count of a sub-authority and of a 48-bit authority, at its
 * edges (put_dec counts the digits first), against snprintf. */
static void sid_format_digit_edges(void **state)
{
    char buf[ADB_SID_STR_MAX], want[64];
    uint64_t p10 = 1, v[3];
    adb_sid s;
    size_t k, j;

    (void)state;
    for (k = 0; k <= 15; k++, p10 *= 10) {
        v[0] = p10 - 1;
        v[1] = p10;
        v[2] = p10 + 1;
        for (j = 0; j < 3; j++) {
            memset(&s, 0, sizeof(s));
            s.revision = 1;
            s.sub_count = 2;
            s.authority = v[j] & 0xFFFFFFFFULL;
            s.sub[0] = (uint32_t)v[j];
            s.sub[1] = v[j] > UINT32_MAX ? UINT32_MAX : (uint32_t)v[j];
            snprintf(want, sizeof(want), "S-1-%" PRIu64 "-%" PRIu32 "-%" PRIu32,
                     s.authority, s.sub[0], s.sub[1]);
            assert_string_equal(adb_sid_format(&s, buf), want);
        }
    }
}

static void sid_parse_rejects(void **state)
{
    static const char *bad[] = {
        "", "S", "S-", "S-1", "S-1-", "S-2-5", "S-1-5-", "S-1--5",
        "S-1-5-21-4294967296", "S-1-281474976710656", " S-1-5",
        "S-1-5 ", "S-1-5-+3", "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16",
        "X-1-5", "S-1-5-0x10", "S-01x-5",
    };
    adb_sid s, orig;
    size_t i;

    (void)state;
    memset(&orig, 0x5a, sizeof(orig));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s = orig;
        assert_int_equal(adb_sid_parse(bad[i], &s), ADB_ERR_MALFORMED);
        assert_memory_equal(&s, &orig, sizeof(s));
    }
    assert_int_equal(adb_sid_parse(NULL, &s), ADB_ERR_MALFORMED);
}

static void sid_read_binary(void **state)
{
    static const uint8_t sid[] = {
        1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xa1, 0xa5, 0x92, 0x7f,
        0x29, 0x19, 0xc5, 0x3b, 0xbb, 0x56, 0xb0, 0x05, 0x4d, 0x04, 0, 0
    };
    uint8_t bad[sizeof(sid)];
    adb_diag d = ADB_DIAG_INIT;
    adb_rd rd;
    adb_sid s;
    char buf[ADB_SID_STR_MAX];
    size_t n;

    (void)state;
    adb_rd_init(&rd, sid, sizeof(sid), 0, &d);
    assert_int_equal(adb_sid_read(&rd, "Sid", -1, &s), ADB_OK);
    assert_string_equal(adb_sid_format(&s, buf),
                        "S-1-5-21-2140317089-1002772777-95442619-1101");
    assert_int_equal(adb_sid_binary_len(&s), sizeof(sid));
    /* Every truncation fails and consumes nothing. */
    for (n = 0; n < sizeof(sid); n++) {
        d = (adb_diag)ADB_DIAG_INIT;
        adb_rd_init(&rd, sid, n, 0, &d);
        assert_int_not_equal(adb_sid_read(&rd, "Sid", -1, &s), ADB_OK);
        assert_int_equal(rd.off, 0);
    }
    memcpy(bad, sid, sizeof(sid));
    bad[0] = 2;
    d = (adb_diag)ADB_DIAG_INIT;
    adb_rd_init(&rd, bad, sizeof(bad), 0, &d);
    assert_int_equal(adb_sid_read(&rd, "Sid", -1, &s), ADB_ERR_MALFORMED);
    bad[0] = 1;
    bad[1] = 16;
    d = (adb_diag)ADB_DIAG_INIT;
    adb_rd_init(&rd, bad, sizeof(bad), 0, &d);
    assert_int_equal(adb_sid_read(&rd, "Sid", -1, &s), ADB_ERR_MALFORMED);
    d = (adb_diag)ADB_DIAG_INIT;
    adb_rd_init(&rd, sid, sizeof(sid), 0, &d);
    assert_int_equal(adb_sid_read(&rd, "Sid", 4, &s), ADB_ERR_MALFORMED);
}

static void sid_domain_relations(void **state)
{
    adb_sid dom, user, other, composed;
    uint32_t rid = 0;

    (void)state;
    adb_sid_parse("S-1-5-21-1-2-3", &dom);
    adb_sid_parse("S-1-5-21-1-2-3-1105", &user);
    adb_sid_parse("S-1-5-21-1-2-4-1105", &other);
    assert_true(adb_sid_in_domain(&user, &dom, &rid));
    assert_int_equal(rid, 1105);
    assert_false(adb_sid_in_domain(&other, &dom, NULL));
    assert_false(adb_sid_in_domain(&dom, &dom, NULL));
    assert_true(adb_sid_has_prefix(&user, &dom));
    assert_true(adb_sid_has_prefix(&dom, &dom));
    assert_int_equal(adb_sid_compose(&dom, 1105, &composed), ADB_OK);
    assert_true(adb_sid_equal(&composed, &user));
    assert_true(adb_sid_hash(&composed) == adb_sid_hash(&user));
    /* The incremental form gives the same hash as the whole SID. */
    assert_true(adb_sid_hash_rid(adb_sid_hash_state(&dom), 1105,
                                 dom.sub_count + 1u) == adb_sid_hash(&user));
    assert_true(adb_sid_hash(&dom) != adb_sid_hash(&user));
    assert_false(adb_sid_equal(&user, &other));
    adb_sid_parse("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15", &dom);
    assert_int_equal(adb_sid_compose(&dom, 1, &composed), ADB_ERR_LIMIT);
}

static void utf16_conversions(void **state)
{
    /* "aÄ€😀" */
    static const uint8_t ok[] = { 'a', 0, 0xC4, 0, 0xAC, 0x20, 0x3D, 0xD8,
                                  0x00, 0xDE };
    static const uint8_t lone_hi[] = { 'a', 0, 0x3D, 0xD8 };
    static const uint8_t lone_lo[] = { 0x00, 0xDE, 'a', 0 };
    static const uint8_t hi_hi[] = { 0x3D, 0xD8, 0x3D, 0xD8 };
    static const uint8_t nul[] = { 'a', 0, 0, 0 };
    adb_arena arena;
    adb_diag d = ADB_DIAG_INIT;
    adb_rd rd;
    const char *s = NULL;

    (void)state;
    adb_arena_init(&arena, 0);
    adb_rd_init(&rd, ok, sizeof(ok), 0, &d);
    assert_int_equal(adb_utf16_read(&rd, 5, "s", &arena, &s), ADB_OK);
    assert_string_equal(s, "a\xC3\x84\xE2\x82\xAC\xF0\x9F\x98\x80");
    adb_rd_init(&rd, ok, 0, 0, &d);
    assert_int_equal(adb_utf16_read(&rd, 0, "s", &arena, &s), ADB_OK);
    assert_string_equal(s, "");
#define BAD(arr, want)                                                    \
    do {                                                                  \
        const char *t = NULL;                                             \
        d = (adb_diag)ADB_DIAG_INIT;                                      \
        adb_rd_init(&rd, arr, sizeof(arr), 0, &d);                        \
        assert_int_equal(adb_utf16_read(&rd, sizeof(arr) / 2, "s", &arena,\
                                        &t), want);                       \
        assert_null(t);                                                   \
        assert_int_equal(rd.off, 0);                                      \
    } while (0)
    BAD(lone_hi, ADB_ERR_MALFORMED);
    BAD(lone_lo, ADB_ERR_MALFORMED);
    BAD(hi_hi, ADB_ERR_MALFORMED);
    BAD(nul, ADB_ERR_MALFORMED);
    d = (adb_diag)ADB_DIAG_INIT;
    adb_rd_init(&rd, ok, 3, 0, &d);
    assert_int_equal(adb_utf16_read(&rd, 2, "s", &arena, &s),
                     ADB_ERR_TRUNCATED);
    adb_arena_free(&arena);
}

static void arena_behaviour(void **state)
{
    adb_arena arena;
    uint8_t *p, *q;
    size_t i;

    (void)state;
    adb_arena_init(&arena, 0);
    p = adb_arena_alloc(&arena, 100);
    assert_non_null(p);
    for (i = 0; i < 100; i++)
        assert_int_equal(p[i], 0);
    q = adb_arena_alloc(&arena, 1 << 20);   /* bigger than a chunk */
    assert_non_null(q);
    assert_int_equal(((uintptr_t)q) % _Alignof(max_align_t), 0);
    assert_non_null(adb_arena_array(&arena, 0, 8));
    assert_null(adb_arena_array(&arena, SIZE_MAX / 2, 4));
    assert_null(adb_arena_alloc(&arena, (size_t)1 << 31));
    adb_arena_free(&arena);
    adb_arena_free(&arena);   /* idempotent */
    adb_arena_free(NULL);
}

/* adb_buf: growth, the NUL, the limit, sticky failures, take. */
static void buf_behaviour(void **state)
{
    adb_buf b;
    uint8_t *p;
    size_t len, i;
    char *str;

    (void)state;
    adb_buf_init(&b, 0);
    str = adb_buf_take_str(&b);             /* nothing written: "" */
    assert_string_equal(str, "");
    free(str);
    for (i = 0; i < 1000; i++)
        adb_buf_str(&b, "0123456789");
    assert_int_equal(b.len, 10000);
    assert_int_equal(b.p[b.len], '\0');
    adb_buf_printf(&b, "%d-%s", 42, "x");
    adb_buf_u8(&b, 0x01);
    adb_buf_u16le(&b, 0x0302);
    adb_buf_u32le(&b, 0x07060504);
    adb_buf_put_u32le(&b, 0, 0x34333231);
    assert_memory_equal(b.p, "1234", 4);
    assert_memory_equal(b.p + 10000, "42-x\x01\x02\x03\x04\x05\x06\x07", 11);
    adb_buf_put_u32le(&b, b.len - 3, 0);     /* not 4 written bytes */
    assert_int_equal(adb_buf_status(&b), ADB_ERR_INVALID);
    adb_buf_str(&b, "more");                 /* sticky: nothing */
    assert_int_equal(b.len, 10011);
    assert_null(adb_buf_take(&b, &len));
    assert_int_equal(len, 0);
    assert_null(b.p);

    /* the limit, exactly */
    adb_buf_init(&b, 8);
    adb_buf_zeros(&b, 8);
    assert_int_equal(adb_buf_status(&b), ADB_OK);
    adb_buf_u8(&b, 1);
    assert_int_equal(adb_buf_status(&b), ADB_ERR_LIMIT);
    assert_int_equal(b.len, 8);
    adb_buf_free(&b);
    adb_buf_free(NULL);
    adb_buf_init(&b, 0);
    adb_buf_printf(&b, "%2000d", 1);         /* over the printf limit */
    assert_int_equal(adb_buf_status(&b), ADB_ERR_LIMIT);
    adb_buf_free(&b);

    /* reserve / commit */
    adb_buf_init(&b, 0);
    p = adb_buf_reserve(&b, 3);
    assert_non_null(p);
    memcpy(p, "ab", 2);
    adb_buf_commit(&b, 2);
    p = adb_buf_take(&b, &len);
    assert_int_equal(len, 2);
    assert_string_equal((char *)p, "ab");
    free(p);
}

static void json_expect(const char *in, const char *want)
{
    adb_buf b;
    char *out;

    adb_buf_init(&b, 0);
    adb_buf_json_str(&b, in);
    out = adb_buf_take_str(&b);
    assert_non_null(out);
    assert_string_equal(out, want);
    free(out);
}

/* The one JSON escaper: UTF-8 kept, everything else made valid. */
/* MIT's encoding of an AD-IF-RELEVANT container holding @n elements of
 * @types with @datas (free with krb5_free_authdata). */
static krb5_authdata **mit_container(krb5_context k, const int32_t *types,
                                     const char *const *datas, size_t n)
{
    krb5_authdata el[8], *list[9], **out = NULL;
    size_t i;

    assert_true(n <= 8);
    for (i = 0; i < n; i++) {
        el[i].magic = KV5M_AUTHDATA;
        el[i].ad_type = types[i];
        el[i].length = (unsigned int)strlen(datas[i]);
        el[i].contents = (krb5_octet *)datas[i];
        list[i] = &el[i];
    }
    list[n] = NULL;
    assert_int_equal(krb5_encode_authdata_container(
                         k, KRB5_AUTHDATA_IF_RELEVANT, list, &out), 0);
    return out;
}

/* adb_der_authdata reads what MIT's encoder writes, in place, to the same
 * elements; it turns away every other encoding (the caller then asks
 * MIT's decoder), and a short room is ADB_ERR_LIMIT. */
static void der_authdata(void **state)
{
    static const int32_t types[] = { 128, 141, -17, 0, 2147483647,
                                     (-2147483647 - 1), 127, 128 };
    static const char *const datas[] = { "PAC bytes", "restrictions", "", "z",
                                         "max", "min", "a", "second PAC" };
    /* IF-RELEVANT{5: "x"}: canonical, then the same encoded otherwise */
    static const uint8_t good[] = { 0x30, 0x0c, 0x30, 0x0a, 0xa0, 0x03, 0x02,
                                    0x01, 0x05, 0xa1, 0x03, 0x04, 0x01, 0x78 };
    static const struct { const char *what; size_t len; uint8_t b[20]; } bad[] = {
        { "indefinite length", 16,
          { 0x30, 0x80, 0x30, 0x0a, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03,
            0x04, 0x01, 0x78, 0x00, 0x00 } },
        { "long form for a short length", 15,
          { 0x30, 0x81, 0x0c, 0x30, 0x0a, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1,
            0x03, 0x04, 0x01, 0x78 } },
        { "non-minimal INTEGER", 15,
          { 0x30, 0x0d, 0x30, 0x0b, 0xa0, 0x04, 0x02, 0x02, 0x00, 0x05, 0xa1,
            0x03, 0x04, 0x01, 0x78 } },
        { "trailing byte", 15,
          { 0x30, 0x0c, 0x30, 0x0a, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03,
            0x04, 0x01, 0x78, 0x00 } },
        { "empty sequence", 2, { 0x30, 0x00 } },
        { "five-octet INTEGER", 18,
          { 0x30, 0x10, 0x30, 0x0e, 0xa0, 0x07, 0x02, 0x05, 0x00, 0x80, 0x00,
            0x00, 0x00, 0xa1, 0x03, 0x04, 0x01, 0x78 } },
        { "wrong tag for ad-data", 14,
          { 0x30, 0x0c, 0x30, 0x0a, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa2, 0x03,
            0x04, 0x01, 0x78 } },
    };
    krb5_context k = NULL;
    krb5_authdata **c = NULL, **mit = NULL;
    adb_der_ad el[8];
    size_t n, i, cut;

    (void)state;
    assert_int_equal(krb5_init_context(&k), 0);
    c = mit_container(k, types, datas, 8);
    n = 99;
    assert_int_equal(adb_der_authdata(c[0]->contents, c[0]->length, el, 8, &n),
                     ADB_OK);
    assert_int_equal(n, 8);
    assert_int_equal(krb5_decode_authdata_container(
                         k, KRB5_AUTHDATA_IF_RELEVANT, c[0], &mit), 0);
    for (i = 0; i < 8; i++) {
        assert_int_equal(el[i].type, types[i]);
        assert_int_equal(el[i].type, mit[i]->ad_type);
        assert_int_equal(el[i].len, strlen(datas[i]));
        assert_int_equal(el[i].len, mit[i]->length);
        if (el[i].len > 0) {
            /* in place: inside the input */
            assert_true(el[i].data > c[0]->contents &&
                        el[i].data + el[i].len <= c[0]->contents + c[0]->length);
            assert_memory_equal(el[i].data, datas[i], el[i].len);
        } else {
            assert_null(el[i].data);
        }
    }
    /* no room for all: LIMIT, nothing counted */
    n = 99;
    assert_int_equal(adb_der_authdata(c[0]->contents, c[0]->length, el, 7, &n),
                     ADB_ERR_LIMIT);
    assert_int_equal(n, 0);
    /* every truncation is malformed (and reads nothing beyond the cut) */
    for (cut = 0; cut < c[0]->length; cut++) {
        uint8_t *copy = malloc(cut + 1);

        assert_non_null(copy);
        memcpy(copy, c[0]->contents, cut);
        n = 99;
        assert_int_equal(adb_der_authdata(cut ? copy : NULL, cut, el, 8, &n),
                         ADB_ERR_MALFORMED);
        assert_int_equal(n, 0);
        free(copy);
    }
    /* the canonical one element; every other encoding turned away */
    assert_int_equal(adb_der_authdata(good, sizeof(good), el, 1, &n), ADB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(el[0].type, 5);
    assert_int_equal(el[0].len, 1);
    assert_ptr_equal(el[0].data, good + 13);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        n = 99;
        if (adb_der_authdata(bad[i].b, bad[i].len, el, 8, &n) !=
            ADB_ERR_MALFORMED || n != 0)
            fail_msg("adb_der_authdata accepted: %s", bad[i].what);
    }
    krb5_free_authdata(k, mit);
    krb5_free_authdata(k, c);
    krb5_free_context(k);
}

static void buf_json_escaping(void **state)
{
    adb_buf b;

    (void)state;
    json_expect(NULL, "null");
    json_expect("", "\"\"");
    json_expect("plain", "\"plain\"");
    json_expect("q\"b\\", "\"q\\\"b\\\\\"");
    json_expect("a\nb\x01\x7f", "\"a\\u000ab\\u0001\\u007f\"");
    /* valid UTF-8 passes as it is: josé, a CJK character, an emoji */
    json_expect("jos\xc3\xa9", "\"jos\xc3\xa9\"");
    json_expect("\xe4\xb8\xad", "\"\xe4\xb8\xad\"");
    json_expect("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
    /* not UTF-8: a Latin-1 byte, an overlong '/', a surrogate, past
     * U+10FFFF, a truncated sequence: each byte that cannot start a valid
     * sequence becomes U+FFFD */
    json_expect("jos\xe9", "\"jos\\ufffd\"");
    json_expect("\xc0\xaf", "\"\\ufffd\\ufffd\"");
    json_expect("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
    json_expect("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
    json_expect("\xe4\xb8", "\"\\ufffd\\ufffd\"");
    /* the limit is checked before anything is written */
    adb_buf_init(&b, 10);
    adb_buf_json_str(&b, "abcdef");
    assert_int_equal(adb_buf_status(&b), ADB_ERR_LIMIT);
    assert_int_equal(b.len, 0);
    adb_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rd_exact_reads),
        cmocka_unit_test(rd_truncated_consumes_nothing),
        cmocka_unit_test(rd_error_is_sticky),
        cmocka_unit_test(rd_sub_views),
        cmocka_unit_test(rd_align_and_tails),
        cmocka_unit_test(diag_format_names_field_and_offset),
        cmocka_unit_test(sid_parse_format_roundtrip),
        cmocka_unit_test(sid_format_longest),
        cmocka_unit_test(sid_format_digit_edges),
        cmocka_unit_test(sid_parse_rejects),
        cmocka_unit_test(sid_read_binary),
        cmocka_unit_test(sid_domain_relations),
        cmocka_unit_test(utf16_conversions),
        cmocka_unit_test(arena_behaviour),
        cmocka_unit_test(buf_behaviour),
        cmocka_unit_test(buf_json_escaping),
        cmocka_unit_test(der_authdata),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
