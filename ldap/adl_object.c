/* SPDX-License-Identifier: MIT */
/* adl_object.c - security principals by sAMAccountName or by objectSid. */
#include "adl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

const char *adl_object_class_name(adl_object_class cls)
{
    switch (cls) {
    case ADL_CLASS_USER:     return "user";
    case ADL_CLASS_GROUP:    return "group";
    case ADL_CLASS_COMPUTER: return "computer";
    case ADL_CLASS_OTHER:    break;
    }
    return "other";
}

void adl_object_free(adl_object *obj)
{
    if (obj == NULL)
        return;
    adb_arena_free(&obj->arena);
    free(obj);
}

/* objectClass holds the whole chain (top, person, ..., user, computer):
 * computer derives from user, so it wins. */
static adl_object_class classify(const char *const *v, size_t n)
{
    bool user = false, group = false, computer = false;
    size_t i;

    for (i = 0; i < n; i++) {
        user |= strcasecmp(v[i], "user") == 0;
        group |= strcasecmp(v[i], "group") == 0;
        computer |= strcasecmp(v[i], "computer") == 0;
    }
    if (computer)
        return ADL_CLASS_COMPUTER;
    if (group && !user)
        return ADL_CLASS_GROUP;
    if (user && !group)
        return ADL_CLASS_USER;
    return ADL_CLASS_OTHER;
}

static adb_err read_group_type(adl_conn *conn, LDAPMessage *e, adl_object *o,
                               adl_msg *msg)
{
    adb_diag diag = ADB_DIAG_INIT;
    const char *s = NULL;
    char buf[160];
    adb_err ret;

    ret = adl_attr_string(conn, e, "groupType", o->object_class ==
                          ADL_CLASS_GROUP, &o->arena, &s, msg);
    if (ret == ADB_ERR_NOT_FOUND)
        return ADB_OK;
    if (ret)
        return ret;
    if (adl_int32_parse(s, strlen(s), &o->group_type, &diag) ||
        adl_group_type_classify(o->group_type, &o->group, &diag))
        return adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC sent a bad "
                           "groupType for %s: %s", o->dn,
                           adb_diag_format(&diag, buf, sizeof(buf)));
    o->has_group_type = true;
    return ADB_OK;
}

static adb_err fill_object(adl_conn *conn, LDAPMessage *e, adl_object *o,
                           adl_msg *msg)
{
    const char *const *classes = NULL;
    struct berval **vals = NULL;
    adb_diag diag = ADB_DIAG_INIT;
    size_t nclass = 0;
    char buf[160];
    adb_err ret;

    ret = adl_attr_string(conn, e, "distinguishedName", true, &o->arena,
                          &o->dn, msg);
    if (!ret)
        ret = adl_attr_string(conn, e, "sAMAccountName", true, &o->arena,
                              &o->sam_name, msg);
    if (!ret)
        ret = adl_attr_strings(conn, e, "objectClass", &o->arena, &classes,
                               &nclass, msg);
    if (!ret)
        ret = adl_attr_binary(conn, e, "objectSid", &vals, msg);
    if (!ret && adl_sid_decode(vals[0]->bv_val, vals[0]->bv_len, &o->sid,
                               &diag))
        ret = adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC sent a bad "
                          "objectSid for %s: %s", o->dn,
                          adb_diag_format(&diag, buf, sizeof(buf)));
    ldap_value_free_len(vals);
    if (ret)
        return ret;
    o->object_class = classify(classes, nclass);
    return read_group_type(conn, e, o, msg);
}

/* Search @filter under @base (subtree, size limit 2): exactly one entry. */
static adb_err find_one(adl_conn *conn, const char *base, const char *filter,
                        const char *what, adl_object **out, adl_msg *msg)
{
    static const char *const attrs[] = {
        "objectSid", "objectClass", "groupType", "distinguishedName",
        "sAMAccountName", NULL
    };
    LDAPMessage *res = NULL, *e;
    adl_object *o = NULL;
    bool more = false;
    int n;
    adb_err ret;

    ret = adl_search(conn, base, LDAP_SCOPE_SUBTREE, filter, attrs, 2, &res,
                     &more, msg);
    if (ret)
        return ret;
    n = ldap_count_entries(conn->ld, res);
    if (more || n > 1) {
        ret = adl_msg_set(msg, ADB_ERR_AMBIGUOUS, "%s matches more than one "
                          "object under %s", what, base);
        goto cleanup;
    }
    e = n == 1 ? ldap_first_entry(conn->ld, res) : NULL;
    if (e == NULL) {
        ret = adl_msg_set(msg, n < 0 ? ADB_ERR_MALFORMED : ADB_ERR_NOT_FOUND,
                          "%s not found under %s", what, base);
        goto cleanup;
    }
    o = calloc(1, sizeof(*o));
    if (o == NULL) {
        ret = adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    adb_arena_init(&o->arena, 1024);
    ret = fill_object(conn, e, o, msg);
    if (ret)
        goto cleanup;
    *out = o;
    o = NULL;

cleanup:
    adl_object_free(o);
    ldap_msgfree(res);
    return ret;
}

adb_err adl_find_by_name(adl_conn *conn, const char *base, const char *sam,
                         adl_object **out, adl_msg *msg)
{
    char esc[3 * ADL_SAM_BYTES_MAX + 1];
    char filter[sizeof(esc) + 32], what[ADL_SAM_BYTES_MAX + 32], dbuf[160];
    adb_diag diag = ADB_DIAG_INIT;
    adb_err ret;

    adl_msg_clear(msg);
    if (out != NULL)
        *out = NULL;
    if (conn == NULL || base == NULL || sam == NULL || out == NULL)
        return adl_msg_set(msg, ADB_ERR_INVALID, "missing argument");
    if (adl_sam_validate(sam, ADL_ACCOUNT_ANY, &diag))
        return adl_msg_set(msg, diag.status, "bad account name: %s",
                           adb_diag_format(&diag, dbuf, sizeof(dbuf)));
    if (adl_filter_escape(sam, strlen(sam), esc, sizeof(esc), NULL))
        return adl_msg_set(msg, ADB_ERR_LIMIT, "account name too long");
    snprintf(filter, sizeof(filter), "(sAMAccountName=%s)", esc);
    snprintf(what, sizeof(what), "account \"%s\"", sam);
    ret = find_one(conn, base, filter, what, out, msg);
    return ret;
}

adb_err adl_find_by_sid(adl_conn *conn, const char *base, const adb_sid *sid,
                        adl_object **out, adl_msg *msg)
{
    char val[ADL_SID_FILTER_MAX], filter[ADL_SID_FILTER_MAX + 16];
    char what[ADB_SID_STR_MAX + 8], sbuf[ADB_SID_STR_MAX];
    adb_err ret;

    adl_msg_clear(msg);
    if (out != NULL)
        *out = NULL;
    if (conn == NULL || base == NULL || sid == NULL || out == NULL ||
        sid->sub_count > ADB_SID_MAX_SUBAUTH)
        return adl_msg_set(msg, ADB_ERR_INVALID, "missing argument");
    snprintf(filter, sizeof(filter), "(objectSid=%s)",
             adl_sid_filter_value(sid, val));
    snprintf(what, sizeof(what), "SID %s", adb_sid_format(sid, sbuf));
    ret = find_one(conn, base, filter, what, out, msg);
    if (!ret && !adb_sid_equal(&(*out)->sid, sid)) {
        adl_object_free(*out);
        *out = NULL;
        ret = adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC answered the search "
                          "for %s with an object of another SID", what);
    }
    return ret;
}
