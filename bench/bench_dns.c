/* SPDX-License-Identifier: MIT */
/*
 * bench_dns.c REALM DNS_SERVER [ROUNDS] - dns_lookup() timings, one run:
 *   cold:   the full KDC lookup of REALM with the cache emptied each time
 *           (every SRV query in flight at once, glue used);
 *   rtt:    one SRV query alone (a GC lookup: one name, one round trip),
 *           the unit "one DNS round trip" is measured in;
 *   cached: the full KDC lookup again, answered from the cache.
 * Prints medians in microseconds and the ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns.h"

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double run(const char *realm, dns_service svc, dns_options *o,
                  bool clear, int rounds, size_t *found)
{
    double *t = calloc((size_t)rounds, sizeof(*t)), med;
    int i;

    for (i = 0; i < rounds; i++) {
        dns_result *r = NULL;
        double t0;

        if (clear)
            dns_cache_clear(o->cache);
        t0 = now_us();
        dns_lookup(realm, svc, 0, o, &r);
        t[i] = now_us() - t0;
        *found = r != NULL ? r->endpoint_count : 0;
        dns_result_free(r);
    }
    qsort(t, (size_t)rounds, sizeof(*t), cmp);
    med = t[rounds / 2];
    free(t);
    return med;
}

int main(int argc, char **argv)
{
    dns_options o;
    dns_cache *cache = NULL;
    int rounds = argc > 3 ? atoi(argv[3]) : 200;
    double cold, rtt, cached;
    size_t n1, n2, n3;

    if (argc < 3 || rounds < 1) {
        fprintf(stderr, "usage: %s REALM DNS_SERVER [ROUNDS]\n", argv[0]);
        return 2;
    }
    dns_options_init(&o);
    o.dns_servers = argv[2];
    o.state_dir = "";
    if (dns_cache_new(0, 0, &cache) != ADB_OK)
        return 1;
    o.cache = cache;
    rtt = run(argv[1], DNS_SERVICE_GC, &o, true, rounds, &n1);
    cold = run(argv[1], DNS_SERVICE_KDC, &o, true, rounds, &n2);
    run(argv[1], DNS_SERVICE_KDC, &o, false, 1, &n3);
    cached = run(argv[1], DNS_SERVICE_KDC, &o, false, rounds * 50, &n3);
    printf("dns_lookup %s via %s, %d rounds (medians):\n", argv[1], argv[2],
           rounds);
    printf("  one SRV query (one round trip): %8.1f us (%zu addresses)\n", rtt, n1);
    printf("  cold KDC lookup (all queries):  %8.1f us (%zu addresses) = %.2f round trips\n",
           cold, n2, cold / rtt);
    printf("  cached KDC lookup:              %8.2f us (%zu addresses) = %.0fx faster than cold\n",
           cached, n3, cold / cached);
    dns_cache_free(cache);
    return n2 > 0 && n3 > 0 ? 0 : 1;
}
