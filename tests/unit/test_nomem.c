/* SPDX-License-Identifier: MIT */
/* test_nomem.c - allocation-failure injection for pac_decode_blob(),
 * pac_decode(), conf_load() and map_evaluate(): the Nth allocation fails,
 * for every N, and the call must fail cleanly (ADB_ERR_NOMEM, outputs
 * empty) without leaking.
 *
 * malloc/calloc/realloc/free are replaced in this executable by wrappers
 * over glibc's __libc_* entry points that count live blocks and can fail
 * one chosen allocation.  Under AddressSanitizer (which owns malloc) the
 * tests are skipped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "unit_support.h"

#include <profile.h>

#include "adb_arena.h"
#include "conf.h"
#include "map.h"
#include "pac.h"
#include "pac_build.h"
#include "nomem.h"

#if !NOMEM_AVAILABLE
#define ADB_ASAN 1
#endif

#define DOM "S-1-5-21-3623811015-3361044348-30300820"
#define LOCALSID "S-1-5-21-1111111111-2222222222-3333333333"

/* Allocation-failure injection: tests/unit/nomem.c. */
#define live nomem_live
#define did_fail nomem_did_fail
#define arm nomem_arm
#define disarm nomem_disarm


static const char config_text[] =
    "[adbridge]\n"
    "    local_realm = LOCAL.EXAMPLE\n"
    "    local_domain_sid = " LOCALSID "\n"
    "    rights = operator\n"
    "    audit_log = /var/log/adbridge/audit.jsonl\n"
    "[trusts]\n"
    "    AD.EXAMPLE.COM = {\n"
    "        netbios_name = ADEX\n"
    "        domain_sid = " DOM "\n"
    "        kdc = dc1.ad.example.com\n"
    "        map = rid:1106 admin\n"
    "        map = sid:" DOM "-1107 viewer\n"
    "        map = user:" DOM "-1103 join\n"
    "        map = user:alice operator\n"
    "    }\n";

static void write_config(char path[64])
{
    tmp_write(path, 64, "nomem", config_text);
}

static void load_nomem(void **state)
{
    char path[64];
    conf_config *cfg = NULL;
    conf_problems pr;
    long n, before, counts[ADB_ERR__COUNT] = { 0 }, parse_allocs, lost = 0;
    const char *files[2];
    profile_t prof = NULL;
    adb_err ret;
    (void)state;

#ifdef ADB_ASAN
    skip();
#endif
    write_config(path);
    /* Warm up (com_err tables and other one-time allocations). */
    conf_problems_init(&pr);
    assert_int_equal(conf_load(path, &cfg, &pr), ADB_OK);
    conf_free(cfg);
    conf_problems_free(&pr);
    /* How many allocations MIT's parser makes for this file (conf_load
     * makes exactly two before calling it: the config and the buffer
     * that snapshots the file). */
    files[0] = path;
    files[1] = NULL;
    arm(LONG_MAX);
    assert_int_equal(profile_init(files, &prof), 0);
    parse_allocs = nomem_allocs;
    disarm();
    profile_release(prof);

    for (n = 0;; n++) {
        adb_arena_cache_release();   /* cached arena chunks are not leaks */
        before = live;
        conf_problems_init(&pr);
        cfg = (conf_config *)(uintptr_t)1;
        arm(n);
        ret = conf_load(path, &cfg, &pr);
        disarm();
        if (!did_fail) {
            assert_int_equal(ret, ADB_OK);
            conf_free(cfg);
            conf_problems_free(&pr);
            adb_arena_cache_release();
            assert_int_equal(live, before);
            break;
        }
        /* MIT's profile library may report an allocation failure inside
         * it as a syntax error; whatever happens, no config and no leak. */
        counts[ret < ADB_ERR__COUNT ? ret : 0]++;
        /* Outside MIT's parser an allocation failure is always NOMEM. */
        if (n <= 1 || n > parse_allocs + 1)
            assert_int_equal(ret, ADB_ERR_NOMEM);
        if (ret != ADB_OK) {
            assert_null(cfg);
        } else {
            /* Only a failure inside MIT's profile_init() can go unnoticed:
             * its parser can drop a line and still succeed. */
            assert_non_null(cfg);
            conf_free(cfg);
            lost++;
        }
        conf_problems_free(&pr);
        adb_arena_cache_release();
        if (live != before)
            print_message("leak after failing allocation %ld (ret %d)\n",
                          n, (int)ret);
        assert_int_equal(live, before);
    }
    /* the injection fired at least once (the wrappers are in place) */
    assert_true(n > parse_allocs);
    print_message("  conf_load: %ld allocations checked (%ld in MIT's "
                  "parser): %ld ok (%ld of them inside the parser), %ld "
                  "nomem, %ld malformed, %ld io\n", n, parse_allocs,
                  counts[ADB_OK], lost, counts[ADB_ERR_NOMEM],
                  counts[ADB_ERR_MALFORMED], counts[ADB_ERR_IO]);
    assert_int_equal(unlink(path), 0);
}

static void evaluate_nomem(void **state)
{
    char path[64];
    conf_config *cfg = NULL;
    tb logon = { 0 }, bytes = { 0 };
    tb_logon_map m;
    tb_logon li = tb_logon_example();
    static pac_group groups[400];
    tb_buf bufs[1];
    pac_info *pac = NULL;
    adb_diag d = ADB_DIAG_INIT;
    map_result r;
    long n, before;
    adb_err ret;
    (void)state;

#ifdef ADB_ASAN
    skip();
#endif
    write_config(path);
    assert_int_equal(conf_load(path, &cfg, NULL), ADB_OK);
    assert_int_equal(unlink(path), 0);
    /* Enough SIDs for the result to need several arena chunks. */
    for (n = 0; n < 400; n++)
        groups[n] = (pac_group){ (uint32_t)(1106 + n), 7 };
    li.groups = groups;
    li.group_count = 400;
    tb_logon_info(&logon, &li, &m);
    bufs[0] = (tb_buf){ PAC_TYPE_LOGON_INFO, &logon };
    tb_pac(&bytes, bufs, 1);
    assert_int_equal(pac_decode_blob(kctx, bytes.p, bytes.len, &pac, &d),
                     ADB_OK);

    for (n = 0;; n++) {
        adb_arena_cache_release();   /* cached arena chunks are not leaks */
        before = live;
        arm(n);
        ret = map_evaluate(cfg, &cfg->trusts[0], pac, &r);
        disarm();
        if (!did_fail) {
            assert_int_equal(ret, ADB_OK);
            assert_int_equal(r.rights, CONF_RIGHT_ADMIN | CONF_RIGHT_VIEWER |
                             CONF_RIGHT_JOIN | (1u << 3));
            map_result_free(&r);
            adb_arena_cache_release();
            assert_int_equal(live, before);
            break;
        }
        assert_int_equal(ret, ADB_ERR_NOMEM);
        assert_int_equal(r.grant_count, 0);
        assert_null(r.grants);
        assert_int_equal(r.rights, 0);
        map_result_free(&r);
        adb_arena_cache_release();
        assert_int_equal(live, before);
    }
    /* the injection fired at least once (the wrappers are in place) */
    assert_true(n > 0);
    print_message("  map_evaluate: %ld allocations checked\n", n);

    for (n = 0;; n++) {
        char **list = (char **)(uintptr_t)1;

        arm(n);
        ret = map_indicators(cfg, 0xf, &list, NULL);
        disarm();
        if (!did_fail) {
            assert_int_equal(ret, ADB_OK);
            free(list);
            break;
        }
        assert_int_equal(ret, ADB_ERR_NOMEM);
        assert_null(list);
    }
    assert_true(n > 0);
    pac_info_free(pac);
    tb_free(&logon);
    tb_free(&bytes);
    conf_free(cfg);
}

/* Every allocation of decoding a real AD PAC (erin: 322 groups), through
 * both entry points, fails in turn: ADB_ERR_NOMEM (never "malformed"), no
 * result, no leak. */
static void pac_decode_nomem(void **state)
{
    tb bytes = { 0 };
    pac_info *info;
    adb_diag d;
    adb_err ret;
    long n, before;
    int path;

    (void)state;
#ifdef ADB_ASAN
    skip();
#endif
    assert_true(tb_read_file(&bytes, ADB_FIXTURE_DIR "/ad-erin.pac"));
    for (path = 0; path < 2; path++) {
        for (n = 0;; n++) {
            krb5_pac kpac = NULL;

            if (path == 1 &&
                krb5_pac_parse(kctx, bytes.p, bytes.len, &kpac) != 0)
                fail_msg("the fixture does not parse");
            adb_arena_cache_release();
            before = live;
            info = (pac_info *)(uintptr_t)1;
            d = (adb_diag)ADB_DIAG_INIT;
            arm(n);
            ret = path == 0 ?
                  pac_decode_blob(kctx, bytes.p, bytes.len, &info, &d) :
                  pac_decode(kctx, kpac, &info, &d);
            disarm();
            if (!did_fail) {
                assert_int_equal(ret, ADB_OK);
                assert_int_equal(info->logon_info->group_count, 322);
                pac_info_free(info);
            } else {
                assert_int_equal(ret, ADB_ERR_NOMEM);
                assert_int_equal(d.status, ADB_ERR_NOMEM);
                assert_null(info);
            }
            adb_arena_cache_release();
            /* Known MIT 1.20 bug, not ours: krb5_pac_parse() does
             * "pac->data.data = realloc(pac->data.data, len)" and loses the
             * old block when that realloc fails.  Tolerated only there. */
            if (path == 0 && did_fail && d.field != NULL &&
                strcmp(d.field, "PACTYPE") == 0 && live == before + 1) {
                print_message("  (MIT krb5_pac_parse leaks one block when "
                              "allocation %ld fails)\n", n);
                before++;
            }
            assert_int_equal(live, before);
            if (kpac != NULL)
                krb5_pac_free(kctx, kpac);
            if (!did_fail)
                break;
        }
        assert_true(n > 0);
        print_message("  %s: %ld allocations checked\n",
                      path == 0 ? "pac_decode_blob" : "pac_decode", n);
    }
    tb_free(&bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_nomem),
        cmocka_unit_test(evaluate_nomem),
        cmocka_unit_test(pac_decode_nomem),
    };

    return cmocka_run_group_tests(tests, unit_group_setup, unit_group_teardown);
}
