/* SPDX-License-Identifier: MIT */
/* test_conf.c - loading and checking the configuration (conf.h): a full
 * file, defaults, every bad-config case with its exact message, right-name
 * parsing.  Config files are written to mkstemp() files and removed. */
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

#define DOM "S-1-5-21-3623811015-3361044348-30300820"
#define LOCALSID "S-1-5-21-1111111111-2222222222-3333333333"

#define GLOBAL \
    "[adbridge]\n" \
    "    local_realm = LOCAL.EXAMPLE\n" \
    "    local_domain_sid = " LOCALSID "\n"
#define TRUST_OPEN \
    "[trusts]\n" \
    "    AD.EXAMPLE.COM = {\n" \
    "        netbios_name = ADEX\n" \
    "        domain_sid = " DOM "\n"
#define TRUST_CLOSE "    }\n"

/* Write @text to a new temporary file; its name goes to @path. */
static void write_tmp(char path[64], const char *text)
{
    tmp_write(path, 64, "conf", text);
}

/* Load @text; *cfg_out NULL unless ADB_OK. */
static adb_err load_text(const char *text, conf_config **cfg_out,
                         conf_problems *pr)
{
    char path[64];
    adb_err ret;

    write_tmp(path, text);
    *cfg_out = (conf_config *)(uintptr_t)1;   /* must be cleared */
    ret = conf_load(path, cfg_out, pr);
    assert_int_equal(unlink(path), 0);
    return ret;
}

static void dump(const conf_problems *pr)
{
    size_t i;

    for (i = 0; i < pr->count; i++)
        print_message("  problem: %s\n", pr->messages[i]);
}

/* @text must be refused with exactly the NULL-terminated @expected. */
static void expect_problems(const char *text, const char *const *expected)
{
    conf_problems pr;
    conf_config *cfg;
    size_t n = 0, i;
    adb_err ret;

    conf_problems_init(&pr);
    ret = load_text(text, &cfg, &pr);
    while (expected[n] != NULL)
        n++;
    if (pr.count != n)
        dump(&pr);
    assert_int_equal(ret, ADB_ERR_MALFORMED);
    assert_null(cfg);
    assert_int_equal(pr.count, n);
    for (i = 0; i < n; i++) {
        if (strcmp(pr.messages[i], expected[i]) != 0)
            dump(&pr);
        assert_string_equal(pr.messages[i], expected[i]);
    }
    conf_problems_free(&pr);
}

#define EXPECT(text, ...) do { \
        static const char *const exp_[] = { __VA_ARGS__, NULL }; \
        expect_problems(text, exp_); \
    } while (0)

static conf_config *load_ok(const char *text)
{
    conf_problems pr;
    conf_config *cfg;
    adb_err ret;

    conf_problems_init(&pr);
    ret = load_text(text, &cfg, &pr);
    if (ret != ADB_OK)
        dump(&pr);
    assert_int_equal(ret, ADB_OK);
    assert_int_equal(pr.count, 0);
    assert_non_null(cfg);
    conf_problems_free(&pr);
    return cfg;
}

/* ------------------------------------------------------------------ */

static void full_file(void **state)
{
    static const char text[] =
        "# the full sample\n"
        "[adbridge]\n"
        "    local_realm = LOCAL.EXAMPLE\n"
        "    local_domain_sid = " LOCALSID "\n"
        "    indicator_prefix = krb-\n"
        "    rights = operator, auditor\n"
        "    rights = backup\n"
        "    audit_log = /var/log/adbridge/audit.jsonl\n"
        "[trusts]\n"
        "    AD.EXAMPLE.COM = {\n"
        "        netbios_name = ADEX\n"
        "        domain_sid = " DOM "\n"
        "        direction = two-way\n"
        "        sid_filtering = quarantine\n"
        "        require_pac = true\n"
        "        refuse_without_rights = false\n"
        "        kdc = dc1.ad.example.com\n"
        "        kdc = dc2.ad.example.com\n"
        "        map = rid:1106 admin\n"
        "        map = sid:" DOM "-1107 viewer\n"
        "        map = user:" DOM "-1105 join\n"
        "        map = user:Bob operator, join\n"
        "        map = sid:S-1-18-1 backup\n"
        "    }\n"
        "    OTHER.EXAMPLE = {\n"
        "        netbios_name = OTHER\n"
        "        domain_sid = S-1-5-21-1-2-3\n"
        "        require_pac = no\n"
        "    }\n";
    conf_config *cfg = load_ok(text);
    const conf_trust *t;
    adb_sid sid;
    (void)state;

    assert_string_equal(cfg->local_realm, "LOCAL.EXAMPLE");
    assert_int_equal(adb_sid_parse(LOCALSID, &sid), ADB_OK);
    assert_true(adb_sid_equal(&cfg->local_domain_sid, &sid));
    assert_string_equal(cfg->indicator_prefix, "krb-");
    assert_string_equal(cfg->audit_log, "/var/log/adbridge/audit.jsonl");
    assert_int_equal(cfg->right_count, 6);
    assert_string_equal(cfg->right_names[0], "admin");
    assert_string_equal(cfg->right_names[1], "viewer");
    assert_string_equal(cfg->right_names[2], "join");
    assert_string_equal(cfg->right_names[3], "operator");
    assert_string_equal(cfg->right_names[4], "auditor");
    assert_string_equal(cfg->right_names[5], "backup");
    assert_int_equal(cfg->trust_count, 2);

    t = conf_find_trust(cfg, "AD.EXAMPLE.COM");
    assert_non_null(t);
    assert_null(conf_find_trust(cfg, "ad.example.com"));
    assert_string_equal(t->netbios_name, "ADEX");
    assert_int_equal(adb_sid_parse(DOM, &sid), ADB_OK);
    assert_true(adb_sid_equal(&t->domain_sid, &sid));
    assert_int_equal(t->direction, CONF_DIRECTION_TWO_WAY);
    assert_string_equal(conf_direction_name(t->direction), "two-way");
    assert_int_equal(t->sid_filtering, CONF_FILTER_QUARANTINE);
    assert_true(t->require_pac);
    assert_false(t->refuse_without_rights);
    assert_int_equal(t->kdc_count, 2);
    assert_string_equal(t->kdcs[0], "dc1.ad.example.com");
    assert_string_equal(t->kdcs[1], "dc2.ad.example.com");
    assert_int_equal(t->map_count, 5);

    assert_int_equal(t->maps[0].kind, CONF_MAP_RID);
    assert_int_equal(adb_sid_parse(DOM "-1106", &sid), ADB_OK);
    assert_true(adb_sid_equal(&t->maps[0].sid, &sid));
    assert_int_equal(t->maps[0].rights, CONF_RIGHT_ADMIN);
    assert_string_equal(t->maps[0].text, "rid:1106 admin");
    assert_int_equal(t->maps[0].line, 1);

    assert_int_equal(t->maps[1].kind, CONF_MAP_SID);
    assert_int_equal(t->maps[1].rights, CONF_RIGHT_VIEWER);
    assert_int_equal(t->maps[2].kind, CONF_MAP_USER_SID);
    assert_int_equal(t->maps[2].rights, CONF_RIGHT_JOIN);
    assert_int_equal(t->maps[3].kind, CONF_MAP_USER_NAME);
    assert_string_equal(t->maps[3].name, "Bob");
    assert_int_equal(t->maps[3].rights, (1u << 3) | CONF_RIGHT_JOIN);
    assert_int_equal(t->maps[4].kind, CONF_MAP_SID);
    assert_int_equal(t->maps[4].rights, 1u << 5);
    assert_int_equal(t->maps[4].line, 5);
    assert_int_equal(t->name_count, 1);
    assert_true(t->sid_slot_count >= 8);

    t = conf_find_trust(cfg, "OTHER.EXAMPLE");
    assert_non_null(t);
    assert_false(t->require_pac);
    assert_true(t->refuse_without_rights);
    assert_int_equal(t->map_count, 0);
    conf_free(cfg);
}

/* log_decisions unset: refusals with an audit log (it has every decision),
 * all without one; set, it is what it says either way. */
static void log_decisions_default(void **state)
{
#define AUDIT "    audit_log = /var/log/adbridge/audit.jsonl\n"
    static const struct {
        const char *global;
        conf_log_decisions want;
    } cases[] = {
        { "", CONF_LOG_ALL },
        { AUDIT, CONF_LOG_REFUSALS },
        { AUDIT "    log_decisions = all\n", CONF_LOG_ALL },
        { "    log_decisions = refusals\n", CONF_LOG_REFUSALS },
    };
#undef AUDIT
    char text[512];
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        conf_config *cfg;

        snprintf(text, sizeof(text), "%s%s%s%s", GLOBAL, cases[i].global,
                 TRUST_OPEN, TRUST_CLOSE);
        cfg = load_ok(text);
        assert_int_equal(cfg->log_decisions, cases[i].want);
        conf_free(cfg);
    }
}

static void defaults(void **state)
{
    conf_config *cfg = load_ok(GLOBAL TRUST_OPEN TRUST_CLOSE);
    const conf_trust *t = &cfg->trusts[0];
    (void)state;

    assert_string_equal(cfg->indicator_prefix, "adbridge-");
    assert_null(cfg->audit_log);
    assert_int_equal(cfg->right_count, CONF_BUILTIN_RIGHTS);
    assert_int_equal(cfg->trust_count, 1);
    assert_string_equal(t->realm, "AD.EXAMPLE.COM");
    assert_int_equal(t->direction, CONF_DIRECTION_INBOUND);
    assert_int_equal(t->sid_filtering, CONF_FILTER_QUARANTINE);
    assert_string_equal(conf_filter_mode_name(t->sid_filtering),
                        "quarantine");
    assert_true(t->require_pac);
    assert_true(t->refuse_without_rights);
    assert_int_equal(t->kdc_count, 0);
    assert_int_equal(t->map_count, 0);
    assert_int_equal(t->sid_slot_count, 0);
    assert_int_equal(t->name_count, 0);
    assert_int_equal(t->client_realm_count, 0);
    assert_int_equal(cfg->other_realms, CONF_OTHER_PASS);
    assert_string_equal(conf_other_realms_name(cfg->other_realms), "pass");
    assert_int_equal(cfg->default_pac, CONF_PROFILE_RIGHTS);
    assert_string_equal(conf_profile_name(cfg->default_pac), "rights");
    assert_int_equal(cfg->log_decisions, CONF_LOG_ALL);
    assert_true(conf_trust_accepts_client_realm(t, "AD.EXAMPLE.COM"));
    assert_false(conf_trust_accepts_client_realm(t, "SUB.AD.EXAMPLE.COM"));
    assert_false(conf_trust_accepts_client_realm(t, "ad.example.com"));
    conf_free(cfg);

    /* no [trusts] and no local_domain_sid: valid (local rights only) */
    cfg = load_ok("[adbridge]\n    local_realm = LOCAL.EXAMPLE\n"
                  "    other_realms = refuse\n    default_pac = groups\n"
                  "    log_decisions = refusals\n");
    assert_int_equal(cfg->default_pac, CONF_PROFILE_GROUPS);
    assert_string_equal(conf_profile_name(cfg->default_pac), "groups");
    assert_int_equal(cfg->log_decisions, CONF_LOG_REFUSALS);
    assert_int_equal(cfg->trust_count, 0);
    assert_int_equal(cfg->local_domain_sid.revision, 0);
    assert_int_equal(cfg->other_realms, CONF_OTHER_REFUSE);
    assert_null(conf_find_trust(cfg, "AD.EXAMPLE.COM"));
    conf_free(cfg);

    cfg = load_ok(GLOBAL TRUST_OPEN
                  "        client_realm = SUB.AD.EXAMPLE.COM\n" TRUST_CLOSE);
    t = &cfg->trusts[0];
    assert_int_equal(t->client_realm_count, 1);
    assert_true(conf_trust_accepts_client_realm(t, "SUB.AD.EXAMPLE.COM"));
    assert_true(conf_trust_accepts_client_realm(t, "AD.EXAMPLE.COM"));
    assert_false(conf_trust_accepts_client_realm(t, "OTHER.EXAMPLE"));
    assert_false(conf_trust_accepts_client_realm(NULL, "AD.EXAMPLE.COM"));
    conf_free(cfg);
}

static void boolean_spellings(void **state)
{
    static const char *const yes[] = { "y", "YES", "True", "t", "1", "on" };
    static const char *const no[] = { "n", "No", "FALSE", "nil", "0", "off" };
    char text[1024];
    conf_config *cfg;
    size_t i;
    (void)state;

    for (i = 0; i < 6; i++) {
        snprintf(text, sizeof(text), GLOBAL TRUST_OPEN
                 "        require_pac = %s\n"
                 "        refuse_without_rights = %s\n" TRUST_CLOSE,
                 yes[i], no[i]);
        cfg = load_ok(text);
        assert_true(cfg->trusts[0].require_pac);
        assert_false(cfg->trusts[0].refuse_without_rights);
        conf_free(cfg);
    }
}

static void missing_file(void **state)
{
    conf_problems pr;
    conf_config *cfg = (conf_config *)(uintptr_t)1;
    (void)state;

    conf_problems_init(&pr);
    assert_int_equal(conf_load("/nonexistent/adbridge.conf", &cfg, &pr),
                     ADB_ERR_IO);
    assert_null(cfg);
    assert_int_equal(pr.count, 1);
    assert_string_equal(pr.messages[0], "/nonexistent/adbridge.conf: "
                        "cannot open: No such file or directory");
    assert_int_equal(conf_check("/nonexistent/adbridge.conf", NULL),
                     ADB_ERR_IO);
    conf_problems_free(&pr);
}

/* MIT's profile library refuses syntax errors with an error code only;
 * conf_load finds the line (the first whose prefix fails to parse). */
static void syntax_errors(void **state)
{
    char path[64], expected[128];
    conf_problems pr;
    conf_config *cfg = NULL;
    adb_err ret;
    (void)state;

    conf_problems_init(&pr);
    write_tmp(path, GLOBAL "    this line has no equals sign\n");
    ret = conf_load(path, &cfg, &pr);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(ret, ADB_ERR_MALFORMED);
    assert_null(cfg);
    assert_int_equal(pr.count, 1);
    snprintf(expected, sizeof(expected),
             "%s: line 4: Syntax error in profile relation", path);
    assert_string_equal(pr.messages[0], expected);

    write_tmp(path, GLOBAL "    }\n");
    ret = conf_check(path, &pr);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(ret, ADB_ERR_MALFORMED);
    assert_int_equal(pr.count, 1);
    snprintf(expected, sizeof(expected),
             "%s: line 4: Extra closing brace in profile", path);
    assert_string_equal(pr.messages[0], expected);

    /* Deeper: inside a trust block, after valid lines. */
    write_tmp(path, GLOBAL TRUST_OPEN "        map = rid:1106 admin\n"
                    "        a line without equals\n"
                    "        map = rid:1107 viewer\n" TRUST_CLOSE);
    ret = conf_check(path, &pr);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(ret, ADB_ERR_MALFORMED);
    assert_int_equal(pr.count, 1);
    snprintf(expected, sizeof(expected),
             "%s: line 9: Syntax error in profile relation", path);
    assert_string_equal(pr.messages[0], expected);
    conf_problems_free(&pr);
}

/* What MIT's profile parser would act on beyond parsing (reading other
 * files, loading a shared library) is refused with its line, before the
 * parser sees it; so are NUL bytes, non-regular files and huge files. */
static void unsafe_files(void **state)
{
    char path[64], expected[3][192];
    conf_problems pr;
    conf_config *cfg = NULL;
    adb_err ret;
    char *big;
    size_t i;
    (void)state;

    conf_problems_init(&pr);
    write_tmp(path, "module /tmp/evil.so:x\n" GLOBAL
                    "include /etc/passwd\n"
                    "includedir\t/etc\n"
                    "    # include in a comment is harmless\n");
    ret = conf_load(path, &cfg, &pr);
    assert_int_equal(ret, ADB_ERR_MALFORMED);
    assert_null(cfg);
    assert_int_equal(pr.count, 3);
    for (i = 0; i < 3; i++)
        snprintf(expected[i], sizeof(expected[i]), "%s: line %zu: include, "
                 "includedir and module directives are not allowed in the "
                 "adbridge configuration", path, i == 0 ? (size_t)1 :
                 i == 1 ? (size_t)5 : (size_t)6);
    for (i = 0; i < 3; i++)
        assert_string_equal(pr.messages[i], expected[i]);
    assert_int_equal(unlink(path), 0);

    /* Every separator MIT's parser accepts after the word (isspace(), the
     * end of the line included). */
    write_tmp(path, GLOBAL "include\v/etc/passwd\n"
                    "include\r/etc/passwd\n"
                    "includedir\f/etc\n"
                    "include\n");
    ret = conf_load(path, &cfg, &pr);
    assert_int_equal(ret, ADB_ERR_MALFORMED);
    assert_null(cfg);
    assert_int_equal(pr.count, 4);
    for (i = 0; i < 4; i++) {
        snprintf(expected[0], sizeof(expected[0]), "%s: line %zu: include, "
                 "includedir and module directives are not allowed in the "
                 "adbridge configuration", path, i + 4);
        assert_string_equal(pr.messages[i], expected[0]);
    }
    assert_int_equal(unlink(path), 0);

    /* A line MIT would read in two pieces, the second a directive. */
    big = malloc(2100);
    assert_non_null(big);
    memset(big, 'a', 2100);
    big[0] = '#';
    memcpy(big + 2047, "include /etc/passwd\n", 21);
    big[2047 + 21] = '\0';
    {
        char *text = malloc(strlen(GLOBAL) + 2100);

        assert_non_null(text);
        strcpy(text, GLOBAL);
        strcat(text, big);
        write_tmp(path, text);
        free(text);
    }
    free(big);
    big = NULL;
    ret = conf_load(path, &cfg, &pr);
    assert_int_equal(ret, ADB_ERR_MALFORMED);
    snprintf(expected[0], sizeof(expected[0]),
             "%s: line 4: longer than 2046 bytes", path);
    assert_int_equal(pr.count, 1);
    assert_string_equal(pr.messages[0], expected[0]);
    assert_int_equal(unlink(path), 0);

    write_tmp(path, GLOBAL);
    {
        FILE *f = fopen(path, "a");

        assert_non_null(f);
        assert_int_equal(fputc('\0', f), 0);
        assert_int_equal(fputs("\n", f), 1);
        assert_int_equal(fclose(f), 0);
    }
    ret = conf_load(path, &cfg, &pr);
    assert_int_equal(ret, ADB_ERR_MALFORMED);
    snprintf(expected[0], sizeof(expected[0]), "%s: line 4: NUL byte", path);
    assert_int_equal(pr.count, 1);
    assert_string_equal(pr.messages[0], expected[0]);
    assert_int_equal(unlink(path), 0);

    ret = conf_load("/", &cfg, &pr);
    assert_int_equal(ret, ADB_ERR_IO);
    assert_string_equal(pr.messages[0], "/: not a regular file");

    big = malloc(1024 * 1024 + 2);
    assert_non_null(big);
    memset(big, '#', 1024 * 1024 + 1);
    big[1024 * 1024 + 1] = '\0';
    write_tmp(path, big);
    free(big);
    ret = conf_load(path, &cfg, &pr);
    assert_int_equal(ret, ADB_ERR_MALFORMED);
    snprintf(expected[0], sizeof(expected[0]),
             "%s: larger than 1048576 bytes", path);
    assert_string_equal(pr.messages[0], expected[0]);
    assert_int_equal(unlink(path), 0);
    conf_problems_free(&pr);
}

/* The shipped sample (samples/adbridge.conf) passes the check. */
static void sample_file(void **state)
{
    conf_problems pr;
    conf_config *cfg = NULL;
    const conf_trust *t;
    size_t i;
    adb_err ret;
    (void)state;

    conf_problems_init(&pr);
    ret = conf_load(ADB_FIXTURE_DIR "/../../samples/adbridge.conf", &cfg,
                    &pr);
    for (i = 0; i < pr.count; i++)
        print_message("  problem: %s\n", pr.messages[i]);
    assert_int_equal(ret, ADB_OK);
    t = conf_find_trust(cfg, "AD.EXAMPLE.COM");
    assert_non_null(t);
    assert_int_equal(t->map_count, 4);
    assert_int_equal(t->kdc_count, 2);
    assert_string_equal(cfg->right_names[3], "operator");
    conf_free(cfg);
    conf_problems_free(&pr);
}

static void invalid_args(void **state)
{
    conf_config *cfg = NULL;
    (void)state;

    assert_int_equal(conf_load(NULL, &cfg, NULL), ADB_ERR_INVALID);
    assert_int_equal(conf_load("/x", NULL, NULL), ADB_ERR_INVALID);
    conf_free(NULL);
    conf_problems_free(NULL);
    assert_null(conf_find_trust(NULL, "X"));
}

/* ------------------------------------------------------------------ */
/* Every bad-config case with its exact message.                        */

static void bad_global(void **state)
{
    (void)state;
    EXPECT("[adbridge]\n    indicator_prefix = x-\n" TRUST_OPEN TRUST_CLOSE,
           "[adbridge] local_realm is missing");
    EXPECT(GLOBAL "    other_realms = allow\n",
           "[adbridge] other_realms \"allow\" is not pass or refuse");
    EXPECT(GLOBAL "    default_pac = full\n    log_decisions = some\n",
           "[adbridge] default_pac \"full\" is not rights or groups",
           "[adbridge] log_decisions \"some\" is not all or refusals");
    EXPECT(GLOBAL "    indicator_prefix = \"\"\n" TRUST_OPEN TRUST_CLOSE,
           "[adbridge] indicator_prefix must not be empty");
    EXPECT("[adbridge]\n"
           "    local_realm = LOCAL.EXAMPLE\n"
           "    local_realm = OTHER.EXAMPLE\n"
           "    local_domain_sid = S-1-5-21-x\n"
           "    colour = blue\n"
           TRUST_OPEN TRUST_CLOSE,
           "[adbridge] unknown key \"colour\"",
           "[adbridge] local_realm is set 2 times (expected once)",
           "[adbridge] local_domain_sid \"S-1-5-21-x\" is not a valid SID");
    EXPECT(GLOBAL "    rights = operator, Bad.Name, admin\n"
           "    rights = OPERATOR\n" TRUST_OPEN TRUST_CLOSE,
           "[adbridge] rights: \"Bad.Name\" is not a valid right name "
           "(letters, digits, '-' and '_')",
           "[adbridge] rights: \"admin\" is a built-in right",
           "[adbridge] rights: \"OPERATOR\" is declared twice");
}

static void too_many_rights(void **state)
{
    char text[2048], *p = text;
    size_t i;
    (void)state;

    p += sprintf(p, "%s    rights =", GLOBAL);
    for (i = 0; i < 30; i++)
        p += sprintf(p, " r%zu", i);
    sprintf(p, "\n%s%s", TRUST_OPEN, TRUST_CLOSE);
    EXPECT(text, "[adbridge] rights: more than 29 custom rights");
}

static void bad_trusts_section(void **state)
{
    (void)state;
    EXPECT(GLOBAL "[trusts]\n    stray = 1\n",
           "[trusts] \"stray\" is a plain key, not a trust "
           "(expected REALM = { ... })");
    EXPECT(GLOBAL "[trusts]\n    LOCAL.EXAMPLE = {\n"
           "        netbios_name = LOC\n        domain_sid = " DOM "\n"
           "    }\n",
           "trust LOCAL.EXAMPLE: the local realm cannot be a trust");
}

/* Discovery keys (dns/): per-trust kdc = host[:port] and site, global
 * dns_servers and failover_seconds. */
static void discovery_keys(void **state)
{
    conf_config *cfg;

    (void)state;
    cfg = load_ok(GLOBAL "    dns_servers = 127.0.0.1:5353 [::1]:53 10.0.0.1\n"
                  "    failover_seconds = 0\n" TRUST_OPEN
                  "        kdc = dc1.ad.example.com\n"
                  "        kdc = dc2.ad.example.com:8888\n"
                  "        kdc = [2001:db8::1]:88\n"
                  "        site = Default-First-Site-Name\n" TRUST_CLOSE);
    assert_string_equal(cfg->dns_servers, "127.0.0.1:5353 [::1]:53 10.0.0.1");
    assert_int_equal(cfg->failover_seconds, 0);
    assert_int_equal(cfg->trusts[0].kdc_count, 3);
    assert_string_equal(cfg->trusts[0].kdcs[1], "dc2.ad.example.com:8888");
    assert_string_equal(cfg->trusts[0].site, "Default-First-Site-Name");
    conf_free(cfg);
    cfg = load_ok(GLOBAL TRUST_OPEN TRUST_CLOSE);
    assert_null(cfg->dns_servers);
    assert_int_equal(cfg->failover_seconds, CONF_DEFAULT_FAILOVER_SECONDS);
    assert_null(cfg->trusts[0].site);
    conf_free(cfg);
    EXPECT(GLOBAL "    dns_servers = dns.example.com 127.0.0.1:0\n"
           "    failover_seconds = 1h\n" TRUST_OPEN
           "        kdc = dc1:99999\n"
           "        kdc = bad_host!\n"
           "        site = two.labels\n" TRUST_CLOSE,
           "[adbridge] dns_servers \"dns.example.com\" is not an IP address",
           "[adbridge] dns_servers: port \"0\" is not a number from 1 to "
           "65535",
           "[adbridge] failover_seconds \"1h\" is not a number of seconds "
           "from 0 to 86400",
           "trust AD.EXAMPLE.COM: kdc \"dc1:99999\": port \"99999\" is not "
           "a number from 1 to 65535",
           "trust AD.EXAMPLE.COM: kdc \"bad_host!\": not a valid host name "
           "or address: \"bad_host!\"",
           "trust AD.EXAMPLE.COM: site \"two.labels\" is not an AD site name "
           "(letters, digits, '-' and '_', at most 63)");
    EXPECT(GLOBAL "    failover_seconds = 86401\n",
           "[adbridge] failover_seconds \"86401\" is not a number of seconds "
           "from 0 to 86400");
}

static void bad_trust_keys(void **state)
{
    (void)state;
    EXPECT(GLOBAL "[trusts]\n    AD.EXAMPLE.COM = {\n"
           "        direction = outbound\n"
           "        sid_filtering = none\n"
           "        require_pac = maybe\n"
           "        refuse_without_rights = 2\n"
           "        colour = blue\n"
           "        sub = {\n            x = 1\n        }\n"
           "    }\n",
           "trust AD.EXAMPLE.COM: unknown key \"colour\"",
           "trust AD.EXAMPLE.COM: unexpected subsection \"sub\"",
           "trust AD.EXAMPLE.COM: netbios_name is missing",
           "trust AD.EXAMPLE.COM: domain_sid is missing",
           "trust AD.EXAMPLE.COM: direction \"outbound\" is not inbound "
           "or two-way",
           "trust AD.EXAMPLE.COM: sid_filtering \"none\" is not a known "
           "mode (quarantine)",
           "trust AD.EXAMPLE.COM: require_pac \"maybe\" is not a boolean",
           "trust AD.EXAMPLE.COM: refuse_without_rights \"2\" is not a "
           "boolean");
    EXPECT(GLOBAL TRUST_OPEN
           "        client_realm = \"SUB AD\"\n"
           "        client_realm = AD.EXAMPLE.COM\n"
           "        client_realm = LOCAL.EXAMPLE\n" TRUST_CLOSE,
           "trust AD.EXAMPLE.COM: client_realm \"SUB AD\" is not a realm "
           "name",
           "trust AD.EXAMPLE.COM: client_realm AD.EXAMPLE.COM is the "
           "trust's own realm",
           "trust AD.EXAMPLE.COM: client_realm LOCAL.EXAMPLE is the local "
           "realm");
    EXPECT(GLOBAL "[trusts]\n    AD.EXAMPLE.COM = {\n"
           "        netbios_name = ADEX\n"
           "        netbios_name = ADEX2\n"
           "        domain_sid = S-1-5-21-1-2-x\n"
           "    }\n",
           "trust AD.EXAMPLE.COM: netbios_name is set 2 times "
           "(expected once)",
           "trust AD.EXAMPLE.COM: domain_sid \"S-1-5-21-1-2-x\" is not a "
           "valid SID");
    EXPECT(GLOBAL "[trusts]\n    AD.EXAMPLE.COM = {\n"
           "        netbios_name = ADEX\n"
           "        domain_sid = " LOCALSID "\n"
           "    }\n",
           "trust AD.EXAMPLE.COM: domain_sid is the local_domain_sid");
    EXPECT("[adbridge]\n    local_realm = \"\"\n"
           "    local_domain_sid = " LOCALSID "\n"
           "[trusts]\n    AD.EXAMPLE.COM = {\n"
           "        netbios_name = \"\"\n"
           "        domain_sid = " DOM "\n"
           "    }\n",
           "[adbridge] local_realm is empty",
           "trust AD.EXAMPLE.COM: netbios_name is empty");
}

static void bad_map_syntax(void **state)
{
    (void)state;
    EXPECT(GLOBAL TRUST_OPEN
           "        map = rid:1106\n"
           "        map = group:admins admin\n"
           "        map = sid:S-1-5-21-1-x viewer\n"
           "        map = user:S-1-5-21-bad join\n"
           "        map = rid:12a admin\n"
           "        map = rid:4294967296 admin\n"
           "        map = user: join\n"
           "        map = rid:1106 admn\n"
           "        map = rid:1107 viewer,,join\n"
           "        map = rid:1108 viewer # a trailing comment\n"
           TRUST_CLOSE,
           "trust AD.EXAMPLE.COM, map #1 \"rid:1106\": expected IDENTITY "
           "RIGHTS",
           "trust AD.EXAMPLE.COM, map #2 \"group:admins admin\": unknown "
           "identity \"group:admins\" (expected sid:, rid: or user:)",
           "trust AD.EXAMPLE.COM, map #3 \"sid:S-1-5-21-1-x viewer\": "
           "\"S-1-5-21-1-x\" is not a valid SID",
           "trust AD.EXAMPLE.COM, map #4 \"user:S-1-5-21-bad join\": "
           "\"S-1-5-21-bad\" is not a valid SID",
           "trust AD.EXAMPLE.COM, map #5 \"rid:12a admin\": \"12a\" is not "
           "a valid RID",
           "trust AD.EXAMPLE.COM, map #6 \"rid:4294967296 admin\": "
           "\"4294967296\" is not a valid RID",
           "trust AD.EXAMPLE.COM, map #7 \"user: join\": empty user name",
           "trust AD.EXAMPLE.COM, map #8 \"rid:1106 admn\": unknown right "
           "\"admn\"",
           "trust AD.EXAMPLE.COM, map #9 \"rid:1107 viewer,,join\": empty "
           "right name",
           "trust AD.EXAMPLE.COM, map #10 \"rid:1108 viewer # a trailing "
           "comment\": unknown right \"viewer # a trailing comment\"");
}

static void rid_without_domain_sid(void **state)
{
    (void)state;
    EXPECT(GLOBAL "[trusts]\n    AD.EXAMPLE.COM = {\n"
           "        netbios_name = ADEX\n"
           "        map = rid:1106 admin\n"
           "        map = sid:" DOM "-1107 viewer\n"
           "    }\n",
           "trust AD.EXAMPLE.COM: domain_sid is missing",
           "trust AD.EXAMPLE.COM, map #1 \"rid:1106 admin\": rid: needs "
           "the trust's domain_sid");
}

static void map_always_dropped(void **state)
{
    (void)state;
    EXPECT(GLOBAL TRUST_OPEN
           "        map = sid:S-1-5-32-544 admin\n"
           "        map = sid:" LOCALSID "-512 admin\n"
           "        map = sid:S-1-1-0 viewer\n"
           "        map = sid:S-1-5-11 viewer\n"
           "        map = sid:S-1-5-21-9-9-9-512 admin\n"
           "        map = sid:" DOM "-1106-7 admin\n"
           "        map = sid:" DOM " admin\n"
           "        map = user:S-1-5-21-9-9-9-1105 join\n"
           "        map = sid:S-1-18-1 join\n"
           TRUST_CLOSE,
           "trust AD.EXAMPLE.COM, map #1 \"sid:S-1-5-32-544 admin\": "
           "S-1-5-32-544 is always dropped by quarantine filtering "
           "(rule builtin)",
           "trust AD.EXAMPLE.COM, map #2 \"sid:" LOCALSID "-512 admin\": "
           LOCALSID "-512 is always dropped by quarantine filtering "
           "(rule local-domain)",
           "trust AD.EXAMPLE.COM, map #3 \"sid:S-1-1-0 viewer\": S-1-1-0 is "
           "always dropped by quarantine filtering (rule well-known)",
           "trust AD.EXAMPLE.COM, map #4 \"sid:S-1-5-11 viewer\": S-1-5-11 "
           "is always dropped by quarantine filtering (rule well-known)",
           "trust AD.EXAMPLE.COM, map #5 \"sid:S-1-5-21-9-9-9-512 admin\": "
           "S-1-5-21-9-9-9-512 is always dropped by quarantine filtering "
           "(rule outside-trusted-domain)",
           "trust AD.EXAMPLE.COM, map #6 \"sid:" DOM "-1106-7 admin\": "
           DOM "-1106-7 is always dropped by quarantine filtering "
           "(rule outside-trusted-domain)",
           "trust AD.EXAMPLE.COM, map #7 \"sid:" DOM " admin\": "
           DOM " is always dropped by quarantine filtering "
           "(rule outside-trusted-domain)",
           "trust AD.EXAMPLE.COM, map #8 \"user:S-1-5-21-9-9-9-1105 join\": "
           "S-1-5-21-9-9-9-1105 is always dropped by quarantine filtering "
           "(rule outside-trusted-domain)");
}

static void duplicate_mappings(void **state)
{
    (void)state;
    EXPECT(GLOBAL TRUST_OPEN
           "        map = rid:1106 admin\n"
           "        map = sid:" DOM "-1106 admin\n"
           "        map = rid:1107 viewer\n"
           "        map = rid:1107 join\n"
           "        map = user:" DOM "-1105 join\n"
           "        map = sid:" DOM "-1105 join\n"
           "        map = user:alice join\n"
           "        map = user:ALICE viewer\n"
           "        map = user:bob join\n"
           "        map = user:Bob join\n"
           TRUST_CLOSE,
           "trust AD.EXAMPLE.COM, map #2 \"sid:" DOM "-1106 admin\": same "
           "identity and rights as map #1 \"rid:1106 admin\"",
           "trust AD.EXAMPLE.COM, map #4 \"rid:1107 join\": same identity as "
           "map #3 \"rid:1107 viewer\" with different rights (name all "
           "rights on one line)",
           "trust AD.EXAMPLE.COM, map #6 \"sid:" DOM "-1105 join\": same "
           "identity and rights as map #5 \"user:" DOM "-1105 join\"",
           "trust AD.EXAMPLE.COM, map #8 \"user:ALICE viewer\": same "
           "identity as map #7 \"user:alice join\" with different rights "
           "(name all rights on one line)",
           "trust AD.EXAMPLE.COM, map #10 \"user:Bob join\": same identity "
           "and rights as map #9 \"user:bob join\"");
}

static void many_problems_listed(void **state)
{
    (void)state;
    /* Problems of several sections and trusts, all reported. */
    EXPECT("[adbridge]\n    local_realm = LOCAL.EXAMPLE\n"
           "[trusts]\n"
           "    A.EXAMPLE = {\n        netbios_name = A\n"
           "        domain_sid = S-1-5-21-1-2-3\n"
           "        map = rid:5 nope\n    }\n"
           "    B.EXAMPLE = {\n        domain_sid = S-1-5-21-4-5-6\n"
           "        direction = sideways\n    }\n",
           "trust A.EXAMPLE, map #1 \"rid:5 nope\": unknown right \"nope\"",
           "trust B.EXAMPLE: netbios_name is missing",
           "trust B.EXAMPLE: direction \"sideways\" is not inbound or "
           "two-way");
}

/* ------------------------------------------------------------------ */
/* Right names                                                          */

static void rights_parse(void **state)
{
    conf_config *cfg = load_ok(GLOBAL "    rights = operator\n"
                               TRUST_OPEN TRUST_CLOSE);
    adb_diag d = ADB_DIAG_INIT;
    uint32_t r = 0xdead;
    (void)state;

    assert_int_equal(conf_rights_parse(cfg, "admin", &r, NULL), ADB_OK);
    assert_int_equal(r, CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER);
    assert_int_equal(conf_rights_parse(cfg, "viewer,join", &r, NULL),
                     ADB_OK);
    assert_int_equal(r, CONF_RIGHT_VIEWER | CONF_RIGHT_JOIN);
    assert_int_equal(conf_rights_parse(cfg, " JOIN ,\tViewer ", &r, NULL),
                     ADB_OK);
    assert_int_equal(r, CONF_RIGHT_VIEWER | CONF_RIGHT_JOIN);
    assert_int_equal(conf_rights_parse(cfg, "operator,join", &r, NULL),
                     ADB_OK);
    assert_int_equal(r, (1u << 3) | CONF_RIGHT_JOIN);
    assert_int_equal(conf_rights_parse(cfg, "", &r, NULL), ADB_OK);
    assert_int_equal(r, 0);
    assert_int_equal(conf_rights_parse(cfg, "  ", &r, NULL), ADB_OK);
    assert_int_equal(r, 0);

    r = 0xdead;
    assert_int_equal(conf_rights_parse(cfg, "admin,admn", &r, &d),
                     ADB_ERR_MALFORMED);
    assert_int_equal(r, 0xdead);
    assert_string_equal(d.context, "rights");
    assert_string_equal(d.detail, "unknown right \"admn\"");
    assert_int_equal(conf_rights_parse(cfg, "admin,", &r, &d),
                     ADB_ERR_MALFORMED);
    assert_string_equal(d.detail, "empty right name");
    assert_int_equal(conf_rights_parse(cfg, "admin join", &r, &d),
                     ADB_ERR_MALFORMED);
    assert_string_equal(d.detail, "unknown right \"admin join\"");
    /* Without a config only the built-in names exist. */
    assert_int_equal(conf_rights_parse(NULL, "operator", &r, &d),
                     ADB_ERR_MALFORMED);
    assert_int_equal(conf_rights_parse(NULL, "join", &r, NULL), ADB_OK);
    assert_int_equal(r, CONF_RIGHT_JOIN);
    assert_int_equal(conf_rights_parse(NULL, NULL, &r, NULL),
                     ADB_ERR_INVALID);
    assert_int_equal(conf_rights_parse(NULL, "join", NULL, NULL),
                     ADB_ERR_INVALID);

    assert_string_equal(conf_right_name(cfg, CONF_RIGHT_ADMIN), "admin");
    assert_string_equal(conf_right_name(cfg, 1u << 3), "operator");
    assert_null(conf_right_name(cfg, 1u << 4));
    assert_null(conf_right_name(cfg, 3));
    assert_null(conf_right_name(cfg, 0));
    assert_string_equal(conf_right_name(NULL, CONF_RIGHT_JOIN), "join");
    assert_null(conf_right_name(NULL, 1u << 3));
    assert_int_equal(conf_rights_imply(CONF_RIGHT_ADMIN),
                     CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER);
    assert_int_equal(conf_rights_imply(CONF_RIGHT_JOIN), CONF_RIGHT_JOIN);
    conf_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_file),
        cmocka_unit_test(defaults),
        cmocka_unit_test(log_decisions_default),
        cmocka_unit_test(boolean_spellings),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(syntax_errors),
        cmocka_unit_test(unsafe_files),
        cmocka_unit_test(sample_file),
        cmocka_unit_test(invalid_args),
        cmocka_unit_test(bad_global),
        cmocka_unit_test(too_many_rights),
        cmocka_unit_test(bad_trusts_section),
        cmocka_unit_test(bad_trust_keys),
        cmocka_unit_test(discovery_keys),
        cmocka_unit_test(bad_map_syntax),
        cmocka_unit_test(rid_without_domain_sid),
        cmocka_unit_test(map_always_dropped),
        cmocka_unit_test(duplicate_mappings),
        cmocka_unit_test(many_problems_listed),
        cmocka_unit_test(rights_parse),
    };

    return cmocka_run_group_tests(tests, unit_group_setup, unit_group_teardown);
}
