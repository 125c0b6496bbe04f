/* SPDX-License-Identifier: MIT */
/*
 * bench_locate.c REALM - one cold KDC location as libkrb5 does it inside
 * kinit, to the first address a request can be sent to:
 *   1. k5_locate_kdc() (exported by MIT's libkrb5 for its own tools; not a
 *      public API, used here only to time it): locate modules first (the
 *      adbridge plugin, if installed), then krb5.conf, then MIT's URI/SRV
 *      DNS lookup;
 *   2. when the first server of the list is a host name (MIT's own DNS
 *      lookup hands out SRV targets unresolved; a locate module hands out
 *      addresses), its getaddrinfo() exactly as MIT's sendto_kdc.c
 *      resolve_server() does it before the first packet: the entry's
 *      family, the socket type of its transport (UDP first), AI_ADDRCONFIG
 *      | AI_NUMERICSERV.
 * Prints "TOTAL_US LIST_US NSERVERS": the microseconds to the first usable
 * address, those of step 1 alone, and the number of servers found.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <krb5/krb5.h>

/* MIT 1.20's struct server_entry and struct serverlist (os-proto.h). */
struct bench_server_entry {
    char *hostname;              /* NULL: addr is set (a locate module) */
    int port;
    int transport;               /* 0 TCP_OR_UDP, 1 TCP, 2 UDP, 3 HTTPS */
    char *uri_path;
    int family;
    int primary;
    size_t addrlen;
    struct sockaddr_storage addr;
};

struct bench_serverlist {
    struct bench_server_entry *servers;
    size_t nservers;
};

krb5_error_code k5_locate_kdc(krb5_context, const krb5_data *,
                              struct bench_serverlist *, krb5_boolean,
                              krb5_boolean);

static long elapsed_us(const struct timespec *a, const struct timespec *b)
{
    return (long)((b->tv_sec - a->tv_sec) * 1000000L +
                  (b->tv_nsec - a->tv_nsec) / 1000L);
}

/* The first entry's addresses as resolve_server() gets them (0: usable). */
static int first_address(const struct bench_server_entry *e)
{
    struct addrinfo hint, *ai = NULL;
    char port[16];
    int ret;

    if (e->hostname == NULL)
        return e->addrlen > 0 ? 0 : 1;
    memset(&hint, 0, sizeof(hint));
    hint.ai_family = e->family;
    hint.ai_socktype = e->transport == 1 ? SOCK_STREAM : SOCK_DGRAM;
    hint.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
    snprintf(port, sizeof(port), "%d", e->port);
    ret = getaddrinfo(e->hostname, port, &hint, &ai);
    if (ai != NULL)
        freeaddrinfo(ai);
    return ret == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct bench_serverlist sl = { NULL, 0 };
    krb5_context ctx;
    krb5_data realm;
    struct timespec a, b, c;
    krb5_error_code ret;
    int usable = 1;

    if (argc != 2 || krb5_init_context(&ctx) != 0)
        return 2;
    realm.magic = 0;
    realm.data = argv[1];
    realm.length = (unsigned int)strlen(argv[1]);
    clock_gettime(CLOCK_MONOTONIC, &a);
    ret = k5_locate_kdc(ctx, &realm, &sl, FALSE, FALSE);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (ret == 0 && sl.nservers > 0)
        usable = first_address(&sl.servers[0]);
    clock_gettime(CLOCK_MONOTONIC, &c);
    printf("%ld %ld %zu\n", elapsed_us(&a, &c), elapsed_us(&a, &b),
           ret == 0 ? sl.nservers : 0);
    krb5_free_context(ctx);        /* the server list is left: one shot */
    return ret == 0 && sl.nservers > 0 && usable == 0 ? 0 : 1;
}
