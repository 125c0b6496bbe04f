/* SPDX-License-Identifier: MIT */
/* adl_sid.c - objectSid values: decoding and filter escaping. */
#include "adl.h"

#include <string.h>

/*
 * MS-DTYP 2.4.2.2 SID--Packet Representation, as AD stores objectSid:
 *
 *   Revision            1 byte   (1)
 *   SubAuthorityCount   1 byte   (0..15)
 *   IdentifierAuthority 6 bytes  big-endian
 *   SubAuthority[n]     4 bytes each, little-endian
 *
 * The LDAP value is exactly these 8 + 4n bytes.
 */
adb_err adl_sid_decode(const void *data, size_t len, adb_sid *out,
                       adb_diag *diag)
{
    adb_rd rd;
    adb_sid sid;
    adb_err ret;

    if (out == NULL || diag == NULL || (data == NULL && len != 0))
        return ADB_ERR_INVALID;
    adb_rd_init(&rd, data, len, 0, diag);
    if (diag->context == NULL)
        diag->context = "objectSid";
    ret = adb_sid_read(&rd, "SID", -1, &sid);
    if (!ret)
        ret = adb_rd_expect_end(&rd, "SID");
    if (ret)
        return ret;
    *out = sid;
    return ADB_OK;
}

static const char hex[] = "0123456789abcdef";

static char *put_byte(char *p, unsigned int b)
{
    *p++ = '\\';
    *p++ = hex[(b >> 4) & 0xf];
    *p++ = hex[b & 0xf];
    return p;
}

char *adl_sid_filter_value(const adb_sid *sid, char buf[ADL_SID_FILTER_MAX])
{
    char *p = buf;
    unsigned int i, n = sid->sub_count;
    int shift;

    if (n > ADB_SID_MAX_SUBAUTH)   /* not a valid adb_sid: match nothing */
        n = ADB_SID_MAX_SUBAUTH;
    p = put_byte(p, sid->revision);
    p = put_byte(p, n);
    for (shift = 40; shift >= 0; shift -= 8)
        p = put_byte(p, (unsigned int)(sid->authority >> shift) & 0xff);
    for (i = 0; i < n; i++) {
        p = put_byte(p, sid->sub[i] & 0xff);
        p = put_byte(p, (sid->sub[i] >> 8) & 0xff);
        p = put_byte(p, (sid->sub[i] >> 16) & 0xff);
        p = put_byte(p, (sid->sub[i] >> 24) & 0xff);
    }
    *p = '\0';
    return buf;
}
