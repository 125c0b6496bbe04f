/* SPDX-License-Identifier: MIT */
/* test_adl_name.c - ldap/ name handling: RFC 4515 filter escaping,
 * sAMAccountName rules, the NETBIOS\name / name@dns / bare forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "adl.h"

/* ------------------------------------------------------------ escaping */

static void esc_ok(const char *in, size_t len, const char *want)
{
    char buf[256];
    size_t need = 0;

    assert_int_equal(adl_filter_escape(in, len, buf, sizeof(buf), &need),
                     ADB_OK);
    assert_string_equal(buf, want);
    assert_int_equal(need, strlen(want) + 1);
}

static void escape_rfc4515(void **state)
{
    (void)state;
    esc_ok("PBX Admins", 10, "PBX Admins");
    esc_ok("a*b", 3, "a\\2ab");
    esc_ok("(x)", 3, "\\28x\\29");
    esc_ok("back\\slash", 10, "back\\5cslash");
    esc_ok("nul\0in", 6, "nul\\00in");
    esc_ok("\x01\x1f\x7f", 3, "\\01\\1f\\7f");
    esc_ok("J\xc3\xbcrgen", 7, "J\\c3\\bcrgen");     /* UTF-8 bytes */
    esc_ok("*)(objectClass=*", 16, "\\2a\\29\\28objectClass=\\2a");
    esc_ok("", 0, "");
    esc_ok("=&|!~<>", 7, "=&|!~<>");   /* only RFC 4515's must-escapes */
}

static void escape_buffer_limits(void **state)
{
    char buf[8];
    size_t need = 0;

    (void)state;
    /* "a*" needs 5 bytes with the NUL */
    assert_int_equal(adl_filter_escape("a*", 2, buf, 5, &need), ADB_OK);
    assert_string_equal(buf, "a\\2a");
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(adl_filter_escape("a*", 2, buf, 4, &need), ADB_ERR_LIMIT);
    assert_int_equal(need, 5);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(adl_filter_escape("a", 1, NULL, 0, &need), ADB_ERR_LIMIT);
    assert_int_equal(need, 2);
    assert_int_equal(adl_filter_escape(NULL, 1, buf, sizeof(buf), NULL),
                     ADB_ERR_INVALID);
    assert_int_equal(adl_filter_escape("a", 1, NULL, 4, NULL), ADB_ERR_INVALID);
}

/* -------------------------------------------------- sAMAccountName rules */

static adb_err sam(const char *name, adl_account_kind kind, adb_diag *d)
{
    *d = (adb_diag)ADB_DIAG_INIT;
    return adl_sam_validate(name, kind, d);
}

static void sam_valid(void **state)
{
    char user20[21], group256[257];
    char uml20[41];
    adb_diag d;
    size_t i;

    (void)state;
    memset(user20, 'u', 20);
    user20[20] = '\0';
    memset(group256, 'g', 256);
    group256[256] = '\0';
    for (i = 0; i < 20; i++)
        memcpy(uml20 + 2 * i, "\xc3\xa4", 2);    /* 20 x U+00E4 */
    uml20[40] = '\0';
    assert_int_equal(sam("alice", ADL_ACCOUNT_USER, &d), ADB_OK);
    assert_int_equal(sam("PBX Admins", ADL_ACCOUNT_GROUP, &d), ADB_OK);
    assert_int_equal(sam("dc1$", ADL_ACCOUNT_USER, &d), ADB_OK);
    assert_int_equal(sam("J\xc3\xbcrgen", ADL_ACCOUNT_USER, &d), ADB_OK);
    assert_int_equal(sam("a.b-c_d@e", ADL_ACCOUNT_ANY, &d), ADB_OK);
    assert_int_equal(sam(user20, ADL_ACCOUNT_USER, &d), ADB_OK);
    assert_int_equal(sam(uml20, ADL_ACCOUNT_USER, &d), ADB_OK);
    assert_int_equal(sam(group256, ADL_ACCOUNT_GROUP, &d), ADB_OK);
    assert_int_equal(sam(group256, ADL_ACCOUNT_ANY, &d), ADB_OK);
}

static void sam_forbidden_characters(void **state)
{
    static const char forbidden[] = "\"/\\[]:;|=,+*?<>";
    char name[16], want[8];
    adb_diag d;
    size_t i;

    (void)state;
    for (i = 0; forbidden[i] != '\0'; i++) {
        snprintf(name, sizeof(name), "ab%cc", forbidden[i]);
        if (sam(name, ADL_ACCOUNT_GROUP, &d) != ADB_ERR_MALFORMED)
            fail_msg("'%c' accepted", forbidden[i]);
        snprintf(want, sizeof(want), "'%c'", forbidden[i]);
        assert_non_null(strstr(d.detail, want));   /* names the character */
        assert_non_null(strstr(d.detail, "position 3"));
        assert_int_equal(d.offset, 2);
    }
    for (i = 1; i < 0x20; i++) {
        snprintf(name, sizeof(name), "a%cb", (int)i);
        assert_int_equal(sam(name, ADL_ACCOUNT_USER, &d), ADB_ERR_MALFORMED);
        assert_non_null(strstr(d.detail, "control character"));
    }
    assert_int_equal(sam("a\x7f", ADL_ACCOUNT_USER, &d), ADB_ERR_MALFORMED);
}

static void sam_lengths_and_shape(void **state)
{
    char user21[22], group257[258], emoji[4 * 11 + 1];
    adb_diag d;
    size_t i;

    (void)state;
    memset(user21, 'u', 21);
    user21[21] = '\0';
    memset(group257, 'g', 257);
    group257[257] = '\0';
    for (i = 0; i < 11; i++)          /* 11 x U+1F600: 22 UTF-16 units */
        memcpy(emoji + 4 * i, "\xf0\x9f\x98\x80", 4);
    emoji[44] = '\0';
    assert_int_equal(sam(user21, ADL_ACCOUNT_USER, &d), ADB_ERR_LIMIT);
    assert_non_null(strstr(d.detail, "at most 20"));
    assert_int_equal(sam(user21, ADL_ACCOUNT_GROUP, &d), ADB_OK);
    assert_int_equal(sam(group257, ADL_ACCOUNT_GROUP, &d), ADB_ERR_LIMIT);
    assert_int_equal(sam(group257, ADL_ACCOUNT_ANY, &d), ADB_ERR_LIMIT);
    assert_int_equal(sam(emoji, ADL_ACCOUNT_USER, &d), ADB_ERR_LIMIT);
    assert_int_equal(sam("", ADL_ACCOUNT_USER, &d), ADB_ERR_MALFORMED);
    assert_int_equal(sam("alice.", ADL_ACCOUNT_USER, &d), ADB_ERR_MALFORMED);
    assert_non_null(strstr(d.detail, "'.'"));
    /* bad UTF-8: truncated, overlong '/', surrogate, beyond U+10FFFF, stray
     * continuation byte */
    assert_int_equal(sam("a\xc3", ADL_ACCOUNT_USER, &d), ADB_ERR_MALFORMED);
    assert_int_equal(sam("\xc0\xaf", ADL_ACCOUNT_USER, &d), ADB_ERR_MALFORMED);
    assert_int_equal(sam("\xed\xa0\x80", ADL_ACCOUNT_USER, &d),
                     ADB_ERR_MALFORMED);
    assert_int_equal(sam("\xf4\x90\x80\x80", ADL_ACCOUNT_USER, &d),
                     ADB_ERR_MALFORMED);
    assert_int_equal(sam("a\x80", ADL_ACCOUNT_USER, &d), ADB_ERR_MALFORMED);
    assert_non_null(strstr(d.detail, "UTF-8"));
    /* misuse */
    assert_int_equal(sam(NULL, ADL_ACCOUNT_USER, &d), ADB_ERR_INVALID);
    assert_int_equal(sam("a", (adl_account_kind)0, &d), ADB_ERR_INVALID);
    assert_int_equal(adl_sam_validate("a", ADL_ACCOUNT_USER, NULL),
                     ADB_ERR_INVALID);
}

/* ----------------------------------------------------------- name forms */

static void parse_ok(const char *text, adl_account_kind kind,
                     adl_name_form form, const char *domain,
                     const char *account)
{
    adb_diag d = ADB_DIAG_INIT;
    adl_name n;

    if (adl_name_parse(text, kind, &n, &d) != ADB_OK)
        fail_msg("%s: %s", text, d.detail);
    assert_int_equal(n.form, form);
    assert_string_equal(n.domain, domain);
    assert_string_equal(n.account, account);
}

/* @text is refused with @want; the output is untouched; the detail holds
 * @needle and the offset is @offset within @text. */
static void parse_bad(const char *text, adb_err want, const char *needle,
                      size_t offset)
{
    adb_diag d = ADB_DIAG_INIT;
    adl_name n;

    memset(&n, 0x5a, sizeof(n));
    if (adl_name_parse(text, ADL_ACCOUNT_ANY, &n, &d) != want)
        fail_msg("%s: want %d, got %d (%s)", text, want, d.status, d.detail);
    assert_int_equal(n.form, 0x5a5a5a5a);
    if (strstr(d.detail, needle) == NULL)
        fail_msg("%s: detail \"%s\" lacks \"%s\"", text, d.detail, needle);
    assert_int_equal(d.offset, offset);
}

static void name_forms(void **state)
{
    (void)state;
    parse_ok("ADEX\\alice", ADL_ACCOUNT_USER, ADL_NAME_NETBIOS, "ADEX",
             "alice");
    parse_ok("ADEX\\PBX Admins", ADL_ACCOUNT_GROUP, ADL_NAME_NETBIOS, "ADEX",
             "PBX Admins");
    parse_ok("alice@AD.EXAMPLE.COM", ADL_ACCOUNT_USER, ADL_NAME_DNS,
             "AD.EXAMPLE.COM", "alice");
    parse_ok("PBX Admins@ad.example.com", ADL_ACCOUNT_GROUP, ADL_NAME_DNS,
             "ad.example.com", "PBX Admins");
    parse_ok("alice", ADL_ACCOUNT_USER, ADL_NAME_BARE, "", "alice");
    parse_ok("PBX Viewers", ADL_ACCOUNT_GROUP, ADL_NAME_BARE, "",
             "PBX Viewers");
    parse_ok("a@b@ad.example.com", ADL_ACCOUNT_ANY, ADL_NAME_DNS,
             "ad.example.com", "a@b");          /* split at the last '@' */
    parse_ok("my-dom_1\\x", ADL_ACCOUNT_ANY, ADL_NAME_NETBIOS, "my-dom_1",
             "x");
    parse_ok("x@localhost", ADL_ACCOUNT_ANY, ADL_NAME_DNS, "localhost", "x");
}

static void name_errors(void **state)
{
    (void)state;
    parse_bad("\\alice", ADB_ERR_MALFORMED, "empty domain", 0);
    parse_bad("ADEX\\", ADB_ERR_MALFORMED, "empty", 5);
    parse_bad("A\\B\\c", ADB_ERR_MALFORMED, "more than one", 3);
    parse_bad("ADEX\\a@ad.example.com", ADB_ERR_MALFORMED, "both", 6);
    parse_bad("alice@", ADB_ERR_MALFORMED, "empty domain", 6);
    parse_bad("@ad.example.com", ADB_ERR_MALFORMED, "empty", 0);
    parse_bad("alice@-bad.com", ADB_ERR_MALFORMED, "DNS", 6);
    parse_bad("alice@bad-.com", ADB_ERR_MALFORMED, "DNS label", 10);
    parse_bad("alice@a..b", ADB_ERR_MALFORMED, "DNS label", 8);
    parse_bad("alice@ad.example.com.", ADB_ERR_MALFORMED, "DNS label", 21);
    parse_bad("alice@ex_ample.com", ADB_ERR_MALFORMED, "DNS domain", 8);
    parse_bad("SIXTEENCHARSXXXX\\a", ADB_ERR_LIMIT, "15", 0);
    parse_bad("AD EX\\a", ADB_ERR_MALFORMED, "NetBIOS", 2);
    parse_bad(".ADEX\\a", ADB_ERR_MALFORMED, "start with", 0);
    parse_bad("AD:X\\a", ADB_ERR_MALFORMED, "NetBIOS", 2);
    parse_bad("ADEX\\a*b", ADB_ERR_MALFORMED, "'*'", 6);
    parse_bad("a*b@ad.example.com", ADB_ERR_MALFORMED, "'*'", 1);
    parse_bad("a[1]", ADB_ERR_MALFORMED, "'['", 1);
    parse_bad("ADEX\\alice.", ADB_ERR_MALFORMED, "'.'", 10);
    parse_bad("", ADB_ERR_MALFORMED, "empty", 0);
}

static void name_kind_and_misuse(void **state)
{
    char long_user[64];
    adb_diag d = ADB_DIAG_INIT;
    adl_name n;

    (void)state;
    snprintf(long_user, sizeof(long_user), "ADEX\\%s",
             "abcdefghijklmnopqrstu");                 /* 21 characters */
    assert_int_equal(adl_name_parse(long_user, ADL_ACCOUNT_USER, &n, &d),
                     ADB_ERR_LIMIT);
    d = (adb_diag)ADB_DIAG_INIT;
    assert_int_equal(adl_name_parse(long_user, ADL_ACCOUNT_GROUP, &n, &d),
                     ADB_OK);
    assert_int_equal(adl_name_parse(NULL, ADL_ACCOUNT_USER, &n, &d),
                     ADB_ERR_INVALID);
    assert_int_equal(adl_name_parse("a", ADL_ACCOUNT_USER, NULL, &d),
                     ADB_ERR_INVALID);
    assert_int_equal(adl_name_parse("a", ADL_ACCOUNT_USER, &n, NULL),
                     ADB_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escape_rfc4515),
        cmocka_unit_test(escape_buffer_limits),
        cmocka_unit_test(sam_valid),
        cmocka_unit_test(sam_forbidden_characters),
        cmocka_unit_test(sam_lengths_and_shape),
        cmocka_unit_test(name_forms),
        cmocka_unit_test(name_errors),
        cmocka_unit_test(name_kind_and_misuse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
