/* SPDX-License-Identifier: MIT */
/*
 * cli_doctor.c - `adbridge doctor`: each check of the setup prints pass,
 * warn or fail with one line saying what to do.
 *
 * Checks made so far (issue 10 adds DNS, the KDC's ports, clock skew, the
 * key match against AD, the mapped SIDs in AD and the client snippets):
 *   config       the configuration file loads without a problem;
 *   kdc.conf     the local realm's database module is adbridge and its
 *                adbridge_config is this file;
 *   trusts       each trust's inter-realm principal exists with AES keys
 *                (two-way: both); every krbtgt/LOCAL@X whose realm X has no
 *                stanza is flagged: its users would pass through to stock
 *                MIT (other_realms = pass), which is what a typo in an AD
 *                trust's name looks like;
 *   audit log    its directory is writable and the file is 0600.
 */
#define _GNU_SOURCE 1
#include "cli_doctor.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <profile.h>

#include "adk.h"
#include "cli.h"
#include "cli_conf.h"
#include "cli_json.h"
#include "cli_verify.h"
#include "conf.h"

#define DOCTOR_KDC_PROFILE "/etc/krb5kdc/kdc.conf"
#define DOCTOR_DEFAULT_CONFIG "/etc/adbridge.conf"
#define DOCTOR_MAX 64

static const char doctor_usage[] =
    CLI_PROGRAM " doctor [--config FILE] [--kdc-conf FILE] [--json]"
    " [--user USER@AD --password-file F] [REALM]";

typedef enum { DR_PASS, DR_WARN, DR_FAIL } dr_status;

typedef struct dr_result {
    char check[32];
    dr_status status;
    char message[512];
    char fix[1024];
} dr_result;

typedef struct doctor {
    dr_result r[DOCTOR_MAX];
    size_t n;
    const char *config_path;
    const char *kdc_profile;
    const char *only_realm;       /* REALM argument, or NULL */
    conf_config *cfg;             /* NULL if it does not load */
} doctor;

static const char *dr_name(dr_status s)
{
    return s == DR_PASS ? "pass" : s == DR_WARN ? "warn" : "fail";
}

static void add(doctor *dr, const char *check, dr_status st, const char *fix,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add(doctor *dr, const char *check, dr_status st, const char *fix,
                const char *fmt, ...)
{
    dr_result *r;
    va_list ap;

    if (dr->n >= DOCTOR_MAX)
        return;
    r = &dr->r[dr->n++];
    snprintf(r->check, sizeof(r->check), "%s", check);
    r->status = st;
    snprintf(r->fix, sizeof(r->fix), "%s", fix != NULL ? fix : "");
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------ config -- */

static void check_config(doctor *dr)
{
    conf_problems pr;
    char fix[1024];
    adb_err err;

    conf_problems_init(&pr);
    err = conf_load(dr->config_path, &dr->cfg, &pr);
    snprintf(fix, sizeof(fix), "run `" CLI_PROGRAM " config check %s` and "
             "correct each problem", dr->config_path);
    if (err == ADB_OK)
        add(dr, "config", DR_PASS, NULL, "%s: %zu trust(s), local realm %s",
            dr->config_path, dr->cfg->trust_count, dr->cfg->local_realm);
    else
        add(dr, "config", DR_FAIL, fix, "%s: %s%s%s", dr->config_path,
            pr.count > 0 ? pr.messages[0] : adb_strerror(err),
            pr.count > 1 ? " (and more)" : "", "");
    conf_problems_free(&pr);
}

/* ---------------------------------------------------------- kdc.conf -- */

/* A string of the KDC profile, or NULL; release with profile_release_string */
static char *prof_get(profile_t p, const char *sec, const char *sub,
                      const char *key)
{
    char *v = NULL;

    if (profile_get_string(p, sec, sub, key, NULL, &v) != 0)
        return NULL;
    return v;
}

/* Whether @a and @b name the same file (both exist), else equal strings. */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return strcmp(a, b) == 0;
}

static void check_kdc_conf(doctor *dr)
{
    const char *realm = dr->cfg->local_realm;
    const char *files[2] = { dr->kdc_profile, NULL };
    profile_t p = NULL;
    char *module = NULL, *lib = NULL, *path = NULL, fix[1024];

    if (access(dr->kdc_profile, R_OK) != 0) {
        add(dr, "kdc.conf", DR_FAIL, "run doctor on the KDC host, or give "
            "--kdc-conf", "cannot read %s: %s", dr->kdc_profile,
            strerror(errno));
        return;
    }
    if (profile_init(files, &p) != 0) {
        add(dr, "kdc.conf", DR_FAIL, "correct the file's syntax",
            "%s does not parse", dr->kdc_profile);
        return;
    }
    module = prof_get(p, "realms", realm, "database_module");
    lib = prof_get(p, "dbmodules", module != NULL ? module : realm,
                   "db_library");
    path = prof_get(p, "dbmodules", module != NULL ? module : realm,
                    "adbridge_config");
    snprintf(fix, sizeof(fix), "in %s: [dbmodules] %s = { db_library = "
             "adbridge, adbridge_config = %s }, then restart krb5kdc",
             dr->kdc_profile, module != NULL ? module : realm,
             dr->config_path);
    if (lib == NULL || strcmp(lib, "adbridge") != 0)
        add(dr, "kdc.conf", DR_FAIL, fix, "the KDC of %s loads %s, not "
            "adbridge", realm, lib != NULL ? lib : "the default db2");
    else if (!same_file(path != NULL ? path : DOCTOR_DEFAULT_CONFIG,
                        dr->config_path))
        add(dr, "kdc.conf", DR_FAIL, fix, "the module of %s reads %s, not "
            "%s", realm, path != NULL ? path : DOCTOR_DEFAULT_CONFIG,
            dr->config_path);
    else
        add(dr, "kdc.conf", DR_PASS, NULL, "%s loads adbridge with this "
            "file", realm);
    profile_release_string(module);
    profile_release_string(lib);
    profile_release_string(path);
    profile_release(p);
}

/* ------------------------------------------------------------ trusts -- */

static const adk_trust_princ *find_princ(const adk_trust_princ *l, size_t n,
                                         const char *realm, bool inbound)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (l[i].inbound == inbound && strcmp(l[i].other_realm, realm) == 0)
            return &l[i];
    }
    return NULL;
}

/* Judge the keys of @p (its current kvno). */
static void check_keys(doctor *dr, const adk_trust_princ *p)
{
    size_t i, aes = 0, weak = 0;
    char fix[1024];

    for (i = 0; i < p->key_count; i++) {
        if (p->keys[i].kvno != p->kvno)
            continue;
        if (adk_enctype_is_aes(p->keys[i].enctype))
            aes++;
        else
            weak++;
    }
    snprintf(fix, sizeof(fix), "set AES keys from the trust password: "
             "kadmin.local -q \"cpw -e aes256-cts:normal,aes128-cts:normal "
             "%s\", and on Windows ksetup /SetEncTypeAttr with "
             "AES256-CTS-HMAC-SHA1-96 AES128-CTS-HMAC-SHA1-96", p->name);
    if (aes == 0)
        add(dr, "trusts", DR_FAIL, fix, "%s has no AES key at kvno %u "
            "(%zu other key(s)): AD trusts need AES", p->name, p->kvno,
            weak);
    else if (weak > 0)
        add(dr, "trusts", DR_WARN, fix, "%s also has %zu non-AES key(s) "
            "at kvno %u", p->name, weak, p->kvno);
    else
        add(dr, "trusts", DR_PASS, NULL, "%s: %zu AES key(s) at kvno %u",
            p->name, aes, p->kvno);
}

static void check_trusts(doctor *dr)
{
    const conf_config *cfg = dr->cfg;
    adk_db *db = NULL;
    adk_trust_princ *list = NULL;
    size_t n = 0, i;
    char msg[512], fix[1024];
    const adk_trust_princ *p;

    if (adk_open(cfg->local_realm, &db, msg, sizeof(msg)) != ADB_OK) {
        add(dr, "trusts", DR_FAIL, "run doctor as root on the KDC host",
            "%s", msg);
        return;
    }
    if (adk_trust_principals(db, &list, &n, msg, sizeof(msg)) != ADB_OK) {
        add(dr, "trusts", DR_FAIL, "check the KDC database", "%s", msg);
        goto cleanup;
    }
    for (i = 0; i < cfg->trust_count; i++) {
        const conf_trust *t = &cfg->trusts[i];

        if (dr->only_realm != NULL && strcmp(dr->only_realm, t->realm) != 0)
            continue;
        p = find_princ(list, n, t->realm, true);
        snprintf(fix, sizeof(fix), "create it with the trust password: "
                 CLI_PROGRAM " trust add %s, or kadmin.local -q \"addprinc "
                 "-e aes256-cts:normal,aes128-cts:normal krbtgt/%s@%s\"",
                 t->realm, cfg->local_realm, t->realm);
        if (p == NULL)
            add(dr, "trusts", DR_FAIL, fix, "trust %s: no principal "
                "krbtgt/%s@%s: its users cannot reach this realm",
                t->realm, cfg->local_realm, t->realm);
        else
            check_keys(dr, p);
        if (t->direction == CONF_DIRECTION_TWO_WAY) {
            p = find_princ(list, n, t->realm, false);
            if (p == NULL)
                add(dr, "trusts", DR_FAIL, "create krbtgt/AD@LOCAL with "
                    "the same password", "trust %s is two-way but "
                    "krbtgt/%s@%s does not exist", t->realm, t->realm,
                    cfg->local_realm);
            else
                check_keys(dr, p);
        }
    }
    /* inbound principals of realms with no stanza */
    for (i = 0; i < n; i++) {
        if (!list[i].inbound || conf_find_trust(cfg, list[i].other_realm))
            continue;
        if (dr->only_realm != NULL &&
            strcmp(dr->only_realm, list[i].other_realm) != 0)
            continue;
        snprintf(fix, sizeof(fix), "if %s is an AD trust, give it a "
                 "[trusts] stanza of exactly that name (realm names are "
                 "case-sensitive); if it is an MIT realm, nothing to do",
                 list[i].other_realm);
        add(dr, "trusts", DR_WARN, fix, "%s: realm %s has no [trusts] "
            "stanza: its users %s", list[i].name, list[i].other_realm,
            cfg->other_realms == CONF_OTHER_PASS
                ? "pass through to stock MIT (other_realms = pass), with "
                  "no rights"
                : "are refused (other_realms = refuse)");
    }

cleanup:
    adk_trust_princs_free(list, n);
    adk_close(db);
}

/* --------------------------------------------------------- audit log -- */

static void check_audit(doctor *dr)
{
    const char *path = dr->cfg->audit_log;
    char dir[PATH_MAX], fix[1024];
    const char *slash;
    struct stat st;

    if (path == NULL) {
        add(dr, "audit log", DR_WARN, "set [adbridge] audit_log = "
            "/var/log/adbridge/audit.jsonl", "no audit_log: decisions are "
            "only in the KDC log");
        return;
    }
    slash = strrchr(path, '/');
    snprintf(dir, sizeof(dir), "%.*s", slash == NULL ? 1
             : slash == path ? 1 : (int)(slash - path),
             slash == NULL ? "." : path);
    snprintf(fix, sizeof(fix), "create %.150s writable by the KDC (mode "
             "0700), and on systemd allow it: ReadWritePaths=%.150s in a "
             "krb5-kdc.service drop-in", dir, dir);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        add(dr, "audit log", DR_FAIL, fix, "directory %s of %s does not "
            "exist", dir, path);
        return;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        add(dr, "audit log", DR_FAIL, fix, "directory %s is not writable: "
            "%s", dir, strerror(errno));
        return;
    }
    if (lstat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            add(dr, "audit log", DR_FAIL, "replace it by a regular file",
                "%s is not a regular file", path);
            return;
        }
        if ((st.st_mode & 07777) != 0600) {
            snprintf(fix, sizeof(fix), "chmod 600 %s", path);
            add(dr, "audit log", DR_FAIL, fix, "%s has mode %04o, not "
                "0600 (it names users and their rights)", path,
                (unsigned)(st.st_mode & 07777));
            return;
        }
    }
    add(dr, "audit log", DR_PASS, NULL, "%s: directory writable%s", path,
        access(path, F_OK) == 0 ? ", file 0600" : ", file created on the "
        "first decision");
}

/* ------------------------------------------------------------ output -- */

static int report(const doctor *dr, bool json)
{
    cli_json js;
    size_t i, fails = 0;
    int status;

    for (i = 0; i < dr->n; i++)
        fails += dr->r[i].status == DR_FAIL;
    if (json) {
        cli_json_init(&js, stdout);
        cli_json_object_begin(&js);
        cli_json_key(&js, "ok");
        cli_json_bool(&js, fails == 0);
        cli_json_key(&js, "checks");
        cli_json_array_begin(&js);
        for (i = 0; i < dr->n; i++) {
            cli_json_object_begin(&js);
            cli_json_key(&js, "check");
            cli_json_string(&js, dr->r[i].check);
            cli_json_key(&js, "status");
            cli_json_string(&js, dr_name(dr->r[i].status));
            cli_json_key(&js, "message");
            cli_json_string(&js, dr->r[i].message);
            cli_json_key(&js, "fix");
            cli_json_string(&js, dr->r[i].fix[0] != '\0' ? dr->r[i].fix
                                                          : NULL);
            cli_json_object_end(&js);
        }
        cli_json_array_end(&js);
        cli_json_object_end(&js);
        status = cli_finish_json(&js);
        if (status != CLI_EXIT_OK)
            return status;
    } else {
        for (i = 0; i < dr->n; i++) {
            printf("%-4s  %-9s  %s\n", dr_name(dr->r[i].status),
                   dr->r[i].check, dr->r[i].message);
            if (dr->r[i].status != DR_PASS && dr->r[i].fix[0] != '\0')
                printf("      %-9s  fix: %s\n", "", dr->r[i].fix);
        }
    }
    return fails > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* -------------------------------------------------------------- user -- */

/* --user USER@AD --password-file F: does the trust hold for this user, i.e.
 * does AD's cross-realm TGT decrypt with the local key (cli_verify)? */
static void check_user(doctor *dr, const char *user, const char *pwfile)
{
    const char *at = strrchr(user, '@');
    cli_verify_result r;

    if (at == NULL || conf_find_trust(dr->cfg, at + 1) == NULL) {
        add(dr, "user", DR_FAIL, "give --user USER@REALM with REALM a trust"
            " of the configuration", "%s: no trust %s", user,
            at != NULL ? at + 1 : "(no realm)");
        return;
    }
    if (cli_verify_run(dr->cfg, at + 1, user, pwfile, NULL, &r, NULL) != 0) {
        add(dr, "user", DR_FAIL, NULL, "%s: the check could not run", user);
        return;
    }
    if (r.ok)
        add(dr, "user", DR_PASS, NULL, "%s: %s", user, r.message);
    else
        add(dr, "user", DR_FAIL, r.cause, "%s: %s failed: %s", user, r.step,
            r.message);
}

static void doctor_help(void)
{
    printf("usage: %s\n\n"
           "Check the setup: the configuration, the KDC's kdc.conf, each\n"
           "trust's principals and keys in the KDC database, the audit log.\n"
           "Each check prints pass, warn or fail, and what to do.  Run as\n"
           "root on the KDC host.\n\n"
           "  --config FILE    the configuration (default $ADBRIDGE_CONFIG,"
           " else /etc/adbridge.conf)\n"
           "  --kdc-conf FILE  the KDC's kdc.conf (default $KRB5_KDC_PROFILE,"
           " else /etc/krb5kdc/kdc.conf)\n"
           "  --json           one JSON object, for monitoring\n"
           "  --user USER@AD   also prove the trust key with USER's TGT"
           " (`trust verify`)\n"
           "  --password-file F  USER's password (with --user)\n"
           "  REALM            check only this trust\n\n"
           "Exit status: 0 no check failed, 1 a check failed, 2 usage.\n",
           doctor_usage);
}

int cli_doctor_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "kdc-conf", required_argument, NULL, 'k' },
        { "json", no_argument, NULL, 'j' },
        { "user", required_argument, NULL, 'u' },
        { "password-file", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    doctor *dr = NULL;
    const char *opt_config = NULL, *env, *user = NULL, *pwfile = NULL;
    bool json = false;
    int ch, status = CLI_EXIT_FAIL;

    dr = calloc(1, sizeof(*dr));
    if (dr == NULL) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    env = getenv("KRB5_KDC_PROFILE");
    dr->kdc_profile = env != NULL && *env != '\0' ? env : DOCTOR_KDC_PROFILE;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': opt_config = optarg; break;
        case 'k': dr->kdc_profile = optarg; break;
        case 'j': json = true; break;
        case 'u': user = optarg; break;
        case 'p': pwfile = optarg; break;
        case 'h':
            doctor_help();
            status = CLI_EXIT_OK;
            goto cleanup;
        default:
            status = cli_bad_option(doctor_usage, ch, argv);
            goto cleanup;
        }
    }
    if (argc - optind > 1) {
        status = cli_usage_error(doctor_usage, "unexpected argument '%s'",
                                 argv[optind + 1]);
        goto cleanup;
    }
    if ((user != NULL) != (pwfile != NULL)) {
        status = cli_usage_error(doctor_usage, "--user and --password-file"
                                 " go together");
        goto cleanup;
    }
    if (optind < argc)
        dr->only_realm = argv[optind];
    dr->config_path = cli_conf_file(opt_config);
    check_config(dr);
    if (dr->cfg != NULL) {
        if (dr->only_realm != NULL &&
            conf_find_trust(dr->cfg, dr->only_realm) == NULL)
            add(dr, "config", DR_FAIL, "give a realm of the [trusts] "
                "section (case-sensitive)", "no trust %s in %s",
                dr->only_realm, dr->config_path);
        check_kdc_conf(dr);
        check_trusts(dr);
        check_audit(dr);
        if (user != NULL)
            check_user(dr, user, pwfile);
    }
    status = report(dr, json);

cleanup:
    if (dr != NULL)
        conf_free(dr->cfg);
    free(dr);
    return status;
}
