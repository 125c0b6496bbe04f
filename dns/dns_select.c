/* SPDX-License-Identifier: MIT */
/*
 * dns_select.c - RFC 2782 ordering of one answer's SRV records.
 *
 * RFC 2782, "Usage rules": order by ascending priority; within a priority,
 * "arrange all SRV RRs (that have not been ordered yet) in any order,
 * except that all those with weight 0 are placed at the beginning of the
 * list.  Compute the sum of the weights of those RRs, and with each RR
 * associate the running sum in the selected order.  Then choose a uniform
 * random number between 0 and the sum computed (inclusive), and select the
 * RR whose running sum value is the first in the selected order which is
 * greater than or equal to the random number selected."  Repeat until
 * none is left.  A target of "." means the service is not offered.
 */
#include "dns_int.h"

#include <sys/random.h>
#include <string.h>

uint32_t dns_random_default(void *arg)
{
    static __thread uint64_t s;

    (void)arg;
    while (s == 0) {
        if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s))
            s = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)&s;
    }
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return (uint32_t)(s >> 16);
}

/* Uniform in [0, bound] (bound < 2^32 - 1), by rejection. */
static uint32_t uniform(uint32_t (*rnd)(void *), void *arg, uint32_t bound)
{
    uint32_t range = bound + 1, limit, r;

    if (range == 0)
        return rnd(arg);
    limit = UINT32_MAX - (UINT32_MAX % range);
    do {
        r = rnd(arg);
    } while (r >= limit);
    return r % range;
}

adb_err dns_select_order(const dns_srv_rr *rrs, size_t n,
                         uint32_t (*rnd)(void *), void *rnd_arg,
                         size_t *order, size_t *count_out)
{
    size_t idx[DNS_MAX_SRV_PER_ANSWER];
    size_t m = 0, i, j, out = 0, start;

    if (count_out != NULL)
        *count_out = 0;
    if (n > DNS_MAX_SRV_PER_ANSWER || (n > 0 && (rrs == NULL ||
        order == NULL)) || count_out == NULL)
        return ADB_ERR_INVALID;
    if (rnd == NULL)
        rnd = dns_random_default;
    /* Candidates, zero weights first, then stable by priority (insertion
     * sort: n <= 128). */
    for (i = 0; i < n; i++)
        if (rrs[i].target[0] != '\0' && rrs[i].weight == 0)
            idx[m++] = i;
    for (i = 0; i < n; i++)
        if (rrs[i].target[0] != '\0' && rrs[i].weight != 0)
            idx[m++] = i;
    for (i = 1; i < m; i++) {
        size_t v = idx[i];

        for (j = i; j > 0 && rrs[idx[j - 1]].priority > rrs[v].priority; j--)
            idx[j] = idx[j - 1];
        idx[j] = v;
    }
    for (start = 0; start < m;) {
        size_t end = start;

        while (end < m && rrs[idx[end]].priority == rrs[idx[start]].priority)
            end++;
        /* idx[start, end): one priority; draw until empty. */
        while (start < end) {
            uint32_t sum = 0, r, run = 0;
            size_t pick = start;

            for (i = start; i < end; i++)
                sum += rrs[idx[i]].weight;       /* <= 128 * 65535 */
            r = uniform(rnd, rnd_arg, sum);
            for (i = start; i < end; i++) {
                run += rrs[idx[i]].weight;
                if (run >= r) {
                    pick = i;
                    break;
                }
            }
            order[out++] = idx[pick];
            /* Remove the pick; the later groups move left with it. */
            memmove(&idx[pick], &idx[pick + 1],
                    (m - pick - 1) * sizeof(idx[0]));
            end--;
            m--;
        }
    }
    *count_out = out;
    return ADB_OK;
}
