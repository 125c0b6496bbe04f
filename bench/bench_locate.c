/* SPDX-License-Identifier: MIT */
/*
 * bench_locate.c REALM - one cold KDC location as libkrb5 does it inside
 * kinit: k5_locate_kdc() (exported by MIT's libkrb5 for its own tools; not
 * a public API, used here only to time it): locate modules first (the
 * adbridge plugin, if installed), then krb5.conf, then MIT's URI/SRV DNS
 * lookup.  Prints the microseconds and the number of servers found.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <krb5/krb5.h>

struct bench_serverlist {      /* MIT's struct serverlist (os-proto.h) */
    void *servers;
    size_t nservers;
};

krb5_error_code k5_locate_kdc(krb5_context, const krb5_data *,
                              struct bench_serverlist *, krb5_boolean,
                              krb5_boolean);

int main(int argc, char **argv)
{
    struct bench_serverlist sl = { NULL, 0 };
    krb5_context ctx;
    krb5_data realm;
    struct timespec a, b;
    krb5_error_code ret;

    if (argc != 2 || krb5_init_context(&ctx) != 0)
        return 2;
    realm.magic = 0;
    realm.data = argv[1];
    realm.length = (unsigned int)strlen(argv[1]);
    clock_gettime(CLOCK_MONOTONIC, &a);
    ret = k5_locate_kdc(ctx, &realm, &sl, FALSE, FALSE);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%ld %zu\n", (long)((b.tv_sec - a.tv_sec) * 1000000L +
                               (b.tv_nsec - a.tv_nsec) / 1000L),
           ret == 0 ? sl.nservers : 0);
    krb5_free_context(ctx);        /* the server list is left: one shot */
    return ret == 0 && sl.nservers > 0 ? 0 : 1;
}
