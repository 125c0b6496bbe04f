/* SPDX-License-Identifier: MIT */
/*
 * dns_answer.c - one raw DNS answer -> a bounded dns_answer (dns_int.h).
 *
 * RFC 1035 4.1 message layout walked here (all integers big-endian):
 *
 *   header   ID(16) FLAGS(16: QR Opcode(4) AA TC RD RA Z(3) RCODE(4))
 *            QDCOUNT(16) ANCOUNT(16) NSCOUNT(16) ARCOUNT(16)
 *   question QNAME QTYPE(16) QCLASS(16)                 x QDCOUNT
 *   RR       NAME TYPE(16) CLASS(16) TTL(32) RDLENGTH(16) RDATA
 *                                      x ANCOUNT, NSCOUNT, ARCOUNT
 *
 * Names (with RFC 1035 4.1.4 compression) are expanded by c-ares; every
 * fixed field is read through the bounded reader; each RDATA is its own
 * sub-view.  The records we keep are then parsed by c-ares' own parsers,
 * and bounded by us.
 */
#include "dns_int.h"

#include <ares.h>
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adb_hostport.h"
#include "adb_rd.h"

#define DNS_C_IN 1
#define DNS_RCODE_NOERROR  0
#define DNS_RCODE_FORMERR  1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP   4
#define DNS_RCODE_REFUSED  5
#define DNS_FLAG_TC 0x0200u

dns_answer *dns_answer_new(dns_qstatus status, size_t nsrv, size_t naddr)
{
    dns_answer *a;
    size_t size;

    if (nsrv > DNS_MAX_SRV_PER_ANSWER || naddr > DNS_MAX_GLUE + DNS_MAX_ADDR_PER_HOST)
        return NULL;
    size = sizeof(*a) + nsrv * sizeof(dns_srv_rr) + naddr * sizeof(dns_addr_rr);
    a = calloc(1, size);
    if (a == NULL)
        return NULL;
    a->status = status;
    a->srv_count = nsrv;
    a->addr_count = naddr;
    a->srv = (dns_srv_rr *)(a + 1);
    a->addr = (dns_addr_rr *)(a->srv + nsrv);
    a->size = size;
    return a;
}

dns_answer *dns_answer_dup(const dns_answer *src)
{
    dns_answer *a = dns_answer_new(src->status, src->srv_count,
                                   src->addr_count);

    if (a == NULL)
        return NULL;
    a->ttl = src->ttl;
    memcpy(a->detail, src->detail, sizeof(a->detail));
    if (src->srv_count > 0)
        memcpy(a->srv, src->srv, src->srv_count * sizeof(dns_srv_rr));
    if (src->addr_count > 0)
        memcpy(a->addr, src->addr, src->addr_count * sizeof(dns_addr_rr));
    return a;
}

static adb_err rd_be16(adb_rd *rd, const char *field, uint16_t *out)
{
    const uint8_t *p;
    adb_err ret = adb_rd_bytes(rd, 2, field, &p);

    if (ret == ADB_OK)
        *out = (uint16_t)((p[0] << 8) | p[1]);
    return ret;
}

static adb_err rd_be32(adb_rd *rd, const char *field, uint32_t *out)
{
    const uint8_t *p;
    adb_err ret = adb_rd_bytes(rd, 4, field, &p);

    if (ret == ADB_OK)
        *out = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
               ((uint32_t)p[2] << 8) | p[3];
    return ret;
}

/* Expand the name at the cursor (c-ares), check its length, advance past
 * its encoded form.  @name_out (DNS_NAME_MAX + 1 bytes) may be NULL. */
static adb_err rd_name(adb_rd *rd, const uint8_t *msg, size_t msglen,
                       const char *field, char *name_out)
{
    char *s = NULL;
    long enclen = 0;
    size_t len;
    adb_err ret;

    if (adb_rd_failed(rd))
        return rd->diag->status;
    if (adb_rd_remaining(rd) == 0)
        return adb_rd_fail(rd, ADB_ERR_TRUNCATED, field, "name missing");
    if (ares_expand_name(rd->base + rd->off, msg, (int)msglen, &s,
                         &enclen) != ARES_SUCCESS)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "name does not decode");
    len = strlen(s);
    if (len > DNS_NAME_MAX) {
        ares_free_string(s);
        return adb_rd_fail(rd, ADB_ERR_LIMIT, field,
                           "name of %zu characters (limit %d)", len,
                           DNS_NAME_MAX);
    }
    if (name_out != NULL)
        memcpy(name_out, s, len + 1);
    ares_free_string(s);
    if (enclen <= 0)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field, "empty encoding");
    ret = adb_rd_skip(rd, (size_t)enclen, field);
    return ret;
}

/* What the walk of the sections learnt. */
typedef struct dns_walk {
    uint16_t rcode, ancount;
    bool tc;
    bool have_ttl;
    uint32_t min_ttl;          /* over answer RRs of the query type */
    bool have_soa;
    uint32_t soa_ttl;
    size_t nglue;
    dns_addr_rr glue[DNS_MAX_GLUE];
} dns_walk;

static adb_err walk_rr(adb_rd *rd, const uint8_t *msg, size_t msglen,
                       int section, uint16_t qtype, dns_walk *w)
{
    char name[DNS_NAME_MAX + 1];
    uint16_t type = 0, klass = 0, rdlen = 0;
    uint32_t ttl = 0;
    const uint8_t *rdata = NULL;
    adb_rd sub;

    rd_name(rd, msg, msglen, "RR name", name);
    rd_be16(rd, "RR type", &type);
    rd_be16(rd, "RR class", &klass);
    rd_be32(rd, "RR TTL", &ttl);
    rd_be16(rd, "RR length", &rdlen);
    if (adb_rd_sub(rd, rdlen, "RR data", &sub) != ADB_OK)
        return rd->diag->status;
    if (ttl > 0x7fffffffu)         /* RFC 2181 8: treat as zero */
        ttl = 0;
    if (section == 1 && type == qtype) {
        if (!w->have_ttl || ttl < w->min_ttl)
            w->min_ttl = ttl;
        w->have_ttl = true;
    } else if (section == 2 && type == DNS_T_SOA && !w->have_soa) {
        w->have_soa = true;
        w->soa_ttl = ttl;
    } else if (section == 3 && klass == DNS_C_IN &&
               ((type == DNS_T_A && rdlen == 4) ||
                (type == DNS_T_AAAA && rdlen == 16)) &&
               w->nglue < DNS_MAX_GLUE) {
        dns_addr_rr *g = &w->glue[w->nglue++];

        memset(g, 0, sizeof(*g));
        adb_rd_bytes(&sub, rdlen, "glue address", &rdata);
        if (rdata != NULL) {
            memcpy(g->name, name, sizeof(g->name));
            g->family = type == DNS_T_A ? AF_INET : AF_INET6;
            memcpy(g->addr, rdata, rdlen);
            g->ttl = ttl;
        }
    }
    return rd->diag->status;
}

static adb_err walk_message(const uint8_t *msg, size_t len, uint16_t qtype,
                            dns_walk *w, adb_diag *diag)
{
    adb_rd rd;
    uint16_t id = 0, flags = 0, qd = 0, an = 0, ns = 0, ar = 0;
    size_t i;

    adb_rd_init(&rd, msg, len, 0, diag);
    rd_be16(&rd, "ID", &id);
    rd_be16(&rd, "flags", &flags);
    rd_be16(&rd, "QDCOUNT", &qd);
    rd_be16(&rd, "ANCOUNT", &an);
    rd_be16(&rd, "NSCOUNT", &ns);
    rd_be16(&rd, "ARCOUNT", &ar);
    if (adb_rd_failed(&rd))
        return diag->status;
    w->rcode = flags & 0xfu;
    w->tc = (flags & DNS_FLAG_TC) != 0;
    w->ancount = an;
    /* A question is at least 5 bytes, an RR at least 11. */
    if (qd > 1 || (size_t)an + ns + ar > adb_rd_remaining(&rd) / 11)
        return adb_rd_fail(&rd, ADB_ERR_MALFORMED, "counts",
                           "%u questions, %u records do not fit in %zu bytes",
                           qd, an + ns + ar, adb_rd_remaining(&rd));
    for (i = 0; i < qd; i++) {
        rd_name(&rd, msg, len, "question name", NULL);
        adb_rd_skip(&rd, 4, "question type and class");
    }
    for (i = 0; i < (size_t)an + ns + ar && !adb_rd_failed(&rd); i++) {
        int section = i < an ? 1 : i < (size_t)an + ns ? 2 : 3;

        walk_rr(&rd, msg, len, section, qtype, w);
    }
    if (adb_rd_failed(&rd))
        return diag->status;
    return adb_rd_expect_end(&rd, "end of message");
}

/* SRV records by c-ares, bounded and copied. */
/* After ares_parse_*_reply() returned @st for @kind records: true if the
 * caller is done, with *@a a NODATA answer (or NULL and *@ret NOMEM) for
 * ENODATA, or *@ret the error and @why the reason when they do not parse;
 * false on ARES_SUCCESS. */
static bool parse_failed(int st, const char *kind, dns_answer **a,
                         adb_err *ret, char *why, size_t whylen)
{
    if (st == ARES_ENODATA) {
        *a = dns_answer_new(DNS_Q_NODATA, 0, 0);
        *ret = *a == NULL ? ADB_ERR_NOMEM : ADB_OK;
        return true;
    }
    if (st != ARES_SUCCESS) {
        snprintf(why, whylen, "%s records do not parse (%s)", kind,
                 ares_strerror(st));
        *ret = st == ARES_ENOMEM ? ADB_ERR_NOMEM : ADB_ERR_MALFORMED;
        return true;
    }
    return false;
}

/* True, with @why and *@ret set, once @n records of @type are more than an
 * answer may hold. */
static bool over_limit(size_t n, const char *type, adb_err *ret, char *why,
                       size_t whylen)
{
    if (n <= DNS_MAX_SRV_PER_ANSWER)
        return false;
    snprintf(why, whylen, "more than %d %s records", DNS_MAX_SRV_PER_ANSWER,
             type);
    *ret = ADB_ERR_LIMIT;
    return true;
}

static adb_err parse_srv(const uint8_t *msg, size_t len, const dns_walk *w,
                         dns_answer **out, char *why, size_t whylen)
{
    struct ares_srv_reply *list = NULL, *r;
    dns_answer *a = NULL;
    size_t n = 0, i, real = 0;
    adb_err ret = ADB_ERR_MALFORMED;
    int st;

    st = ares_parse_srv_reply(msg, (int)len, &list);
    if (parse_failed(st, "SRV", &a, &ret, why, whylen))
        goto cleanup;
    for (r = list; r != NULL; r = r->next)
        if (over_limit(++n, "SRV", &ret, why, whylen))
            goto cleanup;
    a = dns_answer_new(DNS_Q_OK, n, w->nglue);
    if (a == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }
    for (r = list, i = 0; r != NULL; r = r->next, i++) {
        size_t tl = strlen(r->host);

        if (tl > DNS_NAME_MAX) {
            snprintf(why, whylen, "SRV target longer than %d characters",
                     DNS_NAME_MAX);
            ret = ADB_ERR_LIMIT;
            goto cleanup;
        }
        a->srv[i].priority = r->priority;
        a->srv[i].weight = r->weight;
        a->srv[i].port = r->port;
        /* "." (the root) comes back as "" or "." */
        if (!(tl == 1 && r->host[0] == '.'))
            memcpy(a->srv[i].target, r->host, tl + 1);
        if (tl > 1 && a->srv[i].target[tl - 1] == '.')
            a->srv[i].target[tl - 1] = '\0';
        if (a->srv[i].target[0] != '\0')
            real++;
    }
    if (w->nglue > 0)
        memcpy(a->addr, w->glue, w->nglue * sizeof(dns_addr_rr));
    if (real == 0) {
        a->status = DNS_Q_NOT_OFFERED;
        snprintf(a->detail, sizeof(a->detail),
                 "target \".\": the service is not offered");
    }
    ret = ADB_OK;

cleanup:
    if (list != NULL)
        ares_free_data(list);
    if (ret != ADB_OK) {
        free(a);
        a = NULL;
    }
    *out = a;
    return ret;
}

/* One krb5srv URI value into @rr; false (with @why) when it is not one we
 * can use.  Form (MIT's dnssrv.c): "krb5srv:" FLAGS ":" TRANSPORT ":"
 * RESIDUAL, FLAGS letters ("m": the primary KDC), TRANSPORT udp, tcp or
 * kkdcp, RESIDUAL host[:port] (IPv6 in brackets). */
static bool uri_value(const char *v, dns_srv_rr *rr, char *why, size_t whylen)
{
    const char *flags, *tr, *res;
    size_t flen, tlen, i;
    adb_hostport hp;
    char hpwhy[96];

    if (strlen(v) > DNS_URI_MAX) {
        snprintf(why, whylen, "longer than %d characters", DNS_URI_MAX);
        return false;
    }
    if (strncasecmp(v, "krb5srv:", 8) != 0) {
        snprintf(why, whylen, "not a krb5srv URI");
        return false;
    }
    flags = v + 8;
    flen = strcspn(flags, ":");
    if (flags[flen] != ':') {
        snprintf(why, whylen, "no transport");
        return false;
    }
    tr = flags + flen + 1;
    tlen = strcspn(tr, ":");
    if (tr[tlen] != ':') {
        snprintf(why, whylen, "no host");
        return false;
    }
    res = tr + tlen + 1;
    for (i = 0; i < flen; i++)
        if (flags[i] == 'm' || flags[i] == 'M')
            rr->primary = true;
    if (tlen == 3 && strncasecmp(tr, "udp", 3) == 0) {
        rr->socks = DNS_SOCK_UDP;
    } else if (tlen == 3 && strncasecmp(tr, "tcp", 3) == 0) {
        rr->socks = DNS_SOCK_TCP;
    } else if (tlen == 5 && strncasecmp(tr, "kkdcp", 5) == 0) {
        snprintf(why, whylen, "kkdcp (HTTPS proxy) is not for a locate"
                 " plugin");
        return false;
    } else {
        snprintf(why, whylen, "unknown transport");
        return false;
    }
    if (adb_hostport_parse(res, &hp, hpwhy, sizeof(hpwhy)) != ADB_OK ||
        strlen(hp.host) > DNS_NAME_MAX) {
        snprintf(why, whylen, "bad host: %.60s", hpwhy);
        return false;
    }
    memcpy(rr->target, hp.host, strlen(hp.host) + 1);
    rr->port = hp.port;
    rr->is_ip = hp.is_ip;
    return true;
}

/* URI records by c-ares, the krb5srv ones kept (dns_int.h). */
static adb_err parse_uri(const uint8_t *msg, size_t len, dns_answer **out,
                         char *why, size_t whylen)
{
    struct ares_uri_reply *list = NULL, *r;
    dns_answer *a = NULL;
    size_t n = 0, kept = 0, skipped = 0;
    char last[96] = "";
    adb_err ret = ADB_ERR_MALFORMED;
    int st;

    st = ares_parse_uri_reply(msg, (int)len, &list);
    if (parse_failed(st, "URI", &a, &ret, why, whylen))
        goto cleanup;
    for (r = list; r != NULL; r = r->next)
        if (over_limit(++n, "URI", &ret, why, whylen))
            goto cleanup;
    a = dns_answer_new(DNS_Q_OK, n, 0);
    if (a == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }
    for (r = list; r != NULL; r = r->next) {
        dns_srv_rr *rr = &a->srv[kept];

        memset(rr, 0, sizeof(*rr));
        if (r->uri == NULL || !uri_value(r->uri, rr, last, sizeof(last))) {
            skipped++;
            continue;
        }
        rr->priority = r->priority;
        rr->weight = r->weight;
        kept++;
    }
    a->srv_count = kept;
    if (kept == 0)
        a->status = DNS_Q_NODATA;
    if (skipped > 0)
        snprintf(a->detail, sizeof(a->detail),
                 "%u usable, %u skipped (%.40s)", (unsigned int)kept,
                 (unsigned int)skipped, last);
    ret = ADB_OK;

cleanup:
    if (list != NULL)
        ares_free_data(list);
    if (ret != ADB_OK) {
        free(a);
        a = NULL;
    }
    *out = a;
    return ret;
}

/* A or AAAA records by c-ares (CNAME chains inside the answer followed),
 * at most DNS_MAX_ADDR_PER_HOST kept. */
static adb_err parse_addr(const uint8_t *msg, size_t len, uint16_t qtype,
                          dns_answer **out, char *why, size_t whylen)
{
    struct ares_addrttl v4[DNS_MAX_ADDR_PER_HOST];
    struct ares_addr6ttl v6[DNS_MAX_ADDR_PER_HOST];
    struct hostent *he = NULL;
    int n = DNS_MAX_ADDR_PER_HOST, st, i;
    dns_answer *a = NULL;
    adb_err ret;

    if (qtype == DNS_T_A)
        st = ares_parse_a_reply(msg, (int)len, &he, v4, &n);
    else
        st = ares_parse_aaaa_reply(msg, (int)len, &he, v6, &n);
    if (he != NULL)
        ares_free_hostent(he);
    if (st == ARES_ENODATA) {
        a = dns_answer_new(DNS_Q_NODATA, 0, 0);
        ret = a == NULL ? ADB_ERR_NOMEM : ADB_OK;
        goto done;
    }
    if (st != ARES_SUCCESS) {
        snprintf(why, whylen, "address records do not parse (%s)",
                 ares_strerror(st));
        ret = st == ARES_ENOMEM ? ADB_ERR_NOMEM : ADB_ERR_MALFORMED;
        goto done;
    }
    if (n < 0 || n > DNS_MAX_ADDR_PER_HOST)
        n = 0;
    a = dns_answer_new(n > 0 ? DNS_Q_OK : DNS_Q_NODATA, 0, (size_t)n);
    if (a == NULL) {
        ret = ADB_ERR_NOMEM;
        goto done;
    }
    for (i = 0; i < n; i++) {
        dns_addr_rr *r = &a->addr[i];
        int ttl = qtype == DNS_T_A ? v4[i].ttl : v6[i].ttl;

        r->family = qtype == DNS_T_A ? AF_INET : AF_INET6;
        if (qtype == DNS_T_A)
            memcpy(r->addr, &v4[i].ipaddr, 4);
        else
            memcpy(r->addr, &v6[i].ip6addr, 16);
        r->ttl = ttl < 0 ? 0 : (uint32_t)ttl;
        if (i == 0 || r->ttl < a->ttl)
            a->ttl = r->ttl;
    }
    ret = ADB_OK;
done:
    *out = a;
    return ret;
}

adb_err dns_answer_parse(const uint8_t *abuf, size_t alen, uint16_t qtype,
                         dns_answer **answer_out, char *why, size_t whylen)
{
    adb_diag diag = ADB_DIAG_INIT;
    dns_walk *w = NULL;
    dns_answer *a = NULL;
    char dummy[4];
    adb_err ret;

    if (why == NULL || whylen == 0) {
        why = dummy;
        whylen = sizeof(dummy);
    }
    why[0] = '\0';
    if (answer_out == NULL)
        return ADB_ERR_INVALID;
    *answer_out = NULL;
    if (abuf == NULL ||
        (qtype != DNS_T_SRV && qtype != DNS_T_URI && qtype != DNS_T_A &&
         qtype != DNS_T_AAAA))
        return ADB_ERR_INVALID;
    if (alen > DNS_MAX_ANSWER_BYTES) {
        snprintf(why, whylen, "answer of %zu bytes (limit %d)", alen,
                 DNS_MAX_ANSWER_BYTES);
        return ADB_ERR_LIMIT;
    }
    /* The glue table (18 KiB) is initialised entry by entry as it fills:
     * zeroing it whole cost a new process page faults. */
    w = malloc(sizeof(*w));
    if (w == NULL)
        return ADB_ERR_NOMEM;
    memset(w, 0, offsetof(dns_walk, glue));
    ret = walk_message(abuf, alen, qtype, w, &diag);
    if (ret != ADB_OK) {
        adb_diag_format(&diag, why, whylen);
        goto cleanup;
    }
    if (w->tc) {
        snprintf(why, whylen, "answer truncated (TC bit set)");
        ret = ADB_ERR_TRUNCATED;
        goto cleanup;
    }
    switch (w->rcode) {
    case DNS_RCODE_NOERROR:
        break;
    case DNS_RCODE_NXDOMAIN:
        a = dns_answer_new(DNS_Q_NXDOMAIN, 0, 0);
        break;
    case DNS_RCODE_SERVFAIL:
        a = dns_answer_new(DNS_Q_SERVFAIL, 0, 0);
        break;
    default:
        a = dns_answer_new(DNS_Q_REFUSED, 0, 0);
        break;
    }
    if (w->rcode == DNS_RCODE_NOERROR) {
        if (w->ancount == 0)
            a = dns_answer_new(DNS_Q_NODATA, 0, 0);
        else if (qtype == DNS_T_SRV)
            ret = parse_srv(abuf, alen, w, &a, why, whylen);
        else if (qtype == DNS_T_URI)
            ret = parse_uri(abuf, alen, &a, why, whylen);
        else
            ret = parse_addr(abuf, alen, qtype, &a, why, whylen);
        if (ret != ADB_OK)
            goto cleanup;
    }
    if (a == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }
    if (a->status == DNS_Q_OK || a->status == DNS_Q_NOT_OFFERED ||
        (qtype == DNS_T_URI && w->ancount > 0 && w->have_ttl)) {
        if (qtype == DNS_T_SRV || qtype == DNS_T_URI)
            a->ttl = w->have_ttl ? w->min_ttl : 0;
    } else if (a->status == DNS_Q_NXDOMAIN || a->status == DNS_Q_NODATA) {
        /* RFC 2308 caches by the SOA; servers that send none (dnsmasq's
         * local zones) get a short fixed time, so that a warm lookup does
         * not ask again for the site record that does not exist. */
        a->ttl = w->have_soa ? w->soa_ttl : DNS_NEG_TTL_NO_SOA;
        if (a->ttl > DNS_MAX_NEG_TTL)
            a->ttl = DNS_MAX_NEG_TTL;
    } else {
        a->ttl = 0;                  /* server failures are not cached */
    }
    if (a->ttl > DNS_MAX_TTL)
        a->ttl = DNS_MAX_TTL;
    *answer_out = a;
    a = NULL;
    ret = ADB_OK;

cleanup:
    free(a);
    free(w);
    return ret;
}
