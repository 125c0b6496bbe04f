/* SPDX-License-Identifier: MIT */
/*
 * conf.h - the adbridge configuration: trusted AD realms, their SID-to-right
 * mappings, and the names of the rights.
 *
 * The file is in MIT krb5 profile syntax and is read with MIT's profile
 * library (profile_init, then profile_iterator_create / profile_iterator,
 * which unlike profile_get_values and friends in krb5 1.20 do not leak or
 * silently truncate when an allocation fails); there is no parser of our
 * own.  See samples/adbridge.conf for every key and conf/README.md for
 * their meaning and defaults.
 *
 * Loading is "config check": every problem in the file is collected (not
 * just the first) as a precise English message naming the section, the
 * trust and the map line.  MIT's profile library reports syntax errors
 * without a line number; conf_load finds the line (binary search over line
 * prefixes of its private copy of the file).  The file is read once
 * (a regular file, at most 1 MiB); `include`, `includedir` and `module`
 * directives, which MIT's parser would follow, are refused with their line.
 * A configuration with any problem is refused as a whole; there is no
 * partially loaded config.
 *
 * A loaded conf_config is immutable and owns everything it points to (one
 * arena); it may be shared read-only between threads.
 */
#ifndef CONF_H
#define CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adb_arena.h"
#include "adb_err.h"
#include "adb_rd.h"
#include "adb_sid.h"

/* Rights are bits of a uint32_t mask.  The built-in rights have fixed bits;
 * rights declared with `rights = ...` in [adbridge] get the following bits
 * in the order they are declared. */
#define CONF_RIGHT_ADMIN  0x1u   /* "admin", implies viewer */
#define CONF_RIGHT_VIEWER 0x2u   /* "viewer" */
#define CONF_RIGHT_JOIN   0x4u   /* "join" */
#define CONF_BUILTIN_RIGHTS 3u
#define CONF_MAX_RIGHTS   32u    /* built-in + custom */

#define CONF_DEFAULT_INDICATOR_PREFIX "adbridge-"
#define CONF_DEFAULT_FAILOVER_SECONDS 60u
#define CONF_MAX_FAILOVER_SECONDS 86400u

typedef enum conf_direction {
    CONF_DIRECTION_INBOUND = 0,  /* "inbound" (default) */
    CONF_DIRECTION_TWO_WAY       /* "two-way" */
} conf_direction;

/* What the KDC does with cross-realm requests from a realm that has no
 * [trusts] stanza ([adbridge] other_realms). */
typedef enum conf_other_realms {
    CONF_OTHER_PASS = 0,         /* "pass" (default): left to stock MIT */
    CONF_OTHER_REFUSE            /* "refuse": unknown-trust */
} conf_other_realms;

/* What a service ticket issued to a trusted realm's user carries besides
 * the rights (per service: the adbridge_pac string attribute; default:
 * [adbridge] default_pac). */
typedef enum conf_ticket_profile {
    CONF_PROFILE_RIGHTS = 0,     /* "rights" (default): the rights as auth
                                  * indicators, AD's group lists not copied */
    CONF_PROFILE_GROUPS          /* "groups": also the filtered LOGON_INFO
                                  * and UPN_DNS_INFO */
} conf_ticket_profile;

/* Which decisions get a KDC log line ([adbridge] log_decisions); the audit
 * log always gets every one.  Unset: refusals when audit_log is set, all
 * when it is not (so that every decision is logged somewhere). */
typedef enum conf_log_decisions {
    CONF_LOG_ALL = 0,            /* "all" (the default without audit_log) */
    CONF_LOG_REFUSALS            /* "refusals" (the default with one) */
} conf_log_decisions;

/* SID filtering modes (docs/sid-filtering.md).  Only one exists. */
typedef enum conf_filter_mode {
    CONF_FILTER_QUARANTINE = 0   /* "quarantine" (default) */
} conf_filter_mode;

/* How a map line names its identity. */
typedef enum conf_map_kind {
    CONF_MAP_SID = 0,    /* "sid:S-1-..."  any SID of the user's set */
    CONF_MAP_RID,        /* "rid:N"        trust domain SID + N, any SID */
    CONF_MAP_USER_SID,   /* "user:S-1-..." only the user's own SID */
    CONF_MAP_USER_NAME   /* "user:NAME"    LOGON_INFO EffectiveName,
                          *                ASCII case-insensitive */
} conf_map_kind;

/* One `map = IDENTITY RIGHTS` line of a trust. */
typedef struct conf_mapping {
    conf_map_kind kind;
    adb_sid sid;          /* the full SID (SID, RID, USER_SID kinds) */
    const char *name;     /* USER_NAME kind: the account name; else NULL */
    uint32_t rights;      /* rights named on the line (implications are
                           * applied by map_evaluate, which reports them) */
    const char *text;     /* the line's value as written, e.g. "rid:1106 admin" */
    size_t line;          /* 1-based position among the trust's map lines */
} conf_mapping;

/* One trusted realm ([trusts] REALM = { ... }). */
typedef struct conf_trust {
    const char *realm;            /* the subsection name, e.g. AD.EXAMPLE.COM */
    const char *netbios_name;     /* flat domain name, e.g. ADEX */
    adb_sid domain_sid;           /* the trusted domain's SID */
    conf_direction direction;
    conf_filter_mode sid_filtering;
    bool require_pac;             /* default true */
    bool refuse_without_rights;   /* default true */
    size_t kdc_count;
    const char *const *kdcs;      /* kdc_count "host[:port]" values, file
                                   * order (first = primary), checked */
    const char *site;             /* AD site name (`site = NAME`), or NULL */
    const char *ldap_principal;   /* principal the CLI binds to AD's LDAP
                                   * as (unattended name lookups), or NULL;
                                   * set together with ldap_keytab */
    const char *ldap_keytab;      /* keytab holding its key, or NULL */
    size_t client_realm_count;
    const char *const *client_realms; /* realms besides @realm whose users
                                   * this trust may carry (client_realm
                                   * lines), file order */
    size_t map_count;
    const conf_mapping *maps;     /* map_count mappings, file order */

    /* Lookup indexes built at load time (used by map_evaluate()):
     * an open-addressing hash table of the SID-kind mappings keyed by
     * adb_sid_hash() (slot value = index into maps + 1, 0 = empty), and the
     * USER_NAME mappings sorted case-insensitively by name. */
    size_t sid_slot_count;        /* a power of two, or 0 */
    const uint32_t *sid_slots;
    size_t name_count;
    const uint32_t *name_index;   /* indexes into maps, sorted by name */
} conf_trust;

typedef struct conf_config {
    const char *local_realm;
    adb_sid local_domain_sid;     /* SID the trust gives the local realm;
                                   * revision 0 when not set (optional) */
    conf_other_realms other_realms; /* realms without a [trusts] stanza */
    conf_ticket_profile default_pac; /* services without adbridge_pac */
    conf_log_decisions log_decisions;
    const char *indicator_prefix; /* default CONF_DEFAULT_INDICATOR_PREFIX */
    const char *audit_log;        /* NULL if not configured */
    const char *dns_servers;      /* `dns_servers = ADDR[:PORT] ...` as
                                   * written (checked), or NULL: resolv.conf */
    unsigned int failover_seconds; /* how long a failed server is tried
                                    * last (`failover_seconds`, default
                                    * CONF_DEFAULT_FAILOVER_SECONDS; 0 off) */
    size_t right_count;           /* CONF_BUILTIN_RIGHTS + custom rights */
    const char *const *right_names; /* right_names[i] names bit (1u << i) */
    size_t trust_count;
    const conf_trust *trusts;     /* in the order the profile lists them */
    adb_arena arena;              /* owns everything above */
} conf_config;

/* The problems found in a configuration.  Caller-owned (usually on the
 * stack); initialise with conf_problems_init(), release with
 * conf_problems_free().  Messages are NUL-terminated and owned by @arena. */
typedef struct conf_problems {
    size_t count;
    const char **messages;        /* count messages in discovery order */
    size_t cap;
    adb_arena arena;
} conf_problems;

/* conf_problems_init - an empty list.  Allocates nothing. */
void conf_problems_init(conf_problems *problems);

/* conf_problems_free - release every message; the list is empty (and
 * reusable) afterwards.  NULL-safe. */
void conf_problems_free(conf_problems *problems);

/*
 * conf_load - read and validate the configuration file @path.
 *
 * @config_out: set to NULL on entry; on ADB_OK a new configuration, free it
 *        with conf_free().
 * @problems: caller-initialised (conf_problems_init); emptied on entry, then
 *        receives every problem found.  May be NULL.
 *
 * Returns ADB_OK (no problem at all), ADB_ERR_IO (the file cannot be opened;
 * one problem says why), ADB_ERR_MALFORMED (a syntax error the profile
 * library refuses, or any validation problem; all are listed),
 * ADB_ERR_NOMEM, ADB_ERR_INVALID (@path NULL).
 */
adb_err conf_load(const char *path, conf_config **config_out,
                  conf_problems *problems);

/*
 * conf_check - validate @path as conf_load() does and discard the result.
 * Same returns; @problems as in conf_load().
 */
adb_err conf_check(const char *path, conf_problems *problems);

/* conf_free - free @config and everything it owns.  NULL-safe. */
void conf_free(conf_config *config);

/*
 * conf_find_trust - the trust whose realm name is exactly @realm (Kerberos
 * realm names are case-sensitive), or NULL.  The result is borrowed from
 * @config.
 */
const conf_trust *conf_find_trust(const conf_config *config,
                                  const char *realm);

/*
 * conf_trust_accepts_client_realm - whether a ticket whose client is of
 * realm @realm may come through @trust: @realm is the trust's own realm or
 * one of its client_realm lines (exact, case-sensitive).
 */
bool conf_trust_accepts_client_realm(const conf_trust *trust,
                                     const char *realm);

/*
 * conf_profile_parse - @text ("rights" or "groups", ASCII case-insensitive,
 * blanks around it ignored) into *@out.  Returns ADB_OK or
 * ADB_ERR_MALFORMED (*@out untouched).
 */
adb_err conf_profile_parse(const char *text, conf_ticket_profile *out);

/* conf_profile_name - "rights" or "groups".  Static. */
const char *conf_profile_name(conf_ticket_profile profile);

/*
 * conf_right_name - the name of the right with bit @right (exactly one bit
 * set), borrowed from @config (static for built-ins); NULL if no such right.
 * @config may be NULL (built-in rights only).
 */
const char *conf_right_name(const conf_config *config, uint32_t right);

/*
 * conf_rights_imply - @rights plus every right they imply (admin implies
 * viewer).
 */
uint32_t conf_rights_imply(uint32_t rights);

/*
 * conf_rights_parse - parse a comma-separated list of right names (an
 * `adbridge_rights` principal attribute, or the rights of a map line), e.g.
 * "admin" or "viewer, join".  Names are matched ASCII case-insensitively
 * against the built-in rights and @config's custom rights (@config may be
 * NULL: built-ins only); spaces and tabs around names are ignored.  The
 * empty string (or only blanks) is the empty mask.
 *
 * @rights_out: on ADB_OK the mask with implications applied
 *        (conf_rights_imply); untouched on failure.
 * @diag: may be NULL; on failure holds context "rights" and a detail such as
 *        `unknown right "admn"` or `empty right name`.
 *
 * Returns ADB_OK, ADB_ERR_MALFORMED, ADB_ERR_INVALID (@text or @rights_out
 * NULL).
 */
adb_err conf_rights_parse(const conf_config *config, const char *text,
                          uint32_t *rights_out, adb_diag *diag);

/*
 * conf_parse_map_value - parse one map value @text ("IDENTITY RIGHTS", e.g.
 * "rid:1103 admin,join") of @trust exactly as conf_load() parses the `map`
 * lines of a file, with the same checks (identity syntax, rights of
 * @config, a SID that quarantine filtering would always drop).  Checks
 * against the other mappings of the trust (same identity twice) are not
 * made: they need the whole file.
 *
 * @config, @trust: borrowed; a loaded configuration and one of its trusts.
 * @arena: receives the copies of @text and of a user name; the result's
 *        strings live as long as @arena.
 * @mapping_out: zeroed on entry; on ADB_OK the mapping (->line is 0).
 * @err, @errlen: may be NULL/0; on ADB_ERR_MALFORMED the reason, e.g.
 *        `unknown right "admn"` (the loader prefixes it with the trust and
 *        map line); "" otherwise.
 *
 * Returns ADB_OK, ADB_ERR_MALFORMED, ADB_ERR_NOMEM, ADB_ERR_INVALID (a NULL
 * argument other than @err).
 */
adb_err conf_parse_map_value(const conf_config *config,
                             const conf_trust *trust, const char *text,
                             adb_arena *arena, conf_mapping *mapping_out,
                             char *err, size_t errlen);

/* conf_direction_name, conf_filter_mode_name, conf_map_kind_name,
 * conf_other_realms_name - the spelling used in the file ("two-way",
 * "quarantine", "rid", "pass"...).  Static. */
const char *conf_direction_name(conf_direction direction);
const char *conf_other_realms_name(conf_other_realms mode);
const char *conf_filter_mode_name(conf_filter_mode mode);
const char *conf_map_kind_name(conf_map_kind kind);

#endif /* CONF_H */
