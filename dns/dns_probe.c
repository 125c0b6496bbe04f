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

/* One probe of dns_probe_kdcs(): a non-blocking socket walked through
 * connect (TCP), send, and reading the reply, all slots in one poll(). */
enum { PS_CONNECT, PS_HDR, PS_BODY, PS_UDP, PS_DONE };

typedef struct pr_slot {
    int fd;
    int state;
    int socktype;
    int64_t t0;               /* monotonic µs when the probe started */
    uint8_t hdr[4];
    size_t off, need;         /* TCP: bytes read of the part being read */
    uint8_t *buf;             /* TCP reply body (owned) */
} pr_slot;

/* Send everything of @p..@n on a fresh stream or datagram socket; the
 * request is small (one AS-REQ), a fresh socket buffer takes it whole. */
static bool send_all(int fd, const void *p, size_t n, int flags)
{
    ssize_t r;

    do {
        r = send(fd, p, n, MSG_NOSIGNAL | flags);
    } while (r < 0 && errno == EINTR);
    return r == (ssize_t)n;
}

/* @s ends without an answer: "@what" or "@what: @why". */
static void slot_fail(pr_slot *s, dns_probe_result *res, const char *what,
                      const char *why)
{
    snprintf(res->detail, sizeof(res->detail), "%s%s%s", what,
             why != NULL ? ": " : "", why != NULL ? why : "");
    s->state = PS_DONE;
}

/* A reply of @len bytes at @reply came back for @res. */
static void slot_answer(krb5_context ctx, dns_probe_result *res,
                        const uint8_t *reply, size_t len, int64_t t0)
{
    int64_t t1 = now_us(CLOCK_MONOTONIC);
    krb5_error *kerr = NULL;
    krb5_data d;

    res->answered = true;
    res->rtt_ms = (double)(t1 - t0) / 1000.0;
    d.magic = 0;
    d.length = (unsigned int)len;
    d.data = (char *)reply;
    if (len > 0 && krb5_rd_error(ctx, &d, &kerr) == 0) {
        int64_t ours = now_us(CLOCK_REALTIME) - (t1 - t0) / 2;
        int64_t theirs = (int64_t)kerr->stime * 1000000 + kerr->susec;

        res->have_time = true;
        res->offset_ms = (theirs - ours) / 1000;
        res->krb_error = kerr->error;
        snprintf(res->detail, sizeof(res->detail), "KRB-ERROR %d",
                 (int)kerr->error);
        krb5_free_error(ctx, kerr);
    } else if (res->detail[0] == '\0') {
        snprintf(res->detail, sizeof(res->detail),
                 "a reply that is not a KRB-ERROR (%zu bytes)", len);
    }
}

/* Open @s's socket and send @req (UDP) or start connecting (TCP). */
static void slot_start(pr_slot *s, const dns_probe_target *t,
                       const krb5_data *req, dns_probe_result *res)
{
    s->socktype = t->socktype;
    s->t0 = now_us(CLOCK_MONOTONIC);
    s->fd = socket(t->addr->sa_family,
                   t->socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0) {
        slot_fail(s, res, "socket", strerror(errno));
        return;
    }
    if (connect(s->fd, t->addr, t->addrlen) != 0 && errno != EINPROGRESS) {
        slot_fail(s, res, "connect", strerror(errno));
        return;
    }
    if (t->socktype == SOCK_STREAM) {
        s->state = PS_CONNECT;
        return;
    }
    if (!send_all(s->fd, req->data, req->length, 0)) {
        slot_fail(s, res, "send", strerror(errno));
        return;
    }
    s->state = PS_UDP;
}

/* @s is ready: advance it one step. */
static void slot_step(krb5_context ctx, pr_slot *s, const krb5_data *req,
                      uint8_t *scratch, dns_probe_result *res)
{
    ssize_t r;

    switch (s->state) {
    case PS_CONNECT: {
        uint8_t hdr[4];
        int err = 0;
        socklen_t el = sizeof(err);

        if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 ||
            err != 0) {
            slot_fail(s, res, "connect", strerror(err));
            return;
        }
        hdr[0] = (uint8_t)(req->length >> 24);
        hdr[1] = (uint8_t)(req->length >> 16);
        hdr[2] = (uint8_t)(req->length >> 8);
        hdr[3] = (uint8_t)req->length;
        if (!send_all(s->fd, hdr, 4, MSG_MORE) ||
            !send_all(s->fd, req->data, req->length, 0)) {
            slot_fail(s, res, "send", strerror(errno));
            return;
        }
        s->state = PS_HDR;
        s->off = 0;
        s->need = 4;
        return;
    }
    case PS_HDR:
    case PS_BODY: {
        uint8_t *dst = s->state == PS_HDR ? s->hdr : s->buf;

        r = recv(s->fd, dst + s->off, s->need - s->off, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (r <= 0) {
            slot_fail(s, res, s->state == PS_HDR ?
                      "no answer over TCP (connection closed)" :
                      "reply cut short over TCP", NULL);
            return;
        }
        s->off += (size_t)r;
        if (s->off < s->need)
            return;
        if (s->state == PS_BODY) {
            slot_answer(ctx, res, s->buf, s->need, s->t0);
            s->state = PS_DONE;
            return;
        }
        s->need = ((uint32_t)s->hdr[0] << 24) | ((uint32_t)s->hdr[1] << 16) |
                  ((uint32_t)s->hdr[2] << 8) | s->hdr[3];
        if (s->need == 0 || s->need > DNS_PROBE_MAX_REPLY) {
            snprintf(res->detail, sizeof(res->detail),
                     "reply length %zu out of range", s->need);
            slot_answer(ctx, res, s->hdr, 0, s->t0);   /* it answered */
            s->state = PS_DONE;
            return;
        }
        s->buf = malloc(s->need);
        if (s->buf == NULL) {
            slot_fail(s, res, "out of memory", NULL);
            return;
        }
        s->state = PS_BODY;
        s->off = 0;
        return;
    }
    case PS_UDP:
        r = recv(s->fd, scratch, DNS_PROBE_MAX_REPLY, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (r <= 0) {
            slot_fail(s, res, "recv",
                      r < 0 ? strerror(errno) : "empty datagram");
            return;
        }
        slot_answer(ctx, res, scratch, (size_t)r, s->t0);
        s->state = PS_DONE;
        return;
    default:
        return;
    }
}

/* The request every probe sends: an AS-REQ for adbridge-probe@REALM
 * without pre-authentication, built by libkrb5.  0 or a krb5 error. */
static krb5_error_code build_request(krb5_context ctx, const char *realm,
                                     krb5_data *req_out)
{
    krb5_principal client = NULL;
    krb5_init_creds_context icc = NULL;
    krb5_get_init_creds_opt *opt = NULL;
    krb5_data in = { 0, 0, NULL }, rlm = { 0, 0, NULL };
    unsigned int flags = 0;
    krb5_error_code ret;

    ret = krb5_build_principal(ctx, &client, (unsigned int)strlen(realm),
                               realm, "adbridge-probe", (char *)NULL);
    if (ret == 0)
        ret = krb5_get_init_creds_opt_alloc(ctx, &opt);
    if (ret == 0) {
        krb5_get_init_creds_opt_set_preauth_list(opt, NULL, 0);
        ret = krb5_init_creds_init(ctx, client, NULL, NULL, 0, opt, &icc);
    }
    if (ret == 0)
        ret = krb5_init_creds_step(ctx, icc, &in, req_out, &rlm, &flags);
    if (ret == 0 && req_out->length == 0)
        ret = KRB5_KDC_UNREACH;
    krb5_free_data_contents(ctx, &rlm);
    if (icc != NULL)
        krb5_init_creds_free(ctx, icc);
    if (opt != NULL)
        krb5_get_init_creds_opt_free(ctx, opt);
    krb5_free_principal(ctx, client);
    return ret;
}

adb_err dns_probe_kdcs(krb5_context ctx, const char *realm,
                       const dns_probe_target *targets, size_t count,
                       unsigned int timeout_ms, dns_probe_result *results)
{
    krb5_data req = { 0, 0, NULL };
    pr_slot *slots = NULL;
    struct pollfd *pfd = NULL;
    size_t *idx = NULL, i;
    uint8_t *scratch = NULL;
    int64_t deadline;
    adb_err ret = ADB_ERR_INVALID;

    if (ctx == NULL || realm == NULL || (count > 0 && (targets == NULL ||
        results == NULL)) || count > DNS_PROBE_MAX_TARGETS)
        return ADB_ERR_INVALID;
    for (i = 0; i < count; i++) {
        if (targets[i].addr == NULL ||
            (targets[i].socktype != SOCK_DGRAM &&
             targets[i].socktype != SOCK_STREAM))
            return ADB_ERR_INVALID;
        memset(&results[i], 0, sizeof(results[i]));
        results[i].krb_error = -1;
    }
    if (count == 0)
        return ADB_OK;
    slots = calloc(count, sizeof(*slots));
    pfd = calloc(count, sizeof(*pfd));
    idx = calloc(count, sizeof(*idx));
    scratch = malloc(DNS_PROBE_MAX_REPLY);
    if (slots == NULL || pfd == NULL || idx == NULL || scratch == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < count; i++)
        slots[i].fd = -1;
    if (build_request(ctx, realm, &req) != 0) {
        ret = ADB_ERR_KRB5;
        goto cleanup;
    }
    /* Every probe starts now and all share one deadline: the total time
     * is @timeout_ms however many there are. */
    deadline = now_us(CLOCK_MONOTONIC) + (int64_t)timeout_ms * 1000;
    for (i = 0; i < count; i++)
        slot_start(&slots[i], &targets[i], &req, &results[i]);
    for (;;) {
        int64_t left = deadline - now_us(CLOCK_MONOTONIC);
        nfds_t n = 0;
        int rc;

        for (i = 0; i < count; i++) {
            if (slots[i].state == PS_DONE)
                continue;
            pfd[n].fd = slots[i].fd;
            pfd[n].events = slots[i].state == PS_CONNECT ? POLLOUT : POLLIN;
            pfd[n].revents = 0;
            idx[n++] = i;
        }
        if (n == 0 || left <= 0)
            break;
        rc = poll(pfd, n, (int)((left + 999) / 1000));
        if (rc < 0 && errno != EINTR)
            break;
        for (i = 0; rc > 0 && i < n; i++)
            if (pfd[i].revents != 0)
                slot_step(ctx, &slots[idx[i]], &req, scratch,
                          &results[idx[i]]);
    }
    for (i = 0; i < count; i++) {
        dns_probe_result *res = &results[i];

        if (slots[i].state == PS_CONNECT)
            snprintf(res->detail, sizeof(res->detail),
                     "no TCP connection in %u ms", timeout_ms);
        else if (slots[i].state == PS_HDR)
            snprintf(res->detail, sizeof(res->detail),
                     "no answer over TCP in %u ms", timeout_ms);
        else if (slots[i].state == PS_BODY)
            snprintf(res->detail, sizeof(res->detail),
                     "reply cut short over TCP (%u ms)", timeout_ms);
        else if (slots[i].state == PS_UDP)
            snprintf(res->detail, sizeof(res->detail),
                     "no answer over UDP in %u ms", timeout_ms);
    }
    ret = ADB_OK;

cleanup:
    for (i = 0; slots != NULL && i < count; i++) {
        if (slots[i].fd >= 0)
            close(slots[i].fd);
        free(slots[i].buf);
    }
    krb5_free_data_contents(ctx, &req);
    free(slots);
    free(pfd);
    free(idx);
    free(scratch);
    return ret;
}

adb_err dns_probe_kdc(krb5_context ctx, const char *realm,
                      const struct sockaddr *sa, socklen_t salen,
                      int socktype, unsigned int timeout_ms,
                      dns_probe_result *result_out)
{
    dns_probe_target t;

    if (result_out != NULL)
        memset(result_out, 0, sizeof(*result_out));
    if (sa == NULL || result_out == NULL)
        return ADB_ERR_INVALID;
    t.addr = sa;
    t.addrlen = salen;
    t.socktype = socktype;
    return dns_probe_kdcs(ctx, realm, &t, 1, timeout_ms, result_out);
}
