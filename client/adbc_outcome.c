/* SPDX-License-Identifier: MIT */
/*
 * adbc_outcome.c - the pure pieces of the client library: outcome names
 * and login-page messages, krb5 error code -> outcome, user name parsing,
 * indicator filtering.  No I/O, no krb5 context.
 */
#include "adbc.h"

#include <stdlib.h>
#include <string.h>

#include <krb5.h>

#define ADBC_EXPORT __attribute__((visibility("default")))
#define ADBC_NAME_MAX 256

static const struct {
    const char *name;
    const char *message;
} adbc_outcomes[ADBC_OUTCOME_COUNT] = {
    [ADBC_OK] = { "ok", "Signed in." },
    [ADBC_WRONG_PASSWORD] = { "wrong-password", "The password is wrong." },
    [ADBC_UNKNOWN_USER] = { "unknown-user",
        "There is no such user in that realm." },
    [ADBC_ACCOUNT_DISABLED] = { "account-disabled",
        "This account is disabled, locked or expired; ask your administrator." },
    [ADBC_UNKNOWN_REALM] = { "unknown-realm",
        "This realm is not known here: give the user as user@REALM, with the "
        "realm exactly as it is named (AD's is its DNS name in upper case)." },
    [ADBC_REALM_NETBIOS] = { "realm-netbios",
        "That looks like a NetBIOS domain name: give the realm instead, the "
        "domain's DNS name in upper case (user@AD.EXAMPLE.COM)." },
    [ADBC_REALM_CASE] = { "realm-case",
        "Realm names are case-sensitive: an Active Directory realm is its DNS "
        "name in upper case (user@AD.EXAMPLE.COM, not user@ad.example.com)." },
    [ADBC_CLOCK_SKEW] = { "clock-skew",
        "The clocks of this device and of the Kerberos server differ too much; "
        "check the time (NTP) of both." },
    [ADBC_NO_KDC] = { "no-kdc",
        "No Kerberos server could be reached; try again later." },
    [ADBC_REFUSED] = { "refused",
        "The sign-in was refused: your account has no rights here." },
    [ADBC_NO_RIGHT] = { "no-right",
        "Your account has no right on this device." },
    [ADBC_NOT_VERIFIED] = { "not-verified",
        "The sign-in could not be verified with this device's key; ask your "
        "administrator." },
    [ADBC_BAD_NAME] = { "bad-name",
        "Give the user as user@REALM or REALM\\user." },
    [ADBC_DEVICE_CONFIG] = { "device-config",
        "This device's Kerberos key or name is missing or unusable; ask your "
        "administrator." },
    [ADBC_ERROR] = { "error", "The sign-in failed because of an internal error." },
};

ADBC_EXPORT const char *adbc_outcome_name(adbc_outcome outcome)
{
    if ((unsigned)outcome >= ADBC_OUTCOME_COUNT)
        return "unknown";
    return adbc_outcomes[outcome].name;
}

ADBC_EXPORT const char *adbc_outcome_message(adbc_outcome outcome)
{
    if ((unsigned)outcome >= ADBC_OUTCOME_COUNT)
        return adbc_outcomes[ADBC_ERROR].message;
    return adbc_outcomes[outcome].message;
}

/* A realm without a dot is how NetBIOS domain names look (ADEX). */
static adbc_outcome adbc_realm_unknown(const char *realm)
{
    if (realm != NULL && *realm != '\0' && strchr(realm, '.') == NULL)
        return ADBC_REALM_NETBIOS;
    return ADBC_UNKNOWN_REALM;
}

ADBC_EXPORT adbc_outcome adbc_outcome_from_krb5(adbc_stage stage, long code,
                                                const char *realm)
{
    if (code == KRB5KRB_AP_ERR_SKEW)
        return ADBC_CLOCK_SKEW;
    /* a ticket just issued that is not yet or no longer valid by our
     * clock: the device's clock is off (faketime -2h gives "not yet") */
    if (stage != ADBC_STAGE_TGT && (code == KRB5KRB_AP_ERR_TKT_NYV ||
                                    code == KRB5KRB_AP_ERR_TKT_EXPIRED))
        return ADBC_CLOCK_SKEW;
    if (code == KRB5_KDC_UNREACH)
        return ADBC_NO_KDC;
    switch (stage) {
    case ADBC_STAGE_TGT:
        switch (code) {
        case KRB5KDC_ERR_PREAUTH_FAILED:
        case KRB5KRB_AP_ERR_BAD_INTEGRITY:   /* AS reply not decryptable */
        case KRB5KRB_AP_ERR_MODIFIED:
            return ADBC_WRONG_PASSWORD;
        case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
            return ADBC_UNKNOWN_USER;
        case KRB5KDC_ERR_CLIENT_REVOKED:     /* disabled or locked out */
        case KRB5KDC_ERR_KEY_EXP:            /* password expired */
        case KRB5KDC_ERR_NAME_EXP:           /* account expired */
        case KRB5KDC_ERR_CLIENT_NOTYET:
        case KRB5KDC_ERR_POLICY:             /* logon hours, workstations */
            return ADBC_ACCOUNT_DISABLED;
        case KRB5_REALM_UNKNOWN:
        case KRB5_REALM_CANT_RESOLVE:
        case KRB5KDC_ERR_WRONG_REALM:
            return adbc_realm_unknown(realm);
        default:
            return ADBC_ERROR;
        }
    case ADBC_STAGE_TICKET:
        switch (code) {
        case KRB5KDC_ERR_POLICY:             /* adbridge: no rights */
            return ADBC_REFUSED;
        case KRB5KDC_ERR_CLIENT_REVOKED:
        case KRB5KDC_ERR_NAME_EXP:
        case KRB5KDC_ERR_KEY_EXP:
            return ADBC_ACCOUNT_DISABLED;
        case KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN:
        case KRB5_REALM_UNKNOWN:
        case KRB5_REALM_CANT_RESOLVE:
            return ADBC_DEVICE_CONFIG;
        default:
            return ADBC_ERROR;
        }
    case ADBC_STAGE_ACCEPT:
        switch (code) {
        case KRB5_KT_NOTFOUND:               /* the principal is not in it */
        case KRB5_KT_END:
        case KRB5_KT_UNKNOWN_TYPE:
        case KRB5_KT_BADNAME:
            return ADBC_DEVICE_CONFIG;
        default:
            /* a key or kvno the keytab lacks, a ticket that does not
             * decrypt or verify: not made by a KDC that knows our key */
            return ADBC_NOT_VERIFIED;
        }
    }
    return ADBC_ERROR;
}

static int adbc_has_bad_byte(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c == 0x7f)
            return 1;
    }
    return 0;
}

ADBC_EXPORT adbc_outcome adbc_parse_user(const char *input, char **user_out,
                                         char **realm_out)
{
    const char *bs, *at, *user, *realm;
    size_t len, ulen, rlen, i;
    adbc_outcome ret = ADBC_BAD_NAME;

    *user_out = NULL;
    *realm_out = NULL;
    if (input == NULL)
        return ADBC_BAD_NAME;
    len = strnlen(input, ADBC_NAME_MAX + 1);
    if (len == 0 || len > ADBC_NAME_MAX || adbc_has_bad_byte(input, len))
        return ADBC_BAD_NAME;
    bs = strchr(input, '\\');
    at = strrchr(input, '@');
    if (bs != NULL) {
        /* REALM\user: one backslash, no '@' */
        if (at != NULL || strchr(bs + 1, '\\') != NULL)
            return ADBC_BAD_NAME;
        realm = input;
        rlen = (size_t)(bs - input);
        user = bs + 1;
        ulen = len - rlen - 1;
    } else if (at != NULL) {
        user = input;
        ulen = (size_t)(at - input);
        realm = at + 1;
        rlen = len - ulen - 1;
    } else {
        return ADBC_BAD_NAME;
    }
    if (ulen == 0 || rlen == 0)
        return ADBC_BAD_NAME;
    for (i = 0; i < rlen; i++) {
        if (realm[i] == '@' || realm[i] == '/' || realm[i] == ' ')
            return ADBC_BAD_NAME;
    }
    for (i = 0; i < rlen; i++) {
        if (realm[i] >= 'a' && realm[i] <= 'z')
            return ADBC_REALM_CASE;
    }
    *user_out = strndup(user, ulen);
    *realm_out = strndup(realm, rlen);
    if (*user_out == NULL || *realm_out == NULL) {
        free(*user_out);
        free(*realm_out);
        *user_out = NULL;
        *realm_out = NULL;
        ret = ADBC_ERROR;
    } else {
        ret = ADBC_OK;
    }
    return ret;
}

ADBC_EXPORT int adbc_indicator_right(const void *value, size_t len,
                                     const char *prefix, char **right_out)
{
    const char *v = value;
    size_t plen, i;

    *right_out = NULL;
    if (prefix == NULL)
        prefix = ADBC_DEFAULT_PREFIX;
    plen = strlen(prefix);
    if (v == NULL || len <= plen || memcmp(v, prefix, plen) != 0)
        return 0;
    for (i = plen; i < len; i++) {
        if (v[i] <= 0x20 || v[i] >= 0x7f)
            return 0;
    }
    *right_out = strndup(v + plen, len - plen);
    return *right_out == NULL ? -1 : 1;
}
