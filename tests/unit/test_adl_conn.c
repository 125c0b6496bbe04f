/* SPDX-License-Identifier: MIT */
/* test_adl_conn.c - ldap/ connection and credential calls without a
 * server: argument checks, URI checks that fail before any connection,
 * refusals that must happen before anything is sent, passwords wiped on
 * every path, outputs NULL on failure, NULL-safe frees. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "adl.h"

static void assert_wiped(const char *buf, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        assert_int_equal(buf[i], 0);
}

/* adl_connect(@uri, @ca) fails with @want before connecting. */
static void connect_fails(const char *uri, const char *ca, unsigned int ms,
                          adb_err want, const char *needle)
{
    adl_conn_opts o = { .uri = uri, .ca_file = ca, .timeout_ms = ms,
                        .address = "192.0.2.1" };  /* never reached */
    adl_conn *c = (adl_conn *)&o;   /* must become NULL */
    adl_msg msg;

    if (adl_connect(&o, &c, &msg) != want)
        fail_msg("%s: %s", uri ? uri : "(null)", msg.text);
    assert_null(c);
    if (needle != NULL && strstr(msg.text, needle) == NULL)
        fail_msg("%s: \"%s\" lacks \"%s\"", uri, msg.text, needle);
}

static void connect_refuses_bad_options(void **state)
{
    adl_msg msg;

    (void)state;
    connect_fails(NULL, NULL, 0, ADB_ERR_INVALID, "URI");
    connect_fails("http://dc1.ad.example.com", NULL, 0, ADB_ERR_INVALID,
                  "not an LDAP URI");
    connect_fails("ldapi://%2Frun%2Fldapi", NULL, 0, ADB_ERR_INVALID,
                  "only ldap:// and ldaps://");
    connect_fails("cldap://dc1.ad.example.com", NULL, 0, ADB_ERR_INVALID,
                  NULL);
    connect_fails("dc1.ad.example.com", NULL, 0, ADB_ERR_INVALID, NULL);
    connect_fails("ldap://", NULL, 0, ADB_ERR_INVALID, "names no host");
    connect_fails("ldap:///dc=x", NULL, 0, ADB_ERR_INVALID, "names no host");
    connect_fails("ldap://dc1/DC=ad,DC=example", NULL, 0, ADB_ERR_INVALID,
                  "scheme://host[:port]");
    connect_fails("ldap://dc1/??sub?(x=1)", NULL, 0, ADB_ERR_INVALID, NULL);
    connect_fails("ldaps://dc1.ad.example.com", NULL, 0, ADB_ERR_INSECURE,
                  "CA file");
    connect_fails("ldaps://dc1.ad.example.com", "", 0, ADB_ERR_INSECURE,
                  "CA file");
    connect_fails("ldap://dc1.ad.example.com", NULL, ADL_MAX_TIMEOUT_MS + 1,
                  ADB_ERR_INVALID, "timeout");
    assert_int_equal(adl_connect(NULL, NULL, &msg), ADB_ERR_INVALID);
}

static void binds_refuse_misuse(void **state)
{
    char pw[] = "secret-password";
    adl_msg msg;

    (void)state;
    assert_int_equal(adl_bind_simple(NULL, "alice@ad.example.com", pw, &msg),
                     ADB_ERR_INVALID);
    assert_wiped(pw, sizeof(pw) - 1);
    assert_null(strstr(msg.text, "secret"));
    assert_int_equal(adl_bind_simple(NULL, "x", NULL, &msg), ADB_ERR_INVALID);
    assert_int_equal(adl_bind_gssapi(NULL, NULL, &msg), ADB_ERR_INVALID);
    assert_int_equal(adl_conn_ssf(NULL), 0);
    assert_false(adl_conn_is_tls(NULL));
}

static void creds_misuse_wipes_password(void **state)
{
    char pw[] = "secret-password";
    char empty[] = "";
    adl_creds *cr = (adl_creds *)pw;
    adl_msg msg;

    (void)state;
    assert_int_equal(adl_creds_from_password(NULL, pw, &cr, &msg),
                     ADB_ERR_INVALID);
    assert_null(cr);
    assert_wiped(pw, sizeof(pw) - 1);
    assert_null(strstr(msg.text, "secret"));
    memcpy(pw, "secret-password", sizeof(pw));
    assert_int_equal(adl_creds_from_password("alice@AD.EXAMPLE.COM", pw, NULL,
                                             &msg), ADB_ERR_INVALID);
    assert_wiped(pw, sizeof(pw) - 1);
    cr = (adl_creds *)pw;
    assert_int_equal(adl_creds_from_password("alice@AD.EXAMPLE.COM", empty,
                                             &cr, &msg), ADB_ERR_INVALID);
    assert_null(cr);
    assert_int_equal(adl_creds_from_password("alice", NULL, &cr, NULL),
                     ADB_ERR_INVALID);
    assert_int_equal(adl_creds_from_keytab(NULL, "FILE:/x", &cr, &msg),
                     ADB_ERR_INVALID);
    assert_int_equal(adl_creds_from_keytab("a", NULL, &cr, &msg),
                     ADB_ERR_INVALID);
    assert_int_equal(adl_creds_from_ccache(NULL, NULL, &msg), ADB_ERR_INVALID);
    assert_null(adl_creds_principal(NULL));
}

static void creds_missing_ccache(void **state)
{
    adl_creds *cr = (adl_creds *)state;
    adl_msg msg;

    (void)state;
    assert_int_equal(adl_creds_from_ccache("FILE:/nonexistent/adl-test-cc",
                                           &cr, &msg), ADB_ERR_NOT_FOUND);
    assert_null(cr);
    assert_non_null(strstr(msg.text, "/nonexistent/adl-test-cc"));
}

static void frees_are_null_safe(void **state)
{
    (void)state;
    adl_creds_free(NULL);
    adl_conn_free(NULL);
    adl_rootdse_free(NULL);
    adl_domain_free(NULL);
    adl_object_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connect_refuses_bad_options),
        cmocka_unit_test(binds_refuse_misuse),
        cmocka_unit_test(creds_misuse_wipes_password),
        cmocka_unit_test(creds_missing_ccache),
        cmocka_unit_test(frees_are_null_safe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
