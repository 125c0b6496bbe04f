/* SPDX-License-Identifier: MIT */
/* adl_name.c - account names: RFC 4515 escaping, sAMAccountName rules,
 * the NETBIOS\name, name@dns and bare forms. */
#include "adl_int.h"

#include <string.h>

adb_err adl_filter_escape(const char *value, size_t len, char *buf,
                          size_t size, size_t *needed_out)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, need = 1, o = 0;

    if ((value == NULL && len != 0) || (buf == NULL && size != 0))
        return ADB_ERR_INVALID;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        bool esc = c < 0x20 || c >= 0x7f || c == '(' || c == ')' ||
                   c == '*' || c == '\\';

        need += esc ? 3 : 1;
    }
    if (needed_out != NULL)
        *needed_out = need;
    if (need > size) {
        if (size > 0)
            buf[0] = '\0';
        return ADB_ERR_LIMIT;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];

        if (c < 0x20 || c >= 0x7f || c == '(' || c == ')' || c == '*' ||
            c == '\\') {
            buf[o++] = '\\';
            buf[o++] = hex[c >> 4];
            buf[o++] = hex[c & 0xf];
        } else {
            buf[o++] = (char)c;
        }
    }
    buf[o] = '\0';
    return ADB_OK;
}

/*
 * sAMAccountName rules.  Sources (Microsoft Learn):
 *  - "SAM-Account-Name attribute" (ADSchema/a-samaccountname): "must be 20
 *    characters or fewer to support earlier clients, and cannot contain any
 *    of these characters: " / \ [ ] : ; | = , + * ? < >"; Range-Upper 256.
 *  - "USER_INFO_0 structure" (lmaccess.h), Remarks: "User account names
 *    are limited to 20 characters and group names are limited to 256
 *    characters.  In addition, account names cannot be terminated by a
 *    period ... Names also cannot include characters in the range 1-31".
 * Characters are counted as UTF-16 code units (AD's string type).
 */
static const char sam_forbidden[] = "\"/\\[]:;|=,+*?<>";

adb_err adl_sam_validate(const char *name, adl_account_kind kind,
                         adb_diag *diag)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t len, pos = 0, units = 0, max;
    uint32_t cp = 0;

    if (name == NULL || diag == NULL ||
        (kind != ADL_ACCOUNT_USER && kind != ADL_ACCOUNT_GROUP &&
         kind != ADL_ACCOUNT_ANY))
        return ADB_ERR_INVALID;
    max = kind == ADL_ACCOUNT_USER ? ADL_SAM_USER_MAX : ADL_SAM_GROUP_MAX;
    len = strlen(name);
    if (len == 0)
        return adl_diag_set(diag, ADB_ERR_MALFORMED, "account name", 0,
                            "the name is empty");
    while (pos < len) {
        size_t n = adl_utf8_next(s + pos, len - pos, &cp);

        if (n == 0)
            return adl_diag_set(diag, ADB_ERR_MALFORMED, "account name", pos,
                                "byte 0x%02x at position %zu is not valid "
                                "UTF-8", s[pos], pos + 1);
        if (cp < 0x20 || cp == 0x7f)
            return adl_diag_set(diag, ADB_ERR_MALFORMED, "account name", pos,
                                "control character 0x%02x at position %zu "
                                "is not allowed", (unsigned int)cp, pos + 1);
        if (cp < 0x80 && strchr(sam_forbidden, (int)cp) != NULL)
            return adl_diag_set(diag, ADB_ERR_MALFORMED, "account name", pos,
                                "character '%c' at position %zu is not "
                                "allowed in an AD account name "
                                "(none of \" / \\ [ ] : ; | = , + * ? < >)",
                                (char)cp, pos + 1);
        units += cp >= 0x10000 ? 2 : 1;
        pos += n;
    }
    if (units > max)
        return adl_diag_set(diag, ADB_ERR_LIMIT, "account name", 0,
                            "%zu characters, at most %zu allowed for a %s",
                            units, max,
                            kind == ADL_ACCOUNT_USER ? "user" : "group");
    if (name[len - 1] == '.')
        return adl_diag_set(diag, ADB_ERR_MALFORMED, "account name", len - 1,
                            "an AD account name cannot end with '.'");
    return ADB_OK;
}

/* NetBIOS domain name: 1..15 bytes, none of \ / : * ? " < > | nor blanks,
 * controls or non-ASCII, not starting with '.'. */
static adb_err check_netbios(const char *d, size_t n, adb_diag *diag)
{
    size_t i;

    if (n == 0)
        return adl_diag_set(diag, ADB_ERR_MALFORMED, "domain", 0,
                            "empty domain before '\\'");
    if (n > ADL_NETBIOS_MAX)
        return adl_diag_set(diag, ADB_ERR_LIMIT, "domain", 0,
                            "NetBIOS domain name of %zu characters, at most "
                            "%d allowed", n, ADL_NETBIOS_MAX);
    if (d[0] == '.')
        return adl_diag_set(diag, ADB_ERR_MALFORMED, "domain", 0,
                            "a NetBIOS domain name cannot start with '.'");
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)d[i];

        if (c <= 0x20 || c >= 0x7f || strchr("\\/:*?\"<>|", c) != NULL)
            return adl_diag_set(diag, ADB_ERR_MALFORMED, "domain", i,
                                "byte 0x%02x at position %zu is not allowed "
                                "in a NetBIOS domain name", c, i + 1);
    }
    return ADB_OK;
}

/* DNS domain (RFC 1123 host name): labels of 1..63 letters, digits and
 * '-', not starting or ending with '-', separated by single dots; at most
 * 253 bytes; no trailing dot. */
static adb_err check_dns(const char *d, size_t n, size_t base, adb_diag *diag)
{
    size_t i, label = 0;

    if (n == 0)
        return adl_diag_set(diag, ADB_ERR_MALFORMED, "domain", base,
                            "empty domain after '@'");
    if (n > ADL_DNS_NAME_MAX)
        return adl_diag_set(diag, ADB_ERR_LIMIT, "domain", base,
                            "DNS domain of %zu bytes, at most %d allowed",
                            n, ADL_DNS_NAME_MAX);
    for (i = 0; i <= n; i++) {
        char c = i < n ? d[i] : '.';

        if (c == '.') {
            if (label == 0 || d[i - 1] == '-')
                return adl_diag_set(diag, ADB_ERR_MALFORMED, "domain",
                                    base + i, "empty DNS label or label "
                                    "ending with '-' in the domain");
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || (c == '-' && label > 0)))
            return adl_diag_set(diag, ADB_ERR_MALFORMED, "domain", base + i,
                                "byte 0x%02x at position %zu is not allowed "
                                "in a DNS domain name", (unsigned char)c,
                                base + i + 1);
        if (++label > 63)
            return adl_diag_set(diag, ADB_ERR_LIMIT, "domain", base + i,
                                "DNS label longer than 63 bytes");
    }
    return ADB_OK;
}

adb_err adl_name_parse(const char *text, adl_account_kind kind,
                       adl_name *out, adb_diag *diag)
{
    const char *bs, *at, *acct = text;
    size_t len, dlen = 0;
    adl_name_form form = ADL_NAME_BARE;
    adb_err ret;
    bool fresh;

    if (text == NULL || out == NULL || diag == NULL)
        return ADB_ERR_INVALID;
    fresh = diag->status == ADB_OK;
    len = strlen(text);
    bs = strchr(text, '\\');
    at = strrchr(text, '@');
    if (bs != NULL && at != NULL && at > bs)
        return adl_diag_set(diag, ADB_ERR_MALFORMED, "name",
                            (size_t)(at - text), "both a 'DOMAIN\\' prefix "
                            "and an '@domain' suffix");
    if (bs != NULL) {
        if (strchr(bs + 1, '\\') != NULL)
            return adl_diag_set(diag, ADB_ERR_MALFORMED, "name",
                                (size_t)(strchr(bs + 1, '\\') - text),
                                "more than one '\\'");
        dlen = (size_t)(bs - text);
        ret = check_netbios(text, dlen, diag);
        form = ADL_NAME_NETBIOS;
        acct = bs + 1;
    } else if (at != NULL) {
        dlen = len - (size_t)(at - text) - 1;
        ret = check_dns(at + 1, dlen, (size_t)(at - text) + 1, diag);
        form = ADL_NAME_DNS;
    } else {
        ret = ADB_OK;
    }
    if (ret)
        return ret;
    {
        size_t alen = form == ADL_NAME_DNS ? (size_t)(at - text)
                                           : len - (size_t)(acct - text);
        adl_name n;

        if (alen > ADL_SAM_BYTES_MAX)
            return adl_diag_set(diag, ADB_ERR_LIMIT, "account name",
                                (size_t)(acct - text), "account name of "
                                "%zu bytes is too long", alen);
        memset(&n, 0, sizeof(n));
        memcpy(n.account, acct, alen);
        ret = adl_sam_validate(n.account, kind, diag);
        if (ret) {
            if (fresh)   /* offsets in the coordinates of @text */
                diag->offset += (size_t)(acct - text);
            return ret;
        }
        n.form = form;
        if (form == ADL_NAME_NETBIOS)
            memcpy(n.domain, text, dlen);
        else if (form == ADL_NAME_DNS)
            memcpy(n.domain, at + 1, dlen);
        *out = n;
    }
    return ADB_OK;
}
