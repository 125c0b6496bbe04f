/* SPDX-License-Identifier: MIT */
/*
 * kdc_bridge.h - the decision library of the adbridge KDB module.
 *
 * Everything the KDC module decides lives here, testable without krb5kdc:
 * the configuration kept in force (re-read when the file changes), the
 * decision for one issue_pac() call (cross-realm: SID filtering and mapping
 * of the AD PAC to rights; AS: the client's adbridge_rights attribute; local
 * TGS: pass-through), the buffers copied into the new PAC, and the log and
 * audit lines that explain the decision.  adbridge_kdb.c is only the
 * adapter between these functions and the KDB vtable.
 *
 * Not thread-safe: one kdc_bridge is used by one thread at a time (krb5kdc
 * serves requests in one thread).  Secrets (keys, passwords, the session
 * key of LOGON_INFO) are never written to any log line.
 */
#ifndef KDC_BRIDGE_H
#define KDC_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <krb5/krb5.h>

#include "adb_err.h"
#include "conf.h"
#include "map.h"
#include "pac.h"

#define KDC_DEFAULT_CONFIG "/etc/adbridge.conf"

/* The version of the audit record's fields (docs/audit-record.md); raised
 * whenever a field changes meaning or goes away. */
#define KDC_AUDIT_SCHEMA 1

/* Log priorities (the syslog values, so the adapter can pass them on). */
#define KDC_LOG_ERR     3
#define KDC_LOG_WARNING 4
#define KDC_LOG_NOTICE  5
#define KDC_LOG_INFO    6

/* A log sink: one NUL-terminated line without a newline. */
typedef void kdc_log_fn(void *data, int priority, const char *line);

typedef struct kdc_bridge kdc_bridge;

/*
 * kdc_bridge_new - state for one realm's module instance.  The file @path
 * is read by the first kdc_bridge_config() (so kdb5_util and kadmin.local,
 * which never decide, never read it); a failure to load is logged through
 * @log and is not an error: requests that need a configuration are then
 * refused until a valid file appears.
 *
 * @path: copied; NULL means KDC_DEFAULT_CONFIG.
 * @log:  may be NULL (nothing logged); @log_data is passed to it.
 * @out:  NULL on entry; on ADB_OK a new state, free with kdc_bridge_free().
 *
 * Returns ADB_OK, ADB_ERR_NOMEM, ADB_ERR_INVALID (@out NULL).
 */
adb_err kdc_bridge_new(const char *path, kdc_log_fn *log, void *log_data,
                       kdc_bridge **out);

/*
 * kdc_bridge_set_realm - the realm the KDC serves (copied): a file whose
 * local_realm differs is refused as invalid (logged; the previous
 * configuration stays in force) and the file is judged again at the next
 * kdc_bridge_config().  Returns ADB_OK, ADB_ERR_NOMEM, ADB_ERR_INVALID.
 */
adb_err kdc_bridge_set_realm(kdc_bridge *b, const char *realm);

/* kdc_bridge_free - free @b and its configuration.  NULL-safe. */
void kdc_bridge_free(kdc_bridge *b);

/*
 * kdc_bridge_config - the configuration in force at time @now.  At most once
 * per second (of @now) the file's inode, size and mtime are compared with
 * those of the last attempt; when they changed, the file is loaded again.  A
 * valid file replaces the old configuration (logged once); an invalid one is
 * logged with every problem and the last good configuration stays in force.
 *
 * Returns a configuration borrowed from @b, valid until the next call of
 * kdc_bridge_config() or kdc_bridge_free(); NULL if none was ever loaded.
 */
const conf_config *kdc_bridge_config(kdc_bridge *b, time_t now);

/* kdc_bridge_path - the configuration file path (borrowed). */
const char *kdc_bridge_path(const kdc_bridge *b);

/* What kind of request a decision is about (kdc_tgs_kind() classifies
 * TGS requests). */
typedef enum kdc_kind {
    KDC_KIND_AS = 0,      /* AS request */
    KDC_KIND_LOCAL_TGS,   /* TGS: local header ticket, local client */
    KDC_KIND_CROSS_REALM, /* TGS: header ticket issued by another realm's
                           * KDC (krbtgt/LOCAL@OTHER) */
    KDC_KIND_FOREIGN_TGS  /* TGS: local header ticket (a renewal, a
                           * validation, S4U2Proxy evidence, a local TGT)
                           * whose client is of another realm: re-decided
                           * from the ticket's PAC, as cross-realm */
} kdc_kind;

/*
 * kdc_tgs_kind - the kind of a TGS request: CROSS_REALM when the header
 * ticket's server realm @header_realm is not the realm @local_realm of the
 * requested server (MIT's is_crossrealm, which sets
 * KRB5_KDB_FLAG_CROSS_REALM), else FOREIGN_TGS when the subject ticket's
 * client realm @client_realm is not @local_realm, else LOCAL_TGS.  Pure.
 */
kdc_kind kdc_tgs_kind(const char *header_realm, const char *local_realm,
                      const char *client_realm);

/* The facts of one request, all borrowed from the caller. */
typedef struct kdc_request {
    kdc_kind kind;
    const char *client;          /* subject client principal (unparsed), or
                                  * NULL if unknown */
    const char *client_realm;    /* its realm (TGS kinds; NULL if unknown:
                                  * CROSS_REALM / FOREIGN_TGS refuse) */
    const char *client_name;     /* the client without realm, unescaped
                                  * (as MIT compares it with CLIENT_INFO);
                                  * NULL: the name part of @client */
    bool client_enterprise;      /* the client is an NT-ENTERPRISE name
                                  * (CLIENT_INFO then holds the UPN) */
    const char *service;         /* server principal (unparsed) */
    const char *trust_realm;     /* CROSS_REALM: the header ticket's issuing
                                  * realm (the signing krbtgt's realm) */
    const char *client_rights;   /* AS: client's adbridge_rights, or NULL */
    const char *require;         /* server's adbridge_require, or NULL */
    const char *profile;         /* server's adbridge_pac, or NULL (the
                                  * configuration's default_pac) */
    const char *const *indicators; /* LOCAL_TGS: the ticket's indicators
                                    * (NULL-terminated) or NULL */
    krb5_pac old_pac;            /* TGS kinds; may be NULL */
    const void *old_pac_data;    /* the bytes @old_pac was parsed from, if
                                  * known (kdc_find_pac_data), else NULL:
                                  * decoded in place (pac_decode_in_place) */
    size_t old_pac_len;
    bool local_tgt;              /* the server is krbtgt/LOCAL@LOCAL */
    size_t stray_pacs;           /* AD-WIN2K-PAC elements in the subject or
                                  * header ticket that MIT does not read as
                                  * the PAC (kdc_find_pac) */
} kdc_request;

/* Why a request is refused (names: kdc_refusal_name()). */
typedef enum kdc_refusal {
    KDC_REFUSAL_NONE = 0,
    KDC_REFUSAL_NO_CONFIG,       /* "no-config" */
    KDC_REFUSAL_UNKNOWN_TRUST,   /* "unknown-trust" */
    KDC_REFUSAL_BAD_PAC,         /* "bad-pac": malformed or oversized */
    KDC_REFUSAL_INCONSISTENT,    /* "inconsistent-pac": names/SIDs disagree */
    KDC_REFUSAL_MAP,             /* "map": map_evaluate refused (see map) */
    KDC_REFUSAL_REQUIRE,         /* "require": adbridge_require not met */
    KDC_REFUSAL_BAD_ATTRIBUTE,   /* "bad-attribute": unparsable
                                  * adbridge_rights / adbridge_require */
    KDC_REFUSAL_MISPLACED_PAC,   /* "misplaced-pac": a PAC-typed element
                                  * where MIT does not look for the PAC */
    KDC_REFUSAL_CLIENT_REALM,    /* "client-realm": the ticket's client
                                  * realm is not one the trust carries */
    KDC_REFUSAL_LOCAL_TGT,       /* "local-tgt": a trusted realm's user asked
                                  * for a local TGT (its rights would be
                                  * frozen in it) */
    KDC_REFUSAL_INTERNAL         /* "internal": the module could not decide
                                  * (no request context, out of memory) */
} kdc_refusal;

/* The decision.  Caller-owned (on the stack), zero it with
 * kdc_decision_init(), release with kdc_decision_free(). */
typedef struct kdc_decision {
    kdc_kind kind;
    bool passed;                 /* CROSS_REALM / FOREIGN_TGS from a realm
                                  * without a [trusts] stanza under
                                  * other_realms = pass: left to stock MIT
                                  * (no rights; adbridge_require applies) */
    bool refused;
    kdc_refusal refusal;
    char *reason;                /* refused: English detail (malloc) */
    uint32_t rights;             /* rights granted (implications applied) */
    conf_ticket_profile profile; /* a trust's decision: what the ticket
                                  * carries besides the rights */
    uint32_t required;           /* rights the service requires */
    char **indicators;           /* to add (map_indicators list), or NULL */
    bool copy_logon_info;        /* copy LOGON_INFO unchanged */
    uint8_t *logon_info;         /* SIDs were filtered: LOGON_INFO
                                  * re-encoded without them (malloc, wiped
                                  * on free), or NULL */
    size_t logon_info_len;
    bool logon_info_withheld;    /* SIDs were filtered and re-encoding
                                  * failed: no LOGON_INFO at all */
    bool copy_upn_dns_info;
    pac_info *pac;               /* decoded old PAC (CROSS_REALM), or NULL */
    bool have_map;
    map_result map;              /* CROSS_REALM: the rights engine result */
    const conf_config *config;   /* borrowed: the config decided with */
    const conf_trust *trust;     /* borrowed from config, or NULL */
} kdc_decision;

void kdc_decision_init(kdc_decision *d);
/* kdc_decision_free - release what @d owns and re-initialise it.
 * NULL-safe. */
void kdc_decision_free(kdc_decision *d);

/*
 * kdc_decide - decide request @req with configuration @config (NULL: none
 * loaded).
 *
 * CROSS_REALM: the trust is found by @req->trust_realm; the PAC (if any) is
 * decoded (pac_decode refuses more than PAC_MAX_BYTES before decoding), its
 * CLIENT_INFO name, LOGON_INFO EffectiveName, UPN_DNS_INFO SamName and SID
 * are checked against each other and the ticket client; then map_evaluate() and the service's
 * adbridge_require decide.  AS: rights from @req->client_rights.
 * LOCAL_TGS: nothing is added; adbridge_require is checked against the
 * rights the ticket's indicators carry.
 *
 * @d: kdc_decision_init()ed; filled.  A refusal is a successful decision
 *     (check ->refused).
 *
 * Returns ADB_OK, ADB_ERR_INVALID, ADB_ERR_NOMEM, ADB_ERR_KRB5.
 */
adb_err kdc_decide(krb5_context ctx, const conf_config *config,
                   const kdc_request *req, kdc_decision *d);

/*
 * kdc_copy_buffers - put into @new_pac what @d says is copied from @old_pac
 * (CROSS_REALM and FOREIGN_TGS decided by a trust: UPN_DNS_INFO raw,
 * LOGON_INFO raw or, when SIDs were filtered, re-encoded without them;
 * LOCAL_TGS and a passed FOREIGN_TGS: every buffer but the ones the KDC
 * makes itself - types 6, 7, 10, 11, 16, 19; a passed CROSS_REALM:
 * nothing, as stock MIT).  A buffer type @new_pac already holds (added by
 * the backend's own issue_pac) is not added again, except that LOGON_INFO
 * and UPN_DNS_INFO of a trust's decision are only ever adbridge's: the
 * caller gives the backend a PAC of its own and merges it with
 * kdc_merge_backend_pac().  Returns 0 or a krb5 error code.
 */
krb5_error_code kdc_copy_buffers(krb5_context ctx, const kdc_decision *d,
                                 krb5_pac old_pac, krb5_pac new_pac);

/*
 * kdc_merge_backend_pac - copy into @new_pac the buffers the backend's own
 * issue_pac() put into @backend_pac, except LOGON_INFO and UPN_DNS_INFO
 * when @d is a trust's decision (those are adbridge's, filtered) and
 * anything when @d refused.  Returns 0 or a krb5 error code.
 */
krb5_error_code kdc_merge_backend_pac(krb5_context ctx, const kdc_decision *d,
                                      krb5_pac backend_pac, krb5_pac new_pac);

/*
 * kdc_find_pac - find the PAC in the authorization data @ad of a decrypted
 * ticket exactly where MIT 1.20's KDC looks for it
 * (krb5_kdc_verify_ticket): the first AD-WIN2K-PAC element directly inside
 * the first top-level AD-IF-RELEVANT container that holds one.  Every other
 * AD-WIN2K-PAC element - top-level, nested deeper in AD-IF-RELEVANT
 * containers, a second one - is counted as stray, and so is a container
 * that does not decode or nests deeper than 8 levels (MIT would never read
 * a PAC there, but a recursive search such as krb5_find_authdata() would).
 *
 * @pac_out: if not NULL, set to NULL on entry and, when a PAC is found and
 *        parses (krb5_pac_parse), to the parsed PAC: free with
 *        krb5_pac_free().
 * @found_out: whether MIT finds a PAC.
 * @stray_out: the number of stray elements.
 *
 * Returns 0, or ENOMEM.
 */
krb5_error_code kdc_find_pac(krb5_context ctx, krb5_authdata *const *ad,
                             krb5_pac *pac_out, bool *found_out,
                             size_t *stray_out);

/*
 * kdc_find_pac_data - kdc_find_pac() without parsing: when MIT finds a PAC,
 * *data_out points at the PAC element's bytes, for kdc_request.old_pac_data.
 * They lie either in @ad itself (its container was canonical DER, read in
 * place: *container_out is NULL, and the bytes live as long as @ad) or in
 * the AD-IF-RELEVANT container MIT's decoder made of it: *container_out
 * (free with krb5_free_authdata(); the bytes live until that free).  Both
 * are NULL / empty on entry, when no PAC is found, and on failure.
 * @found_out and @stray_out as kdc_find_pac().  Returns 0, or ENOMEM.
 */
krb5_error_code kdc_find_pac_data(krb5_context ctx, krb5_authdata *const *ad,
                                  krb5_authdata ***container_out,
                                  krb5_data *data_out, bool *found_out,
                                  size_t *stray_out);

/*
 * kdc_indicator_rights - the rights named by the indicators in @list
 * (NULL-terminated, may be NULL) that carry @config's prefix.
 */
uint32_t kdc_indicator_rights(const conf_config *config,
                              const char *const *list);

/* kdc_indicator_is_ours - whether @ind (length @len) starts with @config's
 * indicator prefix. */
bool kdc_indicator_is_ours(const conf_config *config, const char *ind,
                           size_t len);

/*
 * kdc_log_line - the one KDC log line for decision @d on @req, e.g.
 * "adbridge: ALLOW alice@AD.EXAMPLE.COM -> HTTP/x@LOCAL (trust AD.EXAMPLE.COM)
 * rights admin,viewer grants rid:1103 admin ...".  malloc'd; NULL on ENOMEM.
 */
char *kdc_log_line(const kdc_request *req, const kdc_decision *d);

/*
 * kdc_audit_json - the audit record (one JSON object, no newline) for @d on
 * @req at @now: time, decision, kind, client, trust, service, rights,
 * required, grants (SID, source, map line), filtered SIDs (SID, source,
 * rule), refusal and reason.  malloc'd; NULL on ENOMEM.
 */
char *kdc_audit_json(const kdc_request *req, const kdc_decision *d,
                     time_t now);

/*
 * kdc_bridge_audit - append @line and a newline to the audit file @path
 * (O_APPEND, created with mode 0600, never through a
 * symlink) in one write, through a descriptor @b keeps open between
 * requests (the KDC appends one record per decision):
 * reopened when @path differs from the last call, and, at most once per
 * second of @now, when the file at @path is no longer the one held (log
 * rotation, removal).  A file that cannot be opened is logged through the
 * bridge's log with its path and the errno text, once until it opens again
 * or the path or error changes.  Returns ADB_OK, ADB_ERR_IO (the next call
 * opens afresh), ADB_ERR_NOMEM, ADB_ERR_INVALID.
 */
adb_err kdc_bridge_audit(kdc_bridge *b, const char *path, const char *line,
                         time_t now);

/* kdc_refusal_name - "none", "no-config", "map"... (static). */
const char *kdc_refusal_name(kdc_refusal refusal);

/*
 * kdc_decision_code - the refusal code of @d as the KDC log line, the
 * audit record and explain print it: the rights engine's own code
 * ("no-rights", "no-pac", "logon-domain-sid"...) for a KDC_REFUSAL_MAP
 * refusal, else kdc_refusal_name(); "none" when @d allowed.  Static.
 */
const char *kdc_decision_code(const kdc_decision *d);

#endif /* KDC_BRIDGE_H */
