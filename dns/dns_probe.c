/* SPDX-License-Identifier: MIT */
/* dns_probe.c - a KDC liveness and clock probe (dns_probe.h). */
#include "dns_probe.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int64_t now_us(int clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Wait for @ev on @fd until @deadline_us (monotonic); 1 ready, 0 not. */
static int wait_fd(int fd, short ev, int64_t deadline_us)
{
    for (;;) {
        struct pollfd p = { fd, ev, 0 };
        int64_t left = deadline_us - now_us(CLOCK_MONOTONIC);
        int rc;

        if (left <= 0)
            return 0;
        rc = poll(&p, 1, (int)((left + 999) / 1000));
        if (rc < 0 && errno == EINTR)
            continue;
        return rc > 0;
    }
}

/* Read exactly @n bytes from a stream socket. */
static bool read_full(int fd, uint8_t *buf, size_t n, int64_t deadline_us)
{
    size_t off = 0;

    while (off < n) {
        ssize_t r;

        if (!wait_fd(fd, POLLIN, deadline_us))
            return false;
        r = recv(fd, buf + off, n - off, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0)
            return false;
        off += (size_t)r;
    }
    return true;
}

/* Exchange @req for a reply in @buf; the reply's length, or 0 (with
 * @why) when none came. */
static size_t exchange(const struct sockaddr *sa, socklen_t salen,
                       int socktype, const krb5_data *req, uint8_t *buf,
                       unsigned int timeout_ms, char *why, size_t whylen)
{
    int64_t deadline = now_us(CLOCK_MONOTONIC) + (int64_t)timeout_ms * 1000;
    size_t len = 0;
    int fd, err = 0;
    socklen_t el = sizeof(err);

    fd = socket(sa->sa_family, socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(why, whylen, "socket: %s", strerror(errno));
        return 0;
    }
    if (connect(fd, sa, salen) != 0 && errno != EINPROGRESS) {
        snprintf(why, whylen, "connect: %s", strerror(errno));
        goto done;
    }
    if (socktype == SOCK_STREAM) {
        uint8_t hdr[4];
        uint32_t n;

        if (!wait_fd(fd, POLLOUT, deadline)) {
            snprintf(why, whylen, "no TCP connection in %u ms", timeout_ms);
            goto done;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0) {
            snprintf(why, whylen, "connect: %s", strerror(err));
            goto done;
        }
        hdr[0] = (uint8_t)(req->length >> 24);
        hdr[1] = (uint8_t)(req->length >> 16);
        hdr[2] = (uint8_t)(req->length >> 8);
        hdr[3] = (uint8_t)req->length;
        if (send(fd, hdr, 4, MSG_NOSIGNAL) != 4 ||
            send(fd, req->data, req->length, MSG_NOSIGNAL) !=
                (ssize_t)req->length) {
            snprintf(why, whylen, "send: %s", strerror(errno));
            goto done;
        }
        if (!read_full(fd, hdr, 4, deadline)) {
            snprintf(why, whylen, "no answer over TCP in %u ms", timeout_ms);
            goto done;
        }
        n = ((uint32_t)hdr[0] << 24) | ((uint32_t)hdr[1] << 16) |
            ((uint32_t)hdr[2] << 8) | hdr[3];
        if (n == 0 || n > DNS_PROBE_MAX_REPLY) {
            snprintf(why, whylen, "reply length %u out of range", n);
            len = 1;                        /* it answered, however */
            buf[0] = 0;
            goto done;
        }
        if (!read_full(fd, buf, n, deadline)) {
            snprintf(why, whylen, "reply cut short over TCP");
            goto done;
        }
        len = n;
    } else {
        ssize_t r;

        if (send(fd, req->data, req->length, 0) != (ssize_t)req->length) {
            snprintf(why, whylen, "send: %s", strerror(errno));
            goto done;
        }
        for (;;) {
            if (!wait_fd(fd, POLLIN, deadline)) {
                snprintf(why, whylen, "no answer over UDP in %u ms",
                         timeout_ms);
                goto done;
            }
            r = recv(fd, buf, DNS_PROBE_MAX_REPLY, 0);
            if (r < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (r <= 0) {
                snprintf(why, whylen, "recv: %s",
                         r < 0 ? strerror(errno) : "empty datagram");
                goto done;
            }
            len = (size_t)r;
            break;
        }
    }
done:
    close(fd);
    return len;
}

adb_err dns_probe_kdc(krb5_context ctx, const char *realm,
                      const struct sockaddr *sa, socklen_t salen,
                      int socktype, unsigned int timeout_ms,
                      dns_probe_result *result_out)
{
    dns_probe_result res;
    krb5_principal client = NULL;
    krb5_init_creds_context icc = NULL;
    krb5_get_init_creds_opt *opt = NULL;
    krb5_data in = { 0, 0, NULL }, req = { 0, 0, NULL }, rlm = { 0, 0, NULL };
    krb5_error *kerr = NULL;
    unsigned int flags = 0;
    uint8_t *buf = NULL;
    size_t len;
    int64_t t0, t1;
    adb_err ret = ADB_ERR_KRB5;

    if (result_out != NULL)
        memset(result_out, 0, sizeof(*result_out));
    if (ctx == NULL || realm == NULL || sa == NULL || result_out == NULL ||
        (socktype != SOCK_DGRAM && socktype != SOCK_STREAM))
        return ADB_ERR_INVALID;
    memset(&res, 0, sizeof(res));
    res.krb_error = -1;
    buf = malloc(DNS_PROBE_MAX_REPLY);
    if (buf == NULL)
        return ADB_ERR_NOMEM;
    if (krb5_build_principal(ctx, &client, (unsigned int)strlen(realm), realm,
                             "adbridge-probe", (char *)NULL) != 0 ||
        krb5_get_init_creds_opt_alloc(ctx, &opt) != 0)
        goto cleanup;
    krb5_get_init_creds_opt_set_preauth_list(opt, NULL, 0);
    if (krb5_init_creds_init(ctx, client, NULL, NULL, 0, opt, &icc) != 0 ||
        krb5_init_creds_step(ctx, icc, &in, &req, &rlm, &flags) != 0 ||
        req.length == 0)
        goto cleanup;
    t0 = now_us(CLOCK_MONOTONIC);
    len = exchange(sa, salen, socktype, &req, buf, timeout_ms, res.detail,
                   sizeof(res.detail));
    t1 = now_us(CLOCK_MONOTONIC);
    if (len > 0) {
        krb5_data reply;

        res.answered = true;
        res.rtt_ms = (double)(t1 - t0) / 1000.0;
        reply.magic = 0;
        reply.length = (unsigned int)len;
        reply.data = (char *)buf;
        if (krb5_rd_error(ctx, &reply, &kerr) == 0) {
            int64_t ours = now_us(CLOCK_REALTIME) - (t1 - t0) / 2;
            int64_t theirs = (int64_t)kerr->stime * 1000000 + kerr->susec;

            res.have_time = true;
            res.offset_ms = (theirs - ours) / 1000;
            res.krb_error = kerr->error;
            snprintf(res.detail, sizeof(res.detail), "KRB-ERROR %d",
                     (int)kerr->error);
        } else if (res.detail[0] == '\0') {
            snprintf(res.detail, sizeof(res.detail),
                     "a reply that is not a KRB-ERROR (%zu bytes)", len);
        }
    }
    *result_out = res;
    ret = ADB_OK;

cleanup:
    if (kerr != NULL)
        krb5_free_error(ctx, kerr);
    krb5_free_data_contents(ctx, &req);
    krb5_free_data_contents(ctx, &rlm);
    if (icc != NULL)
        krb5_init_creds_free(ctx, icc);
    if (opt != NULL)
        krb5_get_init_creds_opt_free(ctx, opt);
    krb5_free_principal(ctx, client);
    free(buf);
    return ret;
}
