/* SPDX-License-Identifier: MIT */
/*
 * bench_util.c - see bench_util.h.
 */
#include "bench_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

double bench_now(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double bench_median(double *v, unsigned int n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int bench_read_file(const char *path, size_t max, uint8_t **data_out,
                    size_t *len_out)
{
    FILE *f = NULL;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 4096, got;
    int ret = 0;

    *data_out = NULL;
    *len_out = 0;
    f = fopen(path, "rb");
    if (f == NULL)
        return errno;
    buf = malloc(cap);
    if (buf == NULL) {
        ret = ENOMEM;
        goto cleanup;
    }
    for (;;) {
        if (len == cap) {
            uint8_t *n;

            if (cap >= max) {
                ret = EFBIG;
                goto cleanup;
            }
            n = realloc(buf, cap * 2);
            if (n == NULL) {
                ret = ENOMEM;
                goto cleanup;
            }
            buf = n;
            cap *= 2;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        ret = EIO;
        goto cleanup;
    }
    *data_out = buf;
    *len_out = len;
    buf = NULL;

cleanup:
    free(buf);
    fclose(f);
    return ret;
}
