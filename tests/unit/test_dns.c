/* SPDX-License-Identifier: MIT */
/*
 * test_dns.c - dns/: host:port values, RFC 2782 selection (statistically),
 * answer parsing and its bounds (hand-built DNS messages, every truncation
 * and bit flip of them), the answer cache, the failover file.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <cmocka.h>

#include <krb5.h>
#include <lber.h>

#include "adb_hostport.h"
#include "dns_int.h"
#include "dns_probe.h"

/* ---- a DNS message builder ------------------------------------------ */

typedef struct msg {
    uint8_t b[70000];
    size_t n;
} msg;

static void put8(msg *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }
static void put16(msg *m, unsigned v) { put8(m, v >> 8); put8(m, v & 0xff); }
static void put32(msg *m, uint32_t v) { put16(m, v >> 16); put16(m, v & 0xffff); }

static void putname(msg *m, const char *name)
{
    while (*name != '\0') {
        const char *dot = strchr(name, '.');
        size_t l = dot != NULL ? (size_t)(dot - name) : strlen(name);

        put8(m, (unsigned)l);
        memcpy(m->b + m->n, name, l);
        m->n += l;
        name += l;
        if (*name == '.')
            name++;
    }
    put8(m, 0);
}

static void header(msg *m, unsigned flags, unsigned an, unsigned ns,
                   unsigned ar, const char *qname, unsigned qtype)
{
    m->n = 0;
    put16(m, 0x1234);
    put16(m, 0x8180 | flags);
    put16(m, 1);
    put16(m, an);
    put16(m, ns);
    put16(m, ar);
    putname(m, qname);
    put16(m, qtype);
    put16(m, 1);
}

static void rr_srv(msg *m, const char *owner, unsigned prio, unsigned w,
                   unsigned port, const char *target, uint32_t ttl)
{
    size_t lenpos;

    putname(m, owner);
    put16(m, DNS_T_SRV);
    put16(m, 1);
    put32(m, ttl);
    lenpos = m->n;
    put16(m, 0);
    put16(m, prio);
    put16(m, w);
    put16(m, port);
    putname(m, target);
    m->b[lenpos] = (uint8_t)((m->n - lenpos - 2) >> 8);
    m->b[lenpos + 1] = (uint8_t)(m->n - lenpos - 2);
}

static void rr_a(msg *m, const char *owner, const char *ip, uint32_t ttl)
{
    putname(m, owner);
    put16(m, DNS_T_A);
    put16(m, 1);
    put32(m, ttl);
    put16(m, 4);
    inet_pton(AF_INET, ip, m->b + m->n);
    m->n += 4;
}

static void rr_soa(msg *m, const char *owner, uint32_t ttl)
{
    size_t lenpos;

    putname(m, owner);
    put16(m, DNS_T_SOA);
    put16(m, 1);
    put32(m, ttl);
    lenpos = m->n;
    put16(m, 0);
    putname(m, "ns.ad.test");
    putname(m, "hostmaster.ad.test");
    put32(m, 1); put32(m, 2); put32(m, 3); put32(m, 4); put32(m, 60);
    m->b[lenpos + 1] = (uint8_t)(m->n - lenpos - 2);
}

static void rr_uri(msg *m, const char *owner, unsigned prio, unsigned w,
                   const char *uri, uint32_t ttl)
{
    size_t l = strlen(uri);

    putname(m, owner);
    put16(m, DNS_T_URI);
    put16(m, 1);
    put32(m, ttl);
    put16(m, (unsigned)(4 + l));
    put16(m, prio);
    put16(m, w);
    memcpy(m->b + m->n, uri, l);
    m->n += l;
}

#define Q "_kerberos._udp.ad.test"

static void build_good(msg *m)
{
    header(m, 0, 2, 0, 1, Q, DNS_T_SRV);
    rr_srv(m, Q, 0, 100, 88, "kdc1.ad.test", 600);
    rr_srv(m, Q, 10, 0, 88, "kdc2.ad.test", 300);
    rr_a(m, "kdc1.ad.test", "192.0.2.1", 900);
}

/* ---- hostport ------------------------------------------------------- */

static void hostport_values(void **state)
{
    adb_hostport hp;
    char err[128];

    (void)state;
    assert_int_equal(adb_hostport_parse("dc1.ad.example.com", &hp, err,
                                        sizeof(err)), ADB_OK);
    assert_string_equal(hp.host, "dc1.ad.example.com");
    assert_int_equal(hp.port, 0);
    assert_false(hp.is_ip);
    assert_int_equal(adb_hostport_parse("dc1:8888", &hp, err, sizeof(err)),
                     ADB_OK);
    assert_int_equal(hp.port, 8888);
    assert_int_equal(adb_hostport_parse("127.0.0.1:53", &hp, NULL, 0), ADB_OK);
    assert_true(hp.is_ip && !hp.is_ipv6);
    assert_int_equal(adb_hostport_parse("[::1]:5353", &hp, NULL, 0), ADB_OK);
    assert_true(hp.is_ipv6);
    assert_string_equal(hp.host, "::1");
    assert_int_equal(adb_hostport_parse("fe80::1", &hp, NULL, 0), ADB_OK);
    assert_true(hp.is_ipv6 && hp.port == 0);
    assert_int_equal(adb_hostport_parse("dc1:0", &hp, err, sizeof(err)),
                     ADB_ERR_MALFORMED);
    assert_non_null(strstr(err, "1 to 65535"));
    assert_int_equal(adb_hostport_parse("dc1:65536", &hp, NULL, 0),
                     ADB_ERR_MALFORMED);
    assert_int_equal(hp.host[0], 0);           /* untouched on failure */
    assert_int_equal(adb_hostport_parse("dc1:", &hp, NULL, 0),
                     ADB_ERR_MALFORMED);
    assert_int_equal(adb_hostport_parse("dc1:+88", &hp, NULL, 0),
                     ADB_ERR_MALFORMED);
    assert_int_equal(adb_hostport_parse("::1:88x", &hp, NULL, 0),
                     ADB_ERR_MALFORMED);
    assert_int_equal(adb_hostport_parse("-dc.x", &hp, NULL, 0),
                     ADB_ERR_MALFORMED);
    assert_int_equal(adb_hostport_parse("a..b", &hp, NULL, 0),
                     ADB_ERR_MALFORMED);
    assert_int_equal(adb_hostport_parse("[::1", &hp, NULL, 0),
                     ADB_ERR_MALFORMED);
    assert_int_equal(adb_hostport_parse("", &hp, NULL, 0), ADB_ERR_MALFORMED);
    assert_int_equal(adb_hostport_parse(NULL, &hp, NULL, 0), ADB_ERR_INVALID);
    {
        char longname[300];

        memset(longname, 'a', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = '\0';
        assert_int_equal(adb_hostport_parse(longname, &hp, NULL, 0),
                         ADB_ERR_MALFORMED);
    }
}

/* ---- selection ------------------------------------------------------ */

static uint32_t lcg(void *arg)
{
    uint64_t *s = arg;

    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*s >> 32);
}

static void srv(dns_srv_rr *r, unsigned p, unsigned w, const char *t)
{
    memset(r, 0, sizeof(*r));
    r->priority = (uint16_t)p;
    r->weight = (uint16_t)w;
    r->port = 88;
    snprintf(r->target, sizeof(r->target), "%s", t);
}

static void select_priorities_first(void **state)
{
    dns_srv_rr rr[5];
    size_t order[5], n = 0, i;
    uint64_t seed = 1;

    (void)state;
    srv(&rr[0], 20, 5, "c");
    srv(&rr[1], 0, 10, "a1");
    srv(&rr[2], 10, 1, "b");
    srv(&rr[3], 0, 10, "a2");
    srv(&rr[4], 5, 0, "");             /* "." : not offered */
    for (i = 0; i < 100; i++) {
        assert_int_equal(dns_select_order(rr, 5, lcg, &seed, order, &n),
                         ADB_OK);
        assert_int_equal(n, 4);
        assert_true(order[0] == 1 || order[0] == 3);
        assert_true(order[1] == 1 || order[1] == 3);
        assert_int_equal(order[2], 2);
        assert_int_equal(order[3], 0);
    }
    assert_int_equal(dns_select_order(rr, DNS_MAX_SRV_PER_ANSWER + 1, lcg,
                                      &seed, order, &n), ADB_ERR_INVALID);
    assert_int_equal(n, 0);
}

/* Weights 60:30:10 (and a zero) within one priority: over 60000 draws the
 * first pick must follow the weights, within 1.5 percentage points (a
 * binomial standard deviation is below 0.2 points here), and the zero
 * weight must be first with probability 1/101. */
static void select_weights_statistics(void **state)
{
    dns_srv_rr rr[4];
    size_t order[4], n, i, first[4] = { 0 }, second_after_a[4] = { 0 };
    const size_t draws = 60000;
    const double d = 60000.0;
    uint64_t seed = 42;

    (void)state;
    srv(&rr[0], 0, 60, "a");
    srv(&rr[1], 0, 30, "b");
    srv(&rr[2], 0, 10, "c");
    srv(&rr[3], 0, 0, "z");
    for (i = 0; i < draws; i++) {
        assert_int_equal(dns_select_order(rr, 4, lcg, &seed, order, &n),
                         ADB_OK);
        assert_int_equal(n, 4);
        first[order[0]]++;
        if (order[0] == 0)
            second_after_a[order[1]]++;
    }
    assert_true((double)first[0] > d * (0.594 - 0.015) &&
                (double)first[0] < d * (0.594 + 0.015));
    assert_true((double)first[1] > d * (0.297 - 0.015) &&
                (double)first[1] < d * (0.297 + 0.015));
    assert_true((double)first[2] > d * (0.099 - 0.015) &&
                (double)first[2] < d * (0.099 + 0.015));
    assert_true((double)first[3] < d * 0.02);
    /* after a: b 30/41, c 10/41 */
    assert_true((double)second_after_a[1] / (double)first[0] > 0.70 &&
                (double)second_after_a[1] / (double)first[0] < 0.76);
    /* the default generator works too */
    assert_int_equal(dns_select_order(rr, 4, NULL, NULL, order, &n), ADB_OK);
    assert_int_equal(n, 4);
}

/* ---- answers -------------------------------------------------------- */

static void answer_good(void **state)
{
    msg *m = calloc(1, sizeof(*m));
    dns_answer *a = NULL;
    char why[128];

    (void)state;
    build_good(m);
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_SRV, &a, why,
                                      sizeof(why)), ADB_OK);
    assert_int_equal(a->status, DNS_Q_OK);
    assert_int_equal(a->srv_count, 2);
    assert_int_equal(a->ttl, 300);                 /* min of the RRset */
    assert_string_equal(a->srv[0].target, "kdc1.ad.test");
    assert_int_equal(a->srv[1].priority, 10);
    assert_int_equal(a->addr_count, 1);            /* glue */
    assert_string_equal(a->addr[0].name, "kdc1.ad.test");
    assert_int_equal(a->addr[0].family, AF_INET);
    free(a);
    free(m);
}

/* URI records (MIT 1.15+'s _kerberos.REALM): krb5srv udp/tcp kept with
 * their flags, transport, host and port; kkdcp, other schemes and bad
 * values skipped and counted; none left is NODATA. */
static void answer_uri(void **state)
{
    static const char *const bad[] = {
        "krb5srv::kkdcp:https://proxy.ad.test/KdcProxy",
        "http://kdc.ad.test/", "krb5srv:m:udp", "krb5srv::sctp:kdc.ad.test",
        "krb5srv::udp:kdc.ad.test:99999", "krb5srv::tcp:bad host",
        "KRB5SRV::udp:",
    };
    msg *m = calloc(1, sizeof(*m));
    dns_answer *a = NULL;
    char why[128];
    size_t i;

    (void)state;
    header(m, 0, 4 + 7, 0, 0, "_kerberos.ad.test", DNS_T_URI);
    rr_uri(m, "_kerberos.ad.test", 0, 10, "krb5srv:m:udp:kdc1.ad.test", 600);
    rr_uri(m, "_kerberos.ad.test", 0, 5, "KRB5SRV::TCP:kdc1.ad.test:8888", 300);
    rr_uri(m, "_kerberos.ad.test", 1, 0, "krb5srv::udp:[2001:db8::1]:99", 900);
    rr_uri(m, "_kerberos.ad.test", 2, 0, "krb5srv:xm:tcp:192.0.2.7", 900);
    for (i = 0; i < 7; i++)
        rr_uri(m, "_kerberos.ad.test", 0, 0, bad[i], 900);
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_URI, &a, why,
                                      sizeof(why)), ADB_OK);
    assert_int_equal(a->status, DNS_Q_OK);
    assert_int_equal(a->srv_count, 4);
    assert_int_equal(a->ttl, 300);
    assert_string_equal(a->srv[0].target, "kdc1.ad.test");
    assert_int_equal(a->srv[0].socks, DNS_SOCK_UDP);
    assert_true(a->srv[0].primary);
    assert_int_equal(a->srv[0].port, 0);          /* the service's own */
    assert_int_equal(a->srv[0].weight, 10);
    assert_int_equal(a->srv[1].socks, DNS_SOCK_TCP);
    assert_false(a->srv[1].primary);
    assert_int_equal(a->srv[1].port, 8888);
    assert_string_equal(a->srv[2].target, "2001:db8::1");
    assert_true(a->srv[2].is_ip);
    assert_int_equal(a->srv[2].port, 99);
    assert_int_equal(a->srv[2].priority, 1);
    assert_true(a->srv[3].primary && a->srv[3].is_ip);
    assert_non_null(strstr(a->detail, "7 skipped"));
    free(a);
    a = NULL;
    /* only unusable ones: NODATA, so SRV is used instead */
    header(m, 0, 1, 0, 0, "_kerberos.ad.test", DNS_T_URI);
    rr_uri(m, "_kerberos.ad.test", 0, 0, bad[0], 900);
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_URI, &a, why,
                                      sizeof(why)), ADB_OK);
    assert_int_equal(a->status, DNS_Q_NODATA);
    assert_int_equal(a->srv_count, 0);
    assert_non_null(strstr(a->detail, "kkdcp"));
    free(a);
    a = NULL;
    /* a URI RR too short for priority and weight */
    header(m, 0, 1, 0, 0, "_kerberos.ad.test", DNS_T_URI);
    putname(m, "_kerberos.ad.test");
    put16(m, DNS_T_URI);
    put16(m, 1);
    put32(m, 60);
    put16(m, 3);
    put8(m, 0); put8(m, 0); put8(m, 1);
    assert_int_not_equal(dns_answer_parse(m->b, m->n, DNS_T_URI, &a, why,
                                          sizeof(why)), ADB_OK);
    assert_null(a);
    free(m);
}

static void answer_negative_and_dot(void **state)
{
    msg *m = calloc(1, sizeof(*m));
    dns_answer *a = NULL;

    (void)state;
    header(m, 3, 0, 1, 0, Q, DNS_T_SRV);            /* NXDOMAIN + SOA */
    rr_soa(m, "ad.test", 120);
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_SRV, &a, NULL, 0),
                     ADB_OK);
    assert_int_equal(a->status, DNS_Q_NXDOMAIN);
    assert_int_equal(a->ttl, 120);
    free(a);
    header(m, 0, 0, 1, 0, Q, DNS_T_SRV);            /* NODATA */
    rr_soa(m, "ad.test", 100000);
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_SRV, &a, NULL, 0),
                     ADB_OK);
    assert_int_equal(a->status, DNS_Q_NODATA);
    assert_int_equal(a->ttl, DNS_MAX_NEG_TTL);      /* capped */
    free(a);
    header(m, 2, 0, 0, 0, Q, DNS_T_SRV);            /* SERVFAIL */
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_SRV, &a, NULL, 0),
                     ADB_OK);
    assert_int_equal(a->status, DNS_Q_SERVFAIL);
    assert_int_equal(a->ttl, 0);                    /* never cached */
    free(a);
    header(m, 0, 1, 0, 0, Q, DNS_T_SRV);            /* target "." */
    rr_srv(m, Q, 0, 0, 0, "", 60);
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_SRV, &a, NULL, 0),
                     ADB_OK);
    assert_int_equal(a->status, DNS_Q_NOT_OFFERED);
    free(a);
    free(m);
}

static void answer_bounds(void **state)
{
    msg *m = calloc(1, sizeof(*m));
    dns_answer *a = (dns_answer *)1;
    char why[128], owner[400];
    size_t i;

    (void)state;
    /* TC set: the answer is cut short */
    header(m, 0x0200, 0, 0, 0, Q, DNS_T_SRV);
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_SRV, &a, why,
                                      sizeof(why)), ADB_ERR_TRUNCATED);
    assert_null(a);
    assert_non_null(strstr(why, "truncated"));
    /* counts that cannot fit */
    header(m, 0, 5000, 0, 0, Q, DNS_T_SRV);
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_SRV, &a, why,
                                      sizeof(why)), ADB_ERR_MALFORMED);
    assert_null(a);
    /* too many SRV records */
    header(m, 0, DNS_MAX_SRV_PER_ANSWER + 1, 0, 0, Q, DNS_T_SRV);
    for (i = 0; i <= DNS_MAX_SRV_PER_ANSWER; i++)
        rr_srv(m, Q, 0, 1, 88, "k.ad.test", 60);
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_SRV, &a, why,
                                      sizeof(why)), ADB_ERR_LIMIT);
    assert_null(a);
    assert_non_null(strstr(why, "more than 128"));
    /* a name over 253 characters */
    memset(owner, 0, sizeof(owner));
    for (i = 0; i < 5; i++)
        strcat(owner, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
    strcat(owner, "ad.test");
    header(m, 0, 1, 0, 0, Q, DNS_T_SRV);
    rr_srv(m, owner, 0, 1, 88, "k.ad.test", 60);
    assert_int_not_equal(dns_answer_parse(m->b, m->n, DNS_T_SRV, &a, why,
                                          sizeof(why)), ADB_OK);
    assert_null(a);
    /* trailing bytes */
    build_good(m);
    put8(m, 0);
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_SRV, &a, why,
                                      sizeof(why)), ADB_ERR_MALFORMED);
    /* oversized message */
    assert_int_equal(dns_answer_parse(m->b, DNS_MAX_ANSWER_BYTES + 1,
                                      DNS_T_SRV, &a, why, sizeof(why)),
                     ADB_ERR_LIMIT);
    assert_int_equal(dns_answer_parse(NULL, 0, DNS_T_SRV, &a, NULL, 0),
                     ADB_ERR_INVALID);
    assert_int_equal(dns_answer_parse(m->b, m->n, DNS_T_NS, &a, NULL, 0),
                     ADB_ERR_INVALID);
    free(m);
}

/* Every truncation must fail cleanly (the output stays NULL); every
 * single bit flip must give an answer within the caps or an error. */
static void answer_mutations(void **state)
{
    msg *m = calloc(1, sizeof(*m));
    uint8_t *copy;
    dns_answer *a;
    size_t len, i, bit;

    (void)state;
    build_good(m);
    copy = malloc(m->n);
    for (len = 0; len < m->n; len++) {
        a = NULL;
        assert_int_not_equal(dns_answer_parse(m->b, len, DNS_T_SRV, &a, NULL,
                                              0), ADB_OK);
        assert_null(a);
    }
    for (i = 0; i < m->n; i++) {
        for (bit = 0; bit < 8; bit++) {
            memcpy(copy, m->b, m->n);
            copy[i] ^= (uint8_t)(1u << bit);
            a = NULL;
            if (dns_answer_parse(copy, m->n, DNS_T_SRV, &a, NULL, 0) ==
                ADB_OK) {
                assert_non_null(a);
                assert_true(a->srv_count <= DNS_MAX_SRV_PER_ANSWER);
                assert_true(a->addr_count <= DNS_MAX_GLUE);
                assert_true(a->ttl <= DNS_MAX_TTL);
                free(a);
            } else {
                assert_null(a);
            }
        }
    }
    free(copy);
    free(m);
}

/* ---- cache ---------------------------------------------------------- */

static dns_answer *answer_ttl(uint32_t ttl, size_t nsrv)
{
    dns_answer *a = dns_answer_new(DNS_Q_OK, nsrv, 0);

    a->ttl = ttl;
    if (nsrv > 0)
        srv(&a->srv[0], 1, 2, "kdc.ad.test");
    return a;
}

static void cache_ttl_and_bounds(void **state)
{
    dns_cache *c = NULL;
    dns_answer *a = answer_ttl(10, 1), *got = NULL;
    size_t entries, bytes, i;
    char name[64];

    (void)state;
    assert_int_equal(dns_cache_new(4, 0, &c), ADB_OK);
    assert_int_equal(dns_cache_put(c, "_kerberos._udp.AD.test", DNS_T_SRV, a,
                                   1000), ADB_OK);
    assert_int_equal(dns_cache_get(c, "_kerberos._udp.ad.TEST", DNS_T_SRV,
                                   5000, &got), ADB_OK);
    assert_int_equal(got->ttl, 6);                  /* what is left */
    assert_string_equal(got->srv[0].target, "kdc.ad.test");
    free(got);
    assert_int_equal(dns_cache_get(c, "_kerberos._udp.ad.test", DNS_T_A,
                                   5000, &got), ADB_ERR_NOT_FOUND);
    assert_int_equal(dns_cache_get(c, "_kerberos._udp.ad.test", DNS_T_SRV,
                                   11000, &got), ADB_ERR_NOT_FOUND);
    assert_null(got);
    /* bounded in entries: the least recently used goes */
    for (i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "n%zu.ad.test", i);
        assert_int_equal(dns_cache_put(c, name, DNS_T_SRV, a, 1000), ADB_OK);
        if (i == 2) {            /* touch n0 so that n1 is the oldest */
            assert_int_equal(dns_cache_get(c, "n0.ad.test", DNS_T_SRV, 1000,
                                           &got), ADB_OK);
            free(got);
        }
    }
    dns_cache_usage(c, &entries, &bytes);
    assert_int_equal(entries, 4);
    assert_int_equal(dns_cache_get(c, "n0.ad.test", DNS_T_SRV, 1000, &got),
                     ADB_OK);
    free(got);
    assert_int_equal(dns_cache_get(c, "n1.ad.test", DNS_T_SRV, 1000, &got),
                     ADB_ERR_NOT_FOUND);
    /* ttl 0 is not stored */
    a->ttl = 0;
    assert_int_equal(dns_cache_put(c, "zero.ad.test", DNS_T_SRV, a, 1000),
                     ADB_OK);
    assert_int_equal(dns_cache_get(c, "zero.ad.test", DNS_T_SRV, 1000, &got),
                     ADB_ERR_NOT_FOUND);
    dns_cache_clear(c);
    dns_cache_usage(c, &entries, &bytes);
    assert_int_equal(entries + bytes, 0);
    dns_cache_free(c);
    free(a);
    /* bounded in bytes */
    a = answer_ttl(60, DNS_MAX_SRV_PER_ANSWER);
    assert_int_equal(dns_cache_new(100, a->size * 2 + 10, &c), ADB_OK);
    for (i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "b%zu.ad.test", i);
        assert_int_equal(dns_cache_put(c, name, DNS_T_SRV, a, 0), ADB_OK);
        dns_cache_usage(c, &entries, &bytes);
        assert_true(bytes <= a->size * 2 + 10);
    }
    assert_int_equal(entries, 2);
    dns_cache_free(c);
    free(a);
    /* too large for the cache at all: not stored, not an error */
    a = answer_ttl(60, DNS_MAX_SRV_PER_ANSWER);
    assert_int_equal(dns_cache_new(10, 100, &c), ADB_OK);
    assert_int_equal(dns_cache_put(c, "big.ad.test", DNS_T_SRV, a, 0), ADB_OK);
    dns_cache_usage(c, &entries, &bytes);
    assert_int_equal(entries, 0);
    dns_cache_free(c);
    dns_cache_free(NULL);
    free(a);
}

/* ---- failover ------------------------------------------------------- */

static void failover_text(void **state)
{
    const char good[] = "adbridge-failover 1\ndown 192.0.2.7 2000\n"
                        "up 2001:db8::5 3000\ndown 192.0.2.9 500\n";
    dns_failover fo;
    uint8_t a4[4], a6[16];
    char buf[DNS_FO_FILE_MAX];
    size_t len, i;

    (void)state;
    inet_pton(AF_INET, "192.0.2.7", a4);
    inet_pton(AF_INET6, "2001:db8::5", a6);
    assert_int_equal(dns_failover_parse(good, strlen(good), 1000, &fo),
                     ADB_OK);
    assert_int_equal(fo.count, 2);                  /* 192.0.2.9 expired */
    assert_int_equal(dns_failover_state(&fo, AF_INET, a4, 1000), 1);
    assert_int_equal(dns_failover_state(&fo, AF_INET6, a6, 1000), 2);
    assert_int_equal(dns_failover_state(&fo, AF_INET, a4, 2000), 0);
    len = dns_failover_format(&fo, buf, sizeof(buf));
    assert_true(len > 0);
    assert_int_equal(dns_failover_parse(buf, len, 1000, &fo), ADB_OK);
    assert_int_equal(fo.count, 2);
    assert_int_equal(dns_failover_parse("nope\n", 5, 0, &fo),
                     ADB_ERR_MALFORMED);
    assert_int_equal(dns_failover_parse("adbridge-failover 1\ndown 1.2.3 9\n",
                                        33, 0, &fo), ADB_ERR_MALFORMED);
    assert_int_equal(fo.count, 0);
    assert_int_equal(dns_failover_parse("adbridge-failover 1\nsideways 1.2.3.4 9\n",
                                        39, 0, &fo), ADB_ERR_MALFORMED);
    assert_int_equal(dns_failover_parse("adbridge-failover 1\ndown 1.2.3.4 9",
                                        34, 0, &fo), ADB_ERR_MALFORMED);
    /* more than DNS_FO_MAX live entries */
    len = (size_t)snprintf(buf, sizeof(buf), "adbridge-failover 1\n");
    for (i = 0; i <= DNS_FO_MAX; i++)
        len += (size_t)snprintf(buf + len, sizeof(buf) - len,
                                "down 10.0.%zu.1 99999\n", i);
    assert_int_equal(dns_failover_parse(buf, len, 0, &fo), ADB_ERR_LIMIT);
    /* the set replaces the entry ending soonest when full */
    memset(&fo, 0, sizeof(fo));
    for (i = 0; i < DNS_FO_MAX + 5; i++) {
        uint8_t x[4] = { 10, 1, (uint8_t)i, 1 };

        dns_failover_set(&fo, AF_INET, x, true, (int64_t)(1000 + i));
    }
    assert_int_equal(fo.count, DNS_FO_MAX);
}

static void failover_file(void **state)
{
    char dir[] = "/tmp/adb-fo-XXXXXX", path[256];
    dns_failover fo;
    uint8_t a[4], b[4];
    uid_t uid = geteuid();
    dns_options opts;
    struct sockaddr_in sin;

    (void)state;
    assert_non_null(mkdtemp(dir));
    inet_pton(AF_INET, "127.0.0.9", a);
    inet_pton(AF_INET, "127.0.0.10", b);
    dns_failover_load(dir, uid, 100, &fo);
    assert_int_equal(fo.count, 0);                   /* no file: empty */
    assert_int_equal(dns_failover_update(dir, uid, 100, AF_INET, a, true, 60),
                     ADB_OK);
    assert_int_equal(dns_failover_update(dir, uid, 100, AF_INET, b, false, 60),
                     ADB_OK);
    dns_failover_load(dir, uid, 120, &fo);
    assert_int_equal(dns_failover_state(&fo, AF_INET, a, 120), 1);
    assert_int_equal(dns_failover_state(&fo, AF_INET, b, 120), 2);
    dns_failover_load(dir, uid, 161, &fo);           /* 60 s are over */
    assert_int_equal(dns_failover_state(&fo, AF_INET, a, 161), 0);
    /* a file others may write is not trusted */
    snprintf(path, sizeof(path), "%s/failover.%u", dir, (unsigned)uid);
    assert_int_equal(chmod(path, 0666), 0);
    dns_failover_load(dir, uid, 120, &fo);
    assert_int_equal(fo.count, 0);
    /* through the public API */
    dns_options_init(&opts);
    opts.state_dir = dir;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    memcpy(&sin.sin_addr, a, 4);
    assert_int_equal(dns_failover_note(&opts, (struct sockaddr *)&sin, false),
                     ADB_OK);
    assert_true(dns_failover_known_good(&opts, (struct sockaddr *)&sin));
    opts.failover_seconds = 0;
    assert_false(dns_failover_known_good(&opts, (struct sockaddr *)&sin));
    unlink(path);
    snprintf(path, sizeof(path), "%s/failover.%u.lock", dir, (unsigned)uid);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

static void lookup_misuse(void **state)
{
    dns_options opts;
    dns_result *r = (dns_result *)1;

    (void)state;
    dns_options_init(&opts);
    opts.dns_servers = "127.0.0.1:1";
    assert_int_equal(dns_lookup(NULL, DNS_SERVICE_KDC, 0, &opts, &r),
                     ADB_ERR_INVALID);
    assert_null(r);
    assert_int_equal(dns_lookup("AD..X", DNS_SERVICE_KDC, 0, &opts, &r),
                     ADB_ERR_MALFORMED);
    opts.site = "bad.site";
    assert_int_equal(dns_lookup("AD.X", DNS_SERVICE_KDC, 0, &opts, &r),
                     ADB_ERR_MALFORMED);
    opts.site = NULL;
    opts.dns_servers = "dns.example:53";               /* not an address */
    assert_int_equal(dns_lookup("AD.X", DNS_SERVICE_KDC, 0, &opts, &r),
                     ADB_ERR_MALFORMED);
    assert_null(r);
    assert_int_equal(dns_lookup("AD.X", DNS_SERVICE_KDC, 12345, &opts, &r),
                     ADB_ERR_INVALID);
}

/* Configured IP servers need no DNS at all: first = primary. */
static void lookup_configured(void **state)
{
    const char *kdcs[] = { "127.0.0.5", "127.0.0.6:8888" };
    dns_options opts;
    dns_result *r = NULL;
    char buf[64];

    (void)state;
    dns_options_init(&opts);
    opts.dns_servers = "127.0.0.1:1";
    opts.state_dir = "";
    opts.configured = kdcs;
    opts.configured_count = 2;
    assert_int_equal(dns_lookup("AD.X", DNS_SERVICE_KDC, SOCK_DGRAM, &opts,
                                &r), ADB_OK);
    assert_int_equal(r->endpoint_count, 2);
    assert_int_equal(r->query_count, 0);
    assert_string_equal(dns_endpoint_format(
        (struct sockaddr *)&r->endpoints[0].addr, buf, sizeof(buf)),
        "127.0.0.5:88");
    assert_string_equal(dns_endpoint_format(
        (struct sockaddr *)&r->endpoints[1].addr, buf, sizeof(buf)),
        "127.0.0.6:8888");
    dns_result_free(r);
    assert_int_equal(dns_lookup("AD.X", DNS_SERVICE_PDC, 0, &opts, &r),
                     ADB_OK);
    assert_int_equal(r->endpoint_count, 2);     /* the primary, udp + tcp */
    dns_result_free(r);
    assert_int_equal(dns_lookup("AD.X", DNS_SERVICE_KPASSWD, SOCK_STREAM,
                                &opts, &r), ADB_OK);
    assert_int_equal(r->endpoints[1].port, 464);  /* not the kdc's 8888 */
    dns_result_free(r);
}

/* A loopback socket of @type bound to an ephemeral port (listening for
 * TCP) that never answers; its address in @sa. */
static int silent_server(int type, struct sockaddr_in *sa)
{
    socklen_t l = sizeof(*sa);
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)sa, sizeof(*sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)sa, &l), 0);
    if (type == SOCK_STREAM)
        assert_int_equal(listen(fd, 8), 0);
    return fd;
}

/* dns_probe_kdcs: every probe at once under one deadline.  Six silent
 * servers (UDP that never reads, TCP whose connection the kernel accepts
 * but nobody answers) and one closed UDP port take one 300 ms timeout in
 * all, not one each, and each says why it got nothing. */
static void probe_concurrent(void **state)
{
    enum { NS = 6 };
    struct sockaddr_in sa[NS + 1];
    dns_probe_target t[NS + 1];
    dns_probe_result res[NS + 1];
    struct timespec a, b;
    krb5_context ctx;
    int fds[NS], i, closed;
    long ms;

    (void)state;
    assert_int_equal(krb5_init_context(&ctx), 0);
    for (i = 0; i < NS; i++) {
        fds[i] = silent_server(i % 2 ? SOCK_STREAM : SOCK_DGRAM, &sa[i]);
        t[i].addr = (const struct sockaddr *)&sa[i];
        t[i].addrlen = sizeof(sa[i]);
        t[i].socktype = i % 2 ? SOCK_STREAM : SOCK_DGRAM;
    }
    closed = silent_server(SOCK_DGRAM, &sa[NS]);
    close(closed);                      /* nobody there: port unreachable */
    t[NS].addr = (const struct sockaddr *)&sa[NS];
    t[NS].addrlen = sizeof(sa[NS]);
    t[NS].socktype = SOCK_DGRAM;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(dns_probe_kdcs(ctx, "AD.TEST", t, NS + 1, 300, res),
                     ADB_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    assert_true(ms >= 290);
    assert_true(ms < 2 * 300);          /* serially: 6 x 300 ms */
    for (i = 0; i < NS; i++) {
        assert_false(res[i].answered);
        assert_non_null(strstr(res[i].detail, i % 2 ?
                               "no answer over TCP in 300 ms" :
                               "no answer over UDP in 300 ms"));
    }
    assert_false(res[NS].answered);
    assert_non_null(strstr(res[NS].detail, "refused"));
    /* misuse */
    assert_int_equal(dns_probe_kdcs(ctx, "AD.TEST", t, 0, 300, res), ADB_OK);
    assert_int_equal(dns_probe_kdcs(ctx, NULL, t, 1, 300, res),
                     ADB_ERR_INVALID);
    t[0].socktype = SOCK_RAW;
    assert_int_equal(dns_probe_kdcs(ctx, "AD.TEST", t, 1, 300, res),
                     ADB_ERR_INVALID);
    assert_int_equal(dns_probe_kdcs(ctx, "AD.TEST", t,
                                    DNS_PROBE_MAX_TARGETS + 1, 300, res),
                     ADB_ERR_INVALID);
    for (i = 0; i < NS; i++)
        close(fds[i]);
    krb5_free_context(ctx);
}

/* ---- the LDAP ping (dns_cldap.c) ------------------------------------ */

/* The NETLOGON_SAM_LOGON_RESPONSE_EX the bed's Samba 4.17 DC sent to the
 * ping (NtVer 0x16): no NextClosestSiteName, compressed names. */
static const uint8_t samba_nl[] = {
    0x17, 0x00, 0x00, 0x00, 0xbd, 0x11, 0x00, 0x00, 0xa4, 0x78, 0x48, 0x6a,
    0xef, 0x52, 0xf7, 0x41, 0xa9, 0x2f, 0x36, 0x76, 0xe0, 0xf1, 0x56, 0x9a,
    0x02, 0x61, 0x64, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03,
    0x63, 0x6f, 0x6d, 0x00, 0xc0, 0x18, 0x03, 0x64, 0x63, 0x31, 0xc0, 0x18,
    0x04, 0x41, 0x44, 0x45, 0x58, 0x00, 0x03, 0x44, 0x43, 0x31, 0x00, 0x00,
    0x17, 0x44, 0x65, 0x66, 0x61, 0x75, 0x6c, 0x74, 0x2d, 0x46, 0x69, 0x72,
    0x73, 0x74, 0x2d, 0x53, 0x69, 0x74, 0x65, 0x2d, 0x4e, 0x61, 0x6d, 0x65,
    0x00, 0xc0, 0x3c, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff
};

/* A Windows-style reply: DcSockAddr (asked with 5EX_WITH_IP) and a
 * NextClosestSiteName, client in site "Branch". */
static size_t windows_nl(uint8_t *b)
{
    static const uint8_t head[24] = { 0x17, 0, 0, 0, 0xfd, 0x03, 0, 0 };
    msg *m = calloc(1, sizeof(*m));
    size_t n;

    memcpy(m->b, head, sizeof(head));
    m->n = sizeof(head);
    putname(m, "ad.test");                /* forest, at 24 */
    put8(m, 0xc0); put8(m, 24);           /* domain: pointer */
    put8(m, 3); memcpy(m->b + m->n, "dc1", 3); m->n += 3;
    put8(m, 0xc0); put8(m, 24);           /* dc1.ad.test */
    putname(m, "AD");
    putname(m, "DC1");
    put8(m, 0);                           /* no user */
    putname(m, "HQ");
    putname(m, "Branch");
    put8(m, 16);                          /* DcSockAddrSize + sockaddr_in */
    memset(m->b + m->n, 0, 16); m->n += 16;
    putname(m, "HQ");
    put32(m, 0x0d000000); put16(m, 0xffff); put16(m, 0xffff);
    n = m->n;
    memcpy(b, m->b, n);
    free(m);
    return n;
}

static void netlogon_parse(void **state)
{
    uint8_t w[512], loop[64];
    dns_netlogon nl;
    char why[160];
    size_t n, i;

    (void)state;
    assert_int_equal(dns_netlogon_parse(samba_nl, sizeof(samba_nl),
                                        DNS_NETLOGON_NTVER, &nl, why,
                                        sizeof(why)), ADB_OK);
    assert_int_equal(nl.opcode, DNS_NETLOGON_OP_RESPONSE_EX);
    assert_string_equal(nl.forest, "ad.example.com");
    assert_string_equal(nl.domain, "ad.example.com");
    assert_string_equal(nl.dc_host, "dc1.ad.example.com");
    assert_string_equal(nl.netbios_domain, "ADEX");
    assert_string_equal(nl.netbios_host, "DC1");
    assert_string_equal(nl.user, "");
    assert_string_equal(nl.dc_site, "Default-First-Site-Name");
    assert_string_equal(nl.client_site, "Default-First-Site-Name");
    assert_string_equal(nl.next_site, "");
    assert_int_equal(nl.nt_version, 5);
    n = windows_nl(w);
    assert_int_equal(dns_netlogon_parse(w, n, DNS_NETLOGON_NTVER |
                                        DNS_NETLOGON_NT_5EX_WITH_IP, &nl,
                                        why, sizeof(why)), ADB_OK);
    assert_string_equal(nl.dc_host, "dc1.ad.test");
    assert_string_equal(nl.client_site, "Branch");
    assert_string_equal(nl.next_site, "HQ");
    /* every truncation of both is an error, never a crash */
    for (i = 0; i < sizeof(samba_nl); i++)
        assert_int_not_equal(dns_netlogon_parse(samba_nl, i,
                                                DNS_NETLOGON_NTVER, &nl, why,
                                                sizeof(why)), ADB_OK);
    /* with the optional fields, a cut that leaves exactly the 8-byte tail
     * can read as a reply without them (the format cannot tell): never a
     * crash, and what is read stays within its fields */
    for (i = 0; i < n; i++)
        if (dns_netlogon_parse(w, i, DNS_NETLOGON_NTVER |
                               DNS_NETLOGON_NT_5EX_WITH_IP, &nl, why,
                               sizeof(why)) == ADB_OK)
            assert_true(strlen(nl.next_site) < sizeof(nl.next_site) &&
                        i >= 8);
    /* trailing bytes, a wrong opcode */
    assert_int_not_equal(dns_netlogon_parse(samba_nl, sizeof(samba_nl) - 1,
                                            DNS_NETLOGON_NTVER, &nl, why,
                                            sizeof(why)), ADB_OK);
    memcpy(w, samba_nl, sizeof(samba_nl));
    w[sizeof(samba_nl)] = 0;
    assert_int_not_equal(dns_netlogon_parse(w, sizeof(samba_nl) + 1,
                                            DNS_NETLOGON_NTVER & ~DNS_NETLOGON_NT_WITH_CLOSEST_SITE,
                                            &nl, why, sizeof(why)), ADB_OK);
    w[0] = 0x13;
    assert_int_equal(dns_netlogon_parse(w, sizeof(samba_nl),
                                        DNS_NETLOGON_NTVER, &nl, why,
                                        sizeof(why)), ADB_ERR_MALFORMED);
    assert_non_null(strstr(why, "opcode"));
    /* a name pointing at itself */
    memset(loop, 0, sizeof(loop));
    loop[0] = 0x17;
    loop[24] = 0xc0;
    loop[25] = 24;
    assert_int_equal(dns_netlogon_parse(loop, sizeof(loop),
                                        DNS_NETLOGON_NTVER, &nl, why,
                                        sizeof(why)), ADB_ERR_MALFORMED);
    /* a site name longer than a label field holds */
    {
        msg *m = calloc(1, sizeof(*m));
        char big[70];

        memset(big, 'x', 69);
        big[69] = '\0';
        m->n = 24;
        m->b[0] = 0x17;
        for (i = 0; i < 6; i++)
            put8(m, 0);
        put8(m, 63); memset(m->b + m->n, 'x', 63); m->n += 63;
        put8(m, 6); memset(m->b + m->n, 'y', 6); m->n += 6; put8(m, 0);
        put8(m, 0);
        put32(m, 5); put32(m, 0xffffffff);
        assert_int_equal(dns_netlogon_parse(m->b, m->n, DNS_NETLOGON_NTVER,
                                            &nl, why, sizeof(why)),
                         ADB_ERR_LIMIT);
        assert_non_null(strstr(why, "DcSiteName"));
        free(m);
    }
}

/* The request's BER (liblber) decodes to the search MS-ADTS 6.3.3 asks
 * for; a reply built with liblber gives back its Netlogon value; replies
 * that are not ours or carry no entry are refused. */
static void cldap_messages(void **state)
{
    uint8_t req[512], out[512];
    size_t len = 0, bl = 0;
    struct berval in, *bv = NULL, base, a1, v1, a2, v2, attr;
    BerElement *ber;
    ber_int_t id, scope, deref, sl, tl, typesonly;
    ber_len_t l;
    ber_tag_t tag;
    char why[160];

    (void)state;
    assert_int_equal(dns_cldap_request(7, "ad.example.com",
                                       DNS_NETLOGON_NTVER, req, sizeof(req),
                                       &len), ADB_OK);
    in.bv_val = (char *)req;
    in.bv_len = len;
    ber = ber_init(&in);
    assert_non_null(ber);
    tag = ber_scanf(ber, "{it{mee", &id, &tag, &base, &scope, &deref);
    assert_int_not_equal(tag, LBER_ERROR);
    assert_int_equal(id, 7);
    assert_int_equal(base.bv_len, 0);
    assert_int_equal(scope, 0);
    tag = ber_scanf(ber, "iib", &sl, &tl, &typesonly);
    assert_int_not_equal(tag, LBER_ERROR);
    assert_int_equal(ber_peek_tag(ber, &l), 0xa0);
    tag = ber_scanf(ber, "{{mm}{mm}}{m}}}", &a1, &v1, &a2, &v2, &attr);
    assert_int_not_equal(tag, LBER_ERROR);
    assert_true(a1.bv_len == 9 && memcmp(a1.bv_val, "DnsDomain", 9) == 0);
    assert_true(v1.bv_len == 14 && memcmp(v1.bv_val, "ad.example.com", 14) == 0);
    assert_true(a2.bv_len == 5 && memcmp(a2.bv_val, "NtVer", 5) == 0);
    assert_true(v2.bv_len == 4 && memcmp(v2.bv_val, "\x16\0\0\0", 4) == 0);
    assert_true(attr.bv_len == 8 && memcmp(attr.bv_val, "Netlogon", 8) == 0);
    ber_free(ber, 1);
    assert_int_equal(dns_cldap_request(7, NULL, 0, req, sizeof(req), &len),
                     ADB_ERR_INVALID);
    assert_int_equal(dns_cldap_request(7, "ad.example.com", 0, req, 10,
                                       &len), ADB_ERR_LIMIT);
    /* a searchResEntry with an unasked attribute first, then Netlogon */
    ber = ber_alloc_t(LBER_USE_DER);
    assert_int_not_equal(ber_printf(ber, "{it{s{{s[ss]}{s[o]}}}}", 7,
                                    (ber_tag_t)0x64, "", "other", "a", "b",
                                    "netlogon", (const char *)samba_nl,
                                    (ber_len_t)sizeof(samba_nl)), -1);
    assert_int_equal(ber_flatten(ber, &bv), 0);
    ber_free(ber, 1);
    assert_int_equal(dns_cldap_reply_parse((uint8_t *)bv->bv_val, bv->bv_len,
                                           7, out, sizeof(out), &bl, why,
                                           sizeof(why)), ADB_OK);
    assert_int_equal(bl, sizeof(samba_nl));
    assert_memory_equal(out, samba_nl, sizeof(samba_nl));
    assert_int_equal(dns_cldap_reply_parse((uint8_t *)bv->bv_val, bv->bv_len,
                                           8, out, sizeof(out), &bl, why,
                                           sizeof(why)), ADB_ERR_MALFORMED);
    assert_non_null(strstr(why, "not 8"));
    assert_int_equal(dns_cldap_reply_parse((uint8_t *)bv->bv_val, bv->bv_len,
                                           7, out, 16, &bl, why, sizeof(why)),
                     ADB_ERR_LIMIT);
    for (len = 0; len < bv->bv_len; len++)
        assert_int_not_equal(dns_cldap_reply_parse((uint8_t *)bv->bv_val, len,
                                                   7, out, sizeof(out), &bl,
                                                   why, sizeof(why)), ADB_OK);
    ber_bvfree(bv);
    bv = NULL;
    /* searchResDone only: the DC did not answer with an entry */
    ber = ber_alloc_t(LBER_USE_DER);
    assert_int_not_equal(ber_printf(ber, "{it{ess}}", 7, (ber_tag_t)0x65, 0,
                                    "", ""), -1);
    assert_int_equal(ber_flatten(ber, &bv), 0);
    ber_free(ber, 1);
    assert_int_equal(dns_cldap_reply_parse((uint8_t *)bv->bv_val, bv->bv_len,
                                           7, out, sizeof(out), &bl, why,
                                           sizeof(why)), ADB_ERR_NOT_FOUND);
    ber_bvfree(bv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostport_values),
        cmocka_unit_test(select_priorities_first),
        cmocka_unit_test(select_weights_statistics),
        cmocka_unit_test(answer_good),
        cmocka_unit_test(answer_uri),
        cmocka_unit_test(answer_negative_and_dot),
        cmocka_unit_test(answer_bounds),
        cmocka_unit_test(answer_mutations),
        cmocka_unit_test(cache_ttl_and_bounds),
        cmocka_unit_test(failover_text),
        cmocka_unit_test(failover_file),
        cmocka_unit_test(lookup_misuse),
        cmocka_unit_test(lookup_configured),
        cmocka_unit_test(probe_concurrent),
        cmocka_unit_test(netlogon_parse),
        cmocka_unit_test(cldap_messages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
