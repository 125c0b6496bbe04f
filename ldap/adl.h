/* SPDX-License-Identifier: MIT */
/*
 * adl.h - AD LDAP: the one module through which adbridge talks to Active
 * Directory's LDAP service (OpenLDAP libldap + Cyrus SASL underneath).
 *
 * Two halves:
 *
 *   1. Pure decoders and helpers (no network, no allocation): objectSid,
 *      GeneralizedTime, LDAP INTEGER (groupType), groupType classification,
 *      RFC 4515 filter escaping, sAMAccountName validation and the name
 *      forms the CLI accepts.  Failures are reported in an adb_diag.
 *
 *   2. Connection and lookups: Kerberos credentials (password, keytab or an
 *      existing ccache), a connection to one DC, a SASL/GSSAPI bind with
 *      signing (SSF >= 1) on ldap:// or a simple bind on ldaps:// only, and
 *      reads of the rootDSE, the domain, and objects by name or by SID.
 *      Failures are reported as an English sentence in an adl_msg.
 *
 * Every reply of the server is untrusted: single-valued attributes must
 * have exactly one value, strings are length-capped, NUL-free UTF-8, binary
 * values are read through adb_rd.  libldap, SASL and krb5 codes never leave
 * this module: they are translated to adb_err (the message may quote
 * ldap_err2string()).  Passwords are wiped after use and never logged.
 *
 * Threads: an adl_conn or adl_creds must not be used by two threads at
 * once; distinct ones may.  See ldap/README.md for the security choices.
 */
#ifndef ADL_H
#define ADL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "adb_arena.h"
#include "adb_err.h"
#include "adb_rd.h"
#include "adb_sid.h"

/* ------------------------------------------------------------------ */
/* Pure decoders                                                       */
/* ------------------------------------------------------------------ */

/*
 * adl_sid_decode - decode an objectSid value (the binary SID of MS-DTYP
 * 2.4.2.2, exactly @len bytes) into *out.  Trailing bytes, a truncated SID,
 * a revision other than 1 or more than 15 sub-authorities are errors
 * (ADB_ERR_TRUNCATED / ADB_ERR_MALFORMED, detail in @diag, which must be
 * ADB_DIAG_INIT-initialised).  *out is written only on success.
 */
adb_err adl_sid_decode(const void *data, size_t len, adb_sid *out,
                       adb_diag *diag);

/* Bytes needed for adl_sid_filter_value(): 3 per byte of the longest
 * binary SID (8 + 4 * 15) and a NUL. */
#define ADL_SID_FILTER_MAX (3 * (8 + 4 * ADB_SID_MAX_SUBAUTH) + 1)

/*
 * adl_sid_filter_value - the binary form of @sid written as an RFC 4515
 * assertion value, every byte escaped ("\01\05\00..."), for a filter like
 * (objectSid=...).  Returns @buf.
 */
char *adl_sid_filter_value(const adb_sid *sid, char buf[ADL_SID_FILTER_MAX]);

/*
 * adl_gentime_parse - parse an LDAP GeneralizedTime (RFC 4517 3.3.13):
 * YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|(+|-)HH[MM]), e.g. AD's currentTime
 * "20240105123456.0Z", into seconds since the epoch (UTC; the fraction is
 * dropped, an offset is applied).  @text holds @len bytes (no NUL needed).
 * Years 1970..9999 only.  ADB_ERR_MALFORMED with a detail on any deviation;
 * *out is written only on success.
 */
adb_err adl_gentime_parse(const char *text, size_t len, time_t *out,
                          adb_diag *diag);

/*
 * adl_int32_parse - parse an LDAP INTEGER value (RFC 4517 3.3.16: an
 * optional '-', then digits without leading zeros) that must fit a signed
 * 32-bit integer (groupType, the functionality levels).  ADB_ERR_MALFORMED
 * or ADB_ERR_LIMIT (out of range) with a detail; *out written on success.
 */
adb_err adl_int32_parse(const char *text, size_t len, int32_t *out,
                        adb_diag *diag);

/* Group scopes (MS-ADTS 2.2.12, groupType bits). */
typedef enum adl_group_scope {
    ADL_SCOPE_GLOBAL = 1,      /* 0x2 ACCOUNT_GROUP */
    ADL_SCOPE_DOMAIN_LOCAL,    /* 0x4 RESOURCE_GROUP */
    ADL_SCOPE_UNIVERSAL,       /* 0x8 UNIVERSAL_GROUP */
    ADL_SCOPE_BUILTIN_LOCAL    /* 0x1 BUILTIN_LOCAL_GROUP (with 0x4) */
} adl_group_scope;

#define ADL_GT_BUILTIN_LOCAL 0x00000001u
#define ADL_GT_GLOBAL        0x00000002u
#define ADL_GT_DOMAIN_LOCAL  0x00000004u
#define ADL_GT_UNIVERSAL     0x00000008u
#define ADL_GT_SECURITY      0x80000000u

typedef struct adl_group_kind {
    bool security;             /* SECURITY_ENABLED: appears in tokens/PACs */
    adl_group_scope scope;
} adl_group_kind;

/*
 * adl_group_type_classify - classify a groupType value.  Exactly one scope
 * bit must be set (BUILTIN_LOCAL may come with DOMAIN_LOCAL, as AD writes
 * 0x80000005 for BUILTIN groups); no other bits (the Authorization Manager
 * APP_BASIC 0x10 / APP_QUERY 0x20 groups are not security principals of a
 * PAC and are refused).  ADB_ERR_MALFORMED with a detail otherwise.
 */
adb_err adl_group_type_classify(int32_t group_type, adl_group_kind *out,
                                adb_diag *diag);

/* "global", "domain-local", "universal", "builtin-local"; never NULL. */
const char *adl_group_scope_name(adl_group_scope scope);

/*
 * adl_filter_escape - write @len bytes of @value into @buf as an RFC 4515
 * assertion value: NUL, '(', ')', '*', '\\', control characters, DEL and
 * every byte >= 0x80 become "\XX" (lower-case hex), the rest is copied.
 * @buf gets a NUL; *needed_out (may be NULL) the bytes it takes with the
 * NUL, also on ADB_ERR_LIMIT (@size too small; @buf then holds "" if
 * @size > 0).  The worst case is 3 * @len + 1.
 */
adb_err adl_filter_escape(const char *value, size_t len, char *buf,
                          size_t size, size_t *needed_out);

/* What kind of account a name must be valid for. */
typedef enum adl_account_kind {
    ADL_ACCOUNT_USER = 1,      /* users and computers: 20 characters */
    ADL_ACCOUNT_GROUP,         /* groups: 256 characters */
    ADL_ACCOUNT_ANY            /* unknown yet (lookups): 256 characters */
} adl_account_kind;

#define ADL_SAM_USER_MAX  20   /* characters (UTF-16 code units) */
#define ADL_SAM_GROUP_MAX 256
/* UTF-8 bytes of the longest valid name (256 BMP characters, 3 bytes each) */
#define ADL_SAM_BYTES_MAX (3 * ADL_SAM_GROUP_MAX)

/*
 * adl_sam_validate - check @name against AD's sAMAccountName rules: valid
 * UTF-8, not empty, none of  " / \ [ ] : ; | = , + * ? < >  nor a control
 * character (0x01-0x1F, 0x7F), not ending with '.', at most 20 (users) or
 * 256 (groups, ANY) characters.  ADB_ERR_MALFORMED / ADB_ERR_LIMIT with a
 * detail naming the character and its position.
 */
adb_err adl_sam_validate(const char *name, adl_account_kind kind,
                         adb_diag *diag);

/* The forms of account names the CLI accepts. */
typedef enum adl_name_form {
    ADL_NAME_BARE = 1,         /* name */
    ADL_NAME_NETBIOS,          /* NETBIOS\name */
    ADL_NAME_DNS               /* name@dns.domain */
} adl_name_form;

#define ADL_NETBIOS_MAX 15     /* NetBIOS domain names: 15 characters */
#define ADL_DNS_NAME_MAX 253   /* RFC 1035, without the trailing dot */

typedef struct adl_name {
    adl_name_form form;
    char domain[ADL_DNS_NAME_MAX + 1];      /* "" for ADL_NAME_BARE */
    char account[ADL_SAM_BYTES_MAX + 1];    /* validated sAMAccountName */
} adl_name;

/*
 * adl_name_parse - split @text into its domain part and account name:
 * "NETBIOS\name" (one backslash; the NetBIOS name 1..15 characters without
 * \ / : * ? " < > | blanks or controls, not starting with '.'),
 * "name@dns.domain" (split at the last '@'; the domain an RFC 1123 host
 * name), or a bare "name".  A name with both a backslash and an '@' domain
 * is refused.  The account is checked with adl_sam_validate(@kind).  *out
 * is written only on success; errors are ADB_ERR_MALFORMED / ADB_ERR_LIMIT
 * with a detail in @diag.
 */
adb_err adl_name_parse(const char *text, adl_account_kind kind,
                       adl_name *out, adb_diag *diag);

/* ------------------------------------------------------------------ */
/* Connection                                                          */
/* ------------------------------------------------------------------ */

/* The English explanation of the last failure of a call (always
 * NUL-terminated; "" when the call succeeded).  Never holds a password. */
typedef struct adl_msg {
    char text[384];
} adl_msg;

typedef struct adl_creds adl_creds;
typedef struct adl_conn adl_conn;

/*
 * adl_creds_from_password - get a TGT for @principal (e.g.
 * "alice@AD.EXAMPLE.COM"; without a realm the default realm of krb5.conf)
 * with @password (krb5_get_init_creds_password) into a private MEMORY
 * ccache.  @password is overwritten with zeros before the function returns,
 * whatever the outcome, and never appears in a message.  Errors:
 * ADB_ERR_AUTH (wrong password, unknown principal, expired), ADB_ERR_
 * UNREACHABLE (no KDC answered), ADB_ERR_TIMEOUT, ADB_ERR_KRB5 (other).
 * Free *out with adl_creds_free().
 */
adb_err adl_creds_from_password(const char *principal, char *password,
                                adl_creds **out, adl_msg *msg);

/*
 * adl_creds_from_keytab - the same with the key of @principal in @keytab
 * (krb5_get_init_creds_keytab; a trust's ldap_principal + ldap_keytab).
 */
adb_err adl_creds_from_keytab(const char *principal, const char *keytab,
                              adl_creds **out, adl_msg *msg);

/*
 * adl_creds_from_ccache - use an existing ccache (@name such as
 * "FILE:/tmp/krb5cc_0"; NULL: the default ccache).  The ccache must hold a
 * client principal; it is not copied, so it must stay valid while the
 * credentials are used.
 */
adb_err adl_creds_from_ccache(const char *name, adl_creds **out,
                              adl_msg *msg);

/* adl_creds_principal - the client principal ("alice@AD.EXAMPLE.COM"),
 * owned by @creds. */
const char *adl_creds_principal(const adl_creds *creds);

/* adl_creds_free - destroy the credentials (a private MEMORY ccache is
 * destroyed with them).  NULL-safe. */
void adl_creds_free(adl_creds *creds);

#define ADL_DEFAULT_TIMEOUT_MS 10000u
#define ADL_MAX_TIMEOUT_MS     600000u

typedef struct adl_conn_opts {
    /* "ldap://HOST[:PORT]" or "ldaps://HOST[:PORT]" (no DN, attributes or
     * filter).  HOST is the DC's DNS name: it names the Kerberos service
     * ldap/HOST (SASL host name canonicalisation is off) and is what the
     * TLS certificate must match. */
    const char *uri;
    /* NULL, or the numeric IPv4/IPv6 address to connect to instead of
     * resolving HOST (e.g. from DNS SRV discovery). */
    const char *address;
    /* Connect, TLS handshake, each bind and each search: 0 means
     * ADL_DEFAULT_TIMEOUT_MS; at most ADL_MAX_TIMEOUT_MS. */
    unsigned int timeout_ms;
    /* ldaps:// only, required there: PEM file of the CA(s) the server
     * certificate must chain to; the host name is checked too. */
    const char *ca_file;
} adl_conn_opts;

/*
 * adl_connect - open a TCP connection to the DC named by @opts (TLS for
 * ldaps://, certificate verified) and prepare an LDAPv3 handle: referrals
 * off, SASL host canonicalisation off, timeouts set.  Nothing is bound yet.
 * Errors: ADB_ERR_INVALID (bad URI or options), ADB_ERR_UNREACHABLE,
 * ADB_ERR_TIMEOUT, ADB_ERR_INSECURE (TLS or certificate failure),
 * ADB_ERR_NOMEM.  Free *out with adl_conn_free().
 */
adb_err adl_connect(const adl_conn_opts *opts, adl_conn **out, adl_msg *msg);

/*
 * adl_bind_gssapi - SASL/GSSAPI bind with @creds on an ldap:// connection,
 * requiring a security strength factor of at least 1 (LDAP signing, which
 * AD demands on 389); the negotiated SSF is checked after the bind.  Over
 * ldaps:// it is refused (AD refuses SASL signing inside TLS).  Errors:
 * ADB_ERR_AUTH (credentials refused, no ticket for ldap/HOST),
 * ADB_ERR_INSECURE (SSF below 1, or ldaps), ADB_ERR_UNREACHABLE,
 * ADB_ERR_TIMEOUT, ADB_ERR_LDAP.  @creds must outlive the call only.
 */
adb_err adl_bind_gssapi(adl_conn *conn, const adl_creds *creds,
                        adl_msg *msg);

/*
 * adl_bind_simple - simple bind as @dn (a DN or "user@dns.domain") with
 * @password, ONLY on an ldaps:// connection whose certificate was
 * verified: on ldap:// it is refused with ADB_ERR_INSECURE before anything
 * is sent.  @password is overwritten with zeros before return, whatever the
 * outcome.  An empty password (an "unauthenticated bind", RFC 4513 5.1.2)
 * is refused with ADB_ERR_INVALID.  Other errors as adl_bind_gssapi().
 */
adb_err adl_bind_simple(adl_conn *conn, const char *dn, char *password,
                        adl_msg *msg);

/* adl_conn_ssf - the SASL security strength factor the bind negotiated
 * (0 before a SASL bind and for simple binds). */
unsigned int adl_conn_ssf(const adl_conn *conn);

/* adl_conn_is_tls - true for an ldaps:// connection. */
bool adl_conn_is_tls(const adl_conn *conn);

/* adl_conn_free - unbind and close.  NULL-safe. */
void adl_conn_free(adl_conn *conn);

/* ------------------------------------------------------------------ */
/* Reads                                                               */
/* ------------------------------------------------------------------ */

/* The rootDSE (MS-ADTS 3.1.1.3.2).  Strings owned by @arena. */
typedef struct adl_rootdse {
    const char *default_nc;         /* defaultNamingContext */
    const char *config_nc;          /* configurationNamingContext */
    const char *dns_host_name;      /* dnsHostName */
    int32_t domain_functionality;   /* -1 if absent */
    int32_t forest_functionality;
    int32_t dc_functionality;
    bool has_current_time;
    time_t current_time;            /* currentTime, UTC */
    size_t sasl_mech_count;
    const char *const *sasl_mechs;  /* supportedSASLMechanisms */
    adb_arena arena;
} adl_rootdse;

/*
 * adl_read_rootdse - read the rootDSE.  defaultNamingContext,
 * configurationNamingContext and dnsHostName are required (ADB_ERR_
 * MALFORMED if missing).  Free *out with adl_rootdse_free().
 */
adb_err adl_read_rootdse(adl_conn *conn, adl_rootdse **out, adl_msg *msg);
void adl_rootdse_free(adl_rootdse *root);   /* NULL-safe */

/* The domain of the DC.  Strings owned by @arena. */
typedef struct adl_domain {
    const char *nc;                 /* domain NC, e.g. DC=ad,DC=example,DC=com */
    const char *dns_name;           /* crossRef dnsRoot, e.g. ad.example.com */
    const char *netbios_name;       /* crossRef nETBIOSName, e.g. ADEX */
    adb_sid sid;                    /* the domain NC head's objectSid */
    adb_arena arena;
} adl_domain;

/*
 * adl_read_domain - the domain SID (objectSid of the domain NC head), its
 * NetBIOS and DNS names (the crossRef under CN=Partitions of the
 * configuration NC whose nCName is the domain NC).  @root from
 * adl_read_rootdse().  ADB_ERR_NOT_FOUND if there is no such crossRef,
 * ADB_ERR_AMBIGUOUS if there are several.  Free with adl_domain_free().
 */
adb_err adl_read_domain(adl_conn *conn, const adl_rootdse *root,
                        adl_domain **out, adl_msg *msg);
void adl_domain_free(adl_domain *dom);      /* NULL-safe */

typedef enum adl_object_class {
    ADL_CLASS_OTHER = 0,
    ADL_CLASS_USER,
    ADL_CLASS_GROUP,
    ADL_CLASS_COMPUTER
} adl_object_class;

/* "user", "group", "computer", "other"; never NULL. */
const char *adl_object_class_name(adl_object_class cls);

/* One security principal.  Strings owned by @arena. */
typedef struct adl_object {
    adl_object_class object_class;  /* from objectClass (computer wins
                                     * over user, which it derives from) */
    adb_sid sid;                    /* objectSid */
    const char *dn;                 /* distinguishedName */
    const char *sam_name;           /* sAMAccountName */
    bool has_group_type;            /* groups always have one */
    int32_t group_type;             /* groupType as AD stores it */
    adl_group_kind group;           /* valid when has_group_type */
    adb_arena arena;
} adl_object;

/*
 * adl_find_by_name - find the object whose sAMAccountName is @sam (already
 * validated by the caller or not: it is validated with ADL_ACCOUNT_ANY and
 * escaped here) under @base (the domain NC), subtree, size limit 2,
 * referrals not chased.  ADB_ERR_NOT_FOUND if none, ADB_ERR_AMBIGUOUS if
 * more than one, ADB_ERR_MALFORMED for a reply that breaks the rules above.
 * Free *out with adl_object_free().
 */
adb_err adl_find_by_name(adl_conn *conn, const char *base, const char *sam,
                         adl_object **out, adl_msg *msg);

/*
 * adl_find_by_sid - the same by objectSid (every byte escaped in the
 * filter): "does this mapped SID still exist, what is it called now".
 */
adb_err adl_find_by_sid(adl_conn *conn, const char *base, const adb_sid *sid,
                        adl_object **out, adl_msg *msg);

void adl_object_free(adl_object *obj);      /* NULL-safe */

#endif /* ADL_H */
