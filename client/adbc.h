/* SPDX-License-Identifier: MIT */
/*
 * adbc.h - adbridge's client library (libadbridge-client): what a device or
 * service of the local realm learns about a user from a ticket the KDC
 * (with the adbridge module) issued: the rights (auth indicators with the
 * configured prefix), the principal and realm, and the AD SIDs when the
 * ticket carries the `groups` profile.
 *
 * Two ways in:
 *   - adbc_rights_from_name(): a service that accepted a GSSAPI context
 *     (SPNEGO/Negotiate, ...) hands over the initiator name;
 *   - adbc_login(): a device that receives a user's name and password does
 *     Kerberos itself: the user's TGT from their realm, a ticket for the
 *     device's own service principal (cross-realm for AD users), accepted
 *     with the device's keytab (GSS loopback), so only a KDC that knows the
 *     device's key can make a login succeed.
 *
 * Nothing is returned that the service key did not verify: indicators come
 * from MIT's `auth-indicators` name attribute (set only from a CAMMAC the
 * service key verified), SIDs from the `urn:mspac:logon-info` attribute
 * only when MIT marks it authenticated.
 *
 * Every string in an adbc_result is owned by the result (adbc_result_free).
 * The library never logs or prints anything; no password or key is ever
 * copied into a result.  Thread-safe as far as MIT krb5/GSSAPI are (each
 * call uses its own krb5 context).
 */
#ifndef ADBC_H
#define ADBC_H

#include <stddef.h>

#include <gssapi/gssapi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ADBC_VERSION "0.1.0"
/* The indicator prefix the KDC module uses unless configured otherwise. */
#define ADBC_DEFAULT_PREFIX "adbridge-"

/*
 * The outcome of a login or of reading a name.  Stable: the numbers are
 * part of the ABI and of `adbridge login`'s exit statuses (10 + outcome,
 * see adbridge(8)); new outcomes are only ever appended.
 */
typedef enum adbc_outcome {
    ADBC_OK = 0,             /* verified; at least one right */
    ADBC_WRONG_PASSWORD,     /* the KDC refused the password */
    ADBC_UNKNOWN_USER,       /* the user's realm does not know the user */
    ADBC_ACCOUNT_DISABLED,   /* disabled, locked or expired account/password */
    ADBC_UNKNOWN_REALM,      /* no KDC known for the realm (krb5.conf, DNS) */
    ADBC_REALM_NETBIOS,      /* the realm looks like a NetBIOS domain name */
    ADBC_REALM_CASE,         /* the realm has lower-case letters */
    ADBC_CLOCK_SKEW,         /* clocks differ by more than allowed */
    ADBC_NO_KDC,             /* no KDC of a realm on the way answered */
    ADBC_REFUSED,            /* the KDC refused the device ticket (no rights) */
    ADBC_NO_RIGHT,           /* verified, but no right for this device */
    ADBC_NOT_VERIFIED,       /* the ticket did not verify with the device key */
    ADBC_BAD_NAME,           /* not user@REALM or REALM\user */
    ADBC_DEVICE_CONFIG,      /* device keytab / service principal unusable */
    ADBC_ERROR,              /* anything else (out of memory, ...) */
    ADBC_OUTCOME_COUNT
} adbc_outcome;

/* The stage of a login in which a Kerberos error happened. */
typedef enum adbc_stage {
    ADBC_STAGE_TGT = 0,      /* AS exchange with the user's realm */
    ADBC_STAGE_TICKET,       /* TGS exchanges for the device's principal */
    ADBC_STAGE_ACCEPT        /* verifying the ticket with the device keytab */
} adbc_stage;

/* What a login or a name gives.  Zero it (ADBC_RESULT_INIT) before use. */
typedef struct adbc_result {
    adbc_outcome outcome;
    char *principal;         /* "alice@AD.EXAMPLE.COM", or NULL */
    char *realm;             /* "AD.EXAMPLE.COM", or NULL */
    char **rights;           /* prefix stripped: "admin", "viewer", ... */
    size_t rights_count;
    int has_sids;            /* 1: the ticket carried a verified LOGON_INFO */
    char **sids;             /* user SID first, then groups, extra, resource */
    size_t sids_count;
    long krb5_code;          /* the Kerberos/GSS minor code, 0 if none */
    char *detail;            /* MIT's message for logs (never a secret) */
} adbc_result;

#define ADBC_RESULT_INIT { ADBC_OK, NULL, NULL, NULL, 0, 0, NULL, 0, 0, NULL }

/* Options of adbc_login().  Zero means the default for each field. */
typedef struct adbc_login_opts {
    const char *keytab;      /* device keytab; NULL: the default keytab */
    const char *service;     /* device principal; NULL: the keytab's first */
    const char *prefix;      /* indicator prefix; NULL: "adbridge-" */
} adbc_login_opts;

/*
 * adbc_rights_from_name - fill @res from the initiator name @name of a
 * context the caller accepted: principal, realm, the values of the
 * `auth-indicators` attribute that are authenticated and start with
 * @prefix (NULL: ADBC_DEFAULT_PREFIX), prefix stripped, and the SIDs of an
 * authenticated `urn:mspac:logon-info` (has_sids).  @res must be
 * ADBC_RESULT_INIT or freed; on return it holds what was found even on
 * failure.  Returns (and sets res->outcome): ADBC_OK with at least one
 * right, ADBC_NO_RIGHT without, ADBC_NOT_VERIFIED for an undecodable
 * authenticated LOGON_INFO, ADBC_ERROR on GSS or memory failures.
 */
adbc_outcome adbc_rights_from_name(gss_name_t name, const char *prefix,
                                   adbc_result *res);

/*
 * adbc_login - a device's password login of @user ("user@REALM" or
 * "REALM\user") with @password (NUL-terminated).  The password is wiped
 * (every byte up to its NUL) before adbc_login returns, whatever the
 * outcome; the library's own copies are wiped too.  @opts may be NULL.
 * Fills @res like adbc_rights_from_name() plus krb5_code and detail on
 * failure; returns res->outcome.
 */
adbc_outcome adbc_login(const adbc_login_opts *opts, const char *user,
                        char *password, adbc_result *res);

/* adbc_result_free - free what @res holds and reset it to ADBC_RESULT_INIT. */
void adbc_result_free(adbc_result *res);

/*
 * adbc_outcome_name - the outcome's stable code ("ok", "wrong-password",
 * ...), as in `adbridge login --json`.  Static strings; "unknown" for an
 * out-of-range value.
 */
const char *adbc_outcome_name(adbc_outcome outcome);

/*
 * adbc_outcome_message - a sentence a login page can show for @outcome
 * (English, static, never naming the user or any secret).
 */
const char *adbc_outcome_message(adbc_outcome outcome);

/*
 * adbc_parse_user - split @input into *user_out and *realm_out (malloc'd,
 * the caller frees them): "user@REALM" (the last '@') or "REALM\user".
 * Returns ADBC_OK, ADBC_BAD_NAME (empty parts, both forms, control
 * characters, more than 256 bytes), ADBC_REALM_CASE (the realm has
 * lower-case letters: realms are case-sensitive and AD's is the
 * upper-case DNS name) or ADBC_ERROR (memory); both outputs are NULL then.
 */
adbc_outcome adbc_parse_user(const char *input, char **user_out,
                             char **realm_out);

/*
 * adbc_indicator_right - if the indicator @value (@len bytes, not
 * NUL-terminated) starts with @prefix and has more after it, and that rest
 * is printable ASCII, return 1 and the rest in *right_out (malloc'd);
 * return 0 (and NULL) to skip the value, -1 on memory failure.
 */
int adbc_indicator_right(const void *value, size_t len, const char *prefix,
                         char **right_out);

/*
 * adbc_outcome_from_krb5 - the outcome for the Kerberos error @code
 * (a krb5_error_code, e.g. GSS minor status of the krb5 mechanism) that
 * ended the login at @stage, for a user of @realm (NULL if unknown; used to
 * tell a NetBIOS-looking realm without a KDC).  Pure.
 */
adbc_outcome adbc_outcome_from_krb5(adbc_stage stage, long code,
                                    const char *realm);

#ifdef __cplusplus
}
#endif
#endif /* ADBC_H */
