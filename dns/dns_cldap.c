/* SPDX-License-Identifier: MIT */
/*
 * dns_cldap.c - AD's "LDAP ping" (MS-ADTS 6.3.3): which site is this
 * client in, and which is the DC's?
 *
 * A CLDAP (LDAP over UDP 389) base search of the rootDSE for the Netlogon
 * attribute with the filter (&(DnsDomain=D)(NtVer=\x16\x00\x00\x00)),
 * encoded and decoded with liblber (OpenLDAP); the attribute's value is a
 * NETLOGON_SAM_LOGON_RESPONSE_EX (MS-ADTS 6.3.1.9), read with the bounded
 * reader (core/adb_rd), its RFC 1035-compressed names expanded by c-ares'
 * ares_expand_name with the blob as the "message".  Everything in a reply
 * is untrusted: every length is checked, a reply that does not decode is
 * an error of that DC, never a crash.
 */
#include "dns_int.h"

#include <ares.h>
#include <errno.h>
#include <lber.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "adb_rd.h"

#define CL_TAG_SEARCH_REQ   0x63u  /* [APPLICATION 3] */
#define CL_TAG_SEARCH_ENTRY 0x64u  /* [APPLICATION 4] */
#define CL_TAG_AND          0xa0u  /* filter and [0] */
#define CL_TAG_EQUALITY     0xa3u  /* filter equalityMatch [3] */
#define CL_MAX_REPLY        4096u  /* a NETLOGON reply is a few hundred */
#define CL_MAX_PING         5u     /* DCs pinged at once (MS-DISO batch) */

/* ---- the request --------------------------------------------------- */

adb_err dns_cldap_request(int msgid, const char *domain, uint32_t ntver,
                          uint8_t *buf, size_t size, size_t *len_out)
{
    BerElement *ber = NULL;
    struct berval *bv = NULL;
    char nt[4];
    adb_err ret = ADB_ERR_NOMEM;

    *len_out = 0;
    if (domain == NULL || strlen(domain) > DNS_NAME_MAX)
        return ADB_ERR_INVALID;
    nt[0] = (char)(ntver & 0xff);
    nt[1] = (char)((ntver >> 8) & 0xff);
    nt[2] = (char)((ntver >> 16) & 0xff);
    nt[3] = (char)((ntver >> 24) & 0xff);
    ber = ber_alloc_t(LBER_USE_DER);
    if (ber == NULL)
        goto cleanup;
    /* LDAPMessage { messageID, searchRequest { base "", scope base,
     * derefAliases never, sizeLimit 0, timeLimit 0, typesOnly FALSE,
     * (&(DnsDomain=D)(NtVer=...)), attributes { "Netlogon" } } } */
    if (ber_printf(ber, "{it{seeiibt{t{ss}t{so}}{s}}}", (ber_int_t)msgid,
                   (ber_tag_t)CL_TAG_SEARCH_REQ, "", (ber_int_t)0,
                   (ber_int_t)0, (ber_int_t)0, (ber_int_t)0, (ber_int_t)0,
                   (ber_tag_t)CL_TAG_AND, (ber_tag_t)CL_TAG_EQUALITY,
                   "DnsDomain", domain, (ber_tag_t)CL_TAG_EQUALITY, "NtVer",
                   nt, (ber_len_t)4, "Netlogon") < 0 ||
        ber_flatten(ber, &bv) != 0)
        goto cleanup;
    if (bv->bv_len > size) {
        ret = ADB_ERR_LIMIT;
        goto cleanup;
    }
    memcpy(buf, bv->bv_val, bv->bv_len);
    *len_out = bv->bv_len;
    ret = ADB_OK;

cleanup:
    if (bv != NULL)
        ber_bvfree(bv);
    if (ber != NULL)
        ber_free(ber, 1);
    return ret;
}

/* ---- the reply ----------------------------------------------------- */

adb_err dns_cldap_reply_parse(const uint8_t *msg, size_t len, int msgid,
                              uint8_t *blob, size_t size, size_t *bloblen,
                              char *why, size_t whylen)
{
    struct berval in, dn, type, val;
    BerElement *ber = NULL;
    ber_len_t l;
    ber_int_t id;
    ber_tag_t tag;
    adb_err ret = ADB_ERR_MALFORMED;

    *bloblen = 0;
    why[0] = '\0';
    if (len == 0 || len > CL_MAX_REPLY) {
        snprintf(why, whylen, "reply of %zu bytes", len);
        return len == 0 ? ADB_ERR_MALFORMED : ADB_ERR_LIMIT;
    }
    in.bv_val = (char *)msg;
    in.bv_len = len;
    ber = ber_init(&in);                 /* reads a copy */
    if (ber == NULL)
        return ADB_ERR_NOMEM;
    if (ber_skip_tag(ber, &l) != LBER_SEQUENCE ||
        ber_get_int(ber, &id) != LBER_INTEGER) {
        snprintf(why, whylen, "not an LDAP message");
        goto cleanup;
    }
    if (id != msgid) {
        snprintf(why, whylen, "reply to message %d, not %d", (int)id, msgid);
        goto cleanup;
    }
    tag = ber_skip_tag(ber, &l);
    if (tag != CL_TAG_SEARCH_ENTRY) {
        snprintf(why, whylen, "no search result entry (tag 0x%lx): the DC"
                 " did not answer the ping", (unsigned long)tag);
        ret = ADB_ERR_NOT_FOUND;
        goto cleanup;
    }
    if (ber_get_stringbv(ber, &dn, 0) == LBER_ERROR ||
        ber_skip_tag(ber, &l) != LBER_SEQUENCE) {
        snprintf(why, whylen, "search entry does not decode");
        goto cleanup;
    }
    /* the attributes: { type, SET { value } } each */
    while (ber_peek_tag(ber, &l) == LBER_SEQUENCE) {
        ber_skip_tag(ber, &l);
        if (ber_get_stringbv(ber, &type, 0) == LBER_ERROR ||
            ber_skip_tag(ber, &l) != LBER_SET ||
            ber_get_stringbv(ber, &val, 0) == LBER_ERROR) {
            snprintf(why, whylen, "attribute does not decode");
            goto cleanup;
        }
        if (type.bv_len == 8 && strncasecmp(type.bv_val, "netlogon", 8) == 0) {
            if (val.bv_len > size) {
                snprintf(why, whylen, "Netlogon value of %lu bytes",
                         (unsigned long)val.bv_len);
                ret = ADB_ERR_LIMIT;
                goto cleanup;
            }
            memcpy(blob, val.bv_val, val.bv_len);
            *bloblen = val.bv_len;
            ret = ADB_OK;
            goto cleanup;
        }
        /* more values of another attribute: not asked for, skipped */
        while (ber_peek_tag(ber, &l) == LBER_OCTETSTRING)
            if (ber_get_stringbv(ber, &val, 0) == LBER_ERROR)
                break;
    }
    snprintf(why, whylen, "no Netlogon attribute in the reply");
    ret = ADB_ERR_NOT_FOUND;

cleanup:
    ber_free(ber, 1);
    return ret;
}

/* ---- NETLOGON_SAM_LOGON_RESPONSE_EX -------------------------------- */

/* One compressed name at @rd's cursor into @out (@outsize bytes): the
 * pointers are offsets into the blob @base/@blen (c-ares checks them
 * and their loops).  An empty name is one 0 byte. */
static adb_err nl_name(adb_rd *rd, const uint8_t *base, size_t blen,
                       const char *field, char *out, size_t outsize)
{
    const uint8_t *p;
    char *s = NULL;
    long enclen = 0;
    size_t n;

    if (adb_rd_failed(rd))
        return rd->diag->status;
    if (adb_rd_remaining(rd) == 0)
        return adb_rd_fail(rd, ADB_ERR_TRUNCATED, field, "missing");
    p = rd->base + rd->off;
    if (ares_expand_name(p, base, (int)blen, &s, &enclen) != ARES_SUCCESS)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "compressed name does not expand");
    n = strlen(s);
    if (n >= outsize) {
        ares_free_string(s);
        return adb_rd_fail(rd, ADB_ERR_LIMIT, field,
                           "%zu characters (limit %zu)", n, outsize - 1);
    }
    memcpy(out, s, n + 1);
    ares_free_string(s);
    if (enclen <= 0)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field, "empty encoding");
    return adb_rd_skip(rd, (size_t)enclen, field);
}

adb_err dns_netlogon_parse(const uint8_t *blob, size_t len, uint32_t ntver,
                           dns_netlogon *out, char *why, size_t whylen)
{
    adb_diag diag = ADB_DIAG_INIT;
    adb_rd rd;
    const uint8_t *p = NULL;
    uint16_t op;

    memset(out, 0, sizeof(*out));
    why[0] = '\0';
    if (blob == NULL || len > CL_MAX_REPLY)
        return ADB_ERR_LIMIT;
    adb_rd_init(&rd, blob, len, 0, &diag);
    /* Opcode, Sbz, Flags, DomainGuid (little-endian, as adb_rd reads) */
    if (adb_rd_u16(&rd, "Opcode", &op) != ADB_OK ||
        adb_rd_skip(&rd, 2, "Sbz") != ADB_OK ||
        adb_rd_u32(&rd, "Flags", &out->flags) != ADB_OK ||
        adb_rd_bytes(&rd, sizeof(out->domain_guid), "DomainGuid", &p) != ADB_OK)
        goto fail;
    out->opcode = op;
    memcpy(out->domain_guid, p, sizeof(out->domain_guid));
    if (op != DNS_NETLOGON_OP_RESPONSE_EX && op != DNS_NETLOGON_OP_UNKNOWN_EX) {
        adb_rd_fail(&rd, ADB_ERR_MALFORMED, "opcode",
                    "%u is not a NETLOGON_SAM_LOGON_RESPONSE_EX", op);
        goto fail;
    }
    nl_name(&rd, blob, len, "DnsForestName", out->forest, sizeof(out->forest));
    nl_name(&rd, blob, len, "DnsDomainName", out->domain, sizeof(out->domain));
    nl_name(&rd, blob, len, "DnsHostName", out->dc_host, sizeof(out->dc_host));
    nl_name(&rd, blob, len, "NetbiosDomainName", out->netbios_domain,
            sizeof(out->netbios_domain));
    nl_name(&rd, blob, len, "NetbiosComputerName", out->netbios_host,
            sizeof(out->netbios_host));
    nl_name(&rd, blob, len, "UserName", out->user, sizeof(out->user));
    nl_name(&rd, blob, len, "DcSiteName", out->dc_site, sizeof(out->dc_site));
    nl_name(&rd, blob, len, "ClientSiteName", out->client_site,
            sizeof(out->client_site));
    /* The optional fields are there only when asked for and when the DC
     * has them: Samba 4.17 sends no NextClosestSiteName (its NtVersion 5
     * says so, but NtVersion comes last), so what is left before the
     * fixed 8-byte tail decides. */
    if ((ntver & DNS_NETLOGON_NT_5EX_WITH_IP) && !adb_rd_failed(&rd) &&
        adb_rd_remaining(&rd) > 8) {
        const uint8_t *sz = NULL;

        if (adb_rd_bytes(&rd, 1, "DcSockAddrSize", &sz) == ADB_OK)
            adb_rd_skip(&rd, sz[0], "DcSockAddr");
    }
    if ((ntver & DNS_NETLOGON_NT_WITH_CLOSEST_SITE) && !adb_rd_failed(&rd) &&
        adb_rd_remaining(&rd) > 8)
        nl_name(&rd, blob, len, "NextClosestSiteName", out->next_site,
                sizeof(out->next_site));
    if (adb_rd_u32(&rd, "NtVersion", &out->nt_version) != ADB_OK ||
        adb_rd_skip(&rd, 4, "LmNtToken and Lm20Token") != ADB_OK)
        goto fail;
    if (adb_rd_expect_end(&rd, "end of NETLOGON response") != ADB_OK)
        goto fail;
    return ADB_OK;

fail:
    adb_diag_format(&diag, why, whylen);
    return diag.status != ADB_OK ? diag.status : ADB_ERR_MALFORMED;
}

/* ---- the ping ------------------------------------------------------ */

static int64_t cl_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

adb_err dns_ldap_ping(const struct sockaddr *const *dcs,
                      const socklen_t *dclens, size_t count,
                      const char *domain, unsigned int timeout_ms,
                      dns_netlogon *out, size_t *which, char *why,
                      size_t whylen)
{
    uint8_t req[512], reply[CL_MAX_REPLY], blob[CL_MAX_REPLY];
    int fds[CL_MAX_PING];
    struct pollfd pfd[CL_MAX_PING];
    size_t i, n = count > CL_MAX_PING ? CL_MAX_PING : count, reqlen = 0;
    size_t bloblen, open_n = 0;
    int64_t deadline;
    int msgid = (int)(cl_now_us() & 0x7fff) + 1;
    char one[128] = "";
    adb_err ret;

    why[0] = '\0';
    memset(out, 0, sizeof(*out));
    if (dcs == NULL || dclens == NULL || count == 0 || domain == NULL ||
        which == NULL)
        return ADB_ERR_INVALID;
    ret = dns_cldap_request(msgid, domain, DNS_NETLOGON_NTVER, req,
                            sizeof(req), &reqlen);
    if (ret != ADB_OK)
        return ret;
    for (i = 0; i < n; i++) {
        fds[i] = socket(dcs[i]->sa_family,
                        SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fds[i] >= 0 && (connect(fds[i], dcs[i], dclens[i]) != 0 ||
                            send(fds[i], req, reqlen, 0) != (ssize_t)reqlen)) {
            close(fds[i]);
            fds[i] = -1;
        }
        open_n += fds[i] >= 0;
    }
    ret = ADB_ERR_NOT_FOUND;
    snprintf(why, whylen, "no DC answered the LDAP ping in %u ms",
             timeout_ms);
    deadline = cl_now_us() + (int64_t)timeout_ms * 1000;
    while (open_n > 0) {
        int64_t left = deadline - cl_now_us();
        nfds_t k = 0;
        int rc;

        if (left <= 0)
            break;
        for (i = 0; i < n; i++) {
            pfd[i].fd = fds[i];          /* -1 is ignored by poll() */
            pfd[i].events = POLLIN;
            pfd[i].revents = 0;
            k++;
        }
        rc = poll(pfd, k, (int)((left + 999) / 1000));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            break;
        for (i = 0; i < n; i++) {
            ssize_t r;
            adb_err e;

            if (fds[i] < 0 || pfd[i].revents == 0)
                continue;
            r = recv(fds[i], reply, sizeof(reply), 0);
            if (r < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            close(fds[i]);
            fds[i] = -1;
            open_n--;
            if (r <= 0) {
                snprintf(one, sizeof(one), "%s",
                         r < 0 ? strerror(errno) : "empty reply");
                continue;
            }
            e = dns_cldap_reply_parse(reply, (size_t)r, msgid, blob,
                                      sizeof(blob), &bloblen, one,
                                      sizeof(one));
            if (e == ADB_OK)
                e = dns_netlogon_parse(blob, bloblen, DNS_NETLOGON_NTVER,
                                       out, one, sizeof(one));
            if (e == ADB_OK) {
                *which = i;
                ret = ADB_OK;
                why[0] = '\0';
                goto cleanup;
            }
            ret = e;
            snprintf(why, whylen, "LDAP ping reply: %s", one);
        }
    }
    if (ret == ADB_ERR_NOT_FOUND && one[0] != '\0')
        snprintf(why, whylen, "LDAP ping: %s", one);

cleanup:
    for (i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return ret;
}

/* ---- the site of this client --------------------------------------- */

adb_err dns_site_discover(const char *realm, const dns_options *opts,
                          unsigned int timeout_ms, dns_netlogon *out,
                          char *dc_out, size_t dclen, char *why,
                          size_t whylen)
{
    const struct sockaddr *sa[CL_MAX_PING];
    socklen_t sl[CL_MAX_PING];
    char domain[DNS_NAME_MAX + 1];
    dns_options o;
    dns_result *r = NULL;
    size_t i, n = 0, which = 0;
    adb_err ret;

    why[0] = '\0';
    if (dclen > 0)
        dc_out[0] = '\0';
    memset(out, 0, sizeof(*out));
    if (realm == NULL || opts == NULL || strlen(realm) > DNS_NAME_MAX)
        return ADB_ERR_INVALID;
    for (i = 0; realm[i] != '\0'; i++)
        domain[i] = (char)((realm[i] >= 'A' && realm[i] <= 'Z') ?
                           realm[i] + 32 : realm[i]);
    domain[i] = '\0';
    o = *opts;
    o.site = NULL;                       /* the DCs of the whole domain */
    ret = dns_lookup(realm, DNS_SERVICE_LDAP, SOCK_STREAM, &o, &r);
    if (ret != ADB_OK) {
        snprintf(why, whylen, "no domain controller found (_ldap._tcp.dc."
                 "_msdcs.%.100s)", domain);
        goto cleanup;
    }
    for (i = 0; i < r->endpoint_count && n < CL_MAX_PING; i++) {
        sa[n] = (const struct sockaddr *)&r->endpoints[i].addr;
        sl[n] = r->endpoints[i].addrlen;
        n++;
    }
    ret = dns_ldap_ping(sa, sl, n, domain, timeout_ms, out, &which, why,
                        whylen);
    if (ret == ADB_OK && dclen > 0)
        snprintf(dc_out, dclen, "%s", r->endpoints[which].host);

cleanup:
    dns_result_free(r);
    return ret;
}
