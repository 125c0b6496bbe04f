/* SPDX-License-Identifier: MIT */
/*
 * bench_map.c - what the rights engine costs per cross-realm request.
 *
 *   bench_map [--time SECONDS] [--rounds N] [--maps N] PAC_FILE
 *
 * Measures, on the same PAC in the same run, alternating rounds, median ns:
 *   decode         pac_decode_blob + pac_info_free            (baseline)
 *   decode+map     the above + map_evaluate + map_result_free (what the
 *                  KDC module does per request)
 *   map            map_evaluate alone, on a decoded PAC
 *   nested scan    the same decision by comparing every SID with every
 *                  mapping (the approach the engine must not use), as a
 *                  second baseline
 * and prints the ratios.  The configuration is generated: one trust with
 * --maps mappings (default 100): the odd-numbered ones name SIDs no PAC
 * has, the even-numbered ones groups RID 1100 + 20i, of which a PAC from
 * bench/gen_pac.py (RIDs 1100, 1101, ...) holds those up to its last RID
 * (25 of the 100 for --groups 1000).  A benchmark, not a test:
 * it exits non-zero only if an input cannot be used.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "conf.h"
#include "map.h"
#include "pac.h"

#define DOMSID "S-1-5-21-3623811015-3361044348-30300820"

typedef struct bench_ctx {
    krb5_context kctx;
    const uint8_t *pac;
    size_t pac_len;
    const conf_config *cfg;
    const conf_trust *trust;
    const pac_info *decoded;
    unsigned long sink;
} bench_ctx;

typedef void (*bench_fn)(bench_ctx *b);

static double now(void)
{
    return bench_now(CLOCK_MONOTONIC);
}

static void op_decode(bench_ctx *b)
{
    pac_info *info = NULL;

    if (pac_decode_blob(b->kctx, b->pac, b->pac_len, &info, NULL) != ADB_OK)
        abort();
    b->sink += info->sid_count;
    pac_info_free(info);
}

static void op_decode_map(bench_ctx *b)
{
    pac_info *info = NULL;
    map_result r;

    memset(&r, 0, sizeof(r));
    if (pac_decode_blob(b->kctx, b->pac, b->pac_len, &info, NULL) != ADB_OK ||
        map_evaluate(b->cfg, b->trust, info, &r) != ADB_OK)
        abort();
    b->sink += r.rights;
    map_result_free(&r);
    pac_info_free(info);
}

static void op_map(bench_ctx *b)
{
    map_result r;

    memset(&r, 0, sizeof(r));
    if (map_evaluate(b->cfg, b->trust, b->decoded, &r) != ADB_OK)
        abort();
    b->sink += r.rights;
    map_result_free(&r);
}

/* The same filtering and matching, by comparing each surviving SID with
 * each mapping in turn. */
static void op_nested_scan(bench_ctx *b)
{
    const pac_info *p = b->decoded;
    uint32_t rights = 0;
    size_t i, j;

    for (i = 0; i < p->sid_count; i++) {
        if (map_sid_rule(b->cfg, b->trust, &p->sids[i].sid) != MAP_KEEP)
            continue;
        for (j = 0; j < b->trust->map_count; j++)
            if (b->trust->maps[j].kind != CONF_MAP_USER_NAME &&
                adb_sid_equal(&b->trust->maps[j].sid, &p->sids[i].sid))
                rights |= b->trust->maps[j].rights;
    }
    b->sink += conf_rights_imply(rights);
}

/* Run @fn for about @secs seconds; ns per call. */
static double timed(bench_fn fn, bench_ctx *b, double secs)
{
    unsigned long n = 16, i;
    double t0, dt;

    for (;;) {
        t0 = now();
        for (i = 0; i < n; i++)
            fn(b);
        dt = now() - t0;
        if (dt >= secs)
            return dt * 1e9 / (double)n;
        n = dt > 0.01 ? (unsigned long)((double)n * secs / dt) + 1 : n * 8;
    }
}

/* Write a config with @maps mappings to a temp file; returns its path. */
static char *write_config(unsigned int maps)
{
    static const char *const rights[] = { "admin", "viewer", "join" };
    char *path = strdup("/tmp/bench_map.XXXXXX");
    FILE *f;
    unsigned int i;
    int fd;

    if (path == NULL || (fd = mkstemp(path)) < 0)
        return NULL;
    f = fdopen(fd, "w");
    if (f == NULL)
        return NULL;
    fprintf(f, "[adbridge]\n    local_realm = LOCAL.EXAMPLE\n"
               "    local_domain_sid = S-1-5-21-1111111111-2222222222-"
               "3333333333\n[trusts]\n    AD.EXAMPLE.COM = {\n"
               "        netbios_name = ADEX\n        domain_sid = %s\n",
            DOMSID);
    for (i = 0; i < maps; i++) {
        /* even i: group 1100 + 20i (in the PAC if that is within its
         * RIDs); odd i: a SID no PAC has */
        if (i % 2 == 0)
            fprintf(f, "        map = rid:%u %s\n", 1100 + 20 * i,
                    rights[i % 3]);
        else
            fprintf(f, "        map = sid:" DOMSID "-%u %s\n", 50000 + i,
                    rights[i % 3]);
    }
    fprintf(f, "    }\n");
    fclose(f);
    return path;
}

int main(int argc, char **argv)
{
    static const struct { const char *name; bench_fn fn; } ops[] = {
        { "decode", op_decode }, { "decode+map", op_decode_map },
        { "map", op_map }, { "nested scan", op_nested_scan },
    };
    enum { NOPS = sizeof(ops) / sizeof(ops[0]) };
    double secs = 0.3, t[NOPS][15], med[NOPS];
    unsigned int rounds = 5, maps = 100, r, k;
    conf_config *cfg = NULL;
    conf_problems problems;
    pac_info *decoded = NULL;
    bench_ctx b;
    map_result res;
    uint8_t *buf = NULL;
    char *cfg_path = NULL;
    const char *file = NULL;
    int i, rc = 1;

    memset(&b, 0, sizeof(b));
    memset(&res, 0, sizeof(res));
    conf_problems_init(&problems);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--time") == 0 && i + 1 < argc)
            secs = atof(argv[++i]);
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = (unsigned int)atoi(argv[++i]);
        else if (strcmp(argv[i], "--maps") == 0 && i + 1 < argc)
            maps = (unsigned int)atoi(argv[++i]);
        else
            file = argv[i];
    }
    if (file == NULL || rounds < 1 || rounds > 15 || maps < 1) {
        fprintf(stderr, "usage: bench_map [--time S] [--rounds 1-15] "
                        "[--maps N] PAC_FILE\n");
        return 2;
    }
    if (bench_read_file(file, 1u << 20, &buf, &b.pac_len) != 0) {
        fprintf(stderr, "bench_map: cannot read %s\n", file);
        goto cleanup;
    }
    b.pac = buf;
    cfg_path = write_config(maps);
    if (cfg_path == NULL || krb5_init_context(&b.kctx) != 0 ||
        conf_load(cfg_path, &cfg, &problems) != ADB_OK) {
        fprintf(stderr, "bench_map: cannot set up the configuration\n");
        goto cleanup;
    }
    b.cfg = cfg;
    b.trust = conf_find_trust(cfg, "AD.EXAMPLE.COM");
    if (pac_decode_blob(b.kctx, b.pac, b.pac_len, &decoded, NULL) != ADB_OK ||
        b.trust == NULL || map_evaluate(cfg, b.trust, decoded, &res) != ADB_OK) {
        fprintf(stderr, "bench_map: %s does not decode or evaluate\n", file);
        goto cleanup;
    }
    b.decoded = decoded;
    printf("bench_map: %s: %zu bytes, %zu SIDs; trust with %zu mappings; "
           "result: rights 0x%x from %zu grants, %zu SIDs filtered%s\n",
           file, b.pac_len, decoded->sid_count, b.trust->map_count,
           res.rights, res.grant_count, res.dropped_count,
           res.refused ? " (refused)" : "");
    for (k = 0; k < NOPS; k++)
        timed(ops[k].fn, &b, 0.05);   /* warm-up */
    for (r = 0; r < rounds; r++)
        for (k = 0; k < NOPS; k++)
            t[k][r] = timed(ops[k].fn, &b, secs);
    for (k = 0; k < NOPS; k++)
        med[k] = bench_median(t[k], rounds);
    printf("%u alternating rounds of ~%.2f s each, median ns per request:\n",
           rounds, secs);
    for (k = 0; k < NOPS; k++)
        printf("  %-12s %10.0f ns\n", ops[k].name, med[k]);
    printf("decode+map / decode:       %.2fx  (filter + map add %.0f ns to "
           "a decode)\n", med[1] / med[0], med[1] - med[0]);
    printf("nested scan / map:         %.2fx  (hashed lookup vs comparing "
           "every SID with every mapping)\n", med[3] / med[2]);
    rc = 0;

cleanup:
    map_result_free(&res);
    pac_info_free(decoded);
    conf_free(cfg);
    conf_problems_free(&problems);
    if (cfg_path != NULL) {
        unlink(cfg_path);
        free(cfg_path);
    }
    if (b.kctx != NULL)
        krb5_free_context(b.kctx);
    free(buf);
    return rc;
}
