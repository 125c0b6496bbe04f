/* SPDX-License-Identifier: MIT */
/*
 * bench_decide.c - adbridge's own work for one cross-realm TGS request, as
 * adb_issue_pac does it, without a KDC around it:
 *
 *   bench_decide [--count N] [--profile rights|groups] [--dump]
 *                [--mit-copies] CONFIG_FILE PAC_FILE...
 *
 * For each PAC (the AD cross-realm TGT PAC of USER, named by the file
 * tests/fixtures/ad-USER.pac or given as USER=FILE) and N times: the PAC
 * is parsed (krb5_pac_parse: the KDC hands the module a parsed PAC, so this
 * is outside the count callgrind is asked about), then kdc_decide,
 * kdc_log_line, kdc_audit_json and kdc_copy_buffers into a fresh PAC.
 * The PAC is decoded in place from the file's bytes, as adb_issue_pac
 * decodes the ticket's PAC element (kdc_request.old_pac_data); with
 * --mit-copies through MIT's krb5_pac_get_buffer copies instead.
 * callgrind_annotate of a run gives the exact instructions of each part
 * (bench/kdc_bench.sh's part 2 gives the same functions inside krb5kdc).
 *
 * --dump prints, per PAC, the log line, the audit record (time 0) and a
 * hex dump of every buffer kdc_copy_buffers put into the new PAC: the
 * output of two builds on the same inputs must be byte-identical (the
 * decision and report formats are a contract, docs/audit-record.md).
 * A benchmark, not a test: it asserts nothing; the exit status is non-zero
 * only if an input cannot be used.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "conf.h"
#include "kdc_bridge.h"
#include "pac.h"

#define AD_REALM "AD.EXAMPLE.COM"
#define SERVICE "HTTP/device1.local.example@LOCAL.EXAMPLE"

static void dump_pac(krb5_context ctx, krb5_pac pac)
{
    krb5_ui_4 *types = NULL;
    size_t n = 0, i, k;

    if (krb5_pac_get_types(ctx, pac, &n, &types) != 0)
        return;
    for (i = 0; i < n; i++) {
        krb5_data d;

        if (krb5_pac_get_buffer(ctx, pac, types[i], &d) != 0)
            continue;
        printf("buffer %lu %u:", (unsigned long)types[i], d.length);
        for (k = 0; k < d.length; k++)
            printf("%02x", (unsigned char)d.data[k]);
        printf("\n");
        krb5_free_data_contents(ctx, &d);
    }
    free(types);
}

/* One request as adb_issue_pac makes it; returns 0 or 1 (could not run). */
static int one(krb5_context ctx, const conf_config *cfg, const char *user,
               const uint8_t *bytes, size_t len, const char *profile,
               int dump, int mit_copies)
{
    char client[256];
    kdc_request req;
    kdc_decision d;
    krb5_pac pac = NULL, np = NULL;
    char *line = NULL, *json = NULL;
    int rc = 1;

    snprintf(client, sizeof(client), "%s@%s", user, AD_REALM);
    memset(&req, 0, sizeof(req));
    req.kind = KDC_KIND_CROSS_REALM;
    req.client = client;
    req.client_realm = AD_REALM;
    req.service = SERVICE;
    req.trust_realm = AD_REALM;
    req.profile = profile;
    kdc_decision_init(&d);
    if (krb5_pac_parse(ctx, bytes, len, &pac) != 0 ||
        krb5_pac_init(ctx, &np) != 0)
        goto cleanup;
    req.old_pac = pac;
    /* as adb_issue_pac has them: the bytes of the ticket's PAC element,
     * decoded in place (--mit-copies: through krb5_pac_get_buffer) */
    if (!mit_copies) {
        req.old_pac_data = bytes;
        req.old_pac_len = len;
    }
    if (kdc_decide(ctx, cfg, &req, &d) != ADB_OK)
        goto cleanup;
    line = kdc_log_line(&req, &d);
    json = kdc_audit_json(&req, &d, 0);
    if (line == NULL || json == NULL)
        goto cleanup;
    if (!d.refused && kdc_copy_buffers(ctx, &d, pac, np) != 0)
        goto cleanup;
    if (dump) {
        printf("== %s profile=%s\nlog %s\naudit %s\n", user,
               profile != NULL ? profile : "(default)", line, json);
        dump_pac(ctx, np);
    }
    rc = 0;

cleanup:
    free(line);
    free(json);
    kdc_decision_free(&d);
    krb5_pac_free(ctx, np);
    krb5_pac_free(ctx, pac);
    return rc;
}

int main(int argc, char **argv)
{
    krb5_context ctx = NULL;
    conf_config *cfg = NULL;
    const char *profile = NULL;
    long count = 1, n;
    int dump = 0, mit_copies = 0, i, rc = 0;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
            count = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
            profile = argv[++i];
        else if (strcmp(argv[i], "--dump") == 0)
            dump = 1;
        else if (strcmp(argv[i], "--mit-copies") == 0)
            mit_copies = 1;
        else
            break;
    }
    if (argc - i < 2 || count < 1) {
        fprintf(stderr, "usage: %s [--count N] [--profile rights|groups] "
                "[--dump] [--mit-copies] CONFIG_FILE PAC_FILE...\n", argv[0]);
        return 2;
    }
    if (krb5_init_context(&ctx) != 0 ||
        conf_load(argv[i], &cfg, NULL) != ADB_OK) {
        fprintf(stderr, "bench_decide: cannot load %s\n", argv[i]);
        rc = 1;
        goto cleanup;
    }
    for (i++; i < argc && rc == 0; i++) {
        const char *arg = argv[i], *eq = strchr(arg, '='), *base, *path;
        char user[128];
        uint8_t *bytes = NULL;
        size_t len = 0;

        /* USER=FILE, or .../ad-USER.pac */
        if (eq != NULL) {
            snprintf(user, sizeof(user), "%.*s", (int)(eq - arg), arg);
            path = eq + 1;
        } else {
            base = strrchr(arg, '/');
            base = base != NULL ? base + 1 : arg;
            if (strncmp(base, "ad-", 3) == 0)
                base += 3;
            snprintf(user, sizeof(user), "%.*s", (int)strcspn(base, "."),
                     base);
            path = arg;
        }
        if (bench_read_file(path, 1u << 20, &bytes, &len) != 0) {
            fprintf(stderr, "bench_decide: cannot read %s\n", path);
            rc = 1;
            break;
        }
        for (n = 0; n < count && rc == 0; n++)
            rc = one(ctx, cfg, user, bytes, len, profile, dump && n == 0,
                     mit_copies);
        if (rc != 0)
            fprintf(stderr, "bench_decide: %s: the request could not run\n",
                    path);
        free(bytes);
    }

cleanup:
    conf_free(cfg);
    if (ctx != NULL)
        krb5_free_context(ctx);
    return rc;
}
