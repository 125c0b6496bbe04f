/* SPDX-License-Identifier: MIT */
/* test_kdc_bridge.c - the KDC module's decision library (bridge/kdc_bridge.h)
 * without krb5kdc: the real AD PACs of tests/fixtures (cross-realm TGTs of
 * the test bed's users), PACs changed with pac_build.h and the krb5 PAC API,
 * configs written to mkstemp() files; configuration reload; log and audit
 * lines; buffer copying. */
#define _GNU_SOURCE 1 /* asprintf */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "unit_support.h"

#include "kdc_bridge.h"
#include "pac_build.h"

#define DOM "S-1-5-21-3623811015-3361044348-30300820"
#define LOCALSID "S-1-5-21-1111111111-2222222222-3333333333"
#define REALM "AD.EXAMPLE.COM"
#define SVC "HTTP/device1.local.example@LOCAL.EXAMPLE"


/* ------------------------------------------------------------ helpers -- */

/* A new empty temporary file (removed at the end even on failure). */
static void tmp_path(char *path, size_t size, const char *tag)
{
    tmp_write(path, size, tag, "");
}

static void write_file(const char *path, const char *text)
{
    char tmp[128];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.new", path);
    f = fopen(tmp, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(rename(tmp, path), 0);
}

/* The config text: mapping rid:1103 admin, rid:1104 viewer, with @extra
 * lines in the trust. */
static char *conf_text(const char *extra)
{
    char *s = NULL;

    assert_true(asprintf(&s,
        "[adbridge]\n"
        "    local_realm = LOCAL.EXAMPLE\n"
        "    local_domain_sid = " LOCALSID "\n"
        "[trusts]\n"
        "    " REALM " = {\n"
        "        netbios_name = ADEX\n"
        "        domain_sid = " DOM "\n"
        "        map = rid:1103 admin\n"
        "        map = rid:1104 viewer\n%s"
        "    }\n", extra) > 0);
    return s;
}

/* A config with @global lines in [adbridge] and @extra in the trust. */
static conf_config *load_cfg_global(const char *global, const char *extra)
{
    char path[128], *text = NULL;
    conf_config *cfg = NULL;

    assert_true(asprintf(&text,
        "[adbridge]\n"
        "    local_realm = LOCAL.EXAMPLE\n"
        "    local_domain_sid = " LOCALSID "\n%s"
        "[trusts]\n"
        "    " REALM " = {\n"
        "        netbios_name = ADEX\n"
        "        domain_sid = " DOM "\n"
        "        map = rid:1103 admin\n"
        "        map = rid:1104 viewer\n%s"
        "    }\n", global, extra) > 0);
    tmp_path(path, sizeof(path), "conf");
    write_file(path, text);
    assert_int_equal(conf_load(path, &cfg, NULL), ADB_OK);
    unlink(path);
    free(text);
    return cfg;
}

static conf_config *load_cfg(const char *extra)
{
    char path[128], *text = conf_text(extra);
    conf_config *cfg = NULL;

    tmp_path(path, sizeof(path), "conf");
    write_file(path, text);
    assert_int_equal(conf_load(path, &cfg, NULL), ADB_OK);
    unlink(path);
    free(text);
    return cfg;
}

/* The real cross-realm PAC of a bed user (tests/fixtures/ad-USER.pac). */
static krb5_pac fixture_pac(const char *user)
{
    char path[512];
    tb bytes = { 0 };
    krb5_pac pac = NULL;

    snprintf(path, sizeof(path), "%s/ad-%s.pac", ADB_FIXTURE_DIR, user);
    assert_true(tb_read_file(&bytes, path));
    assert_int_equal(krb5_pac_parse(kctx, bytes.p, bytes.len, &pac), 0);
    tb_free(&bytes);
    return pac;
}

/* A copy of @src with buffer @type replaced by @data (or removed if NULL). */
static krb5_pac replace_buffer(krb5_pac src, krb5_ui_4 type, const tb *data)
{
    krb5_pac out = NULL;
    krb5_ui_4 *types = NULL;
    size_t n = 0, i;
    krb5_data d;

    assert_int_equal(krb5_pac_init(kctx, &out), 0);
    assert_int_equal(krb5_pac_get_types(kctx, src, &n, &types), 0);
    for (i = 0; i < n; i++) {
        if (types[i] == type) {
            if (data != NULL) {
                d.magic = KV5M_DATA;
                d.length = (unsigned int)data->len;
                d.data = (char *)data->p;
                assert_int_equal(krb5_pac_add_buffer(kctx, out, type, &d), 0);
            }
            continue;
        }
        assert_int_equal(krb5_pac_get_buffer(kctx, src, types[i], &d), 0);
        assert_int_equal(krb5_pac_add_buffer(kctx, out, types[i], &d), 0);
        krb5_free_data_contents(kctx, &d);
    }
    free(types);
    return out;
}

static kdc_request cross(const char *client, krb5_pac pac)
{
    kdc_request r;

    memset(&r, 0, sizeof(r));
    r.kind = KDC_KIND_CROSS_REALM;
    r.client = client;
    r.client_realm = REALM;
    r.service = SVC;
    r.profile = "groups";       /* most tests look at the copied buffers */
    r.trust_realm = REALM;
    r.old_pac = pac;
    return r;
}

static void assert_inds(char **inds, const char *a, const char *b)
{
    assert_non_null(inds);
    if (a == NULL) {
        assert_null(inds[0]);
        return;
    }
    assert_string_equal(inds[0], a);
    if (b == NULL) {
        assert_null(inds[1]);
        return;
    }
    assert_string_equal(inds[1], b);
    assert_null(inds[2]);
}

static bool pac_has(krb5_pac pac, krb5_ui_4 type)
{
    krb5_data d;

    if (krb5_pac_get_buffer(kctx, pac, type, &d) != 0)
        return false;
    krb5_free_data_contents(kctx, &d);
    return true;
}

/* -------------------------------------------------------- cross-realm -- */

/* The audit record's time is strftime's "%Y-%m-%dT%H:%M:%SZ" of gmtime
 * (kdc_audit_json writes the usual years by hand): the same for every
 * time, the edges of the hand-written range included. */
static void audit_time_as_strftime(void **state)
{
    static const time_t times[] = {
        0, 59, 86399, 951782400, 951868799, 1764633600, 1767225599,
        2147483647, 32503680000, 253402300799, 253402300800, -1,
        -30610224001, -30610224000, -62135596800,
    };
    conf_config *cfg = load_cfg("");
    krb5_pac pac = fixture_pac("alice");
    kdc_request r = cross(NULL, pac);
    kdc_decision d;
    size_t i;

    (void)state;
    kdc_decision_init(&d);
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        char want[80], tbuf[40], *json;
        struct tm tm;

        assert_non_null(gmtime_r(&times[i], &tm));
        assert_true(strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%SZ",
                             &tm) > 0);
        snprintf(want, sizeof(want), "{\"schema\":%d,\"time\":\"%s\",",
                 KDC_AUDIT_SCHEMA, tbuf);
        json = kdc_audit_json(&r, &d, times[i]);
        assert_non_null(json);
        if (strncmp(json, want, strlen(want)) != 0)
            fail_msg("time %lld: %.60s, want %s", (long long)times[i], json,
                     want);
        free(json);
    }
    kdc_decision_free(&d);
    krb5_pac_free(kctx, pac);
    conf_free(cfg);
}


static void alice_admin(void **state)
{
    conf_config *cfg = load_cfg("");
    krb5_pac pac = fixture_pac("alice"), np = NULL;
    kdc_request r = cross(NULL, pac);
    kdc_decision d;
    char *line, *json;

    (void)state;
    kdc_decision_init(&d);
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_int_equal(d.rights, CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER);
    assert_inds(d.indicators, "adbridge-admin", "adbridge-viewer");
    assert_true(d.copy_logon_info);
    assert_false(d.logon_info_withheld);
    assert_true(d.copy_upn_dns_info);

    /* Only LOGON_INFO and UPN_DNS_INFO go into the new PAC. */
    assert_int_equal(krb5_pac_init(kctx, &np), 0);
    assert_int_equal(kdc_copy_buffers(kctx, &d, pac, np), 0);
    assert_true(pac_has(np, PAC_TYPE_LOGON_INFO));
    assert_true(pac_has(np, PAC_TYPE_UPN_DNS_INFO));
    assert_false(pac_has(np, PAC_TYPE_CLIENT_INFO));
    assert_false(pac_has(np, PAC_TYPE_SERVER_CHECKSUM));
    assert_false(pac_has(np, PAC_TYPE_PRIVSVR_CHECKSUM));
    assert_false(pac_has(np, PAC_TYPE_REQUESTOR));
    assert_false(pac_has(np, PAC_TYPE_ATTRIBUTES_INFO));

    line = kdc_log_line(&r, &d);
    assert_non_null(line);
    assert_non_null(strstr(line, "ALLOW cross-realm client alice@AD.EXAMPLE.COM"));
    assert_non_null(strstr(line, "trust AD.EXAMPLE.COM"));
    assert_non_null(strstr(line, "rights admin,viewer"));
    assert_non_null(strstr(line, DOM "-1103=\"rid:1103 admin\""));
    assert_null(strchr(line, '\n'));
    json = kdc_audit_json(&r, &d, 0);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"time\":\"1970-01-01T00:00:00Z\""));
    assert_non_null(strstr(json, "\"decision\":\"allow\""));
    assert_non_null(strstr(json, "\"client\":\"alice@AD.EXAMPLE.COM\""));
    assert_non_null(strstr(json, "\"rights\":[\"admin\",\"viewer\"]"));
    assert_non_null(strstr(json, "\"map\":\"rid:1103 admin\""));
    assert_non_null(strstr(json, "\"filtered\":[]"));
    assert_non_null(strstr(json, "\"refusal\":null"));
    free(line);
    free(json);

    krb5_pac_free(kctx, np);
    kdc_decision_free(&d);
    krb5_pac_free(kctx, pac);
    conf_free(cfg);
}

static void users(void **state)
{
    static const struct {
        const char *user;
        uint32_t rights;
        bool refused;
    } cases[] = {
        { "bob", CONF_RIGHT_VIEWER, false },
        { "dave", CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER, false },
        { "erin", CONF_RIGHT_VIEWER, false },
        { "frank", CONF_RIGHT_VIEWER, false },
        { "carol", 0, true },
    };
    conf_config *cfg = load_cfg("");
    kdc_decision d;
    size_t i;

    (void)state;
    kdc_decision_init(&d);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        krb5_pac pac = fixture_pac(cases[i].user);
        kdc_request r = cross(NULL, pac);

        print_message("  %s\n", cases[i].user);
        assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
        assert_int_equal(d.refused, cases[i].refused);
        assert_int_equal(d.rights, cases[i].rights);
        if (cases[i].refused) {
            assert_int_equal(d.refusal, KDC_REFUSAL_MAP);
            assert_string_equal(kdc_decision_code(&d), "no-rights");
            assert_null(d.indicators);
        }
        kdc_decision_free(&d);
        krb5_pac_free(kctx, pac);
    }
    conf_free(cfg);
}

/* frank's PAC carries SIDs the trust boundary drops: his LOGON_INFO is
 * re-encoded without them and the filtered SIDs are explained. */
static void frank_filtered(void **state)
{
    conf_config *cfg = load_cfg("");
    krb5_pac pac = fixture_pac("frank"), np = NULL;
    kdc_request r = cross(NULL, pac);
    kdc_decision d;
    char *line, *json;

    (void)state;
    kdc_decision_init(&d);
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_true(d.map.dropped_count >= 2);
    assert_false(d.copy_logon_info);
    assert_false(d.logon_info_withheld);
    assert_non_null(d.logon_info);
    assert_int_equal(krb5_pac_init(kctx, &np), 0);
    assert_int_equal(kdc_copy_buffers(kctx, &d, pac, np), 0);
    assert_true(pac_has(np, PAC_TYPE_UPN_DNS_INFO));
    {
        /* The new LOGON_INFO: same user and groups, only S-1-18-1 left of
         * the ExtraSids. */
        const pac_logon_info *old = d.pac->logon_info;
        pac_info *info = NULL;
        char sid[ADB_SID_STR_MAX];

        assert_int_equal(pac_decode(kctx, np, &info, NULL), ADB_OK);
        assert_non_null(info->logon_info);
        assert_int_equal(info->logon_info->user_rid, old->user_rid);
        assert_int_equal(info->logon_info->group_count, old->group_count);
        assert_int_equal(old->extra_sid_count, 3);
        assert_int_equal(info->logon_info->extra_sid_count, 1);
        assert_string_equal(adb_sid_format(&info->logon_info->extra_sids[0].sid,
                                           sid), "S-1-18-1");
        assert_string_equal(info->logon_info->effective_name, "frank");
        pac_info_free(info);
    }
    line = kdc_log_line(&r, &d);
    assert_non_null(strstr(line, "filtered 2 SID(s)"));
    assert_non_null(strstr(line, "logon-info re-encoded"));
    json = kdc_audit_json(&r, &d, 0);
    assert_non_null(strstr(json, "\"sid\":\"" LOCALSID "-512\""));
    assert_non_null(strstr(json, "\"rule\":\"local-domain\""));
    assert_non_null(strstr(json, "\"logon_info\":\"filtered\""));
    free(line);
    free(json);
    krb5_pac_free(kctx, np);
    kdc_decision_free(&d);
    krb5_pac_free(kctx, pac);
    conf_free(cfg);
}

static void carol_allowed_without_refusal(void **state)
{
    conf_config *cfg = load_cfg("        refuse_without_rights = false\n");
    krb5_pac pac = fixture_pac("carol");
    kdc_request r = cross(NULL, pac);
    kdc_decision d;

    (void)state;
    kdc_decision_init(&d);
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_int_equal(d.rights, 0);
    assert_inds(d.indicators, NULL, NULL);
    kdc_decision_free(&d);
    krb5_pac_free(kctx, pac);
    conf_free(cfg);
}

static void require_attribute(void **state)
{
    conf_config *cfg = load_cfg("");
    krb5_pac bob = fixture_pac("bob"), alice = fixture_pac("alice");
    kdc_request r = cross(NULL, bob);
    kdc_decision d;
    char *json;

    (void)state;
    kdc_decision_init(&d);
    r.require = "admin";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_REQUIRE);
    assert_null(d.indicators);
    json = kdc_audit_json(&r, &d, 0);
    assert_non_null(strstr(json, "\"refusal\":\"require\""));
    assert_non_null(strstr(json, "\"required\":[\"admin\",\"viewer\"]"));
    free(json);

    r.old_pac = alice;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);

    r.require = "viewer";
    r.old_pac = bob;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);

    r.require = "admn";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_BAD_ATTRIBUTE);

    kdc_decision_free(&d);
    krb5_pac_free(kctx, bob);
    krb5_pac_free(kctx, alice);
    conf_free(cfg);
}

static void no_config_unknown_trust_no_pac(void **state)
{
    conf_config *cfg = load_cfg("");
    krb5_pac pac = fixture_pac("alice");
    kdc_request r = cross(NULL, pac);
    kdc_decision d;

    (void)state;
    kdc_decision_init(&d);
    assert_int_equal(kdc_decide(kctx, NULL, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_NO_CONFIG);

    /* a realm without a stanza: other_realms = pass (default) leaves it
     * to stock MIT, refuse refuses it */
    r.trust_realm = "OTHER.EXAMPLE";
    r.client_realm = "OTHER.EXAMPLE";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_true(d.passed);
    assert_int_equal(d.rights, 0);
    assert_null(d.indicators);
    {
        conf_config *refuse_cfg = load_cfg_global("    other_realms = refuse\n",
                                                  "");

        assert_int_equal(kdc_decide(kctx, refuse_cfg, &r, &d), ADB_OK);
        assert_true(d.refused);
        assert_int_equal(d.refusal, KDC_REFUSAL_UNKNOWN_TRUST);
        assert_string_equal(kdc_decision_code(&d), "unknown-trust");
        kdc_decision_free(&d);
        conf_free(refuse_cfg);
    }
    r.client_realm = REALM;
    r.trust_realm = NULL;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_int_equal(d.refusal, KDC_REFUSAL_UNKNOWN_TRUST);

    r.trust_realm = REALM;
    r.old_pac = NULL;               /* require_pac (default) */
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_MAP);
    assert_string_equal(kdc_decision_code(&d), "no-pac");

    assert_int_equal(kdc_decide(NULL, cfg, &r, &d), ADB_ERR_INVALID);
    assert_int_equal(kdc_decide(kctx, cfg, NULL, &d), ADB_ERR_INVALID);
    assert_int_equal(kdc_decide(kctx, cfg, &r, NULL), ADB_ERR_INVALID);

    kdc_decision_free(&d);
    kdc_decision_free(NULL);
    krb5_pac_free(kctx, pac);
    conf_free(cfg);
}

static void inconsistent(void **state)
{
    conf_config *cfg = load_cfg("");
    krb5_pac alice = fixture_pac("alice"), bob = fixture_pac("bob"), p;
    kdc_request r = cross(NULL, alice);
    kdc_decision d;
    tb ci = { 0 }, upn = { 0 }, req = { 0 };
    krb5_data bobreq;

    (void)state;
    kdc_decision_init(&d);
    /* The ticket client is someone else. */
    r.client = "bob@AD.EXAMPLE.COM";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_INCONSISTENT);
    r.client = "alice@AD.EXAMPLE.COM";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    r.client = NULL;

    /* CLIENT_INFO names bob, the rest is alice. */
    tb_client_info(&ci, 0, "bob");
    p = replace_buffer(alice, PAC_TYPE_CLIENT_INFO, &ci);
    r.old_pac = p;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_INCONSISTENT);
    assert_non_null(strstr(d.reason, "CLIENT_INFO"));
    krb5_pac_free(kctx, p);

    /* UPN_DNS_INFO of bob (SamName and SID) in alice's PAC. */
    tb_upn_dns_info(&upn, "bob@ad.example.com", "AD.EXAMPLE.COM",
                    PAC_UPN_FLAG_CONSTRUCTED | PAC_UPN_FLAG_EXTENDED, "bob",
                    DOM "-1110");
    p = replace_buffer(alice, PAC_TYPE_UPN_DNS_INFO, &upn);
    r.old_pac = p;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_INCONSISTENT);
    krb5_pac_free(kctx, p);
    tb_free(&upn);

    /* UPN_DNS_INFO with alice's name but bob's SID. */
    tb_upn_dns_info(&upn, "alice@ad.example.com", "AD.EXAMPLE.COM",
                    PAC_UPN_FLAG_CONSTRUCTED | PAC_UPN_FLAG_EXTENDED, "alice",
                    DOM "-1110");
    p = replace_buffer(alice, PAC_TYPE_UPN_DNS_INFO, &upn);
    r.old_pac = p;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_non_null(strstr(d.reason, "UPN_DNS_INFO SID"));
    krb5_pac_free(kctx, p);

    /* bob's REQUESTOR in alice's PAC. */
    assert_int_equal(krb5_pac_get_buffer(kctx, bob, PAC_TYPE_REQUESTOR,
                                         &bobreq), 0);
    tb_bytes(&req, bobreq.data, bobreq.length);
    krb5_free_data_contents(kctx, &bobreq);
    p = replace_buffer(alice, PAC_TYPE_REQUESTOR, &req);
    r.old_pac = p;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    /* judged by the rights engine (one place for this rule) */
    assert_int_equal(d.refusal, KDC_REFUSAL_MAP);
    assert_string_equal(kdc_decision_code(&d), "requestor-mismatch");
    assert_non_null(strstr(d.reason, "REQUESTOR"));
    krb5_pac_free(kctx, p);

    tb_free(&ci);
    tb_free(&upn);
    tb_free(&req);
    kdc_decision_free(&d);
    krb5_pac_free(kctx, alice);
    krb5_pac_free(kctx, bob);
    conf_free(cfg);
}

/* Malformed and oversized PACs are refused (never an error of the module),
 * also under truncation of every length of LOGON_INFO. */
static void malformed_and_oversized(void **state)
{
    conf_config *cfg = load_cfg("");
    krb5_pac alice = fixture_pac("alice"), p;
    kdc_request r = cross(NULL, alice);
    kdc_decision d;
    krb5_data li;
    tb cut = { 0 }, big = { 0 };
    size_t len, refused = 0;
    char *line;

    (void)state;
    kdc_decision_init(&d);
    assert_int_equal(krb5_pac_get_buffer(kctx, alice, PAC_TYPE_LOGON_INFO,
                                         &li), 0);
    for (len = 1; len < li.length; len += 7) {
        cut.len = 0;
        tb_bytes(&cut, li.data, len);
        p = replace_buffer(alice, PAC_TYPE_LOGON_INFO, &cut);
        r.old_pac = p;
        assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
        assert_true(d.refused);
        assert_int_equal(d.refusal, KDC_REFUSAL_BAD_PAC);
        refused++;
        assert_null(d.indicators);
        krb5_pac_free(kctx, p);
    }
    assert_true(refused > 0);
    line = kdc_log_line(&r, &d);
    assert_non_null(strstr(line, "REFUSE"));
    free(line);
    krb5_free_data_contents(kctx, &li);

    /* An unknown buffer that brings the PAC's buffers to exactly
     * PAC_MAX_BYTES (decided as usual), then to one byte more (refused
     * before decoding). */
    {
        krb5_ui_4 *types = NULL;
        size_t ntypes = 0, base = 0, extra, i;

        assert_int_equal(krb5_pac_get_types(kctx, alice, &ntypes, &types), 0);
        for (i = 0; i < ntypes; i++) {
            krb5_data b;

            assert_int_equal(krb5_pac_get_buffer(kctx, alice, types[i], &b),
                             0);
            base += b.length;
            krb5_free_data_contents(kctx, &b);
        }
        free(types);
        for (extra = PAC_MAX_BYTES - base; extra <= PAC_MAX_BYTES - base + 1;
             extra++) {
            krb5_data d2;
            krb5_pac p2 = replace_buffer(alice, 0, NULL);

            big.len = 0;
            while (big.len < extra)
                tb_u8(&big, 0);
            d2 = (krb5_data){ KV5M_DATA, (unsigned int)big.len,
                              (char *)big.p };
            assert_int_equal(krb5_pac_add_buffer(kctx, p2, 99, &d2), 0);
            r.old_pac = p2;
            assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
            if (base + extra == PAC_MAX_BYTES) {
                assert_false(d.refused);
            } else {
                assert_true(d.refused);
                assert_int_equal(d.refusal, KDC_REFUSAL_BAD_PAC);
                assert_non_null(strstr(d.reason, "the buffers total 65537 "
                                       "bytes, at most 65536 allowed"));
            }
            krb5_pac_free(kctx, p2);
        }
    }

    tb_free(&cut);
    tb_free(&big);
    kdc_decision_free(&d);
    krb5_pac_free(kctx, alice);
    conf_free(cfg);
}

/* ----------------------------------------------------- AS, local TGS -- */

static void as_rights(void **state)
{
    conf_config *cfg = load_cfg("");
    kdc_request r;
    kdc_decision d;
    char *line;

    (void)state;
    memset(&r, 0, sizeof(r));
    kdc_decision_init(&d);
    r.kind = KDC_KIND_AS;
    r.client = "svc@LOCAL.EXAMPLE";
    r.service = "krbtgt/LOCAL.EXAMPLE@LOCAL.EXAMPLE";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_null(d.indicators);

    r.client_rights = "admin";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_inds(d.indicators, "adbridge-admin", "adbridge-viewer");
    line = kdc_log_line(&r, &d);
    assert_non_null(strstr(line, "ALLOW as client svc@LOCAL.EXAMPLE"));
    free(line);

    r.client_rights = "viewer, admn";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_BAD_ATTRIBUTE);

    /* Without a configuration nothing is granted (and nothing refused)... */
    r.client_rights = "admin";
    assert_int_equal(kdc_decide(kctx, NULL, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_null(d.indicators);
    /* ... but a service that requires rights is refused. */
    r.require = "viewer";
    assert_int_equal(kdc_decide(kctx, NULL, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_NO_CONFIG);

    kdc_decision_free(&d);
    conf_free(cfg);
}

static void local_tgs(void **state)
{
    static const char *const admin[] = { "pkinit", "adbridge-admin",
                                         "adbridge-viewer", NULL };
    static const char *const none[] = { "pkinit", NULL };
    conf_config *cfg = load_cfg("");
    krb5_pac alice = fixture_pac("alice"), np = NULL;
    kdc_request r;
    kdc_decision d;

    (void)state;
    memset(&r, 0, sizeof(r));
    kdc_decision_init(&d);
    r.kind = KDC_KIND_LOCAL_TGS;
    r.service = SVC;
    r.indicators = admin;
    r.old_pac = alice;
    r.require = "admin";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_int_equal(d.rights, CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER);
    assert_null(d.indicators);       /* nothing added */

    /* Pass-through: every buffer but the KDC's own. */
    assert_int_equal(krb5_pac_init(kctx, &np), 0);
    assert_int_equal(kdc_copy_buffers(kctx, &d, alice, np), 0);
    assert_true(pac_has(np, PAC_TYPE_LOGON_INFO));
    assert_true(pac_has(np, PAC_TYPE_UPN_DNS_INFO));
    assert_true(pac_has(np, PAC_TYPE_REQUESTOR));
    assert_true(pac_has(np, PAC_TYPE_ATTRIBUTES_INFO));
    assert_false(pac_has(np, PAC_TYPE_CLIENT_INFO));
    assert_false(pac_has(np, PAC_TYPE_SERVER_CHECKSUM));
    assert_false(pac_has(np, PAC_TYPE_PRIVSVR_CHECKSUM));
    krb5_pac_free(kctx, np);

    r.indicators = none;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_REQUIRE);
    r.require = NULL;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);

    /* Without a configuration a required right cannot be checked: the
     * service is refused, even to a ticket that carries the indicators. */
    r.indicators = admin;
    r.require = "admin";
    assert_int_equal(kdc_decide(kctx, NULL, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_NO_CONFIG);
    r.require = NULL;
    assert_int_equal(kdc_decide(kctx, NULL, &r, &d), ADB_OK);
    assert_false(d.refused);

    assert_int_equal(kdc_indicator_rights(cfg, admin),
                     CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER);
    assert_int_equal(kdc_indicator_rights(cfg, NULL), 0);
    assert_int_equal(kdc_indicator_rights(NULL, admin), 0);
    assert_true(kdc_indicator_is_ours(cfg, "adbridge-x", 10));
    assert_false(kdc_indicator_is_ours(cfg, "adbridge", 8));
    assert_false(kdc_indicator_is_ours(NULL, "adbridge-x", 10));

    kdc_decision_free(&d);
    krb5_pac_free(kctx, alice);
    conf_free(cfg);
}

/* --------------------------------------------------- reload, audit -- */

static char last_log[1024];
static int log_count, err_count;

static void test_log(void *data, int prio, const char *line)
{
    (void)data;
    snprintf(last_log, sizeof(last_log), "%s", line);
    log_count++;
    if (prio == KDC_LOG_ERR)
        err_count++;
}

static void reload(void **state)
{
    char path[128], *text;
    kdc_bridge *b = NULL;
    const conf_config *c1, *c2;

    (void)state;
    tmp_path(path, sizeof(path), "reload");
    unlink(path);
    assert_int_equal(kdc_bridge_new(path, test_log, NULL, &b), ADB_OK);
    assert_string_equal(kdc_bridge_path(b), path);
    /* Missing file: no configuration, reported once. */
    err_count = 0;
    assert_null(kdc_bridge_config(b, 100));
    assert_null(kdc_bridge_config(b, 101));
    assert_int_equal(err_count, 1);

    text = conf_text("");
    write_file(path, text);
    free(text);
    assert_null(kdc_bridge_config(b, 101));      /* same second */
    c1 = kdc_bridge_config(b, 102);
    assert_non_null(c1);
    assert_int_equal(c1->trusts[0].map_count, 2);
    assert_non_null(strstr(last_log, "loaded"));
    assert_ptr_equal(kdc_bridge_config(b, 103), c1);   /* unchanged */

    text = conf_text("        map = rid:1108 join\n");
    write_file(path, text);
    free(text);
    assert_ptr_equal(kdc_bridge_config(b, 103), c1);   /* rate limit */
    c2 = kdc_bridge_config(b, 104);
    assert_non_null(c2);
    assert_int_equal(c2->trusts[0].map_count, 3);

    /* A broken file is reported; the last good configuration stays. */
    err_count = 0;
    write_file(path, "[adbridge]\n    local_realm = LOCAL.EXAMPLE\n"
                     "[trusts]\n    X = { map = rid:1 nosuchright }\n");
    c1 = kdc_bridge_config(b, 105);
    assert_non_null(c1);
    assert_int_equal(c1->trusts[0].map_count, 3);
    assert_true(err_count >= 2);
    assert_non_null(strstr(last_log, path));
    /* A removed file as well. */
    unlink(path);
    c1 = kdc_bridge_config(b, 106);
    assert_non_null(c1);
    assert_int_equal(c1->trusts[0].map_count, 3);

    kdc_bridge_free(b);
    kdc_bridge_free(NULL);
    assert_null(kdc_bridge_config(NULL, 1));
    assert_int_equal(kdc_bridge_new(path, NULL, NULL, NULL), ADB_ERR_INVALID);
    b = NULL;
    assert_int_equal(kdc_bridge_new(NULL, NULL, NULL, &b), ADB_OK);
    assert_string_equal(kdc_bridge_path(b), KDC_DEFAULT_CONFIG);
    kdc_bridge_free(b);
}

static void audit_append(void **state)
{
    char path[128], buf[256];
    kdc_bridge *b = NULL;
    struct stat st;
    mode_t old_mask;
    FILE *f;
    size_t n;

    (void)state;
    tmp_path(path, sizeof(path), "audit");
    unlink(path);
    assert_int_equal(kdc_bridge_new("/nonexistent.conf", NULL, NULL, &b),
                     ADB_OK);
    /* 0600 whatever the umask of the KDC */
    old_mask = umask(022);
    assert_int_equal(kdc_bridge_audit(b, path, "{\"a\":1}", 1000), ADB_OK);
    umask(old_mask);
    assert_int_equal(kdc_bridge_audit(b, path, "{\"b\":2}", 1000), ADB_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf, "{\"a\":1}\n{\"b\":2}\n");
    unlink(path);
    assert_int_equal(kdc_bridge_audit(b, "/nonexistent/dir/x", "{}", 1000),
                     ADB_ERR_IO);
    assert_int_equal(kdc_bridge_audit(b, NULL, "{}", 1000), ADB_ERR_INVALID);
    kdc_bridge_free(b);
    assert_string_equal(kdc_refusal_name(KDC_REFUSAL_REQUIRE), "require");
    assert_string_equal(kdc_refusal_name(KDC_REFUSAL_NONE), "none");
}

/* Read a whole small file into @buf (NUL-terminated). */
static void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* The audit file is kept open between records, reopened when the path
 * changes or (checked once a second) when the file was rotated away. */
static void audit_kept_open(void **state)
{
    char path[128], rotated[160], other[128], buf[256];
    kdc_bridge *b = NULL;
    struct stat st;
    time_t t = 1000;

    (void)state;
    tmp_path(path, sizeof(path), "auditk");
    tmp_path(other, sizeof(other), "auditk2");
    snprintf(rotated, sizeof(rotated), "%s.1", path);
    unlink(path);
    unlink(other);
    unlink(rotated);
    assert_int_equal(kdc_bridge_new("/nonexistent.conf", NULL, NULL, &b),
                     ADB_OK);
    assert_int_equal(kdc_bridge_audit(b, path, "{\"n\":1}", t), ADB_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* Rotated within the same second: still written to the held file. */
    assert_int_equal(rename(path, rotated), 0);
    assert_int_equal(kdc_bridge_audit(b, path, "{\"n\":2}", t), ADB_OK);
    assert_int_not_equal(access(path, F_OK), 0);
    /* A second later the rotation is noticed: a new file at the path. */
    assert_int_equal(kdc_bridge_audit(b, path, "{\"n\":3}", t + 1), ADB_OK);
    slurp(rotated, buf, sizeof(buf));
    assert_string_equal(buf, "{\"n\":1}\n{\"n\":2}\n");
    slurp(path, buf, sizeof(buf));
    assert_string_equal(buf, "{\"n\":3}\n");
    /* A new configured path is used at once. */
    assert_int_equal(kdc_bridge_audit(b, other, "{\"n\":4}", t + 1), ADB_OK);
    slurp(other, buf, sizeof(buf));
    assert_string_equal(buf, "{\"n\":4}\n");
    /* An unwritable path fails, and the next good one works again. */
    assert_int_equal(kdc_bridge_audit(b, "/nonexistent/dir/x", "{}", t + 2),
                     ADB_ERR_IO);
    assert_int_equal(kdc_bridge_audit(b, path, "{\"n\":5}", t + 2), ADB_OK);
    slurp(path, buf, sizeof(buf));
    assert_string_equal(buf, "{\"n\":3}\n{\"n\":5}\n");
    assert_int_equal(kdc_bridge_audit(NULL, path, "{}", t), ADB_ERR_INVALID);
    kdc_bridge_free(b);
    unlink(path);
    unlink(other);
    unlink(rotated);
}

/* Names from a PAC cannot break the log line or the JSON record. */
static void hostile_names(void **state)
{
    conf_config *cfg = load_cfg("        refuse_without_rights = false\n");
    kdc_request r;
    kdc_decision d;
    char *line, *json;

    (void)state;
    memset(&r, 0, sizeof(r));
    kdc_decision_init(&d);
    r.kind = KDC_KIND_AS;
    r.client = "evil\n\"x\\ y@LOCAL";
    r.service = "svc";
    r.client_rights = "viewer";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    line = kdc_log_line(&r, &d);
    assert_null(strchr(line, '\n'));
    /* quoted, with the quote, backslash and newline escaped */
    assert_non_null(strstr(line, " client \"evil\\x0a\\\"x\\\\ y@LOCAL\" "));
    json = kdc_audit_json(&r, &d, 0);
    assert_non_null(strstr(json, "\"evil\\u000a\\\"x\\\\ y@LOCAL\""));
    free(line);
    free(json);
    assert_null(kdc_log_line(NULL, &d));
    assert_null(kdc_audit_json(&r, NULL, 0));
    kdc_decision_free(&d);
    conf_free(cfg);
}

/* ------------------------------------------------- issue 15 and 14 -- */

/* The request kinds: MIT's is_crossrealm first, then the client realm. */
static void tgs_kinds(void **state)
{
    (void)state;
    assert_int_equal(kdc_tgs_kind("AD.EXAMPLE.COM", "LOCAL.EXAMPLE",
                                  "AD.EXAMPLE.COM"), KDC_KIND_CROSS_REALM);
    assert_int_equal(kdc_tgs_kind("AD.EXAMPLE.COM", "LOCAL.EXAMPLE",
                                  "LOCAL.EXAMPLE"), KDC_KIND_CROSS_REALM);
    assert_int_equal(kdc_tgs_kind("LOCAL.EXAMPLE", "LOCAL.EXAMPLE",
                                  "AD.EXAMPLE.COM"), KDC_KIND_FOREIGN_TGS);
    assert_int_equal(kdc_tgs_kind("LOCAL.EXAMPLE", "LOCAL.EXAMPLE",
                                  "LOCAL.EXAMPLE"), KDC_KIND_LOCAL_TGS);
    /* realm names are case-sensitive; unknown means not local */
    assert_int_equal(kdc_tgs_kind("local.example", "LOCAL.EXAMPLE",
                                  "LOCAL.EXAMPLE"), KDC_KIND_CROSS_REALM);
    assert_int_equal(kdc_tgs_kind(NULL, "LOCAL.EXAMPLE", "LOCAL.EXAMPLE"),
                     KDC_KIND_CROSS_REALM);
    assert_int_equal(kdc_tgs_kind("LOCAL.EXAMPLE", "LOCAL.EXAMPLE", NULL),
                     KDC_KIND_FOREIGN_TGS);
}

/* An element of @type holding @len bytes at @p (borrowed). */
static krb5_authdata element(krb5_authdatatype type, void *p, size_t len)
{
    krb5_authdata a;

    a.magic = KV5M_AUTHDATA;
    a.ad_type = type;
    a.length = (unsigned int)len;
    a.contents = p;
    return a;
}

/* @inner wrapped in AD-IF-RELEVANT (free with krb5_free_authdata). */
static krb5_authdata **ifrel(krb5_authdata *inner)
{
    krb5_authdata *list[2] = { inner, NULL }, **out = NULL;

    assert_int_equal(krb5_encode_authdata_container(
                         kctx, KRB5_AUTHDATA_IF_RELEVANT, list, &out), 0);
    return out;
}

/* the PAC bytes every PAC element of find_pac_like_mit holds */
static const tb *find_bytes;
/* whether find_one's last found PAC was read in place */
static bool find_in_place;

static void find_one(krb5_authdata **ad, bool want_found, size_t want_stray)
{
    krb5_pac pac = NULL;
    krb5_authdata **kept = NULL;
    krb5_data data;
    bool found = !want_found;
    size_t stray = 99;

    /* kdc_find_pac_data: the same answer, and the PAC's bytes in place */
    assert_int_equal(kdc_find_pac_data(kctx, ad, &kept, &data, &found,
                                       &stray), 0);
    assert_int_equal(found, want_found);
    assert_int_equal(stray, want_stray);
    if (want_found) {
        assert_int_equal(data.length, find_bytes->len);
        assert_memory_equal(data.data, find_bytes->p, find_bytes->len);
        /* read in place (canonical DER): the bytes are in @ad; otherwise
         * in the container MIT's decoder made */
        find_in_place = kept == NULL;
        if (kept == NULL) {
            bool inside = false;
            size_t k;

            for (k = 0; ad[k] != NULL; k++)
                inside = inside || (data.data > (char *)ad[k]->contents &&
                                    data.data + data.length <=
                                    (char *)ad[k]->contents + ad[k]->length);
            assert_true(inside);
        }
    } else {
        assert_null(kept);
        assert_null(data.data);
        assert_int_equal(data.length, 0);
    }
    krb5_free_authdata(kctx, kept);
    found = !want_found;
    stray = 99;
    assert_int_equal(kdc_find_pac(kctx, ad, &pac, &found, &stray), 0);
    assert_int_equal(found, want_found);
    assert_int_equal(stray, want_stray);
    if (want_found)
        assert_non_null(pac);
    else
        assert_null(pac);
    krb5_pac_free(kctx, pac);
}

/* kdc_find_pac reads the PAC exactly where MIT 1.20 does and counts every
 * other PAC-typed element. */
static void find_pac_like_mit(void **state)
{
    tb bytes = { 0 };
    char path[512];
    uint8_t junk[3] = { 0x30, 0x80, 0x01 };
    krb5_authdata pac, other, bad, *inner[3], **c1, **c2, **c3, **deep;
    krb5_authdata *ad[4];
    int i;

    (void)state;
    snprintf(path, sizeof(path), "%s/ad-alice.pac", ADB_FIXTURE_DIR);
    assert_true(tb_read_file(&bytes, path));
    find_bytes = &bytes;
    pac = element(KRB5_AUTHDATA_WIN2K_PAC, bytes.p, bytes.len);
    other = element(KRB5_AUTHDATA_AUTH_INDICATOR, junk, 1);
    bad = element(KRB5_AUTHDATA_IF_RELEVANT, junk, sizeof(junk));

    /* AD's placement: IF-RELEVANT{PAC}, as MIT encodes it: read in place */
    c1 = ifrel(&pac);
    ad[0] = c1[0]; ad[1] = NULL;
    find_one(ad, true, 0);
    assert_true(find_in_place);
    /* the same container with a non-minimal length (BER, not DER): MIT's
     * decoder reads it, and so the same answer comes from its copy */
    {
        krb5_authdata ber;
        uint8_t *b = malloc(c1[0]->length + 1);
        const uint8_t *o = c1[0]->contents;

        assert_non_null(b);
        assert_int_equal(o[1], 0x82);      /* a PAC of 256 to 64K bytes */
        b[0] = 0x30;
        b[1] = 0x83;
        b[2] = 0x00;
        memcpy(b + 3, o + 2, c1[0]->length - 2);
        ber = element(KRB5_AUTHDATA_IF_RELEVANT, b, c1[0]->length + 1);
        ad[0] = &ber;
        find_one(ad, true, 0);
        assert_false(find_in_place);
        free(b);
    }
    ad[0] = c1[0];
    /* no authdata, or none of ours */
    find_one(NULL, false, 0);
    ad[0] = &other;
    find_one(ad, false, 0);
    /* a bare PAC at the top level: MIT does not read it */
    ad[0] = &pac;
    find_one(ad, false, 1);
    /* IF-RELEVANT{IF-RELEVANT{PAC}}: neither */
    c2 = ifrel(c1[0]);
    ad[0] = c2[0];
    find_one(ad, false, 1);
    /* the real one plus a nested one, and plus a bare one */
    ad[0] = c1[0]; ad[1] = c2[0]; ad[2] = NULL;
    find_one(ad, true, 1);
    ad[2] = &pac; ad[3] = NULL;
    find_one(ad, true, 2);
    /* MIT takes the first container holding a PAC: one without comes
     * first, the PAC's container second */
    inner[0] = &other; inner[1] = NULL;
    c3 = ifrel(inner[0]);
    ad[0] = c3[0]; ad[1] = c1[0]; ad[2] = NULL;
    find_one(ad, true, 0);
    /* two PACs in one container: the second is stray */
    inner[0] = &pac; inner[1] = &pac; inner[2] = NULL;
    krb5_free_authdata(kctx, c3);
    assert_int_equal(krb5_encode_authdata_container(
                         kctx, KRB5_AUTHDATA_IF_RELEVANT, inner, &c3), 0);
    ad[0] = c3[0]; ad[1] = NULL;
    find_one(ad, true, 1);
    /* a container that does not decode counts (MIT never reads there) */
    ad[0] = c1[0]; ad[1] = &bad; ad[2] = NULL;
    find_one(ad, true, 1);
    /* nesting deeper than 8 levels counts too */
    deep = ifrel(&other);
    for (i = 0; i < 9; i++) {
        krb5_authdata **next = ifrel(deep[0]);

        krb5_free_authdata(kctx, deep);
        deep = next;
    }
    ad[0] = c1[0]; ad[1] = deep[0]; ad[2] = NULL;
    find_one(ad, true, 1);

    krb5_free_authdata(kctx, c1);
    krb5_free_authdata(kctx, c2);
    krb5_free_authdata(kctx, c3);
    krb5_free_authdata(kctx, deep);
    tb_free(&bytes);
}

/* The refusals of issue 15: a misplaced PAC, a client realm the trust does
 * not carry, a local TGT for a trusted realm's user. */
static void bypass_refusals(void **state)
{
    conf_config *cfg = load_cfg("");
    conf_config *sub = load_cfg("        client_realm = SUB.AD.EXAMPLE.COM\n");
    krb5_pac pac = fixture_pac("alice");
    kdc_request r = cross("alice@AD.EXAMPLE.COM", pac);
    kdc_decision d;
    char *line;

    (void)state;
    kdc_decision_init(&d);
    /* control */
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);

    r.stray_pacs = 1;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_string_equal(kdc_decision_code(&d), "misplaced-pac");
    /* also without a configuration, and for a foreign-tgs */
    assert_int_equal(kdc_decide(kctx, NULL, &r, &d), ADB_OK);
    assert_string_equal(kdc_decision_code(&d), "misplaced-pac");
    r.stray_pacs = 0;

    r.client = "alice@SUB.AD.EXAMPLE.COM";
    r.client_realm = "SUB.AD.EXAMPLE.COM";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_string_equal(kdc_decision_code(&d), "client-realm");
    line = kdc_log_line(&r, &d);
    assert_non_null(strstr(line, " client alice@SUB.AD.EXAMPLE.COM "));
    free(line);
    assert_int_equal(kdc_decide(kctx, sub, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_int_equal(d.rights, CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER);
    r.client_realm = NULL;           /* unknown: refused */
    assert_int_equal(kdc_decide(kctx, sub, &r, &d), ADB_OK);
    assert_string_equal(kdc_decision_code(&d), "client-realm");
    r.client = "alice@AD.EXAMPLE.COM";
    r.client_realm = REALM;

    r.local_tgt = true;
    r.service = "krbtgt/LOCAL.EXAMPLE@LOCAL.EXAMPLE";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_string_equal(kdc_decision_code(&d), "local-tgt");
    r.local_tgt = false;
    r.service = SVC;

    /* a local ticket with a misplaced PAC: refused only where adbridge
     * decides (adbridge_require); else it is stock MIT's */
    memset(&r, 0, sizeof(r));
    r.kind = KDC_KIND_LOCAL_TGS;
    r.service = SVC;
    r.stray_pacs = 1;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    r.require = "viewer";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_string_equal(kdc_decision_code(&d), "misplaced-pac");

    kdc_decision_free(&d);
    krb5_pac_free(kctx, pac);
    conf_free(cfg);
    conf_free(sub);
}

/* A foreign client's local ticket (renewal, validation, S4U2Proxy
 * evidence) is re-decided from its PAC with the mapping in force;
 * realms without a stanza pass (other_realms = pass) but for
 * adbridge_require. */
static void foreign_and_other_realms(void **state)
{
    conf_config *cfg = load_cfg("");
    krb5_pac pac = fixture_pac("alice"), np = NULL;
    kdc_request r = cross("alice@AD.EXAMPLE.COM", pac);
    kdc_decision d;

    (void)state;
    kdc_decision_init(&d);
    r.kind = KDC_KIND_FOREIGN_TGS;
    r.trust_realm = NULL;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_false(d.passed);
    assert_int_equal(d.rights, CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER);
    assert_ptr_equal(d.trust, &cfg->trusts[0]);
    assert_inds(d.indicators, "adbridge-admin", "adbridge-viewer");
    assert_int_equal(krb5_pac_init(kctx, &np), 0);
    assert_int_equal(kdc_copy_buffers(kctx, &d, pac, np), 0);
    assert_true(pac_has(np, PAC_TYPE_LOGON_INFO));
    assert_false(pac_has(np, PAC_TYPE_REQUESTOR));   /* a trust's copy */
    krb5_pac_free(kctx, np);

    /* the client of a realm without a stanza: passed, buffers as a
     * local ticket's, no rights; adbridge_require still refuses */
    r.client = "u@OTHER.EXAMPLE";
    r.client_realm = "OTHER.EXAMPLE";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_true(d.passed);
    assert_int_equal(d.rights, 0);
    assert_int_equal(krb5_pac_init(kctx, &np), 0);
    assert_int_equal(kdc_copy_buffers(kctx, &d, pac, np), 0);
    assert_true(pac_has(np, PAC_TYPE_REQUESTOR));     /* passed through */
    krb5_pac_free(kctx, np);
    r.require = "viewer";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_string_equal(kdc_decision_code(&d), "require");
    r.require = NULL;

    /* a cross-realm ticket of such a realm: nothing copied (stock MIT
     * without issue_pac) */
    r.kind = KDC_KIND_CROSS_REALM;
    r.trust_realm = "OTHER.EXAMPLE";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.passed);
    assert_int_equal(krb5_pac_init(kctx, &np), 0);
    assert_int_equal(kdc_copy_buffers(kctx, &d, pac, np), 0);
    assert_false(pac_has(np, PAC_TYPE_LOGON_INFO));
    assert_false(pac_has(np, PAC_TYPE_REQUESTOR));
    krb5_pac_free(kctx, np);

    kdc_decision_free(&d);
    krb5_pac_free(kctx, pac);
    conf_free(cfg);
}

/* The backend's own issue_pac() result is merged: its buffers are kept
 * once (no EEXIST), but a trust's LOGON_INFO / UPN_DNS_INFO are only ever
 * adbridge's filtered ones. */
static void backend_pac_merge(void **state)
{
    conf_config *cfg = load_cfg("");
    krb5_pac alice = fixture_pac("alice"), backend = NULL, np = NULL;
    kdc_request r;
    kdc_decision d;
    krb5_data li, got;
    tb fake = { 0 };

    (void)state;
    kdc_decision_init(&d);
    /* a backend that copies every buffer but the KDC's (MIT's test
     * module does) */
    memset(&r, 0, sizeof(r));
    r.kind = KDC_KIND_LOCAL_TGS;
    r.service = SVC;
    r.old_pac = alice;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_int_equal(krb5_pac_init(kctx, &backend), 0);
    assert_int_equal(kdc_copy_buffers(kctx, &d, alice, backend), 0);
    assert_int_equal(krb5_pac_init(kctx, &np), 0);
    assert_int_equal(kdc_merge_backend_pac(kctx, &d, backend, np), 0);
    assert_int_equal(kdc_copy_buffers(kctx, &d, alice, np), 0);
    assert_true(pac_has(np, PAC_TYPE_LOGON_INFO));
    assert_true(pac_has(np, PAC_TYPE_REQUESTOR));
    krb5_pac_free(kctx, np);
    krb5_pac_free(kctx, backend);

    /* a backend that puts its own LOGON_INFO into a trust's ticket */
    r = cross("alice@AD.EXAMPLE.COM", alice);
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    tb_bytes(&fake, "not AD's", 8);
    backend = replace_buffer(alice, PAC_TYPE_LOGON_INFO, &fake);
    assert_int_equal(krb5_pac_init(kctx, &np), 0);
    assert_int_equal(kdc_merge_backend_pac(kctx, &d, backend, np), 0);
    assert_true(pac_has(np, PAC_TYPE_REQUESTOR));     /* the backend's */
    assert_false(pac_has(np, PAC_TYPE_LOGON_INFO));
    assert_int_equal(kdc_copy_buffers(kctx, &d, alice, np), 0);
    assert_int_equal(krb5_pac_get_buffer(kctx, np, PAC_TYPE_LOGON_INFO,
                                         &got), 0);
    assert_int_equal(krb5_pac_get_buffer(kctx, alice, PAC_TYPE_LOGON_INFO,
                                         &li), 0);
    assert_int_equal(got.length, li.length);
    assert_memory_equal(got.data, li.data, li.length);
    krb5_free_data_contents(kctx, &got);
    krb5_free_data_contents(kctx, &li);
    /* a refusal merges nothing */
    d.refused = true;
    krb5_pac_free(kctx, np);
    assert_int_equal(krb5_pac_init(kctx, &np), 0);
    assert_int_equal(kdc_merge_backend_pac(kctx, &d, backend, np), 0);
    assert_false(pac_has(np, PAC_TYPE_REQUESTOR));
    d.refused = false;

    tb_free(&fake);
    krb5_pac_free(kctx, np);
    krb5_pac_free(kctx, backend);
    kdc_decision_free(&d);
    krb5_pac_free(kctx, alice);
    conf_free(cfg);
}

/* Identity: EffectiveName, CLIENT_INFO, SamName and the ticket client
 * name one account; only an enterprise client may use its UPN. */
static void identity_one_account(void **state)
{
    conf_config *cfg = load_cfg("        map = user:alice admin\n");
    krb5_pac alice = fixture_pac("alice"), p, q;
    kdc_request r = cross("mallory@AD.EXAMPLE.COM", NULL);
    kdc_decision d;
    tb ci = { 0 }, upn = { 0 };

    (void)state;
    kdc_decision_init(&d);
    /* mallory's ticket and CLIENT_INFO, alice's EffectiveName, a
     * UPN_DNS_INFO without SamName: refused, not alice's mapping */
    tb_client_info(&ci, 0, "mallory");
    tb_upn_dns_info(&upn, "mallory@ad.example.com", "AD.EXAMPLE.COM", 0,
                    NULL, NULL);
    p = replace_buffer(alice, PAC_TYPE_CLIENT_INFO, &ci);
    q = replace_buffer(p, PAC_TYPE_UPN_DNS_INFO, &upn);
    r.old_pac = q;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_INCONSISTENT);
    assert_int_equal(d.rights, 0);
    krb5_pac_free(kctx, p);
    krb5_pac_free(kctx, q);
    tb_free(&ci);
    tb_free(&upn);

    /* CLIENT_INFO = the UPN: refused for a plain client ... */
    tb_client_info(&ci, 0, "alice@ad.example.com");
    tb_upn_dns_info(&upn, "alice@ad.example.com", "AD.EXAMPLE.COM",
                    PAC_UPN_FLAG_EXTENDED, "alice", DOM "-1109");
    p = replace_buffer(alice, PAC_TYPE_CLIENT_INFO, &ci);
    q = replace_buffer(p, PAC_TYPE_UPN_DNS_INFO, &upn);
    r.old_pac = q;
    r.client = "alice\\@ad.example.com@AD.EXAMPLE.COM";
    r.client_name = "alice@ad.example.com";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_INCONSISTENT);
    /* ... accepted for an enterprise client whose UPN_DNS_INFO ties the
     * UPN to the account */
    r.client_enterprise = true;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_true(d.rights & CONF_RIGHT_ADMIN);
    krb5_pac_free(kctx, q);
    tb_free(&upn);
    /* ... but not without the SamName extension */
    tb_upn_dns_info(&upn, "alice@ad.example.com", "AD.EXAMPLE.COM", 0,
                    NULL, NULL);
    q = replace_buffer(p, PAC_TYPE_UPN_DNS_INFO, &upn);
    r.old_pac = q;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_int_equal(d.refusal, KDC_REFUSAL_INCONSISTENT);

    krb5_pac_free(kctx, p);
    krb5_pac_free(kctx, q);
    tb_free(&ci);
    tb_free(&upn);
    kdc_decision_free(&d);
    krb5_pac_free(kctx, alice);
    conf_free(cfg);
}

/* A reason quoting PAC text cannot plant fields in the log line. */
static void log_reason_escaped(void **state)
{
    kdc_request r;
    kdc_decision d;
    char *line;

    (void)state;
    memset(&r, 0, sizeof(r));
    kdc_decision_init(&d);
    r.kind = KDC_KIND_CROSS_REALM;
    r.client = "a b@AD.EXAMPLE.COM";
    r.service = SVC;
    r.trust_realm = REALM;
    d.kind = KDC_KIND_CROSS_REALM;
    d.refused = true;
    d.refusal = KDC_REFUSAL_BAD_PAC;
    d.reason = strdup("x\" ALLOW cross-realm rights admin \\ \x01\xc3\xa9");
    assert_non_null(d.reason);
    line = kdc_log_line(&r, &d);
    assert_non_null(line);
    assert_string_equal(line,
        "adbridge: REFUSE cross-realm client \"a b@AD.EXAMPLE.COM\" "
        "service " SVC " trust AD.EXAMPLE.COM rights - refusal bad-pac "
        "reason \"x\\\" ALLOW cross-realm rights admin \\\\ \\x01\\xc3\\xa9\"");
    free(line);
    kdc_decision_free(&d);
}

/* Deny-only groups never grant but stay in the forwarded LOGON_INFO, so
 * that services can apply deny ACEs for them. */
static void deny_only_kept(void **state)
{
    static const pac_group groups[] = {
        { 513, 7 }, { 1103, 7 | PAC_SE_GROUP_USE_FOR_DENY_ONLY }
    };
    conf_config *cfg = load_cfg("        refuse_without_rights = false\n");
    tb_logon li = tb_logon_example();
    tb logon = { 0 }, ci = { 0 }, s6 = { 0 }, s7 = { 0 }, bytes = { 0 };
    tb_logon_map m;
    tb_buf bufs[4];
    krb5_pac pac = NULL;
    kdc_request r;
    kdc_decision d;
    size_t i;
    bool deny = false;

    (void)state;
    kdc_decision_init(&d);
    li.effective_name = "dora";
    li.user_rid = 1120;
    li.group_count = 2;
    li.groups = groups;
    tb_logon_info(&logon, &li, &m);
    tb_client_info(&ci, 0, "dora");
    tb_signature(&s6, 16, 12, -1);
    tb_signature(&s7, 16, 12, -1);
    bufs[0] = (tb_buf){ PAC_TYPE_LOGON_INFO, &logon };
    bufs[1] = (tb_buf){ PAC_TYPE_CLIENT_INFO, &ci };
    bufs[2] = (tb_buf){ PAC_TYPE_SERVER_CHECKSUM, &s6 };
    bufs[3] = (tb_buf){ PAC_TYPE_PRIVSVR_CHECKSUM, &s7 };
    tb_pac(&bytes, bufs, 4);
    assert_int_equal(krb5_pac_parse(kctx, bytes.p, bytes.len, &pac), 0);
    r = cross("dora@AD.EXAMPLE.COM", pac);
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_int_equal(d.rights, 0);          /* rid:1103 admin: deny-only */
    for (i = 0; i < d.map.dropped_count; i++)
        deny |= d.map.dropped[i].rule == MAP_DROP_DENY_ONLY;
    assert_true(deny);
    assert_true(d.copy_logon_info);         /* forwarded as AD sent it */
    assert_null(d.logon_info);

    kdc_decision_free(&d);
    krb5_pac_free(kctx, pac);
    tb_free(&logon);
    tb_free(&ci);
    tb_free(&s6);
    tb_free(&s7);
    tb_free(&bytes);
    conf_free(cfg);
}

/* Ticket profiles: rights (the default) copies none of AD's buffers, the
 * decision being the same; groups copies the filtered ones; the service's
 * adbridge_pac overrides default_pac; a bad value refuses. */
static void ticket_profiles(void **state)
{
    conf_config *cfg = load_cfg("");
    conf_config *grp = load_cfg_global("    default_pac = groups\n", "");
    krb5_pac frank = fixture_pac("frank"), np = NULL;
    kdc_request r = cross("frank@AD.EXAMPLE.COM", frank);
    kdc_decision d;
    char *json;

    (void)state;
    kdc_decision_init(&d);
    assert_int_equal(cfg->default_pac, CONF_PROFILE_RIGHTS);
    r.profile = NULL;
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_false(d.refused);
    assert_int_equal(d.profile, CONF_PROFILE_RIGHTS);
    assert_int_equal(d.rights, CONF_RIGHT_VIEWER);
    assert_true(d.map.dropped_count > 0);     /* filtered all the same */
    assert_false(d.copy_logon_info);
    assert_null(d.logon_info);
    assert_false(d.copy_upn_dns_info);
    assert_int_equal(krb5_pac_init(kctx, &np), 0);
    assert_int_equal(kdc_copy_buffers(kctx, &d, frank, np), 0);
    assert_false(pac_has(np, PAC_TYPE_LOGON_INFO));
    assert_false(pac_has(np, PAC_TYPE_UPN_DNS_INFO));
    krb5_pac_free(kctx, np);
    json = kdc_audit_json(&r, &d, 0);
    assert_non_null(strstr(json, "\"profile\":\"rights\""));
    assert_non_null(strstr(json, "\"schema\":1,"));
    assert_non_null(strstr(json, "\"user_sid\":\"" DOM "-1114\""));
    assert_non_null(strstr(json, "\"local_realm\":\"LOCAL.EXAMPLE\""));
    free(json);

    /* default_pac = groups, and the attribute over it */
    assert_int_equal(kdc_decide(kctx, grp, &r, &d), ADB_OK);
    assert_int_equal(d.profile, CONF_PROFILE_GROUPS);
    assert_non_null(d.logon_info);            /* re-encoded, filtered */
    r.profile = " Rights ";
    assert_int_equal(kdc_decide(kctx, grp, &r, &d), ADB_OK);
    assert_int_equal(d.profile, CONF_PROFILE_RIGHTS);
    assert_null(d.logon_info);
    r.profile = "groups";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_int_equal(d.profile, CONF_PROFILE_GROUPS);
    r.profile = "all";
    assert_int_equal(kdc_decide(kctx, cfg, &r, &d), ADB_OK);
    assert_true(d.refused);
    assert_string_equal(kdc_decision_code(&d), "bad-attribute");

    kdc_decision_free(&d);
    krb5_pac_free(kctx, frank);
    conf_free(cfg);
    conf_free(grp);
}

/* Every refusal code, the KDC's and the rights engine's, is distinct and
 * documented in docs/audit-record.md (the SIEM contract). */
static void refusal_codes_documented(void **state)
{
    char path[512], want[64];
    tb doc = { 0 };
    const char *names[32];
    size_t n = 0, i, j;
    int k;

    (void)state;
    snprintf(path, sizeof(path), "%s/../../docs/audit-record.md",
             ADB_FIXTURE_DIR);
    assert_true(tb_read_file(&doc, path));
    tb_u8(&doc, 0);
    for (k = KDC_REFUSAL_NO_CONFIG; k <= KDC_REFUSAL_INTERNAL; k++)
        if (k != KDC_REFUSAL_MAP)       /* its codes are the engine's */
            names[n++] = kdc_refusal_name((kdc_refusal)k);
    for (k = MAP_REFUSAL_NO_PAC; k <= MAP_REFUSAL_NO_RIGHTS; k++)
        names[n++] = map_refusal_name((map_refusal)k);
    for (i = 0; i < n; i++) {
        assert_string_not_equal(names[i], "unknown");
        for (j = 0; j < i; j++)
            assert_string_not_equal(names[i], names[j]);
        snprintf(want, sizeof(want), "`%s`", names[i]);
        if (strstr((const char *)doc.p, want) == NULL)
            fail_msg("refusal code %s is not in %s", names[i], path);
    }
    tb_free(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alice_admin),
        cmocka_unit_test(audit_time_as_strftime),
        cmocka_unit_test(users),
        cmocka_unit_test(frank_filtered),
        cmocka_unit_test(carol_allowed_without_refusal),
        cmocka_unit_test(require_attribute),
        cmocka_unit_test(no_config_unknown_trust_no_pac),
        cmocka_unit_test(inconsistent),
        cmocka_unit_test(malformed_and_oversized),
        cmocka_unit_test(as_rights),
        cmocka_unit_test(local_tgs),
        cmocka_unit_test(reload),
        cmocka_unit_test(audit_append),
        cmocka_unit_test(audit_kept_open),
        cmocka_unit_test(hostile_names),
        cmocka_unit_test(tgs_kinds),
        cmocka_unit_test(find_pac_like_mit),
        cmocka_unit_test(bypass_refusals),
        cmocka_unit_test(foreign_and_other_realms),
        cmocka_unit_test(backend_pac_merge),
        cmocka_unit_test(identity_one_account),
        cmocka_unit_test(log_reason_escaped),
        cmocka_unit_test(deny_only_kept),
        cmocka_unit_test(ticket_profiles),
        cmocka_unit_test(refusal_codes_documented),
    };

    return cmocka_run_group_tests(tests, unit_group_setup, unit_group_teardown);
}
