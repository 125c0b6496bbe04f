/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pac_roundtrip.c - libFuzzer harness for the LOGON_INFO encoder.
 *
 * The input is tried both as a bare LOGON_INFO buffer
 * (pac_decode_logon_info) and as a whole PAC (pac_decode_blob).  For every
 * LOGON_INFO our decoder accepts:
 *   - pac_encode_logon_info() must succeed (what we decode we can encode);
 *   - decoding the encoding must give every field back, NULL-ness of
 *     strings and arrays included;
 *   - encoding that again must give the same bytes (the encoding is
 *     canonical: a fixed point after one round).
 * Any violation aborts, which libFuzzer reports as a crash.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static krb5_context ctx;

static bool str_same(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool groups_same(uint32_t n, const pac_group *a, const pac_group *b)
{
    if ((a == NULL) != (b == NULL))
        return false;
    return n == 0 || memcmp(a, b, (size_t)n * sizeof(*a)) == 0;
}

static bool logon_same(const pac_logon_info *a, const pac_logon_info *b)
{
    uint32_t i;

    if (a->logon_time != b->logon_time || a->logoff_time != b->logoff_time ||
        a->kickoff_time != b->kickoff_time ||
        a->password_last_set != b->password_last_set ||
        a->password_can_change != b->password_can_change ||
        a->password_must_change != b->password_must_change ||
        a->logon_count != b->logon_count ||
        a->bad_password_count != b->bad_password_count ||
        a->user_rid != b->user_rid ||
        a->primary_group_rid != b->primary_group_rid ||
        a->group_count != b->group_count || a->user_flags != b->user_flags ||
        memcmp(a->user_session_key, b->user_session_key, 16) != 0 ||
        a->reserved1[0] != b->reserved1[0] ||
        a->reserved1[1] != b->reserved1[1] ||
        a->user_account_control != b->user_account_control ||
        a->sub_auth_status != b->sub_auth_status ||
        a->last_successful_ilogon != b->last_successful_ilogon ||
        a->last_failed_ilogon != b->last_failed_ilogon ||
        a->failed_ilogon_count != b->failed_ilogon_count ||
        a->reserved3 != b->reserved3 ||
        a->extra_sid_count != b->extra_sid_count ||
        a->has_resource_domain_sid != b->has_resource_domain_sid ||
        a->resource_group_count != b->resource_group_count)
        return false;
    if (!str_same(a->effective_name, b->effective_name) ||
        !str_same(a->full_name, b->full_name) ||
        !str_same(a->logon_script, b->logon_script) ||
        !str_same(a->profile_path, b->profile_path) ||
        !str_same(a->home_directory, b->home_directory) ||
        !str_same(a->home_directory_drive, b->home_directory_drive) ||
        !str_same(a->logon_server, b->logon_server) ||
        !str_same(a->logon_domain, b->logon_domain))
        return false;
    if (!adb_sid_equal(&a->domain_sid, &b->domain_sid))
        return false;
    if (a->has_resource_domain_sid &&
        !adb_sid_equal(&a->resource_domain_sid, &b->resource_domain_sid))
        return false;
    if (!groups_same(a->group_count, a->groups, b->groups) ||
        !groups_same(a->resource_group_count, a->resource_groups,
                     b->resource_groups))
        return false;
    if ((a->extra_sids == NULL) != (b->extra_sids == NULL))
        return false;
    for (i = 0; i < a->extra_sid_count; i++)
        if (!adb_sid_equal(&a->extra_sids[i].sid, &b->extra_sids[i].sid) ||
            a->extra_sids[i].attributes != b->extra_sids[i].attributes)
            return false;
    return true;
}

static void roundtrip(const pac_logon_info *li)
{
    uint8_t *enc = NULL, *enc2 = NULL;
    size_t len = 0, len2 = 0;
    pac_logon_info *back = NULL;
    adb_diag diag = ADB_DIAG_INIT;
    adb_arena arena;
    adb_rd rd;

    if (pac_encode_logon_info(li, &enc, &len) != ADB_OK)
        abort();
    adb_arena_init(&arena, 0);
    adb_rd_init(&rd, enc, len, 0, &diag);
    if (pac_decode_logon_info(&rd, &arena, &back) != ADB_OK)
        abort();
    if (!logon_same(li, back))
        abort();
    if (pac_encode_logon_info(back, &enc2, &len2) != ADB_OK)
        abort();
    if (len2 != len || memcmp(enc, enc2, len) != 0)
        abort();
    free(enc2);
    free(enc);
    adb_arena_free(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    adb_diag diag = ADB_DIAG_INIT;
    adb_arena arena;
    adb_rd rd;
    pac_logon_info *li = NULL;
    pac_info *info = NULL;

    if (ctx == NULL && krb5_init_context(&ctx) != 0)
        abort();
    adb_arena_init(&arena, 0);
    adb_rd_init(&rd, data, size, 0, &diag);
    if (pac_decode_logon_info(&rd, &arena, &li) == ADB_OK)
        roundtrip(li);
    adb_arena_free(&arena);
    if (pac_decode_blob(ctx, data, size, &info, NULL) == ADB_OK) {
        if (info->logon_info != NULL)
            roundtrip(info->logon_info);
        pac_info_free(info);
    }
    return 0;
}
