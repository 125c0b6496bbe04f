/* SPDX-License-Identifier: MIT */
/*
 * cli_trust_wiz.c - the trust wizard: `adbridge trust add`, `trust verify`,
 * `trust rotate` (+ --finish, --force) and `trust remove` (issue 9).
 *
 * Every command checks everything first (names, enctypes, the password,
 * that AD's KDCs answer with a sane clock, what AD's LDAP says, existing
 * principals, that the new configuration loads and differs only by the
 * trust), and only then writes: the KDC database through kadm5 (kadm/),
 * then the configuration file (cli_conf_stanza_*).  When a later write
 * fails the earlier ones are undone (principals deleted, or their saved
 * keys restored), so the database and the file are as before.
 *
 * The trust password lives in one heap buffer, wiped by cli_secret_free();
 * it is printed only when it was generated and not written to
 * --password-out, once, in the Windows command.
 */
#define _GNU_SOURCE 1
#include "cli_trust.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <profile.h>

#include "adk.h"
#include "adl.h"
#include "cli.h"
#include "cli_conf.h"
#include "cli_json.h"
#include "cli_secret.h"
#include "cli_twz.h"
#include "cli_verify.h"
#include "conf.h"
#include "dns.h"
#include "dns_probe.h"

/* rotate --finish: AD's default ticket lifetime (10 h) plus an hour. */
#define TWZ_GRACE_SECONDS (11 * 3600)

static const char trust_add_usage[] =
    CLI_PROGRAM " trust add REALM [--config FILE] [--netbios NAME]"
    " [--domain-sid SID] [--kdc HOST[:PORT]]... [--direction inbound|two-way]"
    " [--password-file F | --generate-password [--password-out F]]"
    " [--enctypes aes256,aes128[,rc4]] [--ad-user USER [--ad-password-file F]]"
    " [--site S] [--replace] [--yes] [--json]";
static const char trust_rotate_usage[] =
    CLI_PROGRAM " trust rotate REALM [--config FILE] [--password-file F |"
    " --generate-password [--password-out F]] [--finish [--force]] [--yes]"
    " [--json]";
static const char trust_verify_usage[] =
    CLI_PROGRAM " trust verify REALM --user USER@REALM [--config FILE]"
    " [--password-file F | --ccache CC] [--json]";
static const char trust_remove_usage[] =
    CLI_PROGRAM " trust remove REALM [--config FILE] [--yes] [--json]";

/* ------------------------------------------------------------ helpers -- */

/* Ask a yes/no question on /dev/tty; false without a terminal. */
static bool ask_yes(const char *question)
{
    char line[16];
    FILE *tty = fopen("/dev/tty", "r+");
    bool yes = false;

    if (tty == NULL)
        return false;
    fprintf(tty, "%s [y/N] ", question);
    fflush(tty);
    if (fgets(line, sizeof(line), tty) != NULL)
        yes = line[0] == 'y' || line[0] == 'Y';
    fclose(tty);
    return yes;
}

/* Ask for one line on /dev/tty (echoed); NULL without a terminal. */
static char *ask_line(const char *question)
{
    char line[256];
    FILE *tty = fopen("/dev/tty", "r+");
    char *out = NULL;
    size_t n;

    if (tty == NULL)
        return NULL;
    fprintf(tty, "%s: ", question);
    fflush(tty);
    if (fgets(line, sizeof(line), tty) != NULL) {
        n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (n > 0)
            out = strdup(line);
    }
    fclose(tty);
    return out;
}

/* The local realm's first KDC host from the krb5 profile, else this host's
 * name; into @buf. */
static const char *local_kdc_host(krb5_context ctx, const char *realm,
                                  char *buf, size_t size)
{
    profile_t prof = NULL;
    char *v = NULL, *colon;

    buf[0] = '\0';
    if (krb5_get_profile(ctx, &prof) == 0 &&
        profile_get_string(prof, "realms", realm, "kdc", NULL, &v) == 0 &&
        v != NULL) {
        snprintf(buf, size, "%s", v);
        colon = strrchr(buf, ':');
        if (colon != NULL && strchr(buf, ']') == NULL &&
            strchr(buf, ':') == colon)
            *colon = '\0';
    }
    profile_release_string(v);
    profile_release(prof);
    if (buf[0] == '\0' && gethostname(buf, size) != 0)
        snprintf(buf, size, "<this KDC's host>");
    return buf;
}

/* The password for add/rotate: from --password-file, generated, or typed
 * twice.  *@generated says whether it was generated.  Returns 0 or -1. */
static int get_password(const char *file, bool generate, bool yes, char **pw,
                        bool *generated)
{
    const char *why;
    bool non_ascii;

    *pw = NULL;
    *generated = false;
    /* no core file (and no ptrace by other users) while we hold it */
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (file != NULL) {
        if (cli_secret_read_file(file, pw) != 0)
            return -1;
    } else if (generate) {
        if (cli_secret_generate(CLI_SECRET_GEN_LEN, pw) != 0) {
            cli_error("OpenSSL's random number generator failed");
            return -1;
        }
        *generated = true;
    } else if (yes) {
        cli_error("--yes: no trust password given (--password-file F or"
                  " --generate-password)");
        return -1;
    } else if (cli_secret_prompt("Trust password (as typed on the Windows"
                                 " side): ", "Again: ", pw) != 0) {
        return -1;
    }
    why = cli_secret_check(*pw, &non_ascii);
    if (why != NULL) {
        cli_error("%s; nothing was changed", why);
        cli_secret_free(*pw);
        *pw = NULL;
        return -1;
    }
    if (non_ascii)
        cli_error("warning: the trust password is not ASCII: Windows and MIT"
                  " derive keys from different encodings of it; prefer"
                  " ASCII");
    return 0;
}

/* -------------------------------------------------- KDCs, skew, LDAP -- */

typedef struct twz_found {
    dns_result *kdcs;
    size_t answered;
    int64_t worst_skew_ms;    /* largest |offset| among answers with time */
    bool have_skew;
    char dc_host[256];        /* first KDC's host name, for LDAP */
    char dc_addr[64];
} twz_found;

/* Find and probe AD's KDCs.  Returns CLI_EXIT_OK when at least one
 * answered with a clock within DNS_PROBE_SKEW_LIMIT. */
static int find_kdcs(const char *realm, const conf_config *cfg,
                     const char *const *kdcs, size_t kdc_count,
                     const char *site, twz_found *f)
{
    dns_options opts;
    krb5_context ctx = NULL;
    size_t i;
    adb_err err;
    int status = CLI_EXIT_FAIL;

    memset(f, 0, sizeof(*f));
    dns_options_init(&opts);
    opts.dns_servers = cfg != NULL ? cfg->dns_servers : NULL;
    opts.site = site;
    opts.configured = kdcs;
    opts.configured_count = kdc_count;
    opts.dns_with_configured = kdc_count == 0;
    opts.failover_seconds = 0;
    err = dns_lookup(realm, DNS_SERVICE_KDC, SOCK_DGRAM, &opts, &f->kdcs);
    if (err != ADB_OK || f->kdcs == NULL || f->kdcs->endpoint_count == 0) {
        cli_error("no KDC of %s found (%s): give --kdc HOST or fix DNS;"
                  " nothing was changed", realm,
                  err == ADB_OK ? "none" : adb_strerror(err));
        goto cleanup;
    }
    if (krb5_init_context(&ctx) != 0) {
        cli_error("cannot create a Kerberos context");
        goto cleanup;
    }
    for (i = 0; i < f->kdcs->endpoint_count; i++) {
        const dns_endpoint *e = &f->kdcs->endpoints[i];
        dns_probe_result r;
        int64_t a;

        if (dns_probe_kdc(ctx, realm, (const struct sockaddr *)&e->addr,
                          e->addrlen, e->socktype, 2000, &r) != ADB_OK ||
            !r.answered)
            continue;
        if (f->answered++ == 0) {
            snprintf(f->dc_host, sizeof(f->dc_host), "%s",
                     e->host != NULL ? e->host : "");
            if (e->addr.ss_family == AF_INET)
                inet_ntop(AF_INET,
                          &((const struct sockaddr_in *)&e->addr)->sin_addr,
                          f->dc_addr, sizeof(f->dc_addr));
        }
        if (r.have_time) {
            a = r.offset_ms < 0 ? -r.offset_ms : r.offset_ms;
            if (!f->have_skew || a > f->worst_skew_ms)
                f->worst_skew_ms = a;
            f->have_skew = true;
        }
    }
    if (f->answered == 0) {
        cli_error("no KDC of %s answers (tried %zu address(es), e.g. %s):"
                  " is the DC reachable from here (UDP/TCP 88)? nothing was"
                  " changed", realm, f->kdcs->endpoint_count,
                  f->kdcs->endpoints[0].host != NULL ?
                  f->kdcs->endpoints[0].host : "?");
        goto cleanup;
    }
    if (f->have_skew && f->worst_skew_ms > DNS_PROBE_SKEW_LIMIT * 1000) {
        cli_error("the clock of %s's KDC is %lld s away from this host's"
                  " (Kerberos allows %d s): fix the time first, e.g."
                  " `timedatectl set-ntp true` here and `w32tm /resync` on"
                  " the DC; nothing was changed", realm,
                  (long long)(f->worst_skew_ms / 1000), DNS_PROBE_SKEW_LIMIT);
        goto cleanup;
    }
    status = CLI_EXIT_OK;

cleanup:
    if (ctx != NULL)
        krb5_free_context(ctx);
    return status;
}

typedef struct twz_ldap {
    bool done;
    char sid[ADB_SID_STR_MAX];
    char netbios[64];
    int32_t level;
} twz_ldap;

/* Read the domain SID, NetBIOS name and functional level from AD's LDAP
 * (SASL/GSSAPI, SSF >= 1) as @user. */
static int ldap_lookup(const char *user, const char *pwfile,
                       const twz_found *f, twz_ldap *out)
{
    adl_creds *creds = NULL;
    adl_conn *conn = NULL;
    adl_rootdse *root = NULL;
    adl_domain *dom = NULL;
    adl_conn_opts o;
    adl_msg msg;
    char *pw = NULL, uri[300];
    int status = CLI_EXIT_FAIL;

    memset(out, 0, sizeof(*out));
    memset(&o, 0, sizeof(o));
    msg.text[0] = '\0';
    if (pwfile != NULL) {
        if (cli_secret_read_file(pwfile, &pw) != 0)
            goto cleanup;
        if (adl_creds_from_password(user, pw, &creds, &msg) != ADB_OK) {
            cli_error("AD user %s: %s; nothing was changed", user, msg.text);
            goto cleanup;
        }
    } else if (adl_creds_from_ccache(NULL, &creds, &msg) != ADB_OK) {
        cli_error("--ad-user %s: no --ad-password-file and no ticket in the"
                  " default ccache (%s); nothing was changed", user,
                  msg.text);
        goto cleanup;
    }
    if (f->dc_host[0] == '\0') {
        cli_error("no DC host name to bind to over LDAP; nothing was"
                  " changed");
        goto cleanup;
    }
    snprintf(uri, sizeof(uri), "ldap://%s", f->dc_host);
    o.uri = uri;
    o.address = f->dc_addr[0] != '\0' ? f->dc_addr : NULL;
    if (adl_connect(&o, &conn, &msg) != ADB_OK ||
        adl_bind_gssapi(conn, creds, &msg) != ADB_OK ||
        adl_read_rootdse(conn, &root, &msg) != ADB_OK ||
        adl_read_domain(conn, root, &dom, &msg) != ADB_OK) {
        cli_error("AD's LDAP at %s: %s; nothing was changed", uri, msg.text);
        goto cleanup;
    }
    adb_sid_format(&dom->sid, out->sid);
    snprintf(out->netbios, sizeof(out->netbios), "%s",
             dom->netbios_name != NULL ? dom->netbios_name : "");
    out->level = root->domain_functionality;
    out->done = true;
    status = CLI_EXIT_OK;

cleanup:
    cli_secret_free(pw);
    adl_domain_free(dom);
    adl_rootdse_free(root);
    adl_conn_free(conn);
    adl_creds_free(creds);
    return status;
}

/* ------------------------------------------------------------ undo -- */

/* What the wizard changed in the database, to undo it. */
typedef struct twz_change {
    char name[1024];
    bool created;             /* undo: delete */
    adk_saved *saved;         /* undo: restore (replaced or rotated) */
    bool deleted;             /* undo: re-create and restore */
} twz_change;

static void undo_changes(adk_db *db, twz_change *ch, size_t n)
{
    char msg[512], *tmp = NULL;
    const krb5_enctype aes[] = { ENCTYPE_AES256_CTS_HMAC_SHA1_96 };

    while (n-- > 0) {
        twz_change *c = &ch[n];

        if (c->created) {
            if (adk_delete(db, c->name, msg, sizeof(msg)) != ADB_OK)
                cli_error("UNDO FAILED: could not delete %s again: %s",
                          c->name, msg);
            else
                cli_error("undone: %s deleted again", c->name);
        } else if (c->saved != NULL) {
            if (c->deleted) {
                if (cli_secret_generate(CLI_SECRET_GEN_LEN, &tmp) != 0 ||
                    adk_create(db, c->name, aes, 1, tmp, msg,
                               sizeof(msg)) != ADB_OK)
                    cli_error("UNDO FAILED: could not re-create %s", c->name);
                cli_secret_free(tmp);
                tmp = NULL;
            }
            if (adk_restore(db, c->saved, msg, sizeof(msg)) != ADB_OK)
                cli_error("UNDO FAILED: %s: %s", c->name, msg);
            else
                cli_error("undone: %s has its old keys again", c->name);
        }
    }
}

static void free_changes(adk_db *db, twz_change *ch, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        adk_saved_free(db, ch[i].saved);
}

/* ---------------------------------------------------------------- add -- */

typedef struct add_args {
    const char *config, *realm, *netbios, *sid, *direction, *pwfile;
    const char *pwout, *enctypes, *ad_user, *ad_pwfile, *site;
    const char *kdcs[16];
    size_t kdc_count;
    bool generate, replace, yes, json;
} add_args;

static int add_parse(int argc, char **argv, add_args *a, int *status)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "netbios", required_argument, NULL, 'n' },
        { "domain-sid", required_argument, NULL, 's' },
        { "kdc", required_argument, NULL, 'k' },
        { "direction", required_argument, NULL, 'd' },
        { "password-file", required_argument, NULL, 'p' },
        { "generate-password", no_argument, NULL, 'g' },
        { "password-out", required_argument, NULL, 'o' },
        { "enctypes", required_argument, NULL, 'e' },
        { "ad-user", required_argument, NULL, 'u' },
        { "ad-password-file", required_argument, NULL, 'a' },
        { "site", required_argument, NULL, 'S' },
        { "replace", no_argument, NULL, 'r' },
        { "yes", no_argument, NULL, 'y' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int ch;

    memset(a, 0, sizeof(*a));
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': a->config = optarg; break;
        case 'n': a->netbios = optarg; break;
        case 's': a->sid = optarg; break;
        case 'k':
            if (a->kdc_count == 16) {
                *status = cli_usage_error(trust_add_usage,
                                          "at most 16 --kdc options");
                return -1;
            }
            a->kdcs[a->kdc_count++] = optarg;
            break;
        case 'd': a->direction = optarg; break;
        case 'p': a->pwfile = optarg; break;
        case 'g': a->generate = true; break;
        case 'o': a->pwout = optarg; break;
        case 'e': a->enctypes = optarg; break;
        case 'u': a->ad_user = optarg; break;
        case 'a': a->ad_pwfile = optarg; break;
        case 'S': a->site = optarg; break;
        case 'r': a->replace = true; break;
        case 'y': a->yes = true; break;
        case 'j': a->json = true; break;
        case 'h':
            printf("usage: %s\n\n"
                   "Set up the MIT side of a trust with an AD domain: check\n"
                   "the names, find and probe AD's KDCs (clock skew), read\n"
                   "the domain SID and NetBIOS name from AD's LDAP (with\n"
                   "--ad-user; --netbios with --domain-sid skips it), take\n"
                   "the trust password, create krbtgt/LOCAL@REALM (two-way:\n"
                   "also krbtgt/REALM@LOCAL) in the KDC database and the\n"
                   "trust's stanza in the configuration, then print the\n"
                   "Windows commands and krb5.conf lines.  Nothing is\n"
                   "changed unless every check passes.\n\n"
                   "  --netbios NAME          AD's NetBIOS (flat) name\n"
                   "  --domain-sid SID        AD's domain SID\n"
                   "  --kdc HOST[:PORT]       AD's KDC (repeatable; default"
                   " DNS SRV)\n"
                   "  --direction D           inbound (default) or two-way\n"
                   "  --password-file F       the trust password (first"
                   " line)\n"
                   "  --generate-password     generate 32 random characters\n"
                   "  --password-out F        write the generated one to F"
                   " (0600)\n"
                   "  --enctypes LIST         aes256,aes128 (default), rc4"
                   " only if asked\n"
                   "  --ad-user USER          read AD's LDAP as USER"
                   " (Kerberos)\n"
                   "  --ad-password-file F    USER's password (else the"
                   " ccache)\n"
                   "  --site S                AD site for KDC discovery\n"
                   "  --replace               replace existing principals\n"
                   "  --yes                   no questions: anything"
                   " missing is an error\n"
                   "  --json                  the result as JSON\n\n"
                   "Exit status: 0 set up, 1 refused or failed (nothing"
                   " changed), 2 usage.\n", trust_add_usage);
            *status = CLI_EXIT_OK;
            return -1;
        default:
            *status = cli_bad_option(trust_add_usage, ch, argv);
            return -1;
        }
    }
    if (argc - optind != 1) {
        *status = cli_usage_error(trust_add_usage, argc - optind == 0 ?
                                  "missing REALM" : "too many arguments");
        return -1;
    }
    a->realm = argv[optind];
    if (a->pwfile != NULL && a->generate) {
        *status = cli_usage_error(trust_add_usage, "--password-file and"
                                  " --generate-password exclude each other");
        return -1;
    }
    if (a->pwout != NULL && !a->generate) {
        *status = cli_usage_error(trust_add_usage, "--password-out needs"
                                  " --generate-password");
        return -1;
    }
    if (a->ad_pwfile != NULL && a->ad_user == NULL) {
        *status = cli_usage_error(trust_add_usage, "--ad-password-file"
                                  " needs --ad-user");
        return -1;
    }
    return 0;
}

/* Print (or put into @js) the result of add/rotate. */
static void print_windows(const twz_plan *plan, const char *const *kdcs,
                          size_t kdc_count, bool rotate, cli_json *js)
{
    char lines[TWZ_MAX_LINES][TWZ_LINE_MAX];
    size_t n, i;

    n = twz_windows_commands(plan, lines);
    if (rotate) {
        /* only the password reset; the rest is already in place */
        snprintf(lines[0], TWZ_LINE_MAX, "netdom trust %s /Domain:%s /realm"
                 " /passwordt:%s%s%s", plan->local_realm, plan->ad_realm,
                 plan->password_shown != NULL ? "" : "\"",
                 plan->password_shown != NULL ? plan->password_shown
                 : TWZ_PASSWORD_PLACEHOLDER,
                 plan->password_shown != NULL ? "" : "\"");
        n = 1;
    }
    if (js != NULL) {
        cli_json_key(js, "windows_commands");
        cli_json_array_begin(js);
        for (i = 0; i < n; i++)
            cli_json_string(js, lines[i]);
        cli_json_array_end(js);
    } else {
        printf("\nOn a domain controller of %s (as a domain admin), run:\n",
               plan->ad_realm);
        for (i = 0; i < n; i++)
            printf("  %s\n", lines[i]);
    }
    if (rotate)
        return;
    n = twz_krb5_conf(plan, kdcs, kdc_count, lines);
    if (js != NULL) {
        cli_json_key(js, "krb5_conf");
        cli_json_array_begin(js);
        for (i = 0; i < n; i++)
            cli_json_string(js, lines[i]);
        cli_json_array_end(js);
    } else {
        printf("\nkrb5.conf of the devices and clients of %s:\n",
               plan->local_realm);
        for (i = 0; i < n; i++)
            printf("  %s\n", lines[i]);
    }
}

static int cli_trust_add(int argc, char **argv)
{
    add_args a;
    conf_config *cfg = NULL;
    conf_problems pr;
    adk_db *db = NULL;
    cli_conf_stanza *edit = NULL;
    twz_found found;
    twz_ldap lk;
    twz_change ch[2];
    twz_plan plan;
    krb5_enctype etypes[TWZ_MAX_ENCTYPES];
    size_t n_et, n_ch = 0, i;
    bool rc4 = false, two_way = false, generated = false, exists;
    bool pwout_written = false;
    char *pw = NULL, *nb_asked = NULL, *sid_asked = NULL;
    char reason[512], msg[512], stanza[4096], kdchost[256];
    char names[2][512];
    const char *path, *local, *netbios, *sid;
    adb_sid parsed_sid;
    size_t pos;
    cli_json js;
    int status = CLI_EXIT_FAIL;

    memset(ch, 0, sizeof(ch));
    memset(&found, 0, sizeof(found));
    memset(&lk, 0, sizeof(lk));
    conf_problems_init(&pr);
    if (add_parse(argc, argv, &a, &status) != 0)
        return status;
    path = cli_conf_file(a.config);

    /* the configuration, if it exists, and the KDC database */
    if (access(path, F_OK) == 0 && conf_load(path, &cfg, &pr) != ADB_OK) {
        cli_error("%s: %s (run `" CLI_PROGRAM " config check %s`); nothing"
                  " was changed", path, pr.count > 0 ? pr.messages[0] :
                  "cannot be loaded", path);
        goto cleanup;
    }
    if (adk_open(cfg != NULL ? cfg->local_realm : NULL, &db, msg,
                 sizeof(msg)) != ADB_OK) {
        cli_error("%s (run as root on the KDC host)", msg);
        goto cleanup;
    }
    local = adk_realm(db);

    /* 1. names, enctypes, direction */
    if (twz_check_realm(a.realm, local, reason, sizeof(reason)) != NULL) {
        cli_error("%s; nothing was changed", reason);
        goto cleanup;
    }
    if (a.netbios != NULL &&
        twz_check_netbios(a.netbios, a.realm, reason, sizeof(reason)) !=
        NULL) {
        cli_error("%s; nothing was changed", reason);
        goto cleanup;
    }
    if (a.sid != NULL && (adb_sid_parse(a.sid, &parsed_sid) != ADB_OK ||
                          strncmp(a.sid, "S-1-5-21-", 9) != 0)) {
        cli_error("--domain-sid \"%s\" is not a domain SID (S-1-5-21-A-B-C);"
                  " nothing was changed", a.sid);
        goto cleanup;
    }
    n_et = twz_parse_enctypes(a.enctypes != NULL ? a.enctypes
                              : "aes256,aes128", etypes, &rc4, reason,
                              sizeof(reason));
    if (n_et == 0) {
        cli_error("%s; nothing was changed", reason);
        goto cleanup;
    }
    if (rc4)
        cli_error("warning: RC4 keys requested: RC4 is weak; use it only if"
                  " AD cannot use AES for this trust");
    if (a.direction != NULL && strcmp(a.direction, "inbound") != 0 &&
        strcmp(a.direction, "two-way") != 0) {
        cli_error("--direction \"%s\": inbound or two-way; nothing was"
                  " changed", a.direction);
        goto cleanup;
    }
    two_way = a.direction != NULL && strcmp(a.direction, "two-way") == 0;
    if (cfg != NULL && conf_find_trust(cfg, a.realm) != NULL) {
        cli_error("%s already has a trust %s (`" CLI_PROGRAM " trust remove"
                  " %s` first); nothing was changed", path, a.realm, a.realm);
        goto cleanup;
    }

    /* 2. AD's KDCs answer, with a sane clock */
    if (find_kdcs(a.realm, cfg, a.kdcs, a.kdc_count, a.site, &found) !=
        CLI_EXIT_OK)
        goto cleanup;

    /* 3. AD's LDAP (or --netbios with --domain-sid) */
    if (a.ad_user != NULL) {
        if (ldap_lookup(a.ad_user, a.ad_pwfile, &found, &lk) != CLI_EXIT_OK)
            goto cleanup;
        if (a.netbios != NULL && strcasecmp(a.netbios, lk.netbios) != 0) {
            cli_error("--netbios %s does not match AD's LDAP, which says %s;"
                      " nothing was changed", a.netbios, lk.netbios);
            goto cleanup;
        }
        if (a.sid != NULL && strcmp(a.sid, lk.sid) != 0) {
            cli_error("--domain-sid %s does not match AD's LDAP, which says"
                      " %s; nothing was changed", a.sid, lk.sid);
            goto cleanup;
        }
    }
    netbios = a.netbios != NULL ? a.netbios : lk.done ? lk.netbios : NULL;
    sid = a.sid != NULL ? a.sid : lk.done ? lk.sid : NULL;
    if ((netbios == NULL || sid == NULL) && a.yes) {
        cli_error("--yes: %s missing: give --netbios and --domain-sid, or"
                  " --ad-user to read them from AD's LDAP; nothing was"
                  " changed", netbios == NULL ? "the NetBIOS name is"
                  : "the domain SID is");
        goto cleanup;
    }
    if (netbios == NULL) {
        nb_asked = ask_line("AD's NetBIOS domain name (e.g. ADEX)");
        netbios = nb_asked;
        if (netbios == NULL ||
            twz_check_netbios(netbios, a.realm, reason, sizeof(reason))) {
            cli_error("%s; nothing was changed", netbios == NULL ?
                      "no NetBIOS name given" : reason);
            goto cleanup;
        }
    }
    if (sid == NULL) {
        sid_asked = ask_line("AD's domain SID (S-1-5-21-...)");
        sid = sid_asked;
        if (sid == NULL || adb_sid_parse(sid, &parsed_sid) != ADB_OK) {
            cli_error("no valid domain SID given; nothing was changed");
            goto cleanup;
        }
    }
    if (twz_check_netbios(netbios, a.realm, reason, sizeof(reason)) !=
        NULL) {
        cli_error("%s; nothing was changed", reason);
        goto cleanup;
    }

    /* 5 (check). the principals */
    snprintf(names[0], sizeof(names[0]), "krbtgt/%s@%s", local, a.realm);
    snprintf(names[1], sizeof(names[1]), "krbtgt/%s@%s", a.realm, local);
    for (i = 0; i < (two_way ? 2u : 1u); i++) {
        if (adk_princ_info(db, names[i], &exists, NULL, NULL, msg,
                           sizeof(msg)) != ADB_OK) {
            cli_error("%s", msg);
            goto cleanup;
        }
        if (exists && !a.replace) {
            cli_error("%s already exists in the KDC database (--replace to"
                      " give it new keys); nothing was changed", names[i]);
            goto cleanup;
        }
        snprintf(ch[i].name, sizeof(ch[i].name), "%s", names[i]);
        ch[i].created = !exists;
    }

    /* 6 (check). the new configuration loads and differs only by it */
    pos = (size_t)snprintf(stanza, sizeof(stanza),
                           "    %s = {\n        netbios_name = %s\n"
                           "        domain_sid = %s\n        direction = %s\n",
                           a.realm, netbios, sid,
                           two_way ? "two-way" : "inbound");
    for (i = 0; i < a.kdc_count && pos < sizeof(stanza); i++)
        pos += (size_t)snprintf(stanza + pos, sizeof(stanza) - pos,
                                "        kdc = %s\n", a.kdcs[i]);
    if (a.site != NULL && pos < sizeof(stanza))
        pos += (size_t)snprintf(stanza + pos, sizeof(stanza) - pos,
                                "        site = %s\n", a.site);
    if (pos < sizeof(stanza))
        pos += (size_t)snprintf(stanza + pos, sizeof(stanza) - pos, "    }\n");
    if (pos >= sizeof(stanza) || strpbrk(netbios, "\n{}") != NULL) {
        cli_error("the trust's settings are too long; nothing was changed");
        goto cleanup;
    }
    if (cli_conf_stanza_prepare(path, a.realm, stanza, local, &edit) !=
        CLI_EXIT_OK) {
        cli_error("nothing was changed");
        goto cleanup;
    }

    /* 4. the password (last of the checks: nothing is asked in vain) */
    if (get_password(a.pwfile, a.generate, a.yes, &pw, &generated) != 0)
        goto cleanup;
    for (i = 0; i < (two_way ? 2u : 1u); i++) {
        if (adk_check_policy(db, names[i], pw, msg, sizeof(msg)) != ADB_OK) {
            cli_error("%s; nothing was changed", msg);
            goto cleanup;
        }
    }
    if (!a.yes) {
        char q[1200];

        snprintf(q, sizeof(q), "Create %s%s%s in the KDC database of %s and"
                 " trust %s in %s?", names[0], two_way ? " and " : "",
                 two_way ? names[1] : "", local, a.realm, path);
        if (!ask_yes(q)) {
            cli_error("not confirmed; nothing was changed");
            goto cleanup;
        }
    }
    if (a.pwout != NULL) {
        if (cli_secret_write_file(a.pwout, pw) != 0) {
            cli_error("nothing was changed");
            goto cleanup;
        }
        pwout_written = true;
    }

    /* the writes: principals, then the file; undo on failure */
    for (i = 0; i < (two_way ? 2u : 1u); i++) {
        adb_err err;

        if (ch[i].created) {
            err = adk_create(db, names[i], etypes, n_et, pw, msg,
                             sizeof(msg));
        } else {
            err = adk_save(db, names[i], &ch[i].saved, msg, sizeof(msg));
            if (err == ADB_OK)
                err = adk_chpass(db, names[i], etypes, n_et, pw, false,
                                 NULL, msg, sizeof(msg));
        }
        if (err != ADB_OK) {
            cli_error("%s", msg);
            goto undo;
        }
        n_ch = i + 1;
    }
    if (cli_conf_stanza_commit(edit) != CLI_EXIT_OK)
        goto undo;

    memset(&plan, 0, sizeof(plan));
    plan.local_realm = local;
    plan.ad_realm = a.realm;
    plan.two_way = two_way;
    plan.enctypes = etypes;
    plan.enctype_count = n_et;
    plan.local_kdc = local_kdc_host(adk_context(db), local, kdchost,
                                    sizeof(kdchost));
    plan.password_shown = generated && a.pwout == NULL ? pw : NULL;
    if (a.json) {
        cli_json_init(&js, stdout);
        cli_json_object_begin(&js);
        cli_json_kv_string(&js, "realm", a.realm);
        cli_json_kv_string(&js, "local_realm", local);
        cli_json_kv_string(&js, "netbios_name", netbios);
        cli_json_kv_string(&js, "domain_sid", sid);
        cli_json_kv_string(&js, "direction", two_way ? "two-way" : "inbound");
        cli_json_key(&js, "domain_functional_level");
        if (lk.done && lk.level >= 0)
            cli_json_int(&js, lk.level);
        else
            cli_json_null(&js);
        cli_json_kv_uint(&js, "kdcs_answered", found.answered);
        cli_json_key(&js, "clock_skew_seconds");
        if (found.have_skew)
            cli_json_int(&js, found.worst_skew_ms / 1000);
        else
            cli_json_null(&js);
        cli_json_key(&js, "principals");
        cli_json_array_begin(&js);
        for (i = 0; i < n_ch; i++)
            cli_json_string(&js, names[i]);
        cli_json_array_end(&js);
        cli_json_kv_string(&js, "config", path);
        cli_json_kv_bool(&js, "password_generated", generated);
        cli_json_key(&js, "password_out");
        if (a.pwout != NULL)
            cli_json_string(&js, a.pwout);
        else
            cli_json_null(&js);
        print_windows(&plan, a.kdcs, a.kdc_count, false, &js);
        cli_json_key(&js, "next");
        cli_json_array_begin(&js);
        snprintf(msg, sizeof(msg), CLI_PROGRAM " map add %s rid:RID admin",
                 a.realm);
        cli_json_string(&js, msg);
        snprintf(msg, sizeof(msg), CLI_PROGRAM " trust verify %s --user"
                 " USER@%s", a.realm, a.realm);
        cli_json_string(&js, msg);
        cli_json_array_end(&js);
        cli_json_object_end(&js);
        status = cli_finish_json(&js);
    } else {
        printf("trust %s (NetBIOS %s, %s, SID %s) set up on %s:\n", a.realm,
               netbios, two_way ? "two-way" : "inbound", sid, local);
        if (lk.done && lk.level >= 0)
            printf("  AD domain functional level %d (from LDAP)\n",
                   (int)lk.level);
        printf("  %zu KDC(s) of %s answered", found.answered, a.realm);
        if (found.have_skew)
            printf("; clock skew %lld s", (long long)(found.worst_skew_ms /
                                                      1000));
        printf("\n");
        for (i = 0; i < n_ch; i++)
            printf("  %s %s (%s)\n", ch[i].created ? "created" : "replaced",
                   names[i], rc4 ? "AES and RC4 keys" : "AES keys");
        printf("  %s: trust %s added\n", path, a.realm);
        if (a.pwout != NULL)
            printf("  the generated password is in %s (mode 0600)\n",
                   a.pwout);
        else if (generated)
            printf("  the generated trust password is shown once, below;"
                   " it is not stored anywhere\n");
        print_windows(&plan, a.kdcs, a.kdc_count, false, NULL);
        printf("\nNext, map AD groups to rights:\n"
               "  " CLI_PROGRAM " map add %s rid:RID admin|viewer|join\n"
               "  " CLI_PROGRAM " trust verify %s --user USER@%s\n",
               a.realm, a.realm, a.realm);
        status = CLI_EXIT_OK;
    }
    goto cleanup;

undo:
    undo_changes(db, ch, n_ch);
    if (pwout_written)
        unlink(a.pwout);
    cli_error("nothing was changed");
cleanup:
    free_changes(db, ch, 2);
    cli_conf_stanza_free(edit);
    cli_secret_free(pw);
    free(nb_asked);
    free(sid_asked);
    dns_result_free(found.kdcs);
    adk_close(db);
    conf_free(cfg);
    conf_problems_free(&pr);
    return status;
}

/* ------------------------------------------------------ rotate/remove -- */

/* The configuration and the trust @realm in it, and the database. */
static int open_trust(const char *config, const char *realm,
                      conf_config **cfg, const conf_trust **t, adk_db **db)
{
    conf_problems pr;
    char msg[512];
    const char *path = cli_conf_file(config);
    int status = CLI_EXIT_FAIL;

    conf_problems_init(&pr);
    if (conf_load(path, cfg, &pr) != ADB_OK) {
        cli_error("%s: %s (run `" CLI_PROGRAM " config check %s`)", path,
                  pr.count > 0 ? pr.messages[0] : "cannot be loaded", path);
        goto cleanup;
    }
    *t = conf_find_trust(*cfg, realm);
    if (*t == NULL) {
        cli_error("no trust %s in %s (realm names are case-sensitive)",
                  realm, path);
        goto cleanup;
    }
    if (adk_open((*cfg)->local_realm, db, msg, sizeof(msg)) != ADB_OK) {
        cli_error("%s (run as root on the KDC host)", msg);
        goto cleanup;
    }
    status = CLI_EXIT_OK;

cleanup:
    conf_problems_free(&pr);
    return status;
}

/* The principal @name of @list, or NULL. */
static const adk_trust_princ *find_princ(const adk_trust_princ *list,
                                         size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(list[i].name, name) == 0)
            return &list[i];
    return NULL;
}

static int cli_trust_rotate(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "password-file", required_argument, NULL, 'p' },
        { "generate-password", no_argument, NULL, 'g' },
        { "password-out", required_argument, NULL, 'o' },
        { "finish", no_argument, NULL, 'f' },
        { "force", no_argument, NULL, 'F' },
        { "yes", no_argument, NULL, 'y' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *config = NULL, *pwfile = NULL, *pwout = NULL, *realm;
    bool generate = false, finish = false, force = false, yes = false;
    bool json = false, generated = false, pwout_written = false;
    conf_config *cfg = NULL;
    const conf_trust *t = NULL;
    adk_db *db = NULL;
    adk_trust_princ *list = NULL;
    size_t count = 0, n = 0, i, j, n_ch = 0;
    twz_change ch[2];
    char names[2][512], msg[512];
    unsigned int kvnos[2] = { 0, 0 }, purge_below[2] = { 0, 0 };
    krb5_enctype etypes[2][8];
    size_t n_et[2] = { 0, 0 };
    char *pw = NULL;
    twz_plan plan;
    cli_json js;
    time_t now = time(NULL);
    int ch_, status = CLI_EXIT_FAIL;

    memset(ch, 0, sizeof(ch));
    optind = 0;
    opterr = 0;
    while ((ch_ = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch_) {
        case 'c': config = optarg; break;
        case 'p': pwfile = optarg; break;
        case 'g': generate = true; break;
        case 'o': pwout = optarg; break;
        case 'f': finish = true; break;
        case 'F': force = true; break;
        case 'y': yes = true; break;
        case 'j': json = true; break;
        case 'h':
            printf("usage: %s\n\n"
                   "New keys for the trust's principals at kvno + 1 from a"
                   " new\npassword, keeping the old kvno (AD sends kvno 0"
                   " and MIT\ntries the newest three keys, so tickets issued"
                   " before the\nWindows side changes keep working); prints"
                   " the Windows step.\n--finish purges the old keys once"
                   " the grace period (11 h:\nAD's 10 h ticket lifetime and"
                   " an hour) since the rotation\nhas passed; --force purges"
                   " before it.\n\n"
                   "  --password-file F    the new trust password (first"
                   " line)\n"
                   "  --generate-password  generate 32 random characters\n"
                   "  --password-out F     write the generated one to F"
                   " (0600)\n"
                   "  --finish             purge the keys below the newest"
                   " kvno\n"
                   "  --force              with --finish: inside the grace"
                   " period too\n"
                   "  --yes                no questions\n"
                   "  --json               the result as JSON\n\n"
                   "Exit status: 0 done, 1 refused or failed"
                   " (nothing changed), 2 usage.\n", trust_rotate_usage);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option(trust_rotate_usage, ch_, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(trust_rotate_usage, argc - optind == 0 ?
                               "missing REALM" : "too many arguments");
    realm = argv[optind];
    if (pwfile != NULL && generate)
        return cli_usage_error(trust_rotate_usage, "--password-file and"
                               " --generate-password exclude each other");
    if (pwout != NULL && !generate)
        return cli_usage_error(trust_rotate_usage, "--password-out needs"
                               " --generate-password");
    if (force && !finish)
        return cli_usage_error(trust_rotate_usage, "--force goes with"
                               " --finish");
    if (finish && (pwfile != NULL || generate))
        return cli_usage_error(trust_rotate_usage, "--finish takes no"
                               " password");
    if (open_trust(config, realm, &cfg, &t, &db) != CLI_EXIT_OK)
        goto cleanup;
    if (adk_trust_principals(db, &list, &count, msg, sizeof(msg)) != ADB_OK) {
        cli_error("%s", msg);
        goto cleanup;
    }
    snprintf(names[0], sizeof(names[0]), "krbtgt/%s@%s", cfg->local_realm,
             realm);
    snprintf(names[1], sizeof(names[1]), "krbtgt/%s@%s", realm,
             cfg->local_realm);
    n = t->direction == CONF_DIRECTION_TWO_WAY ? 2 : 1;
    for (i = 0; i < n; i++) {
        const adk_trust_princ *p = find_princ(list, count, names[i]);
        unsigned int kv[8];
        size_t nkv = 0, k;
        time_t changed;
        bool exists;

        if (p == NULL) {
            cli_error("%s is missing from the KDC database: run `"
                      CLI_PROGRAM " trust add %s --replace` instead;"
                      " nothing was changed", names[i], realm);
            goto cleanup;
        }
        kvnos[i] = p->kvno;
        for (j = 0; j < p->key_count; j++) {
            for (k = 0; k < nkv; k++)
                if (kv[k] == p->keys[j].kvno)
                    break;
            if (k == nkv && nkv < 8)
                kv[nkv++] = p->keys[j].kvno;
            if (p->keys[j].kvno == p->kvno && n_et[i] < 8)
                etypes[i][n_et[i]++] = p->keys[j].enctype;
        }
        if (finish) {
            if (nkv <= 1) {
                cli_error("%s has only kvno %u: nothing to finish", names[i],
                          p->kvno);
                goto cleanup;
            }
            if (adk_princ_info(db, names[i], &exists, NULL, &changed, msg,
                               sizeof(msg)) != ADB_OK) {
                cli_error("%s", msg);
                goto cleanup;
            }
            if (!force && changed + TWZ_GRACE_SECONDS > now) {
                cli_error("%s was rotated %lld min ago: AD may still hold"
                          " tickets under the old key for %lld min more"
                          " (--force to purge now); nothing was changed",
                          names[i], (long long)((now - changed) / 60),
                          (long long)((changed + TWZ_GRACE_SECONDS - now) /
                                      60));
                goto cleanup;
            }
            purge_below[i] = p->kvno;
        } else {
            if (nkv >= 3) {
                cli_error("%s already holds %zu kvnos: run `" CLI_PROGRAM
                          " trust rotate %s --finish` first (MIT tries only"
                          " the newest three); nothing was changed",
                          names[i], nkv, realm);
                goto cleanup;
            }
            if (n_et[i] == 0) {
                cli_error("%s has no keys at its kvno %u; nothing was"
                          " changed", names[i], p->kvno);
                goto cleanup;
            }
        }
    }
    if (!finish && get_password(pwfile, generate, yes, &pw,
                                &generated) != 0)
        goto cleanup;
    for (i = 0; !finish && i < n; i++) {
        if (adk_check_policy(db, names[i], pw, msg, sizeof(msg)) != ADB_OK) {
            cli_error("%s; nothing was changed", msg);
            goto cleanup;
        }
    }
    if (!yes && !ask_yes(finish ? "Purge the old keys now?" :
                         "Give the trust's principals new keys now?")) {
        cli_error("not confirmed; nothing was changed");
        goto cleanup;
    }
    if (pwout != NULL) {
        if (cli_secret_write_file(pwout, pw) != 0)
            goto cleanup;
        pwout_written = true;
    }
    for (i = 0; i < n; i++) {
        adb_err err;

        snprintf(ch[i].name, sizeof(ch[i].name), "%s", names[i]);
        err = adk_save(db, names[i], &ch[i].saved, msg, sizeof(msg));
        if (err == ADB_OK)
            err = finish ? adk_purge_old(db, names[i], purge_below[i], msg,
                                         sizeof(msg))
                         : adk_chpass(db, names[i], etypes[i], n_et[i], pw,
                                      true, &kvnos[i], msg, sizeof(msg));
        n_ch = i + 1;
        if (err != ADB_OK) {
            cli_error("%s", msg);
            undo_changes(db, ch, n_ch);
            if (pwout_written)
                unlink(pwout);
            cli_error("nothing was changed");
            goto cleanup;
        }
    }
    memset(&plan, 0, sizeof(plan));
    plan.local_realm = cfg->local_realm;
    plan.ad_realm = realm;
    plan.two_way = n == 2;
    plan.password_shown = generated && pwout == NULL ? pw : NULL;
    if (json) {
        cli_json_init(&js, stdout);
        cli_json_object_begin(&js);
        cli_json_kv_string(&js, "realm", realm);
        cli_json_kv_string(&js, "action", finish ? "finish" : "rotate");
        cli_json_key(&js, "principals");
        cli_json_array_begin(&js);
        for (i = 0; i < n; i++) {
            cli_json_object_begin(&js);
            cli_json_kv_string(&js, "name", names[i]);
            cli_json_kv_uint(&js, "kvno", kvnos[i]);
            cli_json_object_end(&js);
        }
        cli_json_array_end(&js);
        if (!finish)
            print_windows(&plan, NULL, 0, true, &js);
        cli_json_object_end(&js);
        status = cli_finish_json(&js);
    } else {
        for (i = 0; i < n; i++)
            printf(finish ? "%s: keys below kvno %u purged\n"
                          : "%s: new keys at kvno %u (the old kvno is"
                            " kept)\n", names[i], kvnos[i]);
        if (!finish) {
            if (pwout != NULL)
                printf("the generated password is in %s (mode 0600)\n",
                       pwout);
            print_windows(&plan, NULL, 0, true, NULL);
            printf("\nAfter the grace period (11 h), purge the old keys:\n"
                   "  " CLI_PROGRAM " trust rotate %s --finish\n", realm);
        }
        status = CLI_EXIT_OK;
    }

cleanup:
    free_changes(db, ch, 2);
    cli_secret_free(pw);
    adk_trust_princs_free(list, count);
    adk_close(db);
    conf_free(cfg);
    return status;
}

static int cli_trust_remove(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "yes", no_argument, NULL, 'y' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *config = NULL, *realm, *path;
    bool yes = false, json = false, exists;
    conf_config *cfg = NULL;
    const conf_trust *t = NULL;
    adk_db *db = NULL;
    cli_conf_stanza *edit = NULL;
    twz_change ch[2];
    char names[2][512], msg[512], q[1200];
    size_t i, n_ch = 0, n_del = 0;
    cli_json js;
    int c, status = CLI_EXIT_FAIL;

    memset(ch, 0, sizeof(ch));
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'y': yes = true; break;
        case 'j': json = true; break;
        case 'h':
            printf("usage: %s\n\nDelete the trust's principals from the KDC"
                   " database, then its\nstanza from the configuration (its"
                   " mappings with it).\n\n"
                   "  --yes   no question\n"
                   "  --json  the result as JSON\n\n"
                   "Exit status: 0 removed, 1 refused or failed (nothing"
                   " changed), 2 usage.\n",
                   trust_remove_usage);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option(trust_remove_usage, c, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(trust_remove_usage, argc - optind == 0 ?
                               "missing REALM" : "too many arguments");
    realm = argv[optind];
    path = cli_conf_file(config);
    if (open_trust(config, realm, &cfg, &t, &db) != CLI_EXIT_OK)
        goto cleanup;
    snprintf(names[0], sizeof(names[0]), "krbtgt/%s@%s", cfg->local_realm,
             realm);
    snprintf(names[1], sizeof(names[1]), "krbtgt/%s@%s", realm,
             cfg->local_realm);
    if (cli_conf_stanza_prepare(path, realm, NULL, NULL, &edit) !=
        CLI_EXIT_OK) {
        cli_error("nothing was changed");
        goto cleanup;
    }
    snprintf(q, sizeof(q), "Delete the principals of trust %s and its stanza"
             " (%zu mapping(s)) in %s?", realm, t->map_count, path);
    if (!yes && !ask_yes(q)) {
        cli_error("not confirmed; nothing was changed");
        goto cleanup;
    }
    for (i = 0; i < 2; i++) {
        if (adk_princ_info(db, names[i], &exists, NULL, NULL, msg,
                           sizeof(msg)) != ADB_OK) {
            cli_error("%s", msg);
            goto cleanup;
        }
        if (!exists)
            continue;
        snprintf(ch[n_ch].name, sizeof(ch[n_ch].name), "%s", names[i]);
        if (adk_save(db, names[i], &ch[n_ch].saved, msg, sizeof(msg)) !=
            ADB_OK) {
            cli_error("%s", msg);
            goto cleanup;
        }
        n_ch++;
    }
    for (i = 0; i < n_ch; i++) {
        if (adk_delete(db, ch[i].name, msg, sizeof(msg)) != ADB_OK) {
            cli_error("%s", msg);
            goto undo;
        }
        ch[i].deleted = true;
        n_del = i + 1;
    }
    if (cli_conf_stanza_commit(edit) != CLI_EXIT_OK)
        goto undo;
    if (json) {
        cli_json_init(&js, stdout);
        cli_json_object_begin(&js);
        cli_json_kv_string(&js, "realm", realm);
        cli_json_key(&js, "deleted_principals");
        cli_json_array_begin(&js);
        for (i = 0; i < n_ch; i++)
            cli_json_string(&js, ch[i].name);
        cli_json_array_end(&js);
        cli_json_kv_string(&js, "config", path);
        cli_json_object_end(&js);
        status = cli_finish_json(&js);
    } else {
        for (i = 0; i < n_ch; i++)
            printf("deleted %s\n", ch[i].name);
        printf("%s: trust %s removed (backup %s.bak)\n", path, realm, path);
        printf("On the Windows side: netdom trust %s /Domain:%s /remove"
               " /force\n", cfg->local_realm, realm);
        status = CLI_EXIT_OK;
    }
    goto cleanup;

undo:
    undo_changes(db, ch, n_del);
    cli_error("nothing was changed");
cleanup:
    free_changes(db, ch, 2);
    cli_conf_stanza_free(edit);
    adk_close(db);
    conf_free(cfg);
    return status;
}

static int cli_trust_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "user", required_argument, NULL, 'u' },
        { "password-file", required_argument, NULL, 'p' },
        { "ccache", required_argument, NULL, 'C' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *config = NULL, *user = NULL, *pwfile = NULL, *cc = NULL;
    const char *realm, *path;
    conf_config *cfg = NULL;
    conf_problems pr;
    cli_verify_result r;
    cli_verify_session *vs = NULL;
    bool json = false;
    cli_json js;
    int c, st, status = CLI_EXIT_FAIL;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'u': user = optarg; break;
        case 'p': pwfile = optarg; break;
        case 'C': cc = optarg; break;
        case 'j': json = true; break;
        case 'h':
            printf("usage: %s\n\nProve the trust: get USER's TGT from AD"
                   " (--password-file, or\nthe TGT in --ccache), then AD's"
                   " cross-realm TGT\nkrbtgt/LOCAL@REALM, and decrypt it with"
                   " the local key from the\nKDC database; on failure name"
                   " the likely cause (password,\nenctype, kvno, salt, or the"
                   " principal missing on one side).\nThen show the rights the"
                   " user gets, as `explain` does.\n\n"
                   "  --user USER@REALM    the AD user whose TGT is used\n"
                   "  --password-file F    USER's password (first line)\n"
                   "  --ccache CC          or USER's TGT in this ccache\n"
                   "  --json               one JSON object (the explanation"
                   " under \"explain\")\n\nExit status: 0 the same"
                   " key on both sides, 1 not (or failure),\n2 usage, 3 the"
                   " key is good but the trust refuses the user.\n",
                   trust_verify_usage);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option(trust_verify_usage, c, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(trust_verify_usage, argc - optind == 0 ?
                               "missing REALM" : "too many arguments");
    realm = argv[optind];
    if (user == NULL)
        return cli_usage_error(trust_verify_usage, "--user is required");
    if ((pwfile != NULL) == (cc != NULL))
        return cli_usage_error(trust_verify_usage, "give either"
                               " --password-file or --ccache");
    conf_problems_init(&pr);
    path = cli_conf_file(config);
    if (conf_load(path, &cfg, &pr) != ADB_OK) {
        cli_error("%s: %s (run `" CLI_PROGRAM " config check %s`)", path,
                  pr.count > 0 ? pr.messages[0] : "cannot be loaded", path);
        goto cleanup;
    }
    if (conf_find_trust(cfg, realm) == NULL) {
        cli_error("no trust %s in %s (realm names are case-sensitive)",
                  realm, path);
        goto cleanup;
    }
    if (cli_verify_run(cfg, realm, user, pwfile, cc, &r, &vs) != 0)
        goto cleanup;
    if (json) {
        cli_json_init(&js, stdout);
        cli_json_object_begin(&js);
        cli_json_kv_string(&js, "realm", realm);
        cli_json_kv_string(&js, "user", r.client[0] != '\0' ? r.client : user);
        cli_json_kv_bool(&js, "verified", r.ok);
        cli_json_kv_string(&js, "step", r.step);
        cli_json_kv_string(&js, "message", r.message);
        cli_json_key(&js, "cause");
        if (r.ok)
            cli_json_null(&js);
        else
            cli_json_string(&js, r.cause);
        cli_json_kv_string(&js, "enctype", r.enctype);
        cli_json_kv_int(&js, "kvno", r.kvno);
        cli_json_key(&js, "explain");
        st = CLI_EXIT_FAIL;
        if (r.ok)
            st = cli_explain_run(config, realm, NULL,
                                 cli_verify_ccache_name(vs),
                                 cli_verify_keytab_name(vs), r.ticket, true,
                                 &js);
        else
            cli_json_null(&js);
        cli_json_object_end(&js);
        status = cli_finish_json(&js);
        if (status == CLI_EXIT_OK)
            status = !r.ok ? CLI_EXIT_FAIL : st;
        goto cleanup;
    }
    if (!r.ok) {
        printf("FAIL %s: %s\n", r.step, r.message);
        if (r.cause[0] != '\0')
            printf("  likely cause: %s\n", r.cause);
        goto cleanup;
    }
    printf("PASS: %s\n\n", r.message);
    fflush(stdout);
    status = cli_explain_run(config, realm, NULL, cli_verify_ccache_name(vs),
                             cli_verify_keytab_name(vs), r.ticket, false,
                             NULL);

cleanup:
    cli_verify_close(vs);
    conf_free(cfg);
    conf_problems_free(&pr);
    return status;
}

int cli_trust_verify_main(int argc, char **argv)
{
    return cli_trust_verify(argc, argv);
}

int cli_trust_add_main(int argc, char **argv)
{
    return cli_trust_add(argc, argv);
}

int cli_trust_rotate_main(int argc, char **argv)
{
    return cli_trust_rotate(argc, argv);
}

int cli_trust_remove_main(int argc, char **argv)
{
    return cli_trust_remove(argc, argv);
}
