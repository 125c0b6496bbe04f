/* SPDX-License-Identifier: MIT */
/*
 * bench_util.h - what the micro-benchmarks (bench_pac, bench_map) share:
 * a clock, the median of the rounds and reading an input file.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* bench_now - @clock (CLOCK_MONOTONIC, CLOCK_THREAD_CPUTIME_ID) in seconds. */
double bench_now(clockid_t clock);

/* bench_median - the median of the @n values @v (sorted in place; the mean
 * of the two middle values when @n is even). */
double bench_median(double *v, unsigned int n);

/*
 * bench_read_file - read the whole of @path (at most @max bytes) into
 * *@data_out (malloc'd, the caller frees) and *@len_out.  Returns 0, or an
 * errno value (EFBIG above @max, EIO on a read error).
 */
int bench_read_file(const char *path, size_t max, uint8_t **data_out,
                    size_t *len_out);

#endif /* BENCH_UTIL_H */
