/* SPDX-License-Identifier: MIT */
/*
 * kdb_copy.c - adb_copy.so, the second baseline of bench/kdc_bench.sh: a
 * KDB module that wraps db2 exactly as adbridge.so does and, for a
 * cross-realm TGS request, copies AD's LOGON_INFO and UPN_DNS_INFO into
 * the new PAC unchanged and adds the fixed auth indicator ADB_COPY_INDICATOR
 * -- and does nothing else (no decoding, filtering, mapping, log line or
 * audit record).
 *
 * Stock MIT 1.20 with db2 drops those buffers from a cross-realm request
 * and adds no indicator, so its tickets are a seventh of the size of
 * adbridge's.  This module issues what adbridge issues for a viewer, so
 * adbridge/adb_copy is the cost of adbridge's decisions alone, and
 * adb_copy/db2 the cost, inside MIT's KDC, of what issue #4 asks every
 * ticket to carry (hashing, signing, encrypting and sending the larger
 * ticket; the indicator's signed AD-CAMMAC).  A benchmark baseline, never
 * installed.
 *
 * Built a second time with ADB_COPY_NO_BUFFERS as adb_ind.so, the third
 * baseline: the fixed indicator only, no AD buffer copied, as adbridge's
 * default rights profile issues: adb_ind/db2 is the cost inside MIT's KDC
 * of carrying rights as auth indicators (MIT signs them in an AD-CAMMAC),
 * the ceiling of adbridge's rights-profile rate, and adbridge/adb_ind the
 * cost of adbridge's decisions for that profile.
 */
#define _GNU_SOURCE 1 /* strdup */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <com_err.h>
#include <kdb.h>

#include "kdc_bridge.h"

#define ADB_COPY_INDICATOR "adbridge-viewer"

#ifndef ADB_KDB_SYSTEM_DIR
#define ADB_KDB_SYSTEM_DIR "/usr/lib/x86_64-linux-gnu/krb5/plugins/kdb"
#endif

__attribute__((visibility("default")))
kdb_vftabl kdb_function_table;

static void *db2_handle;
static kdb_vftabl db2;

static krb5_error_code copy_init_library(void)
{
    if (db2_handle == NULL) {
        com_err("adb_copy", 0, "cannot load %s/db2.so", ADB_KDB_SYSTEM_DIR);
        return KRB5_KDB_DBTYPE_INIT;
    }
    return db2.init_library();
}

static krb5_error_code copy_issue_pac(krb5_context ctx, unsigned int flags,
                                      krb5_db_entry *client,
                                      krb5_keyblock *replaced_reply_key,
                                      krb5_db_entry *server,
                                      krb5_db_entry *signing_krbtgt,
                                      krb5_timestamp authtime,
                                      krb5_pac old_pac, krb5_pac new_pac,
                                      krb5_data ***auth_indicators)
{
    kdc_decision d;
    krb5_data **list = *auth_indicators, **nl, *ind = NULL;
    size_t n = 0;
    krb5_error_code ret;

    (void)client;
    (void)replaced_reply_key;
    (void)server;
    (void)signing_krbtgt;
    (void)authtime;
    if (!(flags & KRB5_KDB_FLAG_CROSS_REALM))
        return KRB5_PLUGIN_OP_NOTSUPP;
    kdc_decision_init(&d);
    d.kind = KDC_KIND_CROSS_REALM;
#ifndef ADB_COPY_NO_BUFFERS
    d.copy_logon_info = true;
    d.copy_upn_dns_info = true;
#endif
    ret = kdc_copy_buffers(ctx, &d, old_pac, new_pac);
    if (ret)
        goto cleanup;
    /* the KDC owns the list and frees each element with krb5_free_data */
    while (list != NULL && list[n] != NULL)
        n++;
    ret = ENOMEM;
    nl = realloc(list, (n + 2) * sizeof(*nl));
    if (nl == NULL)
        goto cleanup;
    *auth_indicators = nl;
    nl[n] = NULL;
    ind = malloc(sizeof(*ind));
    if (ind == NULL)
        goto cleanup;
    ind->magic = KV5M_DATA;
    ind->length = sizeof(ADB_COPY_INDICATOR) - 1;
    ind->data = strdup(ADB_COPY_INDICATOR);
    if (ind->data == NULL)
        goto cleanup;
    nl[n] = ind;
    nl[n + 1] = NULL;
    ind = NULL;
    ret = 0;

cleanup:
    free(ind);
    kdc_decision_free(&d);
    return ret;
}

__attribute__((constructor))
static void copy_load(void)
{
    const kdb_vftabl *vt;

    memset(&kdb_function_table, 0, sizeof(kdb_function_table));
    kdb_function_table.maj_ver = KRB5_KDB_DAL_MAJOR_VERSION;
    kdb_function_table.init_library = copy_init_library;
    db2_handle = dlopen(ADB_KDB_SYSTEM_DIR "/db2.so", RTLD_NOW | RTLD_LOCAL);
    if (db2_handle == NULL)
        return;
    vt = dlsym(db2_handle, "kdb_function_table");
    if (vt == NULL || vt->maj_ver != KRB5_KDB_DAL_MAJOR_VERSION) {
        dlclose(db2_handle);
        db2_handle = NULL;
        return;
    }
    db2 = *vt;
    kdb_function_table = db2;
    kdb_function_table.init_library = copy_init_library;
    kdb_function_table.issue_pac = copy_issue_pac;
}

__attribute__((destructor))
static void copy_unload(void)
{
    if (db2_handle != NULL)
        dlclose(db2_handle);
    db2_handle = NULL;
}
