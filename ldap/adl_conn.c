/* SPDX-License-Identifier: MIT */
/* adl_conn.c - one connection to a DC: our own TCP connect (bounded by the
 * timeout, to the address the caller chose), libldap on that socket
 * (ldap_init_fd, as SSSD does), TLS for ldaps://, and the two binds. */
#include "adl_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi_krb5.h>
#include <openldap.h>
#include <sasl/sasl.h>

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Check @uri: one ldap:// or ldaps:// URL with a host, nothing else.
 * Fills host, port and tls of @c. */
static adb_err parse_uri(adl_conn *c, const char *uri, adl_msg *msg)
{
    LDAPURLDesc *lud = NULL;
    adb_err ret = ADB_OK;

    if (ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS)
        return adl_msg_set(msg, ADB_ERR_INVALID, "not an LDAP URI: %s", uri);
    if (strcmp(lud->lud_scheme, "ldap") != 0 &&
        strcmp(lud->lud_scheme, "ldaps") != 0) {
        ret = adl_msg_set(msg, ADB_ERR_INVALID, "%s: only ldap:// and "
                          "ldaps:// are supported", uri);
    } else if (lud->lud_host == NULL || lud->lud_host[0] == '\0') {
        ret = adl_msg_set(msg, ADB_ERR_INVALID, "%s: the URI names no host "
                          "(the DC's DNS name is needed for Kerberos and "
                          "TLS)", uri);
    } else if ((lud->lud_dn != NULL && lud->lud_dn[0] != '\0') ||
               lud->lud_attrs != NULL || lud->lud_filter != NULL ||
               lud->lud_exts != NULL) {
        ret = adl_msg_set(msg, ADB_ERR_INVALID, "%s: give only "
                          "scheme://host[:port]", uri);
    } else {
        c->tls = strcmp(lud->lud_scheme, "ldaps") == 0;
        c->port = lud->lud_port != 0 ? lud->lud_port : c->tls ? 636 : 389;
        c->host = strdup(lud->lud_host);
        c->uri = strdup(uri);
        if (c->host == NULL || c->uri == NULL)
            ret = adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
    }
    ldap_free_urldesc(lud);
    return ret;
}

/* Connect one address before @deadline (monotonic ms).  Returns the socket
 * (blocking again) or -1 with errno set (ETIMEDOUT for the deadline). */
static int connect_one(const struct addrinfo *ai, int64_t deadline)
{
    int fd, err = 0, flags;
    socklen_t elen = sizeof(err);

    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                ai->ai_protocol);
    if (fd < 0)
        return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        int n;

        if (errno != EINPROGRESS)
            goto fail;
        do {
            int64_t left = deadline - now_ms();

            if (left <= 0) {
                errno = ETIMEDOUT;
                goto fail;
            }
            n = poll(&p, 1, (int)left);
        } while (n < 0 && errno == EINTR);
        if (n == 0) {
            errno = ETIMEDOUT;
            goto fail;
        }
        if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
            goto fail;
        if (err != 0) {
            errno = err;
            goto fail;
        }
    }
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
        goto fail;
    return fd;

fail:
    err = errno;
    close(fd);
    errno = err;
    return -1;
}

/* TCP connection to @node (numeric if @numeric) port @port within
 * @timeout_ms over all its addresses. */
static adb_err tcp_connect(const char *node, bool numeric, int port,
                           unsigned int timeout_ms, int *fd_out, adl_msg *msg)
{
    struct addrinfo hints, *res = NULL, *ai;
    char service[16];
    int64_t deadline = now_ms() + timeout_ms;
    int rc, fd = -1, last = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (numeric ? AI_NUMERICHOST : 0);
    snprintf(service, sizeof(service), "%d", port);
    rc = getaddrinfo(node, service, &hints, &res);
    if (rc != 0)
        return adl_msg_set(msg, numeric ? ADB_ERR_INVALID : ADB_ERR_UNREACHABLE,
                           "cannot resolve %s: %s", node, gai_strerror(rc));
    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = connect_one(ai, deadline);
        if (fd < 0)
            last = errno;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return adl_msg_set(msg, last == ETIMEDOUT ? ADB_ERR_TIMEOUT
                                                  : ADB_ERR_UNREACHABLE,
                           "cannot connect to %s port %d: %s", node, port,
                           last == ETIMEDOUT ? "no answer within the timeout"
                                             : strerror(last));
    *fd_out = fd;
    return ADB_OK;
}

/* The options every handle gets, before any traffic. */
static adb_err set_options(adl_conn *c, adl_msg *msg)
{
    int version = LDAP_VERSION3;
    struct timeval tv;
    int rc;

    tv.tv_sec = c->timeout_ms / 1000;
    tv.tv_usec = (suseconds_t)(c->timeout_ms % 1000) * 1000;
    rc = ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &version);
    if (rc == LDAP_OPT_SUCCESS)    /* referrals are never chased */
        rc = ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    if (rc == LDAP_OPT_SUCCESS)    /* SPN from the URI's host, no DNS */
        rc = ldap_set_option(c->ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);
    if (rc == LDAP_OPT_SUCCESS)    /* bounds the TLS handshake */
        rc = ldap_set_option(c->ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
    if (rc == LDAP_OPT_SUCCESS)    /* bounds every wait for a reply */
        rc = ldap_set_option(c->ld, LDAP_OPT_TIMEOUT, &tv);
    if (rc != LDAP_OPT_SUCCESS)
        return adl_msg_set(msg, ADB_ERR_LDAP, "cannot set LDAP options");
    return ADB_OK;
}

/* TLS on the connected handle: CA file, certificate and host name
 * verified, TLS 1.2 or later, a context of this handle's own. */
static adb_err start_tls(adl_conn *c, const char *ca_file, adl_msg *msg)
{
    int demand = LDAP_OPT_X_TLS_DEMAND, min = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2;
    int newctx = 0, rc;

    rc = ldap_set_option(c->ld, LDAP_OPT_X_TLS_CACERTFILE, ca_file);
    if (rc == LDAP_OPT_SUCCESS)
        rc = ldap_set_option(c->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
    if (rc == LDAP_OPT_SUCCESS)
        rc = ldap_set_option(c->ld, LDAP_OPT_X_TLS_PROTOCOL_MIN, &min);
    if (rc == LDAP_OPT_SUCCESS)    /* must come last: builds the context */
        rc = ldap_set_option(c->ld, LDAP_OPT_X_TLS_NEWCTX, &newctx);
    if (rc != LDAP_OPT_SUCCESS)
        return adl_msg_set(msg, ADB_ERR_INSECURE, "cannot set up TLS with "
                           "the CA file %s", ca_file);
    rc = ldap_install_tls(c->ld);
    if (rc != LDAP_SUCCESS) {
        adb_err err = adl_ldap_fail(msg, c->ld, rc, "TLS handshake with the "
                                    "DC failed (certificate not trusted by "
                                    "the CA file, or not for this host?)");

        return err == ADB_ERR_TIMEOUT ? err : ADB_ERR_INSECURE;
    }
    return ADB_OK;
}

adb_err adl_connect(const adl_conn_opts *opts, adl_conn **out, adl_msg *msg)
{
    adl_conn *c = NULL;
    int fd = -1, rc;
    adb_err ret;

    adl_msg_clear(msg);
    if (out != NULL)
        *out = NULL;
    if (out == NULL || opts == NULL || opts->uri == NULL)
        return adl_msg_set(msg, ADB_ERR_INVALID, "missing LDAP URI");
    if (opts->timeout_ms > ADL_MAX_TIMEOUT_MS)
        return adl_msg_set(msg, ADB_ERR_INVALID, "timeout of %u ms is more "
                           "than %u ms", opts->timeout_ms, ADL_MAX_TIMEOUT_MS);
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
    c->timeout_ms = opts->timeout_ms ? opts->timeout_ms : ADL_DEFAULT_TIMEOUT_MS;
    ret = parse_uri(c, opts->uri, msg);
    if (ret)
        goto cleanup;
    if (c->tls && (opts->ca_file == NULL || opts->ca_file[0] == '\0')) {
        ret = adl_msg_set(msg, ADB_ERR_INSECURE, "%s: ldaps needs a CA file "
                          "to verify the DC's certificate", c->uri);
        goto cleanup;
    }
    ret = tcp_connect(opts->address != NULL ? opts->address : c->host,
                      opts->address != NULL, c->port, c->timeout_ms, &fd, msg);
    if (ret)
        goto cleanup;
    rc = ldap_init_fd(fd, LDAP_PROTO_TCP, c->uri, &c->ld);
    if (rc != LDAP_SUCCESS) {
        c->ld = NULL;
        close(fd);            /* not attached to a handle */
        ret = adl_ldap_fail(msg, NULL, rc, "cannot create an LDAP handle");
        goto cleanup;
    }
    ret = set_options(c, msg);
    if (!ret && c->tls)
        ret = start_tls(c, opts->ca_file, msg);
    if (ret)
        goto cleanup;
    *out = c;
    c = NULL;

cleanup:
    adl_conn_free(c);
    return ret;
}

void adl_conn_free(adl_conn *conn)
{
    if (conn == NULL)
        return;
    if (conn->ld != NULL)
        ldap_unbind_ext_s(conn->ld, NULL, NULL);
    free(conn->uri);
    free(conn->host);
    free(conn);
}

unsigned int adl_conn_ssf(const adl_conn *conn)
{
    return conn != NULL ? conn->ssf : 0;
}

bool adl_conn_is_tls(const adl_conn *conn)
{
    return conn != NULL && conn->tls;
}

/* SASL prompts: the GSSAPI mechanism may ask for an authorization
 * identity; we give none (act as the authenticated principal). */
static int sasl_interact(LDAP *ld, unsigned int flags, void *defaults,
                         void *in)
{
    sasl_interact_t *it;

    (void)ld;
    (void)flags;
    (void)defaults;
    for (it = in; it->id != SASL_CB_LIST_END; it++) {
        it->result = "";
        it->len = 0;
    }
    return LDAP_SUCCESS;
}

/* A failed bind's result code as ours: what is not the network or the
 * clock is the server or the mechanism refusing us. */
static adb_err bind_status(int rc)
{
    adb_err err = adl_ldap_status(rc);

    if (rc == LDAP_LOCAL_ERROR || rc == LDAP_OTHER || err == ADB_ERR_LDAP)
        err = ADB_ERR_AUTH;
    return err;
}

/* ldap_sasl_interactive_bind_s with GSSAPI taking its TGT from @ccname:
 * MIT's per-thread default ccache name is set around the call. */
static int gssapi_bind(LDAP *ld, const char *ccname)
{
    OM_uint32 major, minor;
    const char *old = NULL;
    char *saved = NULL;
    int rc;

    major = gss_krb5_ccache_name(&minor, ccname, &old);
    if (GSS_ERROR(major))
        return LDAP_LOCAL_ERROR;
    if (old != NULL && (saved = strdup(old)) == NULL) {
        gss_krb5_ccache_name(&minor, NULL, NULL);
        return LDAP_NO_MEMORY;
    }
    rc = ldap_sasl_interactive_bind_s(ld, NULL, "GSSAPI", NULL, NULL,
                                      LDAP_SASL_QUIET, sasl_interact, NULL);
    gss_krb5_ccache_name(&minor, saved, NULL);
    free(saved);
    return rc;
}

adb_err adl_bind_gssapi(adl_conn *conn, const adl_creds *creds, adl_msg *msg)
{
    ber_len_t ssf_min = 1, ssf = 0;
    char what[160];
    int rc;

    adl_msg_clear(msg);
    if (conn == NULL || creds == NULL)
        return adl_msg_set(msg, ADB_ERR_INVALID, "missing connection or "
                           "credentials");
    if (conn->tls)
        return adl_msg_set(msg, ADB_ERR_INSECURE, "%s: SASL/GSSAPI binds are "
                           "made on ldap:// with LDAP signing; AD refuses "
                           "SASL signing inside TLS", conn->uri);
    /* AD demands signing on 389: a bind below SSF 1 must fail in SASL */
    if (ldap_set_option(conn->ld, LDAP_OPT_X_SASL_SSF_MIN, &ssf_min) !=
        LDAP_OPT_SUCCESS)
        return adl_msg_set(msg, ADB_ERR_LDAP, "cannot require LDAP signing");
    rc = gssapi_bind(conn->ld, adl_creds_ccache_name(creds));
    if (rc != LDAP_SUCCESS) {
        snprintf(what, sizeof(what), "SASL/GSSAPI bind to %s as %s failed",
                 conn->uri, adl_creds_principal(creds));
        adl_ldap_fail(msg, conn->ld, rc, what);
        return bind_status(rc);
    }
    /* trust but verify: the negotiated layer must sign */
    if (ldap_get_option(conn->ld, LDAP_OPT_X_SASL_SSF, &ssf) != LDAP_OPT_SUCCESS)
        ssf = 0;
    if (ssf < 1)
        return adl_msg_set(msg, ADB_ERR_INSECURE, "%s: the SASL bind "
                           "negotiated security strength %lu, at least 1 "
                           "(signing) is required", conn->uri,
                           (unsigned long)ssf);
    conn->ssf = ssf > UINT32_MAX ? UINT32_MAX : (unsigned int)ssf;
    conn->bound = true;
    return ADB_OK;
}

adb_err adl_bind_simple(adl_conn *conn, const char *dn, char *password,
                        adl_msg *msg)
{
    struct berval cred;
    char what[160];
    adb_err ret = ADB_OK;
    int rc;

    adl_msg_clear(msg);
    if (conn == NULL || dn == NULL || dn[0] == '\0' || password == NULL) {
        ret = adl_msg_set(msg, ADB_ERR_INVALID, "missing connection, bind "
                          "name or password");
    } else if (!conn->tls || !ldap_tls_inplace(conn->ld)) {
        ret = adl_msg_set(msg, ADB_ERR_INSECURE, "%s: refusing a simple bind "
                          "(password) without TLS; use ldaps:// with a CA "
                          "file, or SASL/GSSAPI", conn->uri);
    } else if (password[0] == '\0') {
        ret = adl_msg_set(msg, ADB_ERR_INVALID, "refusing a simple bind with "
                          "an empty password (an unauthenticated bind)");
    } else {
        cred.bv_val = password;
        cred.bv_len = strlen(password);
        rc = ldap_sasl_bind_s(conn->ld, dn, LDAP_SASL_SIMPLE, &cred, NULL,
                              NULL, NULL);
        if (rc != LDAP_SUCCESS) {
            snprintf(what, sizeof(what), "simple bind to %s as %s failed",
                     conn->uri, dn);
            adl_ldap_fail(msg, conn->ld, rc, what);
            ret = bind_status(rc);
        } else {
            conn->bound = true;
        }
    }
    if (password != NULL)
        explicit_bzero(password, strlen(password));
    return ret;
}
