/* SPDX-License-Identifier: MIT */
/* test_adl_decode.c - ldap/ decoders of attribute values: objectSid,
 * GeneralizedTime, LDAP INTEGER and groupType. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "adl.h"

/* objectSid of ADEX\PBX Admins in the Samba test bed:
 * S-1-5-21-3623811015-3361044348-30300820-1103 (MS-DTYP 2.4.2.2 layout). */
static const uint8_t pbx_admins_sid[28] = {
    0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x15, 0x00, 0x00, 0x00,
    0xc7, 0xf7, 0xfe, 0xd7, 0x7c, 0x77, 0x55, 0xc8, 0x94, 0x5a, 0xce, 0x01,
    0x4f, 0x04, 0x00, 0x00
};
static const char pbx_admins_text[] =
    "S-1-5-21-3623811015-3361044348-30300820-1103";

/* Decoding @len bytes fails with @want; the output is untouched and the
 * diag names the SID. */
static void sid_fails(const uint8_t *data, size_t len, adb_err want)
{
    adb_diag d = ADB_DIAG_INIT;
    adb_sid sid;

    memset(&sid, 0xa5, sizeof(sid));
    assert_int_equal(adl_sid_decode(data, len, &sid, &d), want);
    assert_int_equal(d.status, want);
    assert_non_null(d.field);
    assert_string_equal(d.context, "objectSid");
    assert_int_equal(sid.revision, 0xa5);
    assert_int_equal(sid.sub_count, 0xa5);
}

static void sid_exact(void **state)
{
    adb_diag d = ADB_DIAG_INIT;
    adb_sid sid, want;
    char buf[ADB_SID_STR_MAX];

    (void)state;
    assert_int_equal(adl_sid_decode(pbx_admins_sid, sizeof(pbx_admins_sid),
                                    &sid, &d), ADB_OK);
    assert_int_equal(d.status, ADB_OK);
    assert_string_equal(adb_sid_format(&sid, buf), pbx_admins_text);
    assert_int_equal(adb_sid_parse(pbx_admins_text, &want), ADB_OK);
    assert_true(adb_sid_equal(&sid, &want));
    assert_int_equal(adb_sid_binary_len(&sid), sizeof(pbx_admins_sid));
}

static void sid_every_truncation(void **state)
{
    size_t n;

    (void)state;
    for (n = 0; n < sizeof(pbx_admins_sid); n++)
        sid_fails(pbx_admins_sid, n, ADB_ERR_TRUNCATED);
}

static void sid_trailing_bytes(void **state)
{
    uint8_t buf[sizeof(pbx_admins_sid) + 4];
    size_t extra;

    (void)state;
    memcpy(buf, pbx_admins_sid, sizeof(pbx_admins_sid));
    memset(buf + sizeof(pbx_admins_sid), 0, 4);
    for (extra = 1; extra <= 4; extra++)
        sid_fails(buf, sizeof(pbx_admins_sid) + extra, ADB_ERR_MALFORMED);
}

static void sid_count_too_big(void **state)
{
    uint8_t buf[8 + 4 * 16];
    adb_diag d = ADB_DIAG_INIT;
    adb_sid sid;

    (void)state;
    memset(buf, 0, sizeof(buf));
    buf[0] = 1;
    buf[7] = 5;
    buf[1] = 16;                        /* one more than MS-DTYP allows */
    sid_fails(buf, sizeof(buf), ADB_ERR_MALFORMED);
    buf[1] = 255;
    sid_fails(buf, sizeof(buf), ADB_ERR_MALFORMED);
    buf[1] = 15;                        /* the maximum, all present */
    assert_int_equal(adl_sid_decode(buf, 8 + 4 * 15, &sid, &d), ADB_OK);
    assert_int_equal(sid.sub_count, 15);
    /* a count that promises more than the value holds */
    buf[1] = 6;
    sid_fails(buf, 8 + 4 * 5, ADB_ERR_TRUNCATED);
}

static void sid_bad_revision_and_edges(void **state)
{
    uint8_t buf[sizeof(pbx_admins_sid)];
    static const uint8_t nobody[8] = { 1, 0, 0, 0, 0, 0, 0, 0 }; /* S-1-0 */
    adb_diag d = ADB_DIAG_INIT;
    adb_sid sid;
    char s[ADB_SID_STR_MAX];

    (void)state;
    memcpy(buf, pbx_admins_sid, sizeof(buf));
    buf[0] = 2;
    sid_fails(buf, sizeof(buf), ADB_ERR_MALFORMED);
    buf[0] = 0;
    sid_fails(buf, sizeof(buf), ADB_ERR_MALFORMED);
    assert_int_equal(adl_sid_decode(nobody, sizeof(nobody), &sid, &d), ADB_OK);
    assert_string_equal(adb_sid_format(&sid, s), "S-1-0");
    /* misuse */
    d = (adb_diag)ADB_DIAG_INIT;
    assert_int_equal(adl_sid_decode(pbx_admins_sid, 28, NULL, &d),
                     ADB_ERR_INVALID);
    assert_int_equal(adl_sid_decode(pbx_admins_sid, 28, &sid, NULL),
                     ADB_ERR_INVALID);
    assert_int_equal(adl_sid_decode(NULL, 4, &sid, &d), ADB_ERR_INVALID);
    sid_fails(NULL, 0, ADB_ERR_TRUNCATED);
}

/* Every single-bit flip of the real SID: either an error, or a SID whose
 * binary length is the value's length and whose escaped filter value gives
 * back exactly the flipped bytes. */
static void sid_bit_flips(void **state)
{
    uint8_t buf[sizeof(pbx_admins_sid)];
    char fv[ADL_SID_FILTER_MAX], want[ADL_SID_FILTER_MAX];
    size_t bit, i, ok = 0;

    (void)state;
    for (bit = 0; bit < 8 * sizeof(buf); bit++) {
        adb_diag d = ADB_DIAG_INIT;
        adb_sid sid;

        memcpy(buf, pbx_admins_sid, sizeof(buf));
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (adl_sid_decode(buf, sizeof(buf), &sid, &d) != ADB_OK) {
            assert_int_not_equal(d.status, ADB_OK);
            continue;
        }
        ok++;
        assert_int_equal(adb_sid_binary_len(&sid), sizeof(buf));
        for (i = 0; i < sizeof(buf); i++)
            snprintf(want + 3 * i, 4, "\\%02x", buf[i]);
        assert_string_equal(adl_sid_filter_value(&sid, fv), want);
    }
    /* flips outside revision and count (bytes 2..27) all decode */
    assert_int_equal(ok, 8 * (sizeof(buf) - 2));
}

static void sid_filter_value(void **state)
{
    adb_sid sid;
    char fv[ADL_SID_FILTER_MAX];

    (void)state;
    assert_int_equal(adb_sid_parse(pbx_admins_text, &sid), ADB_OK);
    assert_string_equal(adl_sid_filter_value(&sid, fv),
                        "\\01\\05\\00\\00\\00\\00\\00\\05\\15\\00\\00\\00"
                        "\\c7\\f7\\fe\\d7\\7c\\77\\55\\c8\\94\\5a\\ce\\01"
                        "\\4f\\04\\00\\00");
    assert_int_equal(adb_sid_parse("S-1-5-32-544", &sid), ADB_OK);
    assert_string_equal(adl_sid_filter_value(&sid, fv),
                        "\\01\\02\\00\\00\\00\\00\\00\\05"
                        "\\20\\00\\00\\00\\20\\02\\00\\00");
}

/* ---------------------------------------------------------------- time */

static void time_ok(const char *text, time_t want)
{
    adb_diag d = ADB_DIAG_INIT;
    time_t t = 0;

    assert_int_equal(adl_gentime_parse(text, strlen(text), &t, &d), ADB_OK);
    if (t != want)
        fail_msg("%s: got %lld, want %lld", text, (long long)t,
                 (long long)want);
}

static void time_bad(const char *text)
{
    adb_diag d = ADB_DIAG_INIT;
    time_t t = 12345;
    adb_err ret = adl_gentime_parse(text, strlen(text), &t, &d);

    if (ret != ADB_ERR_MALFORMED && ret != ADB_ERR_LIMIT)
        fail_msg("%s: accepted or wrong error %d", text, ret);
    assert_int_equal(t, 12345);
    assert_int_equal(d.status, ret);
    assert_string_equal(d.field, "GeneralizedTime");
    assert_true(d.detail[0] != '\0');
}

static void time_valid(void **state)
{
    const time_t t0 = 1704458096;   /* 2024-01-05 12:34:56 UTC */

    (void)state;
    time_ok("20240105123456.0Z", t0);    /* AD's currentTime form */
    time_ok("20240105123456Z", t0);
    time_ok("202401051234Z", t0 - 56);
    time_ok("2024010512Z", t0 - 34 * 60 - 56);
    time_ok("19700101000000Z", 0);
    time_ok("20000229000000Z", 951782400);   /* leap year, century /400 */
    time_ok("20240229235959Z", 1709251199);
    time_ok("99991231235959Z", 253402300799);
    time_ok("20161231235960Z", 1483228800);  /* leap second 60 */
}

static void time_fractions_offsets(void **state)
{
    const time_t t0 = 1704458096;

    (void)state;
    time_ok("20240105123456.123456Z", t0);
    time_ok("20240105123456,5Z", t0);
    time_ok("202401051234.5Z", t0 - 56);     /* fraction of a minute: dropped */
    time_ok("20240105133456+0100", t0);      /* local = UTC + 1h */
    time_ok("20240105133456+01", t0);
    time_ok("20240105070456-0530", t0);
    time_ok("20240105123456.0+0000", t0);
    time_ok("20240105123456-0000", t0);
}

static void time_garbage(void **state)
{
    static const char *const bad[] = {
        "", "Z", "2024", "2024010512", "20240105123456", "20240105123456.0",
        "20240105123456.Z", "20240105123456.0Zx", "20240105123456ZZ",
        "20241305123456Z", "20240005123456Z", "20240100123456Z",
        "20240132123456Z", "20230229123456Z", "21000229000000Z",
        "20240431000000Z", "20240105243456Z", "20240105126056Z",
        "20240105123461Z", "20240105123456+2400", "20240105123456+0160",
        "20240105123456+1", "20240105123456+01000", "20240105123456 Z",
        " 20240105123456Z", "2024-01-05T12:34:56Z", "19691231235959Z",
        "2024010512345Z", "20240105123456.0z", "+20240105123456Z",
        "2024010512\xc3\xa4Z",
        "20240105123456.000000000000000000000000000000000000000000000Z",
    };
    size_t i;
    adb_diag d = ADB_DIAG_INIT;
    time_t t;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        time_bad(bad[i]);
    /* a length shorter than the string: only that prefix is read */
    assert_int_equal(adl_gentime_parse("20240105123456ZJUNK", 15, &t, &d),
                     ADB_OK);
    assert_int_equal(adl_gentime_parse(NULL, 1, &t, &d), ADB_ERR_INVALID);
    assert_int_equal(adl_gentime_parse("x", 1, NULL, &d), ADB_ERR_INVALID);
}

/* ------------------------------------------------------ integer, groupType */

static void int32_values(void **state)
{
    static const struct { const char *s; int32_t v; } ok[] = {
        { "0", 0 }, { "-1", -1 }, { "2", 2 }, { "2147483647", INT32_MAX },
        { "-2147483648", INT32_MIN }, { "-2147483646", (int32_t)0x80000002 },
        { "70", 70 },
    };
    static const struct { const char *s; adb_err e; } bad[] = {
        { "", ADB_ERR_MALFORMED }, { "-", ADB_ERR_MALFORMED },
        { "01", ADB_ERR_MALFORMED }, { "-0", ADB_ERR_MALFORMED },
        { "+1", ADB_ERR_MALFORMED }, { " 1", ADB_ERR_MALFORMED },
        { "1 ", ADB_ERR_MALFORMED }, { "1a", ADB_ERR_MALFORMED },
        { "0x10", ADB_ERR_MALFORMED }, { "--1", ADB_ERR_MALFORMED },
        { "2147483648", ADB_ERR_LIMIT }, { "-2147483649", ADB_ERR_LIMIT },
        { "4294967294", ADB_ERR_LIMIT }, { "12345678901", ADB_ERR_LIMIT },
        { "99999999999999999999999", ADB_ERR_LIMIT },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        adb_diag d = ADB_DIAG_INIT;
        int32_t v = 7;

        assert_int_equal(adl_int32_parse(ok[i].s, strlen(ok[i].s), &v, &d),
                         ADB_OK);
        assert_int_equal(v, ok[i].v);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        adb_diag d = ADB_DIAG_INIT;
        int32_t v = 7;

        if (adl_int32_parse(bad[i].s, strlen(bad[i].s), &v, &d) != bad[i].e)
            fail_msg("\"%s\": want error %d, got %d", bad[i].s, bad[i].e,
                     d.status);
        assert_int_equal(v, 7);
        assert_string_equal(d.field, "INTEGER");
    }
}

static void group_type_classes(void **state)
{
    static const struct {
        uint32_t gt;
        bool security;
        adl_group_scope scope;
        const char *name;
    } ok[] = {
        { 0x80000002u, true, ADL_SCOPE_GLOBAL, "global" },
        { 0x80000004u, true, ADL_SCOPE_DOMAIN_LOCAL, "domain-local" },
        { 0x80000008u, true, ADL_SCOPE_UNIVERSAL, "universal" },
        { 0x80000005u, true, ADL_SCOPE_BUILTIN_LOCAL, "builtin-local" },
        { 0x00000002u, false, ADL_SCOPE_GLOBAL, "global" },
        { 0x00000004u, false, ADL_SCOPE_DOMAIN_LOCAL, "domain-local" },
        { 0x00000008u, false, ADL_SCOPE_UNIVERSAL, "universal" },
        { 0x80000001u, true, ADL_SCOPE_BUILTIN_LOCAL, "builtin-local" },
    };
    static const uint32_t bad[] = {
        0, 0x80000000u, 0x6, 0xa, 0xe, 0x80000006u, 0x10, 0x20, 0x80000012u,
        0x100, 0x40000002u, 0xffffffffu, 0x3, 0x9,
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        adb_diag d = ADB_DIAG_INIT;
        adl_group_kind k;

        assert_int_equal(adl_group_type_classify((int32_t)ok[i].gt, &k, &d),
                         ADB_OK);
        assert_int_equal(k.security, ok[i].security);
        assert_int_equal(k.scope, ok[i].scope);
        assert_string_equal(adl_group_scope_name(k.scope), ok[i].name);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        adb_diag d = ADB_DIAG_INIT;
        adl_group_kind k = { true, ADL_SCOPE_UNIVERSAL };

        if (adl_group_type_classify((int32_t)bad[i], &k, &d) !=
            ADB_ERR_MALFORMED)
            fail_msg("groupType 0x%08x accepted", bad[i]);
        assert_int_equal(k.scope, ADL_SCOPE_UNIVERSAL);
        assert_non_null(strstr(d.detail, "groupType"));
    }
    assert_string_equal(adl_group_scope_name((adl_group_scope)99), "unknown");
    assert_string_equal(adl_object_class_name(ADL_CLASS_GROUP), "group");
    assert_string_equal(adl_object_class_name((adl_object_class)99), "other");
}

/* groupType exactly as AD sends it: signed decimal text, then classified. */
static void group_type_text(void **state)
{
    adb_diag d = ADB_DIAG_INIT;
    adl_group_kind k;
    int32_t v;

    (void)state;
    assert_int_equal(adl_int32_parse("-2147483646", 11, &v, &d), ADB_OK);
    assert_int_equal(adl_group_type_classify(v, &k, &d), ADB_OK);
    assert_true(k.security);
    assert_int_equal(k.scope, ADL_SCOPE_GLOBAL);
    assert_int_equal(adl_int32_parse("4", 1, &v, &d), ADB_OK);
    assert_int_equal(adl_group_type_classify(v, &k, &d), ADB_OK);
    assert_false(k.security);
    assert_int_equal(k.scope, ADL_SCOPE_DOMAIN_LOCAL);
    /* the unsigned spelling is not LDAP INTEGER of a 32-bit signed value */
    assert_int_equal(adl_int32_parse("2147483650", 10, &v, &d), ADB_ERR_LIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sid_exact),
        cmocka_unit_test(sid_every_truncation),
        cmocka_unit_test(sid_trailing_bytes),
        cmocka_unit_test(sid_count_too_big),
        cmocka_unit_test(sid_bad_revision_and_edges),
        cmocka_unit_test(sid_bit_flips),
        cmocka_unit_test(sid_filter_value),
        cmocka_unit_test(time_valid),
        cmocka_unit_test(time_fractions_offsets),
        cmocka_unit_test(time_garbage),
        cmocka_unit_test(int32_values),
        cmocka_unit_test(group_type_classes),
        cmocka_unit_test(group_type_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
