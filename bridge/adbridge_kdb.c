/* SPDX-License-Identifier: MIT */
/*
 * adbridge_kdb.c - the KDB module adbridge.so: a thin adapter between the
 * KDB DAL (kdb.h, major version 9) and the decision library kdc_bridge.c.
 *
 * The stock backend stays in charge of the database: at load time the
 * module dlopen()s it (adbridge_backend in the realm's [dbmodules] stanza,
 * default db2), copies its kdb_function_table and replaces only
 * init_module/fini_module (to keep per-context state) and issue_pac.
 *
 * The KDC copies a module's table before it calls any method, so the
 * backend must be chosen in the load-time constructor, before the realm is
 * known: the constructor reads the profile the KDC tools read (KRB5_CONFIG
 * and KRB5_KDC_PROFILE or their defaults) and takes adbridge_backend from
 * the [dbmodules] stanzas with db_library = adbridge.  init_module() checks
 * that its own stanza names the backend that was loaded and fails clearly if
 * not (one backend per process).
 *
 * The backend's .so is looked for in every db_module_dir of [dbmodules]
 * (in order), then in the KDB plugin directory next to the libkdb5 this
 * process runs with (LIBDIR/krb5/plugins/kdb, where MIT keeps db2.so), then
 * in the directory the build found (ADB_KDB_SYSTEM_DIR).
 *
 * Which requests MIT hands to issue_pac() and which it issues without it is
 * listed in bridge/README.md; check_policy_as() and check_policy_tgs()
 * decide the latter, so that every request class is decided and logged.
 *
 * Only kdb_function_table is exported (-fvisibility=hidden).
 */
#define _GNU_SOURCE 1 /* strndup, asprintf */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <com_err.h>
#include <kdb.h>
#include <profile.h>

#include "adb_arena.h"
#include "kdc_bridge.h"

#ifndef ADB_KDB_SYSTEM_DIR
#define ADB_KDB_SYSTEM_DIR "/usr/lib/x86_64-linux-gnu/krb5/plugins/kdb"
#endif
#define ADB_MODULE_NAME "adbridge"
#define ADB_DEFAULT_BACKEND "db2"
#define ADB_MAX_CONTEXTS 16
#define ADB_MAX_MODULE_DIRS 16

/* MIT's decoder of PA-PAC-REQUEST (exported by libkrb5.so.3, declared only
 * in MIT's private k5-int.h): the one krb5kdc itself uses to decide whether
 * an AS reply gets a PAC, so the module reads the request as MIT does. */
typedef struct adb_pa_pac_req {
    krb5_boolean include_pac;
} adb_pa_pac_req;
extern krb5_error_code decode_krb5_pa_pac_req(const krb5_data *,
                                              adb_pa_pac_req **);
extern void krb5_free_pa_pac_req(krb5_context, adb_pa_pac_req *);

/* krb5kdc and kadmind link libkadm5srv, which writes the KDC log; resolved
 * at load time if present, else messages go to com_err. */
extern krb5_error_code krb5_klog_syslog(int, const char *, ...)
    __attribute__((weak));

__attribute__((visibility("default")))
kdb_vftabl kdb_function_table;

static struct {
    void *handle;                 /* the backend's dlopen handle */
    char name[256];               /* its adbridge_backend name */
    char error[512];              /* why it could not be loaded */
    kdb_vftabl vt;                /* its table */
} backend;

/*
 * What check_policy_tgs() learnt of the TGS request it saw last, for the
 * issue_pac() call of the same request (krb5kdc serves one request at a
 * time and calls check_policy_tgs() for every TGS request before its
 * issue_pac()).  issue_pac() takes it only for the same server and clears
 * it; without it, a TGS decision that needs the ticket's client is refused.
 */
typedef struct adb_pending {
    bool valid;
    krb5_principal server;        /* the requested server */
    char *client;                 /* the subject ticket's client, unparsed */
    char *client_name;            /* the same without realm, unescaped */
    char *client_realm;
    bool enterprise;
    kdc_kind kind;
    char *trust_realm;            /* CROSS_REALM: the header's realm */
    bool local_tgt;
    size_t stray;
    krb5_authdata **pac_container; /* the decoded container holding the
                                  * subject ticket's PAC, or NULL when it
                                  * was read in place (kdc_find_pac_data) */
    krb5_data pac_data;           /* that PAC's bytes, inside pac_container
                                  * or the subject ticket (MIT's, which
                                  * lives for the whole request): issue_pac()
                                  * decodes old_pac from them in place */
} adb_pending;

static struct {
    krb5_context ctx;
    kdc_bridge *bridge;
    int disable_pac;              /* the realm's disable_pac: -1 not read */
    adb_pending pending;
} states[ADB_MAX_CONTEXTS];

static void pending_clear(krb5_context ctx, adb_pending *p);

/* ------------------------------------------------------------ logging -- */

static void log_line(void *data, int priority, const char *line)
{
    (void)data;
    if (krb5_klog_syslog != NULL)
        (void)krb5_klog_syslog(priority, "%s", line);
    else
        com_err(ADB_MODULE_NAME, 0, "%s", line);
}

/* ------------------------------------------------------ the profile -- */

/* The backend named by the [dbmodules] stanzas that load this module. */
static void backend_from_profile(char *name, size_t size)
{
    const char *names[] = { "dbmodules", NULL };
    char path[4096];
    const char *cfg = getenv("KRB5_CONFIG");
    const char *kdc = getenv("KRB5_KDC_PROFILE");
    profile_t profile = NULL;
    char **sections = NULL, *lib = NULL, *val = NULL;
    size_t i;

    snprintf(name, size, "%s", ADB_DEFAULT_BACKEND);
    snprintf(path, sizeof(path), "%s:%s",
             kdc != NULL ? kdc : "/etc/krb5kdc/kdc.conf",
             cfg != NULL ? cfg : "/etc/krb5.conf");
    if (profile_init_path(path, &profile) != 0)
        goto cleanup;
    if (profile_get_subsection_names(profile, names, &sections) != 0)
        goto cleanup;
    for (i = 0; sections[i] != NULL; i++) {
        if (profile_get_string(profile, "dbmodules", sections[i],
                               "db_library", NULL, &lib) != 0 || lib == NULL)
            continue;
        if (strcmp(lib, ADB_MODULE_NAME) == 0 &&
            profile_get_string(profile, "dbmodules", sections[i],
                               "adbridge_backend", ADB_DEFAULT_BACKEND,
                               &val) == 0 && val != NULL) {
            snprintf(name, size, "%s", val);
            profile_release_string(lib);
            lib = NULL;
            break;
        }
        profile_release_string(lib);
        lib = NULL;
    }

cleanup:
    profile_release_string(val);
    profile_release_string(lib);
    profile_free_list(sections);
    if (profile != NULL)
        profile_release(profile);
}

/* A string setting of stanza @section of [dbmodules] (malloc'd copy of the
 * value or of @def), or NULL on allocation failure. */
static char *stanza_string(krb5_context ctx, const char *section,
                           const char *key, const char *def)
{
    profile_t profile = NULL;
    char *val = NULL, *out = NULL;

    if (krb5_get_profile(ctx, &profile) == 0 &&
        profile_get_string(profile, "dbmodules", section, key, def,
                           &val) == 0 && val != NULL)
        out = strdup(val);
    else if (def != NULL)
        out = strdup(def);
    profile_release_string(val);
    if (profile != NULL)
        profile_release(profile);
    return out;
}

/* ----------------------------------------------------- state per ctx -- */

static kdc_bridge *state_get(krb5_context ctx)
{
    size_t i;

    for (i = 0; i < ADB_MAX_CONTEXTS; i++) {
        if (states[i].ctx == ctx)
            return states[i].bridge;
    }
    return NULL;
}

/* The realm's disable_pac setting (kdc.conf [realms]), read once per
 * context; with it MIT issues no PAC and never calls issue_pac(). */
static bool realm_disables_pac(krb5_context ctx, const krb5_data *realm)
{
    profile_t profile = NULL;
    char *name = NULL;
    int val = 0;
    size_t i;

    for (i = 0; i < ADB_MAX_CONTEXTS; i++) {
        if (states[i].ctx == ctx)
            break;
    }
    if (i < ADB_MAX_CONTEXTS && states[i].disable_pac >= 0)
        return states[i].disable_pac != 0;
    name = strndup(realm->data != NULL ? realm->data : "", realm->length);
    if (name != NULL && krb5_get_profile(ctx, &profile) == 0 &&
        profile_get_boolean(profile, "realms", name, "disable_pac", 0,
                            &val) != 0)
        val = 0;
    if (profile != NULL)
        profile_release(profile);
    if (i < ADB_MAX_CONTEXTS && name != NULL)
        states[i].disable_pac = val != 0;
    free(name);
    return val != 0;
}

static void state_drop(krb5_context ctx)
{
    size_t i;

    for (i = 0; i < ADB_MAX_CONTEXTS; i++) {
        if (states[i].ctx == ctx) {
            pending_clear(ctx, &states[i].pending);
            kdc_bridge_free(states[i].bridge);
            states[i].ctx = NULL;
            states[i].bridge = NULL;
        }
    }
}

/* The backend named in @section must be the one loaded. */
static krb5_error_code check_backend(krb5_context ctx, const char *section)
{
    char *want = stanza_string(ctx, section, "adbridge_backend",
                               ADB_DEFAULT_BACKEND);
    krb5_error_code ret = 0;

    if (want == NULL)
        return ENOMEM;
    if (backend.handle == NULL) {
        ret = KRB5_KDB_DBTYPE_INIT;
        krb5_set_error_message(ctx, ret, "adbridge: %s", backend.error);
    } else if (strcmp(want, backend.name) != 0) {
        ret = KRB5_KDB_DBTYPE_INIT;
        krb5_set_error_message(ctx, ret,
                               "adbridge: [dbmodules] %s names backend %s, "
                               "but this process loaded %s (one backend per "
                               "process)", section, want, backend.name);
    }
    free(want);
    return ret;
}

/* ------------------------------------------------- wrapped methods -- */

static krb5_error_code adb_init_library(void)
{
    if (backend.handle == NULL) {
        /* No context to carry the message yet: com_err (stderr, or the
         * KDC log once krb5kdc has set its hook). */
        com_err(ADB_MODULE_NAME, 0, "%s", backend.error);
        return KRB5_KDB_DBTYPE_INIT;
    }
    return backend.vt.init_library();
}

static krb5_error_code adb_init_module(krb5_context ctx, char *section,
                                       char **db_args, int mode)
{
    kdc_bridge *bridge = NULL;
    char *path = NULL, *realm = NULL;
    krb5_error_code ret;
    size_t i;

    ret = check_backend(ctx, section);
    if (ret)
        goto cleanup;
    ret = backend.vt.init_module(ctx, section, db_args, mode);
    if (ret)
        goto cleanup;
    path = stanza_string(ctx, section, "adbridge_config", KDC_DEFAULT_CONFIG);
    if (path == NULL || kdc_bridge_new(path, log_line, NULL, &bridge) !=
        ADB_OK) {
        ret = ENOMEM;
        goto fail_backend;
    }
    /* the realm this context serves: a file naming another local_realm
     * is refused */
    if (krb5_get_default_realm(ctx, &realm) == 0) {
        if (kdc_bridge_set_realm(bridge, realm) != ADB_OK) {
            ret = ENOMEM;
            goto fail_backend;
        }
    }
    /* krb5kdc checks the file now, so a typo is in the log at start (not
     * at the first user's request); kdb5_util and kadmin.local never
     * decide and never read it */
    if (strcmp(program_invocation_short_name, "krb5kdc") == 0)
        (void)kdc_bridge_config(bridge, time(NULL));
    state_drop(ctx);
    for (i = 0; i < ADB_MAX_CONTEXTS; i++) {
        if (states[i].ctx == NULL) {
            states[i].ctx = ctx;
            states[i].bridge = bridge;
            states[i].disable_pac = -1;
            bridge = NULL;
            break;
        }
    }
    if (bridge != NULL) {
        ret = KRB5_KDB_DBTYPE_INIT;
        krb5_set_error_message(ctx, ret, "adbridge: too many open realms");
        goto fail_backend;
    }
    goto cleanup;

fail_backend:
    if (backend.vt.fini_module != NULL)
        (void)backend.vt.fini_module(ctx);
cleanup:
    kdc_bridge_free(bridge);
    krb5_free_default_realm(ctx, realm);
    free(path);
    return ret;
}

static krb5_error_code adb_fini_module(krb5_context ctx)
{
    state_drop(ctx);
    adb_arena_cache_release();    /* this thread's cached decode chunks */
    return backend.vt.fini_module != NULL ? backend.vt.fini_module(ctx) : 0;
}

static krb5_error_code adb_create(krb5_context ctx, char *section,
                                  char **db_args)
{
    krb5_error_code ret = check_backend(ctx, section);

    if (ret)
        return ret;
    return backend.vt.create(ctx, section, db_args);
}

/* The NULL-terminated C strings of an indicator list (one allocation). */
static char **indicator_strings(krb5_data **list)
{
    size_t n = 0, bytes = 0, i;
    char **out, *p;

    for (i = 0; list != NULL && list[i] != NULL; i++) {
        n++;
        bytes += list[i]->length + 1u;
    }
    out = malloc((n + 1) * sizeof(char *) + bytes);
    if (out == NULL)
        return NULL;
    p = (char *)(out + n + 1);
    for (i = 0; i < n; i++) {
        out[i] = p;
        if (list[i]->length > 0)
            memcpy(p, list[i]->data, list[i]->length);
        p[list[i]->length] = '\0';
        p += list[i]->length + 1u;
    }
    out[n] = NULL;
    return out;
}

/* Drop the indicators carrying our prefix (only we may assert them), then
 * append @add.  The list is owned by the KDC and freed with krb5_free_data
 * per element, so elements are malloc'd krb5_data. */
static krb5_error_code set_indicators(const conf_config *config,
                                      krb5_data ***list_io, char **add)
{
    krb5_data **list = *list_io, **nl;
    size_t n = 0, k = 0, a = 0, i;
    krb5_data *d;

    for (i = 0; list != NULL && list[i] != NULL; i++)
        n++;
    for (i = 0; add != NULL && add[i] != NULL; i++)
        a++;
    nl = realloc(list, (n + a + 1) * sizeof(*nl));
    if (nl == NULL)
        return ENOMEM;
    *list_io = nl;
    for (i = 0; i < n; i++) {
        if (kdc_indicator_is_ours(config, nl[i]->data, nl[i]->length))
            krb5_free_data(NULL, nl[i]);
        else
            nl[k++] = nl[i];
    }
    nl[k] = NULL;
    for (i = 0; i < a; i++) {
        d = malloc(sizeof(*d));
        if (d == NULL)
            return ENOMEM;
        d->magic = KV5M_DATA;
        d->length = (unsigned int)strlen(add[i]);
        d->data = strdup(add[i]);
        if (d->data == NULL) {
            free(d);
            return ENOMEM;
        }
        nl[k++] = d;
        nl[k] = NULL;
    }
    return 0;
}

/* Log a decision (one KDC log line) and append its audit record; AS and
 * local requests that involve no adbridge setting are not worth a line. */
static void report(kdc_bridge *bridge, const conf_config *config,
                   const kdc_request *req, const kdc_decision *d, time_t now)
{
    char *line;

    bool trust = (req->kind == KDC_KIND_CROSS_REALM ||
                  req->kind == KDC_KIND_FOREIGN_TGS) && !d->passed;

    adb_err err;

    if (!trust && !d->refused && d->rights == 0 && d->required == 0)
        return;
    /* log_decisions = refusals: allowed requests only in the audit log
     * (saves the KDC log line's formatting and its 3 system calls) */
    if (d->refused || config == NULL ||
        config->log_decisions == CONF_LOG_ALL) {
        line = kdc_log_line(req, d);
        log_line(NULL, d->refused ? LOG_WARNING : LOG_INFO,
                 line != NULL ? line : "adbridge: (decision not logged: "
                                       "out of memory)");
        free(line);
    }
    if (config != NULL && config->audit_log != NULL) {
        line = kdc_audit_json(req, d, now);
        err = line != NULL ? kdc_bridge_audit(bridge, config->audit_log,
                                              line, now) : ADB_ERR_NOMEM;
        /* (an audit file that cannot be opened is logged by
         * kdc_bridge_audit, once) */
        if (err == ADB_ERR_NOMEM)
            log_line(NULL, LOG_ERR, "adbridge: an audit record was lost: "
                                    "out of memory");
        free(line);
    }
}

/* ------------------------------------------------- request context -- */

static adb_pending *pending_of(krb5_context ctx)
{
    size_t i;

    for (i = 0; i < ADB_MAX_CONTEXTS; i++) {
        if (states[i].ctx == ctx && states[i].bridge != NULL)
            return &states[i].pending;
    }
    return NULL;
}

static void pending_clear(krb5_context ctx, adb_pending *p)
{
    if (p == NULL)
        return;
    krb5_free_principal(ctx, p->server);
    krb5_free_authdata(ctx, p->pac_container);
    free(p->client);
    free(p->client_name);
    free(p->client_realm);
    free(p->trust_realm);
    memset(p, 0, sizeof(*p));
}

static char *realm_dup(const krb5_data *r)
{
    return strndup(r->data != NULL ? r->data : "", r->length);
}

/* True if @p is a ticket-granting principal krbtgt/X@Y. */
static bool is_krbtgt(krb5_const_principal p)
{
    return p->length == 2 && p->data[0].length == KRB5_TGS_NAME_SIZE &&
           memcmp(p->data[0].data, KRB5_TGS_NAME, KRB5_TGS_NAME_SIZE) == 0;
}

/* True if @p is krbtgt/R@R (the local TGS of realm R). */
static bool is_local_tgs(krb5_const_principal p)
{
    return is_krbtgt(p) && p->data[1].length == p->realm.length &&
           memcmp(p->data[1].data, p->realm.data, p->realm.length) == 0;
}

/* Fill @p from the subject ticket @subj (the header ticket, or the
 * evidence ticket of S4U2Proxy) of a TGS request for @server whose header
 * ticket's server is @hdr.  Returns 0 or ENOMEM. */
static krb5_error_code pending_set(krb5_context ctx, adb_pending *p,
                                   krb5_const_principal hdr,
                                   krb5_const_principal server,
                                   const krb5_enc_tkt_part *subj,
                                   size_t stray)
{
    krb5_const_principal c = subj->client;
    char *hr = NULL, *lr = NULL;
    krb5_error_code ret = ENOMEM;

    p->client_realm = realm_dup(&c->realm);
    hr = realm_dup(&hdr->realm);
    lr = realm_dup(&server->realm);
    if (p->client_realm == NULL || hr == NULL || lr == NULL)
        goto cleanup;
    ret = krb5_copy_principal(ctx, server, &p->server);
    if (!ret)
        ret = krb5_unparse_name(ctx, c, &p->client);
    if (!ret)
        ret = krb5_unparse_name_flags(ctx, c,
                                      KRB5_PRINCIPAL_UNPARSE_NO_REALM |
                                      KRB5_PRINCIPAL_UNPARSE_DISPLAY,
                                      &p->client_name);
    if (ret)
        goto cleanup;
    p->kind = kdc_tgs_kind(hr, lr, p->client_realm);
    p->enterprise = c->type == KRB5_NT_ENTERPRISE_PRINCIPAL;
    p->local_tgt = is_local_tgs(server);
    p->stray = stray;
    if (p->kind == KDC_KIND_CROSS_REALM) {
        p->trust_realm = hr;
        hr = NULL;
    }
    p->valid = true;

cleanup:
    free(hr);
    free(lr);
    if (ret)
        pending_clear(ctx, p);
    return ret;
}

/* The request facts of @p into @req (borrowed). */
static void pending_request(const adb_pending *p, kdc_request *req)
{
    req->kind = p->kind;
    req->client = p->client;
    req->client_name = p->client_name;
    req->client_realm = p->client_realm;
    req->client_enterprise = p->enterprise;
    req->trust_realm = p->trust_realm;
    req->local_tgt = p->local_tgt;
    req->stray_pacs = p->stray;
    if (p->pac_data.data != NULL) {
        req->old_pac_data = p->pac_data.data;
        req->old_pac_len = p->pac_data.length;
    }
}

/* ----------------------------------------------------- the decisions -- */

/* Decide @req, log it, and turn a refusal into KDC_ERR_POLICY (with
 * @status for the KDC's own log line, if not NULL). */
static krb5_error_code decide(krb5_context ctx, kdc_bridge *bridge,
                              const conf_config *config,
                              const kdc_request *req, kdc_decision *d,
                              time_t now, const char **status)
{
    krb5_error_code ret = 0;
    adb_err err;

    err = kdc_decide(ctx, config, req, d);
    if (err != ADB_OK) {
        log_line(NULL, LOG_ERR, "adbridge: REFUSE: internal error deciding "
                                "the request");
        if (status != NULL)
            *status = "ADBRIDGE_INTERNAL_ERROR";
        return err == ADB_ERR_NOMEM ? ENOMEM : KRB5KDC_ERR_POLICY;
    }
    report(bridge, config, req, d, now);
    if (d->refused) {
        ret = KRB5KDC_ERR_POLICY;
        if (status != NULL)
            *status = "ADBRIDGE_POLICY";
        krb5_set_error_message(ctx, ret, "adbridge: %s",
                               kdc_decision_code(d));
    }
    return ret;
}

/* Log that an allowed request could not be completed, with what failed. */
static void log_build_failure(krb5_context ctx, krb5_error_code code,
                              const char *what)
{
    const char *msg = krb5_get_error_message(ctx, code);
    char line[512];

    snprintf(line, sizeof(line), "adbridge: the allowed request failed "
             "while %s: %s", what, msg != NULL ? msg : "unknown error");
    krb5_free_error_message(ctx, msg);
    log_line(NULL, LOG_ERR, line);
}

/* The request facts issue_pac() has for a TGS request: those check_policy
 * _tgs() left for the same server, else none (kind as MIT's flags say,
 * client unknown: a cross-realm or foreign decision then refuses). */
static void tgs_request(krb5_context ctx, unsigned int flags,
                        krb5_db_entry *server, krb5_db_entry *signing_krbtgt,
                        adb_pending *p, kdc_request *req, char **trealm)
{
    if (p != NULL && p->valid && p->server != NULL &&
        krb5_principal_compare(ctx, p->server, server->princ)) {
        pending_request(p, req);
        return;
    }
    req->kind = (flags & KRB5_KDB_FLAG_CROSS_REALM) ? KDC_KIND_CROSS_REALM
                                                    : KDC_KIND_LOCAL_TGS;
    if (req->kind == KDC_KIND_CROSS_REALM && signing_krbtgt != NULL) {
        *trealm = realm_dup(&signing_krbtgt->princ->realm);
        req->trust_realm = *trealm;
    }
}

static krb5_error_code adb_issue_pac(krb5_context ctx, unsigned int flags,
                                     krb5_db_entry *client,
                                     krb5_keyblock *replaced_reply_key,
                                     krb5_db_entry *server,
                                     krb5_db_entry *signing_krbtgt,
                                     krb5_timestamp authtime,
                                     krb5_pac old_pac, krb5_pac new_pac,
                                     krb5_data ***auth_indicators)
{
    kdc_bridge *bridge = state_get(ctx);
    adb_pending *pending = pending_of(ctx);
    const conf_config *config;
    kdc_request req;
    kdc_decision d;
    krb5_pac scratch = NULL;
    char *cname = NULL, *sname = NULL, *trealm = NULL, *rights = NULL;
    char *require = NULL, *profile = NULL, **inds = NULL;
    krb5_error_code ret = 0;
    time_t now = time(NULL);

    memset(&req, 0, sizeof(req));
    kdc_decision_init(&d);
    if (bridge == NULL) {          /* opened without init_module */
        if (backend.vt.issue_pac != NULL)
            ret = backend.vt.issue_pac(ctx, flags, client,
                                       replaced_reply_key, server,
                                       signing_krbtgt, authtime, old_pac,
                                       new_pac, auth_indicators);
        goto cleanup;
    }
    /* The backend works on a PAC of its own; what it made is merged below
     * once adbridge has decided (kdc_merge_backend_pac). */
    if (backend.vt.issue_pac != NULL) {
        ret = krb5_pac_init(ctx, &scratch);
        if (!ret)
            ret = backend.vt.issue_pac(ctx, flags, client,
                                       replaced_reply_key, server,
                                       signing_krbtgt, authtime, old_pac,
                                       scratch, auth_indicators);
        if (ret && ret != KRB5_PLUGIN_OP_NOTSUPP)
            goto cleanup;
        ret = 0;
    }
    config = kdc_bridge_config(bridge, now);

    if (client != NULL && krb5_unparse_name(ctx, client->princ, &cname) != 0)
        cname = NULL;
    if (server != NULL && krb5_unparse_name(ctx, server->princ, &sname) != 0)
        sname = NULL;
    if (server != NULL && krb5_dbe_get_string(ctx, server, "adbridge_require",
                                              &require) != 0)
        require = NULL;
    if (server != NULL && krb5_dbe_get_string(ctx, server, "adbridge_pac",
                                              &profile) != 0)
        profile = NULL;
    req.service = sname;
    req.require = require;
    req.profile = profile;

    if (old_pac == NULL && signing_krbtgt == NULL) {
        req.kind = KDC_KIND_AS;
        req.client = cname;
        if (client != NULL &&
            krb5_dbe_get_string(ctx, client, "adbridge_rights", &rights) != 0)
            rights = NULL;
        req.client_rights = rights;
    } else {
        tgs_request(ctx, flags, server, signing_krbtgt, pending, &req,
                    &trealm);
        req.old_pac = old_pac;
        /* old_pac was parsed from the PAC element check_policy_tgs found
         * (pending) only for a plain TGS request: the header ticket is the
         * subject, and a decided request has exactly one PAC element in it
         * (stray ones refuse before decoding).  For S4U requests MIT's
         * buffer copies are read. */
        if (flags & (KRB5_KDB_FLAG_PROTOCOL_TRANSITION |
                     KRB5_KDB_FLAG_CONSTRAINED_DELEGATION)) {
            req.old_pac_data = NULL;
            req.old_pac_len = 0;
        }
        /* S4U2Self: the ticket is the impersonated user's; old_pac is the
         * requesting service's: copy nothing of it. */
        if ((flags & KRB5_KDB_FLAG_PROTOCOL_TRANSITION) && client != NULL) {
            req.client = cname;
            if (req.kind == KDC_KIND_LOCAL_TGS)
                req.old_pac = NULL;
        }
        if (req.kind == KDC_KIND_LOCAL_TGS) {
            inds = indicator_strings(*auth_indicators);
            if (inds == NULL) {
                ret = ENOMEM;
                goto cleanup;
            }
            req.indicators = (const char *const *)inds;
        }
    }
    ret = decide(ctx, bridge, config, &req, &d, now, NULL);
    if (ret)
        goto cleanup;
    if (req.kind != KDC_KIND_LOCAL_TGS) {
        ret = set_indicators(config, auth_indicators, d.indicators);
        if (ret) {
            log_build_failure(ctx, ret, "setting the auth indicators");
            goto cleanup;
        }
    }
    if (scratch != NULL) {
        ret = kdc_merge_backend_pac(ctx, &d, scratch, new_pac);
        if (ret) {
            log_build_failure(ctx, ret, "adding the backend's PAC buffers");
            goto cleanup;
        }
    }
    ret = kdc_copy_buffers(ctx, &d, req.old_pac, new_pac);
    if (ret)
        log_build_failure(ctx, ret, "copying PAC buffers");

cleanup:
    pending_clear(ctx, pending);   /* one use; req borrowed from it */
    kdc_decision_free(&d);
    krb5_pac_free(ctx, scratch);
    free(inds);
    free(trealm);
    krb5_dbe_free_string(ctx, rights);
    krb5_dbe_free_string(ctx, require);
    krb5_dbe_free_string(ctx, profile);
    krb5_free_unparsed_name(ctx, cname);
    krb5_free_unparsed_name(ctx, sname);
    return ret;
}

/* Whether MIT's AS path will call issue_pac() for this request (MIT 1.20
 * handle_pac(): not for +no_auth_data_required services, realms with
 * disable_pac, anonymous tickets or a PA-PAC-REQUEST include-pac=false). */
static bool as_will_issue_pac(krb5_context ctx, const krb5_kdc_req *request,
                              const krb5_db_entry *server)
{
    krb5_pa_data **pa;
    adb_pa_pac_req *pr = NULL;
    krb5_data data;
    bool include = true;

    if ((server->attributes & KRB5_KDB_NO_AUTH_DATA_REQUIRED) ||
        (request->kdc_options & KDC_OPT_REQUEST_ANONYMOUS) ||
        realm_disables_pac(ctx, &server->princ->realm))
        return false;
    for (pa = request->padata; pa != NULL && *pa != NULL; pa++) {
        if ((*pa)->pa_type != KRB5_PADATA_PAC_REQUEST)
            continue;
        data.magic = KV5M_DATA;
        data.length = (*pa)->length;
        data.data = (char *)(*pa)->contents;
        if (decode_krb5_pa_pac_req(&data, &pr) == 0) {
            include = pr->include_pac != 0;
            krb5_free_pa_pac_req(ctx, pr);
        }
        break;
    }
    return include;
}

/*
 * AS requests: adbridge_require of the service is applied to every AS
 * request here (issue_pac() is not called for all of them: see
 * as_will_issue_pac), with the client's adbridge_rights.  A refusal is
 * logged here; an allowed request is logged here only when issue_pac()
 * will not run (it logs the others, with the rights it issues).
 */
static krb5_error_code adb_check_policy_as(krb5_context ctx,
                                           krb5_kdc_req *request,
                                           krb5_db_entry *client,
                                           krb5_db_entry *server,
                                           krb5_timestamp kdc_time,
                                           const char **status,
                                           krb5_pa_data ***e_data)
{
    kdc_bridge *bridge = state_get(ctx);
    const conf_config *config;
    kdc_request req;
    kdc_decision d;
    char *cname = NULL, *sname = NULL, *rights = NULL, *require = NULL;
    krb5_error_code ret = 0;
    time_t now = time(NULL);
    adb_err err;

    memset(&req, 0, sizeof(req));
    kdc_decision_init(&d);
    if (backend.vt.check_policy_as != NULL) {
        ret = backend.vt.check_policy_as(ctx, request, client, server,
                                         kdc_time, status, e_data);
        if (ret && ret != KRB5_PLUGIN_OP_NOTSUPP)
            goto cleanup;
        ret = 0;
    }
    if (bridge == NULL || client == NULL || server == NULL ||
        krb5_dbe_get_string(ctx, server, "adbridge_require", &require) != 0 ||
        require == NULL)
        goto cleanup;              /* nothing of adbridge's to check */
    config = kdc_bridge_config(bridge, now);
    if (krb5_unparse_name(ctx, client->princ, &cname) != 0)
        cname = NULL;
    if (krb5_unparse_name(ctx, server->princ, &sname) != 0)
        sname = NULL;
    if (krb5_dbe_get_string(ctx, client, "adbridge_rights", &rights) != 0)
        rights = NULL;
    req.kind = KDC_KIND_AS;
    req.client = cname;
    req.service = sname;
    req.client_rights = rights;
    req.require = require;
    err = kdc_decide(ctx, config, &req, &d);
    if (err != ADB_OK) {
        log_line(NULL, LOG_ERR, "adbridge: REFUSE: internal error deciding "
                                "the request");
        *status = "ADBRIDGE_INTERNAL_ERROR";
        ret = err == ADB_ERR_NOMEM ? ENOMEM : KRB5KDC_ERR_POLICY;
        goto cleanup;
    }
    if (d.refused || !as_will_issue_pac(ctx, request, server))
        report(bridge, config, &req, &d, now);
    if (d.refused) {
        ret = KRB5KDC_ERR_POLICY;
        *status = "ADBRIDGE_POLICY";
        krb5_set_error_message(ctx, ret, "adbridge: %s",
                               kdc_decision_code(&d));
    }

cleanup:
    kdc_decision_free(&d);
    krb5_dbe_free_string(ctx, rights);
    krb5_dbe_free_string(ctx, require);
    krb5_free_unparsed_name(ctx, cname);
    krb5_free_unparsed_name(ctx, sname);
    return ret;
}

/*
 * TGS requests.  MIT 1.20's handle_pac() calls issue_pac() only if the
 * subject ticket carries a PAC where MIT looks for it (kdc_find_pac), the
 * service does not have +no_auth_data_required, the ticket is not
 * anonymous and the realm does not set disable_pac; otherwise it issues
 * the ticket without asking this module.  This hook sees every TGS request
 * first: it records the request's facts for issue_pac() (pending_set) and
 * decides here exactly the requests issue_pac() will not see, plus every
 * request with a PAC-typed element where MIT does not read the PAC, so
 * that nothing adbridge would refuse gets through that way.  The request
 * classes and how each is decided: bridge/README.md.
 */
static krb5_error_code adb_check_policy_tgs(krb5_context ctx,
                                            krb5_kdc_req *request,
                                            krb5_db_entry *server,
                                            krb5_ticket *ticket,
                                            const char **status,
                                            krb5_pa_data ***e_data)
{
    kdc_bridge *bridge = state_get(ctx);
    adb_pending *pending = pending_of(ctx);
    const conf_config *config;
    const krb5_enc_tkt_part *subj, *hdr;
    kdc_request req;
    kdc_decision d;
    char *sname = NULL, *require = NULL, *profile = NULL;
    krb5_pac pac = NULL;
    krb5_error_code ret = 0;
    time_t now = time(NULL);
    size_t stray = 0, stray2 = 0;
    bool found = false, found2 = false, will_issue, anon;

    memset(&req, 0, sizeof(req));
    kdc_decision_init(&d);
    pending_clear(ctx, pending);
    if (backend.vt.check_policy_tgs != NULL) {
        ret = backend.vt.check_policy_tgs(ctx, request, server, ticket,
                                          status, e_data);
        if (ret && ret != KRB5_PLUGIN_OP_NOTSUPP)
            goto cleanup;
        ret = 0;
    }
    if (bridge == NULL || pending == NULL || ticket == NULL ||
        server == NULL || ticket->enc_part2 == NULL || ticket->server == NULL)
        goto cleanup;
    hdr = subj = ticket->enc_part2;
    /* S4U2Proxy / RBCD: the ticket is issued for the evidence ticket's
     * client, with the evidence ticket's PAC. */
    if ((request->kdc_options & KDC_OPT_CNAME_IN_ADDL_TKT) &&
        request->second_ticket != NULL && request->second_ticket[0] != NULL &&
        request->second_ticket[0]->enc_part2 != NULL)
        subj = request->second_ticket[0]->enc_part2;
    /* (the PAC is parsed below only if this hook decides the request) */
    ret = kdc_find_pac_data(ctx, subj->authorization_data,
                            &pending->pac_container, &pending->pac_data,
                            &found, &stray);
    if (!ret && subj != hdr)
        ret = kdc_find_pac(ctx, hdr->authorization_data, NULL, &found2,
                           &stray2);
    if (!ret)
        ret = pending_set(ctx, pending, ticket->server, server->princ, subj,
                          stray + stray2);
    if (ret)
        goto cleanup;
    anon = (hdr->flags & TKT_FLG_ANONYMOUS) ||
           (request->kdc_options & KDC_OPT_REQUEST_ANONYMOUS);
    will_issue = found && !(server->attributes &
                            KRB5_KDB_NO_AUTH_DATA_REQUIRED) && !anon &&
                 !realm_disables_pac(ctx, &server->princ->realm);
    /* the common case first: issue_pac() decides (and reads the
     * service's attributes itself) */
    if (will_issue && stray == 0 && stray2 == 0)
        goto cleanup;
    if (krb5_dbe_get_string(ctx, server, "adbridge_require", &require) != 0)
        require = NULL;
    pending_request(pending, &req);
    if (req.kind == KDC_KIND_LOCAL_TGS && require == NULL)
        goto cleanup;              /* nothing of adbridge's to check */
    if (krb5_dbe_get_string(ctx, server, "adbridge_pac", &profile) != 0)
        profile = NULL;
    req.profile = profile;

    config = kdc_bridge_config(bridge, now);
    if (krb5_unparse_name(ctx, server->princ, &sname) != 0)
        sname = NULL;
    req.service = sname;
    req.require = require;
    if (found) {
        ret = kdc_find_pac(ctx, subj->authorization_data, &pac, &found,
                           &stray);
        if (ret)
            goto cleanup;
    }
    req.old_pac = pac;
    ret = decide(ctx, bridge, config, &req, &d, now, status);

cleanup:
    kdc_decision_free(&d);
    krb5_pac_free(ctx, pac);
    krb5_dbe_free_string(ctx, require);
    krb5_dbe_free_string(ctx, profile);
    krb5_free_unparsed_name(ctx, sname);
    return ret;
}

/* ------------------------------------------------------------ loading -- */

/* The directory of the KDB plugins next to the libkdb5 this process runs
 * with (MIT: LIBDIR/krb5/plugins/kdb), into @buf; false if not known. */
static bool libkdb5_plugin_dir(char *buf, size_t size)
{
    Dl_info info;
    const char *slash;
    int n;

    if (dladdr((void *)krb5_db_open, &info) == 0 || info.dli_fname == NULL)
        return false;
    slash = strrchr(info.dli_fname, '/');
    if (slash == NULL)
        return false;
    n = snprintf(buf, size, "%.*s/krb5/plugins/kdb",
                 (int)(slash - info.dli_fname), info.dli_fname);
    return n > 0 && (size_t)n < size;
}

/* The db_module_dir values of [dbmodules] in the profile the KDC tools
 * read (KRB5_KDC_PROFILE, KRB5_CONFIG or their defaults), in order, into
 * @dirs (at most ADB_MAX_MODULE_DIRS, strdup'd); returns how many. */
static size_t module_dirs_from_profile(char **dirs)
{
    const char *names[] = { "dbmodules", "db_module_dir", NULL };
    char path[4096];
    const char *cfg = getenv("KRB5_CONFIG");
    const char *kdc = getenv("KRB5_KDC_PROFILE");
    profile_t profile = NULL;
    char **vals = NULL;
    size_t n = 0, i;

    snprintf(path, sizeof(path), "%s:%s",
             kdc != NULL ? kdc : "/etc/krb5kdc/kdc.conf",
             cfg != NULL ? cfg : "/etc/krb5.conf");
    if (profile_init_path(path, &profile) == 0 &&
        profile_get_values(profile, names, &vals) == 0) {
        for (i = 0; vals[i] != NULL && n < ADB_MAX_MODULE_DIRS; i++) {
            dirs[n] = strdup(vals[i]);
            if (dirs[n] != NULL)
                n++;
        }
    }
    profile_free_list(vals);
    if (profile != NULL)
        profile_release(profile);
    return n;
}

/* dlopen() the backend NAME.so from the first directory that has it. */
static void *open_backend(const char *name, char *err, size_t errlen)
{
    char *dirs[ADB_MAX_MODULE_DIRS + 2], path[4096], libdir[4096];
    size_t n, i;
    void *h = NULL;
    int len;

    n = module_dirs_from_profile(dirs);
    if (libkdb5_plugin_dir(libdir, sizeof(libdir)))
        dirs[n++] = strdup(libdir);
    dirs[n++] = strdup(ADB_KDB_SYSTEM_DIR);
    snprintf(err, errlen, "cannot find backend %s.so", name);
    for (i = 0; i < n && h == NULL; i++) {
        if (dirs[i] == NULL)
            continue;
        len = snprintf(path, sizeof(path), "%s/%s.so", dirs[i], name);
        if (len < 0 || (size_t)len >= sizeof(path) ||
            access(path, F_OK) != 0)
            continue;
        h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (h == NULL) {
            const char *why = dlerror();

            /* precision-bounded: path and reason share the message */
            snprintf(err, errlen, "cannot load backend %.200s: %.250s",
                     path, why != NULL ? why : "?");
        }
    }
    for (i = 0; i < n; i++)
        free(dirs[i]);
    return h;
}

__attribute__((constructor))
static void adb_load(void)
{
    const kdb_vftabl *vt;

    memset(&kdb_function_table, 0, sizeof(kdb_function_table));
    kdb_function_table.maj_ver = KRB5_KDB_DAL_MAJOR_VERSION;
    kdb_function_table.init_library = adb_init_library;
    backend_from_profile(backend.name, sizeof(backend.name));
    if (strchr(backend.name, '/') != NULL || strcmp(backend.name,
                                                    ADB_MODULE_NAME) == 0) {
        snprintf(backend.error, sizeof(backend.error),
                 "adbridge_backend must name a module such as db2, not %s",
                 backend.name);
        return;
    }
    backend.handle = open_backend(backend.name, backend.error,
                                  sizeof(backend.error));
    if (backend.handle == NULL)
        return;
    vt = dlsym(backend.handle, "kdb_function_table");
    if (vt == NULL || vt->maj_ver != KRB5_KDB_DAL_MAJOR_VERSION) {
        snprintf(backend.error, sizeof(backend.error),
                 "backend %s has no DAL %d function table", backend.name,
                 KRB5_KDB_DAL_MAJOR_VERSION);
        dlclose(backend.handle);
        backend.handle = NULL;
        return;
    }
    backend.vt = *vt;
    kdb_function_table = *vt;
    kdb_function_table.init_library = adb_init_library;
    kdb_function_table.init_module = adb_init_module;
    kdb_function_table.fini_module = adb_fini_module;
    kdb_function_table.create = adb_create;
    kdb_function_table.issue_pac = adb_issue_pac;
    kdb_function_table.check_policy_as = adb_check_policy_as;
    kdb_function_table.check_policy_tgs = adb_check_policy_tgs;
}

__attribute__((destructor))
static void adb_unload(void)
{
    size_t i;

    for (i = 0; i < ADB_MAX_CONTEXTS; i++) {
        pending_clear(NULL, &states[i].pending);
        kdc_bridge_free(states[i].bridge);
        states[i].bridge = NULL;
        states[i].ctx = NULL;
    }
    if (backend.handle != NULL)
        dlclose(backend.handle);
    backend.handle = NULL;
}
