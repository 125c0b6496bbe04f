/* SPDX-License-Identifier: MIT */
/* test_kdb_module.c - adbridge.so itself (the KDB adapter, as krb5kdc loads
 * it) over a backend that implements issue_pac() (tests/unit/kdb_stub.c,
 * like MIT's `test` module): the module finds the backend through
 * db_module_dir, never adds a PAC buffer the backend already added, keeps
 * the backend's other buffers and indicators, and for a trust's user puts
 * only its own (filtered, profile-dependent) LOGON_INFO in the ticket; a
 * cross-realm issue_pac() without the check_policy_tgs() that precedes it
 * in krb5kdc is refused. */
#define _GNU_SOURCE 1
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <kdb.h>

#include "pac_build.h"

#define DOM "S-1-5-21-3623811015-3361044348-30300820"

static char dir[] = "/tmp/adb-kdbmod-XXXXXX";
static char kdcconf[512], adbconf[512];
static krb5_context ctx;
static void *handle;
static kdb_vftabl *vt;

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    char text[2048];

    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(kdcconf, sizeof(kdcconf), "%s/kdc.conf", dir);
    snprintf(adbconf, sizeof(adbconf), "%s/adbridge.conf", dir);
    snprintf(text, sizeof(text),
             "[libdefaults]\n  default_realm = LOCAL.EXAMPLE\n"
             "[realms]\n  LOCAL.EXAMPLE = {\n"
             "    database_module = LOCAL.EXAMPLE\n  }\n"
             "[dbmodules]\n  db_module_dir = %s\n  LOCAL.EXAMPLE = {\n"
             "    db_library = adbridge\n    adbridge_backend = adbstub\n"
             "    adbridge_config = %s\n  }\n", ADB_STUB_DIR, adbconf);
    write_text(kdcconf, text);
    write_text(adbconf,
               "[adbridge]\n    local_realm = LOCAL.EXAMPLE\n"
               "[trusts]\n    AD.EXAMPLE.COM = {\n"
               "        netbios_name = ADEX\n        domain_sid = " DOM "\n"
               "        map = rid:1103 admin\n    }\n");
    /* the module reads the KDC's profile when it is loaded */
    setenv("KRB5_CONFIG", kdcconf, 1);
    setenv("KRB5_KDC_PROFILE", kdcconf, 1);
    if (krb5_init_context(&ctx) != 0)
        return -1;
    handle = dlopen(ADB_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return -1;
    }
    vt = dlsym(handle, "kdb_function_table");
    if (vt == NULL || vt->init_library() != 0 ||
        vt->init_module(ctx, (char *)"LOCAL.EXAMPLE", NULL, 0) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (vt != NULL)
        vt->fini_module(ctx);
    if (handle != NULL)
        dlclose(handle);
    krb5_free_context(ctx);
    unlink(kdcconf);
    unlink(adbconf);
    rmdir(dir);
    return 0;
}

static krb5_db_entry *entry(const char *name)
{
    krb5_db_entry *e = calloc(1, sizeof(*e));

    assert_non_null(e);
    assert_int_equal(krb5_parse_name(ctx, name, &e->princ), 0);
    return e;
}

static void entry_free(krb5_db_entry *e)
{
    krb5_free_principal(ctx, e->princ);
    free(e);
}

static krb5_pac alice_pac(tb *bytes)
{
    char path[512];
    krb5_pac pac = NULL;

    snprintf(path, sizeof(path), "%s/ad-alice.pac", ADB_FIXTURE_DIR);
    assert_true(tb_read_file(bytes, path));
    assert_int_equal(krb5_pac_parse(ctx, bytes->p, bytes->len, &pac), 0);
    return pac;
}

static bool has(krb5_pac pac, krb5_ui_4 type)
{
    krb5_data d;

    if (krb5_pac_get_buffer(ctx, pac, type, &d) != 0)
        return false;
    krb5_free_data_contents(ctx, &d);
    return true;
}

static bool has_ind(krb5_data **list, const char *s)
{
    size_t i;

    for (i = 0; list != NULL && list[i] != NULL; i++) {
        if (list[i]->length == strlen(s) &&
            memcmp(list[i]->data, s, list[i]->length) == 0)
            return true;
    }
    return false;
}

static void free_inds(krb5_data **list)
{
    size_t i;

    for (i = 0; list != NULL && list[i] != NULL; i++)
        krb5_free_data(ctx, list[i]);
    free(list);
}

/* A local TGS request: the backend has copied the buffers already. */
static void local_tgs_over_backend(void **state)
{
    krb5_db_entry *svc = entry("HTTP/x@LOCAL.EXAMPLE");
    krb5_db_entry *tgt = entry("krbtgt/LOCAL.EXAMPLE@LOCAL.EXAMPLE");
    tb bytes = { 0 };
    krb5_pac old = alice_pac(&bytes), np = NULL;
    krb5_data **inds = calloc(1, sizeof(*inds));

    (void)state;
    assert_non_null(inds);
    assert_int_equal(krb5_pac_init(ctx, &np), 0);
    /* (before: EEXIST from krb5_pac_add_buffer, "out of memory?" logged) */
    assert_int_equal(vt->issue_pac(ctx, 0, NULL, NULL, svc, tgt, 0, old, np,
                                   &inds), 0);
    assert_true(has(np, KRB5_PAC_LOGON_INFO));     /* once: else EINVAL */
    assert_true(has(np, KRB5_PAC_UPN_DNS_INFO));
    assert_true(has(np, KRB5_PAC_REQUESTOR));
    assert_false(has(np, KRB5_PAC_SERVER_CHECKSUM));
    assert_true(has_ind(inds, "stub-indicator"));
    free_inds(inds);
    krb5_pac_free(ctx, np);
    krb5_pac_free(ctx, old);
    tb_free(&bytes);
    entry_free(svc);
    entry_free(tgt);
}

/* A trust's user, decided after check_policy_tgs() as in krb5kdc: the
 * backend's unfiltered LOGON_INFO never reaches the ticket (rights profile:
 * none at all), its other buffers and indicator do, with adbridge's. */
static void cross_realm_over_backend(void **state)
{
    krb5_db_entry *svc = entry("HTTP/x@LOCAL.EXAMPLE");
    krb5_db_entry *xtgt = entry("krbtgt/LOCAL.EXAMPLE@AD.EXAMPLE.COM");
    tb bytes = { 0 };
    krb5_pac old = alice_pac(&bytes), np = NULL;
    krb5_data **inds = calloc(1, sizeof(*inds));
    krb5_authdata pac_ad, *inner[2], **ifrel = NULL;
    krb5_enc_tkt_part enc;
    krb5_ticket tkt;
    krb5_kdc_req req;
    krb5_pa_data **e_data = NULL;
    const char *status = NULL;

    (void)state;
    assert_non_null(inds);
    pac_ad.magic = KV5M_AUTHDATA;
    pac_ad.ad_type = KRB5_AUTHDATA_WIN2K_PAC;
    pac_ad.length = (unsigned int)bytes.len;
    pac_ad.contents = bytes.p;
    inner[0] = &pac_ad;
    inner[1] = NULL;
    assert_int_equal(krb5_encode_authdata_container(
                         ctx, KRB5_AUTHDATA_IF_RELEVANT, inner, &ifrel), 0);
    memset(&enc, 0, sizeof(enc));
    memset(&tkt, 0, sizeof(tkt));
    memset(&req, 0, sizeof(req));
    assert_int_equal(krb5_parse_name(ctx, "alice@AD.EXAMPLE.COM",
                                     &enc.client), 0);
    enc.authorization_data = ifrel;
    tkt.server = xtgt->princ;
    tkt.enc_part2 = &enc;

    assert_int_equal(vt->check_policy_tgs(ctx, &req, svc, &tkt, &status,
                                          &e_data), 0);
    assert_int_equal(krb5_pac_init(ctx, &np), 0);
    assert_int_equal(vt->issue_pac(ctx, KRB5_KDB_FLAG_CROSS_REALM, NULL, NULL,
                                   svc, xtgt, 0, old, np, &inds), 0);
    assert_false(has(np, KRB5_PAC_LOGON_INFO));
    assert_false(has(np, KRB5_PAC_UPN_DNS_INFO));
    assert_true(has(np, KRB5_PAC_REQUESTOR));       /* the backend's */
    assert_true(has_ind(inds, "adbridge-admin"));
    assert_true(has_ind(inds, "adbridge-viewer"));
    assert_true(has_ind(inds, "stub-indicator"));
    free_inds(inds);
    krb5_pac_free(ctx, np);

    /* the same issue_pac() with no check_policy_tgs() before it: the
     * client is unknown, so it is refused (never allowed blind) */
    inds = calloc(1, sizeof(*inds));
    assert_non_null(inds);
    assert_int_equal(krb5_pac_init(ctx, &np), 0);
    assert_int_equal(vt->issue_pac(ctx, KRB5_KDB_FLAG_CROSS_REALM, NULL, NULL,
                                   svc, xtgt, 0, old, np, &inds),
                     KRB5KDC_ERR_POLICY);
    free_inds(inds);
    krb5_pac_free(ctx, np);

    krb5_free_principal(ctx, enc.client);
    krb5_free_authdata(ctx, ifrel);
    krb5_pac_free(ctx, old);
    tb_free(&bytes);
    entry_free(svc);
    entry_free(xtgt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(local_tgs_over_backend),
        cmocka_unit_test(cross_realm_over_backend),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
