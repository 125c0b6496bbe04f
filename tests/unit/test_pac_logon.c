/* SPDX-License-Identifier: MIT */
/* test_pac_logon.c - LOGON_INFO (KERB_VALIDATION_INFO) decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pac.h"
#include "pac_build.h"

#define DOMSID "S-1-5-21-3623811015-3361044348-30300820"

/* Decode @b as LOGON_INFO; on failure check that nothing was returned. */
static adb_err decode(const tb *b, adb_arena *arena, pac_logon_info **li,
                      adb_diag *d)
{
    adb_rd rd;
    adb_err ret;

    *d = (adb_diag)ADB_DIAG_INIT;
    *li = NULL;
    adb_rd_init(&rd, b->p, b->len, 0, d);
    ret = pac_decode_logon_info(&rd, arena, li);
    if (ret != ADB_OK) {
        assert_null(*li);
        assert_int_equal(d->status, ret);
        assert_non_null(d->field);
    }
    return ret;
}

/* Build the example, apply @patch, expect @want naming @field. */
static void expect_error(const tb_logon *desc,
                         void (*patch)(tb *, const tb_logon_map *),
                         adb_err want, const char *field)
{
    tb b = { 0 };
    tb_logon_map m;
    adb_arena arena;
    adb_diag d;
    pac_logon_info *li;

    adb_arena_init(&arena, 0);
    tb_logon_info(&b, desc, &m);
    if (patch)
        patch(&b, &m);
    assert_int_equal(decode(&b, &arena, &li, &d), want);
    assert_string_equal(d.field, field);
    adb_arena_free(&arena);
    tb_free(&b);
}

static void valid_example_all_fields(void **state)
{
    tb_logon desc = tb_logon_example();
    tb b = { 0 };
    tb_logon_map m;
    adb_arena arena;
    adb_diag d;
    pac_logon_info *li;
    char sid[ADB_SID_STR_MAX];

    (void)state;
    adb_arena_init(&arena, 0);
    tb_logon_info(&b, &desc, &m);
    assert_int_equal(decode(&b, &arena, &li, &d), ADB_OK);
    assert_string_equal(li->effective_name, "alice");
    assert_string_equal(li->full_name, "Alice Example");
    assert_string_equal(li->logon_script, "");
    assert_string_equal(li->home_directory_drive, "");
    assert_string_equal(li->logon_server, "DC1");
    assert_string_equal(li->logon_domain, "ADEX");
    assert_string_equal(adb_sid_format(&li->domain_sid, sid), DOMSID);
    assert_int_equal(li->user_rid, 1103);
    assert_int_equal(li->primary_group_rid, 513);
    assert_int_equal(li->logon_count, 3);
    assert_int_equal(li->user_flags, PAC_USER_FLAG_EXTRA_SIDS);
    assert_int_equal(li->user_account_control, 0x210);
    assert_true(li->logon_time == 0x01D9000000000000ULL);
    assert_true(li->password_must_change == 0x01D9000000000005ULL);
    assert_int_equal(li->group_count, 5);
    assert_int_equal(li->groups[1].rid, 1106);
    assert_int_equal(li->groups[4].attributes, 7);
    assert_int_equal(li->extra_sid_count, 1);
    assert_string_equal(adb_sid_format(&li->extra_sids[0].sid, sid),
                        "S-1-18-1");
    assert_false(li->has_resource_domain_sid);
    assert_int_equal(li->resource_group_count, 0);
    adb_arena_free(&arena);
    tb_free(&b);
}

static void null_strings_and_empty_arrays(void **state)
{
    tb_logon desc = tb_logon_example();
    static const pac_group none[1] = { { 0, 0 } };
    tb b = { 0 };
    tb_logon_map m;
    adb_arena arena;
    adb_diag d;
    pac_logon_info *li;

    (void)state;
    desc.full_name = NULL;
    desc.logon_server = NULL;
    desc.group_count = 0;
    desc.groups = NULL;             /* count 0, NULL pointer */
    desc.extra_count = 0;
    desc.extra_sids = NULL;
    desc.user_flags = 0;
    adb_arena_init(&arena, 0);
    tb_logon_info(&b, &desc, &m);
    assert_int_equal(decode(&b, &arena, &li, &d), ADB_OK);
    assert_null(li->full_name);
    assert_null(li->logon_server);
    assert_string_equal(li->effective_name, "alice");
    assert_int_equal(li->group_count, 0);
    assert_int_equal(li->extra_sid_count, 0);
    tb_free(&b);

    /* count 0 with a non-NULL pointer and MaxCount 0 is valid too. */
    desc.groups = none;
    tb_logon_info(&b, &desc, &m);
    assert_int_equal(decode(&b, &arena, &li, &d), ADB_OK);
    assert_int_equal(li->group_count, 0);
    adb_arena_free(&arena);
    tb_free(&b);
}

static void resource_groups(void **state)
{
    static const pac_group res[] = { { 572, 0x20000007 }, { 1200, 0x20000007 } };
    tb_logon desc = tb_logon_example();
    tb b = { 0 };
    tb_logon_map m;
    adb_arena arena;
    adb_diag d;
    pac_logon_info *li;
    char sid[ADB_SID_STR_MAX];

    (void)state;
    desc.user_flags |= PAC_USER_FLAG_RESOURCE_GROUPS;
    desc.resource_domain_sid = "S-1-5-21-1-2-3";
    desc.resource_count = 2;
    desc.resource_groups = res;
    adb_arena_init(&arena, 0);
    tb_logon_info(&b, &desc, &m);
    assert_int_equal(decode(&b, &arena, &li, &d), ADB_OK);
    assert_true(li->has_resource_domain_sid);
    assert_string_equal(adb_sid_format(&li->resource_domain_sid, sid),
                        "S-1-5-21-1-2-3");
    assert_int_equal(li->resource_group_count, 2);
    assert_int_equal(li->resource_groups[1].rid, 1200);
    assert_int_equal(li->resource_groups[0].attributes, 0x20000007);
    adb_arena_free(&arena);
    tb_free(&b);

    /* Resource groups without the 0x200 flag: refused, not guessed. */
    desc.user_flags = PAC_USER_FLAG_EXTRA_SIDS;
    expect_error(&desc, NULL, ADB_ERR_MALFORMED, "UserFlags");
    /* ... and without a resource domain SID. */
    desc.user_flags |= PAC_USER_FLAG_RESOURCE_GROUPS;
    desc.resource_domain_sid = NULL;
    expect_error(&desc, NULL, ADB_ERR_MALFORMED, "ResourceGroupDomainSid");
}

static pac_group *many_groups(uint32_t n)
{
    pac_group *g = calloc(n ? n : 1, sizeof(*g));
    uint32_t i;

    assert_non_null(g);
    for (i = 0; i < n; i++) {
        g[i].rid = 1000 + i;
        g[i].attributes = 7;
    }
    return g;
}

static void maximal_arrays(void **state)
{
    tb_logon desc = tb_logon_example();
    pac_group *g = many_groups(PAC_MAX_GROUPS + 1);
    tb b = { 0 };
    tb_logon_map m;
    adb_arena arena;
    adb_diag d;
    pac_logon_info *li;

    (void)state;
    desc.groups = g;
    desc.group_count = PAC_MAX_GROUPS;
    adb_arena_init(&arena, 0);
    tb_logon_info(&b, &desc, &m);
    assert_int_equal(decode(&b, &arena, &li, &d), ADB_OK);
    assert_int_equal(li->group_count, PAC_MAX_GROUPS);
    assert_int_equal(li->groups[PAC_MAX_GROUPS - 1].rid,
                     1000 + PAC_MAX_GROUPS - 1);
    adb_arena_free(&arena);
    tb_free(&b);
    desc.group_count = PAC_MAX_GROUPS + 1;
    expect_error(&desc, NULL, ADB_ERR_LIMIT, "GroupCount");
    free(g);
}

static void patch_group_count_huge(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->group_count, 0xFFFFFFFF);
    tb_put_u32(b, m->groups_maxcount, 0xFFFFFFFF);
}

static void patch_group_count_more_than_data(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->group_count, 5000);
    tb_put_u32(b, m->groups_maxcount, 5000);
}

static void patch_group_maxcount(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->groups_maxcount, 6);
}

static void patch_extra_count(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->extra_count, 2);
}

static void oversized_counts(void **state)
{
    tb_logon desc = tb_logon_example();

    (void)state;
    expect_error(&desc, patch_group_count_huge, ADB_ERR_LIMIT, "GroupCount");
    expect_error(&desc, patch_group_count_more_than_data, ADB_ERR_TRUNCATED,
                 "GroupIds");
    expect_error(&desc, patch_group_maxcount, ADB_ERR_MALFORMED, "GroupIds");
    expect_error(&desc, patch_extra_count, ADB_ERR_MALFORMED, "ExtraSids");
}

static void patch_top_null(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->top_ptr, 0);
}

static void patch_groups_null(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->group_ptr, 0);
}

static void patch_domsid_null(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->domain_sid_ptr, 0);
}

static void patch_extra_elem_null(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->extra_maxcount + 4, 0);
}

static void bad_referents(void **state)
{
    tb_logon desc = tb_logon_example();

    (void)state;
    expect_error(&desc, patch_top_null, ADB_ERR_MALFORMED,
                 "KERB_VALIDATION_INFO pointer");
    expect_error(&desc, patch_groups_null, ADB_ERR_MALFORMED, "GroupCount");
    expect_error(&desc, patch_domsid_null, ADB_ERR_MALFORMED,
                 "LogonDomainId");
    expect_error(&desc, patch_extra_elem_null, ADB_ERR_MALFORMED,
                 "ExtraSids");
}

static void patch_name_maxcount(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->eff_name_body, 9);
}

static void patch_name_offset(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->eff_name_body + 4, 1);
}

static void patch_name_odd_length(tb *b, const tb_logon_map *m)
{
    tb_put_u16(b, m->eff_name_hdr, 9);
}

static void patch_name_length_gt_max(tb *b, const tb_logon_map *m)
{
    tb_put_u16(b, m->eff_name_hdr, 12);
}

static void strings(void **state)
{
    tb_logon desc = tb_logon_example();

    (void)state;
    expect_error(&desc, patch_name_maxcount, ADB_ERR_MALFORMED,
                 "EffectiveName");
    expect_error(&desc, patch_name_offset, ADB_ERR_MALFORMED,
                 "EffectiveName");
    expect_error(&desc, patch_name_odd_length, ADB_ERR_MALFORMED,
                 "EffectiveName");
    expect_error(&desc, patch_name_length_gt_max, ADB_ERR_MALFORMED,
                 "EffectiveName");
}

static void patch_sid_count_16(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->domain_sid_body, 16);
}

static void patch_sid_count_mismatch(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->domain_sid_body, 3);
}

static void patch_extra_sid_revision(tb *b, const tb_logon_map *m)
{
    b->p[m->extra_sid0 + 4] = 2;
}

static void sids(void **state)
{
    tb_logon desc = tb_logon_example();

    (void)state;
    expect_error(&desc, patch_sid_count_16, ADB_ERR_MALFORMED,
                 "LogonDomainId");
    expect_error(&desc, patch_sid_count_mismatch, ADB_ERR_MALFORMED,
                 "LogonDomainId");
    expect_error(&desc, patch_extra_sid_revision, ADB_ERR_MALFORMED,
                 "ExtraSids");
    desc.domain_sid = "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15";
    expect_error(&desc, NULL, ADB_ERR_MALFORMED, "LogonDomainId");
}

static void patch_extra_flag_off(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->user_flags, 0);
}

static void flags(void **state)
{
    tb_logon desc = tb_logon_example();

    (void)state;
    expect_error(&desc, patch_extra_flag_off, ADB_ERR_MALFORMED, "UserFlags");
}

/* Misalignment: "alice" is 10 bytes, so 2 padding bytes follow before the
 * next 4-aligned item.  Remove them: everything after slides by 2 and the
 * decoder, reading at the aligned position, finds garbage counts. */
static void patch_unpad(tb *b, const tb_logon_map *m)
{
    size_t at = m->eff_name_body + 12 + 10;

    memmove(b->p + at, b->p + at + 2, b->len - at - 2);
    b->p[b->len - 2] = 0;
    b->p[b->len - 1] = 0;
}

/* Shift the deferred part by 8 bytes of junk. */
static void patch_shift(tb *b, const tb_logon_map *m)
{
    size_t at = m->eff_name_body;

    tb_u32(b, 0);
    tb_u32(b, 0);
    memmove(b->p + at + 8, b->p + at, b->len - at - 8);
    tb_put_u32(b, at, 0x41414141);
    tb_put_u32(b, at + 4, 0x41414141);
    tb_put_u32(b, m->obj_len, (uint32_t)(b->len - 16));
}

static void patch_objlen_not_8(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->obj_len, (uint32_t)(b->len - 16 - 4));
}

static void patch_objlen_short(tb *b, const tb_logon_map *m)
{
    tb_put_u32(b, m->obj_len, (uint32_t)(b->len - 16 - 8));
}

static void patch_version(tb *b, const tb_logon_map *m)
{
    (void)m;
    b->p[0] = 2;
}

static void patch_endian(tb *b, const tb_logon_map *m)
{
    (void)m;
    b->p[1] = 0x00;
}

static void patch_trailing_8(tb *b, const tb_logon_map *m)
{
    size_t i;

    for (i = 0; i < 8; i++)
        tb_u8(b, 0);
    tb_put_u32(b, m->obj_len, (uint32_t)(b->len - 16));
}

static void envelope_and_alignment(void **state)
{
    tb_logon desc = tb_logon_example();

    (void)state;
    expect_error(&desc, patch_version, ADB_ERR_MALFORMED,
                 "TypeSerialization.Version");
    expect_error(&desc, patch_endian, ADB_ERR_MALFORMED,
                 "TypeSerialization.Endianness");
    expect_error(&desc, patch_objlen_not_8, ADB_ERR_MALFORMED,
                 "TypeSerialization.ObjectBufferLength");
    expect_error(&desc, patch_objlen_short, ADB_ERR_MALFORMED,
                 "TypeSerialization.ObjectBufferLength");
    expect_error(&desc, patch_trailing_8, ADB_ERR_MALFORMED, "NDR stream");
    expect_error(&desc, patch_shift, ADB_ERR_MALFORMED, "EffectiveName");
    expect_error(&desc, patch_unpad, ADB_ERR_MALFORMED, "FullName");
}

static void every_truncation_fails_cleanly(void **state)
{
    tb_logon desc = tb_logon_example();
    tb b = { 0 }, cut = { 0 };
    tb_logon_map m;
    adb_arena arena;
    adb_diag d;
    pac_logon_info *li;
    size_t n;

    (void)state;
    tb_logon_info(&b, &desc, &m);
    for (n = 0; n < b.len; n++) {
        adb_arena_init(&arena, 0);
        cut.len = 0;
        tb_bytes(&cut, b.p, n);
        assert_int_not_equal(decode(&cut, &arena, &li, &d), ADB_OK);
        adb_arena_free(&arena);
    }
    tb_free(&cut);
    tb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_example_all_fields),
        cmocka_unit_test(null_strings_and_empty_arrays),
        cmocka_unit_test(resource_groups),
        cmocka_unit_test(maximal_arrays),
        cmocka_unit_test(oversized_counts),
        cmocka_unit_test(bad_referents),
        cmocka_unit_test(strings),
        cmocka_unit_test(sids),
        cmocka_unit_test(flags),
        cmocka_unit_test(envelope_and_alignment),
        cmocka_unit_test(every_truncation_fails_cleanly),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
