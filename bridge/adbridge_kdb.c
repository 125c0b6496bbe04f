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

static struct {
    krb5_context ctx;
    kdc_bridge *bridge;
    int disable_pac;              /* the realm's disable_pac: -1 not read */
} states[ADB_MAX_CONTEXTS];

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
    char *path = NULL;
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

    if (req->kind != KDC_KIND_CROSS_REALM && !d->refused && d->rights == 0 &&
        d->required == 0)
        return;
    line = kdc_log_line(req, d);
    log_line(NULL, d->refused ? LOG_WARNING : LOG_INFO,
             line != NULL ? line : "adbridge: (decision not logged: out of "
                                   "memory)");
    free(line);
    if (config != NULL && config->audit_log != NULL) {
        line = kdc_audit_json(req, d, now);
        if (line == NULL ||
            kdc_bridge_audit(bridge, config->audit_log, line, now) != ADB_OK)
            log_line(NULL, LOG_ERR, "adbridge: cannot append to the audit "
                                    "log");
        free(line);
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
    const conf_config *config;
    kdc_request req;
    kdc_decision d;
    char *cname = NULL, *sname = NULL, *trealm = NULL, *rights = NULL;
    char *require = NULL, **inds = NULL;
    char *ciname = NULL, *xname = NULL;
    krb5_error_code ret = 0;
    time_t now = time(NULL);
    adb_err err;

    memset(&req, 0, sizeof(req));
    kdc_decision_init(&d);
    if (backend.vt.issue_pac != NULL) {
        ret = backend.vt.issue_pac(ctx, flags, client, replaced_reply_key,
                                   server, signing_krbtgt, authtime, old_pac,
                                   new_pac, auth_indicators);
        if (ret && ret != KRB5_PLUGIN_OP_NOTSUPP)
            goto cleanup;
        ret = 0;
    }
    if (bridge == NULL)
        goto cleanup;              /* opened without init_module */
    config = kdc_bridge_config(bridge, now);

    if (client != NULL && krb5_unparse_name(ctx, client->princ, &cname) != 0)
        cname = NULL;
    if (server != NULL && krb5_unparse_name(ctx, server->princ, &sname) != 0)
        sname = NULL;
    if (server != NULL && krb5_dbe_get_string(ctx, server, "adbridge_require",
                                              &require) != 0)
        require = NULL;
    req.client = cname;
    req.service = sname;
    req.require = require;

    if (flags & KRB5_KDB_FLAG_CROSS_REALM) {
        req.kind = KDC_KIND_CROSS_REALM;
        if (signing_krbtgt != NULL) {
            const krb5_data *r = &signing_krbtgt->princ->realm;

            trealm = strndup(r->data != NULL ? r->data : "", r->length);
            if (trealm == NULL) {
                ret = ENOMEM;
                goto cleanup;
            }
        }
        req.trust_realm = trealm;
        req.old_pac = old_pac;
        /* A client of a trusted realm has no entry here: its name is the
         * CLIENT_INFO name, which the KDC has checked against the ticket
         * (read with MIT's parser, so it is known even when our decoder
         * refuses the PAC). */
        if (cname == NULL && old_pac != NULL &&
            krb5_pac_get_client_info(ctx, old_pac, NULL, &ciname) == 0 &&
            asprintf(&xname, "%s@%s", ciname,
                     trealm != NULL ? trealm : "") < 0)
            xname = NULL;
        if (xname != NULL)
            req.client = xname;
    } else if (old_pac == NULL && signing_krbtgt == NULL) {
        req.kind = KDC_KIND_AS;
        if (client != NULL &&
            krb5_dbe_get_string(ctx, client, "adbridge_rights", &rights) != 0)
            rights = NULL;
        req.client_rights = rights;
    } else {
        req.kind = KDC_KIND_LOCAL_TGS;
        /* S4U2Self: old_pac is the requesting service's; copy nothing. */
        if (!((flags & KRB5_KDB_FLAG_PROTOCOL_TRANSITION) && client != NULL))
            req.old_pac = old_pac;
        inds = indicator_strings(*auth_indicators);
        if (inds == NULL) {
            ret = ENOMEM;
            goto cleanup;
        }
        req.indicators = (const char *const *)inds;
    }

    err = kdc_decide(ctx, config, &req, &d);
    if (err != ADB_OK) {
        log_line(NULL, LOG_ERR, "adbridge: REFUSE: internal error deciding "
                                "the request");
        ret = err == ADB_ERR_NOMEM ? ENOMEM : KRB5KDC_ERR_POLICY;
        goto cleanup;
    }
    report(bridge, config, &req, &d, now);
    if (d.refused) {
        ret = KRB5KDC_ERR_POLICY;
        krb5_set_error_message(ctx, ret, "adbridge: %s",
                               kdc_refusal_name(d.refusal));
        goto cleanup;
    }
    if (req.kind != KDC_KIND_LOCAL_TGS) {
        ret = set_indicators(config, auth_indicators, d.indicators);
    }
    if (!ret)
        ret = kdc_copy_buffers(ctx, &d, req.old_pac, new_pac);
    if (ret)   /* the decision was logged as allowed: say it did not hold */
        log_line(NULL, LOG_ERR, "adbridge: the allowed request failed while "
                                "building the ticket (out of memory?)");

cleanup:
    kdc_decision_free(&d);
    free(inds);
    free(trealm);
    free(ciname);
    free(xname);
    krb5_dbe_free_string(ctx, rights);
    krb5_dbe_free_string(ctx, require);
    krb5_free_unparsed_name(ctx, cname);
    krb5_free_unparsed_name(ctx, sname);
    return ret;
}

/* True if @p is a ticket-granting principal krbtgt/X@Y. */
static bool is_krbtgt(krb5_const_principal p)
{
    return p->length == 2 && p->data[0].length == KRB5_TGS_NAME_SIZE &&
           memcmp(p->data[0].data, KRB5_TGS_NAME, KRB5_TGS_NAME_SIZE) == 0;
}

/* Whether the decrypted ticket @tkt carries a PAC (AD-IF-RELEVANT/128);
 * if @pac_out is not NULL, the PAC parsed (NULL if it does not parse).
 * MIT has verified the header ticket's PAC before check_policy_tgs(). */
static bool ticket_pac(krb5_context ctx, const krb5_ticket *tkt,
                       krb5_pac *pac_out)
{
    krb5_authdata **ad = NULL;
    bool found;

    if (pac_out != NULL)
        *pac_out = NULL;
    if (tkt->enc_part2 == NULL ||
        krb5_find_authdata(ctx, tkt->enc_part2->authorization_data, NULL,
                           KRB5_AUTHDATA_WIN2K_PAC, &ad) != 0 || ad == NULL)
        return false;
    found = ad[0] != NULL;
    if (found && pac_out != NULL &&
        krb5_pac_parse(ctx, ad[0]->contents, ad[0]->length, pac_out) != 0)
        *pac_out = NULL;
    krb5_free_authdata(ctx, ad);
    return found;
}

/*
 * MIT 1.20's handle_pac() calls issue_pac() for a TGS request only if the
 * header ticket carries a PAC, the service does not have
 * +no_auth_data_required, the ticket is not anonymous and the realm does
 * not set disable_pac; otherwise it issues the ticket without asking this
 * module.  This hook sees every TGS request, so it decides exactly those
 * requests, so that nothing adbridge would refuse gets through that way:
 *  - a ticket from another realm's KDC (server krbtgt/LOCAL@OTHER) is
 *    decided as a cross-realm request with the PAC it carries, if any
 *    (refused when the trust requires a PAC, the trust is unknown, the PAC
 *    is refused, the user has no right and the trust refuses, or the
 *    service's adbridge_require is not met);
 *  - a local ticket for a service with adbridge_require is decided with
 *    no rights (the rights travel as indicators that the ticket issued
 *    this way would not carry), so it is refused.
 * Seen without a PAC in tests/e2e/test_bridge.sh (mode nopac).
 */
static krb5_error_code adb_check_policy_tgs(krb5_context ctx,
                                            krb5_kdc_req *request,
                                            krb5_db_entry *server,
                                            krb5_ticket *ticket,
                                            const char **status,
                                            krb5_pa_data ***e_data)
{
    kdc_bridge *bridge = state_get(ctx);
    const conf_config *config;
    const krb5_principal tgs = ticket != NULL ? ticket->server : NULL;
    kdc_request req;
    kdc_decision d;
    char *cname = NULL, *sname = NULL, *trealm = NULL, *require = NULL;
    krb5_pac pac = NULL;
    krb5_error_code ret = 0;
    time_t now = time(NULL);
    adb_err err;
    bool cross;

    memset(&req, 0, sizeof(req));
    kdc_decision_init(&d);
    if (backend.vt.check_policy_tgs != NULL) {
        ret = backend.vt.check_policy_tgs(ctx, request, server, ticket,
                                          status, e_data);
        if (ret && ret != KRB5_PLUGIN_OP_NOTSUPP)
            goto cleanup;
        ret = 0;
    }
    if (bridge == NULL || tgs == NULL || server == NULL ||
        ticket->enc_part2 == NULL || !is_krbtgt(tgs))
        goto cleanup;
    /* the common case first, without parsing the PAC */
    if (ticket_pac(ctx, ticket, NULL) &&
        !(server->attributes & KRB5_KDB_NO_AUTH_DATA_REQUIRED) &&
        !(ticket->enc_part2->flags & TKT_FLG_ANONYMOUS) &&
        !realm_disables_pac(ctx, &server->princ->realm))
        goto cleanup;              /* issue_pac() decides */
    cross = !krb5_realm_compare(ctx, tgs, server->princ);
    if (krb5_dbe_get_string(ctx, server, "adbridge_require", &require) != 0)
        require = NULL;
    if (!cross && require == NULL)
        goto cleanup;              /* nothing of adbridge's to check */

    config = kdc_bridge_config(bridge, now);
    if (krb5_unparse_name(ctx, ticket->enc_part2->client, &cname) != 0)
        cname = NULL;
    if (krb5_unparse_name(ctx, server->princ, &sname) != 0)
        sname = NULL;
    req.client = cname;
    req.service = sname;
    req.require = require;
    if (cross) {
        trealm = strndup(tgs->realm.data != NULL ? tgs->realm.data : "",
                         tgs->realm.length);
        if (trealm == NULL) {
            ret = ENOMEM;
            goto cleanup;
        }
        req.kind = KDC_KIND_CROSS_REALM;
        req.trust_realm = trealm;
        (void)ticket_pac(ctx, ticket, &pac);
        req.old_pac = pac;
    } else {
        req.kind = KDC_KIND_LOCAL_TGS;
    }
    err = kdc_decide(ctx, config, &req, &d);
    if (err != ADB_OK) {
        log_line(NULL, LOG_ERR, "adbridge: REFUSE: internal error deciding "
                                "the request");
        ret = err == ADB_ERR_NOMEM ? ENOMEM : KRB5KDC_ERR_POLICY;
        *status = "ADBRIDGE_INTERNAL_ERROR";
        goto cleanup;
    }
    report(bridge, config, &req, &d, now);
    if (d.refused) {
        ret = KRB5KDC_ERR_POLICY;
        *status = "ADBRIDGE_POLICY";
        krb5_set_error_message(ctx, ret, "adbridge: %s",
                               kdc_refusal_name(d.refusal));
    }

cleanup:
    kdc_decision_free(&d);
    krb5_pac_free(ctx, pac);
    free(trealm);
    krb5_dbe_free_string(ctx, require);
    krb5_free_unparsed_name(ctx, cname);
    krb5_free_unparsed_name(ctx, sname);
    return ret;
}

/* ------------------------------------------------------------ loading -- */

__attribute__((constructor))
static void adb_load(void)
{
    char path[4096];
    const kdb_vftabl *vt;
    int n;

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
    n = snprintf(path, sizeof(path), "%s/%s.so", ADB_KDB_SYSTEM_DIR,
                 backend.name);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        snprintf(backend.error, sizeof(backend.error),
                 "backend name too long");
        return;
    }
    backend.handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (backend.handle == NULL) {
        snprintf(backend.error, sizeof(backend.error),
                 "cannot load backend %s: %s", backend.name, dlerror());
        return;
    }
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
    kdb_function_table.check_policy_tgs = adb_check_policy_tgs;
}

__attribute__((destructor))
static void adb_unload(void)
{
    size_t i;

    for (i = 0; i < ADB_MAX_CONTEXTS; i++) {
        kdc_bridge_free(states[i].bridge);
        states[i].bridge = NULL;
        states[i].ctx = NULL;
    }
    if (backend.handle != NULL)
        dlclose(backend.handle);
    backend.handle = NULL;
}
