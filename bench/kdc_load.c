/* SPDX-License-Identifier: MIT */
/*
 * kdc_load - a TGS-REQ load generator for the KDC benchmarks
 * (bench/kdc_bench.sh).
 *
 *   kdc_load --ccache FILE --service PRINC [--count N | --time S]
 *            [--procs P] [--expect-fail]
 *
 * Copies one TGT out of FILE into a MEMORY ccache of its own: the TGT for
 * the service's realm issued by the client's realm (for an AD user of the
 * test bed, krbtgt/LOCAL.EXAMPLE@AD.EXAMPLE.COM, which carries AD's PAC).
 * Then it asks for a ticket to PRINC, N times in all or for S seconds,
 * with krb5_get_credentials(KRB5_GC_NO_STORE): the service ticket is never
 * stored, the MEMORY ccache only ever holds the TGT, so every iteration
 * sends one TGS-REQ to the KDC (kdc_bench.sh checks this against the
 * KDC's log).  With --procs P, P forked processes share the work (each its
 * own krb5_context and ccache), so that a synchronous client does not leave
 * the KDC idle while it decrypts the reply.
 *
 * Prints one line of key=value fields on stdout:
 *   requests= ok= failed= procs= seconds= rate= p50_us= p90_us= p99_us= max_us=
 *   ticket_bytes=
 * rate = requests / wall-clock seconds of the whole run; the latencies are
 * per request (CLOCK_MONOTONIC around krb5_get_credentials()), over all
 * requests that gave the expected outcome; ticket_bytes is the length of
 * the (encrypted) service ticket received, 0 if none.
 *
 * Exit status: 0 if every request succeeded (with --expect-fail: every
 * request was refused by the KDC), 1 otherwise (the first error is printed
 * on stderr), 2 on usage or setup errors.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <krb5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KL_MAX_PROCS 64

struct kl_opts {
    const char *ccache;
    const char *service;
    uint64_t count;      /* 0: use seconds */
    double seconds;
    unsigned int procs;
    int expect_fail;
};

/* What one worker sends back through its pipe, followed by n_lat doubles. */
struct kl_result {
    uint64_t ok;         /* requests with the expected outcome */
    uint64_t bad;        /* requests with the other outcome */
    uint64_t n_lat;      /* latencies that follow (seconds) */
    uint64_t ticket_len; /* bytes of the last service ticket received */
};

static double
kl_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
kl_usage(void)
{
    fprintf(stderr,
            "usage: kdc_load --ccache FILE --service PRINC "
            "[--count N | --time S] [--procs P] [--expect-fail]\n");
}

static void
kl_krb5_err(krb5_context ctx, krb5_error_code ret, const char *what)
{
    const char *msg = krb5_get_error_message(ctx, ret);

    fprintf(stderr, "kdc_load: %s: %s\n", what, msg);
    krb5_free_error_message(ctx, msg);
}

/* Write all of buf to fd; 0 on success. */
static int
kl_write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Read exactly len bytes; 0 on success. */
static int
kl_read_all(int fd, void *buf, size_t len)
{
    unsigned char *p = buf;

    while (len > 0) {
        ssize_t n = read(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/*
 * Make a MEMORY ccache holding only the TGT krbtgt/SERVICE_REALM@CLIENT_REALM
 * copied from src_name.  On success *mem_out and *client_out are set (the
 * caller destroys / frees them).
 */
static krb5_error_code
kl_setup_ccache(krb5_context ctx, const char *src_name,
                krb5_const_principal server, krb5_ccache *mem_out,
                krb5_principal *client_out)
{
    krb5_error_code ret;
    krb5_ccache src = NULL, mem = NULL;
    krb5_principal client = NULL, tgs = NULL;
    krb5_creds mcreds, tgt;
    int have_tgt = 0;

    *mem_out = NULL;
    *client_out = NULL;
    memset(&mcreds, 0, sizeof(mcreds));
    memset(&tgt, 0, sizeof(tgt));

    ret = krb5_cc_resolve(ctx, src_name, &src);
    if (ret) {
        kl_krb5_err(ctx, ret, src_name);
        goto cleanup;
    }
    ret = krb5_cc_get_principal(ctx, src, &client);
    if (ret) {
        kl_krb5_err(ctx, ret, "reading the ccache's principal");
        goto cleanup;
    }
    ret = krb5_build_principal_ext(ctx, &tgs, client->realm.length,
                                   client->realm.data, KRB5_TGS_NAME_SIZE,
                                   KRB5_TGS_NAME, server->realm.length,
                                   server->realm.data, 0);
    if (ret)
        goto cleanup;
    mcreds.client = client;
    mcreds.server = tgs;
    ret = krb5_cc_retrieve_cred(ctx, src, 0, &mcreds, &tgt);
    if (ret) {
        kl_krb5_err(ctx, ret, "no TGT for the service's realm in the ccache");
        goto cleanup;
    }
    have_tgt = 1;
    ret = krb5_cc_new_unique(ctx, "MEMORY", NULL, &mem);
    if (ret)
        goto cleanup;
    ret = krb5_cc_initialize(ctx, mem, client);
    if (ret)
        goto cleanup;
    ret = krb5_cc_store_cred(ctx, mem, &tgt);
    if (ret)
        goto cleanup;

    *mem_out = mem;
    mem = NULL;
    *client_out = client;
    client = NULL;

cleanup:
    if (ret && ret != KRB5_CC_NOTFOUND && ret != KRB5_FCC_NOFILE)
        kl_krb5_err(ctx, ret, "setting up the MEMORY ccache");
    if (have_tgt)
        krb5_free_cred_contents(ctx, &tgt);
    if (mem != NULL)
        krb5_cc_destroy(ctx, mem);
    if (src != NULL)
        krb5_cc_close(ctx, src);
    krb5_free_principal(ctx, tgs);
    krb5_free_principal(ctx, client);
    return ret;
}

/*
 * One worker: count requests (or until the deadline when count is 0), the
 * result and latencies written to fd.  Returns the process exit status.
 */
static int
kl_worker(const struct kl_opts *o, uint64_t count, double deadline, int fd)
{
    krb5_context ctx = NULL;
    krb5_ccache mem = NULL;
    krb5_principal client = NULL, server = NULL;
    krb5_error_code ret;
    struct kl_result res;
    double *lat = NULL;
    size_t cap = 0;
    int status = 2, reported = 0;

    memset(&res, 0, sizeof(res));
    ret = krb5_init_context(&ctx);
    if (ret) {
        fprintf(stderr, "kdc_load: krb5_init_context failed (%d)\n", (int)ret);
        goto out;
    }
    ret = krb5_parse_name(ctx, o->service, &server);
    if (ret) {
        kl_krb5_err(ctx, ret, o->service);
        goto out;
    }
    if (kl_setup_ccache(ctx, o->ccache, server, &mem, &client) != 0)
        goto out;

    for (uint64_t i = 0; count == 0 || i < count; i++) {
        krb5_creds in, *out = NULL;
        double t0, t1;
        int ok;

        if (count == 0 && kl_now() >= deadline)
            break;
        memset(&in, 0, sizeof(in));
        in.client = client;
        in.server = server;
        t0 = kl_now();
        ret = krb5_get_credentials(ctx, KRB5_GC_NO_STORE, mem, &in, &out);
        t1 = kl_now();
        ok = o->expect_fail ? ret != 0 : ret == 0;
        if (ret == 0) {
            res.ticket_len = out->ticket.length;
            krb5_free_creds(ctx, out);
        }
        if (!ok) {
            res.bad++;
            if (!reported) {
                if (ret)
                    kl_krb5_err(ctx, ret, "TGS request");
                else
                    fprintf(stderr, "kdc_load: TGS request succeeded, "
                            "a refusal was expected\n");
                reported = 1;
            }
            continue;
        }
        res.ok++;
        if (res.n_lat == cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            double *nl = realloc(lat, ncap * sizeof(*nl));

            if (nl == NULL) {
                fprintf(stderr, "kdc_load: out of memory\n");
                goto out;
            }
            lat = nl;
            cap = ncap;
        }
        lat[res.n_lat++] = t1 - t0;
    }

    if (kl_write_all(fd, &res, sizeof(res)) != 0 ||
        (res.n_lat > 0 &&
         kl_write_all(fd, lat, (size_t)res.n_lat * sizeof(*lat)) != 0)) {
        fprintf(stderr, "kdc_load: writing the result: %s\n", strerror(errno));
        goto out;
    }
    status = res.bad ? 1 : 0;

out:
    free(lat);
    if (mem != NULL)
        krb5_cc_destroy(ctx, mem);
    if (ctx != NULL) {
        krb5_free_principal(ctx, client);
        krb5_free_principal(ctx, server);
        krb5_free_context(ctx);
    }
    return status;
}

static int
kl_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Nearest-rank percentile (p in 0..100) of sorted v[n], in microseconds. */
static double
kl_pct_us(const double *v, size_t n, double p)
{
    size_t k;

    if (n == 0)
        return 0.0;
    k = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return v[k - 1] * 1e6;
}

static int
kl_parse_args(int argc, char **argv, struct kl_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->procs = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;

        if (strcmp(a, "--expect-fail") == 0) {
            o->expect_fail = 1;
            continue;
        }
        if (v == NULL)
            return -1;
        i++;
        errno = 0;
        if (strcmp(a, "--ccache") == 0) {
            o->ccache = v;
        } else if (strcmp(a, "--service") == 0) {
            o->service = v;
        } else if (strcmp(a, "--count") == 0) {
            unsigned long long n = strtoull(v, &end, 10);

            if (errno || *end || n == 0 || v[0] == '-')
                return -1;
            o->count = (uint64_t)n;
        } else if (strcmp(a, "--time") == 0) {
            o->seconds = strtod(v, &end);
            if (errno || *end || !(o->seconds > 0.0) || o->seconds > 86400.0)
                return -1;
        } else if (strcmp(a, "--procs") == 0) {
            unsigned long n = strtoul(v, &end, 10);

            if (errno || *end || n == 0 || n > KL_MAX_PROCS || v[0] == '-')
                return -1;
            o->procs = (unsigned int)n;
        } else {
            return -1;
        }
    }
    if (o->ccache == NULL || o->service == NULL)
        return -1;
    if ((o->count == 0) == (o->seconds == 0.0))
        return -1;
    return 0;
}

int
main(int argc, char **argv)
{
    struct kl_opts o;
    pid_t pids[KL_MAX_PROCS];
    int fds[KL_MAX_PROCS];
    unsigned int started = 0;
    uint64_t ok = 0, bad = 0, n_all = 0, ticket_len = 0;
    double *all = NULL, t0, t1, deadline;
    int status = 0;

    if (kl_parse_args(argc, argv, &o) != 0) {
        kl_usage();
        return 2;
    }
    if (o.count != 0 && o.count < o.procs)
        o.procs = (unsigned int)o.count;

    fflush(NULL);
    t0 = kl_now();
    deadline = t0 + o.seconds;
    for (unsigned int w = 0; w < o.procs; w++) {
        uint64_t share = 0;
        int p[2];
        pid_t pid;

        if (o.count != 0)
            share = o.count / o.procs + (w < o.count % o.procs ? 1 : 0);
        if (pipe(p) != 0) {
            fprintf(stderr, "kdc_load: pipe: %s\n", strerror(errno));
            status = 2;
            break;
        }
        pid = fork();
        if (pid < 0) {
            fprintf(stderr, "kdc_load: fork: %s\n", strerror(errno));
            close(p[0]);
            close(p[1]);
            status = 2;
            break;
        }
        if (pid == 0) {
            close(p[0]);
            for (unsigned int k = 0; k < w; k++)
                close(fds[k]);
            _exit(kl_worker(&o, share, deadline, p[1]));
        }
        close(p[1]);
        pids[started] = pid;
        fds[started] = p[0];
        started++;
    }

    /* Collect every worker's result (each writes once, at its end). */
    for (unsigned int w = 0; w < started; w++) {
        struct kl_result r;
        double *grown;

        if (kl_read_all(fds[w], &r, sizeof(r)) != 0) {
            status = 2;
            continue;
        }
        ok += r.ok;
        bad += r.bad;
        if (r.ticket_len > ticket_len)
            ticket_len = r.ticket_len;
        if (r.n_lat == 0)
            continue;
        if (r.n_lat > SIZE_MAX / sizeof(double) - n_all) {
            status = 2;
            continue;
        }
        grown = realloc(all, (size_t)(n_all + r.n_lat) * sizeof(double));
        if (grown == NULL) {
            fprintf(stderr, "kdc_load: out of memory\n");
            status = 2;
            continue;
        }
        all = grown;
        if (kl_read_all(fds[w], all + n_all,
                        (size_t)r.n_lat * sizeof(double)) != 0) {
            status = 2;
            continue;
        }
        n_all += r.n_lat;
    }
    for (unsigned int w = 0; w < started; w++) {
        int ws = 0;

        close(fds[w]);
        if (waitpid(pids[w], &ws, 0) < 0 || !WIFEXITED(ws))
            status = 2;
        else if (WEXITSTATUS(ws) > status)
            status = WEXITSTATUS(ws);
    }
    t1 = kl_now();

    qsort(all, (size_t)n_all, sizeof(double), kl_cmp_double);
    printf("requests=%llu ok=%llu failed=%llu procs=%u seconds=%.3f "
           "rate=%.1f p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f "
           "ticket_bytes=%llu\n",
           (unsigned long long)(ok + bad), (unsigned long long)ok,
           (unsigned long long)bad, o.procs, t1 - t0,
           t1 > t0 ? (double)(ok + bad) / (t1 - t0) : 0.0,
           kl_pct_us(all, (size_t)n_all, 50.0),
           kl_pct_us(all, (size_t)n_all, 90.0),
           kl_pct_us(all, (size_t)n_all, 99.0),
           n_all ? all[n_all - 1] * 1e6 : 0.0,
           (unsigned long long)ticket_len);
    free(all);
    if (status == 0 && (ok == 0 || bad != 0))
        status = 1;
    return status;
}
