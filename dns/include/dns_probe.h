/* SPDX-License-Identifier: MIT */
/*
 * dns_probe.h - does a KDC answer, and how far is its clock from ours?
 *
 * One AS-REQ without pre-authentication for a principal that does not
 * exist (adbridge-probe@REALM), built by libkrb5 (krb5_init_creds_step),
 * sent over UDP or TCP with our own socket and deadline.  Any reply counts
 * as an answer; a KRB-ERROR's stime/susec (RFC 4120 5.9.1) gives the KDC's
 * clock, unauthenticated but good enough to tell a clock skew.
 */
#ifndef DNS_PROBE_H
#define DNS_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <krb5.h>

#include "adb_err.h"

#define DNS_PROBE_MAX_REPLY 65536
#define DNS_PROBE_SKEW_LIMIT 300   /* seconds, MIT's and AD's default */
#define DNS_PROBE_MAX_TARGETS 256  /* = DNS_MAX_ENDPOINTS */

/* One KDC address to probe (borrowed). */
typedef struct dns_probe_target {
    const struct sockaddr *addr;  /* AF_INET or AF_INET6, port included */
    socklen_t addrlen;
    int socktype;                 /* SOCK_DGRAM or SOCK_STREAM */
} dns_probe_target;

typedef struct dns_probe_result {
    bool answered;            /* any reply came back in time */
    double rtt_ms;            /* request sent -> reply read */
    bool have_time;           /* the reply was a KRB-ERROR with stime */
    int64_t offset_ms;        /* KDC clock minus ours */
    int32_t krb_error;        /* the KRB-ERROR code, or -1 */
    char detail[128];         /* e.g. "no answer in 1000 ms" */
} dns_probe_result;

/*
 * dns_probe_kdc - probe the KDC of @realm at @sa over @socktype
 * (SOCK_DGRAM or SOCK_STREAM), waiting at most @timeout_ms
 * (dns_probe_kdcs() with one target).
 *
 * @ctx: borrowed krb5 context (only encodes and decodes; never sends).
 * @result_out: zeroed on entry; filled on ADB_OK.  A KDC that does not
 *        answer is ADB_OK with answered = false (and the reason).
 * Returns ADB_OK, ADB_ERR_KRB5 (the request could not be built),
 * ADB_ERR_NOMEM, ADB_ERR_INVALID.
 */
adb_err dns_probe_kdc(krb5_context ctx, const char *realm,
                      const struct sockaddr *sa, socklen_t salen,
                      int socktype, unsigned int timeout_ms,
                      dns_probe_result *result_out);

/*
 * dns_probe_kdcs - probe @count KDC addresses of @realm at once: one
 * request (built once), every socket opened and sent at the start, one
 * poll() over all of them and one deadline, so the whole call takes at
 * most @timeout_ms (plus building the request) however many there are.
 *
 * @targets: borrowed, @count of them (at most DNS_PROBE_MAX_TARGETS).
 * @results: @count results, zeroed and filled on ADB_OK in the order of
 *        @targets; one that did not answer has answered = false and the
 *        reason ("no answer over UDP in 1000 ms", "connect: ...").
 * Returns ADB_OK, ADB_ERR_KRB5 (the request could not be built),
 * ADB_ERR_NOMEM, ADB_ERR_INVALID.
 */
adb_err dns_probe_kdcs(krb5_context ctx, const char *realm,
                       const dns_probe_target *targets, size_t count,
                       unsigned int timeout_ms, dns_probe_result *results);

#endif /* DNS_PROBE_H */
