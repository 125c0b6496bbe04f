/* SPDX-License-Identifier: MIT */
/* test_conf_map.c - the rights engine (map.h): every SID-filtering rule with
 * a PAC (built with pac_build.h) carrying the offending SID, refusals,
 * precedence, custom rights, user-name and user-SID mappings, indicators.
 * Config files are written to mkstemp() files and removed. */
#define _GNU_SOURCE 1 /* asprintf */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "unit_support.h"

#include "conf.h"
#include "map.h"
#include "pac.h"
#include "pac_build.h"

#define DOM "S-1-5-21-3623811015-3361044348-30300820"
#define LOCALSID "S-1-5-21-1111111111-2222222222-3333333333"
#define REALM "AD.EXAMPLE.COM"
#define OPERATOR (1u << 3)


/* ------------------------------------------------------------------ */
/* Helpers                                                              */

/* A config with [adbridge] (+ @global lines) and trust AD.EXAMPLE.COM
 * (netbios ADEX, domain DOM) with the extra lines @trust. */
static conf_config *load_cfg(const char *global, const char *trust)
{
    char path[64], *text = NULL;
    conf_problems pr;
    conf_config *cfg = NULL;
    size_t i;
    adb_err ret;

    assert_true(asprintf(&text, "[adbridge]\n"
            "    local_realm = LOCAL.EXAMPLE\n"
            "    local_domain_sid = " LOCALSID "\n%s"
            "[trusts]\n"
            "    " REALM " = {\n"
            "        netbios_name = ADEX\n"
            "        domain_sid = " DOM "\n%s"
            "    }\n", global, trust) > 0);
    tmp_write(path, sizeof(path), "map", text);
    free(text);
    conf_problems_init(&pr);
    ret = conf_load(path, &cfg, &pr);
    assert_int_equal(unlink(path), 0);
    for (i = 0; i < pr.count; i++)
        print_message("  problem: %s\n", pr.messages[i]);
    assert_int_equal(ret, ADB_OK);
    conf_problems_free(&pr);
    return cfg;
}

static const conf_trust *trust_of(const conf_config *cfg)
{
    const conf_trust *t = conf_find_trust(cfg, REALM);

    assert_non_null(t);
    return t;
}

/* Decode @bytes into a pac_info. */
/* @bytes decoded as a tool does (pac_decode_blob), or with @flags != 0 as
 * the KDC does (parsed by MIT, then pac_decode_in_place with @flags). */
static pac_info *decode_flags(const tb *bytes, unsigned int flags)
{
    pac_info *info = NULL;
    adb_diag d = ADB_DIAG_INIT;
    krb5_pac kpac = NULL;
    char buf[256];
    adb_err ret;

    if (flags == 0) {
        ret = pac_decode_blob(kctx, bytes->p, bytes->len, &info, &d);
    } else {
        assert_int_equal(krb5_pac_parse(kctx, bytes->p, bytes->len, &kpac),
                         0);
        ret = pac_decode_in_place(kctx, kpac, bytes->p, bytes->len, flags,
                                  &info, &d);
        krb5_pac_free(kctx, kpac);
    }
    if (ret != ADB_OK)
        print_message("decode: %s\n", adb_diag_format(&d, buf, sizeof(buf)));
    assert_int_equal(ret, ADB_OK);
    return info;
}

static pac_info *decode(const tb *bytes)
{
    return decode_flags(bytes, 0);
}

/* A PAC like a cross-realm TGT's: LOGON_INFO from @li, REQUESTOR if
 * @requestor is not NULL, server and KDC signatures. */
static pac_info *make_pac_flags(const tb_logon *li, const char *requestor,
                                unsigned int flags)
{
    tb logon = { 0 }, req = { 0 }, s6 = { 0 }, s7 = { 0 }, pac = { 0 };
    tb_logon_map m;
    tb_buf bufs[4];
    size_t n = 0;
    pac_info *info;

    tb_logon_info(&logon, li, &m);
    bufs[n++] = (tb_buf){ PAC_TYPE_LOGON_INFO, &logon };
    if (requestor != NULL) {
        tb_sid(&req, requestor);
        bufs[n++] = (tb_buf){ PAC_TYPE_REQUESTOR, &req };
    }
    tb_signature(&s6, 16, 12, -1);
    tb_signature(&s7, 16, 12, -1);
    bufs[n++] = (tb_buf){ PAC_TYPE_SERVER_CHECKSUM, &s6 };
    bufs[n++] = (tb_buf){ PAC_TYPE_PRIVSVR_CHECKSUM, &s7 };
    tb_pac(&pac, bufs, n);
    info = decode_flags(&pac, flags);
    tb_free(&logon);
    tb_free(&req);
    tb_free(&s6);
    tb_free(&s7);
    tb_free(&pac);
    return info;
}

static pac_info *make_pac(const tb_logon *li, const char *requestor)
{
    return make_pac_flags(li, requestor, 0);
}

/* The example user (alice, RID 1103, groups 513 1106 1107 1108 1109,
 * ExtraSids S-1-18-1) with only @group_count of its groups and the extra
 * SID @extra (attributes @attr) instead of S-1-18-1 if not NULL. */
static tb_logon user_with(uint32_t group_count, const char *const *extra,
                          const uint32_t *attr)
{
    tb_logon li = tb_logon_example();

    li.group_count = group_count;
    if (extra != NULL) {
        li.extra_count = 1;
        li.extra_sids = extra;
        li.extra_attrs = attr;
    }
    return li;
}

static void assert_sid(const adb_sid *sid, const char *text)
{
    char buf[ADB_SID_STR_MAX];

    assert_string_equal(adb_sid_format(sid, buf), text);
}

static void assert_grant(const map_grant *g, const char *right,
                         bool implied, const char *map_text,
                         const char *sid, pac_sid_source source,
                         uint32_t index)
{
    assert_string_equal(g->right_name, right);
    assert_int_equal(g->implied, implied);
    assert_int_equal(g->implied_by, implied ? CONF_RIGHT_ADMIN : 0);
    assert_non_null(g->mapping);
    assert_string_equal(g->mapping->text, map_text);
    assert_sid(&g->sid, sid);
    assert_int_equal(g->source, source);
    assert_int_equal(g->index, index);
}

static void assert_refused(const map_result *r, map_refusal why,
                           const char *reason)
{
    assert_true(r->refused);
    assert_int_equal(r->refusal, why);
    assert_string_equal(r->reason, reason);
    assert_int_equal(r->rights, 0);
    assert_int_equal(r->grant_count, 0);
}

static void assert_indicators(const conf_config *cfg, uint32_t rights,
                              const char *const *expected)
{
    char **list = NULL;
    size_t n = 99, i;

    assert_int_equal(map_indicators(cfg, rights, &list, &n), ADB_OK);
    assert_non_null(list);
    for (i = 0; expected[i] != NULL; i++) {
        assert_non_null(list[i]);
        assert_string_equal(list[i], expected[i]);
    }
    assert_null(list[i]);
    assert_int_equal(n, i);
    free(list);
}

/* ------------------------------------------------------------------ */
/* Grants and precedence                                                */

static void example_user(void **state)
{
    conf_config *cfg = load_cfg("", "        map = rid:1106 admin\n"
                                "        map = sid:" DOM "-1107 viewer\n"
                                "        map = rid:1108 admin\n");
    tb_logon li = tb_logon_example();
    pac_info *pac = make_pac(&li, DOM "-1103");
    map_result r;
    static const char *const ind[] = { "adbridge-admin", "adbridge-viewer",
                                       NULL };
    (void)state;

    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_false(r.refused);
    assert_int_equal(r.refusal, MAP_REFUSAL_NONE);
    assert_null(r.reason);
    assert_int_equal(r.rights, CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER);
    /* S-1-18-1 survives quarantine. */
    assert_int_equal(r.dropped_count, 0);
    /* Several mappings granting the same right are all reported; the
     * implied viewer is reported once per granting admin mapping. */
    assert_int_equal(r.grant_count, 5);
    assert_grant(&r.grants[0], "admin", false, "rid:1106 admin",
                 DOM "-1106", PAC_SID_GROUP, 1);
    assert_grant(&r.grants[1], "viewer", false, "sid:" DOM "-1107 viewer",
                 DOM "-1107", PAC_SID_GROUP, 2);
    assert_grant(&r.grants[2], "admin", false, "rid:1108 admin",
                 DOM "-1108", PAC_SID_GROUP, 3);
    assert_grant(&r.grants[3], "viewer", true, "rid:1106 admin",
                 DOM "-1106", PAC_SID_GROUP, 1);
    assert_grant(&r.grants[4], "viewer", true, "rid:1108 admin",
                 DOM "-1108", PAC_SID_GROUP, 3);
    assert_int_equal(r.grants[3].mapping->kind, CONF_MAP_RID);
    assert_indicators(cfg, r.rights, ind);
    map_result_free(&r);
    map_result_free(&r);   /* idempotent */
    pac_info_free(pac);
    conf_free(cfg);
}

static void multi_right_line(void **state)
{
    conf_config *cfg = load_cfg("", "        map = rid:1106 admin, join\n");
    tb_logon li = tb_logon_example();
    pac_info *pac = make_pac(&li, NULL);
    map_result r;
    (void)state;

    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_int_equal(r.rights,
                     CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER | CONF_RIGHT_JOIN);
    assert_int_equal(r.grant_count, 3);
    assert_grant(&r.grants[0], "admin", false, "rid:1106 admin, join",
                 DOM "-1106", PAC_SID_GROUP, 1);
    assert_grant(&r.grants[1], "join", false, "rid:1106 admin, join",
                 DOM "-1106", PAC_SID_GROUP, 1);
    assert_grant(&r.grants[2], "viewer", true, "rid:1106 admin, join",
                 DOM "-1106", PAC_SID_GROUP, 1);
    map_result_free(&r);
    pac_info_free(pac);
    conf_free(cfg);
}

/* 513 is both the primary group and GroupIds[0]: one grant. */
static void same_sid_twice_in_pac(void **state)
{
    conf_config *cfg = load_cfg("", "        map = rid:513 join\n");
    tb_logon li = tb_logon_example();
    pac_info *pac = make_pac(&li, NULL);
    map_result r;
    (void)state;

    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_int_equal(r.rights, CONF_RIGHT_JOIN);
    assert_int_equal(r.grant_count, 1);
    assert_grant(&r.grants[0], "join", false, "rid:513 join", DOM "-513",
                 PAC_SID_PRIMARY_GROUP, 0);
    map_result_free(&r);
    pac_info_free(pac);
    conf_free(cfg);
}

static void several_mappings_same_right(void **state)
{
    conf_config *cfg = load_cfg("", "        map = rid:1107 join\n"
                                "        map = rid:1106 join\n"
                                "        map = user:Alice join\n");
    tb_logon li = tb_logon_example();
    pac_info *pac = make_pac(&li, NULL);
    map_result r;
    (void)state;

    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_int_equal(r.rights, CONF_RIGHT_JOIN);
    assert_int_equal(r.grant_count, 3);
    /* The user-name mapping first, then PAC SID order. */
    assert_grant(&r.grants[0], "join", false, "user:Alice join",
                 DOM "-1103", PAC_SID_USER, 0);
    assert_grant(&r.grants[1], "join", false, "rid:1106 join",
                 DOM "-1106", PAC_SID_GROUP, 1);
    assert_grant(&r.grants[2], "join", false, "rid:1107 join",
                 DOM "-1107", PAC_SID_GROUP, 2);
    map_result_free(&r);
    pac_info_free(pac);
    conf_free(cfg);
}

static void custom_right_by_user_name(void **state)
{
    conf_config *cfg = load_cfg("    rights = operator\n",
                                "        map = user:BOB operator\n");
    tb_logon li = tb_logon_example();
    pac_info *pac;
    map_result r;
    static const char *const ind[] = { "adbridge-operator", NULL };
    (void)state;

    li.effective_name = "bob";
    pac = make_pac(&li, NULL);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_false(r.refused);
    assert_int_equal(r.rights, OPERATOR);
    assert_int_equal(r.grant_count, 1);
    assert_grant(&r.grants[0], "operator", false, "user:BOB operator",
                 DOM "-1103", PAC_SID_USER, 0);
    assert_int_equal(r.grants[0].mapping->kind, CONF_MAP_USER_NAME);
    assert_indicators(cfg, r.rights, ind);
    map_result_free(&r);
    pac_info_free(pac);

    /* alice has no mapping: refused (refuse_without_rights default). */
    li.effective_name = "alice";
    pac = make_pac(&li, NULL);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_NO_RIGHTS,
                   "no mapping of trust " REALM " grants a right");
    map_result_free(&r);
    pac_info_free(pac);
    conf_free(cfg);
}

static void user_sid_mapping(void **state)
{
    static const pac_group with_1105[] = { { 513, 7 }, { 1105, 7 } };
    conf_config *cfg = load_cfg("", "        map = user:" DOM "-1105 join\n");
    tb_logon li = tb_logon_example();
    pac_info *pac;
    map_result r;
    (void)state;

    li.user_rid = 1105;
    pac = make_pac(&li, DOM "-1105");
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_int_equal(r.rights, CONF_RIGHT_JOIN);
    assert_int_equal(r.grant_count, 1);
    assert_grant(&r.grants[0], "join", false, "user:" DOM "-1105 join",
                 DOM "-1105", PAC_SID_USER, 0);
    assert_int_equal(r.grants[0].mapping->kind, CONF_MAP_USER_SID);
    map_result_free(&r);
    pac_info_free(pac);

    /* The same SID as a group of another user does not match user:. */
    li = tb_logon_example();
    li.groups = with_1105;
    li.group_count = 2;
    pac = make_pac(&li, NULL);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_NO_RIGHTS,
                   "no mapping of trust " REALM " grants a right");
    map_result_free(&r);
    pac_info_free(pac);
    conf_free(cfg);
}

/* 2000 mappings: the hashed lookup finds the right ones. */
static void many_mappings(void **state)
{
    static const pac_group groups[] = { { 513, 7 }, { 2500, 7 }, { 2999, 7 },
                                        { 4000, 7 } };
    char *lines = malloc(2000 * 32);
    char *p = lines;
    conf_config *cfg;
    tb_logon li = tb_logon_example();
    pac_info *pac;
    map_result r;
    uint32_t rid;
    (void)state;

    assert_non_null(lines);
    for (rid = 1000; rid < 3000; rid++)
        p += sprintf(p, "        map = rid:%u %s\n", rid,
                     rid % 2 ? "join" : "viewer");
    cfg = load_cfg("", lines);
    free(lines);
    assert_int_equal(trust_of(cfg)->map_count, 2000);
    li.user_rid = 5000;   /* outside the mapped range */
    li.groups = groups;
    li.group_count = 4;
    pac = make_pac(&li, NULL);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_int_equal(r.rights, CONF_RIGHT_VIEWER | CONF_RIGHT_JOIN);
    assert_int_equal(r.grant_count, 2);
    assert_grant(&r.grants[0], "viewer", false, "rid:2500 viewer",
                 DOM "-2500", PAC_SID_GROUP, 1);
    assert_grant(&r.grants[1], "join", false, "rid:2999 join",
                 DOM "-2999", PAC_SID_GROUP, 2);
    map_result_free(&r);
    pac_info_free(pac);
    conf_free(cfg);
}

/* ------------------------------------------------------------------ */
/* SID filtering: one ExtraSid per rule                                 */

typedef struct filter_case {
    const char *sid;
    uint32_t attr;
    map_drop_rule rule;
    const char *rule_name;
} filter_case;

static void filter_rules(void **state)
{
    static const filter_case cases[] = {
        { "S-1-5-32-544", 7, MAP_DROP_BUILTIN, "builtin" },
        { "S-1-5-32-545", 7, MAP_DROP_BUILTIN, "builtin" },
        { "S-1-5-32-557", 7, MAP_DROP_BUILTIN, "builtin" },
        { LOCALSID "-512", 7, MAP_DROP_LOCAL_DOMAIN, "local-domain" },
        { LOCALSID "-1106", 7, MAP_DROP_LOCAL_DOMAIN, "local-domain" },
        { LOCALSID, 7, MAP_DROP_LOCAL_DOMAIN, "local-domain" },
        { "S-1-0-0", 7, MAP_DROP_WELL_KNOWN, "well-known" },
        { "S-1-1-0", 7, MAP_DROP_WELL_KNOWN, "well-known" },
        { "S-1-2-0", 7, MAP_DROP_WELL_KNOWN, "well-known" },
        { "S-1-2-1", 7, MAP_DROP_WELL_KNOWN, "well-known" },
        { "S-1-3-0", 7, MAP_DROP_WELL_KNOWN, "well-known" },
        { "S-1-3-4", 7, MAP_DROP_WELL_KNOWN, "well-known" },
        { "S-1-5-1", 7, MAP_DROP_WELL_KNOWN, "well-known" },
        { "S-1-5-9", 7, MAP_DROP_WELL_KNOWN, "well-known" },
        { "S-1-5-11", 7, MAP_DROP_WELL_KNOWN, "well-known" },
        { "S-1-5-18", 7, MAP_DROP_WELL_KNOWN, "well-known" },
        { "S-1-5-20", 7, MAP_DROP_WELL_KNOWN, "well-known" },
        { "S-1-5-21-9-9-9-512", 7, MAP_DROP_OUTSIDE,
          "outside-trusted-domain" },
        { "S-1-5-21-0-0-0-497", 7, MAP_DROP_OUTSIDE,
          "outside-trusted-domain" },
        { DOM, 7, MAP_DROP_OUTSIDE, "outside-trusted-domain" },
        { DOM "-1106-1", 7, MAP_DROP_OUTSIDE, "outside-trusted-domain" },
        { "S-1-5-21", 7, MAP_DROP_OUTSIDE, "outside-trusted-domain" },
        { "S-1-16-12288", 7, MAP_DROP_OUTSIDE, "outside-trusted-domain" },
        /* In the trusted domain and mapped (admin), but deny-only. */
        { DOM "-1106", 7 | PAC_SE_GROUP_USE_FOR_DENY_ONLY,
          MAP_DROP_DENY_ONLY, "deny-only" },
    };
    conf_config *lenient = load_cfg("", "        refuse_without_rights = no\n"
                                    "        map = rid:1106 admin\n");
    conf_config *strict = load_cfg("", "        map = rid:1106 admin\n");
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *extra[] = { cases[i].sid };
        /* Only primary group 513 + GroupIds[0] = 513: nothing mapped. */
        tb_logon li = user_with(1, extra, &cases[i].attr);
        pac_info *pac = make_pac(&li, NULL);
        map_result r;

        print_message("  %s -> %s\n", cases[i].sid, cases[i].rule_name);
        assert_int_equal(map_evaluate(lenient, trust_of(lenient), pac, &r),
                         ADB_OK);
        assert_false(r.refused);
        assert_int_equal(r.rights, 0);
        assert_int_equal(r.grant_count, 0);
        assert_int_equal(r.dropped_count, 1);
        assert_sid(&r.dropped[0].sid, cases[i].sid);
        assert_int_equal(r.dropped[0].rule, cases[i].rule);
        assert_string_equal(map_drop_rule_name(r.dropped[0].rule),
                            cases[i].rule_name);
        assert_int_equal(r.dropped[0].source, PAC_SID_EXTRA);
        assert_int_equal(r.dropped[0].index, 0);
        map_result_free(&r);

        /* With refuse_without_rights: refused, the drop still reported. */
        assert_int_equal(map_evaluate(strict, trust_of(strict), pac, &r),
                         ADB_OK);
        assert_refused(&r, MAP_REFUSAL_NO_RIGHTS,
                       "no mapping of trust " REALM " grants a right");
        assert_int_equal(r.dropped_count, 1);
        assert_int_equal(r.dropped[0].rule, cases[i].rule);
        map_result_free(&r);
        pac_info_free(pac);
    }
    conf_free(lenient);
    conf_free(strict);
}

/* S-1-18-* survives and can be mapped. */
static void asserted_identity_kept(void **state)
{
    conf_config *cfg = load_cfg("", "        map = sid:S-1-18-2 viewer\n");
    const char *extra[] = { "S-1-18-2" };
    tb_logon li = user_with(1, extra, NULL);
    pac_info *pac = make_pac(&li, NULL);
    map_result r;
    (void)state;

    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_int_equal(r.dropped_count, 0);
    assert_int_equal(r.rights, CONF_RIGHT_VIEWER);
    assert_grant(&r.grants[0], "viewer", false, "sid:S-1-18-2 viewer",
                 "S-1-18-2", PAC_SID_EXTRA, 0);
    map_result_free(&r);
    pac_info_free(pac);
    conf_free(cfg);
}

static void map_sid_rule_direct(void **state)
{
    conf_config *cfg = load_cfg("", "");
    adb_sid sid;
    (void)state;

    assert_int_equal(adb_sid_parse(DOM "-512", &sid), ADB_OK);
    assert_int_equal(map_sid_rule(cfg, trust_of(cfg), &sid), MAP_KEEP);
    assert_int_equal(adb_sid_parse("S-1-5-21-9-9-9-512", &sid), ADB_OK);
    assert_int_equal(map_sid_rule(cfg, trust_of(cfg), &sid),
                     MAP_DROP_OUTSIDE);
    assert_int_equal(adb_sid_parse("S-1-18-1", &sid), ADB_OK);
    assert_int_equal(map_sid_rule(cfg, trust_of(cfg), &sid), MAP_KEEP);
    assert_int_equal(adb_sid_parse("S-1-18", &sid), ADB_OK);
    assert_int_equal(map_sid_rule(cfg, trust_of(cfg), &sid),
                     MAP_DROP_OUTSIDE);
    assert_int_equal(adb_sid_parse("S-1-5-21", &sid), ADB_OK);
    assert_int_equal(map_sid_rule(cfg, trust_of(cfg), &sid),
                     MAP_DROP_OUTSIDE);
    conf_free(cfg);
}

/* ------------------------------------------------------------------ */
/* Refusals                                                             */

static void resource_groups_refused(void **state)
{
    static const pac_group res[] = {
        { 1106, 7 | PAC_SE_GROUP_RESOURCE }
    };
    conf_config *cfg = load_cfg("", "        map = rid:1106 admin\n");
    tb_logon li = tb_logon_example();
    pac_info *pac;
    map_result r;
    (void)state;

    li.user_flags |= PAC_USER_FLAG_RESOURCE_GROUPS;
    li.resource_domain_sid = DOM;
    li.resource_count = 1;
    li.resource_groups = res;
    pac = make_pac(&li, NULL);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_RESOURCE_GROUPS,
                   "the cross-realm TGT carries 1 resource group(s)");
    assert_string_equal(map_refusal_name(r.refusal), "resource-groups");
    assert_int_equal(r.dropped_count, 1);
    assert_sid(&r.dropped[0].sid, DOM "-1106");
    assert_int_equal(r.dropped[0].source, PAC_SID_RESOURCE_GROUP);
    assert_string_equal(map_drop_rule_name(r.dropped[0].rule),
                        "resource-group");
    map_result_free(&r);
    pac_info_free(pac);

    /* A resource domain outside the trust: outside-trusted-domain. */
    li.resource_domain_sid = "S-1-5-21-9-9-9";
    pac = make_pac(&li, NULL);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_int_equal(r.refusal, MAP_REFUSAL_RESOURCE_GROUPS);
    assert_int_equal(r.dropped_count, 1);
    assert_int_equal(r.dropped[0].rule, MAP_DROP_OUTSIDE);
    map_result_free(&r);
    pac_info_free(pac);
    conf_free(cfg);
}

static void logon_domain_sid_mismatch(void **state)
{
    conf_config *cfg = load_cfg("", "        map = rid:1106 admin\n");
    tb_logon li = tb_logon_example();
    pac_info *pac;
    map_result r;
    (void)state;

    li.domain_sid = "S-1-5-21-9-9-9";
    pac = make_pac(&li, NULL);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_LOGON_DOMAIN_SID,
                   "LogonDomainId S-1-5-21-9-9-9 is not the domain_sid "
                   DOM " of trust " REALM);
    assert_string_equal(map_refusal_name(r.refusal), "logon-domain-sid");
    assert_int_equal(r.dropped_count, 0);
    map_result_free(&r);
    pac_info_free(pac);

    /* The local domain claiming to be the user's domain. */
    li.domain_sid = LOCALSID;
    pac = make_pac(&li, NULL);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_int_equal(r.refusal, MAP_REFUSAL_LOGON_DOMAIN_SID);
    map_result_free(&r);
    pac_info_free(pac);
    conf_free(cfg);
}

static void logon_domain_name(void **state)
{
    conf_config *cfg = load_cfg("", "        map = rid:1106 admin\n");
    tb_logon li = tb_logon_example();
    pac_info *pac;
    map_result r;
    (void)state;

    li.logon_domain = "EVIL";
    pac = make_pac(&li, NULL);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_LOGON_DOMAIN_NAME,
                   "LogonDomainName \"EVIL\" is not the netbios_name "
                   "\"ADEX\" of trust " REALM);
    assert_string_equal(map_refusal_name(r.refusal), "logon-domain-name");
    map_result_free(&r);
    pac_info_free(pac);

    li.logon_domain = NULL;
    pac = make_pac(&li, NULL);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_LOGON_DOMAIN_NAME,
                   "LogonDomainName \"\" is not the netbios_name "
                   "\"ADEX\" of trust " REALM);
    map_result_free(&r);
    pac_info_free(pac);

    /* Case-insensitive. */
    li.logon_domain = "adex";
    pac = make_pac(&li, NULL);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_false(r.refused);
    assert_int_equal(r.rights, CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER);
    map_result_free(&r);
    pac_info_free(pac);
    conf_free(cfg);
}

static void requestor(void **state)
{
    conf_config *cfg = load_cfg("", "        map = rid:1106 admin\n");
    tb_logon li = tb_logon_example();
    pac_info *pac;
    map_result r;
    (void)state;

    pac = make_pac(&li, DOM "-1104");
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_REQUESTOR,
                   "REQUESTOR " DOM "-1104 is not the user SID");
    assert_string_equal(map_refusal_name(r.refusal), "requestor-mismatch");
    map_result_free(&r);
    pac_info_free(pac);

    pac = make_pac(&li, DOM "-1103");
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &r), ADB_OK);
    assert_false(r.refused);
    map_result_free(&r);
    pac_info_free(pac);
    conf_free(cfg);
}

/* @a and @b are the same decision: refusal, rights, grants (right,
 * implied, map line, SID and where it came from), dropped SIDs. */
static void assert_same_result(const map_result *a, const map_result *b)
{
    size_t i;

    assert_int_equal(a->refused, b->refused);
    assert_int_equal(a->refusal, b->refusal);
    assert_int_equal(a->rights, b->rights);
    assert_int_equal(a->grant_count, b->grant_count);
    for (i = 0; i < a->grant_count; i++) {
        assert_int_equal(a->grants[i].right, b->grants[i].right);
        assert_int_equal(a->grants[i].implied, b->grants[i].implied);
        assert_ptr_equal(a->grants[i].mapping, b->grants[i].mapping);
        assert_true(adb_sid_equal(&a->grants[i].sid, &b->grants[i].sid));
        assert_int_equal(a->grants[i].source, b->grants[i].source);
        assert_int_equal(a->grants[i].index, b->grants[i].index);
    }
    assert_int_equal(a->dropped_count, b->dropped_count);
    for (i = 0; i < a->dropped_count; i++) {
        assert_true(adb_sid_equal(&a->dropped[i].sid, &b->dropped[i].sid));
        assert_int_equal(a->dropped[i].rule, b->dropped[i].rule);
        assert_int_equal(a->dropped[i].source, b->dropped[i].source);
        assert_int_equal(a->dropped[i].index, b->dropped[i].index);
    }
}

/* map_evaluate judges the decoder's user, primary group and GroupId
 * entries from LOGON_INFO (pac_info.logon_domain_sids) and a copy of the
 * pac_info with its own SID list SID by SID: both give the same decision,
 * grants and filtered list, with few mappings (RID list) and with many
 * (hash only), deny-only groups, ExtraSids in and out of the domain and a
 * user-SID mapping included. */
static void rid_path_equals_sid_path(void **state)
{
    static const pac_group groups[] = {
        { 513, 7 }, { 1106, 7 }, { 1107, 0x17 }, { 1108, 7 }, { 1109, 7 },
        { 1170, 7 }, { 1106 + 64, 7 }, { 1, 7 }, { 0xffffffffu, 7 },
    };
    static const char *const extra[] = { DOM "-1110" };
    static const uint32_t extra_attr[] = { 7 };
    static const char *const trusts[] = {
        "        map = rid:1106 admin\n"
        "        map = rid:1107 viewer\n",
        "        map = rid:1170 viewer\n"
        "        map = sid:" DOM "-1110 operator\n"
        "        map = user:" DOM "-1103 join\n"
        "        map = rid:1108 join\n",
        "        map = rid:1 viewer\n"
        "        map = rid:4294967295 admin\n"
        "        map = rid:2000 admin\n"
        "        map = rid:2001 admin\n"
        "        map = rid:2002 admin\n"
        "        map = rid:2003 admin\n"
        "        map = rid:2004 admin\n"
        "        map = rid:2005 admin\n"
        "        map = rid:1109 operator\n"
        "        map = user:alice join\n"
        "        map = sid:S-1-18-1 admin\n",
        "        map = rid:1103 admin\n",
        "        map = user:" DOM "-1106 admin\n",
    };
    size_t t, variant;

    (void)state;
    for (t = 0; t < sizeof(trusts) / sizeof(trusts[0]); t++) {
        conf_config *cfg = load_cfg("    rights = operator\n", trusts[t]);

        for (variant = 0; variant < 3; variant++) {
            tb_logon li = tb_logon_example();
            pac_info *pac, *lazy, copy;
            pac_sid_entry *sids;
            map_result a, b, c;

            li.groups = groups;
            li.group_count = sizeof(groups) / sizeof(groups[0]);
            if (variant == 1) {
                li.extra_sids = extra;
                li.extra_attrs = extra_attr;
            } else if (variant == 2) {
                li.group_count = 0;
            }
            pac = make_pac(&li, NULL);
            /* the KDC's decode: GroupIds' entries made on demand */
            lazy = make_pac_flags(&li, NULL, PAC_DECODE_LAZY_GROUPS);
            assert_int_equal(lazy->lazy_group_sids, li.group_count > 0);
            assert_ptr_equal(pac->logon_domain_sids, pac->sids);
            copy = *pac;
            sids = calloc(pac->sid_count, sizeof(*sids));
            assert_non_null(sids);
            memcpy(sids, pac->sids, pac->sid_count * sizeof(*sids));
            copy.sids = sids;
            assert_int_equal(map_evaluate(cfg, trust_of(cfg), pac, &a),
                             ADB_OK);
            assert_int_equal(map_evaluate(cfg, trust_of(cfg), &copy, &b),
                             ADB_OK);
            assert_int_equal(map_evaluate(cfg, trust_of(cfg), lazy, &c),
                             ADB_OK);
            assert_same_result(&a, &b);
            assert_same_result(&a, &c);
            /* the example's groups grant something in most configs */
            if (t == 0 && variant != 2)
                assert_int_equal(a.rights,
                                 CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER);
            if (t == 0 && variant == 0)
                assert_int_equal(a.dropped_count, 1);   /* deny-only 1107 */
            map_result_free(&a);
            map_result_free(&b);
            map_result_free(&c);
            free(sids);
            pac_info_free(pac);
            pac_info_free(lazy);
        }
        conf_free(cfg);
    }
}

/* The user and primary-group SIDs are LogonDomainId + RID, so once the
 * LogonDomainId check passed they are in the domain; check the rule on a
 * pac_info whose SID list was altered after decoding. */
static void user_and_primary_group_outside(void **state)
{
    conf_config *cfg = load_cfg("", "        map = rid:1106 admin\n");
    tb_logon li = tb_logon_example();
    pac_info *pac = make_pac(&li, NULL);
    pac_info copy = *pac;
    pac_sid_entry *sids = calloc(pac->sid_count, sizeof(*sids));
    map_result r;
    (void)state;

    assert_non_null(sids);
    memcpy(sids, pac->sids, pac->sid_count * sizeof(*sids));
    copy.sids = sids;
    assert_int_equal(sids[0].source, PAC_SID_USER);
    assert_int_equal(adb_sid_parse("S-1-5-21-9-9-9-1103", &sids[0].sid),
                     ADB_OK);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), &copy, &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_USER_SID,
                   "the user SID S-1-5-21-9-9-9-1103 is not in the trusted "
                   "domain " DOM);
    assert_string_equal(map_refusal_name(r.refusal), "user-sid");
    assert_int_equal(r.dropped_count, 1);
    assert_int_equal(r.dropped[0].rule, MAP_DROP_OUTSIDE);
    map_result_free(&r);

    sids[0] = pac->sids[0];
    assert_int_equal(sids[1].source, PAC_SID_PRIMARY_GROUP);
    assert_int_equal(adb_sid_parse("S-1-5-32-544", &sids[1].sid), ADB_OK);
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), &copy, &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_PRIMARY_GROUP,
                   "the primary group SID S-1-5-32-544 is not in the "
                   "trusted domain " DOM);
    assert_string_equal(map_refusal_name(r.refusal), "primary-group-sid");
    assert_int_equal(r.dropped_count, 1);
    assert_int_equal(r.dropped[0].rule, MAP_DROP_BUILTIN);
    map_result_free(&r);

    /* A deny-only primary group is dropped but not refused. */
    sids[1] = pac->sids[1];
    sids[1].attributes |= PAC_SE_GROUP_USE_FOR_DENY_ONLY;
    assert_int_equal(map_evaluate(cfg, trust_of(cfg), &copy, &r), ADB_OK);
    assert_false(r.refused);
    assert_int_equal(r.rights, CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER);
    assert_int_equal(r.dropped_count, 1);
    assert_int_equal(r.dropped[0].source, PAC_SID_PRIMARY_GROUP);
    assert_int_equal(r.dropped[0].rule, MAP_DROP_DENY_ONLY);
    map_result_free(&r);
    free(sids);
    pac_info_free(pac);
    conf_free(cfg);
}

static void no_pac(void **state)
{
    conf_config *req = load_cfg("", "        map = rid:1106 admin\n");
    conf_config *opt = load_cfg("", "        require_pac = false\n"
                                "        refuse_without_rights = false\n");
    conf_config *opt_refuse = load_cfg("", "        require_pac = false\n");
    map_result r;
    (void)state;

    assert_int_equal(map_evaluate(req, trust_of(req), NULL, &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_NO_PAC,
                   "the ticket has no PAC and trust " REALM " requires one");
    assert_string_equal(map_refusal_name(r.refusal), "no-pac");
    map_result_free(&r);

    assert_int_equal(map_evaluate(opt, trust_of(opt), NULL, &r), ADB_OK);
    assert_false(r.refused);
    assert_int_equal(r.rights, 0);
    assert_int_equal(r.grant_count, 0);
    map_result_free(&r);

    assert_int_equal(map_evaluate(opt_refuse, trust_of(opt_refuse), NULL,
                                  &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_NO_RIGHTS,
                   "no mapping of trust " REALM " grants a right");
    map_result_free(&r);
    conf_free(req);
    conf_free(opt);
    conf_free(opt_refuse);
}

static void no_logon_info(void **state)
{
    conf_config *req = load_cfg("", "        map = rid:1106 admin\n");
    conf_config *opt = load_cfg("", "        require_pac = false\n");
    tb upn = { 0 }, s6 = { 0 }, s7 = { 0 }, bytes = { 0 };
    tb_buf bufs[3];
    pac_info *pac;
    map_result r;
    (void)state;

    tb_upn_dns_info(&upn, "alice@ad.example.com", "AD.EXAMPLE.COM", 0,
                    NULL, NULL);
    tb_signature(&s6, 16, 12, -1);
    tb_signature(&s7, 16, 12, -1);
    bufs[0] = (tb_buf){ PAC_TYPE_UPN_DNS_INFO, &upn };
    bufs[1] = (tb_buf){ PAC_TYPE_SERVER_CHECKSUM, &s6 };
    bufs[2] = (tb_buf){ PAC_TYPE_PRIVSVR_CHECKSUM, &s7 };
    tb_pac(&bytes, bufs, 3);
    pac = decode(&bytes);
    assert_null(pac->logon_info);

    assert_int_equal(map_evaluate(req, trust_of(req), pac, &r), ADB_OK);
    assert_refused(&r, MAP_REFUSAL_NO_LOGON_INFO,
                   "the PAC has no LOGON_INFO and trust " REALM
                   " requires one");
    assert_string_equal(map_refusal_name(r.refusal), "no-logon-info");
    map_result_free(&r);

    assert_int_equal(map_evaluate(opt, trust_of(opt), pac, &r), ADB_OK);
    assert_int_equal(r.refusal, MAP_REFUSAL_NO_RIGHTS);
    map_result_free(&r);

    pac_info_free(pac);
    tb_free(&upn);
    tb_free(&s6);
    tb_free(&s7);
    tb_free(&bytes);
    conf_free(req);
    conf_free(opt);
}

/* ------------------------------------------------------------------ */
/* Indicators, names, misuse                                            */

static void indicators(void **state)
{
    conf_config *cfg = load_cfg("    indicator_prefix = krb-\n"
                                "    rights = operator auditor\n", "");
    static const char *const all[] = { "krb-admin", "krb-viewer", "krb-join",
                                       "krb-operator", "krb-auditor", NULL };
    static const char *const some[] = { "krb-join", "krb-auditor", NULL };
    static const char *const none[] = { NULL };
    char **list = (char **)(uintptr_t)1;
    (void)state;

    assert_indicators(cfg, 0x1f, all);
    assert_indicators(cfg, CONF_RIGHT_JOIN | (1u << 4), some);
    assert_indicators(cfg, 0, none);
    /* Bits without a right are ignored. */
    assert_indicators(cfg, 1u << 20, none);
    assert_int_equal(map_indicators(NULL, 1, &list, NULL), ADB_ERR_INVALID);
    assert_null(list);
    assert_int_equal(map_indicators(cfg, 1, NULL, NULL), ADB_ERR_INVALID);
    assert_int_equal(map_indicators(cfg, CONF_RIGHT_ADMIN, &list, NULL),
                     ADB_OK);
    assert_string_equal(list[0], "krb-admin");
    assert_null(list[1]);
    free(list);
    conf_free(cfg);
}

static void names_and_misuse(void **state)
{
    conf_config *cfg = load_cfg("", "");
    map_result r;
    (void)state;

    assert_string_equal(map_drop_rule_name(MAP_KEEP), "keep");
    assert_string_equal(map_drop_rule_name(MAP_DROP_WELL_KNOWN),
                        "well-known");
    assert_string_equal(map_drop_rule_name(MAP_DROP_LOCAL_DOMAIN),
                        "local-domain");
    assert_string_equal(map_refusal_name(MAP_REFUSAL_NONE), "none");
    assert_string_equal(map_refusal_name(MAP_REFUSAL_NO_RIGHTS), "no-rights");

    assert_int_equal(map_evaluate(cfg, trust_of(cfg), NULL, NULL),
                     ADB_ERR_INVALID);
    assert_int_equal(map_evaluate(NULL, trust_of(cfg), NULL, &r),
                     ADB_ERR_INVALID);
    assert_false(r.refused);
    assert_int_equal(r.grant_count, 0);
    map_result_free(&r);
    assert_int_equal(map_evaluate(cfg, NULL, NULL, &r), ADB_ERR_INVALID);
    map_result_free(&r);
    map_result_free(NULL);
    conf_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_user),
        cmocka_unit_test(multi_right_line),
        cmocka_unit_test(same_sid_twice_in_pac),
        cmocka_unit_test(several_mappings_same_right),
        cmocka_unit_test(custom_right_by_user_name),
        cmocka_unit_test(user_sid_mapping),
        cmocka_unit_test(many_mappings),
        cmocka_unit_test(filter_rules),
        cmocka_unit_test(asserted_identity_kept),
        cmocka_unit_test(map_sid_rule_direct),
        cmocka_unit_test(resource_groups_refused),
        cmocka_unit_test(logon_domain_sid_mismatch),
        cmocka_unit_test(logon_domain_name),
        cmocka_unit_test(requestor),
        cmocka_unit_test(user_and_primary_group_outside),
        cmocka_unit_test(rid_path_equals_sid_path),
        cmocka_unit_test(no_pac),
        cmocka_unit_test(no_logon_info),
        cmocka_unit_test(indicators),
        cmocka_unit_test(names_and_misuse),
    };

    return cmocka_run_group_tests(tests, unit_group_setup, unit_group_teardown);
}
