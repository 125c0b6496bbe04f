/* SPDX-License-Identifier: MIT */
/*
 * conf.c - loading and checking the adbridge configuration (MIT profile
 * syntax, read with MIT's profile library), and the right names.
 */
#define _GNU_SOURCE   /* memfd_create */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <com_err.h>
#include <profile.h>

#include "adb_hostport.h"
#include "map.h"

static const char *const builtin_rights[CONF_BUILTIN_RIGHTS] = {
    "admin", "viewer", "join"
};

/* ------------------------------------------------------------------ */
/* Problems list                                                        */

void conf_problems_init(conf_problems *problems)
{
    if (problems == NULL)
        return;
    memset(problems, 0, sizeof(*problems));
    adb_arena_init(&problems->arena, 1024);
}

void conf_problems_free(conf_problems *problems)
{
    if (problems == NULL)
        return;
    adb_arena_free(&problems->arena);
    problems->count = 0;
    problems->cap = 0;
    problems->messages = NULL;
}

/* Loader state shared by the helpers below. */
typedef struct loader {
    profile_t prof;
    conf_config *cfg;
    conf_problems *pr;
    bool nomem;           /* sticky: an allocation failed */
} loader;

static char *arena_strdup(adb_arena *arena, const char *s)
{
    size_t n = strlen(s);
    char *p = adb_arena_alloc(arena, n + 1);

    if (p != NULL)
        memcpy(p, s, n + 1);
    return p;
}

static void problem(loader *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void problem(loader *ld, const char *fmt, ...)
{
    conf_problems *pr = ld->pr;
    va_list ap;
    int n;
    char *msg;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        ld->nomem = true;
        return;
    }
    msg = adb_arena_alloc(&pr->arena, (size_t)n + 1);
    if (msg == NULL) {
        ld->nomem = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (pr->count == pr->cap) {
        size_t cap = pr->cap ? pr->cap * 2 : 16;
        const char **grown = adb_arena_array(&pr->arena, cap, sizeof(*grown));

        if (grown == NULL) {
            ld->nomem = true;
            return;
        }
        if (pr->count > 0)
            memcpy(grown, pr->messages, pr->count * sizeof(*grown));
        pr->messages = grown;
        pr->cap = cap;
    }
    pr->messages[pr->count++] = msg;
}

/* ------------------------------------------------------------------ */
/* Profile access                                                       */

/* Record a profile library failure @ret (0 and "no such section/relation"
 * are not failures): ENOMEM is sticky, anything else a problem. */
static void lib_failure(loader *ld, const char *where, long ret)
{
    if (ret == 0 || ret == PROF_NO_SECTION || ret == PROF_NO_RELATION)
        return;
    if (ret == ENOMEM)
        ld->nomem = true;
    else
        problem(ld, "%s cannot be read: %s", where, error_message(ret));
}

/*
 * Everything the profile holds at @names, in file order, through MIT's
 * public iterator: with @want_names false the values of the relation
 * @names (the last name is the key; @flags PROFILE_ITER_RELATIONS_ONLY),
 * with @want_names true the distinct names of the relations or subsections
 * directly under section @names (@flags PROFILE_ITER_RELATIONS_ONLY or
 * PROFILE_ITER_SECTIONS_ONLY).  Returns a NULL-terminated array of mutable
 * copies in the config arena, *count_out entries; NULL (count 0) when there
 * is nothing or on failure (recorded with @where by lib_failure).
 *
 * We iterate ourselves instead of calling profile_get_values() /
 * profile_get_relation_names() / profile_get_subsection_names(): in MIT
 * krb5 1.20 those leak their iterator when an allocation fails and ignore
 * failures to grow their result list (silently dropping values).
 */
static char **collect(loader *ld, const char *where, const char *const *names,
                      int flags, bool want_names, size_t *count_out)
{
    void *iter = NULL;
    char *name = NULL, *value = NULL;
    char **list = NULL, **grown;
    const char *item;
    size_t n = 0, cap = 0, i;
    long ret;

    *count_out = 0;
    if (want_names)
        flags |= PROFILE_ITER_LIST_SECTION;
    ret = profile_iterator_create(ld->prof, names, flags, &iter);
    if (ret != 0) {
        iter = NULL;
        lib_failure(ld, where, ret);
        goto fail;
    }
    do {
        ret = profile_iterator(&iter, want_names ? &name : NULL,
                               want_names ? NULL : &value);
        if (ret != 0) {
            lib_failure(ld, where, ret);
            goto fail;
        }
        item = want_names ? name : value;
        if (item == NULL)
            continue;
        for (i = 0; want_names && i < n; i++)
            if (strcmp(list[i], item) == 0)
                break;
        if (!want_names || i == n) {
            if (n + 1 >= cap) {
                cap = cap ? cap * 2 : 8;
                grown = adb_arena_array(&ld->cfg->arena, cap, sizeof(*grown));
                if (grown == NULL)
                    goto nomem;
                if (n > 0)
                    memcpy(grown, list, n * sizeof(*grown));
                list = grown;
            }
            list[n] = arena_strdup(&ld->cfg->arena, item);
            if (list[n] == NULL)
                goto nomem;
            list[++n] = NULL;
        }
        profile_release_string(name);
        profile_release_string(value);
        name = value = NULL;
    } while (iter != NULL);
    *count_out = n;
    goto cleanup;

nomem:
    ld->nomem = true;
fail:
    list = NULL;
cleanup:
    profile_release_string(name);
    profile_release_string(value);
    profile_iterator_free(&iter);
    return list;
}

/*
 * The single value of a key that may appear at most once (a copy in the
 * config arena); NULL if absent.  @where is "[adbridge]" or "trust REALM:".
 */
static const char *get_single(loader *ld, const char *where,
                              const char *const *names, const char *key)
{
    size_t n;
    char **values = collect(ld, where, names, PROFILE_ITER_RELATIONS_ONLY,
                            false, &n);

    if (n > 1)
        problem(ld, "%s %s is set %zu times (expected once)", where, key, n);
    return n >= 1 ? values[0] : NULL;
}

/* Report every relation and subsection under @names not in @known. */
static void check_keys(loader *ld, const char *where,
                       const char *const *names, const char *const *known)
{
    char **rels, **subs;
    size_t nrels, nsubs, i, k;

    rels = collect(ld, where, names, PROFILE_ITER_RELATIONS_ONLY, true,
                   &nrels);
    for (i = 0; i < nrels; i++) {
        for (k = 0; known[k] != NULL; k++)
            if (strcmp(rels[i], known[k]) == 0)
                break;
        if (known[k] == NULL)
            problem(ld, "%s unknown key \"%s\"", where, rels[i]);
    }
    subs = collect(ld, where, names, PROFILE_ITER_SECTIONS_ONLY, true,
                   &nsubs);
    for (i = 0; i < nsubs; i++)
        problem(ld, "%s unexpected subsection \"%s\"", where, subs[i]);
}

/* MIT's boolean spellings (prof_get.c). */
static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "y", "yes", "true", "t", "1", "on" };
    static const char *const no[] = { "n", "no", "false", "nil", "0", "off" };
    size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static void get_bool(loader *ld, const char *where, const char *const *names,
                     const char *key, bool def, bool *out)
{
    const char *v = get_single(ld, where, names, key);

    *out = def;
    if (v != NULL && parse_bool(v, out) != 0) {
        *out = def;
        problem(ld, "%s %s \"%s\" is not a boolean", where, key, v);
    }
}

/* ------------------------------------------------------------------ */
/* Rights                                                               */

const char *conf_right_name(const conf_config *config, uint32_t right)
{
    size_t bit;

    if (right == 0 || (right & (right - 1)) != 0)
        return NULL;
    for (bit = 0; (1u << bit) != right; bit++)
        ;
    if (config == NULL)
        return bit < CONF_BUILTIN_RIGHTS ? builtin_rights[bit] : NULL;
    return bit < config->right_count ? config->right_names[bit] : NULL;
}

uint32_t conf_rights_imply(uint32_t rights)
{
    if (rights & CONF_RIGHT_ADMIN)
        rights |= CONF_RIGHT_VIEWER;
    return rights;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The rights named in @text, without implications (see conf_rights_parse). */
static adb_err parse_rights_list(const conf_config *config, const char *text,
                                 uint32_t *rights_out, adb_diag *diag)
{
    const char *p = text, *start, *end;
    uint32_t rights = 0;
    size_t count, i, len;
    const char *const *names;
    adb_err ret = ADB_OK;

    if (text == NULL || rights_out == NULL)
        return ADB_ERR_INVALID;
    names = config != NULL ? config->right_names : builtin_rights;
    count = config != NULL ? config->right_count : CONF_BUILTIN_RIGHTS;

    while (is_blank(*p))
        p++;
    if (*p == '\0')
        goto done;
    for (;;) {
        start = p;
        while (*p != '\0' && *p != ',')
            p++;
        end = p;
        while (start < end && is_blank(*start))
            start++;
        while (end > start && is_blank(end[-1]))
            end--;
        len = (size_t)(end - start);
        if (len == 0) {
            ret = ADB_ERR_MALFORMED;
            if (diag != NULL) {
                diag->status = ret;
                diag->context = "rights";
                snprintf(diag->detail, sizeof(diag->detail),
                         "empty right name");
            }
            goto done;
        }
        for (i = 0; i < count; i++)
            if (strlen(names[i]) == len &&
                strncasecmp(names[i], start, len) == 0)
                break;
        if (i == count) {
            ret = ADB_ERR_MALFORMED;
            if (diag != NULL) {
                diag->status = ret;
                diag->context = "rights";
                snprintf(diag->detail, sizeof(diag->detail),
                         "unknown right \"%.*s\"",
                         len > 80 ? 80 : (int)len, start);
            }
            goto done;
        }
        rights |= 1u << i;
        if (*p == '\0')
            break;
        p++;   /* the comma */
    }

done:
    if (ret == ADB_OK)
        *rights_out = rights;
    return ret;
}

adb_err conf_rights_parse(const conf_config *config, const char *text,
                          uint32_t *rights_out, adb_diag *diag)
{
    uint32_t rights = 0;
    adb_err ret;

    if (rights_out == NULL)
        return ADB_ERR_INVALID;
    ret = parse_rights_list(config, text, &rights, diag);
    if (ret == ADB_OK)
        *rights_out = conf_rights_imply(rights);
    return ret;
}

static bool valid_right_name(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        char c = *s;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* [adbridge] rights: repeatable, each value a comma/blank-separated list. */
static void load_rights(loader *ld)
{
    static const char *const names[] = { "adbridge", "rights", NULL };
    conf_config *cfg = ld->cfg;
    char **values;
    const char **list = NULL;
    size_t n = CONF_BUILTIN_RIGHTS, nvalues, i, k;
    bool too_many = false;

    list = adb_arena_array(&cfg->arena, CONF_MAX_RIGHTS, sizeof(*list));
    if (list == NULL) {
        ld->nomem = true;
        goto cleanup;
    }
    for (i = 0; i < CONF_BUILTIN_RIGHTS; i++)
        list[i] = builtin_rights[i];
    values = collect(ld, "[adbridge]", names, PROFILE_ITER_RELATIONS_ONLY,
                     false, &nvalues);
    for (i = 0; i < nvalues; i++) {
        char *p = values[i];

        for (;;) {
            char *tok;

            while (is_blank(*p) || *p == ',')
                p++;
            if (*p == '\0')
                break;
            tok = p;
            while (*p != '\0' && !is_blank(*p) && *p != ',')
                p++;
            if (*p != '\0')
                *p++ = '\0';
            if (!valid_right_name(tok)) {
                problem(ld, "[adbridge] rights: \"%s\" is not a valid right "
                        "name (letters, digits, '-' and '_')", tok);
                continue;
            }
            for (k = 0; k < n; k++)
                if (strcasecmp(list[k], tok) == 0)
                    break;
            if (k < CONF_BUILTIN_RIGHTS) {
                problem(ld, "[adbridge] rights: \"%s\" is a built-in right",
                        tok);
                continue;
            }
            if (k < n) {
                problem(ld, "[adbridge] rights: \"%s\" is declared twice",
                        tok);
                continue;
            }
            if (n == CONF_MAX_RIGHTS) {
                if (!too_many)
                    problem(ld, "[adbridge] rights: more than %u custom "
                            "rights", CONF_MAX_RIGHTS - CONF_BUILTIN_RIGHTS);
                too_many = true;
                continue;
            }
            list[n] = arena_strdup(&cfg->arena, tok);
            if (list[n] == NULL) {
                ld->nomem = true;
                goto cleanup;
            }
            n++;
        }
    }

cleanup:
    if (list != NULL) {
        cfg->right_names = list;
        cfg->right_count = n;
    } else {
        cfg->right_names = builtin_rights;
        cfg->right_count = CONF_BUILTIN_RIGHTS;
    }
}

/* ------------------------------------------------------------------ */
/* [adbridge]                                                           */

/* `dns_servers = ADDR[:PORT] ...`: 1 to 8 addresses (no names: the
 * resolver cannot resolve its own servers). */
static void check_dns_servers(loader *ld, const char *list)
{
    char item[ADB_HOST_MAX + 16], err[128];
    const char *p = list;
    size_t count = 0;

    while (*p != '\0') {
        size_t n = strcspn(p, " \t,");
        adb_hostport hp;

        if (n == 0) {
            p++;
            continue;
        }
        if (n >= sizeof(item)) {
            problem(ld, "[adbridge] dns_servers entry \"%.40s...\" is too"
                    " long", p);
            return;
        }
        memcpy(item, p, n);
        item[n] = '\0';
        p += n;
        count++;
        if (adb_hostport_parse(item, &hp, err, sizeof(err)) != ADB_OK)
            problem(ld, "[adbridge] dns_servers: %s", err);
        else if (!hp.is_ip)
            problem(ld, "[adbridge] dns_servers \"%s\" is not an IP address",
                    item);
    }
    if (count == 0)
        problem(ld, "[adbridge] dns_servers is empty");
    else if (count > 8)
        problem(ld, "[adbridge] dns_servers lists %zu servers (at most 8)",
                count);
}

/* "0".."86400", decimal. */
static bool parse_seconds(const char *v, unsigned int *out)
{
    unsigned long x = 0;
    size_t i, n = strlen(v);

    if (n == 0 || n > 5)
        return false;
    for (i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        x = x * 10 + (unsigned long)(v[i] - '0');
    }
    if (x > CONF_MAX_FAILOVER_SECONDS)
        return false;
    *out = (unsigned int)x;
    return true;
}

/* An AD site name as the site SRV records spell it: one DNS label. */
static bool site_name_valid(const char *v)
{
    size_t i, n = strlen(v);

    if (n == 0 || n > 63 || v[0] == '-' || v[n - 1] == '-')
        return false;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)v[i]) && v[i] != '-' && v[i] != '_')
            return false;
    return true;
}

static void load_global(loader *ld)
{
    static const char *const known[] = {
        "local_realm", "local_domain_sid", "indicator_prefix", "rights",
        "audit_log", "other_realms", "default_pac", "log_decisions",
        "dns_servers", "failover_seconds", NULL
    };
    static const char *const section[] = { "adbridge", NULL };
    static const char *const n_realm[] = { "adbridge", "local_realm", NULL };
    static const char *const n_sid[] = { "adbridge", "local_domain_sid",
                                         NULL };
    static const char *const n_prefix[] = { "adbridge", "indicator_prefix",
                                            NULL };
    static const char *const n_audit[] = { "adbridge", "audit_log", NULL };
    static const char *const n_dns[] = { "adbridge", "dns_servers", NULL };
    static const char *const n_fo[] = { "adbridge", "failover_seconds",
                                        NULL };
    static const char *const n_other[] = { "adbridge", "other_realms",
                                           NULL };
    static const char *const n_pac[] = { "adbridge", "default_pac", NULL };
    static const char *const n_log[] = { "adbridge", "log_decisions",
                                         NULL };
    conf_config *cfg = ld->cfg;
    const char *sid, *other, *v;

    check_keys(ld, "[adbridge]", section, known);
    cfg->local_realm = get_single(ld, "[adbridge]", n_realm, "local_realm");
    if (cfg->local_realm == NULL)
        problem(ld, "[adbridge] local_realm is missing");
    else if (*cfg->local_realm == '\0')
        problem(ld, "[adbridge] local_realm is empty");
    /* optional: an MIT realm has no domain SID of its own */
    sid = get_single(ld, "[adbridge]", n_sid, "local_domain_sid");
    if (sid != NULL && adb_sid_parse(sid, &cfg->local_domain_sid) != ADB_OK)
        problem(ld, "[adbridge] local_domain_sid \"%s\" is not a valid SID",
                sid);
    cfg->indicator_prefix = get_single(ld, "[adbridge]", n_prefix,
                                       "indicator_prefix");
    if (cfg->indicator_prefix == NULL)
        cfg->indicator_prefix = CONF_DEFAULT_INDICATOR_PREFIX;
    else if (cfg->indicator_prefix[0] == '\0')
        /* every indicator would be "ours", and a right could be met by an
         * indicator another mechanism (PKINIT, OTP) sets */
        problem(ld, "[adbridge] indicator_prefix must not be empty");
    cfg->audit_log = get_single(ld, "[adbridge]", n_audit, "audit_log");
    cfg->dns_servers = get_single(ld, "[adbridge]", n_dns, "dns_servers");
    if (cfg->dns_servers != NULL)
        check_dns_servers(ld, cfg->dns_servers);
    v = get_single(ld, "[adbridge]", n_fo, "failover_seconds");
    cfg->failover_seconds = CONF_DEFAULT_FAILOVER_SECONDS;
    if (v != NULL && !parse_seconds(v, &cfg->failover_seconds))
        problem(ld, "[adbridge] failover_seconds \"%s\" is not a number of"
                " seconds from 0 to %u", v, CONF_MAX_FAILOVER_SECONDS);
    other = get_single(ld, "[adbridge]", n_other, "other_realms");
    cfg->other_realms = CONF_OTHER_PASS;
    if (other != NULL && strcmp(other, "refuse") == 0)
        cfg->other_realms = CONF_OTHER_REFUSE;
    else if (other != NULL && strcmp(other, "pass") != 0)
        problem(ld, "[adbridge] other_realms \"%s\" is not pass or refuse",
                other);
    v = get_single(ld, "[adbridge]", n_pac, "default_pac");
    cfg->default_pac = CONF_PROFILE_RIGHTS;
    if (v != NULL && conf_profile_parse(v, &cfg->default_pac) != ADB_OK)
        problem(ld, "[adbridge] default_pac \"%s\" is not rights or groups",
                v);
    v = get_single(ld, "[adbridge]", n_log, "log_decisions");
    /* The default: every decision is logged somewhere.  With an audit log
     * (which has them all) the KDC log gets the refusals only, beside
     * MIT's own line for every ticket; without one it gets them all. */
    cfg->log_decisions = cfg->audit_log != NULL ? CONF_LOG_REFUSALS
                                                : CONF_LOG_ALL;
    if (v != NULL && strcmp(v, "refusals") == 0)
        cfg->log_decisions = CONF_LOG_REFUSALS;
    else if (v != NULL && strcmp(v, "all") == 0)
        cfg->log_decisions = CONF_LOG_ALL;
    else if (v != NULL)
        problem(ld, "[adbridge] log_decisions \"%s\" is not all or "
                "refusals", v);
    load_rights(ld);
}

/* ------------------------------------------------------------------ */
/* Trusts                                                               */

static size_t identity_len(const char *text)
{
    size_t n = 0;

    while (text[n] != '\0' && !is_blank(text[n]))
        n++;
    return n;
}

static int parse_rid(const char *s, uint32_t *out)
{
    uint64_t v = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX)
            return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* Write "@fmt ..." into @err/@errlen (either may be 0/NULL). */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/*
 * The map value parser shared by the loader and conf_parse_map_value():
 * @text of @trust into *@m (strings copied into @arena).  @have_domain_sid
 * says whether @trust->domain_sid is usable.  On ADB_ERR_MALFORMED @err
 * holds the detail (no "trust ..., map #N" prefix).
 */
static adb_err parse_map_value(const conf_config *cfg, const conf_trust *trust,
                               bool have_domain_sid, const char *text,
                               adb_arena *arena, conf_mapping *m,
                               char *err, size_t errlen)
{
    char ident[256];
    const char *rest, *value;
    size_t ilen = identity_len(text);
    adb_diag d = ADB_DIAG_INIT;
    uint32_t rid;
    map_drop_rule rule;
    char sbuf[ADB_SID_STR_MAX];
    adb_err ret = ADB_ERR_MALFORMED;

    memset(m, 0, sizeof(*m));
    set_err(err, errlen, "%s", "");
    m->text = arena_strdup(arena, text);
    if (m->text == NULL) {
        ret = ADB_ERR_NOMEM;
        goto done;
    }
    rest = text + ilen;
    while (is_blank(*rest))
        rest++;
    if (ilen == 0 || *rest == '\0') {
        set_err(err, errlen, "expected IDENTITY RIGHTS");
        goto done;
    }
    if (ilen >= sizeof(ident)) {
        set_err(err, errlen, "identity is too long");
        goto done;
    }
    memcpy(ident, text, ilen);
    ident[ilen] = '\0';

    if (strncmp(ident, "sid:", 4) == 0) {
        m->kind = CONF_MAP_SID;
        value = ident + 4;
        if (adb_sid_parse(value, &m->sid) != ADB_OK) {
            set_err(err, errlen, "\"%s\" is not a valid SID", value);
            goto done;
        }
    } else if (strncmp(ident, "rid:", 4) == 0) {
        m->kind = CONF_MAP_RID;
        value = ident + 4;
        if (parse_rid(value, &rid) != 0) {
            set_err(err, errlen, "\"%s\" is not a valid RID", value);
            goto done;
        }
        if (!have_domain_sid) {
            set_err(err, errlen, "rid: needs the trust's domain_sid");
            goto done;
        }
        if (adb_sid_compose(&trust->domain_sid, rid, &m->sid) != ADB_OK) {
            set_err(err, errlen, "the domain_sid has no room for a RID");
            goto done;
        }
    } else if (strncmp(ident, "user:", 5) == 0) {
        value = ident + 5;
        if (strncasecmp(value, "S-", 2) == 0) {
            m->kind = CONF_MAP_USER_SID;
            if (adb_sid_parse(value, &m->sid) != ADB_OK) {
                set_err(err, errlen, "\"%s\" is not a valid SID", value);
                goto done;
            }
        } else if (*value == '\0') {
            set_err(err, errlen, "empty user name");
            goto done;
        } else {
            m->kind = CONF_MAP_USER_NAME;
            m->name = arena_strdup(arena, value);
            if (m->name == NULL) {
                ret = ADB_ERR_NOMEM;
                goto done;
            }
        }
    } else {
        set_err(err, errlen, "unknown identity \"%s\" (expected sid:, rid: "
                "or user:)", ident);
        goto done;
    }

    if (parse_rights_list(cfg, rest, &m->rights, &d) != ADB_OK) {
        set_err(err, errlen, "%s", d.detail);
        goto done;
    }
    if (m->rights == 0) {
        set_err(err, errlen, "no right named");
        goto done;
    }
    if (m->kind != CONF_MAP_USER_NAME && have_domain_sid) {
        rule = map_sid_rule(cfg, trust, &m->sid);
        if (rule != MAP_KEEP) {
            set_err(err, errlen, "%s is always dropped by quarantine "
                    "filtering (rule %s)", adb_sid_format(&m->sid, sbuf),
                    map_drop_rule_name(rule));
            goto done;
        }
    }
    ret = ADB_OK;

done:
    return ret;
}

adb_err conf_parse_map_value(const conf_config *config,
                             const conf_trust *trust, const char *text,
                             adb_arena *arena, conf_mapping *mapping_out,
                             char *err, size_t errlen)
{
    conf_mapping m;
    adb_err ret;

    if (mapping_out != NULL)
        memset(mapping_out, 0, sizeof(*mapping_out));
    set_err(err, errlen, "%s", "");
    if (config == NULL || trust == NULL || text == NULL || arena == NULL ||
        mapping_out == NULL)
        return ADB_ERR_INVALID;
    ret = parse_map_value(config, trust, true, text, arena, &m, err, errlen);
    if (ret == ADB_OK)
        *mapping_out = m;
    return ret;
}

/* Parse map line @line (1-based) @text of @trust into @m; false (with a
 * problem reported) if it is unusable. */
static bool parse_map(loader *ld, conf_trust *trust, bool have_domain_sid,
                      const char *text, size_t line, conf_mapping *m)
{
    char detail[512];
    adb_err ret;

    ret = parse_map_value(ld->cfg, trust, have_domain_sid, text,
                          &ld->cfg->arena, m, detail, sizeof(detail));
    m->line = line;
    if (ret == ADB_ERR_NOMEM) {
        ld->nomem = true;
        return false;
    }
    if (ret != ADB_OK) {
        problem(ld, "trust %s, map #%zu \"%s\": %s", trust->realm, line,
                text, detail);
        return false;
    }
    return true;
}

static void report_same_identity(loader *ld, const conf_trust *trust,
                                 const conf_mapping *first,
                                 const conf_mapping *again)
{
    if (first->rights == again->rights)
        problem(ld, "trust %s, map #%zu \"%s\": same identity and rights as "
                "map #%zu \"%s\"", trust->realm, again->line, again->text,
                first->line, first->text);
    else
        problem(ld, "trust %s, map #%zu \"%s\": same identity as map #%zu "
                "\"%s\" with different rights (name all rights on one line)",
                trust->realm, again->line, again->text, first->line,
                first->text);
}

/* Order user-name mappings by name (ASCII case-insensitive), then line. */
static int cmp_name(const void *a, const void *b)
{
    const conf_mapping *ma = *(const conf_mapping *const *)a;
    const conf_mapping *mb = *(const conf_mapping *const *)b;
    int c = strcasecmp(ma->name, mb->name);

    if (c != 0)
        return c;
    return ma->line < mb->line ? -1 : ma->line > mb->line;
}

/* Build the SID hash table and the sorted name index of @trust, reporting
 * mappings of the same identity. */
static void build_index(loader *ld, conf_trust *trust, conf_mapping *maps,
                        size_t n)
{
    size_t sid_n = 0, name_n = 0, slots = 0, i, mask, s;
    uint32_t *table = NULL, *names = NULL;
    const conf_mapping **sorted = NULL;

    for (i = 0; i < n; i++) {
        if (maps[i].kind == CONF_MAP_USER_NAME)
            name_n++;
        else
            sid_n++;
    }
    if (sid_n > 0) {
        slots = 8;
        while (slots < 2 * sid_n)
            slots *= 2;
        table = adb_arena_array(&ld->cfg->arena, slots, sizeof(*table));
        if (table == NULL) {
            ld->nomem = true;
            return;
        }
        mask = slots - 1;
        for (i = 0; i < n; i++) {
            if (maps[i].kind == CONF_MAP_USER_NAME)
                continue;
            for (s = adb_sid_hash(&maps[i].sid) & mask; table[s] != 0;
                 s = (s + 1) & mask) {
                if (adb_sid_equal(&maps[table[s] - 1].sid, &maps[i].sid))
                    break;
            }
            if (table[s] != 0)
                report_same_identity(ld, trust, &maps[table[s] - 1],
                                     &maps[i]);
            else
                table[s] = (uint32_t)i + 1;
        }
    }
    names = adb_arena_array(&ld->cfg->arena, name_n, sizeof(*names));
    sorted = adb_arena_array(&ld->cfg->arena, name_n, sizeof(*sorted));
    if (names == NULL || sorted == NULL) {
        ld->nomem = true;
        return;
    }
    name_n = 0;
    for (i = 0; i < n; i++)
        if (maps[i].kind == CONF_MAP_USER_NAME)
            sorted[name_n++] = &maps[i];
    qsort(sorted, name_n, sizeof(*sorted), cmp_name);
    for (i = 0; i < name_n; i++) {
        names[i] = (uint32_t)(sorted[i] - maps);
        if (i > 0 && strcasecmp(sorted[i - 1]->name, sorted[i]->name) == 0)
            report_same_identity(ld, trust, sorted[i - 1], sorted[i]);
    }
    trust->sid_slot_count = slots;
    trust->sid_slots = table;
    trust->name_count = name_n;
    trust->name_index = names;
}

static void load_trust(loader *ld, conf_trust *trust, const char *realm)
{
    static const char *const known[] = {
        "netbios_name", "domain_sid", "direction", "sid_filtering",
        "require_pac", "refuse_without_rights", "kdc", "client_realm",
        "map", "site", "ldap_principal", "ldap_keytab", NULL
    };
    const char *const section[] = { "trusts", realm, NULL };
    const char *names[] = { "trusts", realm, NULL, NULL };
    conf_config *cfg = ld->cfg;
    char where[300];
    const char *v;
    char **values = NULL;
    conf_mapping *maps = NULL;
    size_t n, i, good;
    bool have_sid = false;

    trust->realm = arena_strdup(&cfg->arena, realm);
    if (trust->realm == NULL) {
        ld->nomem = true;
        goto cleanup;
    }
    snprintf(where, sizeof(where), "trust %s:", realm);
    check_keys(ld, where, section, known);
    if (cfg->local_realm != NULL && strcmp(realm, cfg->local_realm) == 0)
        problem(ld, "%s the local realm cannot be a trust", where);

    names[2] = "netbios_name";
    trust->netbios_name = get_single(ld, where, names, "netbios_name");
    if (trust->netbios_name == NULL)
        problem(ld, "%s netbios_name is missing", where);
    else if (*trust->netbios_name == '\0')
        problem(ld, "%s netbios_name is empty", where);

    names[2] = "domain_sid";
    v = get_single(ld, where, names, "domain_sid");
    if (v == NULL) {
        problem(ld, "%s domain_sid is missing", where);
    } else if (adb_sid_parse(v, &trust->domain_sid) != ADB_OK) {
        problem(ld, "%s domain_sid \"%s\" is not a valid SID", where, v);
    } else {
        have_sid = true;
        if (cfg->local_domain_sid.revision != 0 &&
            adb_sid_equal(&trust->domain_sid, &cfg->local_domain_sid))
            problem(ld, "%s domain_sid is the local_domain_sid", where);
    }

    names[2] = "direction";
    v = get_single(ld, where, names, "direction");
    trust->direction = CONF_DIRECTION_INBOUND;
    if (v != NULL) {
        if (strcmp(v, "two-way") == 0)
            trust->direction = CONF_DIRECTION_TWO_WAY;
        else if (strcmp(v, "inbound") != 0)
            problem(ld, "%s direction \"%s\" is not inbound or two-way",
                    where, v);
    }

    names[2] = "sid_filtering";
    v = get_single(ld, where, names, "sid_filtering");
    trust->sid_filtering = CONF_FILTER_QUARANTINE;
    if (v != NULL && strcmp(v, "quarantine") != 0)
        problem(ld, "%s sid_filtering \"%s\" is not a known mode "
                "(quarantine)", where, v);

    names[2] = "require_pac";
    get_bool(ld, where, names, "require_pac", true, &trust->require_pac);
    names[2] = "refuse_without_rights";
    get_bool(ld, where, names, "refuse_without_rights", true,
             &trust->refuse_without_rights);

    names[2] = "kdc";
    values = collect(ld, where, names, PROFILE_ITER_RELATIONS_ONLY, false, &n);
    trust->kdcs = (const char *const *)values;
    trust->kdc_count = n;
    for (i = 0; i < n; i++) {
        adb_hostport hp;
        char err[128];

        if (adb_hostport_parse(values[i], &hp, err, sizeof(err)) != ADB_OK)
            problem(ld, "%s kdc \"%s\": %s", where, values[i], err);
    }
    if (n > 16)
        problem(ld, "%s %zu kdc lines (at most 16)", where, n);

    names[2] = "ldap_principal";
    trust->ldap_principal = get_single(ld, where, names, "ldap_principal");
    names[2] = "ldap_keytab";
    trust->ldap_keytab = get_single(ld, where, names, "ldap_keytab");
    if ((trust->ldap_principal == NULL) != (trust->ldap_keytab == NULL))
        problem(ld, "%s ldap_principal and ldap_keytab go together (the"
                " principal's key is read from the keytab)", where);
    else if (trust->ldap_principal != NULL &&
             (*trust->ldap_principal == '\0' ||
              strchr(trust->ldap_principal, ' ') != NULL))
        problem(ld, "%s ldap_principal \"%s\" is not a principal name",
                where, trust->ldap_principal);
    else if (trust->ldap_keytab != NULL && *trust->ldap_keytab == '\0')
        problem(ld, "%s ldap_keytab is empty", where);

    names[2] = "site";
    trust->site = get_single(ld, where, names, "site");
    if (trust->site != NULL && !site_name_valid(trust->site))
        problem(ld, "%s site \"%s\" is not an AD site name (letters, digits,"
                " '-' and '_', at most 63)", where, trust->site);

    names[2] = "client_realm";
    values = collect(ld, where, names, PROFILE_ITER_RELATIONS_ONLY, false, &n);
    for (i = 0; i < n; i++) {
        if (values[i][0] == '\0' || strpbrk(values[i], " \t") != NULL)
            problem(ld, "%s client_realm \"%s\" is not a realm name", where,
                    values[i]);
        else if (strcmp(values[i], realm) == 0)
            problem(ld, "%s client_realm %s is the trust's own realm", where,
                    values[i]);
        else if (cfg->local_realm != NULL &&
                 strcmp(values[i], cfg->local_realm) == 0)
            problem(ld, "%s client_realm %s is the local realm", where,
                    values[i]);
    }
    trust->client_realms = (const char *const *)values;
    trust->client_realm_count = n;

    names[2] = "map";
    values = collect(ld, where, names, PROFILE_ITER_RELATIONS_ONLY, false, &n);
    maps = adb_arena_array(&cfg->arena, n, sizeof(*maps));
    if (maps == NULL) {
        ld->nomem = true;
        goto cleanup;
    }
    good = 0;
    for (i = 0; i < n; i++) {
        if (parse_map(ld, trust, have_sid, values[i], i + 1, &maps[good]))
            good++;
    }
    if (ld->nomem)
        goto cleanup;
    build_index(ld, trust, maps, good);
    trust->maps = maps;
    trust->map_count = good;

cleanup:
    return;
}

static void load_trusts(loader *ld)
{
    static const char *const section[] = { "trusts", NULL };
    char **rels, **subs;
    conf_trust *trusts = NULL;
    size_t nrels, n, i;

    rels = collect(ld, "[trusts]", section, PROFILE_ITER_RELATIONS_ONLY, true,
                   &nrels);
    for (i = 0; i < nrels; i++)
        problem(ld, "[trusts] \"%s\" is a plain key, not a trust "
                "(expected REALM = { ... })", rels[i]);
    subs = collect(ld, "[trusts]", section, PROFILE_ITER_SECTIONS_ONLY, true,
                   &n);
    if (ld->nomem)
        goto cleanup;
    if (n == 0)
        goto cleanup;       /* valid: adbridge only for local rights */
    trusts = adb_arena_array(&ld->cfg->arena, n, sizeof(*trusts));
    if (trusts == NULL) {
        ld->nomem = true;
        goto cleanup;
    }
    for (i = 0; i < n && !ld->nomem; i++)
        load_trust(ld, &trusts[i], subs[i]);
    ld->cfg->trusts = trusts;
    ld->cfg->trust_count = n;

cleanup:
    return;
}

/* ------------------------------------------------------------------ */
/* The file snapshot                                                    */

#define CONF_MAX_FILE_BYTES ((size_t)1024 * 1024)
/* Lines of this many bytes or more (newline not counted) are refused: MIT's
 * parser would read them in pieces (fgets() into 2048 bytes). */
#define CONF_MAX_LINE 2047

/* True if @line starts with the profile directive @word and a blank. */
static bool is_directive(const char *line, size_t len, const char *word)
{
    size_t n = strlen(word);

    /* As MIT's parse_line() (util/profile/prof_parse.c): the word at the
     * start of the line, then any isspace() byte - the newline included,
     * which @len leaves out. */
    return len >= n && strncmp(line, word, n) == 0 &&
           (len == n || isspace((unsigned char)line[n]));
}

/* A sealed-off private copy of @len bytes: an anonymous memory file whose
 * /proc/self/fd path profile_init() can read.  Returns the fd, or -1 with
 * errno set. */
static int memfile(const char *buf, size_t len)
{
    size_t i;
    ssize_t n;
    int fd = memfd_create("adbridge.conf", MFD_CLOEXEC), saved;

    if (fd < 0)
        return -1;
    for (i = 0; i < len; i += (size_t)n) {
        n = write(fd, buf + i, len - i);
        if (n <= 0) {
            saved = n < 0 ? errno : EIO;
            close(fd);
            errno = saved;
            return -1;
        }
    }
    return fd;
}

/* profile_init() of a memory file holding @buf[0..len): 0 or its error. */
static long parse_bytes(const char *buf, size_t len)
{
    char fdpath[64];
    const char *files[2] = { fdpath, NULL };
    profile_t prof = NULL;
    long pret;
    int fd = memfile(buf, len);

    if (fd < 0)
        return errno != 0 ? errno : EIO;
    snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
    pret = profile_init(files, &prof);
    if (prof != NULL)
        profile_release(prof);
    close(fd);
    return pret;
}

/*
 * error_line - the line of a syntax error MIT's profile parser reported
 * without one: the first k such that lines 1..k alone fail to parse (lines
 * before an error parse cleanly, so a binary search over prefixes finds it
 * in O(log lines) parses).  0 if it cannot be pinned down (e.g. the error
 * only shows at the end of the file).
 */
static size_t error_line(const char *buf, size_t len)
{
    size_t lines = 0, lo = 1, hi, mid, i, end;

    for (i = 0; i < len; i++)
        if (buf[i] == '\n')
            lines++;
    if (len > 0 && buf[len - 1] != '\n')
        lines++;
    hi = lines;
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        for (i = 0, end = 0; i < len && end < mid; i++)
            if (buf[i] == '\n')
                end++;
        if (parse_bytes(buf, i) != 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    /* Confirm: the prefix ending at line lo fails, the one before not. */
    for (i = 0, end = 0; i < len && end < lo; i++)
        if (buf[i] == '\n')
            end++;
    if (lines == 0 || parse_bytes(buf, i) == 0)
        return 0;
    return lo;
}

/*
 * snapshot - read @path once (a regular file of at most 1 MiB), refuse what
 * MIT's profile parser would act on beyond parsing -- `include FILE` and
 * `includedir DIR` (read other files) and `module PATH` (load a shared
 * library) at the start of a line, and NUL bytes -- and copy the bytes into
 * an anonymous memory file whose /proc/self/fd path is handed to
 * profile_init(): what is checked is exactly what is parsed, however the
 * file changes meanwhile.  On success *fd_out is the memory file (close it)
 * and *buf_out, *len_out the bytes (free() them); problems are reported
 * through @ld.
 */
static adb_err snapshot(loader *ld, const char *path, int *fd_out,
                        char **buf_out, size_t *len_out)
{
    struct stat st;
    char *buf = NULL;
    size_t len = 0, cap, line_start = 0, line_no = 1, i;
    ssize_t n = 0;
    int fd = -1, mfd = -1;
    bool bad = false;
    adb_err ret = ADB_OK;

    *fd_out = -1;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        problem(ld, "%s: cannot open: %s", path, strerror(errno));
        ret = ADB_ERR_IO;
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode)) {
        problem(ld, "%s: not a regular file", path);
        ret = ADB_ERR_IO;
        goto cleanup;
    }
    if ((uint64_t)st.st_size > CONF_MAX_FILE_BYTES) {
        problem(ld, "%s: larger than %zu bytes", path, CONF_MAX_FILE_BYTES);
        ret = ADB_ERR_MALFORMED;
        goto cleanup;
    }
    /* One byte more than fstat said, to notice a file that grows. */
    cap = (size_t)st.st_size + 1;
    buf = malloc(cap);
    if (buf == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }
    while (len < cap) {
        n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    if (n < 0) {
        problem(ld, "%s: cannot read: %s", path, strerror(errno));
        ret = ADB_ERR_IO;
        goto cleanup;
    }
    if (len == cap) {
        problem(ld, "%s: changed while being read", path);
        ret = ADB_ERR_IO;
        goto cleanup;
    }
    for (i = 0; i <= len; i++) {
        if (i < len && buf[i] == '\0') {
            problem(ld, "%s: line %zu: NUL byte", path, line_no);
            bad = true;
        }
        if (i < len && buf[i] != '\n')
            continue;
        /* MIT's parse_file() reads lines with fgets() into 2048 bytes: a
         * longer line is parsed as several, and its tail could be a
         * directive. */
        if (i - line_start >= CONF_MAX_LINE) {
            problem(ld, "%s: line %zu: longer than %d bytes", path, line_no,
                    CONF_MAX_LINE - 1);
            bad = true;
        }
        if (is_directive(buf + line_start, i - line_start, "include") ||
            is_directive(buf + line_start, i - line_start, "includedir") ||
            is_directive(buf + line_start, i - line_start, "module")) {
            problem(ld, "%s: line %zu: include, includedir and module "
                    "directives are not allowed in the adbridge "
                    "configuration", path, line_no);
            bad = true;
        }
        line_start = i + 1;
        line_no++;
    }
    if (bad) {
        ret = ADB_ERR_MALFORMED;
        goto cleanup;
    }
    mfd = memfile(buf, len);
    if (mfd < 0) {
        ret = errno == ENOMEM ? ADB_ERR_NOMEM : ADB_ERR_IO;
        if (ret == ADB_ERR_IO)
            problem(ld, "%s: cannot make a private copy: %s", path,
                    strerror(errno));
        goto cleanup;
    }
    *fd_out = mfd;
    mfd = -1;
    *buf_out = buf;
    *len_out = len;
    buf = NULL;

cleanup:
    if (fd >= 0)
        close(fd);
    if (mfd >= 0)
        close(mfd);
    free(buf);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */

adb_err conf_load(const char *path, conf_config **config_out,
                  conf_problems *problems)
{
    conf_problems local;
    conf_config *cfg = NULL;
    loader ld;
    const char *files[2];
    char snap_path[64], *snap_buf = NULL;
    size_t snap_len = 0;
    int snap_fd = -1;
    long pret;
    adb_err ret = ADB_OK;

    conf_problems_init(&local);
    if (config_out != NULL)
        *config_out = NULL;
    if (problems != NULL) {
        conf_problems_free(problems);
        conf_problems_init(problems);
    }
    memset(&ld, 0, sizeof(ld));
    ld.pr = problems != NULL ? problems : &local;
    if (path == NULL || config_out == NULL) {
        ret = ADB_ERR_INVALID;
        goto cleanup;
    }
    cfg = calloc(1, sizeof(*cfg));
    if (cfg == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }
    adb_arena_init(&cfg->arena, 4096);
    ld.cfg = cfg;

    ret = snapshot(&ld, path, &snap_fd, &snap_buf, &snap_len);
    if (ret)
        goto cleanup;
    snprintf(snap_path, sizeof(snap_path), "/proc/self/fd/%d", snap_fd);
    files[0] = snap_path;
    files[1] = NULL;
    pret = profile_init(files, &ld.prof);
    if (pret != 0) {
        if (pret == ENOMEM) {
            ret = ADB_ERR_NOMEM;
        } else if (pret > 0 && pret < 256) {
            /* An errno value: the copy could not be opened. */
            problem(&ld, "%s: cannot open: %s", path, strerror((int)pret));
            ret = ADB_ERR_IO;
        } else {
            /* A profile syntax error; the library gives no line number,
             * so find it. */
            size_t line = error_line(snap_buf, snap_len);

            if (line > 0)
                problem(&ld, "%s: line %zu: %s", path, line,
                        error_message(pret));
            else
                problem(&ld, "%s: %s", path, error_message(pret));
            ret = ADB_ERR_MALFORMED;
        }
        goto cleanup;
    }

    load_global(&ld);
    load_trusts(&ld);
    if (ld.nomem) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }
    if (ld.pr->count > 0) {
        ret = ADB_ERR_MALFORMED;
        goto cleanup;
    }
    *config_out = cfg;
    cfg = NULL;

cleanup:
    if (ld.nomem && ret == ADB_OK)
        ret = ADB_ERR_NOMEM;
    if (ld.prof != NULL)
        profile_release(ld.prof);
    if (snap_fd >= 0)
        close(snap_fd);
    free(snap_buf);
    conf_free(cfg);
    conf_problems_free(&local);
    return ret;
}

adb_err conf_check(const char *path, conf_problems *problems)
{
    conf_config *cfg = NULL;
    adb_err ret = conf_load(path, &cfg, problems);

    conf_free(cfg);
    return ret;
}

void conf_free(conf_config *config)
{
    if (config == NULL)
        return;
    adb_arena_free(&config->arena);
    free(config);
}

const conf_trust *conf_find_trust(const conf_config *config,
                                  const char *realm)
{
    size_t i;

    if (config == NULL || realm == NULL)
        return NULL;
    for (i = 0; i < config->trust_count; i++)
        if (strcmp(config->trusts[i].realm, realm) == 0)
            return &config->trusts[i];
    return NULL;
}

bool conf_trust_accepts_client_realm(const conf_trust *trust,
                                     const char *realm)
{
    size_t i;

    if (trust == NULL || realm == NULL)
        return false;
    if (strcmp(trust->realm, realm) == 0)
        return true;
    for (i = 0; i < trust->client_realm_count; i++) {
        if (strcmp(trust->client_realms[i], realm) == 0)
            return true;
    }
    return false;
}

adb_err conf_profile_parse(const char *text, conf_ticket_profile *out)
{
    size_t n;

    if (text == NULL || out == NULL)
        return ADB_ERR_MALFORMED;
    while (*text == ' ' || *text == '\t')
        text++;
    n = strlen(text);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    if (n == 6 && strncasecmp(text, "rights", 6) == 0)
        *out = CONF_PROFILE_RIGHTS;
    else if (n == 6 && strncasecmp(text, "groups", 6) == 0)
        *out = CONF_PROFILE_GROUPS;
    else
        return ADB_ERR_MALFORMED;
    return ADB_OK;
}

const char *conf_profile_name(conf_ticket_profile profile)
{
    return profile == CONF_PROFILE_GROUPS ? "groups" : "rights";
}

const char *conf_other_realms_name(conf_other_realms mode)
{
    return mode == CONF_OTHER_REFUSE ? "refuse" : "pass";
}

const char *conf_direction_name(conf_direction direction)
{
    return direction == CONF_DIRECTION_TWO_WAY ? "two-way" : "inbound";
}

const char *conf_filter_mode_name(conf_filter_mode mode)
{
    (void)mode;
    return "quarantine";
}

const char *conf_map_kind_name(conf_map_kind kind)
{
    switch (kind) {
    case CONF_MAP_SID:
        return "sid";
    case CONF_MAP_RID:
        return "rid";
    case CONF_MAP_USER_SID:
    case CONF_MAP_USER_NAME:
        return "user";
    }
    return "unknown";
}
