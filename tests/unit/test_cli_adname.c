/* SPDX-License-Identifier: MIT */
/* test_cli_adname.c - the pure rules of mapping AD names (cli_adname.h):
 * which domain parts name the trust, which objects may be mapped (and the
 * reason for each refusal), and the comment name map list --check reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cli_adname.h"

#define DOM "S-1-5-21-3623811015-3361044348-30300820"

static conf_trust trust;

static int setup(void **state)
{
    (void)state;
    memset(&trust, 0, sizeof(trust));
    trust.realm = "AD.EXAMPLE.COM";
    trust.netbios_name = "ADEX";
    assert_int_equal(adb_sid_parse(DOM, &trust.domain_sid), ADB_OK);
    return 0;
}

static void name_of(const char *text, adl_name *n)
{
    adb_diag d = ADB_DIAG_INIT;

    assert_int_equal(adl_name_parse(text, ADL_ACCOUNT_ANY, n, &d), ADB_OK);
}

static void domains(void **state)
{
    static adl_name n;
    char why[256];

    (void)state;
    name_of("PBX Admins", &n);
    assert_true(cli_adn_domain_ok(&trust, &n, why, sizeof(why)));
    name_of("ADEX\\PBX Admins", &n);
    assert_true(cli_adn_domain_ok(&trust, &n, why, sizeof(why)));
    name_of("adex\\alice", &n);
    assert_true(cli_adn_domain_ok(&trust, &n, why, sizeof(why)));
    name_of("PBX Admins@ad.example.com", &n);
    assert_true(cli_adn_domain_ok(&trust, &n, why, sizeof(why)));
    name_of("OTHER\\PBX Admins", &n);
    assert_false(cli_adn_domain_ok(&trust, &n, why, sizeof(why)));
    assert_non_null(strstr(why, "outside the trusted domain"));
    assert_non_null(strstr(why, "OTHER"));
    name_of("x@SUB.AD.EXAMPLE.COM", &n);
    assert_false(cli_adn_domain_ok(&trust, &n, NULL, 0));
    /* the realm is not a NetBIOS name, nor the reverse */
    name_of("x@ADEX", &n);
    assert_false(cli_adn_domain_ok(&trust, &n, NULL, 0));
}

static void obj(adl_object *o, adl_object_class cls, const char *sid,
                int32_t gt)
{
    adb_diag d = ADB_DIAG_INIT;

    memset(o, 0, sizeof(*o));
    o->object_class = cls;
    assert_int_equal(adb_sid_parse(sid, &o->sid), ADB_OK);
    o->sam_name = "G";
    o->dn = "CN=G,DC=ad";
    if (cls == ADL_CLASS_GROUP) {
        o->has_group_type = true;
        o->group_type = gt;
        assert_int_equal(adl_group_type_classify(gt, &o->group, &d), ADB_OK);
    }
}

static void judge(void **state)
{
    adl_object o;
    cli_adn_kind k = 0;
    const char *code = "x";
    char why[512];

    (void)state;
    obj(&o, ADL_CLASS_GROUP, DOM "-1103", (int32_t)0x80000002u);
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_OK);
    assert_int_equal(k, CLI_ADN_GROUP);
    assert_null(code);
    obj(&o, ADL_CLASS_GROUP, DOM "-1107", (int32_t)0x80000008u);
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_OK);
    assert_int_equal(k, CLI_ADN_GROUP);
    obj(&o, ADL_CLASS_USER, DOM "-1109", 0);
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_OK);
    assert_int_equal(k, CLI_ADN_USER);
    obj(&o, ADL_CLASS_COMPUTER, DOM "-1000", 0);
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_OK);
    assert_int_equal(k, CLI_ADN_USER);

    obj(&o, ADL_CLASS_GROUP, DOM "-1106", (int32_t)0x80000004u);
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_ERR_INVALID);
    assert_string_equal(code, "domain-local-group");
    assert_non_null(strstr(why, "MS-KILE 3.3.5.7.3"));
    assert_non_null(strstr(why, "global or universal"));
    obj(&o, ADL_CLASS_GROUP, "S-1-5-32-544", (int32_t)0x80000005u);
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_ERR_MALFORMED);      /* BUILTIN: outside first */
    assert_string_equal(code, "outside-domain");
    obj(&o, ADL_CLASS_GROUP, DOM "-1120", 2);  /* global distribution */
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_ERR_INVALID);
    assert_string_equal(code, "distribution-group");
    obj(&o, ADL_CLASS_GROUP, DOM "-1121", 8);  /* universal distribution */
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_ERR_INVALID);
    assert_string_equal(code, "distribution-group");
    obj(&o, ADL_CLASS_USER, "S-1-5-21-1-2-3-1109", 0);
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_ERR_MALFORMED);
    assert_string_equal(code, "outside-domain");
    obj(&o, ADL_CLASS_USER, DOM, 0);           /* the domain itself */
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_ERR_MALFORMED);
    obj(&o, ADL_CLASS_OTHER, DOM "-1200", 0);
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_ERR_MALFORMED);
    assert_string_equal(code, "not-principal");
    obj(&o, ADL_CLASS_GROUP, DOM "-1201", (int32_t)0x80000002u);
    o.has_group_type = false;
    assert_int_equal(cli_adn_judge(&trust, &o, &k, &code, why, sizeof(why)),
                     ADB_ERR_MALFORMED);
}

static void comment_name(void **state)
{
    char out[CLI_ADN_COMMENT_MAX];

    (void)state;
    assert_true(cli_adn_comment_name(&trust, "ADEX\\PBX Admins", out));
    assert_string_equal(out, "PBX Admins");
    assert_true(cli_adn_comment_name(&trust, "adex\\x: the x team", out));
    assert_string_equal(out, "x");
    assert_false(cli_adn_comment_name(&trust, "OTHER\\x", out));
    assert_false(cli_adn_comment_name(&trust, "ADEX\\", out));
    assert_false(cli_adn_comment_name(&trust, "ADEX\\: x", out));
    assert_false(cli_adn_comment_name(&trust, "ADEXX\\a", out));
    assert_false(cli_adn_comment_name(&trust, "PBX Admins", out));
    assert_false(cli_adn_comment_name(&trust, NULL, out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(domains, setup),
        cmocka_unit_test_setup(judge, setup),
        cmocka_unit_test_setup(comment_name, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
