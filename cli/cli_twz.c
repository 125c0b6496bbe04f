/* SPDX-License-Identifier: MIT */
/*
 * cli_twz.c - the trust wizard's pure pieces (see cli_twz.h).
 */
#include "cli_twz.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *twz_check_realm(const char *realm, const char *local, char *buf,
                            size_t size)
{
    size_t i, n = strlen(realm);
    bool lower = false;

    if (n == 0 || n > 255) {
        snprintf(buf, size, "realm \"%s\": must be 1 to 255 characters",
                 realm);
        return buf;
    }
    for (i = 0; i < n; i++) {
        char c = realm[i];

        if (c >= 'a' && c <= 'z') {
            lower = true;
            continue;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-')) {
            snprintf(buf, size, "realm \"%s\": only letters, digits, '.' and"
                     " '-' are allowed", realm);
            return buf;
        }
        if (c == '.' && (i == 0 || i == n - 1 || realm[i - 1] == '.')) {
            snprintf(buf, size, "realm \"%s\": has an empty label", realm);
            return buf;
        }
    }
    if (lower) {
        snprintf(buf, size, "realm \"%s\" is not upper case: AD's realm is"
                 " its DNS domain in upper case (salts depend on it)", realm);
        return buf;
    }
    if (local != NULL && strcmp(realm, local) == 0) {
        snprintf(buf, size, "realm %s is the local realm itself", realm);
        return buf;
    }
    return NULL;
}

const char *twz_check_netbios(const char *nb, const char *realm, char *buf,
                              size_t size)
{
    size_t i, n = strlen(nb);

    if (n == 0 || n > 15) {
        snprintf(buf, size, "NetBIOS name \"%s\": must be 1 to 15"
                 " characters", nb);
        return buf;
    }
    if (realm != NULL && strcasecmp(nb, realm) == 0) {
        snprintf(buf, size, "NetBIOS name \"%s\" is the realm: give the"
                 " domain's flat name (e.g. ADEX)", nb);
        return buf;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)nb[i];

        if (c <= 0x20 || c >= 0x7f || strchr(".\\/:*?\"<>|,", c) != NULL) {
            snprintf(buf, size, "NetBIOS name \"%s\": '%c' is not allowed"
                     " (a flat name has no dots or blanks)", nb,
                     c > 0x20 && c < 0x7f ? c : '?');
            return buf;
        }
    }
    return NULL;
}

static krb5_enctype enctype_of(const char *name, size_t n)
{
    static const struct { const char *name; krb5_enctype e; } names[] = {
        { "aes256", ENCTYPE_AES256_CTS_HMAC_SHA1_96 },
        { "aes256-cts-hmac-sha1-96", ENCTYPE_AES256_CTS_HMAC_SHA1_96 },
        { "aes256-cts", ENCTYPE_AES256_CTS_HMAC_SHA1_96 },
        { "aes128", ENCTYPE_AES128_CTS_HMAC_SHA1_96 },
        { "aes128-cts-hmac-sha1-96", ENCTYPE_AES128_CTS_HMAC_SHA1_96 },
        { "aes128-cts", ENCTYPE_AES128_CTS_HMAC_SHA1_96 },
        { "rc4", ENCTYPE_ARCFOUR_HMAC },
        { "rc4-hmac", ENCTYPE_ARCFOUR_HMAC },
        { "arcfour-hmac", ENCTYPE_ARCFOUR_HMAC },
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i].name) == n && strncasecmp(names[i].name, name,
                                                      n) == 0)
            return names[i].e;
    return ENCTYPE_NULL;
}

size_t twz_parse_enctypes(const char *list, krb5_enctype *out, bool *rc4,
                          char *buf, size_t size)
{
    const char *p = list;
    size_t count = 0, i;

    *rc4 = false;
    if (*p == '\0') {
        snprintf(buf, size, "--enctypes: empty list (aes256,aes128[,rc4])");
        return 0;
    }
    for (;;) {
        const char *e = strchr(p, ',');
        size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
        krb5_enctype et = enctype_of(p, n);

        if (et == ENCTYPE_NULL) {
            snprintf(buf, size, "--enctypes: unknown enctype \"%.*s\" (known:"
                     " aes256, aes128, rc4)", (int)(n > 64 ? 64 : n), p);
            return 0;
        }
        for (i = 0; i < count; i++)
            if (out[i] == et) {
                snprintf(buf, size, "--enctypes: \"%.*s\" is listed twice",
                         (int)(n > 64 ? 64 : n), p);
                return 0;
            }
        if (count == TWZ_MAX_ENCTYPES) {
            snprintf(buf, size, "--enctypes: too many enctypes");
            return 0;
        }
        out[count++] = et;
        if (et == ENCTYPE_ARCFOUR_HMAC)
            *rc4 = true;
        if (e == NULL)
            break;
        p = e + 1;
    }
    return count;
}

const char *twz_windows_enctype(krb5_enctype e)
{
    switch (e) {
    case ENCTYPE_AES256_CTS_HMAC_SHA1_96: return "AES256-CTS-HMAC-SHA1-96";
    case ENCTYPE_AES128_CTS_HMAC_SHA1_96: return "AES128-CTS-HMAC-SHA1-96";
    case ENCTYPE_ARCFOUR_HMAC: return "RC4-HMAC-MD5";
    default: return "?";
    }
}

size_t twz_windows_commands(const twz_plan *plan, char lines[][TWZ_LINE_MAX])
{
    size_t n = 0, i, pos;
    const char *pw = plan->password_shown != NULL ? plan->password_shown
                                                  : TWZ_PASSWORD_PLACEHOLDER;
    const char *q = plan->password_shown != NULL ? "" : "\"";

    snprintf(lines[n++], TWZ_LINE_MAX,
             "netdom trust %s /Domain:%s /add /realm /passwordt:%s%s%s%s",
             plan->local_realm, plan->ad_realm, q, pw, q,
             plan->two_way ? " /twoway" : "");
    pos = (size_t)snprintf(lines[n], TWZ_LINE_MAX, "ksetup /SetEncTypeAttr %s",
                           plan->local_realm);
    for (i = 0; i < plan->enctype_count && pos < TWZ_LINE_MAX; i++)
        pos += (size_t)snprintf(lines[n] + pos, TWZ_LINE_MAX - pos, " %s",
                                twz_windows_enctype(plan->enctypes[i]));
    n++;
    snprintf(lines[n++], TWZ_LINE_MAX, "ksetup /AddKdc %s %s",
             plan->local_realm,
             plan->local_kdc != NULL ? plan->local_kdc : "<this KDC's host>");
    return n;
}

/* @realm's DNS domain: the realm in lower case. */
static void lower_copy(char *out, size_t size, const char *s)
{
    size_t i;

    for (i = 0; s[i] != '\0' && i + 1 < size; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = '\0';
}

size_t twz_krb5_conf(const twz_plan *plan, const char *const *kdcs,
                     size_t kdc_count, char lines[][TWZ_LINE_MAX])
{
    char dom[256];
    size_t n = 0, i;

    lower_copy(dom, sizeof(dom), plan->ad_realm);
    snprintf(lines[n++], TWZ_LINE_MAX, "[realms]");
    snprintf(lines[n++], TWZ_LINE_MAX, "    %s = {", plan->ad_realm);
    for (i = 0; i < kdc_count && n < TWZ_MAX_LINES - 5; i++)
        snprintf(lines[n++], TWZ_LINE_MAX, "        kdc = %s", kdcs[i]);
    if (kdc_count == 0)
        snprintf(lines[n++], TWZ_LINE_MAX,
                 "        # no kdc line: found through DNS SRV");
    snprintf(lines[n++], TWZ_LINE_MAX, "    }");
    snprintf(lines[n++], TWZ_LINE_MAX, "[domain_realm]");
    snprintf(lines[n++], TWZ_LINE_MAX, "    .%s = %s", dom, plan->ad_realm);
    snprintf(lines[n++], TWZ_LINE_MAX, "    %s = %s", dom, plan->ad_realm);
    return n;
}
