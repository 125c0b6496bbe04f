/* SPDX-License-Identifier: MIT */
/* adl_domain.c - the rootDSE and the domain (SID, NetBIOS and DNS name). */
#include "adl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void adl_rootdse_free(adl_rootdse *root)
{
    if (root == NULL)
        return;
    adb_arena_free(&root->arena);
    free(root);
}

void adl_domain_free(adl_domain *dom)
{
    if (dom == NULL)
        return;
    adb_arena_free(&dom->arena);
    free(dom);
}

/* An optional INTEGER attribute (the functionality levels): -1 if absent. */
static adb_err attr_int(adl_conn *conn, LDAPMessage *e, const char *attr,
                        adb_arena *arena, int32_t *out, adl_msg *msg)
{
    adb_diag diag = ADB_DIAG_INIT;
    const char *s = NULL;
    char buf[160];
    adb_err ret;

    ret = adl_attr_string(conn, e, attr, false, arena, &s, msg);
    if (ret == ADB_ERR_NOT_FOUND) {
        *out = -1;
        return ADB_OK;
    }
    if (ret)
        return ret;
    ret = adl_int32_parse(s, strlen(s), out, &diag);
    if (ret)
        return adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC sent a bad %s: %s",
                           attr, adb_diag_format(&diag, buf, sizeof(buf)));
    return ADB_OK;
}

/* currentTime (MS-ADTS 3.1.1.3.2.1), optional. */
static adb_err attr_time(adl_conn *conn, LDAPMessage *e, adl_rootdse *r,
                         adl_msg *msg)
{
    adb_diag diag = ADB_DIAG_INIT;
    const char *s = NULL;
    char buf[160];
    adb_err ret;

    ret = adl_attr_string(conn, e, "currentTime", false, &r->arena, &s, msg);
    if (ret == ADB_ERR_NOT_FOUND)
        return ADB_OK;
    if (ret)
        return ret;
    ret = adl_gentime_parse(s, strlen(s), &r->current_time, &diag);
    if (ret)
        return adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC sent a bad "
                           "currentTime: %s",
                           adb_diag_format(&diag, buf, sizeof(buf)));
    r->has_current_time = true;
    return ADB_OK;
}

static adb_err fill_rootdse(adl_conn *conn, LDAPMessage *e, adl_rootdse *r,
                            adl_msg *msg)
{
    adb_err ret;

    ret = adl_attr_string(conn, e, "defaultNamingContext", true, &r->arena,
                          &r->default_nc, msg);
    if (!ret)
        ret = adl_attr_string(conn, e, "configurationNamingContext", true,
                              &r->arena, &r->config_nc, msg);
    if (!ret)
        ret = adl_attr_string(conn, e, "dnsHostName", true, &r->arena,
                              &r->dns_host_name, msg);
    if (!ret)
        ret = attr_int(conn, e, "domainFunctionality", &r->arena,
                       &r->domain_functionality, msg);
    if (!ret)
        ret = attr_int(conn, e, "forestFunctionality", &r->arena,
                       &r->forest_functionality, msg);
    if (!ret)
        ret = attr_int(conn, e, "domainControllerFunctionality", &r->arena,
                       &r->dc_functionality, msg);
    if (!ret)
        ret = attr_time(conn, e, r, msg);
    if (!ret)
        ret = adl_attr_strings(conn, e, "supportedSASLMechanisms", &r->arena,
                               &r->sasl_mechs, &r->sasl_mech_count, msg);
    return ret;
}

/* The single entry of a base-scope search result. */
static adb_err only_entry(adl_conn *conn, LDAPMessage *res, const char *what,
                          LDAPMessage **entry_out, adl_msg *msg)
{
    int n = ldap_count_entries(conn->ld, res);

    if (n == 0)
        return adl_msg_set(msg, ADB_ERR_NOT_FOUND, "%s: %s not found",
                           conn->uri, what);
    if (n != 1)
        return adl_msg_set(msg, ADB_ERR_MALFORMED, "%s: %d entries for %s",
                           conn->uri, n, what);
    *entry_out = ldap_first_entry(conn->ld, res);
    return *entry_out != NULL ? ADB_OK
                              : adl_msg_set(msg, ADB_ERR_MALFORMED,
                                            "%s: unreadable entry", conn->uri);
}

adb_err adl_read_rootdse(adl_conn *conn, adl_rootdse **out, adl_msg *msg)
{
    static const char *const attrs[] = {
        "defaultNamingContext", "configurationNamingContext", "dnsHostName",
        "domainFunctionality", "forestFunctionality",
        "domainControllerFunctionality", "currentTime",
        "supportedSASLMechanisms", NULL
    };
    adl_rootdse *r = NULL;
    LDAPMessage *res = NULL, *e = NULL;
    bool more = false;
    adb_err ret;

    adl_msg_clear(msg);
    if (out != NULL)
        *out = NULL;
    if (conn == NULL || out == NULL)
        return adl_msg_set(msg, ADB_ERR_INVALID, "missing argument");
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
    adb_arena_init(&r->arena, 2048);
    ret = adl_search(conn, "", LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 1,
                     &res, &more, msg);
    if (!ret)
        ret = only_entry(conn, res, "the rootDSE", &e, msg);
    if (!ret)
        ret = fill_rootdse(conn, e, r, msg);
    if (ret)
        goto cleanup;
    *out = r;
    r = NULL;

cleanup:
    ldap_msgfree(res);
    adl_rootdse_free(r);
    return ret;
}

/* objectSid of the domain NC head. */
static adb_err read_domain_sid(adl_conn *conn, const char *nc, adb_sid *out,
                               adl_msg *msg)
{
    static const char *const attrs[] = { "objectSid", NULL };
    LDAPMessage *res = NULL, *e = NULL;
    struct berval **vals = NULL;
    adb_diag diag = ADB_DIAG_INIT;
    char buf[160];
    bool more = false;
    adb_err ret;

    ret = adl_search(conn, nc, LDAP_SCOPE_BASE, "(objectClass=domain)", attrs,
                     1, &res, &more, msg);
    if (!ret)
        ret = only_entry(conn, res, "the domain object", &e, msg);
    if (!ret)
        ret = adl_attr_binary(conn, e, "objectSid", &vals, msg);
    if (!ret && adl_sid_decode(vals[0]->bv_val, vals[0]->bv_len, out, &diag))
        ret = adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC sent a bad domain "
                          "objectSid: %s",
                          adb_diag_format(&diag, buf, sizeof(buf)));
    ldap_value_free_len(vals);
    ldap_msgfree(res);
    return ret;
}

/* The crossRef of the domain NC: nETBIOSName and dnsRoot. */
static adb_err read_crossref(adl_conn *conn, const adl_rootdse *root,
                             adl_domain *d, adl_msg *msg)
{
    static const char *const attrs[] = { "nETBIOSName", "dnsRoot", NULL };
    char esc[ADL_MAX_STRING * 3 + 1], *base = NULL, *filter = NULL;
    LDAPMessage *res = NULL, *e = NULL;
    bool more = false;
    size_t blen;
    int n;
    adb_err ret;

    ret = adl_filter_escape(root->default_nc, strlen(root->default_nc), esc,
                            sizeof(esc), NULL);
    if (ret)
        return adl_msg_set(msg, ADB_ERR_MALFORMED, "domain NC too long");
    blen = strlen(root->config_nc) + sizeof("CN=Partitions,");
    base = adb_arena_alloc(&d->arena, blen);
    filter = adb_arena_alloc(&d->arena, strlen(esc) + 64);
    if (base == NULL || filter == NULL)
        return adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
    snprintf(base, blen, "CN=Partitions,%s", root->config_nc);
    snprintf(filter, strlen(esc) + 64,
             "(&(objectClass=crossRef)(nCName=%s)(nETBIOSName=*))", esc);
    ret = adl_search(conn, base, LDAP_SCOPE_ONELEVEL, filter, attrs, 2, &res,
                     &more, msg);
    if (ret)
        return ret;
    n = ldap_count_entries(conn->ld, res);
    if (more || n > 1)
        ret = adl_msg_set(msg, ADB_ERR_AMBIGUOUS, "%s: several crossRefs "
                          "name the domain %s", conn->uri, root->default_nc);
    else if (n < 1 || (e = ldap_first_entry(conn->ld, res)) == NULL)
        ret = adl_msg_set(msg, ADB_ERR_NOT_FOUND, "%s: no crossRef with a "
                          "NetBIOS name for %s under %s", conn->uri,
                          root->default_nc, base);
    if (!ret)
        ret = adl_attr_string(conn, e, "nETBIOSName", true, &d->arena,
                              &d->netbios_name, msg);
    if (!ret)
        ret = adl_attr_string(conn, e, "dnsRoot", true, &d->arena,
                              &d->dns_name, msg);
    ldap_msgfree(res);
    return ret;
}

adb_err adl_read_domain(adl_conn *conn, const adl_rootdse *root,
                        adl_domain **out, adl_msg *msg)
{
    adl_domain *d = NULL;
    char *nc;
    adb_err ret;

    adl_msg_clear(msg);
    if (out != NULL)
        *out = NULL;
    if (conn == NULL || root == NULL || root->default_nc == NULL ||
        root->config_nc == NULL || out == NULL)
        return adl_msg_set(msg, ADB_ERR_INVALID, "missing argument");
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        return adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
    adb_arena_init(&d->arena, 1024);
    nc = adb_arena_alloc(&d->arena, strlen(root->default_nc) + 1);
    if (nc == NULL) {
        ret = adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    memcpy(nc, root->default_nc, strlen(root->default_nc));
    d->nc = nc;
    ret = read_domain_sid(conn, d->nc, &d->sid, msg);
    if (!ret)
        ret = read_crossref(conn, root, d, msg);
    if (ret)
        goto cleanup;
    *out = d;
    d = NULL;

cleanup:
    adl_domain_free(d);
    return ret;
}
