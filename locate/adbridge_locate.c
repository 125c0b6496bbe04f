/* SPDX-License-Identifier: MIT */
/*
 * adbridge_locate.c - the MIT krb5 locate plugin adbridge_locate.so.
 *
 * MIT loads every shared object in LIBDIR/krb5/plugins/libkrb5/ into every
 * process that uses libkrb5 and asks each for `service_locator`
 * (krb5/locate_plugin.h).  This adapter is thin: it answers only for the
 * realms of the trusts in the adbridge configuration ($ADBRIDGE_CONFIG,
 * else /etc/adbridge.conf; read with conf_load() once per process and
 * again whenever the file changes) and asks
 * dns_lookup() for everything else (ordering, cache, failover memory).
 * Every other realm, service or failure gets KRB5_PLUGIN_NO_HANDLE, so
 * MIT goes on with krb5.conf and its own DNS lookup.
 *
 * Services: kdc, primary_kdc (AD publishes no _kerberos-master; MIT asks
 * for it after every reply from a KDC not known as primary and after a
 * failed password login: answered from the PDC record), kpasswd and
 * kadmin (MIT's _kerberos-adm); UDP and TCP.
 *
 * Failover: MIT never tells a locate plugin which server answered.  So,
 * before handing out a KDC list whose first address is not known to have
 * answered in the last failover_seconds, the plugin sends that address
 * one pre-authentication-less AS-REQ (dns_probe_kdc, 1 s at most) over the
 * transport asked for; if it does not answer it is noted as failed in the
 * shared failover memory and moved to the end, so this process and the
 * next ones go straight to a live KDC.  A live KDC is noted as good and
 * not probed again for failover_seconds.
 *
 * Safe to load anywhere: no constructors, no threads (c-ares 1.18 makes
 * none; one channel per lookup, destroyed before returning), one bounded
 * answer cache shared by the threads of the process (its own mutex),
 * environment read with secure_getenv() (so setuid programs ignore
 * ADBRIDGE_CONFIG, ADBRIDGE_STATE_DIR and KRB5_TRACE), and no output at
 * all unless KRB5_TRACE names a file: the plugin API has no trace call, so
 * it appends its own lines ("adbridge locate: ...") to that file, which
 * libkrb5 has opened for its own trace already.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <sys/socket.h>   /* before locate_plugin.h: its prototypes use struct sockaddr */

#include <krb5/krb5.h>
#include <krb5/locate_plugin.h>

#include "conf.h"
#include "dns.h"
#include "dns_probe.h"

#define LOC_DEFAULT_CONFIG "/etc/adbridge.conf"
#define LOC_PROBE_TIMEOUT_MS 1000u

typedef struct loc_ctx {
    krb5_context kctx;           /* borrowed from libkrb5 */
} loc_ctx;

/* One bounded cache per process, created on first use. */
static pthread_once_t loc_once = PTHREAD_ONCE_INIT;
static dns_cache *loc_cache;

static void loc_cache_init(void)
{
    if (dns_cache_new(0, 0, &loc_cache) != ADB_OK)
        loc_cache = NULL;
}

/*
 * The configuration, kept per process: MIT asks twice for one location
 * (SOCK_DGRAM, then SOCK_STREAM) and kinit asks again for the primary, so
 * each lookup after the first only stat()s the file; it is loaded again
 * when its device, inode, size, mtime or ctime change (an editor's rename
 * or an in-place write).  Reference-counted: a thread still using the
 * previous one keeps it until it is done.
 */
typedef struct loc_conf {
    conf_config *cfg;
    unsigned int refs;           /* the holder's one + each user's */
    char path[4096];
    struct stat st;
} loc_conf;

static pthread_mutex_t loc_conf_mu = PTHREAD_MUTEX_INITIALIZER;
static loc_conf *loc_conf_cur;

static bool loc_same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
           a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
           a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Drop one reference (the mutex held). */
static void loc_conf_unref_locked(loc_conf *lc)
{
    if (lc != NULL && --lc->refs == 0) {
        conf_free(lc->cfg);
        free(lc);
    }
}

static void loc_conf_release(loc_conf *lc)
{
    pthread_mutex_lock(&loc_conf_mu);
    loc_conf_unref_locked(lc);
    pthread_mutex_unlock(&loc_conf_mu);
}

/*
 * The configuration at @path, loaded or kept: a reference for the caller
 * (release with loc_conf_release()), or NULL when the file is missing,
 * unreadable or does not load (*@bad set for the last).
 */
static loc_conf *loc_conf_get(const char *path, bool *bad)
{
    struct stat st;
    loc_conf *lc = NULL, *old;
    conf_config *cfg = NULL;

    *bad = false;
    if (strlen(path) >= sizeof(lc->path) || stat(path, &st) != 0 ||
        access(path, R_OK) != 0)
        return NULL;                      /* adbridge not set up here */
    pthread_mutex_lock(&loc_conf_mu);
    if (loc_conf_cur != NULL && strcmp(loc_conf_cur->path, path) == 0 &&
        loc_same_file(&loc_conf_cur->st, &st)) {
        lc = loc_conf_cur;
        lc->refs++;
    }
    pthread_mutex_unlock(&loc_conf_mu);
    if (lc != NULL)
        return lc;
    if (conf_load(path, &cfg, NULL) != ADB_OK) {
        *bad = true;
        return NULL;
    }
    lc = calloc(1, sizeof(*lc));
    if (lc == NULL) {
        conf_free(cfg);
        return NULL;
    }
    lc->cfg = cfg;
    lc->refs = 2;                         /* the holder's and the caller's */
    snprintf(lc->path, sizeof(lc->path), "%s", path);
    lc->st = st;                          /* as stat()ed before loading */
    pthread_mutex_lock(&loc_conf_mu);
    old = loc_conf_cur;
    loc_conf_cur = lc;
    loc_conf_unref_locked(old);
    pthread_mutex_unlock(&loc_conf_mu);
    return lc;
}

static void loc_trace(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void loc_trace(const char *fmt, ...)
{
    const char *path = secure_getenv("KRB5_TRACE");
    char line[1024];
    struct timeval tv;
    va_list ap;
    int fd, n, m;

    if (path == NULL || *path == '\0')
        return;
    gettimeofday(&tv, NULL);
    n = snprintf(line, sizeof(line), "[%d] %lld.%06ld: adbridge locate: ",
                 (int)getpid(), (long long)tv.tv_sec, (long)tv.tv_usec);
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    va_start(ap, fmt);
    m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    n += m;
    if ((size_t)n > sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return;
    if (write(fd, line, (size_t)n) < 0) {
        /* nothing to do: tracing is best effort */
    }
    close(fd);
}

static krb5_error_code loc_init(krb5_context kctx, void **data_out)
{
    loc_ctx *c = calloc(1, sizeof(*c));

    if (c == NULL)
        return ENOMEM;
    c->kctx = kctx;
    *data_out = c;
    return 0;
}

static void loc_fini(void *data)
{
    free(data);
}

static bool loc_map(enum locate_service_type svc, dns_service *out)
{
    switch (svc) {
    case locate_service_kdc:         *out = DNS_SERVICE_KDC; return true;
    case locate_service_primary_kdc: *out = DNS_SERVICE_PDC; return true;
    case locate_service_kpasswd:     *out = DNS_SERVICE_KPASSWD; return true;
    case locate_service_kadmin:      *out = DNS_SERVICE_KADMIN; return true;
    default:                         return false;
    }
}

/* The trust's settings into @opts (borrowed from @cfg). */
static void loc_options(const conf_config *cfg, const conf_trust *t,
                        dns_options *opts)
{
    opts->configured = t->kdcs;
    opts->configured_count = t->kdc_count;
    opts->site = t->site;
    opts->dns_servers = cfg->dns_servers;
    opts->failover_seconds = cfg->failover_seconds;
}

/* Probe the first endpoint unless the failover memory vouches for it;
 * on no answer note it and return true (the caller looks up again). */
static bool loc_probe_first(loc_ctx *c, const char *realm,
                            const dns_options *opts, const dns_result *r)
{
    const dns_endpoint *e = &r->endpoints[0];
    dns_probe_result pr;
    char buf[80];

    if (e->demoted ||
        dns_failover_known_good(opts, (const struct sockaddr *)&e->addr))
        return false;
    if (dns_probe_kdc(c->kctx, realm, (const struct sockaddr *)&e->addr,
                      e->addrlen, e->socktype, LOC_PROBE_TIMEOUT_MS,
                      &pr) != ADB_OK)
        return false;
    dns_endpoint_format((const struct sockaddr *)&e->addr, buf, sizeof(buf));
    dns_failover_note(opts, (const struct sockaddr *)&e->addr, !pr.answered);
    if (pr.answered) {
        loc_trace("%s %s answered the probe in %.1f ms", buf,
                  e->socktype == SOCK_DGRAM ? "udp" : "tcp", pr.rtt_ms);
        return false;
    }
    loc_trace("%s %s did not answer (%s): tried last for %u s", buf,
              e->socktype == SOCK_DGRAM ? "udp" : "tcp", pr.detail,
              opts->failover_seconds);
    return true;
}

static void loc_trace_nothing(const char *realm, dns_service svc,
                              const dns_result *r)
{
    size_t i;

    loc_trace("no %s found for %s", dns_service_name(svc), realm);
    for (i = 0; r != NULL && i < r->query_count; i++)
        loc_trace("  %s %s: %s", r->queries[i].type, r->queries[i].name,
                  r->queries[i].detail);
}

static krb5_error_code loc_lookup(void *data, enum locate_service_type svc,
                                  const char *realm, int socktype,
                                  int family,
                                  int (*cbfunc)(void *, int, struct sockaddr *),
                                  void *cbdata)
{
    loc_ctx *c = data;
    const char *path = secure_getenv("ADBRIDGE_CONFIG"), *sd;
    loc_conf *lc = NULL;
    const conf_config *cfg;
    const conf_trust *t;
    dns_result *r = NULL;
    dns_options opts;
    dns_service dsvc;
    krb5_error_code ret = KRB5_PLUGIN_NO_HANDLE;
    size_t i, given = 0;
    bool bad;
    adb_err err;

    if (c == NULL || realm == NULL || cbfunc == NULL || !loc_map(svc, &dsvc))
        return KRB5_PLUGIN_NO_HANDLE;
    if (socktype != 0 && socktype != SOCK_DGRAM && socktype != SOCK_STREAM)
        return KRB5_PLUGIN_NO_HANDLE;
    if (path == NULL || *path == '\0')
        path = LOC_DEFAULT_CONFIG;
    lc = loc_conf_get(path, &bad);
    if (lc == NULL) {
        if (bad)
            loc_trace("%s does not load (see adbridge config check): not"
                      " handling %s", path, realm);
        goto cleanup;
    }
    cfg = lc->cfg;
    t = conf_find_trust(cfg, realm);
    if (t == NULL)
        goto cleanup;                     /* not one of ours */
    pthread_once(&loc_once, loc_cache_init);
    dns_options_init(&opts);
    loc_options(cfg, t, &opts);
    opts.cache = loc_cache;
    sd = secure_getenv("ADBRIDGE_STATE_DIR");
    if (sd != NULL)
        opts.state_dir = sd;
    err = dns_lookup(realm, dsvc, socktype, &opts, &r);
    if (err == ADB_OK && (dsvc == DNS_SERVICE_KDC || dsvc == DNS_SERVICE_PDC) &&
        r->endpoint_count > 1 && loc_probe_first(c, realm, &opts, r)) {
        dns_result_free(r);
        r = NULL;
        err = dns_lookup(realm, dsvc, socktype, &opts, &r);  /* cached */
    }
    if (err != ADB_OK) {
        loc_trace_nothing(realm, dsvc, r);
        goto cleanup;
    }
    for (i = 0; i < r->endpoint_count; i++) {
        const dns_endpoint *e = &r->endpoints[i];
        struct sockaddr_storage ss = e->addr;

        if (family != AF_UNSPEC && family != e->addr.ss_family)
            continue;
        given++;
        if (cbfunc(cbdata, e->socktype, (struct sockaddr *)&ss) != 0)
            break;
    }
    loc_trace("%s of %s: %zu address(es) from adbridge", dns_service_name(dsvc),
              realm, given);
    ret = given > 0 ? 0 : KRB5_PLUGIN_NO_HANDLE;

cleanup:
    dns_result_free(r);
    if (lc != NULL)
        loc_conf_release(lc);
    return ret;
}

__attribute__((visibility("default")))
const krb5plugin_service_locate_ftable service_locator = {
    0, loc_init, loc_fini, loc_lookup
};
