/* SPDX-License-Identifier: MIT */
/*
 * bench_pac.c - adbridge's PAC decoder against Samba's, on the same inputs,
 * in the same process, in the same run.
 *
 *   ours:  pac_decode_blob(ctx, data, len, &info, &diag); pac_info_free(info);
 *          (MIT krb5_pac_parse + buffer copies + our decoders + SID
 *          expansion; the krb5_context is created once, outside the loop)
 *   Samba: mem = talloc_new(NULL);
 *          ndr_pull_struct_blob(&blob, mem, pac, ndr_pull_PAC_DATA);
 *          talloc_free(mem);
 *          (what Samba's kerberos_decode_pac() does to decode a PAC)
 *
 * For each file: both decoders must accept it (else it is reported and the
 * exit status is 1).  Each decoder is warmed up, its iteration count is
 * calibrated to about --time seconds, then the two are measured alternately
 * for --rounds rounds (the one that goes first alternates too) and the
 * median time per PAC of each is reported, with the spread of the rounds.
 * The figures are printed; nothing is asserted: a ratio below the target
 * says BELOW, and the exit status stays 0.
 *
 * Built twice from this file: bench_pac (timing) and, with
 * BENCH_ALLOC_STATS, bench_pac_alloc, which interposes malloc() to report
 * the bytes and calls each decoder allocates per PAC and does no timing (the
 * interposition would cost both decoders time, unequally).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <krb5/krb5.h>

#include "bench_util.h"
#include "bench_samba.h"
#include "adb_arena.h"
#include "pac.h"

#define BENCH_MAX_ROUNDS 99
#define BENCH_MAX_FILE (16u * 1024u * 1024u)

typedef struct bench_opts {
    double seconds;            /* per decoder per round */
    clockid_t clock;           /* CLOCK_MONOTONIC or CLOCK_THREAD_CPUTIME_ID */
    unsigned int rounds;
    double target;             /* ratio Samba/ours to call PASS */
} bench_opts;

/* One input: its bytes and a krb5 context for our decoder. */
typedef struct bench_input {
    const char *path;
    uint8_t *data;             /* owned */
    size_t len;
    krb5_context ctx;          /* borrowed */
} bench_input;

typedef int (*bench_fn)(const bench_input *in);

/* --- allocation statistics (bench_pac_alloc only) ----------------------- */

#ifdef BENCH_ALLOC_STATS
#include <malloc.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t size);

static bool stat_on;
static size_t stat_live, stat_peak, stat_total, stat_calls;

static void stat_add(void *p)
{
    size_t n;

    if (!stat_on || p == NULL)
        return;
    n = malloc_usable_size(p);
    stat_live += n;
    stat_total += n;
    stat_calls++;
    if (stat_live > stat_peak)
        stat_peak = stat_live;
}

static void stat_sub(void *p)
{
    size_t n;

    if (!stat_on || p == NULL)
        return;
    n = malloc_usable_size(p);
    stat_live = n > stat_live ? 0 : stat_live - n;
}

void *malloc(size_t size)
{
    void *p = __libc_malloc(size);

    stat_add(p);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);

    stat_add(p);
    return p;
}

void *realloc(void *old, size_t size)
{
    void *p;

    stat_sub(old);
    p = __libc_realloc(old, size);
    stat_add(p != NULL ? p : (size == 0 ? NULL : old));
    return p;
}

void free(void *p)
{
    stat_sub(p);
    __libc_free(p);
}

void *memalign(size_t align, size_t size)
{
    void *p = __libc_memalign(align, size);

    stat_add(p);
    return p;
}

void *aligned_alloc(size_t align, size_t size)
{
    return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    void *p = memalign(align, size);

    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}
#endif /* BENCH_ALLOC_STATS */

/* --- the two decoders ---------------------------------------------------- */

/* Ours; returns 0 on success. */
static int decode_ours(const bench_input *in)
{
    pac_info *info = NULL;
    adb_diag diag = ADB_DIAG_INIT;
    adb_err ret;

    ret = pac_decode_blob(in->ctx, in->data, in->len, &info, &diag);
    pac_info_free(info);
    return ret != ADB_OK;
}

/* Samba's; returns 0 on success. */
static int decode_samba(const bench_input *in)
{
    return bench_samba_decode(in->data, in->len);
}

/* --- checks before timing ----------------------------------------------- */

/*
 * Decode @in once with each decoder; on success *groups_out is the
 * GroupCount (-1 without LOGON_INFO).  Prints the reason and returns
 * nonzero if either decoder rejects the input or they disagree on the
 * group count.
 */
static int check_input(const bench_input *in, long *groups_out)
{
    pac_info *info = NULL;
    adb_diag diag = ADB_DIAG_INIT;
    char msg[256];
    long ours = -1, samba = -1;
    int ret = 1;

    if (pac_decode_blob(in->ctx, in->data, in->len, &info, &diag) !=
        ADB_OK) {
        fprintf(stderr, "bench_pac: %s: adbridge rejects it: %s\n",
                in->path, adb_diag_format(&diag, msg, sizeof(msg)));
        goto cleanup;
    }
    if (info->logon_info != NULL)
        ours = (long)info->logon_info->group_count;
    if (bench_samba_check(in->data, in->len, &samba, msg, sizeof(msg))) {
        fprintf(stderr, "bench_pac: %s: Samba rejects it: %s\n", in->path,
                msg);
        goto cleanup;
    }
    if (ours != samba) {
        fprintf(stderr, "bench_pac: %s: group count %ld (adbridge) vs %ld "
                "(Samba)\n", in->path, ours, samba);
        goto cleanup;
    }
    *groups_out = ours;
    ret = 0;

cleanup:
    pac_info_free(info);
    return ret;
}

/* --- timing ------------------------------------------------------------- */

#ifndef BENCH_ALLOC_STATS
static clockid_t bench_clock = CLOCK_MONOTONIC;

static double now_seconds(void)
{
    return bench_now(bench_clock);
}

/* Run @fn @n times; returns elapsed seconds, or -1 if a decode failed. */
static double run(bench_fn fn, const bench_input *in, unsigned long n)
{
    unsigned long i;
    int bad = 0;
    double t0, t1;

    t0 = now_seconds();
    for (i = 0; i < n; i++)
        bad |= fn(in);
    t1 = now_seconds();
    return bad ? -1.0 : t1 - t0;
}

/*
 * Warm up @fn for about 0.1 s, then find the iteration count that takes
 * about @seconds.  Returns 0 if a decode failed.
 */
static unsigned long calibrate(bench_fn fn, const bench_input *in,
                               double seconds)
{
    unsigned long n = 1;
    double t;

    for (;;) {                 /* warm-up, doubling */
        t = run(fn, in, n);
        if (t < 0)
            return 0;
        if (t >= 0.1 || n >= (1ul << 40))
            break;
        n *= 2;
    }
    t = run(fn, in, n);        /* once more, warm */
    if (t < 0)
        return 0;
    if (t <= 0)
        t = 1e-9;
    n = (unsigned long)((double)n * seconds / t);
    return n > 0 ? n : 1;
}

/* Print the figures of one input; returns nonzero if a decode failed. */
static int bench_one(const bench_input *in, const bench_opts *o)
{
    double ours[BENCH_MAX_ROUNDS], samba[BENCH_MAX_ROUNDS];
    double paired[BENCH_MAX_ROUNDS];
    double m_ours, m_samba, m_paired, t;
    unsigned long n_ours, n_samba;
    unsigned int r;
    long groups = -1;

    if (check_input(in, &groups))
        return 1;
    n_ours = calibrate(decode_ours, in, o->seconds);
    n_samba = calibrate(decode_samba, in, o->seconds);
    if (n_ours == 0 || n_samba == 0) {
        fprintf(stderr, "bench_pac: %s: a decode failed while timing\n",
                in->path);
        return 1;
    }
    for (r = 0; r < o->rounds; r++) {
        bool ours_first = r % 2 == 0;

        if (ours_first) {
            t = run(decode_ours, in, n_ours);
            ours[r] = t * 1e9 / (double)n_ours;
        }
        t = run(decode_samba, in, n_samba);
        samba[r] = t * 1e9 / (double)n_samba;
        if (!ours_first) {
            t = run(decode_ours, in, n_ours);
            ours[r] = t * 1e9 / (double)n_ours;
        }
        if (ours[r] < 0 || samba[r] < 0) {
            fprintf(stderr, "bench_pac: %s: a decode failed while timing\n",
                    in->path);
            return 1;
        }
        paired[r] = samba[r] / ours[r];
    }
    m_paired = bench_median(paired, o->rounds);
    m_ours = bench_median(ours, o->rounds);     /* sorts: [0] min, [n-1] max */
    m_samba = bench_median(samba, o->rounds);
    printf("%-28s %7zu %6ld %9.0f %6.1f%% %9.0f %6.1f%% %6.2fx %6.2fx  %s\n",
           in->path, in->len, groups, m_ours,
           100.0 * (ours[o->rounds - 1] - ours[0]) / m_ours, m_samba,
           100.0 * (samba[o->rounds - 1] - samba[0]) / m_samba,
           m_samba / m_ours, m_paired,
           m_samba / m_ours >= o->target ? "PASS" : "BELOW");
    fflush(stdout);
    return 0;
}

static void print_header(const bench_opts *o)
{
    printf("bench_pac: adbridge pac_decode_blob()+pac_info_free() vs Samba "
           "ndr_pull_struct_blob(PAC_DATA)+talloc_free()\n");
    printf("Samba headers %s; %u rounds of ~%.2f s per decoder, alternating;"
           " median ns per PAC (%s clock);\nspread = (max-min)/median over "
           "the rounds\n", bench_samba_version, o->rounds, o->seconds,
           o->clock == CLOCK_MONOTONIC ? "CLOCK_MONOTONIC wall" :
           "CLOCK_THREAD_CPUTIME_ID cpu");
    printf("ratio = median Samba / median ours (\"x faster\"), judged "
           "against the target >= %.1fx;\npaired = median over the rounds "
           "of Samba/ours measured back to back (less sensitive to load "
           "drift)\n\n", o->target);
    printf("%-28s %7s %6s %9s %7s %9s %7s %7s %7s  %s\n", "file", "bytes",
           "groups", "ours ns", "spread", "Samba ns", "spread", "ratio",
           "paired", "target");
}
#else  /* BENCH_ALLOC_STATS */

/* Allocations of one decode by @fn. */
static int alloc_one(bench_fn fn, const bench_input *in, size_t *peak,
                     size_t *total, size_t *calls)
{
    int bad;

    fn(in);                    /* warm: lazily initialised library state */
    /* Our arena keeps freed chunks for reuse (adb_arena.h): return them, so
     * that this decode's memory is allocated, and counted, afresh. */
    adb_arena_cache_release();
    stat_live = stat_peak = stat_total = stat_calls = 0;
    stat_on = true;
    bad = fn(in);
    stat_on = false;
    *peak = stat_peak;
    *total = stat_total;
    *calls = stat_calls;
    return bad;
}

static int bench_one(const bench_input *in, const bench_opts *o)
{
    size_t p_o, t_o, c_o, p_s, t_s, c_s;
    long groups = -1;

    (void)o;
    if (check_input(in, &groups))
        return 1;
    if (alloc_one(decode_ours, in, &p_o, &t_o, &c_o) ||
        alloc_one(decode_samba, in, &p_s, &t_s, &c_s)) {
        fprintf(stderr, "bench_pac: %s: a decode failed\n", in->path);
        return 1;
    }
    printf("%-28s %7zu %6ld %10zu %10zu %7zu %10zu %10zu %7zu\n", in->path,
           in->len, groups, p_o, t_o, c_o, p_s, t_s, c_s);
    return 0;
}

static void print_header(const bench_opts *o)
{
    (void)o;
    printf("bench_pac_alloc: heap use of one decode (malloc_usable_size of "
           "every block; peak = most bytes live at once)\n\n");
    printf("%-28s %7s %6s %10s %10s %7s %10s %10s %7s\n", "file", "bytes",
           "groups", "ours peak", "ours total", "calls", "Samba peak",
           "Samba tot", "calls");
}
#endif /* BENCH_ALLOC_STATS */

/* --- input and main ----------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out, "usage: bench_pac [--time SECONDS] [--rounds N] "
            "[--target RATIO] [--clock monotonic|cpu] PAC_FILE...\n"
            "  --time    seconds per decoder per round (default 0.5)\n"
            "  --rounds  alternating rounds, median reported (default 5)\n"
            "  --target  Samba/ours ratio printed as PASS (default 3.0)\n"
            "  --clock   monotonic: wall time (default); cpu: this thread's "
            "CPU time,\n            which leaves out time spent descheduled "
            "on a busy machine\n");
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "time", required_argument, NULL, 't' },
        { "rounds", required_argument, NULL, 'r' },
        { "target", required_argument, NULL, 'T' },
        { "clock", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    bench_opts o = { 0.5, CLOCK_MONOTONIC, 5, 3.0 };
    krb5_context ctx = NULL;
    char *end;
    int c, i, failed = 0;

    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            o.seconds = strtod(optarg, &end);
            if (*end != '\0' || !(o.seconds > 0 && o.seconds <= 60)) {
                fprintf(stderr, "bench_pac: bad --time %s\n", optarg);
                return 2;
            }
            break;
        case 'r':
            o.rounds = (unsigned int)strtoul(optarg, &end, 10);
            if (*end != '\0' || o.rounds < 1 || o.rounds > BENCH_MAX_ROUNDS) {
                fprintf(stderr, "bench_pac: bad --rounds %s\n", optarg);
                return 2;
            }
            break;
        case 'T':
            o.target = strtod(optarg, &end);
            if (*end != '\0' || !(o.target > 0)) {
                fprintf(stderr, "bench_pac: bad --target %s\n", optarg);
                return 2;
            }
            break;
        case 'c':
            if (strcmp(optarg, "monotonic") == 0) {
                o.clock = CLOCK_MONOTONIC;
            } else if (strcmp(optarg, "cpu") == 0) {
                o.clock = CLOCK_THREAD_CPUTIME_ID;
            } else {
                fprintf(stderr, "bench_pac: bad --clock %s\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    if (krb5_init_context(&ctx) != 0) {
        fprintf(stderr, "bench_pac: cannot create a krb5 context\n");
        return 1;
    }
#ifndef BENCH_ALLOC_STATS
    bench_clock = o.clock;
#endif
    print_header(&o);
    for (i = optind; i < argc; i++) {
        bench_input in = { argv[i], NULL, 0, ctx };
        int err = bench_read_file(argv[i], BENCH_MAX_FILE, &in.data, &in.len);

        if (err) {
            fprintf(stderr, "bench_pac: %s: %s\n", argv[i], strerror(err));
            failed = 1;
            continue;
        }
        if (bench_one(&in, &o))
            failed = 1;
        free(in.data);
    }
    krb5_free_context(ctx);
    return failed;
}
