/* SPDX-License-Identifier: MIT */
/*
 * test_adbc.c - the pure pieces of libadbridge-client: user-name parsing,
 * indicator filtering, the outcome of each krb5 error code per stage, and
 * the outcome names and messages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <krb5.h>

#include "adbc.h"

static void parse_ok(const char *in, const char *user, const char *realm)
{
    char *u = NULL, *r = NULL;

    assert_int_equal(adbc_parse_user(in, &u, &r), ADBC_OK);
    assert_string_equal(u, user);
    assert_string_equal(r, realm);
    free(u);
    free(r);
}

static void parse_bad(const char *in, adbc_outcome want)
{
    char *u = (char *)"x", *r = (char *)"x";

    assert_int_equal(adbc_parse_user(in, &u, &r), want);
    assert_null(u);
    assert_null(r);
}

static void test_parse_forms(void **state)
{
    (void)state;
    parse_ok("alice@AD.EXAMPLE.COM", "alice", "AD.EXAMPLE.COM");
    parse_ok("AD.EXAMPLE.COM\\alice", "alice", "AD.EXAMPLE.COM");
    parse_ok("ADEX\\alice", "alice", "ADEX");       /* told after the KDC lookup */
    parse_ok("bob@LOCAL.EXAMPLE", "bob", "LOCAL.EXAMPLE");
    /* the last '@': an enterprise-style name keeps its own '@' */
    parse_ok("alice@ad.example.com@AD.EXAMPLE.COM", "alice@ad.example.com",
             "AD.EXAMPLE.COM");
    parse_ok("j.doe-1@R", "j.doe-1", "R");
}

static void test_parse_case(void **state)
{
    (void)state;
    parse_bad("alice@ad.example.com", ADBC_REALM_CASE);
    parse_bad("alice@Ad.Example.Com", ADBC_REALM_CASE);
    parse_bad("adex\\alice", ADBC_REALM_CASE);
}

static void test_parse_bad(void **state)
{
    char longname[300];

    (void)state;
    parse_bad(NULL, ADBC_BAD_NAME);
    parse_bad("", ADBC_BAD_NAME);
    parse_bad("alice", ADBC_BAD_NAME);
    parse_bad("@AD.EXAMPLE.COM", ADBC_BAD_NAME);
    parse_bad("alice@", ADBC_BAD_NAME);
    parse_bad("\\alice", ADBC_BAD_NAME);
    parse_bad("ADEX\\", ADBC_BAD_NAME);
    parse_bad("ADEX\\alice@AD.EXAMPLE.COM", ADBC_BAD_NAME);   /* both forms */
    parse_bad("A\\B\\alice", ADBC_BAD_NAME);
    parse_bad("alice@AD EXAMPLE", ADBC_BAD_NAME);
    parse_bad("alice@AD/EXAMPLE", ADBC_BAD_NAME);
    parse_bad("ali\nce@AD.EXAMPLE.COM", ADBC_BAD_NAME);
    parse_bad("alice@AD.EXAMPLE.COM\x7f", ADBC_BAD_NAME);
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    memcpy(longname + 250, "@R", 3);
    parse_ok(longname, "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa"
             "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa"
             "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa"
             "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa"
             "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa" "aaaaaaaaaa"
             "aaaaaaaaaa", "R");
    longname[250] = 'a';
    longname[251] = 'a';
    memcpy(longname + 270, "@R", 3);             /* 272 bytes */
    parse_bad(longname, ADBC_BAD_NAME);
}

static void right(const char *value, const char *prefix, const char *want)
{
    char *r = (char *)"x";
    int n = adbc_indicator_right(value, strlen(value), prefix, &r);

    if (want == NULL) {
        assert_int_equal(n, 0);
        assert_null(r);
    } else {
        assert_int_equal(n, 1);
        assert_string_equal(r, want);
        free(r);
    }
}

static void test_indicators(void **state)
{
    char *r = NULL;

    (void)state;
    right("adbridge-admin", NULL, "admin");
    right("adbridge-viewer", ADBC_DEFAULT_PREFIX, "viewer");
    right("adbridge-", NULL, NULL);              /* nothing after the prefix */
    right("adbridge", NULL, NULL);
    right("otp", NULL, NULL);                    /* another indicator */
    right("ADBRIDGE-admin", NULL, NULL);         /* the prefix is exact */
    right("xadbridge-admin", NULL, NULL);
    right("adbridge-ad min", NULL, NULL);        /* not printable ASCII */
    right("pbx-admin", "pbx-", "admin");         /* a configured prefix */
    right("adbridge-admin", "pbx-", NULL);
    /* values are counted bytes: a NUL inside is not a right */
    assert_int_equal(adbc_indicator_right("adbridge-ad\0min", 15, NULL, &r), 0);
    assert_null(r);
    /* only the counted bytes are read */
    assert_int_equal(adbc_indicator_right("adbridge-adminXYZ", 14, NULL, &r), 1);
    assert_string_equal(r, "admin");
    free(r);
    assert_int_equal(adbc_indicator_right(NULL, 0, NULL, &r), 0);
}

static void test_outcomes_tgt(void **state)
{
    (void)state;
#define TGT(code, want) \
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_TGT, code, "AD.EXAMPLE.COM"), want)
    TGT(KRB5KDC_ERR_PREAUTH_FAILED, ADBC_WRONG_PASSWORD);
    TGT(KRB5KRB_AP_ERR_BAD_INTEGRITY, ADBC_WRONG_PASSWORD);
    TGT(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, ADBC_UNKNOWN_USER);
    TGT(KRB5KDC_ERR_CLIENT_REVOKED, ADBC_ACCOUNT_DISABLED);
    TGT(KRB5KDC_ERR_KEY_EXP, ADBC_ACCOUNT_DISABLED);
    TGT(KRB5KDC_ERR_NAME_EXP, ADBC_ACCOUNT_DISABLED);
    TGT(KRB5_REALM_UNKNOWN, ADBC_UNKNOWN_REALM);
    TGT(KRB5_REALM_CANT_RESOLVE, ADBC_UNKNOWN_REALM);
    TGT(KRB5KRB_AP_ERR_SKEW, ADBC_CLOCK_SKEW);
    TGT(KRB5_KDC_UNREACH, ADBC_NO_KDC);
    TGT(ENOMEM, ADBC_ERROR);
#undef TGT
    /* a realm without a dot that no KDC serves: a NetBIOS name */
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_TGT, KRB5_REALM_UNKNOWN,
                                            "ADEX"), ADBC_REALM_NETBIOS);
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_TGT, KRB5_REALM_UNKNOWN,
                                            NULL), ADBC_UNKNOWN_REALM);
    /* a realm without a dot that answers is just a realm */
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_TGT,
                                            KRB5KDC_ERR_PREAUTH_FAILED, "ADEX"),
                     ADBC_WRONG_PASSWORD);
}

static void test_outcomes_ticket_accept(void **state)
{
    (void)state;
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_TICKET, KRB5KDC_ERR_POLICY,
                                            NULL), ADBC_REFUSED);
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_TICKET, KRB5_KDC_UNREACH,
                                            NULL), ADBC_NO_KDC);
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_TICKET, KRB5KRB_AP_ERR_SKEW,
                                            NULL), ADBC_CLOCK_SKEW);
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_TICKET,
                                            KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN,
                                            NULL), ADBC_DEVICE_CONFIG);
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_TICKET,
                                            KRB5KDC_ERR_CLIENT_REVOKED, NULL),
                     ADBC_ACCOUNT_DISABLED);
    /* the same code means "wrong password" only in the AS exchange */
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_ACCEPT,
                                            KRB5KRB_AP_ERR_BAD_INTEGRITY, NULL),
                     ADBC_NOT_VERIFIED);
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_ACCEPT,
                                            KRB5KRB_AP_ERR_MODIFIED, NULL),
                     ADBC_NOT_VERIFIED);
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_ACCEPT,
                                            KRB5_KT_KVNONOTFOUND, NULL),
                     ADBC_NOT_VERIFIED);
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_ACCEPT, 12345, NULL),
                     ADBC_NOT_VERIFIED);               /* fail closed */
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_ACCEPT,
                                            KRB5KRB_AP_ERR_TKT_NYV, NULL),
                     ADBC_CLOCK_SKEW);
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_ACCEPT,
                                            KRB5KRB_AP_ERR_TKT_EXPIRED, NULL),
                     ADBC_CLOCK_SKEW);
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_ACCEPT, KRB5_KT_NOTFOUND,
                                            NULL), ADBC_DEVICE_CONFIG);
    assert_int_equal(adbc_outcome_from_krb5(ADBC_STAGE_ACCEPT,
                                            KRB5KRB_AP_ERR_SKEW, NULL),
                     ADBC_CLOCK_SKEW);
}

static void test_names_messages(void **state)
{
    int i, j;

    (void)state;
    assert_string_equal(adbc_outcome_name(ADBC_OK), "ok");
    assert_string_equal(adbc_outcome_name(ADBC_CLOCK_SKEW), "clock-skew");
    assert_string_equal(adbc_outcome_name(ADBC_OUTCOME_COUNT), "unknown");
    assert_string_equal(adbc_outcome_name((adbc_outcome)-1), "unknown");
    for (i = 0; i < ADBC_OUTCOME_COUNT; i++) {
        assert_non_null(adbc_outcome_name((adbc_outcome)i));
        assert_true(strlen(adbc_outcome_message((adbc_outcome)i)) > 5);
        for (j = 0; j < i; j++) {
            assert_string_not_equal(adbc_outcome_name((adbc_outcome)i),
                                    adbc_outcome_name((adbc_outcome)j));
            assert_string_not_equal(adbc_outcome_message((adbc_outcome)i),
                                    adbc_outcome_message((adbc_outcome)j));
        }
    }
    assert_non_null(strstr(adbc_outcome_message(ADBC_REALM_CASE), "case-sensitive"));
    assert_non_null(strstr(adbc_outcome_message(ADBC_CLOCK_SKEW), "clock"));
}

/* a result frees to the initial state; a login without a name or with a
 * bad one wipes the password and touches nothing else */
static void test_login_bad_name_wipes(void **state)
{
    adbc_result res = ADBC_RESULT_INIT;
    char pw[] = "Secret-123";

    (void)state;
    assert_int_equal(adbc_login(NULL, "alice", pw, &res), ADBC_BAD_NAME);
    assert_int_equal(res.outcome, ADBC_BAD_NAME);
    assert_int_equal(pw[0], 0);
    assert_memory_equal(pw, "\0\0\0\0\0\0\0\0\0\0", 10);
    adbc_result_free(&res);
    assert_null(res.principal);
    assert_int_equal(res.rights_count, 0);
    memcpy(pw, "Secret-123", 10);
    assert_int_equal(adbc_login(NULL, "alice@ad.example.com", pw, &res),
                     ADBC_REALM_CASE);
    assert_int_equal(pw[3], 0);
    adbc_result_free(&res);
    adbc_result_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_case),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_indicators),
        cmocka_unit_test(test_outcomes_tgt),
        cmocka_unit_test(test_outcomes_ticket_accept),
        cmocka_unit_test(test_names_messages),
        cmocka_unit_test(test_login_bad_name_wipes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
