/* SPDX-License-Identifier: MIT */
/* test_conf_parse_map_value.c - conf_parse_map_value() (conf.h), the map
 * value parser behind `adbridge map add`: NULL misuse, every kind, and for
 * each bad value the same reason the loader gives for that value as a map
 * line of a file (the loader's message is "trust T, map #1 "V": REASON"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"

#define DOM "S-1-5-21-3623811015-3361044348-30300820"
#define LOCALSID "S-1-5-21-1111111111-2222222222-3333333333"
#define HEAD \
    "[adbridge]\n" \
    "    local_realm = LOCAL.EXAMPLE\n" \
    "    local_domain_sid = " LOCALSID "\n" \
    "    rights = operator\n" \
    "[trusts]\n" \
    "    AD.EXAMPLE.COM = {\n" \
    "        netbios_name = ADEX\n" \
    "        domain_sid = " DOM "\n"

/* Load HEAD + @maps + "}" from a temporary file. */
static adb_err load(const char *maps, conf_config **cfg, conf_problems *pr)
{
    char path[] = "/tmp/adb_pmv_XXXXXX";
    char text[4096];
    int fd = mkstemp(path);
    adb_err ret;

    assert_true(fd >= 0);
    snprintf(text, sizeof(text), "%s%s    }\n", HEAD, maps);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(close(fd), 0);
    ret = conf_load(path, cfg, pr);
    assert_int_equal(unlink(path), 0);
    return ret;
}

static conf_config *cfg;
static const conf_trust *trust;

static int setup(void **state)
{
    (void)state;
    if (load("", &cfg, NULL) != ADB_OK)
        return -1;
    trust = conf_find_trust(cfg, "AD.EXAMPLE.COM");
    return trust == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    conf_free(cfg);
    return 0;
}

static void test_null_misuse(void **state)
{
    adb_arena arena;
    conf_mapping m;
    char err[64];

    (void)state;
    adb_arena_init(&arena, 64);
    memset(&m, 0xa5, sizeof(m));
    assert_int_equal(conf_parse_map_value(NULL, trust, "rid:1 admin", &arena,
                                          &m, err, sizeof(err)),
                     ADB_ERR_INVALID);
    assert_null(m.text);
    assert_int_equal(m.rights, 0);
    assert_int_equal(conf_parse_map_value(cfg, NULL, "rid:1 admin", &arena,
                                          &m, err, sizeof(err)),
                     ADB_ERR_INVALID);
    assert_int_equal(conf_parse_map_value(cfg, trust, NULL, &arena, &m, err,
                                          sizeof(err)), ADB_ERR_INVALID);
    assert_int_equal(conf_parse_map_value(cfg, trust, "rid:1 admin", NULL,
                                          &m, err, sizeof(err)),
                     ADB_ERR_INVALID);
    assert_int_equal(conf_parse_map_value(cfg, trust, "rid:1 admin", &arena,
                                          NULL, err, sizeof(err)),
                     ADB_ERR_INVALID);
    /* err may be NULL. */
    assert_int_equal(conf_parse_map_value(cfg, trust, "rid:1 admn", &arena,
                                          &m, NULL, 0), ADB_ERR_MALFORMED);
    assert_null(m.text);
    adb_arena_free(&arena);
}

static void test_kinds(void **state)
{
    static const struct {
        const char *text;
        conf_map_kind kind;
        const char *sid;
        const char *name;
        uint32_t rights;
    } ok[] = {
        { "rid:1103 admin", CONF_MAP_RID, DOM "-1103", NULL,
          CONF_RIGHT_ADMIN },
        { "sid:" DOM "-1107 viewer", CONF_MAP_SID, DOM "-1107", NULL,
          CONF_RIGHT_VIEWER },
        { "user:" DOM "-1105 join", CONF_MAP_USER_SID, DOM "-1105", NULL,
          CONF_RIGHT_JOIN },
        { "user:bob operator, JOIN", CONF_MAP_USER_NAME, NULL, "bob",
          CONF_RIGHT_JOIN | 0x8u },
    };
    char err[256], buf[ADB_SID_STR_MAX];
    conf_mapping m;
    adb_arena arena;
    size_t i;

    (void)state;
    adb_arena_init(&arena, 256);
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(conf_parse_map_value(cfg, trust, ok[i].text, &arena,
                                              &m, err, sizeof(err)), ADB_OK);
        assert_string_equal(err, "");
        assert_int_equal(m.kind, ok[i].kind);
        assert_string_equal(m.text, ok[i].text);
        assert_int_equal(m.rights, ok[i].rights);
        assert_int_equal(m.line, 0);
        if (ok[i].sid != NULL)
            assert_string_equal(adb_sid_format(&m.sid, buf), ok[i].sid);
        if (ok[i].name != NULL)
            assert_string_equal(m.name, ok[i].name);
        else
            assert_null(m.name);
    }
    adb_arena_free(&arena);
}

/* Each bad value: the parser's reason, and the loader's message for it. */
static void test_same_reasons_as_loader(void **state)
{
    static const struct {
        const char *text;
        const char *reason;
    } bad[] = {
        { "rid:1103", "expected IDENTITY RIGHTS" },
        { "sid:S-1-5-x admin", "\"S-1-5-x\" is not a valid SID" },
        { "rid:12x admin", "\"12x\" is not a valid RID" },
        { "rid:4294967296 admin", "\"4294967296\" is not a valid RID" },
        { "user: admin", "empty user name" },
        { "group:x admin", "unknown identity \"group:x\" (expected sid:,"
          " rid: or user:)" },
        { "rid:1103 admn", "unknown right \"admn\"" },
        { "rid:1103 admin,", "empty right name" },
        { "sid:" LOCALSID "-512 admin", LOCALSID "-512 is always dropped by"
          " quarantine filtering (rule local-domain)" },
        { "sid:S-1-5-32-544 admin", "S-1-5-32-544 is always dropped by"
          " quarantine filtering (rule builtin)" },
        { "user:S-1-5-18 admin", "S-1-5-18 is always dropped by quarantine"
          " filtering (rule well-known)" },
    };
    char err[256], line[512], want[768];
    conf_mapping m;
    adb_arena arena;
    conf_config *c = NULL;
    conf_problems pr;
    size_t i;

    (void)state;
    adb_arena_init(&arena, 256);
    conf_problems_init(&pr);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&m, 0xa5, sizeof(m));
        assert_int_equal(conf_parse_map_value(cfg, trust, bad[i].text, &arena,
                                              &m, err, sizeof(err)),
                         ADB_ERR_MALFORMED);
        assert_string_equal(err, bad[i].reason);
        assert_null(m.text);
        assert_null(m.name);
        assert_int_equal(m.rights, 0);

        snprintf(line, sizeof(line), "        map = %s\n", bad[i].text);
        assert_int_equal(load(line, &c, &pr), ADB_ERR_MALFORMED);
        assert_null(c);
        assert_int_equal(pr.count, 1);
        snprintf(want, sizeof(want), "trust AD.EXAMPLE.COM, map #1 \"%s\": %s",
                 bad[i].text, bad[i].reason);
        assert_string_equal(pr.messages[0], want);
    }
    conf_problems_free(&pr);
    adb_arena_free(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_misuse),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_same_reasons_as_loader),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
