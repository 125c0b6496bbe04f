/* SPDX-License-Identifier: MIT */
/*
 * cli_doctor.c - `adbridge doctor`: each check of the setup prints pass,
 * warn or fail with one line saying what to do.
 *
 * Checks (the key match against AD with --user is issue 9's):
 *   config       the configuration file loads without a problem;
 *   kdc.conf     the local realm's database module is adbridge and its
 *                adbridge_config is this file;
 *   trusts       each trust's inter-realm principal exists with AES keys
 *                (two-way: both); every krbtgt/LOCAL@X whose realm X has no
 *                stanza is flagged: its users would pass through to stock
 *                MIT (other_realms = pass), which is what a typo in an AD
 *                trust's name looks like;
 *   audit log    its directory is writable and the file is 0600;
 *   kdc ports    the local KDC answers (an AS-REQ probe, dns_probe_kdc) on
 *                every kdc_listen/kdc_tcp_listen (or kdc_ports) address;
 *   dns          each AD realm has _kerberos._udp, _kerberos._tcp and
 *                _ldap._tcp SRV records (domain-wide or the site's);
 *   dc ports     each DC found answers Kerberos on 88 UDP and TCP and
 *                accepts a TCP connection on 389;
 *   clock        each DC's clock (KRB-ERROR stime over UDP and TCP, and the
 *                bound DC's rootDSE currentTime) is within krb5.conf's
 *                clockskew (warn beyond half of it);
 *   mapped       every mapped SID of the trust's domain exists in AD and is
 *                a global/universal security group (or a user, for user:),
 *                through cli_ad (a warning if no AD credentials are given);
 *   krb5.conf    [domain_realm] maps a domain to the local realm, and each
 *                AD realm has [realms] kdc lines or DNS lookup of KDCs.
 * The kvnos of the trusts' keys are reported in the trusts results (the
 * configuration has no key for an expected kvno).
 */
#define _GNU_SOURCE 1
#include "cli_doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <krb5/krb5.h>
#include <profile.h>

#include "adk.h"
#include "cli.h"
#include "cli_ad.h"
#include "cli_conf.h"
#include "cli_json.h"
#include "cli_verify.h"
#include "conf.h"
#include "dns.h"
#include "dns_probe.h"

#define DOCTOR_KDC_PROFILE "/etc/krb5kdc/kdc.conf"
#define DOCTOR_DEFAULT_CONFIG "/etc/adbridge.conf"
#define DOCTOR_MAX 128
#define DOCTOR_PROBE_MS 2000

static const char doctor_usage[] =
    CLI_PROGRAM " doctor [--config FILE] [--kdc-conf FILE] [--json] "
    CLI_AD_USAGE " [--user USER@AD --password-file F] [REALM]";

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
    cli_ad_opts ad;               /* --ad-user ... --dns-server (issue 10) */
    krb5_context kctx;            /* for the KDC probes; NULL if none */
    int clockskew;                /* krb5.conf [libdefaults] clockskew */
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

/* ------------------------------------------- the local KDC's ports -- */

/* One address the local KDC should answer on. */
typedef struct dr_target {
    char text[100];
    struct sockaddr_storage ss;
    socklen_t len;
    int socktype;
} dr_target;

/* Append the probe targets of one kdc_listen-style value @v (a list of
 * "ADDR:PORT", "[V6]:PORT", "PORT" or "ADDR"; no address: the loopback)
 * for @socktype to @list (@n used of @max); returns the new count.
 * Entries that do not resolve are left out. */
static size_t parse_listen(const char *v, int socktype, dr_target *list,
                           size_t n, size_t max)
{
    char buf[512], *save = NULL, *tok, host[64], port[16];
    struct addrinfo hints, *res = NULL;
    const char *colon;

    snprintf(buf, sizeof(buf), "%s", v);
    for (tok = strtok_r(buf, ", \t", &save); tok != NULL && n < max;
         tok = strtok_r(NULL, ", \t", &save)) {
        colon = strrchr(tok, ':');
        if (tok[0] == '[' && strchr(tok, ']') != NULL) {   /* [v6]:port */
            const char *rb = strchr(tok, ']');

            snprintf(host, sizeof(host), "%.*s", (int)(rb - tok - 1),
                     tok + 1);
            snprintf(port, sizeof(port), "%s", rb[1] == ':' ? rb + 2 : "88");
        } else if (strspn(tok, "0123456789") == strlen(tok)) {
            snprintf(host, sizeof(host), "127.0.0.1");
            snprintf(port, sizeof(port), "%s", tok);
        } else if (colon != NULL && strchr(tok, ':') == colon) {
            snprintf(host, sizeof(host), "%.*s", (int)(colon - tok), tok);
            snprintf(port, sizeof(port), "%s", colon + 1);
        } else {
            snprintf(host, sizeof(host), "%s", tok);
            snprintf(port, sizeof(port), "88");
        }
        if (host[0] == '\0' || strcmp(host, "0.0.0.0") == 0)
            snprintf(host, sizeof(host), "127.0.0.1");
        else if (strcmp(host, "::") == 0)
            snprintf(host, sizeof(host), "::1");
        memset(&hints, 0, sizeof(hints));
        hints.ai_socktype = socktype;
        hints.ai_flags = AI_NUMERICSERV;
        if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL)
            continue;
        memcpy(&list[n].ss, res->ai_addr, res->ai_addrlen);
        list[n].len = res->ai_addrlen;
        list[n].socktype = socktype;
        snprintf(list[n].text, sizeof(list[n].text), "%s:%s/%s", host, port,
                 socktype == SOCK_DGRAM ? "udp" : "tcp");
        n++;
        freeaddrinfo(res);
        res = NULL;
    }
    return n;
}

static void check_kdc_ports(doctor *dr)
{
    const char *realm = dr->cfg->local_realm;
    const char *files[2] = { dr->kdc_profile, NULL };
    static const char *const keys[2][2] = {
        { "kdc_listen", "kdc_ports" }, { "kdc_tcp_listen", "kdc_tcp_ports" }
    };
    dr_target t[16];
    dns_probe_result pr;
    profile_t p = NULL;
    size_t n = 0, i, k, bad = 0;
    char *v, fix[512];

    if (dr->kctx == NULL || profile_init(files, &p) != 0) {
        add(dr, "kdc ports", DR_FAIL, "run doctor on the KDC host",
            "cannot read %s", dr->kdc_profile);
        return;
    }
    for (k = 0; k < 2; k++) {
        int st = k == 0 ? SOCK_DGRAM : SOCK_STREAM;
        size_t before = n;

        for (i = 0; i < 2 && n == before; i++) {
            v = prof_get(p, "realms", realm, keys[k][i]);
            if (v == NULL)
                v = prof_get(p, "kdcdefaults", NULL, keys[k][i]);
            if (v != NULL)
                n = parse_listen(v, st, t, n, 16);
            profile_release_string(v);
        }
        if (n == before)
            n = parse_listen("88", st, t, n, 16);
    }
    profile_release(p);
    for (i = 0; i < n; i++) {
        memset(&pr, 0, sizeof(pr));
        if (dns_probe_kdc(dr->kctx, realm, (struct sockaddr *)&t[i].ss,
                          t[i].len, t[i].socktype, DOCTOR_PROBE_MS, &pr) !=
                ADB_OK || !pr.answered) {
            snprintf(fix, sizeof(fix), "start krb5kdc (systemctl start "
                     "krb5-kdc) and check its log; it must listen on %.100s",
                     t[i].text);
            add(dr, "kdc ports", DR_FAIL, fix, "the KDC of %s does not "
                "answer on %s: %s", realm, t[i].text, pr.detail[0] ?
                pr.detail : "no answer");
            bad++;
        }
    }
    if (bad == 0)
        add(dr, "kdc ports", DR_PASS, NULL, "the KDC of %s answers on %zu "
            "port(s), UDP and TCP", realm, n);
}

/* ------------------------------------------ DNS, the DCs and clocks -- */

/* A TCP connection to @sa within @ms? */
static bool tcp_answers(const struct sockaddr *sa, socklen_t len, int ms,
                        char *why, size_t size)
{
    struct pollfd pfd;
    int fd, err = 0;
    socklen_t elen = sizeof(err);
    bool ok = false;

    fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(why, size, "%s", strerror(errno));
        return false;
    }
    if (connect(fd, sa, len) == 0) {
        ok = true;
    } else if (errno == EINPROGRESS) {
        pfd.fd = fd;
        pfd.events = POLLOUT;
        if (poll(&pfd, 1, ms) == 1 &&
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 &&
            err == 0)
            ok = true;
        else
            snprintf(why, size, "%s", err != 0 ? strerror(err) :
                     "no answer in time");
    } else {
        snprintf(why, size, "%s", strerror(errno));
    }
    close(fd);
    return ok;
}

static void skew_result(doctor *dr, const char *realm, const char *dc,
                        const char *how, double offset_s)
{
    char fix[512];
    double a = offset_s < 0 ? -offset_s : offset_s;

    snprintf(fix, sizeof(fix), "synchronise the clocks (chrony/ntpd here, "
             "w32time on %s; AD's PDC emulator is the domain's source)", dc);
    if (a > dr->clockskew)
        add(dr, "clock", DR_FAIL, fix, "%s %s: clock differs by %.0f s "
            "(%s), more than clockskew %d s: Kerberos will not work",
            realm, dc, offset_s, how, dr->clockskew);
    else if (a > dr->clockskew / 2)
        add(dr, "clock", DR_WARN, fix, "%s %s: clock differs by %.0f s "
            "(%s), near clockskew %d s", realm, dc, offset_s, how,
            dr->clockskew);
    else
        add(dr, "clock", DR_PASS, NULL, "%s %s: clock within %.1f s (%s; "
            "clockskew %d s)", realm, dc, a, how, dr->clockskew);
}

static void check_dns_dcs(doctor *dr, const conf_trust *t)
{
    dns_options o;
    dns_result *kr = NULL, *lr = NULL;
    dns_probe_result pr;
    char addr[NI_MAXHOST], fix[768], why[128], missing[512];
    size_t i, j, nmiss = 0, bad = 0, seen = 0;
    static const char *const names[] = { "_kerberos._udp", "_kerberos._tcp",
                                          "_ldap._tcp" };
    bool have[3] = { false, false, false };

    dns_options_init(&o);
    o.dns_servers = dr->ad.dns_server != NULL ? dr->ad.dns_server
                                              : dr->cfg->dns_servers;
    o.state_dir = "";
    (void)dns_lookup(t->realm, DNS_SERVICE_KDC, 0, &o, &kr);
    (void)dns_lookup(t->realm, DNS_SERVICE_LDAP, SOCK_STREAM, &o, &lr);
    /* the domain-wide records (or the site's), not AD's _msdcs copies */
    for (i = 0; kr != NULL && i < kr->srv_count; i++) {
        const dns_srv_record *r = &kr->srvs[i];

        if (r->tier > 2)
            continue;
        if (strncasecmp(r->owner, "_kerberos._udp.", 15) == 0)
            have[0] = true;
        if (strncasecmp(r->owner, "_kerberos._tcp.", 15) == 0)
            have[1] = true;
    }
    for (i = 0; lr != NULL && i < lr->srv_count; i++)
        if (lr->srvs[i].tier <= 2)
            have[2] = true;
    missing[0] = '\0';
    for (i = 0; i < 3; i++) {
        if (have[i])
            continue;
        snprintf(missing + strlen(missing), sizeof(missing) -
                 strlen(missing), "%s%s.%s", nmiss ? ", " : "", names[i],
                 t->realm);
        nmiss++;
    }
    snprintf(fix, sizeof(fix), "register the DCs' SRV records (on a DC: "
             "restart netlogon, or dcdiag /test:dns; Samba: samba_dnsupdate"
             "), or check dns_servers / --dns-server%s", "");
    if (nmiss > 0)
        add(dr, "dns", DR_FAIL, fix, "%s: no SRV records %s", t->realm,
            missing);
    else
        add(dr, "dns", DR_PASS, NULL, "%s: SRV records for Kerberos (UDP, "
            "TCP) and LDAP: %zu and %zu", t->realm, kr->srv_count,
            lr->srv_count);

    /* each KDC endpoint: 88 UDP and TCP, with its clock */
    for (i = 0; kr != NULL && i < kr->endpoint_count; i++) {
        const dns_endpoint *e = &kr->endpoints[i];

        memset(&pr, 0, sizeof(pr));
        if (getnameinfo((const struct sockaddr *)&e->addr, e->addrlen, addr,
                        sizeof(addr), NULL, 0, NI_NUMERICHOST) != 0)
            continue;
        seen++;
        if (dns_probe_kdc(dr->kctx, t->realm,
                          (const struct sockaddr *)&e->addr, e->addrlen,
                          e->socktype, DOCTOR_PROBE_MS, &pr) != ADB_OK ||
            !pr.answered) {
            add(dr, "dc ports", DR_FAIL, "start the DC's KDC service and "
                "open port 88 UDP and TCP to it", "%s %s (%s) port %u/%s: "
                "no Kerberos answer: %s", t->realm, e->host, addr,
                (unsigned)e->port, e->socktype == SOCK_DGRAM ? "udp" : "tcp",
                pr.detail);
            bad++;
            continue;
        }
        if (pr.have_time)
            skew_result(dr, t->realm, e->host, e->socktype == SOCK_DGRAM ?
                        "KRB-ERROR stime, UDP" : "KRB-ERROR stime, TCP",
                        (double)pr.offset_ms / 1000.0);
    }
    /* each LDAP endpoint: 389 answers, and its currentTime */
    for (i = 0; lr != NULL && i < lr->endpoint_count; i++) {
        const dns_endpoint *e = &lr->endpoints[i];

        for (j = 0; j < i; j++)
            if (strcasecmp(lr->endpoints[j].host, e->host) == 0 &&
                lr->endpoints[j].port == e->port)
                break;
        if (j < i || getnameinfo((const struct sockaddr *)&e->addr,
                                 e->addrlen, addr, sizeof(addr), NULL, 0,
                                 NI_NUMERICHOST) != 0)
            continue;
        seen++;
        if (!tcp_answers((const struct sockaddr *)&e->addr, e->addrlen,
                         DOCTOR_PROBE_MS, why, sizeof(why))) {
            add(dr, "dc ports", DR_FAIL, "start the DC's LDAP service and "
                "open port 389 to it", "%s %s (%s) port %u/tcp: %s",
                t->realm, e->host, addr, (unsigned)e->port, why);
            bad++;
        }
    }
    if (seen > 0 && bad == 0)
        add(dr, "dc ports", DR_PASS, NULL, "%s: every DC answers on 88 "
            "(UDP, TCP) and 389", t->realm);
    dns_result_free(kr);
    dns_result_free(lr);
}

/* ------------------------------------------------- mapped SIDs in AD -- */

static void check_mapped(doctor *dr, const conf_trust *t)
{
    cli_ad ad;
    cli_ad_map_state st;
    char why[512], fix[512], sbuf[ADB_SID_STR_MAX];
    size_t i, checked = 0, bad = 0;

    if (t->map_count == 0)
        return;
    if (cli_ad_open(dr->cfg, t, &dr->ad, &ad, why, sizeof(why)) != ADB_OK) {
        bool explicit = dr->ad.user != NULL || t->ldap_principal != NULL;

        add(dr, "mapped", explicit ? DR_FAIL : DR_WARN, "give --ad-user "
            "and --ad-password-file, or set ldap_principal and ldap_keytab "
            "for the trust", "%s: mappings not checked in AD: %s", t->realm,
            why);
        return;
    }
    /* the bound DC's clock (rootDSE currentTime) */
    if (ad.root->has_current_time)
        skew_result(dr, t->realm, ad.dc, "LDAP currentTime",
                    difftime(ad.root->current_time, time(NULL)));
    for (i = 0; i < t->map_count; i++) {
        const conf_mapping *m = &t->maps[i];

        cli_ad_check_mapping(t, &ad, m, NULL, &st);
        if (strcmp(st.status, "not-checked") == 0)
            continue;
        checked++;
        if (strcmp(st.status, "ok") == 0)
            continue;
        bad++;
        snprintf(fix, sizeof(fix), CLI_PROGRAM " map remove %s %s%s, then"
                 " map a global or universal security group (" CLI_PROGRAM
                 " map list %s --check lists every finding)", t->realm,
                 m->kind == CONF_MAP_USER_SID ? "user:" : "sid:",
                 adb_sid_format(&m->sid, sbuf), t->realm);
        add(dr, "mapped", DR_FAIL, fix, "%s map #%zu %s (%s): %s",
            t->realm, m->line, m->kind == CONF_MAP_RID ? m->text :
            adb_sid_format(&m->sid, sbuf), st.status, st.detail);
    }
    if (bad == 0)
        add(dr, "mapped", DR_PASS, NULL, "%s: %zu mapped SID(s) exist in AD "
            "as global/universal security groups or users (DC %s)",
            t->realm, checked, ad.dc);
    cli_ad_close(&ad);
}

/* -------------------------------------------- clients' krb5.conf -- */

static void check_client_conf(doctor *dr)
{
    profile_t p = NULL;
    char **names = NULL, *value = NULL, fix[512];
    const char *local = dr->cfg->local_realm;
    const char *sect[] = { "domain_realm", NULL };
    size_t hits = 0, i;

    if (dr->kctx == NULL || krb5_get_profile(dr->kctx, &p) != 0) {
        add(dr, "krb5.conf", DR_WARN, NULL, "cannot read krb5.conf");
        return;
    }
    if (profile_get_relation_names(p, sect, &names) == 0 && names != NULL) {
        for (i = 0; names[i] != NULL; i++) {
            if (profile_get_string(p, "domain_realm", names[i], NULL, NULL,
                                   &value) == 0 && value != NULL &&
                strcmp(value, local) == 0)
                hits++;
            profile_release_string(value);
            value = NULL;
        }
        profile_free_list(names);
    }
    snprintf(fix, sizeof(fix), "add to the clients' krb5.conf: "
             "[domain_realm] .your.services.domain = %s", local);
    if (hits == 0)
        add(dr, "krb5.conf", DR_WARN, fix, "[domain_realm] maps no domain "
            "to %s: clients may ask AD for the local services", local);
    else
        add(dr, "krb5.conf", DR_PASS, NULL, "[domain_realm] maps %zu "
            "domain(s) to %s", hits, local);
    for (i = 0; i < dr->cfg->trust_count; i++) {
        const conf_trust *t = &dr->cfg->trusts[i];
        char **kdcs = NULL;
        const char *rk[] = { "realms", t->realm, "kdc", NULL };
        int dnsk = 1;

        if (dr->only_realm != NULL && strcmp(dr->only_realm, t->realm) != 0)
            continue;
        (void)profile_get_boolean(p, "libdefaults", "dns_lookup_kdc", NULL,
                                  1, &dnsk);
        if (profile_get_values(p, rk, &kdcs) == 0 && kdcs != NULL &&
            kdcs[0] != NULL)
            add(dr, "krb5.conf", DR_PASS, NULL, "[realms] %s has kdc = %s",
                t->realm, kdcs[0]);
        else if (dnsk)
            add(dr, "krb5.conf", DR_PASS, NULL, "%s: clients find its KDCs "
                "by DNS (dns_lookup_kdc; see the dns check)", t->realm);
        else {
            snprintf(fix, sizeof(fix), "add [realms] %s = { kdc = DC } to "
                     "the clients' krb5.conf, or set dns_lookup_kdc = true",
                     t->realm);
            add(dr, "krb5.conf", DR_FAIL, fix, "clients cannot find %s's "
                "KDCs: no [realms] kdc and dns_lookup_kdc = false",
                t->realm);
        }
        profile_free_list(kdcs);
    }
    profile_release(p);
}

/* The issue-10 checks that reach the network, per trust. */
static void check_network(doctor *dr)
{
    size_t i;

    check_kdc_ports(dr);
    for (i = 0; i < dr->cfg->trust_count; i++) {
        const conf_trust *t = &dr->cfg->trusts[i];

        if (dr->only_realm != NULL && strcmp(dr->only_realm, t->realm) != 0)
            continue;
        check_dns_dcs(dr, t);
        check_mapped(dr, t);
    }
    check_client_conf(dr);
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
        cli_json_kv_bool(&js, "ok", fails == 0);
        cli_json_key(&js, "checks");
        cli_json_array_begin(&js);
        for (i = 0; i < dr->n; i++) {
            cli_json_object_begin(&js);
            cli_json_kv_string(&js, "check", dr->r[i].check);
            cli_json_kv_string(&js, "status", dr_name(dr->r[i].status));
            cli_json_kv_string(&js, "message", dr->r[i].message);
            cli_json_kv_string(&js, "fix",
                               dr->r[i].fix[0] != '\0' ? dr->r[i].fix : NULL);
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

/* The krb5 context of the probes and krb5.conf's clockskew. */
static void doctor_krb5_init(doctor *dr)
{
    profile_t p = NULL;
    int skew = DNS_PROBE_SKEW_LIMIT;

    if (krb5_init_context(&dr->kctx) != 0) {
        dr->kctx = NULL;
    } else if (krb5_get_profile(dr->kctx, &p) == 0) {
        (void)profile_get_integer(p, "libdefaults", "clockskew", NULL,
                                  DNS_PROBE_SKEW_LIMIT, &skew);
        profile_release(p);
    }
    dr->clockskew = skew > 0 ? skew : DNS_PROBE_SKEW_LIMIT;
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
           "trust's principals and keys in the KDC database (AES, kvno), the\n"
           "audit log; that the local KDC answers on its ports (kdc ports);\n"
           "each AD realm's SRV records (dns); that each DC answers on 88\n"
           "UDP and TCP and 389 (dc ports); each DC's clock (KRB-ERROR stime,\n"
           "LDAP currentTime) within krb5.conf's clockskew (clock); that every\n"
           "mapped SID exists in AD as a global or universal security group\n"
           "or a user (mapped; needs AD credentials, else a warning); the\n"
           "clients' krb5.conf snippets ([domain_realm], [realms] or DNS).\n"
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
           "%s"
           "  REALM            check only this trust\n\n"
           "Exit status: 0 no check failed, 1 a check failed, 2 usage.\n",
           doctor_usage, CLI_AD_HELP);
}

int cli_doctor_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "kdc-conf", required_argument, NULL, 'k' },
        { "json", no_argument, NULL, 'j' },
        CLI_AD_LONGOPTS,
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
        if (cli_ad_option(ch, optarg, &dr->ad))
            continue;
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
        doctor_krb5_init(dr);
        check_network(dr);
        if (user != NULL)
            check_user(dr, user, pwfile);
    }
    status = report(dr, json);

cleanup:
    if (dr != NULL && dr->kctx != NULL)
        krb5_free_context(dr->kctx);
    if (dr != NULL)
        conf_free(dr->cfg);
    free(dr);
    return status;
}
