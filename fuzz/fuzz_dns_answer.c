/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dns_answer.c - libFuzzer harness for every piece of dns/ that
 * touches DNS answer data: the section walk and c-ares parsers
 * (dns_answer_parse), RFC 2782 selection over what was kept, and a cache
 * round trip of the answer.  The first input byte picks the query type
 * (SRV, A, AAAA); the rest is the DNS message.  Broken invariants abort.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        abort();
}

static uint32_t fixed_rand(void *arg)
{
    uint32_t *s = arg;

    *s = *s * 1103515245u + 12345u;
    return *s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t types[4] = { DNS_T_SRV, DNS_T_A, DNS_T_AAAA,
                                       DNS_T_URI };
    static dns_cache *cache;
    dns_answer *a = NULL, *back = NULL;
    size_t order[DNS_MAX_SRV_PER_ANSWER], n = 0, i;
    uint32_t seed = 1;
    char why[128];
    adb_err err;

    if (size < 1)
        return 0;
    if (cache == NULL && dns_cache_new(16, 64 * 1024, &cache) != ADB_OK)
        abort();
    err = dns_answer_parse(data + 1, size - 1, types[data[0] % 4], &a, why,
                           sizeof(why));
    if (err != ADB_OK) {
        check(a == NULL);
        check(memchr(why, '\0', sizeof(why)) != NULL);
        return 0;
    }
    check(a != NULL);
    check(a->srv_count <= DNS_MAX_SRV_PER_ANSWER);
    check(a->addr_count <= DNS_MAX_GLUE);
    check(a->ttl <= DNS_MAX_TTL);
    for (i = 0; i < a->srv_count; i++) {
        check(strlen(a->srv[i].target) <= DNS_NAME_MAX);
        if (data[0] % 4 == 3)              /* URI: krb5srv udp/tcp only */
            check(a->srv[i].socks == DNS_SOCK_UDP ||
                  a->srv[i].socks == DNS_SOCK_TCP);
        else
            check(a->srv[i].socks == 0 && !a->srv[i].primary);
    }
    for (i = 0; i < a->addr_count; i++) {
        check(strlen(a->addr[i].name) <= DNS_NAME_MAX);
        check(a->addr[i].family == AF_INET || a->addr[i].family == AF_INET6);
    }
    check(dns_select_order(a->srv, a->srv_count, fixed_rand, &seed, order,
                           &n) == ADB_OK);
    check(n <= a->srv_count);
    for (i = 0; i < n; i++) {
        check(order[i] < a->srv_count);
        check(a->srv[order[i]].target[0] != '\0');
        if (i > 0)
            check(a->srv[order[i - 1]].priority <= a->srv[order[i]].priority);
    }
    if (a->ttl == 0)
        a->ttl = 1;
    check(dns_cache_put(cache, "fuzz.example", types[data[0] % 4], a, 0) ==
          ADB_OK);
    if (dns_cache_get(cache, "FUZZ.example", types[data[0] % 4], 0, &back) ==
        ADB_OK) {
        check(back->srv_count == a->srv_count &&
              back->addr_count == a->addr_count);
        free(back);
    }
    free(a);
    return 0;
}
