/* SPDX-License-Identifier: MIT */
/*
 * fuzz_map_arg.c - libFuzzer harness for conf_parse_map_value(), the map
 * value parser behind `map add` and the loader.
 *
 * The input (up to its first NUL) is parsed against a fixed configuration
 * (the test domain, local_domain_sid, a custom right).  A success must
 * satisfy what conf.h promises (rights named, kind consistent with the
 * text, SID never dropped by quarantine); a failure must leave the output
 * zeroed and say why.  Differential: when the input is a value the profile
 * syntax keeps verbatim (printable, no leading/trailing blank, not starting
 * with '"' or '{'), the same value as a `map =` line of a file must load
 * exactly when the parser accepts it, into the same mapping.
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

#define HEAD \
    "[adbridge]\n" \
    "    local_realm = LOCAL.EXAMPLE\n" \
    "    local_domain_sid = S-1-5-21-1111111111-2222222222-3333333333\n" \
    "    rights = operator\n" \
    "[trusts]\n" \
    "    AD.EXAMPLE.COM = {\n" \
    "        netbios_name = ADEX\n" \
    "        domain_sid = S-1-5-21-3623811015-3361044348-30300820\n"

static conf_config *cfg;
static const conf_trust *trust;
static int memfd = -1;
static char path[64];

static void check(int cond)
{
    if (!cond)
        abort();
}

static void write_fd(const char *text, size_t len)
{
    size_t done = 0;

    if (ftruncate(memfd, 0) != 0)
        abort();
    while (done < len) {
        ssize_t w = pwrite(memfd, text + done, len - done, (off_t)done);

        if (w <= 0)
            abort();
        done += (size_t)w;
    }
}

static void setup(void)
{
    static const char base[] = HEAD "        map = rid:1 viewer\n    }\n";

    memfd = memfd_create("fuzz_map_arg", MFD_CLOEXEC);
    if (memfd < 0)
        abort();
    snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
    write_fd(base, sizeof(base) - 1);
    if (conf_load(path, &cfg, NULL) != ADB_OK)
        abort();
    trust = conf_find_trust(cfg, "AD.EXAMPLE.COM");
    if (trust == NULL)
        abort();
}

/* Would the profile library hand @s to the loader unchanged? */
static int verbatim(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 1000 || s[0] == '"' || s[0] == '{' || s[0] == ' ' ||
        s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

static void differential(const char *text, size_t n, adb_err want,
                         const conf_mapping *m)
{
    static const char tail[] = "\n    }\n";
    size_t len = sizeof(HEAD) - 1 + 14 + n + sizeof(tail) - 1;
    char *file = malloc(len + 1);
    conf_config *c = NULL;
    const conf_trust *t;
    adb_err got;

    if (file == NULL)
        abort();
    snprintf(file, len + 1, "%s        map = %s%s", HEAD, text, tail);
    write_fd(file, strlen(file));
    free(file);
    got = conf_load(path, &c, NULL);
    if (want == ADB_OK) {
        check(got == ADB_OK);
        t = conf_find_trust(c, "AD.EXAMPLE.COM");
        check(t != NULL && t->map_count == 1);
        check(t->maps[0].kind == m->kind && t->maps[0].rights == m->rights);
        check(strcmp(t->maps[0].text, m->text) == 0);
        if (m->kind == CONF_MAP_USER_NAME)
            check(strcmp(t->maps[0].name, m->name) == 0);
        else
            check(adb_sid_equal(&t->maps[0].sid, &m->sid));
    } else {
        check(got == ADB_ERR_MALFORMED);
    }
    conf_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text, err[512], buf[ADB_SID_STR_MAX];
    conf_mapping m;
    adb_arena arena;
    adb_err ret;
    size_t n;

    if (cfg == NULL)
        setup();
    if (size > 4096)
        return 0;
    text = malloc(size + 1);
    if (text == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    n = strlen(text);

    adb_arena_init(&arena, 256);
    ret = conf_parse_map_value(cfg, trust, text, &arena, &m, err,
                               sizeof(err));
    if (ret == ADB_OK) {
        check(err[0] == '\0');
        check(m.rights != 0 && (m.rights >> cfg->right_count) == 0);
        check(strcmp(m.text, text) == 0);
        switch (m.kind) {
        case CONF_MAP_SID:
            check(strncmp(text, "sid:", 4) == 0);
            break;
        case CONF_MAP_RID:
            check(strncmp(text, "rid:", 4) == 0);
            check(adb_sid_in_domain(&m.sid, &trust->domain_sid, NULL));
            break;
        case CONF_MAP_USER_SID:
        case CONF_MAP_USER_NAME:
            check(strncmp(text, "user:", 5) == 0);
            break;
        }
        if (m.kind == CONF_MAP_USER_NAME)
            check(m.name != NULL && *m.name != '\0');
        else
            check(map_sid_rule(cfg, trust, &m.sid) == MAP_KEEP &&
                  adb_sid_format(&m.sid, buf) != NULL);
    } else {
        check(ret == ADB_ERR_MALFORMED);
        check(err[0] != '\0');
        check(m.text == NULL && m.rights == 0);
    }
    if (verbatim(text, n) && strstr(text, "include") == NULL &&
        strstr(text, "module") == NULL)
        differential(text, n, ret, &m);
    adb_arena_free(&arena);
    free(text);
    return 0;
}
