/* SPDX-License-Identifier: MIT */
/*
 * test_pac_encode.c - LOGON_INFO encoding (pac_encode_logon_info).
 *
 * Round trips (decode -> encode -> decode, every field equal) over the real
 * AD PACs in tests/fixtures and the public Windows samples in
 * tests/diff/samples/public, byte identity with the original LOGON_INFO
 * buffer, and edge cases built in C.
 *
 * `test_pac_encode --dump DIR` writes, instead of testing, the inputs of
 * tests/diff/encode_check.py (the differential check against Samba):
 * NAME.orig / NAME.enc (original and re-encoded LOGON_INFO of each real
 * PAC) and synth-NAME.enc + synth-NAME.expect (edge cases, with key=value
 * lines of what Samba must decode).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include "unit_support.h"

#include "pac.h"
#include "pac_build.h"
#include "nomem.h"

#if !NOMEM_AVAILABLE
#define ADB_ASAN 1
#endif

#define DOMSID "S-1-5-21-3623811015-3361044348-30300820"
#define SAMPLES_DIR ADB_FIXTURE_DIR "/../diff/samples/public"

/* Real PACs whose LOGON_INFO we do not reproduce byte for byte, and why:
 * Windows Server 2022 numbers the ExtraSids[i].Sid referents before
 * ResourceGroupDomainSid / ResourceGroupIds (depth first), Samba and we in
 * the order the ids are written.  Only the referent values differ. */
static const char *const not_identical[] = {
    "mit-ticket_data-w2022.pac",
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static adb_sid sid_of(const char *text)
{
    adb_sid s;

    assert_int_equal(adb_sid_parse(text, &s), ADB_OK);
    return s;
}

static void str_equal(const char *what, const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        if (a != b)
            fail_msg("%s: %s vs %s", what, a ? a : "NULL", b ? b : "NULL");
        return;
    }
    if (strcmp(a, b) != 0)
        fail_msg("%s: \"%s\" vs \"%s\"", what, a, b);
}

static void groups_equal(const char *what, uint32_t n, const pac_group *a,
                         const pac_group *b)
{
    uint32_t i;

    if ((a == NULL) != (b == NULL))
        fail_msg("%s: array NULL-ness differs", what);
    for (i = 0; i < n; i++)
        if (a[i].rid != b[i].rid || a[i].attributes != b[i].attributes)
            fail_msg("%s[%u] differs", what, i);
}

/* Every field of two LOGON_INFOs, including which pointers are NULL. */
static void logon_equal(const pac_logon_info *a, const pac_logon_info *b)
{
    uint32_t i;

    assert_true(a->logon_time == b->logon_time);
    assert_true(a->logoff_time == b->logoff_time);
    assert_true(a->kickoff_time == b->kickoff_time);
    assert_true(a->password_last_set == b->password_last_set);
    assert_true(a->password_can_change == b->password_can_change);
    assert_true(a->password_must_change == b->password_must_change);
    str_equal("effective_name", a->effective_name, b->effective_name);
    str_equal("full_name", a->full_name, b->full_name);
    str_equal("logon_script", a->logon_script, b->logon_script);
    str_equal("profile_path", a->profile_path, b->profile_path);
    str_equal("home_directory", a->home_directory, b->home_directory);
    str_equal("home_directory_drive", a->home_directory_drive,
              b->home_directory_drive);
    assert_int_equal(a->logon_count, b->logon_count);
    assert_int_equal(a->bad_password_count, b->bad_password_count);
    assert_int_equal(a->user_rid, b->user_rid);
    assert_int_equal(a->primary_group_rid, b->primary_group_rid);
    assert_int_equal(a->group_count, b->group_count);
    groups_equal("groups", a->group_count, a->groups, b->groups);
    assert_int_equal(a->user_flags, b->user_flags);
    assert_memory_equal(a->user_session_key, b->user_session_key, 16);
    str_equal("logon_server", a->logon_server, b->logon_server);
    str_equal("logon_domain", a->logon_domain, b->logon_domain);
    assert_true(adb_sid_equal(&a->domain_sid, &b->domain_sid));
    assert_int_equal(a->reserved1[0], b->reserved1[0]);
    assert_int_equal(a->reserved1[1], b->reserved1[1]);
    assert_int_equal(a->user_account_control, b->user_account_control);
    assert_int_equal(a->sub_auth_status, b->sub_auth_status);
    assert_true(a->last_successful_ilogon == b->last_successful_ilogon);
    assert_true(a->last_failed_ilogon == b->last_failed_ilogon);
    assert_int_equal(a->failed_ilogon_count, b->failed_ilogon_count);
    assert_int_equal(a->reserved3, b->reserved3);
    assert_int_equal(a->extra_sid_count, b->extra_sid_count);
    assert_int_equal(a->extra_sids == NULL, b->extra_sids == NULL);
    for (i = 0; i < a->extra_sid_count; i++) {
        assert_true(adb_sid_equal(&a->extra_sids[i].sid,
                                  &b->extra_sids[i].sid));
        assert_int_equal(a->extra_sids[i].attributes,
                         b->extra_sids[i].attributes);
    }
    assert_int_equal(a->has_resource_domain_sid, b->has_resource_domain_sid);
    if (a->has_resource_domain_sid)
        assert_true(adb_sid_equal(&a->resource_domain_sid,
                                  &b->resource_domain_sid));
    assert_int_equal(a->resource_group_count, b->resource_group_count);
    groups_equal("resource_groups", a->resource_group_count,
                 a->resource_groups, b->resource_groups);
}

/* Structural checks on an encoding: envelope, padding, referent ids. */
static void check_envelope(const uint8_t *p, size_t len)
{
    static const uint8_t hdr[8] = { 1, 0x10, 8, 0, 0xCC, 0xCC, 0xCC, 0xCC };

    assert_true(len >= 16 + 8);
    assert_memory_equal(p, hdr, 8);
    assert_int_equal(le32(p + 8), len - 16);
    assert_int_equal(le32(p + 8) % 8, 0);
    assert_int_equal(le32(p + 12), 0);
    assert_int_equal(le32(p + 16), 0x00020000);
}

/* Encode @li, check the envelope, decode it again into @arena. */
static const pac_logon_info *roundtrip(const pac_logon_info *li,
                                       adb_arena *arena, tb *enc)
{
    uint8_t *out = NULL;
    size_t len = 0;
    pac_logon_info *back = NULL;
    adb_diag d = ADB_DIAG_INIT;
    adb_rd rd;
    char msg[256];

    assert_int_equal(pac_encode_logon_info(li, &out, &len), ADB_OK);
    assert_non_null(out);
    check_envelope(out, len);
    adb_rd_init(&rd, out, len, 0, &d);
    if (pac_decode_logon_info(&rd, arena, &back) != ADB_OK)
        fail_msg("re-decode: %s", adb_diag_format(&d, msg, sizeof(msg)));
    logon_equal(li, back);
    if (enc != NULL) {
        enc->p = out;
        enc->len = len;
        enc->cap = len;
    } else {
        free(out);
    }
    return back;
}

/* Encoding must fail with @want and leave the outputs alone. */
static void expect_refused(const pac_logon_info *li, adb_err want)
{
    uint8_t sentinel = 0, *out = &sentinel;
    size_t len = 12345;

    assert_int_equal(pac_encode_logon_info(li, &out, &len), want);
    assert_ptr_equal(out, &sentinel);
    assert_int_equal(len, 12345);
}

static const pac_group example_groups[] = {
    { 513, 7 }, { 1106, 7 }, { 1107, 7 }, { 1108, 7 }, { 1109, 7 }
};
static pac_sid_attr example_extra[2];

/* A fully populated user, built without the decoder. */
static pac_logon_info example(void)
{
    pac_logon_info li;

    memset(&li, 0, sizeof(li));
    li.logon_time = 0x01D9000000000000ULL;
    li.logoff_time = 0x7FFFFFFFFFFFFFFFULL;
    li.kickoff_time = 0x7FFFFFFFFFFFFFFFULL;
    li.password_last_set = 0x01D9000000000001ULL;
    li.password_can_change = 0x01D9000000000002ULL;
    li.password_must_change = 0x7FFFFFFFFFFFFFFFULL;
    li.effective_name = "alice";
    li.full_name = "Alice Example";
    li.logon_script = "";
    li.profile_path = "";
    li.home_directory = "";
    li.home_directory_drive = "";
    li.logon_count = 3;
    li.user_rid = 1103;
    li.primary_group_rid = 513;
    li.group_count = 5;
    li.groups = example_groups;
    li.user_flags = PAC_USER_FLAG_EXTRA_SIDS;
    li.logon_server = "DC1";
    li.logon_domain = "ADEX";
    li.domain_sid = sid_of(DOMSID);
    li.user_account_control = 0x210;
    example_extra[0].sid = sid_of("S-1-18-1");
    example_extra[0].attributes = 7;
    example_extra[1].sid =
        sid_of("S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14");
    example_extra[1].attributes = 0x20000007;
    li.extra_sid_count = 2;
    li.extra_sids = example_extra;
    return li;
}

/* --- real PACs ---------------------------------------------------------- */

static bool expected_identical(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(not_identical) / sizeof(not_identical[0]); i++)
        if (strcmp(name, not_identical[i]) == 0)
            return false;
    return true;
}

/* The original LOGON_INFO buffer of a PAC file, via MIT. */
static bool original_logon(const tb *pac, krb5_data *out)
{
    krb5_pac kpac = NULL;
    krb5_error_code kret;

    assert_int_equal(krb5_pac_parse(kctx, pac->p, pac->len, &kpac), 0);
    kret = krb5_pac_get_buffer(kctx, kpac, PAC_TYPE_LOGON_INFO, out);
    krb5_pac_free(kctx, kpac);
    return kret == 0;
}

/* Round trip every *.pac of @dir; returns how many were checked. */
static size_t roundtrip_dir(const char *dir_path, bool must_be_identical)
{
    DIR *dir = opendir(dir_path);
    struct dirent *de;
    size_t count = 0;

    assert_non_null(dir);
    while ((de = readdir(dir)) != NULL) {
        char path[4096], msg[256];
        size_t nlen = strlen(de->d_name);
        tb pac = { 0 }, enc = { 0 };
        pac_info *info = NULL;
        adb_diag d = ADB_DIAG_INIT;
        adb_arena arena;
        krb5_data orig;
        bool identical;

        if (nlen < 5 || strcmp(de->d_name + nlen - 4, ".pac") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir_path, de->d_name);
        assert_true(tb_read_file(&pac, path));
        if (pac_decode_blob(kctx, pac.p, pac.len, &info, &d) != ADB_OK)
            fail_msg("%s: %s", de->d_name,
                     adb_diag_format(&d, msg, sizeof(msg)));
        if (info->logon_info == NULL) {
            pac_info_free(info);
            tb_free(&pac);
            continue;
        }
        adb_arena_init(&arena, 0);
        roundtrip(info->logon_info, &arena, &enc);
        assert_true(original_logon(&pac, &orig));
        identical = orig.length == enc.len &&
                    memcmp(orig.data, enc.p, enc.len) == 0;
        printf("    %-40s %5u bytes: %s\n", de->d_name, orig.length,
               identical ? "byte-identical" : "NOT byte-identical");
        if (must_be_identical || expected_identical(de->d_name)) {
            if (!identical)
                fail_msg("%s: encoding differs from the original", de->d_name);
        } else if (identical) {
            fail_msg("%s: now identical; update not_identical[]", de->d_name);
        } else {
            /* Same length, and only referent ids may differ. */
            size_t k;

            assert_int_equal(orig.length, enc.len);
            for (k = 0; k + 4 <= enc.len; k += 4)
                if (memcmp(orig.data + k, enc.p + k, 4) != 0)
                    assert_true((le32(enc.p + k) & 0xFFFF0003u) ==
                                0x00020000u);
        }
        krb5_free_data_contents(kctx, &orig);
        adb_arena_free(&arena);
        pac_info_free(info);
        tb_free(&enc);
        tb_free(&pac);
        count++;
    }
    closedir(dir);
    return count;
}

static void real_ad_pacs(void **state)
{
    (void)state;
    if (roundtrip_dir(ADB_FIXTURE_DIR, true) == 0)
        fail_msg("no *.pac in %s", ADB_FIXTURE_DIR);
}

static void public_samples(void **state)
{
    (void)state;
    if (roundtrip_dir(SAMPLES_DIR, false) == 0)
        fail_msg("no *.pac in %s", SAMPLES_DIR);
}

/* What the bridge does: decode AD's PAC, keep part of the SIDs, encode the
 * filtered LOGON_INFO into a new krb5_pac, and a PAC consumer (our decoder
 * here) sees exactly the kept SIDs. */
static void filtered_copy_into_new_pac(void **state)
{
    tb pac = { 0 };
    pac_info *info = NULL, *again = NULL;
    pac_logon_info li;
    krb5_pac npac = NULL;
    krb5_data data;
    uint8_t *enc = NULL;
    size_t len = 0;

    (void)state;
    assert_true(tb_read_file(&pac, ADB_FIXTURE_DIR "/ad-erin.pac"));
    assert_int_equal(pac_decode_blob(kctx, pac.p, pac.len, &info, NULL),
                     ADB_OK);
    li = *info->logon_info;                     /* shallow copy */
    assert_true(li.group_count > 3);
    li.group_count = 3;
    li.extra_sid_count = 0;
    li.extra_sids = NULL;
    li.user_flags &= ~PAC_USER_FLAG_EXTRA_SIDS;
    assert_int_equal(pac_encode_logon_info(&li, &enc, &len), ADB_OK);

    assert_int_equal(krb5_pac_init(kctx, &npac), 0);
    data.magic = KV5M_DATA;
    data.length = (unsigned int)len;
    data.data = (char *)enc;
    assert_int_equal(krb5_pac_add_buffer(kctx, npac, PAC_TYPE_LOGON_INFO,
                                         &data), 0);
    assert_int_equal(pac_decode(kctx, npac, &again, NULL), ADB_OK);
    logon_equal(&li, again->logon_info);
    assert_int_equal(again->sid_count, 2 + 3);
    assert_int_equal(again->sids[4].source, PAC_SID_GROUP);

    pac_info_free(again);
    krb5_pac_free(kctx, npac);
    free(enc);
    pac_info_free(info);
    tb_free(&pac);
}

/* --- edge cases ---------------------------------------------------------- */

static void example_roundtrip(void **state)
{
    pac_logon_info li = example();
    adb_arena arena;
    tb enc = { 0 };
    size_t k;
    uint32_t ref = 0x00020000;

    (void)state;
    adb_arena_init(&arena, 0);
    roundtrip(&li, &arena, &enc);
    /* Fixed part: strings have MaximumLength == Length except LogonServer
     * and LogonDomainName (+2); referents are numbered in order. */
    assert_int_equal(le32(enc.p + 0x44), 10 | 10u << 16);      /* alice */
    assert_int_equal(le32(enc.p + 0x9C), 6 | 8u << 16);        /* DC1 */
    assert_int_equal(le32(enc.p + 0xA4), 8 | 10u << 16);       /* ADEX */
    for (k = 16; k < 0xEC; k += 4) {
        uint32_t v = le32(enc.p + k);

        if ((v & 0xFFFF0003u) == 0x00020000u && v >= ref) {
            assert_int_equal(v, ref);
            ref += 4;
        }
    }
    /* The fixed part holds 12 ids: top, 6 strings, GroupIds, 2 strings,
     * LogonDomainId, ExtraSids (the resource pointers are NULL); the two
     * ExtraSids[i].Sid ids follow in the deferred array. */
    assert_int_equal(ref, 0x00020000 + 12 * 4);
    /* Padding after the NDR data is zero. */
    assert_int_equal(enc.p[enc.len - 1], 0);
    tb_free(&enc);
    adb_arena_free(&arena);
}

static void null_strings_no_groups_no_extra(void **state)
{
    pac_logon_info li = example();
    const pac_logon_info *back;
    adb_arena arena;
    tb enc = { 0 };

    (void)state;
    li.full_name = NULL;
    li.logon_script = NULL;
    li.logon_server = NULL;
    li.logon_domain = NULL;
    li.group_count = 0;
    li.groups = NULL;
    li.extra_sid_count = 0;
    li.extra_sids = NULL;
    li.user_flags = 0;
    adb_arena_init(&arena, 0);
    back = roundtrip(&li, &arena, &enc);
    assert_null(back->full_name);
    assert_null(back->logon_server);
    assert_null(back->groups);
    assert_null(back->extra_sids);
    assert_string_equal(back->profile_path, "");
    /* NULL string: 0, 0, NULL pointer; empty string: 0, 0, non-NULL. */
    assert_int_equal(le32(enc.p + 0x4C), 0);
    assert_int_equal(le32(enc.p + 0x50), 0);
    assert_int_equal(le32(enc.p + 0x5C), 0);
    assert_int_not_equal(le32(enc.p + 0x60), 0);
    assert_int_equal(le32(enc.p + 0x9C), 0);
    assert_int_equal(le32(enc.p + 0xA0), 0);
    assert_int_equal(le32(enc.p + 0x84), 0);        /* GroupIds */
    assert_int_equal(le32(enc.p + 0xDC), 0);        /* ExtraSids */
    assert_int_equal(le32(enc.p + 0xE0), 0);        /* ResourceGroupDomainSid */
    assert_int_equal(le32(enc.p + 0xE8), 0);        /* ResourceGroupIds */
    tb_free(&enc);

    /* Count 0 with non-NULL arrays: empty conformant arrays. */
    li.groups = example_groups;
    li.extra_sids = example_extra;
    back = roundtrip(&li, &arena, &enc);
    assert_non_null(back->groups);
    assert_non_null(back->extra_sids);
    assert_int_equal(back->group_count, 0);
    assert_int_not_equal(le32(enc.p + 0x84), 0);
    tb_free(&enc);

    /* All strings NULL. */
    li.effective_name = NULL;
    li.profile_path = NULL;
    li.home_directory = NULL;
    li.home_directory_drive = NULL;
    back = roundtrip(&li, &arena, &enc);
    assert_null(back->effective_name);
    tb_free(&enc);

    /* Empty LogonServer: Length 0, MaximumLength 2 (as Samba). */
    li.logon_server = "";
    back = roundtrip(&li, &arena, &enc);
    assert_string_equal(back->logon_server, "");
    assert_int_equal(le32(enc.p + 0x9C), 0 | 2u << 16);
    tb_free(&enc);
    adb_arena_free(&arena);
}

static void resource_groups(void **state)
{
    static const pac_group res[] = { { 572, 0x20000007 },
                                     { 1200, 0x20000007 } };
    pac_logon_info li = example();
    const pac_logon_info *back;
    adb_arena arena;

    (void)state;
    li.user_flags |= PAC_USER_FLAG_RESOURCE_GROUPS;
    li.has_resource_domain_sid = true;
    li.resource_domain_sid = sid_of("S-1-5-21-1-2-3");
    li.resource_group_count = 2;
    li.resource_groups = res;
    adb_arena_init(&arena, 0);
    back = roundtrip(&li, &arena, NULL);
    assert_int_equal(back->resource_groups[1].rid, 1200);

    /* A resource domain SID without groups (NULL array) round-trips. */
    li.resource_group_count = 0;
    li.resource_groups = NULL;
    back = roundtrip(&li, &arena, NULL);
    assert_true(back->has_resource_domain_sid);
    assert_null(back->resource_groups);
    adb_arena_free(&arena);
}

static void non_ascii_names(void **state)
{
    /* Z o e-diaeresis - U+65E5 U+672C - U+1F600 (a surrogate pair). */
    static const char name[] = "Zo\xC3\xAB-\xE6\x97\xA5\xE6\x9C\xAC-"
                               "\xF0\x9F\x98\x80";
    static const uint16_t units[] = { 'Z', 'o', 0xEB, '-', 0x65E5, 0x672C,
                                      '-', 0xD83D, 0xDE00 };
    pac_logon_info li = example();
    const pac_logon_info *back;
    adb_arena arena;
    tb enc = { 0 };
    size_t i;

    (void)state;
    li.effective_name = name;
    li.logon_domain = "\xC3\x89QUIPE";
    adb_arena_init(&arena, 0);
    back = roundtrip(&li, &arena, &enc);
    assert_string_equal(back->effective_name, name);
    assert_int_equal(le32(enc.p + 0x44), 18 | 18u << 16);
    /* First deferred item: EffectiveName's body at 16 + 4 + 216. */
    assert_int_equal(le32(enc.p + 0xEC), 9);
    assert_int_equal(le32(enc.p + 0xF0), 0);
    assert_int_equal(le32(enc.p + 0xF4), 9);
    for (i = 0; i < 9; i++)
        assert_int_equal(enc.p[0xF8 + 2 * i] | enc.p[0xF9 + 2 * i] << 8,
                         units[i]);
    tb_free(&enc);
    adb_arena_free(&arena);
}

static void invalid_utf8_refused(void **state)
{
    static const char *const bad[] = {
        "\x80",                   /* stray continuation byte */
        "a\xC3",                  /* truncated 2-byte sequence */
        "\xE6\x97",               /* truncated 3-byte sequence */
        "\xC0\xAF",               /* overlong '/' */
        "\xE0\x80\xAF",           /* overlong '/' (3 bytes) */
        "\xF0\x80\x80\xAF",       /* overlong '/' (4 bytes) */
        "\xED\xA0\x80",           /* UTF-16 surrogate U+D800 */
        "\xED\xBF\xBF",           /* U+DFFF */
        "\xF4\x90\x80\x80",       /* U+110000 */
        "\xF8\x88\x80\x80\x80",   /* 5-byte form */
        "\xFF",
    };
    pac_logon_info li = example();
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        li = example();
        li.full_name = bad[i];
        expect_refused(&li, ADB_ERR_MALFORMED);
        li = example();
        li.logon_domain = bad[i];
        expect_refused(&li, ADB_ERR_MALFORMED);
    }
}

static char *repeat(const char *unit, size_t n)
{
    size_t ulen = strlen(unit), i;
    char *s = malloc(ulen * n + 1);

    assert_non_null(s);
    for (i = 0; i < n; i++)
        memcpy(s + i * ulen, unit, ulen);
    s[ulen * n] = '\0';
    return s;
}

static void string_limits(void **state)
{
    char *max = repeat("x", PAC_MAX_STRING_UNITS);
    char *over = repeat("x", PAC_MAX_STRING_UNITS + 1);
    char *pairs = repeat("\xF0\x9F\x98\x80", PAC_MAX_STRING_UNITS / 2 + 1);
    pac_logon_info li = example();
    adb_arena arena;

    (void)state;
    adb_arena_init(&arena, 0);
    li.full_name = max;                 /* 32767 units: Length 65534 */
    roundtrip(&li, &arena, NULL);
    li.full_name = over;
    expect_refused(&li, ADB_ERR_LIMIT);
    li.full_name = pairs;               /* 32768 units from 16384 chars */
    expect_refused(&li, ADB_ERR_LIMIT);
    li = example();
    /* LogonServer: MaximumLength = Length + 2 must fit a USHORT. */
    max[PAC_MAX_STRING_UNITS - 1] = '\0';
    li.logon_server = max;              /* 32766 units */
    roundtrip(&li, &arena, NULL);
    max[PAC_MAX_STRING_UNITS - 1] = 'x';
    li.logon_server = max;
    expect_refused(&li, ADB_ERR_LIMIT);
    adb_arena_free(&arena);
    free(max);
    free(over);
    free(pairs);
}

static void maximal_arrays(void **state)
{
    pac_group *g = calloc(PAC_MAX_GROUPS + 1, sizeof(*g));
    pac_sid_attr *x = calloc(PAC_MAX_EXTRA_SIDS + 1, sizeof(*x));
    pac_logon_info li = example();
    const pac_logon_info *back;
    adb_arena arena;
    uint32_t i;

    (void)state;
    assert_non_null(g);
    assert_non_null(x);
    for (i = 0; i <= PAC_MAX_GROUPS; i++) {
        g[i].rid = 1000 + i;
        g[i].attributes = 7;
    }
    for (i = 0; i <= PAC_MAX_EXTRA_SIDS; i++) {
        x[i].sid = sid_of("S-1-5-21-1-2-3");
        x[i].sid.sub[3] = 5000 + i;
        x[i].sid.sub_count = 4;
        x[i].attributes = 7;
    }
    adb_arena_init(&arena, 0);
    li.group_count = PAC_MAX_GROUPS;
    li.groups = g;
    li.extra_sid_count = PAC_MAX_EXTRA_SIDS;
    li.extra_sids = x;
    li.user_flags |= PAC_USER_FLAG_RESOURCE_GROUPS;
    li.has_resource_domain_sid = true;
    li.resource_domain_sid = sid_of("S-1-5-21-9-9-9");
    li.resource_group_count = PAC_MAX_GROUPS;
    li.resource_groups = g;
    back = roundtrip(&li, &arena, NULL);
    assert_int_equal(back->groups[PAC_MAX_GROUPS - 1].rid,
                     1000 + PAC_MAX_GROUPS - 1);
    li.group_count = PAC_MAX_GROUPS + 1;
    expect_refused(&li, ADB_ERR_LIMIT);
    li.group_count = PAC_MAX_GROUPS;
    li.extra_sid_count = PAC_MAX_EXTRA_SIDS + 1;
    expect_refused(&li, ADB_ERR_LIMIT);
    li.extra_sid_count = PAC_MAX_EXTRA_SIDS;
    li.resource_group_count = PAC_MAX_GROUPS + 1;
    expect_refused(&li, ADB_ERR_LIMIT);
    adb_arena_free(&arena);
    free(g);
    free(x);
}

static void sid_sizes(void **state)
{
    pac_logon_info li = example();
    adb_arena arena;
    const pac_logon_info *back;

    (void)state;
    adb_arena_init(&arena, 0);
    /* 14 sub-authorities: the largest domain SID with room for a RID. */
    li.domain_sid = sid_of("S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13");
    back = roundtrip(&li, &arena, NULL);
    assert_int_equal(back->domain_sid.sub_count, 14);
    /* 15: NDR could carry it, but no group SID could be formed; the
     * decoder refuses it, so the encoder does too. */
    li.domain_sid = sid_of("S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14");
    expect_refused(&li, ADB_ERR_LIMIT);
    /* An ExtraSid of 15 is a full SID, fine (example_extra[1]). */
    li = example();
    assert_int_equal(li.extra_sids[1].sid.sub_count, 15);
    back = roundtrip(&li, &arena, NULL);
    assert_int_equal(back->extra_sids[1].sid.sub_count, 15);
    /* 0 sub-authorities and a 48-bit authority. */
    li.domain_sid = sid_of("S-1-0x123456789ABC");
    back = roundtrip(&li, &arena, NULL);
    assert_true(back->domain_sid.authority == 0x123456789ABCull);
    adb_arena_free(&arena);
}

static void invalid_structures_refused(void **state)
{
    pac_logon_info li;
    uint8_t *out = NULL;
    size_t len = 0;

    (void)state;
    li = example();
    assert_int_equal(pac_encode_logon_info(NULL, &out, &len),
                     ADB_ERR_INVALID);
    assert_int_equal(pac_encode_logon_info(&li, NULL, &len),
                     ADB_ERR_INVALID);
    assert_int_equal(pac_encode_logon_info(&li, &out, NULL),
                     ADB_ERR_INVALID);
    assert_null(out);

    li.groups = NULL;                            /* count 5, NULL array */
    expect_refused(&li, ADB_ERR_INVALID);
    li = example();
    li.extra_sids = NULL;
    expect_refused(&li, ADB_ERR_INVALID);
    li = example();
    li.user_flags = 0;                           /* ExtraSids, no 0x20 */
    expect_refused(&li, ADB_ERR_INVALID);
    li = example();
    li.resource_group_count = 1;                 /* no 0x200, no SID */
    li.resource_groups = example_groups;
    expect_refused(&li, ADB_ERR_INVALID);
    li.user_flags |= PAC_USER_FLAG_RESOURCE_GROUPS;
    expect_refused(&li, ADB_ERR_INVALID);        /* still no SID */
    li.resource_groups = NULL;
    li.has_resource_domain_sid = true;
    li.resource_domain_sid = sid_of("S-1-5-21-1-2-3");
    expect_refused(&li, ADB_ERR_INVALID);        /* NULL array */
    li = example();
    li.domain_sid.revision = 0;                  /* zeroed, never set */
    expect_refused(&li, ADB_ERR_INVALID);
    li = example();
    li.domain_sid.authority = 1ull << 48;
    expect_refused(&li, ADB_ERR_INVALID);
    li = example();
    li.domain_sid.sub_count = 16;
    expect_refused(&li, ADB_ERR_INVALID);
    li = example();
    example_extra[0].sid.revision = 2;
    expect_refused(&li, ADB_ERR_INVALID);
    li = example();
    li.has_resource_domain_sid = true;           /* set but never filled */
    expect_refused(&li, ADB_ERR_INVALID);
}

/* Everything the decoder accepts survives a byte-level mutation loop:
 * for each accepted mutant, encode(decode(mutant)) decodes equal. */
static void mutants_roundtrip(void **state)
{
    pac_logon_info li = example();
    uint8_t *out = NULL;
    size_t len = 0, pos;
    unsigned bit, accepted = 0;

    (void)state;
    assert_int_equal(pac_encode_logon_info(&li, &out, &len), ADB_OK);
    for (pos = 0; pos < len; pos++) {
        for (bit = 0; bit < 8; bit++) {
            adb_arena arena;
            adb_diag d = ADB_DIAG_INIT;
            adb_rd rd;
            pac_logon_info *m = NULL;

            out[pos] ^= (uint8_t)(1u << bit);
            adb_arena_init(&arena, 0);
            adb_rd_init(&rd, out, len, 0, &d);
            if (pac_decode_logon_info(&rd, &arena, &m) == ADB_OK) {
                roundtrip(m, &arena, NULL);
                accepted++;
            }
            adb_arena_free(&arena);
            out[pos] ^= (uint8_t)(1u << bit);
        }
    }
    assert_true(accepted > 100);
    free(out);
}

/* Every allocation of the encoder fails in turn: ADB_ERR_NOMEM, outputs
 * untouched, nothing leaked.  65536 groups make the writer grow (the
 * first buffer, then one growth for the 512 KiB array, then more). */
static void allocation_failures(void **state)
{
#ifdef ADB_ASAN
    (void)state;
    skip();
#else
    pac_group *g = calloc(PAC_MAX_GROUPS, sizeof(*g));
    pac_logon_info li = example();
    long n;

    (void)state;
    assert_non_null(g);
    li.group_count = PAC_MAX_GROUPS;
    li.groups = g;
    for (n = 0;; n++) {
        uint8_t sentinel = 0, *out = &sentinel;
        size_t len = 12345;
        long before = nomem_live;
        adb_err ret;

        nomem_arm(n);
        ret = pac_encode_logon_info(&li, &out, &len);
        nomem_disarm();
        if (!nomem_did_fail) {
            assert_int_equal(ret, ADB_OK);
            free(out);
            assert_int_equal(nomem_live, before);
            break;
        }
        assert_int_equal(ret, ADB_ERR_NOMEM);
        assert_ptr_equal(out, &sentinel);
        assert_int_equal(len, 12345);
        assert_int_equal(nomem_live, before);
    }
    assert_true(n >= 2);
    free(g);
#endif
}

/* --- --dump DIR: inputs for tests/diff/encode_check.py ------------------- */

static int write_file(const char *dir, const char *name, const char *ext,
                      const void *p, size_t n)
{
    char path[4096];
    FILE *f;
    int ok;

    snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
    f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    ok = fwrite(p, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int dump_real(const char *src, const char *dst, krb5_context ctx)
{
    DIR *dir = opendir(src);
    struct dirent *de;
    int rc = 0;

    if (dir == NULL)
        return -1;
    while (rc == 0 && (de = readdir(dir)) != NULL) {
        char path[4096];
        size_t nlen = strlen(de->d_name);
        tb pac = { 0 };
        pac_info *info = NULL;
        krb5_pac kpac = NULL;
        krb5_data orig = { 0 };
        uint8_t *enc = NULL;
        size_t len = 0;

        if (nlen < 5 || strcmp(de->d_name + nlen - 4, ".pac") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", src, de->d_name);
        if (!tb_read_file(&pac, path) ||
            pac_decode_blob(ctx, pac.p, pac.len, &info, NULL) != ADB_OK ||
            krb5_pac_parse(ctx, pac.p, pac.len, &kpac) != 0)
            rc = -1;
        if (rc == 0 && info->logon_info != NULL) {
            if (krb5_pac_get_buffer(ctx, kpac, PAC_TYPE_LOGON_INFO, &orig) ||
                pac_encode_logon_info(info->logon_info, &enc, &len) ||
                write_file(dst, de->d_name, ".orig", orig.data,
                           orig.length) ||
                write_file(dst, de->d_name, ".enc", enc, len))
                rc = -1;
        }
        krb5_free_data_contents(ctx, &orig);
        free(enc);
        krb5_pac_free(ctx, kpac);
        pac_info_free(info);
        tb_free(&pac);
    }
    closedir(dir);
    return rc;
}

/* One synthetic case: NAME.enc and NAME.expect (key=value per line). */
static int dump_synth(const char *dst, const char *name,
                      const pac_logon_info *li)
{
    char buf[4096], s1[ADB_SID_STR_MAX], s2[ADB_SID_STR_MAX];
    uint8_t *enc = NULL;
    size_t len = 0;
    int n, rc;

    if (pac_encode_logon_info(li, &enc, &len) != ADB_OK)
        return -1;
    n = snprintf(buf, sizeof(buf),
                 "effective_name=%s\nfull_name=%s\nlogon_server=%s\n"
                 "logon_domain=%s\ndomain_sid=%s\nuser_rid=%u\n"
                 "group_count=%u\nfirst_group=%u\nextra_sid_count=%u\n"
                 "last_extra_sid=%s\nresource_group_count=%u\n"
                 "user_flags=%u\n",
                 li->effective_name ? li->effective_name : "(null)",
                 li->full_name ? li->full_name : "(null)",
                 li->logon_server ? li->logon_server : "(null)",
                 li->logon_domain ? li->logon_domain : "(null)",
                 adb_sid_format(&li->domain_sid, s1), li->user_rid,
                 li->group_count,
                 li->group_count ? li->groups[0].rid : 0,
                 li->extra_sid_count,
                 li->extra_sid_count ?
                     adb_sid_format(&li->extra_sids[li->extra_sid_count - 1]
                                    .sid, s2) : "(none)",
                 li->resource_group_count, li->user_flags);
    rc = (n > 0 && (size_t)n < sizeof(buf)) ? 0 : -1;
    if (rc == 0)
        rc = write_file(dst, name, ".enc", enc, len);
    if (rc == 0)
        rc = write_file(dst, name, ".expect", buf, (size_t)n);
    free(enc);
    return rc;
}

static int dump(const char *dst)
{
    static const pac_group res[] = { { 572, 0x20000007 } };
    krb5_context ctx = NULL;
    pac_logon_info li;
    pac_group *g = NULL;
    uint32_t i;
    int rc = 0;

    if (krb5_init_context(&ctx) != 0)
        return 1;
    if (dump_real(ADB_FIXTURE_DIR, dst, ctx) || dump_real(SAMPLES_DIR, dst,
                                                           ctx))
        rc = 1;
    li = example();
    if (!rc && dump_synth(dst, "synth-example", &li))
        rc = 1;
    li.full_name = NULL;
    li.logon_server = "";
    li.group_count = 0;
    li.groups = NULL;
    li.extra_sid_count = 0;
    li.extra_sids = NULL;
    li.user_flags = 0;
    if (!rc && dump_synth(dst, "synth-nulls", &li))
        rc = 1;
    li = example();
    li.effective_name = "Zo\xC3\xAB-\xE6\x97\xA5\xE6\x9C\xAC-\xF0\x9F\x98\x80";
    li.logon_domain = "\xC3\x89QUIPE";
    li.user_flags |= PAC_USER_FLAG_RESOURCE_GROUPS;
    li.has_resource_domain_sid = true;
    li.resource_domain_sid = sid_of("S-1-5-21-1-2-3");
    li.resource_group_count = 1;
    li.resource_groups = res;
    li.domain_sid = sid_of("S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13");
    if (!rc && dump_synth(dst, "synth-unicode-resource", &li))
        rc = 1;
    g = calloc(PAC_MAX_GROUPS, sizeof(*g));
    if (g == NULL)
        rc = 1;
    for (i = 0; !rc && i < PAC_MAX_GROUPS; i++) {
        g[i].rid = 1000 + i;
        g[i].attributes = 7;
    }
    li = example();
    li.group_count = PAC_MAX_GROUPS;
    li.groups = g;
    if (!rc && dump_synth(dst, "synth-65536-groups", &li))
        rc = 1;
    free(g);
    krb5_free_context(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_ad_pacs),
        cmocka_unit_test(public_samples),
        cmocka_unit_test(filtered_copy_into_new_pac),
        cmocka_unit_test(example_roundtrip),
        cmocka_unit_test(null_strings_no_groups_no_extra),
        cmocka_unit_test(resource_groups),
        cmocka_unit_test(non_ascii_names),
        cmocka_unit_test(invalid_utf8_refused),
        cmocka_unit_test(string_limits),
        cmocka_unit_test(maximal_arrays),
        cmocka_unit_test(sid_sizes),
        cmocka_unit_test(invalid_structures_refused),
        cmocka_unit_test(mutants_roundtrip),
        cmocka_unit_test(allocation_failures),
    };

    if (argc == 3 && strcmp(argv[1], "--dump") == 0)
        return dump(argv[2]);
    return cmocka_run_group_tests(tests, unit_group_setup, unit_group_teardown);
}
