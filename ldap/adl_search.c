/* SPDX-License-Identifier: MIT */
/* adl_search.c - searches and the checked reading of attribute values. */
#include "adl_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>

adb_err adl_search(adl_conn *conn, const char *base, int scope,
                   const char *filter, const char *const *attrs,
                   int sizelimit, LDAPMessage **res_out,
                   bool *size_exceeded_out, adl_msg *msg)
{
    struct timeval tv;
    LDAPMessage *res = NULL;
    char what[96];
    int rc;

    *res_out = NULL;
    *size_exceeded_out = false;
    if (!conn->bound)
        return adl_msg_set(msg, ADB_ERR_INVALID, "search before a bind");
    tv.tv_sec = conn->timeout_ms / 1000;
    tv.tv_usec = (suseconds_t)(conn->timeout_ms % 1000) * 1000;
    if (tv.tv_sec == 0) {        /* the server's time limit is in seconds */
        tv.tv_sec = 1;
        tv.tv_usec = 0;
    }
    /* libldap's prototype lacks const on attrs; it does not write them */
    rc = ldap_search_ext_s(conn->ld, base, scope, filter, (char **)attrs, 0,
                           NULL, NULL, &tv, sizelimit, &res);
    if (rc == LDAP_SIZELIMIT_EXCEEDED && res != NULL) {
        *size_exceeded_out = true;
        rc = LDAP_SUCCESS;
    }
    if (rc != LDAP_SUCCESS) {
        ldap_msgfree(res);
        if (rc == LDAP_REFERRAL)
            return adl_msg_set(msg, ADB_ERR_NOT_FOUND, "%s: the DC answered "
                               "the search under \"%s\" with a referral (not "
                               "followed)", conn->uri, base);
        snprintf(what, sizeof(what), "LDAP search on %s failed", conn->uri);
        return adl_ldap_fail(msg, conn->ld, rc, what);
    }
    if (res == NULL)
        return adl_msg_set(msg, ADB_ERR_MALFORMED, "%s: empty search result",
                           conn->uri);
    *res_out = res;
    return ADB_OK;
}

/* A value that may become a C string: capped, no NUL, UTF-8. */
static adb_err check_string(const struct berval *bv, const char *attr,
                            adl_msg *msg)
{
    const unsigned char *s = (const unsigned char *)bv->bv_val;
    size_t pos = 0, n;
    uint32_t cp;

    if (bv->bv_len > ADL_MAX_STRING)
        return adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC sent a %s value "
                           "of %lu bytes, at most %d accepted", attr,
                           (unsigned long)bv->bv_len, ADL_MAX_STRING);
    if (bv->bv_len > 0 && memchr(s, '\0', bv->bv_len) != NULL)
        return adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC sent a %s value "
                           "with a NUL byte", attr);
    while (pos < bv->bv_len) {
        n = adl_utf8_next(s + pos, bv->bv_len - pos, &cp);
        if (n == 0)
            return adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC sent a %s "
                               "value that is not UTF-8 (byte %zu)", attr,
                               pos);
        pos += n;
    }
    return ADB_OK;
}

static char *arena_str(adb_arena *arena, const struct berval *bv)
{
    char *s = adb_arena_alloc(arena, bv->bv_len + 1);

    if (s != NULL && bv->bv_len > 0)
        memcpy(s, bv->bv_val, bv->bv_len);
    return s;                    /* zeroed memory: NUL-terminated */
}

/* The values of @attr, with the count checked against @max; *vals_out is
 * NULL (and ADB_ERR_NOT_FOUND returned) when the attribute is absent. */
static adb_err get_values(adl_conn *conn, LDAPMessage *entry, const char *attr,
                          int max, struct berval ***vals_out, int *count_out,
                          adl_msg *msg)
{
    struct berval **vals = ldap_get_values_len(conn->ld, entry, attr);
    int n;

    *vals_out = NULL;
    if (vals == NULL)
        return ADB_ERR_NOT_FOUND;
    n = ldap_count_values_len(vals);
    if (n < 1 || n > max) {
        ldap_value_free_len(vals);
        return adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC sent %d values of "
                           "%s, %s%d expected", n, attr,
                           max == 1 ? "" : "1 to ", max);
    }
    *vals_out = vals;
    *count_out = n;
    return ADB_OK;
}

adb_err adl_attr_string(adl_conn *conn, LDAPMessage *entry, const char *attr,
                        bool required, adb_arena *arena, const char **out,
                        adl_msg *msg)
{
    struct berval **vals = NULL;
    const char *s;
    int n = 0;
    adb_err ret;

    ret = get_values(conn, entry, attr, 1, &vals, &n, msg);
    if (ret == ADB_ERR_NOT_FOUND) {
        if (required)
            adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC's reply lacks %s",
                        attr);
        return required ? ADB_ERR_MALFORMED : ADB_ERR_NOT_FOUND;
    }
    if (ret)
        return ret;
    ret = check_string(vals[0], attr, msg);
    if (!ret) {
        s = arena_str(arena, vals[0]);
        if (s == NULL)
            ret = adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
        else
            *out = s;
    }
    ldap_value_free_len(vals);
    return ret;
}

adb_err adl_attr_strings(adl_conn *conn, LDAPMessage *entry, const char *attr,
                         adb_arena *arena, const char *const **out,
                         size_t *count_out, adl_msg *msg)
{
    struct berval **vals = NULL;
    const char **arr;
    int n = 0, i;
    adb_err ret;

    ret = get_values(conn, entry, attr, ADL_MAX_VALUES, &vals, &n, msg);
    if (ret == ADB_ERR_NOT_FOUND) {
        *out = adb_arena_array(arena, 0, sizeof(char *));
        *count_out = 0;
        return *out != NULL ? ADB_OK
                            : adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
    }
    if (ret)
        return ret;
    arr = adb_arena_array(arena, (size_t)n, sizeof(*arr));
    if (arr == NULL)
        ret = adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
    for (i = 0; i < n && !ret; i++) {
        ret = check_string(vals[i], attr, msg);
        if (!ret && (arr[i] = arena_str(arena, vals[i])) == NULL)
            ret = adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
    }
    ldap_value_free_len(vals);
    if (ret)
        return ret;
    *out = arr;
    *count_out = (size_t)n;
    return ADB_OK;
}

adb_err adl_attr_binary(adl_conn *conn, LDAPMessage *entry, const char *attr,
                        struct berval ***vals_out, adl_msg *msg)
{
    struct berval **vals = NULL;
    int n = 0;
    adb_err ret;

    *vals_out = NULL;
    ret = get_values(conn, entry, attr, 1, &vals, &n, msg);
    if (ret == ADB_ERR_NOT_FOUND)
        return adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC's reply lacks %s",
                           attr);
    if (ret)
        return ret;
    if (vals[0]->bv_len > ADL_MAX_STRING) {
        ldap_value_free_len(vals);
        return adl_msg_set(msg, ADB_ERR_MALFORMED, "the DC sent a %s value "
                           "of %lu bytes", attr,
                           (unsigned long)vals[0]->bv_len);
    }
    *vals_out = vals;
    return ADB_OK;
}
