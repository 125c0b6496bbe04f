/* SPDX-License-Identifier: MIT */
/*
 * map.h - the rights engine: SID filtering at the trust boundary and the
 * mapping of the surviving SIDs to local rights, with an explanation.
 *
 * map_evaluate() runs on every cross-realm TGS request, so it is pure: no
 * I/O, no directory lookups, no global state; it reads a loaded conf_config
 * and a decoded pac_info and allocates only into the caller's map_result
 * (one arena).  Mapping lookups are hashed (adb_sid_hash), so the cost is
 * linear in the number of SIDs in the PAC.  The rules are in
 * docs/sid-filtering.md.
 */
#ifndef MAP_H
#define MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adb_arena.h"
#include "adb_err.h"
#include "adb_sid.h"
#include "conf.h"
#include "pac.h"

/* Why a SID was dropped (or MAP_KEEP).  Names: map_drop_rule_name(). */
typedef enum map_drop_rule {
    MAP_KEEP = 0,
    MAP_DROP_WELL_KNOWN,       /* "well-known": S-1-0/1/2/3-*, S-1-5-1..20 */
    MAP_DROP_BUILTIN,          /* "builtin": S-1-5-32-* */
    MAP_DROP_LOCAL_DOMAIN,     /* "local-domain": local_domain_sid prefix */
    MAP_DROP_OUTSIDE,          /* "outside-trusted-domain" */
    MAP_DROP_RESOURCE_GROUP,   /* "resource-group": ResourceGroupIds */
    MAP_DROP_DENY_ONLY         /* "deny-only": SE_GROUP_USE_FOR_DENY_ONLY */
} map_drop_rule;

/* Why a request was refused.  Names: map_refusal_name(). */
typedef enum map_refusal {
    MAP_REFUSAL_NONE = 0,
    MAP_REFUSAL_NO_PAC,              /* "no-pac": require_pac, no PAC */
    MAP_REFUSAL_NO_LOGON_INFO,       /* "no-logon-info": require_pac, PAC
                                      * without LOGON_INFO */
    MAP_REFUSAL_LOGON_DOMAIN_SID,    /* "logon-domain-sid" */
    MAP_REFUSAL_LOGON_DOMAIN_NAME,   /* "logon-domain-name" */
    MAP_REFUSAL_RESOURCE_GROUPS,     /* "resource-groups" */
    MAP_REFUSAL_REQUESTOR,           /* "requestor-mismatch" */
    MAP_REFUSAL_USER_SID,            /* "user-sid": user SID dropped */
    MAP_REFUSAL_PRIMARY_GROUP,       /* "primary-group-sid": dropped */
    MAP_REFUSAL_NO_RIGHTS            /* "no-rights": refuse_without_rights */
} map_refusal;

/* One right granted, and by what. */
typedef struct map_grant {
    uint32_t right;               /* exactly one bit */
    const char *right_name;       /* borrowed from the config */
    bool implied;                 /* granted because @implied_by was */
    uint32_t implied_by;          /* the implying right's bit, or 0 */
    const conf_mapping *mapping;  /* the map line (for an implied right: the
                                   * line that granted @implied_by);
                                   * borrowed from the config */
    adb_sid sid;                  /* the PAC SID that matched (the user SID
                                   * for user-name mappings) */
    pac_sid_source source;        /* where @sid came from in the PAC */
    uint32_t index;               /* its index within that source */
} map_grant;

/* One SID removed by filtering. */
typedef struct map_dropped {
    adb_sid sid;
    pac_sid_source source;
    uint32_t index;
    map_drop_rule rule;
} map_dropped;

/* The decision and its explanation.  Caller-owned (usually on the stack);
 * filled by map_evaluate(), released with map_result_free(). */
typedef struct map_result {
    bool refused;
    map_refusal refusal;          /* MAP_REFUSAL_NONE unless refused */
    const char *reason;           /* refused: English detail (arena); else
                                   * NULL */
    uint32_t rights;              /* granted rights, implications applied;
                                   * 0 when refused */
    size_t grant_count;
    const map_grant *grants;      /* direct grants in PAC SID order (user
                                   * name first), then implied ones */
    size_t dropped_count;
    const map_dropped *dropped;   /* in PAC SID order */
    adb_arena arena;              /* owns reason, grants, dropped */
} map_result;

/*
 * map_evaluate - filter the SIDs of @pac at the boundary of @trust and map
 * the survivors to rights.
 *
 * @config, @trust: borrowed (a trust of @config); must outlive @result_out,
 *        which points into them.
 * @pac:  borrowed, may be NULL (no PAC in the ticket).  Its SIDs are copied.
 * @result_out: caller-provided; emptied on entry.  On ADB_OK it holds the
 *        decision (a refusal is a successful evaluation: check ->refused);
 *        on failure it is left empty.  Always call map_result_free().
 *
 * Returns ADB_OK, ADB_ERR_INVALID (NULL @config/@trust/@result_out),
 * ADB_ERR_NOMEM.
 */
adb_err map_evaluate(const conf_config *config, const conf_trust *trust,
                     const pac_info *pac, map_result *result_out);

/* map_result_free - release what @result owns and empty it.  NULL-safe and
 * idempotent (also on a result map_evaluate() never filled, if zeroed). */
void map_result_free(map_result *result);

/*
 * map_sid_rule - the quarantine rule that drops @sid at the boundary of
 * @trust, or MAP_KEEP.  Only the SID itself is judged (not its PAC source
 * or attributes).  The config check uses it to find map lines that can
 * never match.
 */
map_drop_rule map_sid_rule(const conf_config *config, const conf_trust *trust,
                           const adb_sid *sid);

/*
 * map_indicators - the auth-indicator strings for @rights (bits unknown to
 * @config are ignored): indicator_prefix + right name, in bit order, e.g.
 * { "adbridge-admin", "adbridge-viewer", NULL }.
 *
 * @list_out: on ADB_OK a NULL-terminated array in one allocation (the
 *        strings included): free it with free().  NULL on entry and on
 *        failure.  An empty mask gives a list holding only NULL.
 * @count_out: may be NULL; the number of strings.
 *
 * Returns ADB_OK, ADB_ERR_INVALID, ADB_ERR_NOMEM.
 */
adb_err map_indicators(const conf_config *config, uint32_t rights,
                       char ***list_out, size_t *count_out);

/* map_drop_rule_name, map_refusal_name - the stable short names above
 * ("builtin", "no-rights"...); "keep" / "none" for the zero values.
 * Static strings. */
const char *map_drop_rule_name(map_drop_rule rule);
const char *map_refusal_name(map_refusal refusal);

#endif /* MAP_H */
