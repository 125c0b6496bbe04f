/* SPDX-License-Identifier: MIT */
/*
 * adbc_name.c - the rights, principal, realm and SIDs of an accepted GSSAPI
 * initiator name (MIT's name attributes `auth-indicators` and
 * `urn:mspac:logon-info`, only values MIT marks authenticated).
 */
#include "adbc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi_ext.h>

#include "adb_arena.h"
#include "adb_rd.h"
#include "adb_sid.h"
#include "pac.h"

#define ADBC_EXPORT __attribute__((visibility("default")))
/* More values than any ticket carries: a bound on the attribute loops. */
#define ADBC_MAX_VALUES 4096

ADBC_EXPORT void adbc_result_free(adbc_result *res)
{
    size_t i;

    if (res == NULL)
        return;
    for (i = 0; i < res->rights_count; i++)
        free(res->rights[i]);
    for (i = 0; i < res->sids_count; i++)
        free(res->sids[i]);
    free(res->rights);
    free(res->sids);
    free(res->principal);
    free(res->realm);
    free(res->detail);
    memset(res, 0, sizeof(*res));
}

/* Append @s (taken) to the list; -1 (and @s freed) on memory failure. */
static int adbc_push(char ***list, size_t *count, char *s)
{
    char **n = realloc(*list, (*count + 1) * sizeof(**list));

    if (n == NULL) {
        free(s);
        return -1;
    }
    n[(*count)++] = s;
    *list = n;
    return 0;
}

static int adbc_read_indicators(gss_name_t name, const char *prefix,
                                adbc_result *res)
{
    gss_buffer_desc attr = { sizeof("auth-indicators") - 1,
                             (void *)"auth-indicators" };
    OM_uint32 major, minor;
    int authenticated, complete, more = -1, n = 0, ret = 0;

    while (more != 0 && n++ < ADBC_MAX_VALUES) {
        gss_buffer_desc value = GSS_C_EMPTY_BUFFER;
        gss_buffer_desc display = GSS_C_EMPTY_BUFFER;
        char *right = NULL;
        int r;

        authenticated = 0;
        major = gss_get_name_attribute(&minor, name, &attr, &authenticated,
                                       &complete, &value, &display, &more);
        if (major == GSS_S_UNAVAILABLE)   /* no indicators at all */
            break;
        if (GSS_ERROR(major)) {
            res->krb5_code = (long)minor;
            ret = -1;
            break;
        }
        r = authenticated ? adbc_indicator_right(value.value, value.length,
                                                 prefix, &right)
                          : 0;
        gss_release_buffer(&minor, &value);
        gss_release_buffer(&minor, &display);
        if (r < 0 || (r > 0 && adbc_push(&res->rights, &res->rights_count,
                                         right) != 0)) {
            ret = -1;
            break;
        }
    }
    return ret;
}

static int adbc_push_sid(adbc_result *res, const adb_sid *sid)
{
    char buf[ADB_SID_STR_MAX];
    char *s = strdup(adb_sid_format(sid, buf));

    return s == NULL ? -1 : adbc_push(&res->sids, &res->sids_count, s);
}

/* The SIDs of a LOGON_INFO: user, groups, extra SIDs, resource groups. */
static int adbc_logon_sids(const pac_logon_info *li, adbc_result *res)
{
    adb_sid sid;
    uint32_t i;

    if (adb_sid_compose(&li->domain_sid, li->user_rid, &sid) != ADB_OK ||
        adbc_push_sid(res, &sid) != 0)
        return -1;
    for (i = 0; i < li->group_count; i++) {
        if (adb_sid_compose(&li->domain_sid, li->groups[i].rid, &sid) != ADB_OK ||
            adbc_push_sid(res, &sid) != 0)
            return -1;
    }
    for (i = 0; i < li->extra_sid_count; i++) {
        if (adbc_push_sid(res, &li->extra_sids[i].sid) != 0)
            return -1;
    }
    for (i = 0; li->has_resource_domain_sid && i < li->resource_group_count; i++) {
        if (adb_sid_compose(&li->resource_domain_sid, li->resource_groups[i].rid,
                            &sid) != ADB_OK ||
            adbc_push_sid(res, &sid) != 0)
            return -1;
    }
    return 0;
}

/* 0: done (SIDs or none), 1: an authenticated LOGON_INFO that does not
 * decode, -1: GSS or memory failure. */
static int adbc_read_sids(gss_name_t name, adbc_result *res)
{
    gss_buffer_desc attr = { sizeof("urn:mspac:logon-info") - 1,
                             (void *)"urn:mspac:logon-info" };
    gss_buffer_desc value = GSS_C_EMPTY_BUFFER, display = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor;
    int authenticated = 0, complete = 0, more = -1, ret = 0;
    adb_diag diag = ADB_DIAG_INIT;
    pac_logon_info *li = NULL;
    adb_arena arena;
    adb_rd rd;

    adb_arena_init(&arena, 4096);
    major = gss_get_name_attribute(&minor, name, &attr, &authenticated,
                                   &complete, &value, &display, &more);
    if (major == GSS_S_UNAVAILABLE)
        goto cleanup;                 /* no PAC or no LOGON_INFO */
    if (GSS_ERROR(major)) {
        res->krb5_code = (long)minor;
        ret = -1;
        goto cleanup;
    }
    if (!authenticated || value.length == 0)
        goto cleanup;                 /* never trusted */
    adb_rd_init(&rd, value.value, value.length, 0, &diag);
    if (pac_decode_logon_info(&rd, &arena, &li) != ADB_OK) {
        ret = 1;
        goto cleanup;
    }
    if (adbc_logon_sids(li, res) != 0) {
        ret = -1;
        goto cleanup;
    }
    res->has_sids = 1;

cleanup:
    gss_release_buffer(&minor, &value);
    gss_release_buffer(&minor, &display);
    adb_arena_free(&arena);
    return ret;
}

/* principal and realm from the display name (the realm follows the last
 * '@' that is not escaped). */
static int adbc_read_principal(gss_name_t name, adbc_result *res)
{
    gss_buffer_desc disp = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor;
    const char *p, *at = NULL;
    int ret = -1;

    major = gss_display_name(&minor, name, &disp, NULL);
    if (GSS_ERROR(major)) {
        res->krb5_code = (long)minor;
        return -1;
    }
    res->principal = strndup(disp.value, disp.length);
    if (res->principal == NULL)
        goto cleanup;
    for (p = res->principal; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0')
            p++;
        else if (*p == '@')
            at = p;
    }
    res->realm = strdup(at != NULL ? at + 1 : "");
    if (res->realm != NULL)
        ret = 0;

cleanup:
    gss_release_buffer(&minor, &disp);
    return ret;
}

ADBC_EXPORT adbc_outcome adbc_rights_from_name(gss_name_t name,
                                               const char *prefix,
                                               adbc_result *res)
{
    int r;

    res->outcome = ADBC_ERROR;
    if (name == GSS_C_NO_NAME)
        return res->outcome;
    if (adbc_read_principal(name, res) != 0 ||
        adbc_read_indicators(name, prefix, res) != 0)
        return res->outcome;
    r = adbc_read_sids(name, res);
    if (r < 0)
        return res->outcome;
    if (r > 0)
        res->outcome = ADBC_NOT_VERIFIED;
    else
        res->outcome = res->rights_count > 0 ? ADBC_OK : ADBC_NO_RIGHT;
    return res->outcome;
}
