/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pac.c - libFuzzer harness for the PAC decoder.
 *
 * Feeds arbitrary bytes to pac_decode_blob().  On success it walks every
 * decoded field (so ASan sees any bad pointer) and checks the invariants a
 * caller relies on; any violation aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static krb5_context ctx;

static size_t touch_str(const char *s)
{
    return s == NULL ? 0 : strlen(s);
}

static void walk(const pac_info *info)
{
    char buf[ADB_SID_STR_MAX];
    size_t i, sum = 0;
    const pac_logon_info *li = info->logon_info;

    for (i = 0; i < info->buffer_count; i++)
        sum += info->buffers[i].size;
    for (i = 0; i < info->sid_count; i++)
        sum += strlen(adb_sid_format(&info->sids[i].sid, buf));
    for (i = 0; i < info->device_sid_count; i++)
        sum += strlen(adb_sid_format(&info->device_sids[i].sid, buf));
    if (li != NULL) {
        size_t want = 2 + (size_t)li->group_count + li->extra_sid_count +
                      (li->has_resource_domain_sid ?
                       li->resource_group_count : 0);

        if (info->sid_count != want)
            abort();
        sum += touch_str(li->effective_name) + touch_str(li->full_name) +
               touch_str(li->logon_script) + touch_str(li->profile_path) +
               touch_str(li->home_directory) +
               touch_str(li->home_directory_drive) +
               touch_str(li->logon_server) + touch_str(li->logon_domain);
        if (li->group_count > 0 && li->groups == NULL)
            abort();
        if (li->extra_sid_count > 0 && li->extra_sids == NULL)
            abort();
    } else if (info->sid_count != 0) {
        abort();
    }
    if (info->client_info != NULL)
        sum += touch_str(info->client_info->name);
    if (info->upn_dns_info != NULL)
        sum += touch_str(info->upn_dns_info->upn) +
               touch_str(info->upn_dns_info->dns_domain) +
               touch_str(info->upn_dns_info->sam_name);
    if (info->server_checksum != NULL)
        sum += info->server_checksum->signature[
            info->server_checksum->signature_length - 1];
    /* Keep the compiler from dropping the walk. */
    if (sum == (size_t)-1)
        abort();
}

/* The KDC's path: what MIT's parser accepts decodes in place from the
 * same bytes exactly as through MIT's buffer copies (same status, same
 * diagnostic, same SID list), eagerly and with the GroupIds' entries made
 * on demand (PAC_DECODE_LAZY_GROUPS, read through pac_sid_at). */
static void in_place_as_mit(const uint8_t *data, size_t size,
                            unsigned int flags)
{
    krb5_pac kpac = NULL;
    pac_info *a = NULL, *b = NULL;
    adb_diag da = ADB_DIAG_INIT, db = ADB_DIAG_INIT;
    pac_sid_entry tmp;
    const pac_sid_entry *e;
    adb_err ea, eb;
    size_t i;

    if (krb5_pac_parse(ctx, data, size, &kpac) != 0)
        return;
    ea = pac_decode(ctx, kpac, &a, &da);
    eb = pac_decode_in_place(ctx, kpac, data, size, flags, &b, &db);
    if (ea != eb || (a == NULL) != (b == NULL))
        abort();
    if (ea != ADB_OK &&
        (da.offset != db.offset || strcmp(da.detail, db.detail) != 0))
        abort();
    if (a != NULL) {
        if (a->sid_count != b->sid_count ||
            pac_sid_at(b, b->sid_count, &tmp) != NULL ||
            (b->lazy_group_sids && b->sids != NULL))
            abort();
        for (i = 0; i < a->sid_count; i++) {
            e = pac_sid_at(b, i, &tmp);
            if (e == NULL || !adb_sid_equal(&a->sids[i].sid, &e->sid) ||
                a->sids[i].attributes != e->attributes ||
                a->sids[i].source != e->source ||
                a->sids[i].index != e->index)
                abort();
        }
    }
    pac_info_free(a);
    pac_info_free(b);
    krb5_pac_free(ctx, kpac);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pac_info *info = NULL;
    adb_diag diag = ADB_DIAG_INIT;
    char msg[256];

    if (ctx == NULL && krb5_init_context(&ctx) != 0)
        abort();
    if (pac_decode_blob(ctx, data, size, &info, &diag) == ADB_OK) {
        walk(info);
        pac_info_free(info);
    } else {
        /* A failure must leave no result and a usable message. */
        if (info != NULL || diag.status == ADB_OK)
            abort();
        adb_diag_format(&diag, msg, sizeof(msg));
    }
    in_place_as_mit(data, size, 0);
    in_place_as_mit(data, size, PAC_DECODE_LAZY_GROUPS);
    return 0;
}
