/* SPDX-License-Identifier: MIT */
/* adb_der.c - the strict AuthorizationData reader (see adb_der.h). */
#include "adb_der.h"

#include "adb_rd.h"

#define TAG_SEQUENCE 0x30     /* universal, constructed, 16 */
#define TAG_INTEGER 0x02
#define TAG_OCTET_STRING 0x04
#define TAG_CTX0 0xa0         /* [0], constructed (EXPLICIT) */
#define TAG_CTX1 0xa1

/* Read one TLV with tag @tag at the cursor of @rd into the child view
 * @val: a definite length in its shortest form, within the view. */
static adb_err tlv(adb_rd *rd, uint8_t tag, adb_rd *val)
{
    uint8_t t = 0, b = 0;
    size_t n, len = 0, i;
    adb_err ret;

    ret = adb_rd_u8(rd, "tag", &t);
    if (!ret && t != tag)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, "tag", "0x%02x, not 0x%02x",
                           t, tag);
    if (!ret)
        ret = adb_rd_u8(rd, "length", &b);
    if (ret)
        return ret;
    if (b < 0x80) {
        len = b;
    } else {
        n = b & 0x7f;          /* 0x80 (indefinite) and over 4 octets: no */
        if (n == 0 || n > 4)
            return adb_rd_fail(rd, ADB_ERR_MALFORMED, "length",
                               "length form 0x%02x", b);
        for (i = 0; i < n && !ret; i++) {
            ret = adb_rd_u8(rd, "length", &b);
            if (!ret && i == 0 && b == 0)
                return adb_rd_fail(rd, ADB_ERR_MALFORMED, "length",
                                   "leading zero octet");
            len = len << 8 | b;
        }
        if (ret)
            return ret;
        if (len < 0x80)
            return adb_rd_fail(rd, ADB_ERR_MALFORMED, "length",
                               "long form for %zu", len);
    }
    return adb_rd_sub(rd, len, "value", val);
}

/* The ad-type: [0] INTEGER, minimal, 1 to 4 octets, as int32. */
static adb_err ad_type(adb_rd *rd, int32_t *out)
{
    adb_rd ctx, num;
    const uint8_t *p = NULL;
    uint32_t v;
    size_t i;
    adb_err ret;

    ret = tlv(rd, TAG_CTX0, &ctx);
    if (!ret)
        ret = tlv(&ctx, TAG_INTEGER, &num);
    if (!ret)
        ret = adb_rd_expect_end(&ctx, "ad-type");
    if (!ret && (num.len == 0 || num.len > 4))
        return adb_rd_fail(&num, ADB_ERR_MALFORMED, "ad-type",
                           "INTEGER of %zu octets, not an int32", num.len);
    if (!ret)
        ret = adb_rd_bytes(&num, num.len, "ad-type", &p);
    if (ret)
        return ret;
    if (num.len > 1 && ((p[0] == 0x00 && p[1] < 0x80) ||
                        (p[0] == 0xff && p[1] >= 0x80)))
        return adb_rd_fail(&num, ADB_ERR_MALFORMED, "ad-type",
                           "INTEGER of %zu octets, not minimal", num.len);
    v = p[0] >= 0x80 ? UINT32_MAX : 0;       /* sign extension */
    for (i = 0; i < num.len; i++)
        v = v << 8 | p[i];
    *out = (int32_t)v;
    return ADB_OK;
}

adb_err adb_der_authdata(const void *data, size_t len, adb_der_ad *out,
                         size_t max, size_t *count)
{
    adb_diag diag = ADB_DIAG_INIT;
    adb_rd rd, seq, el, ctx, str;
    const uint8_t *p = NULL;
    size_t n = 0;
    adb_err ret;

    *count = 0;
    adb_rd_init(&rd, data, len, 0, &diag);
    ret = tlv(&rd, TAG_SEQUENCE, &seq);
    if (!ret)
        ret = adb_rd_expect_end(&rd, "AuthorizationData");
    while (!ret && adb_rd_remaining(&seq) > 0) {
        if (n == max)
            return ADB_ERR_LIMIT;
        ret = tlv(&seq, TAG_SEQUENCE, &el);
        if (!ret)
            ret = ad_type(&el, &out[n].type);
        if (!ret)
            ret = tlv(&el, TAG_CTX1, &ctx);
        if (!ret)
            ret = tlv(&ctx, TAG_OCTET_STRING, &str);
        if (!ret)
            ret = adb_rd_expect_end(&ctx, "ad-data");
        if (!ret)
            ret = adb_rd_expect_end(&el, "element");
        if (!ret && str.len > 0)
            ret = adb_rd_bytes(&str, str.len, "ad-data", &p);
        if (ret)
            break;
        out[n].data = str.len > 0 ? p : NULL;
        out[n].len = str.len;
        n++;
    }
    if (ret)
        return ret == ADB_ERR_TRUNCATED ? ADB_ERR_MALFORMED : ret;
    if (n == 0)
        return ADB_ERR_MALFORMED;
    *count = n;
    return ADB_OK;
}
