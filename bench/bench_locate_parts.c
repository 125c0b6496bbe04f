/* SPDX-License-Identifier: MIT */
/*
 * bench_locate_parts.c PLUGIN REALM - the parts of a cold KDC location by
 * a locate module in a new process, loaded as libkrb5 loads it
 * (dlopen(RTLD_NOW | RTLD_LOCAL), the service_locator table, init, then a
 * kdc lookup for SOCK_DGRAM and one for SOCK_STREAM as MIT asks them).
 * Prints "DLOPEN_US INIT_US FIRST_US SECOND_US ADDRESSES": the first lookup
 * carries the module's one-time work (for adbridge_locate.so: its
 * configuration, the c-ares channel, the DNS queries, the first-KDC probe),
 * the second what a later call costs.  A benchmark: it asserts nothing;
 * status 1 when the module cannot be used or finds nothing.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>

#include <krb5/krb5.h>
#include <krb5/locate_plugin.h>

static long since_us(struct timespec *t)
{
    struct timespec now;
    long us;

    clock_gettime(CLOCK_MONOTONIC, &now);
    us = (long)((now.tv_sec - t->tv_sec) * 1000000L +
                (now.tv_nsec - t->tv_nsec) / 1000L);
    *t = now;
    return us;
}

static krb5_error_code count_cb(void *data, int socktype, struct sockaddr *sa)
{
    (void)socktype;
    (void)sa;
    (*(int *)data)++;
    return 0;
}

int main(int argc, char **argv)
{
    const krb5plugin_service_locate_ftable *ft = NULL;
    krb5_context ctx = NULL;
    struct timespec t;
    void *handle = NULL, *blob = NULL;
    long us[4];
    int n = 0, rc = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: %s PLUGIN REALM\n", argv[0]);
        return 2;
    }
    if (krb5_init_context(&ctx) != 0) {
        fprintf(stderr, "bench_locate_parts: no krb5 context\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t);
    handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    us[0] = since_us(&t);
    if (handle == NULL) {
        fprintf(stderr, "bench_locate_parts: %s\n", dlerror());
        goto cleanup;
    }
    ft = dlsym(handle, "service_locator");
    if (ft == NULL || ft->init(ctx, &blob) != 0) {
        fprintf(stderr, "bench_locate_parts: %s: no service_locator, or its "
                "init failed\n", argv[1]);
        ft = NULL;
        goto cleanup;
    }
    us[1] = since_us(&t);
    ft->lookup(blob, locate_service_kdc, argv[2], SOCK_DGRAM, AF_UNSPEC,
               count_cb, &n);
    us[2] = since_us(&t);
    ft->lookup(blob, locate_service_kdc, argv[2], SOCK_STREAM, AF_UNSPEC,
               count_cb, &n);
    us[3] = since_us(&t);
    printf("%ld %ld %ld %ld %d\n", us[0], us[1], us[2], us[3], n);
    rc = n > 0 ? 0 : 1;

cleanup:
    if (ft != NULL)
        ft->fini(blob);
    /* the module stays loaded (no dlclose): one shot */
    krb5_free_context(ctx);
    return rc;
}
