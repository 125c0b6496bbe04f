/* SPDX-License-Identifier: MIT */
/*
 * fuzz_conf.c - libFuzzer harness for the configuration loader.
 *
 * Each input is written to one memfd (memfd_create, reused) and loaded with
 * conf_load() through its /proc/self/fd path, exactly as a file on disk is
 * (MIT's profile_init()).  A loaded configuration is walked in full (so ASan
 * sees any bad pointer), its invariants checked (what conf.h promises the
 * rights engine), and it is evaluated once with no PAC; a refused one must
 * carry at least one problem.  Any violation aborts.
 *
 * conf_load() refuses MIT's `include`, `includedir` and `module`
 * directives before the profile parser sees them, so inputs holding them
 * are fuzzed too (a regression there would make the harness read other
 * files: keep it that way).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf.h"
#include "map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char path[64];

static void check(int cond)
{
    if (!cond)
        abort();
}

static size_t walk_trust(const conf_config *cfg, const conf_trust *t)
{
    char buf[ADB_SID_STR_MAX];
    map_result r;
    size_t i, sum = strlen(t->realm) + strlen(t->netbios_name);

    check(conf_find_trust(cfg, t->realm) != NULL);
    sum += strlen(adb_sid_format(&t->domain_sid, buf));
    for (i = 0; i < t->kdc_count; i++)
        sum += strlen(t->kdcs[i]);
    check(conf_trust_accepts_client_realm(t, t->realm));
    for (i = 0; i < t->client_realm_count; i++) {
        check(*t->client_realms[i] != '\0');
        check(strcmp(t->client_realms[i], t->realm) != 0);
        check(strcmp(t->client_realms[i], cfg->local_realm) != 0);
        check(conf_trust_accepts_client_realm(t, t->client_realms[i]));
        sum += strlen(t->client_realms[i]);
    }
    check(strcmp(t->realm, cfg->local_realm) != 0);
    for (i = 0; i < t->map_count; i++) {
        const conf_mapping *m = &t->maps[i];

        check(m->rights != 0);
        check(m->line >= 1);
        check((m->rights >> cfg->right_count) == 0 ||
              cfg->right_count == CONF_MAX_RIGHTS);
        sum += strlen(m->text);
        if (m->kind == CONF_MAP_USER_NAME) {
            check(m->name != NULL && *m->name != '\0');
            sum += strlen(m->name);
        } else {
            check(map_sid_rule(cfg, t, &m->sid) == MAP_KEEP);
            sum += strlen(adb_sid_format(&m->sid, buf));
        }
    }
    check(t->name_count <= t->map_count);
    for (i = 0; i < t->name_count; i++)
        check(t->name_index[i] < t->map_count &&
              t->maps[t->name_index[i]].kind == CONF_MAP_USER_NAME);
    for (i = 0; i < t->sid_slot_count; i++)
        check(t->sid_slots[i] <= t->map_count);

    memset(&r, 0, sizeof(r));
    check(map_evaluate(cfg, t, NULL, &r) == ADB_OK);
    check(t->require_pac ? r.refused : 1);
    map_result_free(&r);
    return sum;
}

static size_t walk(const conf_config *cfg)
{
    char **ind = NULL;
    size_t i, n = 0, sum = strlen(cfg->local_realm) +
                           strlen(cfg->indicator_prefix);

    /* a configuration without trusts is valid (local rights only) */
    check(cfg->trust_count == 0 || cfg->trusts != NULL);
    check(cfg->other_realms == CONF_OTHER_PASS ||
          cfg->other_realms == CONF_OTHER_REFUSE);
    check(cfg->default_pac == CONF_PROFILE_RIGHTS ||
          cfg->default_pac == CONF_PROFILE_GROUPS);
    check(cfg->right_count >= CONF_BUILTIN_RIGHTS &&
          cfg->right_count <= CONF_MAX_RIGHTS);
    for (i = 0; i < cfg->right_count; i++) {
        check(conf_right_name(cfg, 1u << i) == cfg->right_names[i]);
        sum += strlen(cfg->right_names[i]);
    }
    if (cfg->audit_log != NULL)
        sum += strlen(cfg->audit_log);
    for (i = 0; i < cfg->trust_count; i++)
        sum += walk_trust(cfg, &cfg->trusts[i]);
    check(map_indicators(cfg, UINT32_MAX, &ind, &n) == ADB_OK);
    check(n == cfg->right_count && ind[n] == NULL);
    free(ind);
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    conf_config *cfg = NULL;
    conf_problems pr;
    size_t i, done = 0, sum = 0;
    adb_err err;

    if (size > 65536)
        return 0;
    if (memfd < 0) {
        memfd = memfd_create("fuzz_conf", MFD_CLOEXEC);
        if (memfd < 0)
            abort();
        snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
    }
    if (ftruncate(memfd, 0) != 0)
        abort();
    while (done < size) {
        ssize_t w = pwrite(memfd, data + done, size - done, (off_t)done);

        if (w <= 0)
            abort();
        done += (size_t)w;
    }

    conf_problems_init(&pr);
    err = conf_load(path, &cfg, &pr);
    if (err == ADB_OK) {
        check(cfg != NULL && pr.count == 0);
        sum += walk(cfg);
    } else {
        check(cfg == NULL);
        check(err == ADB_ERR_NOMEM || pr.count > 0);
    }
    for (i = 0; i < pr.count; i++)
        sum += strlen(pr.messages[i]);
    conf_free(cfg);
    conf_problems_free(&pr);
    /* Keep the walk from being optimised away. */
    if (sum == (size_t)-1)
        abort();
    return 0;
}
