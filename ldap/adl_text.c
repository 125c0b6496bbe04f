/* SPDX-License-Identifier: MIT */
/* adl_text.c - text attribute values: LDAP INTEGER, groupType, UTF-8. */
#include "adl_int.h"

#include <stdarg.h>
#include <stdio.h>

adb_err adl_diag_set(adb_diag *diag, adb_err status, const char *field,
                     size_t offset, const char *fmt, ...)
{
    va_list ap;

    if (diag->status != ADB_OK)
        return diag->status;        /* the first error is kept */
    diag->status = status;
    diag->field = field;
    diag->offset = offset;
    va_start(ap, fmt);
    vsnprintf(diag->detail, sizeof(diag->detail), fmt, ap);
    va_end(ap);
    return status;
}

size_t adl_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    uint32_t c = s[0], min;
    size_t n, i;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2, c &= 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, c &= 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, c &= 0x07, min = 0x10000;
    } else {
        return 0;                   /* continuation byte, 0xc0/0xc1, > 0xf4 */
    }
    if (n > len)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

/*
 * RFC 4517 3.3.16 Integer:
 *   Integer = ( HYPHEN LDIGIT *DIGIT ) / number
 *   number  = DIGIT / ( LDIGIT 1*DIGIT )
 * so no '+', no leading zeros, no "-0", no blanks.
 */
adb_err adl_int32_parse(const char *text, size_t len, int32_t *out,
                        adb_diag *diag)
{
    const size_t maxdig = 10;       /* 2147483648 has 10 digits */
    size_t i = 0, start;
    int64_t v = 0;
    bool neg = false;

    if (diag == NULL || out == NULL || (text == NULL && len != 0))
        return ADB_ERR_INVALID;
    if (len > 0 && text[0] == '-') {
        neg = true;
        i = 1;
    }
    start = i;
    if (i == len)
        return adl_diag_set(diag, ADB_ERR_MALFORMED, "INTEGER", i,
                            "empty number");
    if (text[i] == '0' && (neg || len - i > 1))
        return adl_diag_set(diag, ADB_ERR_MALFORMED, "INTEGER", i,
                            "leading zero");
    for (; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return adl_diag_set(diag, ADB_ERR_MALFORMED, "INTEGER", i,
                                "byte 0x%02x is not a digit",
                                (unsigned char)text[i]);
        if (i - start >= maxdig)
            return adl_diag_set(diag, ADB_ERR_LIMIT, "INTEGER", i,
                                "more than %zu digits", maxdig);
        v = v * 10 + (text[i] - '0');
    }
    if (neg)
        v = -v;
    if (v < INT32_MIN || v > INT32_MAX)
        return adl_diag_set(diag, ADB_ERR_LIMIT, "INTEGER", 0,
                            "%lld does not fit 32 bits", (long long)v);
    *out = (int32_t)v;
    return ADB_OK;
}

/*
 * MS-ADTS 2.2.12 Group Type Flags (groupType is a signed 32-bit integer):
 *   GROUP_TYPE_BUILTIN_LOCAL_GROUP 0x00000001
 *   GROUP_TYPE_ACCOUNT_GROUP       0x00000002  (global)
 *   GROUP_TYPE_RESOURCE_GROUP      0x00000004  (domain-local)
 *   GROUP_TYPE_UNIVERSAL_GROUP     0x00000008
 *   GROUP_TYPE_APP_BASIC_GROUP     0x00000010
 *   GROUP_TYPE_APP_QUERY_GROUP     0x00000020
 *   GROUP_TYPE_SECURITY_ENABLED    0x80000000
 */
adb_err adl_group_type_classify(int32_t group_type, adl_group_kind *out,
                                adb_diag *diag)
{
    uint32_t gt = (uint32_t)group_type;
    uint32_t scope = gt & ~ADL_GT_SECURITY;
    adl_group_kind k;

    if (out == NULL || diag == NULL)
        return ADB_ERR_INVALID;
    k.security = (gt & ADL_GT_SECURITY) != 0;
    switch (scope) {
    case ADL_GT_GLOBAL:
        k.scope = ADL_SCOPE_GLOBAL;
        break;
    case ADL_GT_DOMAIN_LOCAL:
        k.scope = ADL_SCOPE_DOMAIN_LOCAL;
        break;
    case ADL_GT_UNIVERSAL:
        k.scope = ADL_SCOPE_UNIVERSAL;
        break;
    case ADL_GT_BUILTIN_LOCAL:
    case ADL_GT_BUILTIN_LOCAL | ADL_GT_DOMAIN_LOCAL:
        k.scope = ADL_SCOPE_BUILTIN_LOCAL;
        break;
    default:
        return adl_diag_set(diag, ADB_ERR_MALFORMED, "groupType", 0,
                            "groupType 0x%08x has %s scope bits 0x%x",
                            (unsigned int)gt,
                            scope == 0 ? "no" : "unknown or several",
                            (unsigned int)scope);
    }
    *out = k;
    return ADB_OK;
}

const char *adl_group_scope_name(adl_group_scope scope)
{
    switch (scope) {
    case ADL_SCOPE_GLOBAL:        return "global";
    case ADL_SCOPE_DOMAIN_LOCAL:  return "domain-local";
    case ADL_SCOPE_UNIVERSAL:     return "universal";
    case ADL_SCOPE_BUILTIN_LOCAL: return "builtin-local";
    }
    return "unknown";
}
