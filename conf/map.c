/* SPDX-License-Identifier: MIT */
/*
 * map.c - SID filtering at the trust boundary and SID-to-right mapping
 * (docs/sid-filtering.md).  Pure: no I/O, allocation only into the result.
 */
#include "map.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *map_drop_rule_name(map_drop_rule rule)
{
    switch (rule) {
    case MAP_KEEP:                return "keep";
    case MAP_DROP_WELL_KNOWN:     return "well-known";
    case MAP_DROP_BUILTIN:        return "builtin";
    case MAP_DROP_LOCAL_DOMAIN:   return "local-domain";
    case MAP_DROP_OUTSIDE:        return "outside-trusted-domain";
    case MAP_DROP_RESOURCE_GROUP: return "resource-group";
    case MAP_DROP_DENY_ONLY:      return "deny-only";
    }
    return "unknown";
}

const char *map_refusal_name(map_refusal refusal)
{
    switch (refusal) {
    case MAP_REFUSAL_NONE:              return "none";
    case MAP_REFUSAL_NO_PAC:            return "no-pac";
    case MAP_REFUSAL_NO_LOGON_INFO:     return "no-logon-info";
    case MAP_REFUSAL_LOGON_DOMAIN_SID:  return "logon-domain-sid";
    case MAP_REFUSAL_LOGON_DOMAIN_NAME: return "logon-domain-name";
    case MAP_REFUSAL_RESOURCE_GROUPS:   return "resource-groups";
    case MAP_REFUSAL_REQUESTOR:         return "requestor-mismatch";
    case MAP_REFUSAL_USER_SID:          return "user-sid";
    case MAP_REFUSAL_PRIMARY_GROUP:     return "primary-group-sid";
    case MAP_REFUSAL_NO_RIGHTS:         return "no-rights";
    }
    return "unknown";
}

/* SID identifier authorities (MS-DTYP 2.4.2.1). */
#define AUTH_NULL       0u   /* S-1-0 */
#define AUTH_WORLD      1u   /* S-1-1 */
#define AUTH_LOCAL      2u   /* S-1-2 */
#define AUTH_CREATOR    3u   /* S-1-3 */
#define AUTH_NT         5u   /* S-1-5 */
#define AUTH_ASSERTED  18u   /* S-1-18: authentication assertion */
#define NT_BUILTIN     32u   /* S-1-5-32 */

map_drop_rule map_sid_rule(const conf_config *config, const conf_trust *trust,
                           const adb_sid *sid)
{
    if (sid->authority <= AUTH_CREATOR)
        return MAP_DROP_WELL_KNOWN;
    if (sid->authority == AUTH_NT && sid->sub_count >= 1) {
        if (sid->sub[0] >= 1 && sid->sub[0] <= 20)
            return MAP_DROP_WELL_KNOWN;
        if (sid->sub[0] == NT_BUILTIN)
            return MAP_DROP_BUILTIN;
    }
    if (config->local_domain_sid.revision != 0 &&
        adb_sid_has_prefix(sid, &config->local_domain_sid))
        return MAP_DROP_LOCAL_DOMAIN;
    if (sid->authority == AUTH_ASSERTED && sid->sub_count >= 1)
        return MAP_KEEP;
    if (adb_sid_in_domain(sid, &trust->domain_sid, NULL))
        return MAP_KEEP;
    return MAP_DROP_OUTSIDE;
}

/* Refuse with a formatted reason.  Returns ADB_ERR_NOMEM if the reason
 * cannot be allocated, else ADB_OK. */
static adb_err refuse(map_result *r, map_refusal why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static adb_err refuse(map_result *r, map_refusal why, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *msg;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return ADB_ERR_NOMEM;
    msg = adb_arena_alloc(&r->arena, (size_t)n + 1);
    if (msg == NULL)
        return ADB_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->refused = true;
    r->refusal = why;
    r->reason = msg;
    r->rights = 0;
    r->grant_count = 0;
    r->grants = NULL;
    return ADB_OK;
}

/* The mapping for @sid in @trust's hash table, or NULL. */
static const conf_mapping *lookup_sid_hashed(const conf_trust *trust,
                                             const adb_sid *sid,
                                             uint64_t hash)
{
    size_t mask, s;

    if (trust->sid_slot_count == 0)
        return NULL;
    mask = trust->sid_slot_count - 1;
    for (s = hash & mask; trust->sid_slots[s] != 0;
         s = (s + 1) & mask) {
        const conf_mapping *m = &trust->maps[trust->sid_slots[s] - 1];

        if (adb_sid_equal(&m->sid, sid))
            return m;
    }
    return NULL;
}

/* The mapping for the SID @trust->domain_sid + @rid (@sub_count
 * sub-authorities in all) in @trust's hash table, or NULL: lookup_sid_hashed
 * with the hash adb_sid_hash_rid() gives, comparing the RID first. */
static inline const conf_mapping *lookup_rid(const conf_trust *trust,
                                             uint32_t rid, uint64_t hash,
                                             unsigned int sub_count)
{
    size_t mask, s;

    if (trust->sid_slot_count == 0)
        return NULL;
    mask = trust->sid_slot_count - 1;
    for (s = hash & mask; trust->sid_slots[s] != 0;
         s = (s + 1) & mask) {
        const conf_mapping *m = &trust->maps[trust->sid_slots[s] - 1];

        if (m->sid.sub_count == sub_count &&
            m->sid.sub[sub_count - 1] == rid &&
            adb_sid_has_prefix(&m->sid, &trust->domain_sid))
            return m;
    }
    return NULL;
}

static const conf_mapping *lookup_sid(const conf_trust *trust,
                                      const adb_sid *sid)
{
    return lookup_sid_hashed(trust, sid, adb_sid_hash(sid));
}

/* The user-name mapping for @name (ASCII case-insensitive), or NULL. */
static const conf_mapping *lookup_name(const conf_trust *trust,
                                       const char *name)
{
    size_t lo = 0, hi = trust->name_count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const conf_mapping *m = &trust->maps[trust->name_index[mid]];
        int c = strcasecmp(name, m->name);

        if (c == 0)
            return m;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* map_rights keeps the RIDs of a trust's in-domain mappings in a list
 * when the trust has at most this many mappings. */
#define MAP_RID_FILTER_MAX 8

/* Whether @rid is one of the @n RIDs @rids. */
static inline bool rid_in(const uint32_t *rids, size_t n, uint32_t rid)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (rids[i] == rid)
            return true;
    return false;
}

/* With at most MAP_RID_FILTER_MAX mappings in @trust: the RIDs of those
 * that are the trust's domain + one RID into @rids / @n_out (a superset of
 * what lookup_rid can return), their bits (RID mod 64) into @bits_out, and
 * true.  With more mappings false (no filter). */
static bool domain_rids(const conf_trust *trust, uint32_t *rids,
                        size_t *n_out, uint64_t *bits_out)
{
    size_t k, n = 0;
    uint64_t bits = 0;

    *n_out = 0;
    *bits_out = 0;
    if (trust->map_count > MAP_RID_FILTER_MAX)
        return false;
    for (k = 0; k < trust->map_count; k++) {
        uint32_t mrid;

        if (adb_sid_in_domain(&trust->maps[k].sid, &trust->domain_sid,
                              &mrid)) {
            rids[n++] = mrid;
            bits |= 1ull << (mrid & 63u);
        }
    }
    *n_out = n;
    *bits_out = bits;
    return true;
}

/* A mapping that matched, and the PAC SID it matched. */
typedef struct match {
    const conf_mapping *mapping;
    pac_sid_entry entry;       /* a copy: a lazy decode makes GroupIds'
                                * entries on demand (pac_sid_at) */
} match;

static unsigned popcount32(uint32_t v)
{
    unsigned n = 0;

    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

/* rules[] of map_evaluate: the map_drop_rule of each SID, and this bit if
 * the SID is the trust's domain SID plus one RID (so map_rights need not
 * compare it again). */
#define RULE_IN_DOMAIN 0x80u

/* Map the surviving SIDs (@keep, @keep_count entries of pac's SIDs, read
 * with pac_sid_at() (a lazy decode makes the GroupIds' on demand), whose
 * rules[] bytes say whether they are in the trust's domain; kept GroupIds
 * that no mapping's RID can match may be left out of @keep) and the user
 * name to rights; fill r->grants and r->rights.  The first @nfast entries
 * of pac->sids are the decoder's LogonDomainId + RID entries of
 * pac->logon_info (user, primary group, GroupIds; pac_info's
 * logon_domain_sids), whose LogonDomainId is the trust's domain: their RIDs
 * are read from LOGON_INFO and looked up by RID. */
static adb_err map_rights(const conf_config *config, const conf_trust *trust,
                          const pac_info *pac, const uint32_t *keep,
                          const uint8_t *rules, size_t keep_count,
                          size_t nfast, map_result *r)
{
    const pac_logon_info *li = pac != NULL ? pac->logon_info : NULL;
    pac_sid_entry user, tmp;   /* user: valid when have_user */
    bool have_user = false;
    match *matches = NULL;
    uint8_t *seen = NULL;
    map_grant *grants = NULL;
    size_t mn = 0, gn = 0, total = 0, i, k;
    uint64_t dom_state;
    unsigned int dom_n;
    uint32_t dom_rids[MAP_RID_FILTER_MAX];
    size_t dom_rid_count = 0;
    bool rid_filter = false;
    uint64_t rid_bits = 0;    /* bit (RID mod 64) of each of dom_rids */
    uint32_t rights = 0, bit;
    adb_err ret = ADB_OK;

    /* matches[] is written before it is read: no need to zero it. */
    dom_state = adb_sid_hash_state(&trust->domain_sid);
    dom_n = trust->domain_sid.sub_count + 1u;
    /* With few mappings, the RIDs of those in the trust's domain: a SID of
     * the domain whose RID is none of them has no mapping (lookup_rid can
     * only return a mapping whose SID is the domain + that RID), so most
     * SIDs need no hash.  A superset is enough: every mapping is looked
     * at, whatever its kind. */
    rid_filter = domain_rids(trust, dom_rids, &dom_rid_count, &rid_bits);
    /* each mapping matches once at most (seen[]), the user name's too */
    matches = adb_arena_array_uninit(&r->arena,
                                     (keep_count < trust->map_count ?
                                      keep_count : trust->map_count) + 1,
                                     sizeof(*matches));
    seen = adb_arena_array(&r->arena, trust->map_count, sizeof(*seen));
    if (matches == NULL || seen == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }

    for (i = 0; i < keep_count; i++) {
        size_t ki = keep[i];
        const pac_sid_entry *e;
        const conf_mapping *m;
        uint32_t rid;

        if (ki < nfast) {
            /* user, primary group, GroupIds: sids[ki] is the trust's
             * domain + this RID, of source user / primary group / group */
            rid = ki >= 2 ? li->groups[ki - 2].rid :
                  ki == 0 ? li->user_rid : li->primary_group_rid;
            if (ki == 0) {
                user = *pac_sid_at(pac, 0, &tmp);
                have_user = true;
            }
            if (rid_filter && ((rid_bits >> (rid & 63u)) & 1u) == 0)
                continue;
            if (rid_filter && !rid_in(dom_rids, dom_rid_count, rid))
                continue;
            m = lookup_rid(trust, rid,
                           adb_sid_hash_rid(dom_state, rid, dom_n), dom_n);
            if (m == NULL || seen[m - trust->maps])
                continue;
            if (m->kind == CONF_MAP_USER_SID && ki != 0)
                continue;
            seen[m - trust->maps] = 1;
            matches[mn].mapping = m;
            matches[mn++].entry = *pac_sid_at(pac, ki, &tmp);
            continue;
        }
        e = pac_sid_at(pac, ki, &tmp);
        /* Most SIDs are trust domain + RID: extend the domain's hash. */
        if (rules[ki] & RULE_IN_DOMAIN) {
            rid = e->sid.sub[e->sid.sub_count - 1];
            m = lookup_rid(trust, rid,
                           adb_sid_hash_rid(dom_state, rid, dom_n), dom_n);
        } else {
            m = lookup_sid(trust, &e->sid);
        }

        if (e->source == PAC_SID_USER) {
            user = *e;
            have_user = true;
        }
        if (m == NULL || seen[m - trust->maps])
            continue;
        if (m->kind == CONF_MAP_USER_SID && e->source != PAC_SID_USER)
            continue;
        seen[m - trust->maps] = 1;
        matches[mn].mapping = m;
        matches[mn++].entry = *e;
    }
    if (have_user && li != NULL && li->effective_name != NULL) {
        const conf_mapping *m = lookup_name(trust, li->effective_name);

        if (m != NULL && !seen[m - trust->maps]) {
            seen[m - trust->maps] = 1;
            /* The user name comes first in the explanation. */
            memmove(&matches[1], &matches[0], mn * sizeof(*matches));
            matches[0].mapping = m;
            matches[0].entry = user;
            mn++;
        }
    }

    for (i = 0; i < mn; i++) {
        uint32_t mr = matches[i].mapping->rights;

        total += popcount32(mr);
        if ((mr & CONF_RIGHT_ADMIN) != 0)
            total++;   /* implied viewer */
    }
    grants = adb_arena_array(&r->arena, total, sizeof(*grants));
    if (grants == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }

    /* Direct grants, then implied ones. */
    for (i = 0; i < mn; i++) {
        for (k = 0; k < config->right_count; k++) {
            bit = 1u << k;
            if ((matches[i].mapping->rights & bit) == 0)
                continue;
            grants[gn++] = (map_grant){
                .right = bit,
                .right_name = config->right_names[k],
                .implied = false,
                .implied_by = 0,
                .mapping = matches[i].mapping,
                .sid = matches[i].entry.sid,
                .source = matches[i].entry.source,
                .index = matches[i].entry.index,
            };
            rights |= bit;
        }
    }
    for (i = 0; i < mn; i++) {
        if ((matches[i].mapping->rights & CONF_RIGHT_ADMIN) == 0)
            continue;
        grants[gn++] = (map_grant){
            .right = CONF_RIGHT_VIEWER,
            .right_name = config->right_names[1],
            .implied = true,
            .implied_by = CONF_RIGHT_ADMIN,
            .mapping = matches[i].mapping,
            .sid = matches[i].entry.sid,
            .source = matches[i].entry.source,
            .index = matches[i].entry.index,
        };
    }
    r->grants = grants;
    r->grant_count = gn;
    r->rights = conf_rights_imply(rights);

cleanup:
    return ret;
}

adb_err map_evaluate(const conf_config *config, const conf_trust *trust,
                     const pac_info *pac, map_result *result_out)
{
    const pac_logon_info *li;
    map_dropped *dropped = NULL;
    uint32_t *keep = NULL;
    uint8_t *rules = NULL;
    map_drop_rule dom_rule;
    bool dom_fast;
    size_t dn = 0, dk = 0, kn = 0, nfast = 0, i;
    pac_sid_entry tmp, bad_user, bad_group;  /* bad_*: valid when have_* */
    bool have_bad_user = false, have_bad_group = false;
    adb_sid user_sid;
    char s1[ADB_SID_STR_MAX], s2[ADB_SID_STR_MAX];
    uint32_t dom_rids[MAP_RID_FILTER_MAX];
    size_t dom_rid_count = 0;
    uint64_t rid_bits = 0;
    bool rid_filter = false;
    adb_err ret = ADB_OK;

    if (result_out == NULL)
        return ADB_ERR_INVALID;
    memset(result_out, 0, sizeof(*result_out));
    adb_arena_init(&result_out->arena, 2048);
    if (config == NULL || trust == NULL)
        return ADB_ERR_INVALID;

    li = pac != NULL ? pac->logon_info : NULL;
    if (pac == NULL && trust->require_pac) {
        ret = refuse(result_out, MAP_REFUSAL_NO_PAC,
                     "the ticket has no PAC and trust %s requires one",
                     trust->realm);
        goto cleanup;
    }
    if (pac != NULL && li == NULL && trust->require_pac) {
        ret = refuse(result_out, MAP_REFUSAL_NO_LOGON_INFO,
                     "the PAC has no LOGON_INFO and trust %s requires one",
                     trust->realm);
        goto cleanup;
    }

    if (li != NULL) {
        /* Trust-boundary checks on the logon domain (FreeIPA 1, 2). */
        if (!adb_sid_equal(&li->domain_sid, &trust->domain_sid)) {
            ret = refuse(result_out, MAP_REFUSAL_LOGON_DOMAIN_SID,
                         "LogonDomainId %s is not the domain_sid %s of "
                         "trust %s", adb_sid_format(&li->domain_sid, s1),
                         adb_sid_format(&trust->domain_sid, s2),
                         trust->realm);
            goto cleanup;
        }
        if (li->logon_domain == NULL ||
            strcasecmp(li->logon_domain, trust->netbios_name) != 0) {
            ret = refuse(result_out, MAP_REFUSAL_LOGON_DOMAIN_NAME,
                         "LogonDomainName \"%s\" is not the netbios_name "
                         "\"%s\" of trust %s",
                         li->logon_domain != NULL ? li->logon_domain : "",
                         trust->netbios_name, trust->realm);
            goto cleanup;
        }

        /* Per-SID filtering.  This runs on every cross-realm request, so
         * it sizes its arrays exactly (a rule byte per SID first), instead
         * of allocating worst-case lists of ~100-byte entries per SID. */
        rules = adb_arena_array_uninit(&result_out->arena, pac->sid_count,
                                       sizeof(*rules));
        keep = adb_arena_array_uninit(&result_out->arena, pac->sid_count,
                                      sizeof(*keep));
        if (rules == NULL || keep == NULL) {
            ret = ADB_ERR_NOMEM;
            goto cleanup;
        }
        /* A SID directly under the trust's domain gets the domain's own
         * prefix rules (well-known, builtin, local-domain) and is otherwise
         * kept: judge the domain once.  Exact when the domain has at least
         * one sub-authority and the local domain SID is no longer than it
         * (map_sid_rule compares only prefixes up to those lengths). */
        dom_fast = trust->domain_sid.sub_count >= 1 &&
                   config->local_domain_sid.sub_count <=
                   trust->domain_sid.sub_count;
        dom_rule = map_sid_rule(config, trust, &trust->domain_sid);
        if (dom_rule == MAP_DROP_OUTSIDE)
            dom_rule = MAP_KEEP;
        /* The decoder's user, primary group and GroupId entries are
         * LogonDomainId + RID, and LogonDomainId is the trust's domain
         * (checked above): no need to compare them SID by SID.  Their
         * sources are user, primary group, group; a GroupId's attributes
         * are LOGON_INFO's. */
        if (dom_fast && ((pac->lazy_group_sids && pac->sids == NULL) ||
                         (pac->sids != NULL &&
                          pac->sids == pac->logon_domain_sids))) {
            nfast = pac->logon_domain_sid_count;
            if (nfast > pac->sid_count)
                nfast = 0;
        }
        /* A kept GroupId whose RID no mapping of the domain has cannot
         * match (map_rights would pass over it): with few mappings, only
         * the others go to keep[] (the user and primary group always). */
        rid_filter = nfast > 2 && domain_rids(trust, dom_rids, &dom_rid_count,
                                              &rid_bits);
        for (i = 0; i < nfast && i < 2; i++) {
            const pac_sid_entry *e = pac_sid_at(pac, i, &tmp);
            map_drop_rule rule = dom_rule;

            if (rule == MAP_KEEP && e->source != PAC_SID_USER &&
                (e->attributes &
                 PAC_SE_GROUP_USE_FOR_DENY_ONLY) != 0)
                rule = MAP_DROP_DENY_ONLY;
            rules[i] = (uint8_t)((unsigned)rule | RULE_IN_DOMAIN);
            if (rule != MAP_KEEP)
                dn++;
            else
                keep[kn++] = (uint32_t)i;
        }
        if (nfast > i) {
            /* GroupIds: the domain's rule, deny-only ones dropped.  The
             * hot loop of a cross-realm request (a user may be in
             * hundreds of groups): the rule bytes are set at once and only
             * the exceptions are looked at one by one. */
            const pac_group *g = &li->groups[i - 2];
            size_t first = i;

            memset(&rules[first], (int)((unsigned)dom_rule | RULE_IN_DOMAIN),
                   nfast - first);
            if (dom_rule != MAP_KEEP) {
                dn += nfast - first;
            } else {
                for (; i < nfast; i++, g++) {
                    if ((g->attributes & PAC_SE_GROUP_USE_FOR_DENY_ONLY) != 0) {
                        rules[i] = (uint8_t)((unsigned)MAP_DROP_DENY_ONLY |
                                             RULE_IN_DOMAIN);
                        dn++;
                    } else if (!rid_filter ||
                               (((rid_bits >> (g->rid & 63u)) & 1u) != 0 &&
                                rid_in(dom_rids, dom_rid_count, g->rid))) {
                        keep[kn++] = (uint32_t)i;
                    }
                }
            }
            i = nfast;
        }
        for (i = nfast; i < pac->sid_count; i++) {
            const pac_sid_entry *e = pac_sid_at(pac, i, &tmp);
            bool in_dom = adb_sid_in_domain(&e->sid, &trust->domain_sid,
                                            NULL);
            map_drop_rule rule = dom_fast && in_dom ?
                dom_rule : map_sid_rule(config, trust, &e->sid);

            if (rule == MAP_KEEP && e->source == PAC_SID_RESOURCE_GROUP)
                rule = MAP_DROP_RESOURCE_GROUP;
            if (rule == MAP_KEEP && e->source != PAC_SID_USER &&
                (e->attributes & PAC_SE_GROUP_USE_FOR_DENY_ONLY) != 0)
                rule = MAP_DROP_DENY_ONLY;
            rules[i] = (uint8_t)((unsigned)rule | (in_dom ? RULE_IN_DOMAIN
                                                           : 0u));
            if (rule != MAP_KEEP)
                dn++;
            else
                keep[kn++] = (uint32_t)i;
        }
        dropped = adb_arena_array_uninit(&result_out->arena, dn,
                                         sizeof(*dropped));
        if (dropped == NULL) {
            ret = ADB_ERR_NOMEM;
            goto cleanup;
        }
        /* the dropped SIDs, in PAC order (none in most requests) */
        for (i = 0; i < pac->sid_count && dk < dn; i++) {
            const pac_sid_entry *e;
            map_drop_rule rule =
                (map_drop_rule)(rules[i] & ~RULE_IN_DOMAIN);

            if (rule == MAP_KEEP)
                continue;
            e = pac_sid_at(pac, i, &tmp);
            dropped[dk++] = (map_dropped){ e->sid, e->source, e->index,
                                           rule };
            /* The account itself must be of the trusted domain (rules
             * 1-4); a deny-only primary group only loses its grants. */
            if (rule > MAP_DROP_OUTSIDE)
                continue;
            if (e->source == PAC_SID_USER && !have_bad_user) {
                bad_user = *e;
                have_bad_user = true;
            }
            if (e->source == PAC_SID_PRIMARY_GROUP && !have_bad_group) {
                bad_group = *e;
                have_bad_group = true;
            }
        }
        result_out->dropped = dropped;
        result_out->dropped_count = dk;

        if (have_bad_user) {
            ret = refuse(result_out, MAP_REFUSAL_USER_SID,
                         "the user SID %s is not in the trusted domain %s",
                         adb_sid_format(&bad_user.sid, s1),
                         adb_sid_format(&trust->domain_sid, s2));
            goto cleanup;
        }
        if (have_bad_group) {
            ret = refuse(result_out, MAP_REFUSAL_PRIMARY_GROUP,
                         "the primary group SID %s is not in the trusted "
                         "domain %s", adb_sid_format(&bad_group.sid, s1),
                         adb_sid_format(&trust->domain_sid, s2));
            goto cleanup;
        }
        if (li->resource_group_count > 0) {
            ret = refuse(result_out, MAP_REFUSAL_RESOURCE_GROUPS,
                         "the cross-realm TGT carries %u resource group(s)",
                         (unsigned)li->resource_group_count);
            goto cleanup;
        }
        if (pac->requestor != NULL) {
            if (adb_sid_compose(&li->domain_sid, li->user_rid, &user_sid) !=
                    ADB_OK ||
                !adb_sid_equal(pac->requestor, &user_sid)) {
                ret = refuse(result_out, MAP_REFUSAL_REQUESTOR,
                             "REQUESTOR %s is not the user SID",
                             adb_sid_format(pac->requestor, s1));
                goto cleanup;
            }
        }
    }

    ret = map_rights(config, trust, pac, keep, rules, kn, nfast,
                     result_out);
    if (ret != ADB_OK)
        goto cleanup;
    if (result_out->rights == 0 && trust->refuse_without_rights)
        ret = refuse(result_out, MAP_REFUSAL_NO_RIGHTS,
                     "no mapping of trust %s grants a right", trust->realm);

cleanup:
    if (ret != ADB_OK)
        map_result_free(result_out);
    return ret;
}

void map_result_free(map_result *result)
{
    if (result == NULL)
        return;
    adb_arena_free(&result->arena);
    memset(result, 0, sizeof(*result));
}

adb_err map_indicators(const conf_config *config, uint32_t rights,
                       char ***list_out, size_t *count_out)
{
    size_t n = 0, bytes, plen, i, k;
    char **list = NULL;
    char *p;

    if (list_out != NULL)
        *list_out = NULL;
    if (config == NULL || list_out == NULL)
        return ADB_ERR_INVALID;
    plen = strlen(config->indicator_prefix);
    bytes = sizeof(char *);
    for (k = 0; k < config->right_count; k++) {
        if ((rights & (1u << k)) == 0)
            continue;
        n++;
        bytes += sizeof(char *) + plen + strlen(config->right_names[k]) + 1;
    }
    list = malloc(bytes);
    if (list == NULL)
        return ADB_ERR_NOMEM;
    p = (char *)(list + n + 1);
    for (k = 0, i = 0; k < config->right_count; k++) {
        size_t nlen;

        if ((rights & (1u << k)) == 0)
            continue;
        nlen = strlen(config->right_names[k]);
        list[i++] = p;
        memcpy(p, config->indicator_prefix, plen);
        memcpy(p + plen, config->right_names[k], nlen + 1);
        p += plen + nlen + 1;
    }
    list[n] = NULL;
    *list_out = list;
    if (count_out != NULL)
        *count_out = n;
    return ADB_OK;
}
