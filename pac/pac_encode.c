/* SPDX-License-Identifier: MIT */
/*
 * pac_encode.c - LOGON_INFO encoder: KERB_VALIDATION_INFO (MS-PAC 2.5) in NDR
 * type serialization version 1 (MS-RPCE 2.2.6), the exact inverse of
 * pac_decode_logon_info() (pac_logon.c quotes the IDL).
 *
 * Layout written (pac-spec.md 2.1 - 2.4):
 *
 *   envelope   01 10 08 00 CC CC CC CC | ObjectBufferLength(4) | 00000000
 *   NDR stream unique pointer to KERB_VALIDATION_INFO (0x00020000)
 *              fixed part (216 bytes: scalars, string headers, pointer ids)
 *              deferred part, each item 4-aligned, only for non-NULL
 *              pointers, in field order:
 *                EffectiveName .. HomeDirectoryDrive bodies, GroupIds,
 *                LogonServer, LogonDomainName, LogonDomainId,
 *                ExtraSids (array, then each element's RPC_SID),
 *                ResourceGroupDomainSid, ResourceGroupIds
 *              zero padding to a multiple of 8 (= ObjectBufferLength)
 *
 * Conventions chosen to be byte-identical with Samba (ndr_push of
 * PAC_LOGON_INFO_CTR, i.e. netr_SamInfo3 + PAC_DOMAIN_GROUP_MEMBERSHIP):
 *   - unique-pointer referent ids 0x00020000, 0x00020004, ... in the order
 *     the ids are written; NULL pointers take no number;
 *   - RPC_UNICODE_STRING: Length = 2 * UTF-16 units (no NUL);
 *     MaximumLength = Length, except LogonServer and LogonDomainName
 *     (Samba's lsa_StringLarge) where it is Length + 2 (room for a NUL that
 *     is not transmitted): MaxCount = MaximumLength / 2, Offset 0,
 *     ActualCount = Length / 2.  Windows DCs use the same convention;
 *   - every padding byte is zero.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "adb_buf.h"
#include "pac.h"

/* Hard cap of the writer: far above any LOGON_INFO the caps of pac.h allow
 * (65536 groups x2 + 65536 extra SIDs of 15 sub-authorities < 12 MiB). */
#define PAC_WR_MAX ((size_t)1 << 26)

/* Offset of the NDR stream within the buffer (after the two headers). */
#define PAC_ENC_STREAM_OFF 16u

/*
 * pac_wr - the NDR writer: core's adb_buf (sticky first error, wiped when
 * it grows or is freed: it may hold UserSessionKey) plus the NDR state.
 */
typedef struct pac_wr {
    adb_buf b;
    size_t base;           /* alignment origin (start of the NDR stream) */
    uint32_t next_ref;     /* next unique-pointer referent id */
} pac_wr;

static void pac_wr_init(pac_wr *w)
{
    adb_buf_init(&w->b, PAC_WR_MAX);
    w->base = 0;
    w->next_ref = 0x00020000u;
}

#define pac_wr_free(w) adb_buf_free(&(w)->b)
#define pac_wr_fail(w, e) adb_buf_fail(&(w)->b, (e))
#define pac_wr_bytes(w, p, n) adb_buf_add(&(w)->b, (p), (n))
#define pac_wr_zeros(w, n) adb_buf_zeros(&(w)->b, (n))
#define pac_wr_u8(w, v) adb_buf_u8(&(w)->b, (v))
#define pac_wr_u16(w, v) adb_buf_u16le(&(w)->b, (v))
#define pac_wr_u32(w, v) adb_buf_u32le(&(w)->b, (v))
#define pac_wr_put_u32(w, off, v) adb_buf_put_u32le(&(w)->b, (off), (v))
#define pac_wr_ok(w) (adb_buf_status(&(w)->b) == ADB_OK)

/* FILETIME: dwLowDateTime, dwHighDateTime (alignment 4). */
static void pac_wr_u64(pac_wr *w, uint64_t v)
{
    pac_wr_u32(w, (uint32_t)v);
    pac_wr_u32(w, (uint32_t)(v >> 32));
}

/* Zero padding up to a multiple of @align (power of two) from w->base. */
static void pac_wr_align(pac_wr *w, size_t align)
{
    size_t rel = (w->b.len - w->base) & (align - 1);

    if (rel != 0)
        pac_wr_zeros(w, align - rel);
}

/* A unique pointer: the next referent id if @present, else 0. */
static void pac_wr_ptr(pac_wr *w, bool present)
{
    pac_wr_align(w, 4);
    if (!present) {
        pac_wr_u32(w, 0);
        return;
    }
    pac_wr_u32(w, w->next_ref);
    w->next_ref += 4;
}

/*
 * UTF-8 (strict: no overlong forms, no surrogates, nothing above U+10FFFF,
 * no truncated sequences) to code points.  Reads one code point at *@p and
 * advances; false on invalid input.
 */
static bool pac_utf8_next(const unsigned char **p, uint32_t *cp_out)
{
    const unsigned char *s = *p;
    uint32_t cp, min;
    size_t n, i;

    if (s[0] < 0x80) {
        *cp_out = s[0];
        *p = s + 1;
        return true;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 1;
        cp = s[0] & 0x1Fu;
        min = 0x80;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 2;
        cp = s[0] & 0x0Fu;
        min = 0x800;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 3;
        cp = s[0] & 0x07u;
        min = 0x10000;
    } else {
        return false;          /* continuation byte, 0xC0/0xC1, 0xF5.. */
    }
    for (i = 1; i <= n; i++) {
        /* A NUL terminator fails this test, so we never read past it. */
        if ((s[i] & 0xC0u) != 0x80u)
            return false;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu))
        return false;
    *cp_out = cp;
    *p = s + n + 1;
    return true;
}

/* A string prepared for writing: validated, counted in UTF-16 units. */
typedef struct pac_enc_str {
    const char *s;         /* borrowed; NULL = NULL pointer */
    uint16_t length;       /* bytes, = 2 * units */
    uint16_t max_length;   /* bytes */
} pac_enc_str;

/*
 * Validate @s and compute its RPC_UNICODE_STRING lengths; @large adds room
 * for a NUL to MaximumLength (Samba's lsa_StringLarge).  MALFORMED for
 * invalid UTF-8, LIMIT when MaximumLength would not fit a USHORT.
 */
static adb_err pac_enc_str_prep(const char *s, bool large, pac_enc_str *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t units = 0, max_units;
    uint32_t cp;

    if (s == NULL) {
        out->s = NULL;
        out->length = 0;
        out->max_length = 0;
        return ADB_OK;
    }
    max_units = large ? PAC_MAX_STRING_UNITS - 1 : PAC_MAX_STRING_UNITS;
    while (*p != '\0') {
        if (!pac_utf8_next(&p, &cp))
            return ADB_ERR_MALFORMED;
        units += cp >= 0x10000u ? 2 : 1;
        if (units > max_units)
            return ADB_ERR_LIMIT;
    }
    out->s = s;
    out->length = (uint16_t)(units * 2);
    out->max_length = (uint16_t)(units * 2 + (large ? 2 : 0));
    return ADB_OK;
}

/* RPC_UNICODE_STRING inline part: Length, MaximumLength, Buffer pointer. */
static void pac_wr_ustr_hdr(pac_wr *w, const pac_enc_str *str)
{
    pac_wr_align(w, 4);
    pac_wr_u16(w, str->length);
    pac_wr_u16(w, str->max_length);
    pac_wr_ptr(w, str->s != NULL);
}

/* Deferred body: MaxCount, Offset 0, ActualCount, UTF-16LE units.  The
 * string was validated by pac_enc_str_prep(). */
static void pac_wr_ustr_body(pac_wr *w, const pac_enc_str *str)
{
    const unsigned char *p;
    uint32_t cp;

    if (str->s == NULL)
        return;
    pac_wr_align(w, 4);
    pac_wr_u32(w, str->max_length / 2u);
    pac_wr_u32(w, 0);
    pac_wr_u32(w, str->length / 2u);
    p = (const unsigned char *)str->s;
    while (*p != '\0' && pac_wr_ok(w)) {
        if (!pac_utf8_next(&p, &cp)) {
            pac_wr_fail(w, ADB_ERR_MALFORMED);   /* changed under us */
            return;
        }
        if (cp >= 0x10000u) {
            cp -= 0x10000u;
            pac_wr_u16(w, (uint16_t)(0xD800u + (cp >> 10)));
            pac_wr_u16(w, (uint16_t)(0xDC00u + (cp & 0x3FFu)));
        } else {
            pac_wr_u16(w, (uint16_t)cp);
        }
    }
}

/* A SID we can write: revision 1, <= 15 sub-authorities, 48-bit authority. */
static bool pac_enc_sid_ok(const adb_sid *sid)
{
    return sid->revision == 1 && sid->sub_count <= ADB_SID_MAX_SUBAUTH &&
           sid->authority <= 0xFFFFFFFFFFFFull;
}

/* RPC_SID as a conformant structure: MaxCount then the binary SID. */
static void pac_wr_sid(pac_wr *w, const adb_sid *sid)
{
    uint8_t auth[6];
    int i;

    pac_wr_align(w, 4);
    pac_wr_u32(w, sid->sub_count);
    pac_wr_u8(w, sid->revision);
    pac_wr_u8(w, sid->sub_count);
    for (i = 0; i < 6; i++)
        auth[i] = (uint8_t)(sid->authority >> (8 * (5 - i)));
    pac_wr_bytes(w, auth, sizeof(auth));
    for (i = 0; i < sid->sub_count; i++)
        pac_wr_u32(w, sid->sub[i]);
}

/* GROUP_MEMBERSHIP array: MaxCount, then (RelativeId, Attributes) pairs. */
static void pac_wr_groups(pac_wr *w, uint32_t count, const pac_group *g)
{
    uint32_t i;

    pac_wr_align(w, 4);
    pac_wr_u32(w, count);
    /* one allocation for the whole array (a failure is sticky) */
    if (adb_buf_reserve(&w->b, (size_t)count * 8) == NULL)
        return;
    for (i = 0; i < count; i++) {
        pac_wr_u32(w, g[i].rid);
        pac_wr_u32(w, g[i].attributes);
    }
}

/* KERB_SID_AND_ATTRIBUTES array, then each element's deferred RPC_SID. */
static void pac_wr_sid_attrs(pac_wr *w, uint32_t count, const pac_sid_attr *s)
{
    uint32_t i;

    pac_wr_align(w, 4);
    pac_wr_u32(w, count);
    for (i = 0; i < count; i++) {
        pac_wr_ptr(w, true);
        pac_wr_u32(w, s[i].attributes);
    }
    for (i = 0; i < count; i++)
        pac_wr_sid(w, &s[i].sid);
}

/* A (count, array) pair: LIMIT above @cap, INVALID if count > 0 without
 * an array. */
static adb_err pac_enc_check_array(uint32_t count, const void *array,
                                   uint32_t cap)
{
    if (count > cap)
        return ADB_ERR_LIMIT;
    if (count > 0 && array == NULL)
        return ADB_ERR_INVALID;
    return ADB_OK;
}

/* Everything pac_decode_logon_info() would refuse, checked up front. */
static adb_err pac_enc_check(const pac_logon_info *li)
{
    uint32_t i;
    adb_err ret;

    ret = pac_enc_check_array(li->group_count, li->groups, PAC_MAX_GROUPS);
    if (!ret)
        ret = pac_enc_check_array(li->extra_sid_count, li->extra_sids,
                                  PAC_MAX_EXTRA_SIDS);
    if (!ret)
        ret = pac_enc_check_array(li->resource_group_count,
                                  li->resource_groups, PAC_MAX_GROUPS);
    if (ret)
        return ret;
    if (li->extra_sid_count > 0 &&
        !(li->user_flags & PAC_USER_FLAG_EXTRA_SIDS))
        return ADB_ERR_INVALID;
    if (li->resource_group_count > 0 &&
        (!(li->user_flags & PAC_USER_FLAG_RESOURCE_GROUPS) ||
         !li->has_resource_domain_sid))
        return ADB_ERR_INVALID;
    if (!pac_enc_sid_ok(&li->domain_sid))
        return ADB_ERR_INVALID;
    if (li->has_resource_domain_sid &&
        !pac_enc_sid_ok(&li->resource_domain_sid))
        return ADB_ERR_INVALID;
    for (i = 0; i < li->extra_sid_count; i++)
        if (!pac_enc_sid_ok(&li->extra_sids[i].sid))
            return ADB_ERR_INVALID;
    /* Group SIDs are domain SID + RID: the domain SID needs room. */
    if (li->domain_sid.sub_count >= ADB_SID_MAX_SUBAUTH)
        return ADB_ERR_LIMIT;
    if (li->resource_group_count > 0 &&
        li->resource_domain_sid.sub_count >= ADB_SID_MAX_SUBAUTH)
        return ADB_ERR_LIMIT;
    return ADB_OK;
}

enum {
    PAC_ENC_EFF, PAC_ENC_FULL, PAC_ENC_SCRIPT, PAC_ENC_PROFILE, PAC_ENC_HOME,
    PAC_ENC_DRIVE, PAC_ENC_SERVER, PAC_ENC_DOMAIN, PAC_ENC_NSTR
};

adb_err pac_encode_logon_info(const pac_logon_info *li, uint8_t **out,
                              size_t *len_out)
{
    pac_wr w;
    pac_enc_str str[PAC_ENC_NSTR];
    const char *src[PAC_ENC_NSTR];
    size_t i;
    adb_err ret;

    pac_wr_init(&w);
    if (li == NULL || out == NULL || len_out == NULL) {
        ret = ADB_ERR_INVALID;
        goto cleanup;
    }
    ret = pac_enc_check(li);
    if (ret)
        goto cleanup;
    src[PAC_ENC_EFF] = li->effective_name;
    src[PAC_ENC_FULL] = li->full_name;
    src[PAC_ENC_SCRIPT] = li->logon_script;
    src[PAC_ENC_PROFILE] = li->profile_path;
    src[PAC_ENC_HOME] = li->home_directory;
    src[PAC_ENC_DRIVE] = li->home_directory_drive;
    src[PAC_ENC_SERVER] = li->logon_server;
    src[PAC_ENC_DOMAIN] = li->logon_domain;
    for (i = 0; i < PAC_ENC_NSTR && !ret; i++)
        ret = pac_enc_str_prep(src[i], i >= PAC_ENC_SERVER, &str[i]);
    if (ret)
        goto cleanup;

    /* MS-RPCE 2.2.6: common header, private header (length patched). */
    pac_wr_u8(&w, 0x01);
    pac_wr_u8(&w, 0x10);
    pac_wr_u16(&w, 8);
    pac_wr_u32(&w, 0xCCCCCCCCu);
    pac_wr_u32(&w, 0);
    pac_wr_u32(&w, 0);
    w.base = PAC_ENC_STREAM_OFF;

    /* Top-level unique pointer, then the fixed part. */
    pac_wr_ptr(&w, true);
    pac_wr_u64(&w, li->logon_time);
    pac_wr_u64(&w, li->logoff_time);
    pac_wr_u64(&w, li->kickoff_time);
    pac_wr_u64(&w, li->password_last_set);
    pac_wr_u64(&w, li->password_can_change);
    pac_wr_u64(&w, li->password_must_change);
    for (i = PAC_ENC_EFF; i <= PAC_ENC_DRIVE; i++)
        pac_wr_ustr_hdr(&w, &str[i]);
    pac_wr_u16(&w, li->logon_count);
    pac_wr_u16(&w, li->bad_password_count);
    pac_wr_u32(&w, li->user_rid);
    pac_wr_u32(&w, li->primary_group_rid);
    pac_wr_u32(&w, li->group_count);
    pac_wr_ptr(&w, li->groups != NULL);
    pac_wr_u32(&w, li->user_flags);
    pac_wr_bytes(&w, li->user_session_key, sizeof(li->user_session_key));
    pac_wr_ustr_hdr(&w, &str[PAC_ENC_SERVER]);
    pac_wr_ustr_hdr(&w, &str[PAC_ENC_DOMAIN]);
    pac_wr_ptr(&w, true);                          /* LogonDomainId */
    pac_wr_u32(&w, li->reserved1[0]);
    pac_wr_u32(&w, li->reserved1[1]);
    pac_wr_u32(&w, li->user_account_control);
    pac_wr_u32(&w, li->sub_auth_status);
    pac_wr_u64(&w, li->last_successful_ilogon);
    pac_wr_u64(&w, li->last_failed_ilogon);
    pac_wr_u32(&w, li->failed_ilogon_count);
    pac_wr_u32(&w, li->reserved3);
    pac_wr_u32(&w, li->extra_sid_count);
    pac_wr_ptr(&w, li->extra_sids != NULL);
    pac_wr_ptr(&w, li->has_resource_domain_sid);
    pac_wr_u32(&w, li->resource_group_count);
    pac_wr_ptr(&w, li->resource_groups != NULL);

    /* Deferred part, in field order (pac_logon.c). */
    for (i = PAC_ENC_EFF; i <= PAC_ENC_DRIVE; i++)
        pac_wr_ustr_body(&w, &str[i]);
    if (li->groups != NULL)
        pac_wr_groups(&w, li->group_count, li->groups);
    pac_wr_ustr_body(&w, &str[PAC_ENC_SERVER]);
    pac_wr_ustr_body(&w, &str[PAC_ENC_DOMAIN]);
    pac_wr_sid(&w, &li->domain_sid);
    if (li->extra_sids != NULL)
        pac_wr_sid_attrs(&w, li->extra_sid_count, li->extra_sids);
    if (li->has_resource_domain_sid)
        pac_wr_sid(&w, &li->resource_domain_sid);
    if (li->resource_groups != NULL)
        pac_wr_groups(&w, li->resource_group_count, li->resource_groups);

    /* Pad the stream to 8 and record its length. */
    pac_wr_align(&w, 8);
    if (pac_wr_ok(&w))
        pac_wr_put_u32(&w, 8, (uint32_t)(w.b.len - PAC_ENC_STREAM_OFF));
    ret = adb_buf_status(&w.b);
    if (ret)
        goto cleanup;

    *out = adb_buf_take(&w.b, len_out);

cleanup:
    pac_wr_free(&w);
    return ret;
}
