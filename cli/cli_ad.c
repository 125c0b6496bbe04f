/* SPDX-License-Identifier: MIT */
/* cli_ad.c - a bound LDAP session with a DC of a trust (cli_ad.h). */
#define _GNU_SOURCE 1
#include "cli_ad.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "dns.h"

bool cli_ad_option(int ch, const char *arg, cli_ad_opts *o)
{
    switch (ch) {
    case 0x100: o->user = arg; return true;
    case 0x101: o->password_file = arg; return true;
    case 0x102: o->dc = arg; return true;
    case 0x103: o->dns_server = arg; return true;
    default: return false;
    }
}

void cli_ad_close(cli_ad *ad)
{
    if (ad == NULL)
        return;
    adl_domain_free(ad->dom);
    adl_rootdse_free(ad->root);
    adl_conn_free(ad->conn);
    adl_creds_free(ad->creds);
    memset(ad, 0, sizeof(*ad));
}

/* The first line of @path, the password; wiped by the caller. */
static adb_err read_password(const char *path, char *pw, size_t size,
                             char *why, size_t wsize)
{
    ssize_t n;
    size_t len = 0;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, wsize, "cannot open the password file %s: %s", path,
                 strerror(errno));
        return ADB_ERR_IO;
    }
    while (len + 1 < size) {
        n = read(fd, pw + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    pw[len] = '\0';
    if (len + 1 >= size && strcspn(pw, "\r\n") == len) {
        snprintf(why, wsize, "the password in %s is longer than %zu bytes",
                 path, size - 2);
        return ADB_ERR_LIMIT;
    }
    pw[strcspn(pw, "\r\n")] = '\0';
    if (pw[0] == '\0') {
        snprintf(why, wsize, "the password file %s is empty", path);
        return ADB_ERR_INVALID;
    }
    return ADB_OK;
}

static adb_err get_creds(const conf_trust *t, const cli_ad_opts *o,
                         adl_creds **out, char *why, size_t size)
{
    char pw[1024];
    adl_msg msg;
    adb_err ret;

    msg.text[0] = '\0';
    if (o->user != NULL || o->password_file != NULL) {
        if (o->user == NULL || o->password_file == NULL) {
            snprintf(why, size, "--ad-user and --ad-password-file go"
                     " together");
            return ADB_ERR_INVALID;
        }
        ret = read_password(o->password_file, pw, sizeof(pw), why, size);
        if (ret == ADB_OK)
            ret = adl_creds_from_password(o->user, pw, out, &msg);
        explicit_bzero(pw, sizeof(pw));
        if (ret != ADB_OK && msg.text[0] != '\0')
            snprintf(why, size, "credentials of %s: %s", o->user, msg.text);
        return ret;
    }
    if (t->ldap_principal != NULL) {
        ret = adl_creds_from_keytab(t->ldap_principal, t->ldap_keytab, out,
                                    &msg);
        if (ret != ADB_OK)
            snprintf(why, size, "credentials of ldap_principal %s from %s:"
                     " %s", t->ldap_principal, t->ldap_keytab, msg.text);
        return ret;
    }
    ret = adl_creds_from_ccache(NULL, out, &msg);
    if (ret != ADB_OK)
        snprintf(why, size, "no credentials for AD (give --ad-user and"
                 " --ad-password-file, set ldap_principal and ldap_keytab"
                 " for trust %s, or kinit): %s", t->realm, msg.text);
    return ret;
}

/* Bind on @uri (@address may be NULL) and read the domain into @ad. */
static adb_err try_dc(const conf_trust *t, const cli_ad_opts *o,
                      const char *host, uint16_t port, const char *address,
                      cli_ad *ad, char *why, size_t size)
{
    adl_conn_opts co;
    char uri[300], s1[ADB_SID_STR_MAX], s2[ADB_SID_STR_MAX];
    adl_msg msg;
    adb_err ret;

    if (port == 0 || port == 389)
        snprintf(uri, sizeof(uri), "ldap://%s", host);
    else
        snprintf(uri, sizeof(uri), "ldap://%s:%u", host, (unsigned)port);
    memset(&co, 0, sizeof(co));
    co.uri = uri;
    co.address = address;
    co.timeout_ms = o->timeout_ms;
    ret = adl_connect(&co, &ad->conn, &msg);
    if (ret == ADB_OK)
        ret = adl_bind_gssapi(ad->conn, ad->creds, &msg);
    if (ret == ADB_OK)
        ret = adl_read_rootdse(ad->conn, &ad->root, &msg);
    if (ret == ADB_OK)
        ret = adl_read_domain(ad->conn, ad->root, &ad->dom, &msg);
    if (ret != ADB_OK) {
        snprintf(why, size, "%s%s%s%s: %s", uri, address ? " (" : "",
                 address ? address : "", address ? ")" : "", msg.text);
        goto fail;
    }
    if (!adb_sid_equal(&ad->dom->sid, &t->domain_sid)) {
        snprintf(why, size, "DC %s serves domain %s (%s), not trust %s's"
                 " domain_sid %s", host, ad->dom->dns_name,
                 adb_sid_format(&ad->dom->sid, s1), t->realm,
                 adb_sid_format(&t->domain_sid, s2));
        ret = ADB_ERR_MALFORMED;
        goto fail;
    }
    snprintf(ad->dc, sizeof(ad->dc), "%s", host);
    snprintf(ad->address, sizeof(ad->address), "%s",
             address != NULL ? address : "");
    return ADB_OK;

fail:
    adl_domain_free(ad->dom);
    adl_rootdse_free(ad->root);
    adl_conn_free(ad->conn);
    ad->dom = NULL;
    ad->root = NULL;
    ad->conn = NULL;
    return ret;
}

adb_err cli_ad_open(const conf_config *cfg, const conf_trust *t,
                    const cli_ad_opts *o, cli_ad *ad, char *why, size_t size)
{
    dns_options dopts;
    dns_result *r = NULL;
    char addr[NI_MAXHOST], last[384];
    size_t i;
    adb_err ret;

    memset(ad, 0, sizeof(*ad));
    why[0] = '\0';
    ret = get_creds(t, o, &ad->creds, why, size);
    if (ret != ADB_OK)
        goto cleanup;
    if (o->dc != NULL) {
        ret = try_dc(t, o, o->dc, 389, NULL, ad, why, size);
        goto cleanup;
    }
    dns_options_init(&dopts);
    dopts.dns_servers = o->dns_server != NULL ? o->dns_server
                                              : cfg->dns_servers;
    dopts.site = t->site;
    dopts.state_dir = "";
    ret = dns_lookup(t->realm, DNS_SERVICE_LDAP, SOCK_STREAM, &dopts, &r);
    if (ret != ADB_OK || r == NULL || r->endpoint_count == 0) {
        snprintf(why, size, "no DC of %s found: no LDAP SRV record answers"
                 " (_ldap._tcp.%s); give --ad-dc HOST or --dns-server",
                 t->realm, t->realm);
        if (ret == ADB_OK)
            ret = ADB_ERR_NOT_FOUND;
        goto cleanup;
    }
    last[0] = '\0';
    for (i = 0; i < r->endpoint_count; i++) {
        const dns_endpoint *e = &r->endpoints[i];

        if (getnameinfo((const struct sockaddr *)&e->addr, e->addrlen, addr,
                        sizeof(addr), NULL, 0, NI_NUMERICHOST) != 0)
            continue;
        ret = try_dc(t, o, e->host, e->port, addr, ad, last, sizeof(last));
        if (ret == ADB_OK)
            goto cleanup;
        /* credentials refused or the wrong domain: another DC will not do
         * better */
        if (ret == ADB_ERR_AUTH || ret == ADB_ERR_MALFORMED)
            break;
    }
    snprintf(why, size, "no DC of %s could be used: %s", t->realm, last);
    if (ret == ADB_OK)
        ret = ADB_ERR_UNREACHABLE;

cleanup:
    dns_result_free(r);
    if (ret != ADB_OK)
        cli_ad_close(ad);
    return ret;
}


void cli_ad_check_mapping(const conf_trust *t, cli_ad *ad,
                              const conf_mapping *m, const char *comment,
                              cli_ad_map_state *st)
{
    char stored[CLI_ADN_COMMENT_MAX], sbuf[ADB_SID_STR_MAX], why[512];
    adl_object *obj = NULL;
    cli_adn_kind kind;
    const char *code;
    adl_msg msg;
    adb_err err;

    st->now[0] = '\0';
    st->detail[0] = '\0';
    if (m->kind == CONF_MAP_USER_NAME ||
        !adb_sid_in_domain(&m->sid, &t->domain_sid, NULL)) {
        st->status = "not-checked";
        snprintf(st->detail, sizeof(st->detail), "%s",
                 m->kind == CONF_MAP_USER_NAME ? "a user name, matched"
                 " against the PAC's EffectiveName" : "not an object of the"
                 " trusted domain");
        return;
    }
    err = adl_find_by_sid(ad->conn, ad->dom->nc, &m->sid, &obj, &msg);
    if (err == ADB_ERR_NOT_FOUND) {
        st->status = "deleted";
        snprintf(st->detail, sizeof(st->detail), "no object has SID %s any"
                 " more: the mapping can never match; remove it",
                 adb_sid_format(&m->sid, sbuf));
        return;
    }
    if (err != ADB_OK) {
        st->status = "error";
        snprintf(st->detail, sizeof(st->detail), "%s", msg.text);
        return;
    }
    snprintf(st->now, sizeof(st->now), "%s\\%s", ad->dom->netbios_name,
             obj->sam_name);
    if (cli_adn_judge(t, obj, &kind, &code, why, sizeof(why)) != ADB_OK) {
        st->status = "type-changed";
        snprintf(st->detail, sizeof(st->detail), "%s", why);
    } else if ((kind == CLI_ADN_USER) != (m->kind == CONF_MAP_USER_SID)) {
        st->status = "type-changed";
        snprintf(st->detail, sizeof(st->detail), "%s is now a %s, but the"
                 " mapping is for a %s", obj->sam_name,
                 adl_object_class_name(obj->object_class),
                 m->kind == CONF_MAP_USER_SID ? "user" : "group");
    } else if (cli_adn_comment_name(t, comment, stored) &&
               strcasecmp(stored, obj->sam_name) != 0) {
        st->status = "renamed";
        snprintf(st->detail, sizeof(st->detail), "stored as %s\\%s, now"
                 " named %s (the mapping still matches: it is by SID);"
                 " update the comment", t->netbios_name, stored, st->now);
    } else {
        st->status = "ok";
    }
    adl_object_free(obj);
}
