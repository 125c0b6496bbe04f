/* SPDX-License-Identifier: MIT */
/* adb_sid.c - SID reading, formatting, parsing and comparison. */
#include "adb_sid.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

adb_err adb_sid_read(adb_rd *rd, const char *field, int expect_count,
                     adb_sid *out)
{
    adb_sid sid;
    uint8_t count = 0;
    size_t start = rd->off;
    unsigned int i;
    adb_err ret;

    memset(&sid, 0, sizeof(sid));
    ret = adb_rd_u8(rd, field, &sid.revision);
    if (!ret)
        ret = adb_rd_u8(rd, field, &count);
    if (ret)
        goto fail;
    if (sid.revision != 1) {
        rd->off = start;
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "SID revision %u, expected 1", sid.revision);
    }
    if (count > ADB_SID_MAX_SUBAUTH) {
        rd->off = start;
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "SID has %u sub-authorities, at most 15 allowed",
                           count);
    }
    if (expect_count >= 0 && count != (unsigned int)expect_count) {
        rd->off = start;
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "SID sub-authority count %u != conformant size %d",
                           count, expect_count);
    }
    ret = adb_rd_be48(rd, field, &sid.authority);
    for (i = 0; i < count && !ret; i++)
        ret = adb_rd_u32(rd, field, &sid.sub[i]);
    if (ret)
        goto fail;
    sid.sub_count = count;
    *out = sid;
    return ADB_OK;

fail:
    rd->off = start;   /* consume nothing on failure */
    return ret;
}

size_t adb_sid_binary_len(const adb_sid *sid)
{
    return 8 + 4 * (size_t)sid->sub_count;
}

/* "00" .. "99" */
static const char dec_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* Append "-" and the decimal form of @v at @p; returns the new end.  The
 * caller has room for 21 more bytes (a dash and up to 20 digits).  Two
 * digits per step, in 32 bits when @v fits (every sub-authority does). */
static char *put_dec(char *p, uint64_t v)
{
    char tmp[20];
    size_t n = sizeof(tmp), len;
    uint32_t w;
    char *end, *q;

    *p++ = '-';
    if (v > UINT32_MAX) {
        while (v > UINT32_MAX) {
            n--;
            tmp[n] = (char)('0' + v % 10);
            v /= 10;
        }
        w = (uint32_t)v;
        while (w >= 100) {
            uint32_t d = w / 100, r = w - d * 100;

            n -= 2;
            tmp[n] = dec_pairs[2 * r];
            tmp[n + 1] = dec_pairs[2 * r + 1];
            w = d;
        }
        if (w >= 10) {
            n -= 2;
            tmp[n] = dec_pairs[2 * w];
            tmp[n + 1] = dec_pairs[2 * w + 1];
        } else {
            tmp[--n] = (char)('0' + w);
        }
        len = sizeof(tmp) - n;
        memcpy(p, tmp + n, len);
        return p + len;
    }
    /* 32 bits (every sub-authority): count the digits, then write them
     * in place from the end */
    w = (uint32_t)v;
    len = w >= 1000000000u ? 10 : w >= 100000000u ? 9 : w >= 10000000u ? 8 :
          w >= 1000000u ? 7 : w >= 100000u ? 6 : w >= 10000u ? 5 :
          w >= 1000u ? 4 : w >= 100u ? 3 : w >= 10u ? 2 : 1;
    end = q = p + len;
    while (w >= 100) {
        uint32_t d = w / 100, r = w - d * 100;

        q -= 2;
        q[0] = dec_pairs[2 * r];
        q[1] = dec_pairs[2 * r + 1];
        w = d;
    }
    if (w >= 10) {
        q -= 2;
        q[0] = dec_pairs[2 * w];
        q[1] = dec_pairs[2 * w + 1];
    } else {
        *--q = (char)('0' + w);
    }
    return end;
}

/* The KDC formats SIDs for every decision it logs: no snprintf.  The
 * longest form, "S-255-0x" and 12 hex digits then 15 times "-4294967295",
 * is 20 + 165 bytes and a NUL: ADB_SID_STR_MAX (192) holds it. */
char *adb_sid_format(const adb_sid *sid, char buf[ADB_SID_STR_MAX])
{
    static const char hex[] = "0123456789ABCDEF";
    char *p = buf;
    unsigned int i;
    int shift;

    *p++ = 'S';
    p = put_dec(p, sid->revision);
    if (sid->authority >> 32) {
        *p++ = '-';
        *p++ = '0';
        *p++ = 'x';
        for (shift = 44; shift >= 0; shift -= 4)
            *p++ = hex[(sid->authority >> shift) & 0xf];
    } else {
        p = put_dec(p, sid->authority);
    }
    for (i = 0; i < sid->sub_count && i < ADB_SID_MAX_SUBAUTH; i++)
        p = put_dec(p, sid->sub[i]);
    *p = '\0';
    return buf;
}

/* Parse a run of decimal digits (or 0x-hex if @allow_hex) up to @max.
 * Returns the number of characters consumed, 0 on error. */
static size_t parse_num(const char *s, uint64_t max, int allow_hex,
                        uint64_t *out)
{
    uint64_t v = 0;
    unsigned int base = 10, d;
    size_t i = 0, digits = 0;

    if (allow_hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    for (;; i++, digits++) {
        char c = s[i];

        if (c >= '0' && c <= '9')
            d = (unsigned int)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned int)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = (unsigned int)(c - 'A' + 10);
        else
            break;
        if (v > (max - d) / base)
            return 0;
        v = v * base + d;
    }
    if (digits == 0)
        return 0;
    *out = v;
    return i;
}

adb_err adb_sid_parse(const char *text, adb_sid *out)
{
    adb_sid sid;
    const char *p = text;
    uint64_t v;
    size_t n;

    if (text == NULL || (p[0] != 'S' && p[0] != 's') || p[1] != '-')
        return ADB_ERR_MALFORMED;
    memset(&sid, 0, sizeof(sid));
    p += 2;
    n = parse_num(p, 255, 0, &v);
    if (n == 0 || v != 1)
        return ADB_ERR_MALFORMED;
    sid.revision = 1;
    p += n;
    if (*p++ != '-')
        return ADB_ERR_MALFORMED;
    n = parse_num(p, 0xFFFFFFFFFFFFULL, 1, &v);
    if (n == 0)
        return ADB_ERR_MALFORMED;
    sid.authority = v;
    p += n;
    while (*p == '-') {
        p++;
        if (sid.sub_count == ADB_SID_MAX_SUBAUTH)
            return ADB_ERR_MALFORMED;
        n = parse_num(p, 0xFFFFFFFFULL, 0, &v);
        if (n == 0)
            return ADB_ERR_MALFORMED;
        sid.sub[sid.sub_count++] = (uint32_t)v;
        p += n;
    }
    if (*p != '\0')
        return ADB_ERR_MALFORMED;
    *out = sid;
    return ADB_OK;
}

adb_err adb_sid_compose(const adb_sid *domain, uint32_t rid, adb_sid *out)
{
    if (domain->sub_count >= ADB_SID_MAX_SUBAUTH)
        return ADB_ERR_LIMIT;
    *out = *domain;
    out->sub[out->sub_count++] = rid;
    return ADB_OK;
}

uint64_t adb_sid_hash_state(const adb_sid *prefix)
{
    /* FNV-1a over revision, authority and sub-authorities in order; the
     * count and a final avalanche come last (adb_sid_hash_rid), so that a
     * domain's state can be extended by each RID. */
    uint64_t h = 0xcbf29ce484222325ULL;
    unsigned int i;

    h = (h ^ prefix->revision) * 0x100000001b3ULL;
    h = (h ^ prefix->authority) * 0x100000001b3ULL;
    for (i = 0; i < prefix->sub_count; i++)
        h = (h ^ prefix->sub[i]) * 0x100000001b3ULL;
    return h;
}

uint64_t adb_sid_hash(const adb_sid *sid)
{
    adb_sid prefix;

    if (sid->sub_count == 0) {
        /* No RID to split off: same mixing, count 0. */
        uint64_t h = (adb_sid_hash_state(sid) ^ 0) * 0x100000001b3ULL;

        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        return h;
    }
    prefix = *sid;
    prefix.sub_count--;
    return adb_sid_hash_rid(adb_sid_hash_state(&prefix),
                            sid->sub[sid->sub_count - 1], sid->sub_count);
}
