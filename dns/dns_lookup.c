/* SPDX-License-Identifier: MIT */
/*
 * dns_lookup.c - one lookup: the query plan of a service, every query in
 * flight at once on one c-ares channel (poll() over ares_getsock(), no
 * threads), then RFC 2782 order, addresses, failover memory (dns.h).
 */
#include "dns_int.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "adb_hostport.h"

#define SOCK_MASK_UDP 1u
#define SOCK_MASK_TCP 2u
#define LK_MAX_SPECS 8
#define LK_MAX_QUERIES (LK_MAX_SPECS + 2 * DNS_MAX_HOSTS)
#define LK_DEADLINE_CAP_MS 30000u

/* One SRV query of a service's plan. */
typedef struct lk_spec {
    const char *head;         /* the name before the site or domain */
    const char *site_mid;     /* site records: between site and domain */
    unsigned int tier;        /* 1 site, 2 domain, 3 AD's _msdcs */
    unsigned int socks;       /* SOCK_MASK_* the targets serve */
    uint16_t port;            /* 0: the SRV port; else this one */
    bool site;                /* head SITE site_mid DOMAIN */
    bool forest;              /* the domain is the forest's */
    uint16_t qtype;           /* DNS_T_SRV or DNS_T_URI */
    bool primary_only;        /* URI: only records with the "m" flag */
} lk_spec;

typedef struct lk_plan {
    size_t n;
    lk_spec s[LK_MAX_SPECS];
    uint16_t default_port;    /* for configured servers */
} lk_plan;

struct lk;

typedef struct lk_query {
    struct lk *lk;
    char name[DNS_NAME_MAX + 1];
    uint16_t type;
    int spec;                 /* index into the plan, or -1 */
    dns_answer *answer;       /* owned, NULL until answered */
    dns_qstatus status;
    bool done, cached;
    char detail[96];
} lk_query;

typedef struct lk_host {
    char name[DNS_NAME_MAX + 1];
    int qa, qaaaa;            /* query indexes, -1 if none */
    const dns_answer *glue;   /* borrowed from an SRV answer, or NULL */
} lk_host;

typedef struct lk {
    const dns_options *opts;
    const lk_plan *plan;
    ares_channel ch;
    bool have_ch, closing;
    uint64_t now_ms;
    size_t pending;
    size_t nq, nh;
    bool hosts_limited;
    /* Only the first nq / nh entries are initialised (by query_start and
     * host_add): the tables are 70 KiB, and zeroing all of them cost a
     * new process a page fault per page (dns/README.md, "Cold cost"). */
    lk_query q[LK_MAX_QUERIES];
    lk_host h[DNS_MAX_HOSTS];
} lk;

void dns_options_init(dns_options *o)
{
    memset(o, 0, sizeof(*o));
    o->timeout_ms = DNS_DEFAULT_TIMEOUT_MS;
    o->tries = DNS_DEFAULT_TRIES;
    o->failover_seconds = DNS_DEFAULT_FAILOVER_SECONDS;
}

static const char *const svc_names[DNS_SERVICE__COUNT] = {
    "kdc", "kpasswd", "pdc", "kadmin", "ldap", "gc"
};

const char *dns_service_name(dns_service svc)
{
    return (unsigned)svc < DNS_SERVICE__COUNT ? svc_names[svc] : "?";
}

adb_err dns_service_parse(const char *name, dns_service *svc_out)
{
    size_t i;

    for (i = 0; name != NULL && i < DNS_SERVICE__COUNT; i++) {
        if (strcmp(name, svc_names[i]) == 0) {
            *svc_out = (dns_service)i;
            return ADB_OK;
        }
    }
    return ADB_ERR_NOT_FOUND;
}

const char *dns_qstatus_name(dns_qstatus st)
{
    switch (st) {
    case DNS_Q_OK:          return "NOERROR";
    case DNS_Q_NODATA:      return "no records";
    case DNS_Q_NXDOMAIN:    return "NXDOMAIN";
    case DNS_Q_NOT_OFFERED: return "not offered";
    case DNS_Q_SERVFAIL:    return "SERVFAIL";
    case DNS_Q_REFUSED:     return "refused";
    case DNS_Q_TIMEOUT:     return "timeout";
    case DNS_Q_UNREACHABLE: return "unreachable";
    case DNS_Q_MALFORMED:   return "malformed answer";
    case DNS_Q_TRUNCATED:   return "truncated answer";
    case DNS_Q_LIMIT:       return "over a limit";
    case DNS_Q_ERROR:       return "error";
    }
    return "?";
}

static uint64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void plan_add(lk_plan *p, const char *head, unsigned int tier,
                     unsigned int socks, uint16_t port, const char *site_mid)
{
    lk_spec *s = &p->s[p->n++];

    s->head = head;
    s->site_mid = site_mid;
    s->tier = tier;
    s->socks = socks;
    s->port = port;
    s->site = site_mid != NULL;
    s->forest = false;
    s->qtype = DNS_T_SRV;
    s->primary_only = false;
}

/* MIT's URI record (1.15+: `_kerberos.REALM` and friends, tried before
 * SRV): when it has usable records they replace the domain's SRV ones. */
static void plan_add_uri(lk_plan *p, const char *head, bool primary_only)
{
    plan_add(p, head, 2, SOCK_MASK_UDP | SOCK_MASK_TCP, 0, NULL);
    p->s[p->n - 1].qtype = DNS_T_URI;
    p->s[p->n - 1].primary_only = primary_only;
}

/* The SRV queries of @svc (MIT's set, then AD's; site records first). */
static void plan_build(dns_service svc, bool have_site, lk_plan *p)
{
    const unsigned int both = SOCK_MASK_UDP | SOCK_MASK_TCP;

    memset(p, 0, sizeof(*p));
    switch (svc) {
    case DNS_SERVICE_KDC:
        p->default_port = 88;
        /* AD registers site records over TCP only (MS-ADTS 6.3.2.3); its
         * KDCs serve UDP on the same port. */
        if (have_site) {
            /* the DCs' KDCs of the site (MS-ADTS 6.3.2.3), then any */
            plan_add(p, "_kerberos._tcp.", 1, both, 0, "._sites.dc._msdcs.");
            plan_add(p, "_kerberos._tcp.", 1, both, 0, "._sites.");
        }
        plan_add_uri(p, "_kerberos.", false);
        plan_add(p, "_kerberos._udp.", 2, SOCK_MASK_UDP, 0, NULL);
        plan_add(p, "_kerberos._tcp.", 2, SOCK_MASK_TCP, 0, NULL);
        plan_add(p, "_kerberos._tcp.dc._msdcs.", 3, both, 0, NULL);
        break;
    case DNS_SERVICE_KPASSWD:
        p->default_port = 464;
        plan_add_uri(p, "_kpasswd.", false);
        plan_add(p, "_kpasswd._udp.", 2, SOCK_MASK_UDP, 0, NULL);
        plan_add(p, "_kpasswd._tcp.", 2, SOCK_MASK_TCP, 0, NULL);
        /* MIT's fallback: the admin server, port 464 (os/changepw.c) */
        plan_add(p, "_kerberos-adm._tcp.", 3, both, 464, NULL);
        break;
    case DNS_SERVICE_PDC:
        p->default_port = 88;
        plan_add_uri(p, "_kerberos.", true);
        plan_add(p, "_kerberos-master._udp.", 2, SOCK_MASK_UDP, 0, NULL);
        plan_add(p, "_kerberos-master._tcp.", 2, SOCK_MASK_TCP, 0, NULL);
        /* AD has no _kerberos-master: its PDC emulator's KDC */
        plan_add(p, "_ldap._tcp.pdc._msdcs.", 3, both, 88, NULL);
        break;
    case DNS_SERVICE_KADMIN:
        p->default_port = 749;
        plan_add_uri(p, "_kerberos-adm.", false);
        plan_add(p, "_kerberos-adm._tcp.", 2, SOCK_MASK_TCP, 0, NULL);
        break;
    case DNS_SERVICE_LDAP:
        p->default_port = 389;
        if (have_site)
            plan_add(p, "_ldap._tcp.", 1, SOCK_MASK_TCP, 0,
                     "._sites.dc._msdcs.");
        plan_add(p, "_ldap._tcp.dc._msdcs.", 2, SOCK_MASK_TCP, 0, NULL);
        break;
    case DNS_SERVICE_GC:
        p->default_port = 3268;
        plan_add(p, "_gc._tcp.", 2, SOCK_MASK_TCP, 0, NULL);
        p->s[p->n - 1].forest = true;
        break;
    case DNS_SERVICE__COUNT:
        break;
    }
}

static bool site_valid(const char *site)
{
    size_t i, n = strlen(site);

    if (n == 0 || n > 63 || site[0] == '-' || site[n - 1] == '-')
        return false;
    for (i = 0; i < n; i++) {
        char c = site[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* ---- queries -------------------------------------------------------- */

static void on_answer(lk *L, lk_query *q);
static adb_err channel_open(lk *L, char *why, size_t whylen);

static dns_qstatus map_ares(int status)
{
    switch (status) {
    case ARES_ENODATA:      return DNS_Q_NODATA;
    case ARES_ENOTFOUND:    return DNS_Q_NXDOMAIN;
    case ARES_ESERVFAIL:    return DNS_Q_SERVFAIL;
    case ARES_EFORMERR:
    case ARES_ENOTIMP:
    case ARES_EREFUSED:     return DNS_Q_REFUSED;
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION: return DNS_Q_TIMEOUT;
    case ARES_ECONNREFUSED: return DNS_Q_UNREACHABLE;
    case ARES_EBADRESP:     return DNS_Q_MALFORMED;
    default:                return DNS_Q_ERROR;
    }
}

static dns_qstatus map_parse_err(adb_err err)
{
    switch (err) {
    case ADB_ERR_TRUNCATED: return DNS_Q_TRUNCATED;
    case ADB_ERR_MALFORMED: return DNS_Q_MALFORMED;
    case ADB_ERR_LIMIT:     return DNS_Q_LIMIT;
    default:                return DNS_Q_ERROR;
    }
}

static void ares_cb(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen)
{
    lk_query *q = arg;
    lk *L = q->lk;
    adb_err err;

    (void)timeouts;
    if (q->done)
        return;
    q->done = true;
    L->pending--;
    if (abuf != NULL && alen > 0 && status != ARES_ECANCELLED &&
        status != ARES_EDESTRUCTION) {
        err = dns_answer_parse(abuf, (size_t)alen, q->type, &q->answer,
                               q->detail, sizeof(q->detail));
        if (err != ADB_OK) {
            q->status = map_parse_err(err);
        } else {
            q->status = q->answer->status;
            if (q->answer->detail[0] != '\0')
                snprintf(q->detail, sizeof(q->detail), "%s",
                         q->answer->detail);
            if (L->opts->cache != NULL)
                dns_cache_put(L->opts->cache, q->name, q->type, q->answer,
                              L->now_ms);
        }
    } else {
        q->status = map_ares(status);
        snprintf(q->detail, sizeof(q->detail), "%s", ares_strerror(status));
        if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION)
            snprintf(q->detail, sizeof(q->detail),
                     "no answer before the lookup's deadline");
    }
    if (!L->closing)
        on_answer(L, q);
}

/* Start a query (or answer it from the cache).  Returns its index or -1
 * when the table is full. */
static int query_start(lk *L, const char *name, uint16_t type, int spec)
{
    lk_query *q;

    if (L->nq >= LK_MAX_QUERIES)
        return -1;
    q = &L->q[L->nq++];
    memset(q, 0, sizeof(*q));
    q->lk = L;
    snprintf(q->name, sizeof(q->name), "%s", name);
    q->type = type;
    q->spec = spec;
    if (L->opts->cache != NULL &&
        dns_cache_get(L->opts->cache, name, type, L->now_ms,
                      &q->answer) == ADB_OK) {
        q->done = q->cached = true;
        q->status = q->answer->status;
        snprintf(q->detail, sizeof(q->detail), "%s", q->answer->detail);
        on_answer(L, q);
        return (int)(q - L->q);
    }
    /* The channel (resolv.conf, sockets) only when the network is
     * needed: a lookup answered from the cache costs microseconds. */
    if (!L->have_ch && channel_open(L, q->detail, sizeof(q->detail)) !=
        ADB_OK) {
        if (L->have_ch) {
            ares_destroy(L->ch);
            L->have_ch = false;
        }
        q->done = true;
        q->status = DNS_Q_ERROR;
        return (int)(q - L->q);
    }
    L->pending++;
    ares_query(L->ch, name, 1 /* C_IN */, type, ares_cb, q);
    return (int)(q - L->q);
}

static const dns_answer *glue_for(const dns_answer *a, const char *host)
{
    size_t i;

    for (i = 0; a != NULL && i < a->addr_count; i++)
        if (strcasecmp(a->addr[i].name, host) == 0)
            return a;
    return NULL;
}

static lk_host *host_find(lk *L, const char *name)
{
    size_t i;

    for (i = 0; i < L->nh; i++)
        if (strcasecmp(L->h[i].name, name) == 0)
            return &L->h[i];
    return NULL;
}

/* Resolve @name unless it is known; @glue may hold its addresses. */
static void host_add(lk *L, const char *name, const dns_answer *glue)
{
    lk_host *h;

    if (host_find(L, name) != NULL)
        return;
    if (L->nh >= DNS_MAX_HOSTS) {
        L->hosts_limited = true;
        return;
    }
    h = &L->h[L->nh++];
    memset(h, 0, sizeof(*h));
    snprintf(h->name, sizeof(h->name), "%s", name);
    h->qa = h->qaaaa = -1;
    h->glue = glue_for(glue, name);
    if (h->glue != NULL)
        return;                      /* one round trip: no A/AAAA query */
    h->qa = query_start(L, name, DNS_T_A, -1);
    h->qaaaa = query_start(L, name, DNS_T_AAAA, -1);
}

/* A URI record of @q that @spec uses. */
static bool uri_usable(const lk_spec *spec, const dns_srv_rr *rr)
{
    return !spec->primary_only || rr->primary;
}

static void on_answer(lk *L, lk_query *q)
{
    const lk_spec *spec = q->spec >= 0 ? &L->plan->s[q->spec] : NULL;
    size_t i;

    if ((q->type != DNS_T_SRV && q->type != DNS_T_URI) ||
        q->answer == NULL || q->answer->status != DNS_Q_OK)
        return;
    for (i = 0; i < q->answer->srv_count; i++) {
        const dns_srv_rr *rr = &q->answer->srv[i];

        if (rr->target[0] == '\0')
            continue;
        if (q->type == DNS_T_URI &&
            (rr->is_ip || spec == NULL || !uri_usable(spec, rr)))
            continue;                 /* an address needs no query */
        host_add(L, rr->target, q->answer);
    }
}

static uint64_t lookup_deadline_ms(const dns_options *o)
{
    uint64_t per = o->timeout_ms, total = 0;
    unsigned int i;

    for (i = 0; i < o->tries && i < 8; i++)
        total += per << i;
    total = total * 2 * DNS_MAX_DNS_SERVERS / 4 + 100;
    return total > LK_DEADLINE_CAP_MS ? LK_DEADLINE_CAP_MS : total;
}

static void run_loop(lk *L)
{
    uint64_t deadline = mono_ms() + lookup_deadline_ms(L->opts);

    while (L->pending > 0) {
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        struct pollfd pfd[ARES_GETSOCK_MAXNUM];
        struct timeval maxtv, tv, *tvp;
        uint64_t now = mono_ms(), left;
        int bits, i, n = 0, ms, rc;

        if (now >= deadline) {
            ares_cancel(L->ch);
            break;
        }
        left = deadline - now;
        bits = ares_getsock(L->ch, socks, ARES_GETSOCK_MAXNUM);
        for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            short ev = 0;

            /* c-ares' ARES_GETSOCK_* macros shift a signed 1 into bit
             * 31: test the bits unsigned. */
            if ((unsigned int)bits & (1u << i))
                ev |= POLLIN;
            if ((unsigned int)bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
                ev |= POLLOUT;
            if (ev == 0)
                continue;
            pfd[n].fd = socks[i];
            pfd[n].events = ev;
            pfd[n].revents = 0;
            n++;
        }
        maxtv.tv_sec = (time_t)(left / 1000);
        maxtv.tv_usec = (suseconds_t)((left % 1000) * 1000);
        tvp = ares_timeout(L->ch, &maxtv, &tv);
        ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
        rc = poll(pfd, (nfds_t)n, ms);
        if (rc <= 0) {
            ares_process_fd(L->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            continue;
        }
        for (i = 0; i < n; i++) {
            short re = pfd[i].revents;

            if (re == 0)
                continue;
            ares_process_fd(L->ch,
                            (re & (POLLIN | POLLERR | POLLHUP)) ?
                                pfd[i].fd : ARES_SOCKET_BAD,
                            (re & POLLOUT) ? pfd[i].fd : ARES_SOCKET_BAD);
        }
    }
}

/* "a b,c" -> c-ares' "a,b,c" (each checked: an address, optional port). */
static adb_err servers_csv(const char *list, char *csv, size_t size,
                           char *why, size_t whylen)
{
    char item[ADB_HOST_MAX + 16];
    const char *p = list;
    size_t off = 0, count = 0;

    csv[0] = '\0';
    while (*p != '\0') {
        size_t n = strcspn(p, " \t,");
        adb_hostport hp;
        int w;

        if (n == 0) {
            p++;
            continue;
        }
        if (n >= sizeof(item) || ++count > DNS_MAX_DNS_SERVERS) {
            snprintf(why, whylen, "too many or too long DNS servers");
            return ADB_ERR_MALFORMED;
        }
        memcpy(item, p, n);
        item[n] = '\0';
        p += n;
        if (adb_hostport_parse(item, &hp, why, whylen) != ADB_OK)
            return ADB_ERR_MALFORMED;
        if (!hp.is_ip) {
            snprintf(why, whylen, "DNS server \"%.64s\" is not an address",
                     item);
            return ADB_ERR_MALFORMED;
        }
        w = snprintf(csv + off, size - off, "%s%s%s%s:%u",
                     off > 0 ? "," : "", hp.is_ipv6 ? "[" : "", hp.host,
                     hp.is_ipv6 ? "]" : "", hp.port != 0 ? hp.port : 53u);
        if (w < 0 || (size_t)w >= size - off)
            return ADB_ERR_MALFORMED;
        off += (size_t)w;
    }
    if (count == 0) {
        snprintf(why, whylen, "no DNS server given");
        return ADB_ERR_MALFORMED;
    }
    return ADB_OK;
}

/* The number of servers @ch will ask. */
static size_t channel_servers(ares_channel ch)
{
    struct ares_addr_port_node *list = NULL, *p;
    size_t n = 0;

    if (ares_get_servers_ports(ch, &list) != ARES_SUCCESS)
        return 0;
    for (p = list; p != NULL; p = p->next)
        n++;
    ares_free_data(list);
    return n;
}

static adb_err channel_open(lk *L, char *why, size_t whylen)
{
    struct ares_options ao;
    char csv[DNS_MAX_DNS_SERVERS * 64];
    char lookups[] = "b";
    int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
               ARES_OPT_LOOKUPS;
    /* resolv.conf's servers: guess one (the usual case: a local stub or
     * one DC) and open the channel once; only when there are more is it
     * opened again without NOCHECKRESP. */
    size_t nservers = 1;
    bool retry = true;
    adb_err ret;

    if (L->opts->dns_servers != NULL) {
        ret = servers_csv(L->opts->dns_servers, csv, sizeof(csv), why,
                          whylen);
        if (ret != ADB_OK)
            return ret;
        nservers = 1 + (size_t)(strchr(csv, ',') != NULL);
    }
again:
    memset(&ao, 0, sizeof(ao));
    /* c-ares 1.18 moves on to the next server after SERVFAIL, REFUSED or
     * NOTIMP and, after the last, reports only "could not contact": with
     * one server, take its answer (NOCHECKRESP) so that the rcode is
     * reported as it is. */
    ao.flags = ARES_FLAG_NOSEARCH | (nservers == 1 ? ARES_FLAG_NOCHECKRESP : 0);
    /* c-ares 1.18 ignores resolv.conf's timeout:/attempts: (see
     * docs): always set both. */
    ao.timeout = (int)(L->opts->timeout_ms > 0 ? L->opts->timeout_ms
                                               : DNS_DEFAULT_TIMEOUT_MS);
    ao.tries = (int)(L->opts->tries > 0 ? L->opts->tries : DNS_DEFAULT_TRIES);
    ao.lookups = lookups;
    if (ares_init_options(&L->ch, &ao, mask) != ARES_SUCCESS) {
        snprintf(why, whylen, "cannot set up the DNS resolver");
        return ADB_ERR_IO;
    }
    L->have_ch = true;
    if (L->opts->dns_servers == NULL && retry) {
        retry = false;
        nservers = channel_servers(L->ch);
        if (nservers != 1) {
            ares_destroy(L->ch);
            L->have_ch = false;
            goto again;
        }
    }
    if (L->opts->dns_servers != NULL &&
        ares_set_servers_ports_csv(L->ch, csv) != ARES_SUCCESS) {
        snprintf(why, whylen, "c-ares refused the DNS servers \"%.40s\"", csv);
        return ADB_ERR_MALFORMED;
    }
    return ADB_OK;
}

/* ---- the result ----------------------------------------------------- */

typedef struct lk_out {
    dns_result *r;
    dns_endpoint *ep;         /* heap, grown as needed; copied into the
                               * result's arena at the end */
    size_t nep, cap;
    bool nomem;
    int socktype;
} lk_out;

/* Room for one more endpoint in @o (false: at the cap or out of memory). */
static bool ep_room(lk_out *o)
{
    dns_endpoint *n;
    size_t cap;

    if (o->nep < o->cap)
        return true;
    if (o->cap >= DNS_MAX_ENDPOINTS)
        return false;
    cap = o->cap == 0 ? 8 : o->cap * 2;
    if (cap > DNS_MAX_ENDPOINTS)
        cap = DNS_MAX_ENDPOINTS;
    n = realloc(o->ep, cap * sizeof(*n));
    if (n == NULL) {
        o->nomem = true;
        return false;
    }
    o->ep = n;
    o->cap = cap;
    return true;
}

static const char *arena_str(adb_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *p = adb_arena_alloc(a, n + 1);

    if (p != NULL)
        memcpy(p, s, n + 1);
    return p;
}

static void ep_add(lk_out *o, int family, const uint8_t *addr, uint16_t port,
                   unsigned int socks, const char *host, unsigned int tier)
{
    static const int types[2] = { SOCK_DGRAM, SOCK_STREAM };
    size_t t, i;

    for (t = 0; t < 2; t++) {
        dns_endpoint *e;

        if (!(socks & (1u << t)) ||
            (o->socktype != 0 && o->socktype != types[t]))
            continue;
        for (i = 0; i < o->nep; i++) {
            const dns_endpoint *x = &o->ep[i];

            if (x->socktype == types[t] && x->port == port &&
                x->addr.ss_family == family &&
                memcmp(family == AF_INET ?
                           (const void *)&((const struct sockaddr_in *)&x->addr)->sin_addr :
                           (const void *)&((const struct sockaddr_in6 *)&x->addr)->sin6_addr,
                       addr, family == AF_INET ? 4 : 16) == 0)
                break;
        }
        if (i < o->nep || !ep_room(o))
            continue;
        e = &o->ep[o->nep++];
        memset(e, 0, sizeof(*e));
        if (family == AF_INET) {
            struct sockaddr_in *sin = (struct sockaddr_in *)&e->addr;

            sin->sin_family = AF_INET;
            sin->sin_port = htons(port);
            memcpy(&sin->sin_addr, addr, 4);
            e->addrlen = sizeof(*sin);
        } else {
            struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&e->addr;

            sin6->sin6_family = AF_INET6;
            sin6->sin6_port = htons(port);
            memcpy(&sin6->sin6_addr, addr, 16);
            e->addrlen = sizeof(*sin6);
        }
        e->socktype = types[t];
        e->port = port;
        e->host = host;
        e->tier = tier;
    }
}

static void ep_host(lk *L, lk_out *o, const char *name, uint16_t port,
                    unsigned int socks, unsigned int tier)
{
    const lk_host *h = host_find(L, name);
    const char *host;
    size_t i;
    int k;

    if (h == NULL)
        return;
    host = arena_str(&o->r->arena, name);
    if (host == NULL)
        return;
    if (h->glue != NULL) {
        for (k = 0; k < 2; k++)
            for (i = 0; i < h->glue->addr_count; i++) {
                const dns_addr_rr *a = &h->glue->addr[i];

                if (a->family == (k == 0 ? AF_INET : AF_INET6) &&
                    strcasecmp(a->name, name) == 0)
                    ep_add(o, a->family, a->addr, port, socks, host, tier);
            }
        return;
    }
    for (k = 0; k < 2; k++) {
        int qi = k == 0 ? h->qa : h->qaaaa;
        const dns_answer *a = qi >= 0 ? L->q[qi].answer : NULL;

        for (i = 0; a != NULL && i < a->addr_count; i++)
            ep_add(o, a->addr[i].family, a->addr[i].addr, port, socks, host,
                   tier);
    }
}

static int64_t wall_now(void)
{
    return (int64_t)time(NULL);
}

static const char *state_dir(const dns_options *o)
{
    return o->state_dir != NULL ? o->state_dir : DNS_DEFAULT_STATE_DIR;
}

static void addr_bytes(const struct sockaddr *sa, int *family,
                       const uint8_t **addr)
{
    *family = sa->sa_family;
    if (sa->sa_family == AF_INET)
        *addr = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
    else
        *addr = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
}

/* Stable: the endpoints marked down go last. */
static void apply_failover(const dns_options *opts, lk_out *o)
{
    dns_failover fo;
    dns_endpoint *tmp;
    size_t i, n = 0;
    int64_t now = wall_now();

    if (opts->failover_seconds == 0 || o->nep == 0)
        return;
    dns_failover_load(state_dir(opts), geteuid(), now, &fo);
    if (fo.count == 0)
        return;
    tmp = adb_arena_array(&o->r->arena, o->nep, sizeof(*tmp));
    if (tmp == NULL)
        return;
    for (i = 0; i < o->nep; i++) {
        int family;
        const uint8_t *addr;

        addr_bytes((const struct sockaddr *)&o->ep[i].addr, &family, &addr);
        o->ep[i].demoted = dns_failover_state(&fo, family, addr, now) == 1;
        if (!o->ep[i].demoted)
            tmp[n++] = o->ep[i];
    }
    for (i = 0; i < o->nep; i++)
        if (o->ep[i].demoted)
            tmp[n++] = o->ep[i];
    memcpy(o->ep, tmp, o->nep * sizeof(*tmp));
}

static adb_err build_result(lk *L, const lk_plan *plan,
                            const adb_hostport *conf, size_t nconf,
                            int socktype, lk_out *o)
{
    dns_result *r = o->r;
    dns_query_info *qi;
    dns_srv_record *sr;
    size_t i, j, nsrv = 0;
    bool uri_used = false;

    qi = adb_arena_array(&r->arena, L->nq + 1, sizeof(*qi));
    for (i = 0; i < L->nq; i++)
        if ((L->q[i].type == DNS_T_SRV || L->q[i].type == DNS_T_URI) &&
            L->q[i].answer != NULL)
            nsrv += L->q[i].answer->srv_count;
    sr = adb_arena_array(&r->arena, nsrv, sizeof(*sr));
    if (qi == NULL || sr == NULL)
        return ADB_ERR_NOMEM;
    o->socktype = socktype;
    for (i = 0; i < L->nq; i++) {
        const lk_query *q = &L->q[i];
        dns_query_info *x = &qi[r->query_count++];

        x->name = arena_str(&r->arena, q->name);
        x->type = q->type == DNS_T_SRV ? "SRV" : q->type == DNS_T_URI ? "URI" :
                  q->type == DNS_T_A ? "A" : "AAAA";
        x->status = q->status;
        x->cached = q->cached;
        x->tier = q->spec >= 0 ? plan->s[q->spec].tier : 0;
        x->ttl = q->answer != NULL ? q->answer->ttl : 0;
        x->detail = arena_str(&r->arena, q->detail[0] != '\0' ? q->detail :
                              dns_qstatus_name(q->status));
        if (x->name == NULL || x->detail == NULL)
            return ADB_ERR_NOMEM;
    }
    if (L->hosts_limited) {
        dns_query_info *x = &qi[r->query_count++];

        x->name = "(targets)";
        x->type = "A";
        x->status = DNS_Q_LIMIT;
        x->detail = "more than 64 distinct targets: the rest were not resolved";
    }
    r->queries = qi;
    /* Configured servers first, in file order. */
    for (i = 0; i < nconf; i++) {
        unsigned int both = SOCK_MASK_UDP | SOCK_MASK_TCP;
        uint16_t port = conf[i].port != 0 ? conf[i].port : plan->default_port;
        uint8_t bin[16];

        if (conf[i].is_ip) {
            int fam = conf[i].is_ipv6 ? AF_INET6 : AF_INET;
            const char *host = arena_str(&r->arena, conf[i].host);

            if (host == NULL ||
                inet_pton(fam, conf[i].host, bin) != 1)
                continue;
            ep_add(o, fam, bin, port, both, host, 0);
        } else {
            ep_host(L, o, conf[i].host, port, both, 0);
        }
    }
    /* A URI answer with a record this service uses replaces the domain's
     * SRV records (MIT: URI first, SRV only without URI); AD's site
     * records still come first. */
    for (i = 0; i < L->nq; i++) {
        const lk_query *q = &L->q[i];

        if (q->type != DNS_T_URI || q->answer == NULL ||
            q->answer->status != DNS_Q_OK)
            continue;
        for (j = 0; j < q->answer->srv_count; j++)
            if (uri_usable(&plan->s[q->spec], &q->answer->srv[j]))
                uri_used = true;
    }
    /* Then each SRV or URI answer of the plan, in RFC 2782 order. */
    for (i = 0; i < L->nq; i++) {
        const lk_query *q = &L->q[i];
        const lk_spec *s;
        size_t order[DNS_MAX_SRV_PER_ANSWER], n = 0;
        const char *owner;

        if ((q->type != DNS_T_SRV && q->type != DNS_T_URI) ||
            q->answer == NULL || q->answer->status != DNS_Q_OK)
            continue;
        s = &plan->s[q->spec];
        if (uri_used && q->type == DNS_T_SRV && s->tier >= 2)
            continue;                     /* replaced by the URI records */
        if (dns_select_order(q->answer->srv, q->answer->srv_count,
                             L->opts->random, L->opts->random_arg, order,
                             &n) != ADB_OK)
            continue;
        owner = arena_str(&r->arena, q->name);
        if (owner == NULL)
            return ADB_ERR_NOMEM;
        for (j = 0; j < n; j++) {
            const dns_srv_rr *rr = &q->answer->srv[order[j]];
            dns_srv_record *x;

            if (q->type == DNS_T_URI && !uri_usable(s, rr))
                continue;
            x = &sr[r->srv_count++];
            x->owner = owner;
            x->rrtype = q->type == DNS_T_URI ? "URI" : "SRV";
            x->socktype = rr->socks == DNS_SOCK_UDP ? SOCK_DGRAM :
                          rr->socks == DNS_SOCK_TCP ? SOCK_STREAM : 0;
            x->primary = rr->primary;
            x->priority = rr->priority;
            x->weight = rr->weight;
            x->port = rr->port;
            x->target = arena_str(&r->arena, rr->target);
            x->ttl = q->answer->ttl;
            x->tier = s->tier;
            if (x->target == NULL)
                return ADB_ERR_NOMEM;
            if (q->type == DNS_T_URI) {
                uint16_t port = rr->port != 0 ? rr->port : plan->default_port;
                uint8_t bin[16];
                int fam = strchr(rr->target, ':') != NULL ? AF_INET6
                                                          : AF_INET;

                x->port = port;
                if (!rr->is_ip)
                    ep_host(L, o, rr->target, port, rr->socks, s->tier);
                else if (inet_pton(fam, rr->target, bin) == 1)
                    ep_add(o, fam, bin, port, rr->socks, x->target, s->tier);
                continue;
            }
            ep_host(L, o, rr->target, s->port != 0 ? s->port : rr->port,
                    s->socks, s->tier);
        }
    }
    r->srvs = sr;
    if (o->nomem)
        return ADB_ERR_NOMEM;
    apply_failover(L->opts, o);
    r->endpoints = adb_arena_array_uninit(&r->arena, o->nep, sizeof(*o->ep));
    if (r->endpoints == NULL)
        return ADB_ERR_NOMEM;
    if (o->nep > 0)
        memcpy((dns_endpoint *)r->endpoints, o->ep, o->nep * sizeof(*o->ep));
    r->endpoint_count = o->nep;
    return ADB_OK;
}

static void lk_cleanup(lk *L)
{
    size_t i;

    if (L->have_ch) {
        L->closing = true;
        ares_destroy(L->ch);        /* runs pending callbacks: no queries */
    }
    for (i = 0; i < L->nq; i++)
        free(L->q[i].answer);
}

adb_err dns_lookup(const char *realm, dns_service svc, int socktype,
                   const dns_options *opts, dns_result **result_out)
{
    char domain[DNS_NAME_MAX + 1], name[DNS_NAME_MAX + 2], why[160] = "";
    adb_hostport conf[DNS_MAX_CONFIGURED];
    const char *forest;
    dns_result *r = NULL;
    lk_plan plan;
    lk_out out;
    lk *L = NULL;
    size_t i, n, nconf = 0;
    adb_err ret = ADB_ERR_INVALID;

    if (result_out != NULL)
        *result_out = NULL;
    if (realm == NULL || opts == NULL || result_out == NULL ||
        (unsigned)svc >= DNS_SERVICE__COUNT ||
        (socktype != 0 && socktype != SOCK_DGRAM && socktype != SOCK_STREAM))
        return ADB_ERR_INVALID;
    n = strlen(realm);
    if (n > DNS_NAME_MAX || !adb_hostname_valid(realm, false))
        return ADB_ERR_MALFORMED;
    for (i = 0; i <= n; i++)
        domain[i] = (char)((realm[i] >= 'A' && realm[i] <= 'Z') ?
                           realm[i] + 32 : realm[i]);
    if (n > 0 && domain[n - 1] == '.')
        domain[n - 1] = '\0';
    forest = opts->forest != NULL ? opts->forest : domain;
    if ((opts->site != NULL && !site_valid(opts->site)) ||
        !adb_hostname_valid(forest, false) ||
        opts->configured_count > DNS_MAX_CONFIGURED ||
        (opts->configured_count > 0 && opts->configured == NULL))
        return ADB_ERR_MALFORMED;
    for (i = 0; i < opts->configured_count; i++) {
        if (svc == DNS_SERVICE_PDC && i > 0)
            break;                        /* the first one is the primary */
        if (adb_hostport_parse(opts->configured[i], &conf[nconf], why,
                               sizeof(why)) != ADB_OK)
            return ADB_ERR_MALFORMED;
        if (svc != DNS_SERVICE_KDC && svc != DNS_SERVICE_PDC)
            conf[nconf].port = 0;         /* the kdc line's port is 88's */
        nconf++;
    }
    plan_build(svc, opts->site != NULL, &plan);
    L = malloc(sizeof(*L));
    r = calloc(1, sizeof(*r));
    if (L != NULL)
        memset(L, 0, offsetof(lk, q));   /* the tables: as they are used */
    if (L == NULL || r == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }
    adb_arena_init(&r->arena, 4096);
    r->service = svc;
    r->realm = arena_str(&r->arena, realm);
    if (r->realm == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }
    L->opts = opts;
    L->plan = &plan;
    L->now_ms = mono_ms();
    if (opts->dns_servers != NULL) {      /* checked before any query */
        char csv[DNS_MAX_DNS_SERVERS * 64];

        ret = servers_csv(opts->dns_servers, csv, sizeof(csv), why,
                          sizeof(why));
        if (ret != ADB_OK)
            goto cleanup;
    }
    for (i = 0; i < nconf; i++)
        if (!conf[i].is_ip)
            host_add(L, conf[i].host, NULL);
    if (nconf == 0 || opts->dns_with_configured) {
        for (i = 0; i < plan.n; i++) {
            const lk_spec *s = &plan.s[i];
            int w = s->site ? snprintf(name, sizeof(name), "%s%s%s%s",
                                       s->head, opts->site, s->site_mid,
                                       domain)
                            : snprintf(name, sizeof(name), "%s%s", s->head,
                                       s->forest ? forest : domain);

            if (w < 0 || (size_t)w > DNS_NAME_MAX) {
                ret = ADB_ERR_MALFORMED;
                goto cleanup;
            }
            query_start(L, name, s->qtype, (int)i);
        }
    }
    run_loop(L);
    memset(&out, 0, sizeof(out));
    out.r = r;
    ret = build_result(L, &plan, conf, nconf, socktype, &out);
    free(out.ep);
    if (ret != ADB_OK)
        goto cleanup;
    ret = r->endpoint_count > 0 ? ADB_OK : ADB_ERR_NOT_FOUND;
    *result_out = r;
    r = NULL;

cleanup:
    if (L != NULL) {
        lk_cleanup(L);
        free(L);
    }
    dns_result_free(r);
    return ret;
}

void dns_result_free(dns_result *r)
{
    if (r == NULL)
        return;
    adb_arena_free(&r->arena);
    free(r);
}

char *dns_endpoint_format(const struct sockaddr *sa, char *buf, size_t size)
{
    char a[INET6_ADDRSTRLEN] = "?";

    if (size == 0)
        return buf;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)sa;

        inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
        snprintf(buf, size, "%s:%u", a, ntohs(s->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;

        inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
        snprintf(buf, size, "[%s]:%u", a, ntohs(s->sin6_port));
    } else {
        snprintf(buf, size, "?");
    }
    return buf;
}

adb_err dns_failover_note(const dns_options *opts,
                          const struct sockaddr *addr, bool failed)
{
    int family;
    const uint8_t *bytes;

    if (opts == NULL || addr == NULL)
        return ADB_ERR_INVALID;
    if (opts->failover_seconds == 0 ||
        (addr->sa_family != AF_INET && addr->sa_family != AF_INET6))
        return ADB_OK;
    addr_bytes(addr, &family, &bytes);
    return dns_failover_update(state_dir(opts), geteuid(), wall_now(),
                               family, bytes, failed,
                               opts->failover_seconds);
}

bool dns_failover_known_good(const dns_options *opts,
                             const struct sockaddr *addr)
{
    dns_failover fo;
    int family;
    const uint8_t *bytes;
    int64_t now = wall_now();

    if (opts == NULL || addr == NULL || opts->failover_seconds == 0 ||
        (addr->sa_family != AF_INET && addr->sa_family != AF_INET6))
        return false;
    addr_bytes(addr, &family, &bytes);
    dns_failover_load(state_dir(opts), geteuid(), now, &fo);
    return dns_failover_state(&fo, family, bytes, now) == 2;
}
