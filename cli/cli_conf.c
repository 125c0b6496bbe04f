/* SPDX-License-Identifier: MIT */
/*
 * cli_conf.c - `adbridge config check`, `adbridge map list|add|remove` and
 * `adbridge explain` (cli_conf.h).
 *
 * The map editor works on the file's text: it finds the trust's
 * `REALM = {` block(s) in [trusts] with a small line scanner that follows
 * the profile syntax (sections, `key = {` / `}` nesting, whole-line
 * comments), inserts or deletes whole lines, and then proves the edit by
 * loading the new text with conf_load() and comparing it with the old
 * configuration.  The scanner need not be a full profile parser: an edit it
 * gets wrong fails the proof and the file is left untouched.
 *
 * A mapping's comment is a one-line comment directly above its map line
 * (a comment line that is not itself below another comment line): that is
 * what `map add --comment` writes and `map remove` deletes with it, so that
 * an add followed by a remove restores the file byte for byte, while the
 * longer comment blocks of a hand-written file are never taken for one.
 */
#include "cli_conf.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <krb5/krb5.h>

#include "cli.h"
#include "cli_ad.h"
#include "cli_adname.h"
#include "cli_json.h"
#include "cli_pac.h"
#include "conf.h"
#include "kdc_bridge.h"
#include "map.h"

#define CLI_CONF_MAX_FILE (1024u * 1024u)   /* 1 MiB */

static const char *cli_conf_global_path;   /* `adbridge --config FILE` */

static const char cli_config_check_usage[] =
    CLI_PROGRAM " config check [--config FILE] [FILE]";
static const char cli_map_list_usage[] =
    CLI_PROGRAM " map list [--config FILE] [--json] [--check " CLI_AD_USAGE
    "] REALM";
static const char cli_map_add_usage[] =
    CLI_PROGRAM " map add [--config FILE] REALM IDENTITY|NAME RIGHT[,RIGHT...]"
    " [--comment TEXT] " CLI_AD_USAGE;
static const char cli_map_remove_usage[] =
    CLI_PROGRAM " map remove [--config FILE] REALM IDENTITY";
static const char cli_explain_usage[] =
    CLI_PROGRAM " explain [--config FILE] --trust REALM (--pac FILE |"
    " --ccache CC --keytab KT [--service PRINC]) [--json]";

int cli_conf_global_option(int argc, char **argv)
{
    if (argc < 2 || strncmp(argv[1], "--config", 8) != 0)
        return 0;
    if (argv[1][8] == '=') {
        cli_conf_global_path = argv[1] + 9;
        return 1;
    }
    if (argv[1][8] != '\0')
        return 0;
    if (argc < 3) {
        cli_usage_error(CLI_PROGRAM " [--config FILE] COMMAND [ARGS...]",
                        "option '--config' needs an argument");
        return -1;
    }
    cli_conf_global_path = argv[2];
    return 2;
}

/* The configuration file to use; @opt is the command's own --config. */
static const char *cli_conf_path(const char *opt)
{
    const char *env;

    if (opt != NULL)
        return opt;
    if (cli_conf_global_path != NULL)
        return cli_conf_global_path;
    env = getenv(CLI_CONF_ENV);
    if (env != NULL && *env != '\0')
        return env;
    return CLI_CONF_DEFAULT_PATH;
}

const char *cli_conf_file(const char *opt)
{
    return cli_conf_path(opt);
}

/* Print every problem of @pr, one line each, on stderr. */
static void cli_conf_print_problems(const char *path, const conf_problems *pr)
{
    size_t i, plen = strlen(path);

    for (i = 0; i < pr->count; i++) {
        const char *m = pr->messages[i];

        /* The loader's file-level messages start with the path already. */
        if (strncmp(m, path, plen) == 0 && m[plen] == ':')
            cli_error("%s", m);
        else
            cli_error("%s: %s", path, m);
    }
}

/*
 * Load @path; on failure print its problems (or why it failed) and return
 * CLI_EXIT_FAIL.  On CLI_EXIT_OK *cfg_out is the config (conf_free).
 */
static int cli_conf_load(const char *path, conf_config **cfg_out)
{
    conf_problems pr;
    adb_err err;

    conf_problems_init(&pr);
    err = conf_load(path, cfg_out, &pr);
    if (err != ADB_OK) {
        if (pr.count > 0)
            cli_conf_print_problems(path, &pr);
        else
            cli_error("%s: cannot load: %s", path, adb_strerror(err));
    }
    conf_problems_free(&pr);
    return err == ADB_OK ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

/* The trust @realm of @cfg, or NULL after printing an error. */
static const conf_trust *cli_conf_trust(const conf_config *cfg,
                                        const char *path, const char *realm)
{
    const conf_trust *t = conf_find_trust(cfg, realm);
    size_t i;

    if (t != NULL)
        return t;
    fprintf(stderr, CLI_PROGRAM ": %s: no trust \"%s\" in [trusts] (trusts:",
            path, realm);
    for (i = 0; i < cfg->trust_count; i++)
        fprintf(stderr, "%s %s", i > 0 ? "," : "", cfg->trusts[i].realm);
    fputs(")\n", stderr);
    return NULL;
}

/* Write the names of the rights in @rights (bit order) joined by @sep. */
static void cli_conf_print_rights(FILE *out, const conf_config *cfg,
                                  uint32_t rights, const char *sep)
{
    uint32_t bit;
    bool first = true;

    for (bit = 1; bit != 0; bit <<= 1) {
        const char *name;

        if ((rights & bit) == 0)
            continue;
        name = conf_right_name(cfg, bit);
        fprintf(out, "%s%s", first ? "" : sep, name != NULL ? name : "?");
        first = false;
    }
}

/* The same into @buf (@size bytes, always terminated). */
static void cli_conf_format_rights(char *buf, size_t size,
                                   const conf_config *cfg, uint32_t rights,
                                   const char *sep)
{
    uint32_t bit;
    size_t pos = 0;

    buf[0] = '\0';
    for (bit = 1; bit != 0 && pos < size; bit <<= 1) {
        const char *name;

        if ((rights & bit) == 0)
            continue;
        name = conf_right_name(cfg, bit);
        pos += (size_t)snprintf(buf + pos, size - pos, "%s%s",
                                pos > 0 ? sep : "",
                                name != NULL ? name : "?");
    }
}

static void cli_conf_json_rights(cli_json *js, const conf_config *cfg,
                                 uint32_t rights)
{
    uint32_t bit;

    cli_json_array_begin(js);
    for (bit = 1; bit != 0; bit <<= 1)
        if ((rights & bit) != 0)
            cli_json_string(js, conf_right_name(cfg, bit));
    cli_json_array_end(js);
}

/* ------------------------------------------------------------------ */
/* config check                                                         */

static int cli_config_check(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *opt_path = NULL, *path;
    conf_config *cfg = NULL;
    size_t i, maps = 0;
    int ch, status = CLI_EXIT_FAIL;

    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            opt_path = optarg;
            break;
        case 'h':
            printf("usage: %s\n\n"
                   "Check the configuration file (syntax and meaning): every"
                   " problem is listed,\none per line, on stderr (exit 1);"
                   " a good file prints a one-line summary.\n"
                   "FILE defaults to --config, $" CLI_CONF_ENV ", "
                   CLI_CONF_DEFAULT_PATH ".\n", cli_config_check_usage);
            status = CLI_EXIT_OK;
            goto cleanup;
        default:
            status = cli_bad_option(cli_config_check_usage, ch, argv);
            goto cleanup;
        }
    }
    if (argc - optind > 1) {
        status = cli_usage_error(cli_config_check_usage,
                                 "too many arguments");
        goto cleanup;
    }
    if (argc - optind == 1 && opt_path != NULL) {
        status = cli_usage_error(cli_config_check_usage,
                                 "give FILE or --config, not both");
        goto cleanup;
    }
    path = argc - optind == 1 ? argv[optind] : cli_conf_path(opt_path);

    status = cli_conf_load(path, &cfg);
    if (status != CLI_EXIT_OK)
        goto cleanup;
    for (i = 0; i < cfg->trust_count; i++)
        maps += cfg->trusts[i].map_count;
    printf("%s: OK: %zu trust%s, %zu mapping%s, %zu rights (", path,
           cfg->trust_count, cfg->trust_count == 1 ? "" : "s", maps,
           maps == 1 ? "" : "s", cfg->right_count);
    for (i = 0; i < cfg->right_count; i++)
        printf("%s%s", i > 0 ? ", " : "", cfg->right_names[i]);
    printf(")\n");

cleanup:
    conf_free(cfg);
    return status;
}

static const cli_command cli_config_commands[] = {
    { "check", cli_config_check, "check a configuration file" },
};

int cli_config_main(int argc, char **argv)
{
    return cli_dispatch(cli_config_commands,
                        sizeof(cli_config_commands) /
                        sizeof(cli_config_commands[0]),
                        CLI_PROGRAM " config", argc, argv);
}

/* ------------------------------------------------------------------ */
/* The file's text                                                      */

/* One line of the file: [start, start + len) without its newline; @end is
 * the offset just past it (past the newline if any). */
typedef struct cli_line {
    size_t start;
    size_t len;
    size_t end;
} cli_line;

/* What the scanner found for one trust. */
typedef struct cli_scan {
    size_t line_count;
    cli_line *lines;          /* free() */
    size_t map_count;         /* map lines in the trust's blocks */
    size_t *map_lines;        /* their line indexes, file order; free() */
    bool have_block;
    size_t block_count;       /* blocks of the trust */
    size_t first_open;        /* line index of the first block's "= {" */
    size_t trusts_header;     /* line index of "[trusts]", or SIZE_MAX */
    size_t last_close;        /* line index of the last block's '}' */
    size_t last_map_in_last;  /* a map line of the last block, or SIZE_MAX */
    size_t first_rel_in_last; /* first relation of the last block, or
                               * SIZE_MAX */
} cli_scan;

static void cli_scan_free(cli_scan *sc)
{
    free(sc->lines);
    free(sc->map_lines);
    memset(sc, 0, sizeof(*sc));
}

/* Read @path whole (at most CLI_CONF_MAX_FILE bytes, no NUL byte) into a
 * NUL-terminated *text_out (free()); prints one error line on failure. */
static int cli_conf_read_text(const char *path, char **text_out,
                              size_t *len_out, struct stat *st_out)
{
    char *buf = NULL;
    size_t len = 0;
    int fd = -1, status = CLI_EXIT_FAIL;

    *text_out = NULL;
    *len_out = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        cli_error("cannot open %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (fstat(fd, st_out) != 0) {
        cli_error("cannot read %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (!S_ISREG(st_out->st_mode)) {
        cli_error("%s is not a regular file", path);
        goto cleanup;
    }
    if (cli_read_fd(fd, path, CLI_CONF_MAX_FILE, "a configuration", &buf,
                    &len) != CLI_EXIT_OK)
        goto cleanup;
    if (strlen(buf) != len) {
        cli_error("%s contains a NUL byte; not editing it", path);
        goto cleanup;
    }
    *text_out = buf;
    *len_out = len;
    buf = NULL;
    status = CLI_EXIT_OK;

cleanup:
    if (fd >= 0)
        close(fd);
    free(buf);
    return status;
}

static bool cli_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* First non-blank of line @l of @text (may be the line's end). */
static const char *cli_line_body(const char *text, const cli_line *l,
                                 size_t *rest_out)
{
    size_t i = 0;

    while (i < l->len && cli_is_blank(text[l->start + i]))
        i++;
    *rest_out = l->len - i;
    return text + l->start + i;
}

static bool cli_line_is_comment(const char *text, const cli_line *l)
{
    size_t n;
    const char *p = cli_line_body(text, l, &n);

    return n > 0 && (*p == '#' || *p == ';');
}

/*
 * Split @text into lines and find the blocks of trust @realm in [trusts]
 * and their map lines (profile syntax, see the top of the file).
 */
static int cli_conf_scan(const char *text, size_t len, const char *realm,
                         cli_scan *sc)
{
    size_t cap = 0, mcap = 0, i, depth = 0, n;
    bool in_trusts = false, in_block = false;
    size_t rlen = strlen(realm);
    int status = CLI_EXIT_FAIL;

    memset(sc, 0, sizeof(*sc));
    sc->last_map_in_last = SIZE_MAX;
    sc->first_rel_in_last = SIZE_MAX;
    sc->trusts_header = SIZE_MAX;
    for (i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl != NULL ? (size_t)(nl - text) : len;

        if (sc->line_count == cap) {
            cli_line *grown;

            cap = cap ? cap * 2 : 64;
            grown = realloc(sc->lines, cap * sizeof(*grown));
            if (grown == NULL)
                goto nomem;
            sc->lines = grown;
        }
        sc->lines[sc->line_count].start = i;
        sc->lines[sc->line_count].len = e - i;
        sc->lines[sc->line_count].end = nl != NULL ? e + 1 : e;
        sc->line_count++;
        i = nl != NULL ? e + 1 : e;
    }

    for (i = 0; i < sc->line_count; i++) {
        const char *p = cli_line_body(text, &sc->lines[i], &n);
        size_t klen = 0, j;

        if (n == 0 || *p == '#' || *p == ';')
            continue;
        if (*p == '[' && depth == 0) {
            in_trusts = n >= 8 && strncmp(p, "[trusts]", 8) == 0;
            if (in_trusts && sc->trusts_header == SIZE_MAX)
                sc->trusts_header = i;
            in_block = false;
            continue;
        }
        if (*p == '}') {
            if (depth > 0)
                depth--;
            if (depth == 0 && in_block) {
                in_block = false;
                sc->last_close = i;
            }
            continue;
        }
        /* A relation: KEY = VALUE, or KEY = { opening a subsection. */
        while (klen < n && !cli_is_blank(p[klen]) && p[klen] != '=')
            klen++;
        j = klen;
        while (j < n && cli_is_blank(p[j]))
            j++;
        if (j < n && p[j] == '=')
            j++;
        while (j < n && cli_is_blank(p[j]))
            j++;
        if (j < n && p[j] == '{') {
            if (depth == 0 && in_trusts && klen == rlen &&
                strncmp(p, realm, rlen) == 0) {
                in_block = true;
                if (!sc->have_block)
                    sc->first_open = i;
                sc->have_block = true;
                sc->block_count++;
                sc->last_map_in_last = SIZE_MAX;
                sc->first_rel_in_last = SIZE_MAX;
            }
            depth++;
            continue;
        }
        if (!in_block || depth != 1)
            continue;
        if (sc->first_rel_in_last == SIZE_MAX)
            sc->first_rel_in_last = i;
        if (klen == 3 && strncmp(p, "map", 3) == 0) {
            if (sc->map_count == mcap) {
                size_t *grown;

                mcap = mcap ? mcap * 2 : 16;
                grown = realloc(sc->map_lines, mcap * sizeof(*grown));
                if (grown == NULL)
                    goto nomem;
                sc->map_lines = grown;
            }
            sc->map_lines[sc->map_count++] = i;
            sc->last_map_in_last = i;
        }
    }
    status = CLI_EXIT_OK;
    goto cleanup;

nomem:
    cli_error("out of memory");
cleanup:
    if (status != CLI_EXIT_OK)
        cli_scan_free(sc);
    return status;
}

/* The line index of the one-line comment of the map line at @idx, or
 * SIZE_MAX (see the top of the file). */
static size_t cli_map_comment_line(const char *text, const cli_scan *sc,
                                   size_t idx)
{
    if (idx == 0 || !cli_line_is_comment(text, &sc->lines[idx - 1]))
        return SIZE_MAX;
    if (idx >= 2 && cli_line_is_comment(text, &sc->lines[idx - 2]))
        return SIZE_MAX;
    return idx - 1;
}

/* The text of comment line @l without its '#'/';' and surrounding blanks,
 * as a new string (free()), or NULL when out of memory. */
static char *cli_comment_text(const char *text, const cli_line *l)
{
    size_t n;
    const char *p = cli_line_body(text, l, &n);
    char *s;

    p++;
    n--;
    while (n > 0 && cli_is_blank(*p)) {
        p++;
        n--;
    }
    while (n > 0 && cli_is_blank(p[n - 1]))
        n--;
    s = malloc(n + 1);
    if (s != NULL) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

/* ------------------------------------------------------------------ */
/* map list                                                             */

/* The identity as written: the first word of the map value. */
static void cli_map_identity(const conf_mapping *m, char *buf, size_t size)
{
    size_t n = 0;

    while (m->text[n] != '\0' && m->text[n] != ' ' && m->text[n] != '\t')
        n++;
    snprintf(buf, size, "%.*s", (int)(n > 300 ? 300 : n), m->text);
}

static int cli_map_list(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "json", no_argument, NULL, 'j' },
        { "check", no_argument, NULL, 'K' },
        CLI_AD_LONGOPTS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *opt_path = NULL, *path, *realm;
    conf_config *cfg = NULL;
    const conf_trust *t = NULL;
    char *text = NULL, **comments = NULL;
    bool check = false;
    cli_ad_opts adopts;
    cli_ad ad;
    cli_ad_map_state *states = NULL;
    size_t findings = 0;
    char why[512];
    size_t len = 0, i;
    struct stat st;
    cli_scan sc;
    bool json = false;
    cli_json js;
    char ident[320], sbuf[ADB_SID_STR_MAX];
    int ch, status = CLI_EXIT_FAIL;

    memset(&sc, 0, sizeof(sc));
    memset(&adopts, 0, sizeof(adopts));
    memset(&ad, 0, sizeof(ad));
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (cli_ad_option(ch, optarg, &adopts))
            continue;
        switch (ch) {
        case 'c': opt_path = optarg; break;
        case 'j': json = true; break;
        case 'K': check = true; break;
        case 'h':
            printf("usage: %s\n\nList the mappings of trust REALM: identity,"
                   " rights named on the line, and\nthe one-line comment"
                   " above it.\n\n  --json   print JSON\n"
                   "  --check  look every mapped SID up in AD and report"
                   " groups that were\n           renamed (the comment's"
                   " NETBIOS\\NAME is stale), deleted or changed\n"
                   "           type; exit 1 if any was\n%s",
                   cli_map_list_usage, CLI_AD_HELP);
            status = CLI_EXIT_OK;
            goto cleanup;
        default:
            status = cli_bad_option(cli_map_list_usage, ch, argv);
            goto cleanup;
        }
    }
    if (argc - optind != 1) {
        status = cli_usage_error(cli_map_list_usage, argc - optind == 0 ?
                                 "missing REALM" : "too many arguments");
        goto cleanup;
    }
    realm = argv[optind];
    path = cli_conf_path(opt_path);
    if (cli_conf_load(path, &cfg) != CLI_EXIT_OK)
        goto cleanup;
    t = cli_conf_trust(cfg, path, realm);
    if (t == NULL)
        goto cleanup;
    if (cli_conf_read_text(path, &text, &len, &st) != CLI_EXIT_OK ||
        cli_conf_scan(text, len, realm, &sc) != CLI_EXIT_OK)
        goto cleanup;
    comments = calloc(t->map_count + 1, sizeof(*comments));
    if (comments == NULL) {
        cli_error("out of memory");
        goto cleanup;
    }
    /* Comments only when the scanner saw exactly the loader's map lines. */
    if (sc.map_count == t->map_count) {
        for (i = 0; i < t->map_count; i++) {
            size_t c = cli_map_comment_line(text, &sc, sc.map_lines[i]);

            if (c == SIZE_MAX)
                continue;
            comments[i] = cli_comment_text(text, &sc.lines[c]);
            if (comments[i] == NULL) {
                cli_error("out of memory");
                goto cleanup;
            }
        }
    }
    if (check) {
        states = calloc(t->map_count + 1, sizeof(*states));
        if (states == NULL) {
            cli_error("out of memory");
            goto cleanup;
        }
        if (cli_ad_open(cfg, t, &adopts, &ad, why, sizeof(why)) != ADB_OK) {
            cli_error("map list --check: cannot read AD: %s", why);
            goto cleanup;
        }
        for (i = 0; i < t->map_count; i++) {
            cli_ad_check_mapping(t, &ad, &t->maps[i], comments[i], &states[i]);
            if (strcmp(states[i].status, "ok") != 0 &&
                strcmp(states[i].status, "not-checked") != 0)
                findings++;
        }
    }

    if (json) {
        cli_json_init(&js, stdout);
        cli_json_object_begin(&js);
        cli_json_kv_string(&js, "realm", t->realm);
        cli_json_key(&js, "mappings");
        cli_json_array_begin(&js);
        for (i = 0; i < t->map_count; i++) {
            const conf_mapping *m = &t->maps[i];

            cli_map_identity(m, ident, sizeof(ident));
            cli_json_object_begin(&js);
            cli_json_kv_string(&js, "identity", ident);
            cli_json_kv_string(&js, "kind",
                               m->kind == CONF_MAP_USER_NAME ? "user-name"
                               : m->kind == CONF_MAP_USER_SID ? "user-sid"
                               : conf_map_kind_name(m->kind));
            cli_json_kv_string(&js, "sid",
                               m->kind == CONF_MAP_USER_NAME ? NULL
                               : adb_sid_format(&m->sid, sbuf));
            cli_json_kv_string(&js, "name", m->name);
            cli_json_key(&js, "rights");
            cli_conf_json_rights(&js, cfg, m->rights);
            cli_json_kv_uint(&js, "line", m->line);
            cli_json_kv_string(&js, "text", m->text);
            cli_json_kv_string(&js, "comment", comments[i]);
            if (states != NULL) {
                cli_json_key(&js, "check");
                cli_json_object_begin(&js);
                cli_json_kv_string(&js, "status", states[i].status);
                cli_json_kv_string(&js, "name", states[i].now[0] != '\0' ?
                                   states[i].now : NULL);
                cli_json_kv_string(&js, "detail",
                                   states[i].detail[0] != '\0' ?
                                   states[i].detail : NULL);
                cli_json_object_end(&js);
            }
            cli_json_object_end(&js);
        }
        cli_json_array_end(&js);
        if (states != NULL) {
            cli_json_kv_string(&js, "dc", ad.dc);
            cli_json_kv_uint(&js, "findings", findings);
        }
        cli_json_object_end(&js);
        status = cli_finish_json(&js);
        if (status == CLI_EXIT_OK && findings > 0)
            status = CLI_EXIT_FAIL;
        goto cleanup;
    }
    for (i = 0; i < t->map_count; i++) {
        const conf_mapping *m = &t->maps[i];

        cli_map_identity(m, ident, sizeof(ident));
        printf("%-50s ", ident);
        cli_conf_print_rights(stdout, cfg, m->rights, ",");
        if (comments[i] != NULL)
            printf("  # %s", comments[i]);
        putchar('\n');
        if (states != NULL && strcmp(states[i].status, "ok") != 0)
            printf("    %s: %s\n", states[i].status, states[i].detail);
    }
    if (states != NULL)
        printf("checked against %s: %zu finding(s)\n", ad.dc, findings);
    status = findings > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;

cleanup:
    free(states);
    cli_ad_close(&ad);
    if (comments != NULL)
        for (i = 0; i <= (t != NULL ? t->map_count : 0); i++)
            free(comments[i]);
    free(comments);
    cli_scan_free(&sc);
    free(text);
    conf_free(cfg);
    return status;
}

/* ------------------------------------------------------------------ */
/* map add / remove: the edit and its proof                             */

typedef enum cli_edit_op { CLI_EDIT_ADD, CLI_EDIT_REMOVE } cli_edit_op;

static bool cli_str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool cli_mapping_eq(const conf_mapping *a, const conf_mapping *b)
{
    if (a->kind != b->kind || a->rights != b->rights ||
        !cli_str_eq(a->text, b->text) || !cli_str_eq(a->name, b->name))
        return false;
    return a->kind == CONF_MAP_USER_NAME || adb_sid_equal(&a->sid, &b->sid);
}

/* Do @a and @b map the same identity (as the loader's duplicate check)? */
static bool cli_same_identity(const conf_mapping *a, const conf_mapping *b)
{
    if ((a->kind == CONF_MAP_USER_NAME) != (b->kind == CONF_MAP_USER_NAME))
        return false;
    if (a->kind == CONF_MAP_USER_NAME)
        return strcasecmp(a->name, b->name) == 0;
    return adb_sid_equal(&a->sid, &b->sid);
}

/* @a's maps equal @b's with @b's entry @skip_b (SIZE_MAX: none) left out,
 * or @a's entry @skip_a left out. */
static bool cli_maps_eq(const conf_trust *a, size_t skip_a,
                        const conf_trust *b, size_t skip_b)
{
    size_t i = 0, j = 0;

    for (;;) {
        if (i == skip_a)
            i++;
        if (j == skip_b)
            j++;
        if (i >= a->map_count || j >= b->map_count)
            break;
        if (!cli_mapping_eq(&a->maps[i], &b->maps[j]))
            return false;
        i++;
        j++;
    }
    return i >= a->map_count && j >= b->map_count;
}

static bool cli_trust_eq_but_maps(const conf_trust *a, const conf_trust *b)
{
    size_t i;

    if (!cli_str_eq(a->realm, b->realm) ||
        !cli_str_eq(a->netbios_name, b->netbios_name) ||
        !adb_sid_equal(&a->domain_sid, &b->domain_sid) ||
        a->direction != b->direction ||
        a->sid_filtering != b->sid_filtering ||
        a->require_pac != b->require_pac ||
        a->refuse_without_rights != b->refuse_without_rights ||
        a->kdc_count != b->kdc_count)
        return false;
    for (i = 0; i < a->kdc_count; i++)
        if (!cli_str_eq(a->kdcs[i], b->kdcs[i]))
            return false;
    return true;
}

/*
 * The proof: @new_cfg equals @old_cfg except that trust @realm gained
 * exactly @added (ADD) or lost exactly its mapping @removed_index (REMOVE).
 * On failure *why names the first difference.
 */
static bool cli_conf_prove(const conf_config *old_cfg,
                           const conf_config *new_cfg, const char *realm,
                           cli_edit_op op, const conf_mapping *added,
                           size_t removed_index, const char **why)
{
    size_t i, j;

    *why = "[adbridge] changed";
    if (!cli_str_eq(old_cfg->local_realm, new_cfg->local_realm) ||
        !adb_sid_equal(&old_cfg->local_domain_sid,
                       &new_cfg->local_domain_sid) ||
        !cli_str_eq(old_cfg->indicator_prefix, new_cfg->indicator_prefix) ||
        !cli_str_eq(old_cfg->audit_log, new_cfg->audit_log) ||
        old_cfg->right_count != new_cfg->right_count)
        return false;
    for (i = 0; i < old_cfg->right_count; i++)
        if (!cli_str_eq(old_cfg->right_names[i], new_cfg->right_names[i]))
            return false;
    *why = "the list of trusts changed";
    if (old_cfg->trust_count != new_cfg->trust_count)
        return false;
    for (i = 0; i < old_cfg->trust_count; i++) {
        const conf_trust *a = &old_cfg->trusts[i], *b = &new_cfg->trusts[i];

        *why = "a trust's settings changed";
        if (!cli_trust_eq_but_maps(a, b))
            return false;
        *why = "the mappings changed otherwise than intended";
        if (strcmp(a->realm, realm) != 0) {
            if (!cli_maps_eq(a, SIZE_MAX, b, SIZE_MAX))
                return false;
            continue;
        }
        if (op == CLI_EDIT_ADD) {
            if (b->map_count != a->map_count + 1)
                return false;
            for (j = 0; j < b->map_count; j++)
                if (cli_mapping_eq(&b->maps[j], added))
                    break;
            if (j == b->map_count || !cli_maps_eq(a, SIZE_MAX, b, j))
                return false;
        } else {
            if (a->map_count != b->map_count + 1 ||
                removed_index >= a->map_count ||
                !cli_maps_eq(a, removed_index, b, SIZE_MAX))
                return false;
        }
    }
    *why = NULL;
    return true;
}

/* Write all of @data to @fd. */
static int cli_write_all(int fd, const char *data, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

/*
 * Create a temporary file beside @path (".NAME.XXXXXX" in its directory)
 * holding @data, with @st's mode (and owner when we can set it), fsync'ed
 * and closed.  On CLI_EXIT_OK *tmp_out is its name (free(); unlink it if it
 * is not renamed); on failure nothing is left behind.
 */
static int cli_write_temp(const char *dir, const char *base,
                          const char *data, size_t len, const struct stat *st,
                          char **tmp_out)
{
    char *tmp = NULL;
    int fd = -1, status = CLI_EXIT_FAIL;
    size_t n = strlen(dir) + strlen(base) + 16;

    *tmp_out = NULL;
    tmp = malloc(n);
    if (tmp == NULL) {
        cli_error("out of memory");
        goto cleanup;
    }
    snprintf(tmp, n, "%s/.%s.XXXXXX", dir, base);
    fd = mkstemp(tmp);
    if (fd < 0) {
        cli_error("cannot create a temporary file in %s: %s", dir,
                  strerror(errno));
        free(tmp);
        tmp = NULL;
        goto cleanup;
    }
    if (fchmod(fd, st != NULL ? (st->st_mode & 07777) : 0600) != 0) {
        cli_error("cannot set the mode of %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    if (st != NULL && (st->st_uid != geteuid() || st->st_gid != getegid()) &&
        fchown(fd, st->st_uid, st->st_gid) != 0) {
        cli_error("cannot give %s the owner of the original: %s", tmp,
                  strerror(errno));
        goto cleanup;
    }
    if (cli_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        cli_error("cannot write %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    if (close(fd) != 0) {
        fd = -1;
        cli_error("cannot write %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    fd = -1;
    *tmp_out = tmp;
    tmp = NULL;
    status = CLI_EXIT_OK;

cleanup:
    if (fd >= 0)
        close(fd);
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    return status;
}

/* fsync the directory @dir (so the renames are durable). */
static int cli_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int ret = 0;

    if (fd < 0)
        return -1;
    if (fsync(fd) != 0)
        ret = -1;
    close(fd);
    return ret;
}

/* The edit being made, from the command line. */
typedef struct cli_edit {
    cli_edit_op op;
    const char *realm;
    const char *identity;
    const char *rights;       /* ADD */
    const char *comment;      /* ADD, may be NULL */
    cli_ad_opts ad;           /* ADD of a NAME: how to reach AD */
} cli_edit;

/* Does @identity look like a group name rather than sid:/rid:/user:? */
static int cli_check_identity_word(const char *identity)
{
    const char *p;

    if (strncmp(identity, "sid:", 4) != 0 &&
        strncmp(identity, "rid:", 4) != 0 &&
        strncmp(identity, "user:", 5) != 0) {
        cli_error("\"%s\" is not sid:S-..., rid:N, user:S-... or user:NAME"
                  " (map remove takes the identity as map list shows it)",
                  identity);
        return CLI_EXIT_FAIL;
    }
    for (p = identity; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == ' ') {
            cli_error("identity \"%s\" contains a blank or control"
                      " character", identity);
            return CLI_EXIT_FAIL;
        }
    }
    return CLI_EXIT_OK;
}

/* Is @identity an AD name (no sid:, rid: or user: prefix)? */
static bool cli_identity_is_name(const char *identity)
{
    return strncmp(identity, "sid:", 4) != 0 &&
           strncmp(identity, "rid:", 4) != 0 &&
           strncmp(identity, "user:", 5) != 0;
}

/*
 * map add NAME: resolve @ed->identity over AD's LDAP to its objectSid and
 * judge the object (cli_adname.h).  On CLI_EXIT_OK @ed->identity points at
 * @ident ("sid:S-..." for a group, "user:S-..." for a user) and
 * @ed->comment at @comment ("NETBIOS\name", or "NETBIOS\name: TEXT" with
 * --comment).  Every refusal is one line naming the reason; nothing is
 * written.
 */
static int cli_map_resolve(const conf_config *cfg, const conf_trust *t,
                           cli_edit *ed, char *ident, size_t isize,
                           char *comment, size_t csize)
{
    adb_diag diag = ADB_DIAG_INIT;
    adl_name *name = NULL;
    adl_object *obj = NULL;
    adl_msg msg;
    cli_ad ad;
    cli_adn_kind kind;
    const char *code;
    char why[512], sbuf[ADB_SID_STR_MAX];
    adb_err err;
    int status = CLI_EXIT_FAIL;

    memset(&ad, 0, sizeof(ad));
    name = calloc(1, sizeof(*name));
    if (name == NULL) {
        cli_error("out of memory");
        goto cleanup;
    }
    if (adl_name_parse(ed->identity, ADL_ACCOUNT_ANY, name, &diag) !=
        ADB_OK) {
        cli_error("map add: \"%s\" is not an AD account name: %s",
                  ed->identity, diag.detail);
        goto cleanup;
    }
    if (!cli_adn_domain_ok(t, name, why, sizeof(why))) {
        cli_error("map add: %s", why);
        goto cleanup;
    }
    if (cli_ad_open(cfg, t, &ed->ad, &ad, why, sizeof(why)) != ADB_OK) {
        cli_error("map add: cannot look up \"%s\" in AD: %s", ed->identity,
                  why);
        goto cleanup;
    }
    err = adl_find_by_name(ad.conn, ad.dom->nc, name->account, &obj, &msg);
    if (err == ADB_ERR_NOT_FOUND) {
        cli_error("map add: no account named \"%s\" in %s (DC %s)",
                  name->account, t->realm, ad.dc);
        goto cleanup;
    }
    if (err == ADB_ERR_AMBIGUOUS) {
        cli_error("map add: \"%s\" matches more than one object in %s: %s",
                  name->account, t->realm, msg.text);
        goto cleanup;
    }
    if (err != ADB_OK) {
        cli_error("map add: looking up \"%s\" failed: %s", name->account,
                  msg.text);
        goto cleanup;
    }
    if (cli_adn_judge(t, obj, &kind, &code, why, sizeof(why)) != ADB_OK) {
        cli_error("map add: refusing %s (%s): %s", ed->identity, code, why);
        goto cleanup;
    }
    snprintf(ident, isize, "%s%s", kind == CLI_ADN_USER ? "user:" : "sid:",
             adb_sid_format(&obj->sid, sbuf));
    if (ed->comment != NULL)
        snprintf(comment, csize, "%s\\%s: %s", ad.dom->netbios_name,
                 obj->sam_name, ed->comment);
    else
        snprintf(comment, csize, "%s\\%s", ad.dom->netbios_name,
                 obj->sam_name);
    ed->identity = ident;
    ed->comment = comment;
    status = CLI_EXIT_OK;

cleanup:
    adl_object_free(obj);
    cli_ad_close(&ad);
    free(name);
    return status;
}

static bool cli_has_control(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 && *s != '\t')
            return true;
    return false;
}

/* Build the new file text for @ed into *new_out (free()). */
static int cli_edit_text(const char *text, size_t len, const cli_scan *sc,
                         const cli_edit *ed, const char *value,
                         size_t remove_line, char **new_out, size_t *new_len)
{
    char *out = NULL;
    size_t cap, pos = 0, i, ilen = 0, ref = SIZE_MAX, cut_from, cut_to;
    const char *indent = "";
    char pad[64];
    int status = CLI_EXIT_FAIL;

    *new_out = NULL;
    *new_len = 0;
    if (ed->op == CLI_EDIT_REMOVE) {
        size_t c = cli_map_comment_line(text, sc, remove_line);

        cut_from = sc->lines[c != SIZE_MAX ? c : remove_line].start;
        cut_to = sc->lines[remove_line].end;
        out = malloc(len - (cut_to - cut_from) + 1);
        if (out == NULL)
            goto nomem;
        memcpy(out, text, cut_from);
        memcpy(out + cut_from, text + cut_to, len - cut_to);
        pos = len - (cut_to - cut_from);
        out[pos] = '\0';
        goto done;
    }

    /* ADD: in the trust's last block, indented like its map lines. */
    if (sc->last_map_in_last != SIZE_MAX)
        ref = sc->last_map_in_last;
    else if (sc->first_rel_in_last != SIZE_MAX)
        ref = sc->first_rel_in_last;
    if (ref != SIZE_MAX) {
        indent = text + sc->lines[ref].start;
        while (ilen < sc->lines[ref].len && cli_is_blank(indent[ilen]) &&
               indent[ilen] != '\r')
            ilen++;
    } else {
        const cli_line *cl = &sc->lines[sc->last_close];

        while (ilen < cl->len && ilen + 4 < sizeof(pad) &&
               cli_is_blank(text[cl->start + ilen]) &&
               text[cl->start + ilen] != '\r') {
            pad[ilen] = text[cl->start + ilen];
            ilen++;
        }
        memcpy(pad + ilen, "    ", 4);
        ilen += 4;
        indent = pad;
    }
    cap = len + 2 * ilen + strlen(value) +
          (ed->comment != NULL ? strlen(ed->comment) : 0) + 16;
    out = malloc(cap);
    if (out == NULL)
        goto nomem;
    /* Right after the block's last map line (so that a comment we write
     * sits below a map line, not below another comment), else before '}'. */
    i = sc->last_map_in_last != SIZE_MAX ?
        sc->lines[sc->last_map_in_last].end : sc->lines[sc->last_close].start;
    memcpy(out, text, i);
    pos = i;
    if (ed->comment != NULL)
        pos += (size_t)snprintf(out + pos, cap - pos, "%.*s# %s\n",
                                (int)ilen, indent, ed->comment);
    pos += (size_t)snprintf(out + pos, cap - pos, "%.*smap = %s\n",
                            (int)ilen, indent, value);
    memcpy(out + pos, text + i, len - i);
    pos += len - i;
    out[pos] = '\0';

done:
    *new_out = out;
    *new_len = pos;
    out = NULL;
    status = CLI_EXIT_OK;
    goto cleanup;
nomem:
    cli_error("out of memory");
cleanup:
    free(out);
    return status;
}

/* map add / map remove on the file @path. */
static int cli_map_edit(const char *path, const cli_edit *ed_in)
{
    cli_edit edcopy = *ed_in;
    const cli_edit *ed = &edcopy;
    char rident[8 + ADB_SID_STR_MAX], rcomment[CLI_ADN_COMMENT_MAX + 600];
    char *real = NULL, *dircopy = NULL, *basecopy = NULL, *dir, *base;
    char *text = NULL, *again = NULL, *newtext = NULL, *value = NULL;
    char *tmp = NULL, *baktmp = NULL, *bak = NULL;
    size_t len = 0, againlen = 0, newlen = 0, i, found = SIZE_MAX, n;
    conf_config *old_cfg = NULL, *new_cfg = NULL;
    const conf_trust *t;
    conf_mapping want;
    adb_arena arena;
    conf_problems pr;
    struct stat st, st2;
    cli_scan sc;
    char err[512], ident[320];
    const char *why, *rstart;
    size_t rlen;
    int status = CLI_EXIT_FAIL;

    memset(&sc, 0, sizeof(sc));
    adb_arena_init(&arena, 512);
    conf_problems_init(&pr);

    real = realpath(path, NULL);
    if (real == NULL) {
        cli_error("cannot open %s: %s", path, strerror(errno));
        goto cleanup;
    }
    dircopy = strdup(real);
    basecopy = strdup(real);
    if (dircopy == NULL || basecopy == NULL) {
        cli_error("out of memory");
        goto cleanup;
    }
    dir = dirname(dircopy);
    base = basename(basecopy);

    if (cli_conf_read_text(real, &text, &len, &st) != CLI_EXIT_OK)
        goto cleanup;
    if (cli_conf_load(real, &old_cfg) != CLI_EXIT_OK) {
        cli_error("%s does not pass config check; fix it first", path);
        goto cleanup;
    }
    t = cli_conf_trust(old_cfg, path, ed->realm);
    if (t == NULL)
        goto cleanup;
    if (ed->op == CLI_EDIT_ADD && cli_identity_is_name(ed->identity) &&
        cli_map_resolve(old_cfg, t, &edcopy, rident, sizeof(rident),
                        rcomment, sizeof(rcomment)) != CLI_EXIT_OK)
        goto cleanup;
    if (cli_check_identity_word(ed->identity) != CLI_EXIT_OK)
        goto cleanup;

    /* The identity (and rights), validated exactly as the loader does. */
    if (ed->op == CLI_EDIT_ADD) {
        if (cli_has_control(ed->rights) || *ed->rights == '"' ||
            *ed->rights == '{') {
            cli_error("rights \"%s\" are not a list of right names",
                      ed->rights);
            goto cleanup;
        }
        if (ed->comment != NULL && cli_has_control(ed->comment)) {
            cli_error("the comment must be one line");
            goto cleanup;
        }
        /* The profile library strips a value's outer blanks: so do we. */
        rstart = ed->rights;
        while (cli_is_blank(*rstart))
            rstart++;
        rlen = strlen(rstart);
        while (rlen > 0 && cli_is_blank(rstart[rlen - 1]))
            rlen--;
        n = strlen(ed->identity) + rlen + 2;
        value = malloc(n);
        if (value == NULL) {
            cli_error("out of memory");
            goto cleanup;
        }
        snprintf(value, n, "%s %.*s", ed->identity, (int)rlen, rstart);
    } else {
        /* Only the identity matters: parse it with a right the loader
         * always knows. */
        n = strlen(ed->identity) + 8;
        value = malloc(n);
        if (value == NULL) {
            cli_error("out of memory");
            goto cleanup;
        }
        snprintf(value, n, "%s viewer", ed->identity);
    }
    switch (conf_parse_map_value(old_cfg, t, value, &arena, &want, err,
                                 sizeof(err))) {
    case ADB_OK:
        break;
    case ADB_ERR_NOMEM:
        cli_error("out of memory");
        goto cleanup;
    default:
        cli_error("map %s \"%s\": %s", ed->op == CLI_EDIT_ADD ? "add" :
                  "remove", ed->op == CLI_EDIT_ADD ? value : ed->identity,
                  err);
        goto cleanup;
    }
    for (i = 0; i < t->map_count; i++)
        if (cli_same_identity(&t->maps[i], &want))
            break;
    if (ed->op == CLI_EDIT_ADD && i < t->map_count) {
        cli_error("trust %s already maps %s (map #%zu \"%s\"); remove it"
                  " first", t->realm, ed->identity, t->maps[i].line,
                  t->maps[i].text);
        goto cleanup;
    }
    if (ed->op == CLI_EDIT_REMOVE) {
        if (i == t->map_count) {
            cli_error("trust %s has no mapping of %s", t->realm,
                      ed->identity);
            goto cleanup;
        }
        found = i;
    }

    if (cli_conf_scan(text, len, t->realm, &sc) != CLI_EXIT_OK)
        goto cleanup;
    if (!sc.have_block || sc.map_count != t->map_count) {
        cli_error("cannot find the map lines of trust %s in the text of %s"
                  " (is its block written \"%s = {\"?); not editing it",
                  t->realm, path, t->realm);
        goto cleanup;
    }
    if (cli_edit_text(text, len, &sc, ed, value,
                      found != SIZE_MAX ? sc.map_lines[found] : 0,
                      &newtext, &newlen) != CLI_EXIT_OK)
        goto cleanup;

    /* Write the new text beside the file and prove it. */
    if (cli_write_temp(dir, base, newtext, newlen, &st, &tmp) != CLI_EXIT_OK)
        goto cleanup;
    if (conf_load(tmp, &new_cfg, &pr) != ADB_OK) {
        cli_error("refusing the edit: the new %s would not pass config"
                  " check:", path);
        for (i = 0; i < pr.count; i++)
            cli_error("  %s", pr.messages[i]);
        goto cleanup;
    }
    if (!cli_conf_prove(old_cfg, new_cfg, t->realm, ed->op, &want, found,
                        &why)) {
        cli_error("refusing the edit: the new %s does not prove equal to the"
                  " old one plus the change (%s); file left untouched", path,
                  why);
        goto cleanup;
    }

    /* Nobody changed the file meanwhile? */
    if (cli_conf_read_text(real, &again, &againlen, &st2) != CLI_EXIT_OK)
        goto cleanup;
    if (againlen != len || memcmp(again, text, len) != 0) {
        cli_error("%s changed while it was being edited; try again", path);
        goto cleanup;
    }

    /* The backup, then the new file, each by rename. */
    n = strlen(real) + 5;
    bak = malloc(n);
    if (bak == NULL) {
        cli_error("out of memory");
        goto cleanup;
    }
    snprintf(bak, n, "%s.bak", real);
    if (cli_write_temp(dir, base, text, len, &st, &baktmp) != CLI_EXIT_OK)
        goto cleanup;
    if (rename(baktmp, bak) != 0) {
        cli_error("cannot write the backup %s: %s", bak, strerror(errno));
        goto cleanup;
    }
    free(baktmp);
    baktmp = NULL;
    if (rename(tmp, real) != 0) {
        cli_error("cannot replace %s: %s", path, strerror(errno));
        goto cleanup;
    }
    free(tmp);
    tmp = NULL;
    if (cli_fsync_dir(dir) != 0) {
        cli_error("%s was replaced, but syncing %s failed: %s", path, dir,
                  strerror(errno));
        goto cleanup;
    }
    if (ed->op == CLI_EDIT_ADD) {
        snprintf(ident, sizeof(ident), "%s", value);
        printf("%s: trust %s: added map = %s (backup %s)\n", path, t->realm,
               ident, bak);
    } else {
        printf("%s: trust %s: removed map = %s (backup %s)\n", path,
               t->realm, t->maps[found].text, bak);
    }
    status = CLI_EXIT_OK;

cleanup:
    if (tmp != NULL)
        unlink(tmp);
    if (baktmp != NULL)
        unlink(baktmp);
    free(tmp);
    free(baktmp);
    free(bak);
    cli_scan_free(&sc);
    conf_free(old_cfg);
    conf_free(new_cfg);
    conf_problems_free(&pr);
    adb_arena_free(&arena);
    free(value);
    free(newtext);
    free(again);
    free(text);
    free(dircopy);
    free(basecopy);
    free(real);
    return status;
}

static int cli_map_add(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "comment", required_argument, NULL, 'm' },
        CLI_AD_LONGOPTS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *opt_path = NULL;
    cli_edit ed;
    int ch;

    memset(&ed, 0, sizeof(ed));
    ed.op = CLI_EDIT_ADD;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (cli_ad_option(ch, optarg, &ed.ad))
            continue;
        switch (ch) {
        case 'c': opt_path = optarg; break;
        case 'm': ed.comment = optarg; break;
        case 'h':
            printf("usage: %s\n\n"
                   "Add `map = IDENTITY RIGHTS` to trust REALM, with the"
                   " comment line\n`# TEXT` above it.  IDENTITY is sid:S-...,"
                   " rid:N, user:S-... or user:NAME.\n"
                   "A NAME ('ADEX\\PBX Admins', 'PBX Admins@AD.EXAMPLE.COM',"
                   " 'PBX Admins',\n'ADEX\\alice') is looked up in AD over"
                   " LDAP (SASL/GSSAPI, signed) and stored\nas sid:S-... (a"
                   " group) or user:S-... (a user) below `# ADEX\\NAME`.\n"
                   "Refused: unknown or ambiguous names, names outside the"
                   " trusted domain,\ndistribution groups and domain-local"
                   " groups (never in a cross-realm ticket).\n"
                   "The file is replaced atomically (backup FILE.bak) only if"
                   "\nthe new file passes config check and differs from the"
                   " old one by exactly\nthis mapping.\n\n"
                   "  --comment TEXT           the comment line (after a"
                   " NAME: `# ADEX\\NAME: TEXT`)\n%s",
                   cli_map_add_usage, CLI_AD_HELP);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option(cli_map_add_usage, ch, argv);
        }
    }
    if (argc - optind != 3)
        return cli_usage_error(cli_map_add_usage, argc - optind < 3 ?
                               "expected REALM IDENTITY RIGHTS" :
                               "too many arguments (quote a group name)");
    ed.realm = argv[optind];
    ed.identity = argv[optind + 1];
    ed.rights = argv[optind + 2];
    return cli_map_edit(cli_conf_path(opt_path), &ed);
}

static int cli_map_remove(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *opt_path = NULL;
    cli_edit ed;
    int ch;

    memset(&ed, 0, sizeof(ed));
    ed.op = CLI_EDIT_REMOVE;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': opt_path = optarg; break;
        case 'h':
            printf("usage: %s\n\n"
                   "Remove trust REALM's mapping of IDENTITY (rid:1103 and"
                   " sid:<domain_sid>-1103\nare the same identity) and its"
                   " one-line comment.  The file is replaced as\nby"
                   " `map add`.\n", cli_map_remove_usage);
            return CLI_EXIT_OK;
        default:
            return cli_bad_option(cli_map_remove_usage, ch, argv);
        }
    }
    if (argc - optind != 2)
        return cli_usage_error(cli_map_remove_usage, argc - optind < 2 ?
                               "expected REALM IDENTITY" :
                               "too many arguments");
    ed.realm = argv[optind];
    ed.identity = argv[optind + 1];
    return cli_map_edit(cli_conf_path(opt_path), &ed);
}

static const cli_command cli_map_commands[] = {
    { "list", cli_map_list, "list a trust's mappings" },
    { "add", cli_map_add, "add a mapping to a trust" },
    { "remove", cli_map_remove, "remove a mapping from a trust" },
};

int cli_map_main(int argc, char **argv)
{
    return cli_dispatch(cli_map_commands,
                        sizeof(cli_map_commands) / sizeof(cli_map_commands[0]),
                        CLI_PROGRAM " map", argc, argv);
}

/* ------------------------------------------------------------------ */
/* explain                                                              */

/* "group #3" etc.: where a SID came from. */
static void cli_sid_where(char *buf, size_t size, pac_sid_source source,
                          uint32_t index)
{
    if (source == PAC_SID_USER || source == PAC_SID_PRIMARY_GROUP)
        snprintf(buf, size, "%s", pac_sid_source_name(source));
    else
        snprintf(buf, size, "%s #%u", pac_sid_source_name(source), index);
}

/* The checks `explain --pac` cannot make (they need the ticket). */
static const char *const cli_explain_skipped[] = {
    "ticket-client",      /* CLIENT_INFO, EffectiveName vs the ticket's */
    "client-realm",       /* the ticket's client realm vs the trust */
    "pac-placement",      /* a PAC-typed element where MIT reads none */
    NULL
};

/* The user's line ("ADEX\alice (S-1-...)") or why there is none. */
static const pac_logon_info *cli_explain_user(const kdc_decision *d,
                                              char *sid, size_t size)
{
    const pac_info *pac = d->pac;
    const pac_sid_entry *user;
    pac_sid_entry tmp;

    snprintf(sid, size, "%s", "");
    if (pac == NULL || pac->logon_info == NULL)
        return NULL;
    user = pac_sid_at(pac, 0, &tmp);
    if (user != NULL && user->source == PAC_SID_USER)
        adb_sid_format(&user->sid, sid);
    return pac->logon_info;
}

static void cli_explain_json(const conf_config *cfg, const char *trust,
                             const kdc_request *req, const kdc_decision *d,
                             bool skipped, cli_json *js)
{
    static const map_result none;
    const map_result *r = d->have_map ? &d->map : &none;
    const pac_logon_info *li;
    char sbuf[ADB_SID_STR_MAX];
    size_t i;

    cli_json_object_begin(js);
    cli_json_kv_string(js, "trust", trust);
    cli_json_kv_string(js, "decision", d->refused ? "refuse" : "allow");
    cli_json_kv_string(js, "kind", d->kind == KDC_KIND_FOREIGN_TGS ?
                       "foreign-tgs" : "cross-realm");
    cli_json_kv_string(js, "client", req->client);
    cli_json_key(js, "checks_skipped");
    cli_json_array_begin(js);
    for (i = 0; skipped && cli_explain_skipped[i] != NULL; i++)
        cli_json_string(js, cli_explain_skipped[i]);
    cli_json_array_end(js);
    cli_json_key(js, "user");
    li = cli_explain_user(d, sbuf, sizeof(sbuf));
    if (li != NULL) {
        cli_json_object_begin(js);
        cli_json_kv_string(js, "name", li->effective_name);
        cli_json_kv_string(js, "domain", li->logon_domain);
        cli_json_kv_string(js, "sid", sbuf[0] != '\0' ? sbuf : NULL);
        cli_json_object_end(js);
    } else {
        cli_json_null(js);
    }
    cli_json_key(js, "rights");
    cli_conf_json_rights(js, cfg, d->rights);
    cli_json_key(js, "indicators");
    cli_json_array_begin(js);
    for (i = 0; d->indicators != NULL && d->indicators[i] != NULL; i++)
        cli_json_string(js, d->indicators[i]);
    cli_json_array_end(js);
    cli_json_key(js, "granted_by");
    cli_json_array_begin(js);
    for (i = 0; !d->refused && i < r->grant_count; i++) {
        const map_grant *g = &r->grants[i];

        cli_json_object_begin(js);
        cli_json_kv_string(js, "right", g->right_name);
        cli_json_kv_string(js, "sid", adb_sid_format(&g->sid, sbuf));
        cli_json_kv_string(js, "source", pac_sid_source_name(g->source));
        cli_json_kv_uint(js, "index", g->index);
        cli_json_kv_string(js, "mapping", g->mapping != NULL ? g->mapping->text : NULL);
        cli_json_key(js, "mapping_line");
        if (g->mapping != NULL)
            cli_json_uint(js, g->mapping->line);
        else
            cli_json_null(js);
        cli_json_kv_bool(js, "implied", g->implied);
        cli_json_kv_string(js, "implied_by",
                           g->implied ? conf_right_name(cfg, g->implied_by)
                                      : NULL);
        cli_json_object_end(js);
    }
    cli_json_array_end(js);
    cli_json_key(js, "filtered");
    cli_json_array_begin(js);
    for (i = 0; i < r->dropped_count; i++) {
        const map_dropped *x = &r->dropped[i];

        cli_json_object_begin(js);
        cli_json_kv_string(js, "sid", adb_sid_format(&x->sid, sbuf));
        cli_json_kv_string(js, "source", pac_sid_source_name(x->source));
        cli_json_kv_uint(js, "index", x->index);
        cli_json_kv_string(js, "rule", map_drop_rule_name(x->rule));
        cli_json_object_end(js);
    }
    cli_json_array_end(js);
    cli_json_key(js, "refused");
    if (d->refused) {
        cli_json_object_begin(js);
        cli_json_kv_string(js, "code", kdc_decision_code(d));
        cli_json_kv_string(js, "reason", d->reason);
        cli_json_object_end(js);
    } else {
        cli_json_null(js);
    }
    cli_json_object_end(js);
}

static void cli_explain_print(const conf_config *cfg, const char *trust,
                              const kdc_decision *d, bool skipped)
{
    static const map_result none;
    const map_result *r = d->have_map ? &d->map : &none;
    const pac_logon_info *li;
    char sbuf[ADB_SID_STR_MAX], where[64], buf[1024];
    size_t i, pos;

    cli_print_text_field(stdout, 0, "Trust", trust);
    li = cli_explain_user(d, sbuf, sizeof(sbuf));
    if (li != NULL) {
        /* Names from the PAC: escaped by cli_print_text_field. */
        snprintf(buf, sizeof(buf), "%s\\%s (%s)",
                 li->logon_domain != NULL ? li->logon_domain : "",
                 li->effective_name != NULL ? li->effective_name : "",
                 sbuf[0] != '\0' ? sbuf : "no SID");
        cli_print_text_field(stdout, 0, "User", buf);
    } else {
        cli_print_field(stdout, 0, "User", "%s",
                        d->pac == NULL ? "(no PAC)" : "(no LOGON_INFO)");
    }
    if (d->refused) {
        /* The reason quotes names from the PAC (LogonDomainName): escaped
         * by cli_print_text_field. */
        snprintf(buf, sizeof(buf), "refused (%s): %s", kdc_decision_code(d),
                 d->reason != NULL ? d->reason : "");
        cli_print_text_field(stdout, 0, "Decision", buf);
    } else if (d->rights == 0) {
        cli_print_field(stdout, 0, "Decision", "allowed without rights"
                        " (refuse_without_rights = false)");
    } else {
        cli_conf_format_rights(buf, sizeof(buf), cfg, d->rights, ", ");
        cli_print_field(stdout, 0, "Decision", "granted: %s", buf);
    }
    pos = 0;
    buf[0] = '\0';
    for (i = 0; d->indicators != NULL && d->indicators[i] != NULL &&
                pos < sizeof(buf); i++)
        pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s",
                                i > 0 ? " " : "", d->indicators[i]);
    cli_print_field(stdout, 0, "Indicators", "%s",
                    buf[0] == '\0' ? "(none)" : buf);
    if (skipped)
        cli_print_field(stdout, 0, "Not checked", "%s", "the ticket client,"
                        " its realm and the PAC's placement (no ticket:"
                        " --pac)");

    printf("\nGranted rights:%s\n",
           d->refused || r->grant_count == 0 ? " (none)" : "");
    for (i = 0; !d->refused && i < r->grant_count; i++) {
        const map_grant *g = &r->grants[i];

        cli_sid_where(where, sizeof(where), g->source, g->index);
        printf("  %-10s ", g->right_name != NULL ? g->right_name : "?");
        if (g->implied)
            printf("implied by %s: ", conf_right_name(cfg, g->implied_by));
        printf("%s (%s) by map #%zu \"%s\"\n", adb_sid_format(&g->sid, sbuf),
               where, g->mapping != NULL ? g->mapping->line : 0,
               g->mapping != NULL ? g->mapping->text : "");
    }
    printf("\nFiltered SIDs:%s\n", r->dropped_count == 0 ? " (none)" : "");
    for (i = 0; i < r->dropped_count; i++) {
        const map_dropped *x = &r->dropped[i];

        cli_sid_where(where, sizeof(where), x->source, x->index);
        printf("  %-50s %-18s %s\n", adb_sid_format(&x->sid, sbuf), where,
               map_drop_rule_name(x->rule));
    }
}

static void cli_explain_help(void)
{
    printf("usage: %s\n\n"
           "Explain the rights a user would get through trust REALM: each"
           " granted right\nwith the PAC SID and map line that granted it"
           " (implied rights marked), each\nSID removed by filtering with"
           " its rule, the refusal if any, and the\nresulting auth"
           " indicators.  The PAC comes from a raw PAC file (--pac, e.g.\n"
           "saved by `pac show --save`; not verified) or from the one"
           " matching ticket of a\ncredential cache, verified as by"
           " `pac show`.\n\n"
           "  --trust REALM    the trusted realm of the configuration\n"
           "  --pac FILE       raw PAC bytes\n"
           "  --ccache CC      credential cache, with --keytab KT"
           " [--service PRINC]\n"
           "  --json           print JSON (rights, indicators, granted_by,"
           " filtered, refused)\n\n"
           "Exit status: 0 the user is accepted (with the rights shown,"
           " possibly none),\n3 the trust refuses the user, 1 error, 2"
           " usage.\n", cli_explain_usage);
}

int cli_explain_run(const char *opt_path, const char *realm,
                    const char *pac_file, const char *cc_arg,
                    const char *kt_arg, const char *service, bool json,
                    cli_json *into)
{
    const char *path;
    krb5_context ctx = NULL;
    krb5_error_code kret;
    conf_config *cfg = NULL;
    cli_pac_ticket *tickets = NULL;
    size_t count = 0;
    uint8_t *data = NULL;
    size_t len = 0;
    krb5_pac own_pac = NULL;
    char *tkt_realm = NULL, *cname = NULL;
    kdc_request req;
    kdc_decision d;
    cli_json js;
    adb_err err;
    int status = CLI_EXIT_FAIL;

    memset(&req, 0, sizeof(req));
    kdc_decision_init(&d);
    path = cli_conf_path(opt_path);
    if (cli_conf_load(path, &cfg) != CLI_EXIT_OK)
        goto cleanup;
    if (cli_conf_trust(cfg, path, realm) == NULL)
        goto cleanup;

    kret = krb5_init_context(&ctx);
    if (kret) {
        cli_krb5_error(NULL, kret, "cannot initialize Kerberos");
        goto cleanup;
    }
    /* The request as the KDC would see it, decided by the KDC's own
     * function (kdc_decide): cross-realm through --trust. */
    req.kind = KDC_KIND_CROSS_REALM;
    req.trust_realm = realm;
    req.profile = "groups";        /* (the decision does not depend on it) */
    if (pac_file != NULL) {
        /* no ticket: its client, realm and PAC placement are not known */
        if (cli_pac_read_file(pac_file, &data, &len) != CLI_EXIT_OK)
            goto cleanup;
        kret = krb5_pac_parse(ctx, data, len, &own_pac);
        if (kret) {
            cli_krb5_error(ctx, kret, "%s: malformed PAC header", pac_file);
            goto cleanup;
        }
        req.old_pac = own_pac;
        req.client_realm = realm;
    } else {
        status = cli_pac_load_tickets(ctx, cc_arg, kt_arg, service,
                                      cli_explain_usage, CLI_PAC_KDC_VIEW,
                                      &tickets, &count);
        if (status != CLI_EXIT_OK)
            goto cleanup;
        status = CLI_EXIT_FAIL;
        if (count > 1) {
            cli_error("%zu tickets match; choose one with --service", count);
            goto cleanup;
        }
        /* a cross-realm TGT krbtgt/LOCAL@TRUST comes through TRUST */
        tkt_realm = strdup(strrchr(tickets[0].server, '@') != NULL
                               ? strrchr(tickets[0].server, '@') + 1 : "");
        if (tkt_realm == NULL) {
            cli_error("out of memory");
            goto cleanup;
        }
        if (strcmp(tkt_realm, realm) != 0) {
            cli_error("ticket for %s comes through %s, not --trust %s",
                      tickets[0].server, tkt_realm, realm);
            goto cleanup;
        }
        kret = krb5_unparse_name_flags(ctx, tickets[0].client_princ,
                                       KRB5_PRINCIPAL_UNPARSE_NO_REALM |
                                       KRB5_PRINCIPAL_UNPARSE_DISPLAY,
                                       &cname);
        if (kret) {
            cli_krb5_error(ctx, kret, "cannot read the ticket's client");
            goto cleanup;
        }
        req.client = tickets[0].client;
        req.client_name = cname;
        req.client_enterprise = tickets[0].client_princ->type ==
                                KRB5_NT_ENTERPRISE_PRINCIPAL;
        req.old_pac = tickets[0].pac;
        req.stray_pacs = tickets[0].stray_pacs;
        req.client_realm = strrchr(tickets[0].client, '@') != NULL
                               ? strrchr(tickets[0].client, '@') + 1 : NULL;
    }

    err = kdc_decide(ctx, cfg, &req, &d);
    if (err != ADB_OK) {
        cli_error("cannot decide: %s", adb_strerror(err));
        goto cleanup;
    }
    if (into != NULL) {
        cli_explain_json(cfg, realm, &req, &d, pac_file != NULL, into);
        status = CLI_EXIT_OK;
    } else if (json) {
        cli_json_init(&js, stdout);
        cli_explain_json(cfg, realm, &req, &d, pac_file != NULL, &js);
        status = cli_finish_json(&js);
    } else {
        cli_explain_print(cfg, realm, &d, pac_file != NULL);
        status = CLI_EXIT_OK;
    }
    if (status == CLI_EXIT_OK && d.refused)
        status = CLI_EXIT_REFUSED;

cleanup:
    kdc_decision_free(&d);
    krb5_pac_free(ctx, own_pac);
    free(data);
    free(tkt_realm);
    if (ctx != NULL)
        krb5_free_unparsed_name(ctx, cname);
    cli_pac_tickets_free(ctx, tickets, count);
    conf_free(cfg);
    if (ctx != NULL)
        krb5_free_context(ctx);
    return status;
}


int cli_explain_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "trust", required_argument, NULL, 't' },
        { "pac", required_argument, NULL, 'p' },
        { "ccache", required_argument, NULL, 'C' },
        { "keytab", required_argument, NULL, 'k' },
        { "service", required_argument, NULL, 's' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *opt_path = NULL, *realm = NULL, *pac_file = NULL;
    const char *cc_arg = NULL, *kt_arg = NULL, *service = NULL;
    bool json = false;
    int ch, status = CLI_EXIT_FAIL;

    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': opt_path = optarg; break;
        case 't': realm = optarg; break;
        case 'p': pac_file = optarg; break;
        case 'C': cc_arg = optarg; break;
        case 'k': kt_arg = optarg; break;
        case 's': service = optarg; break;
        case 'j': json = true; break;
        case 'h':
            cli_explain_help();
            status = CLI_EXIT_OK;
            goto cleanup;
        default:
            status = cli_bad_option(cli_explain_usage, ch, argv);
            goto cleanup;
        }
    }
    if (optind < argc) {
        status = cli_usage_error(cli_explain_usage, "unexpected argument"
                                 " '%s'", argv[optind]);
        goto cleanup;
    }
    if (realm == NULL) {
        status = cli_usage_error(cli_explain_usage, "--trust is required");
        goto cleanup;
    }
    if ((pac_file != NULL) == (cc_arg != NULL)) {
        status = cli_usage_error(cli_explain_usage, "give either --pac or"
                                 " --ccache");
        goto cleanup;
    }
    if (pac_file != NULL && (kt_arg != NULL || service != NULL)) {
        status = cli_usage_error(cli_explain_usage, "--keytab and --service"
                                 " go with --ccache");
        goto cleanup;
    }
    if (cc_arg != NULL && kt_arg == NULL) {
        status = cli_usage_error(cli_explain_usage, "--ccache needs"
                                 " --keytab");
        goto cleanup;
    }

    status = cli_explain_run(opt_path, realm, pac_file, cc_arg, kt_arg,
                             service, json, NULL);

cleanup:
    return status;
}

/* ------------------------------------------- trust stanzas (wizard) -- */

struct cli_conf_stanza {
    char *real;           /* the file (realpath, or the path when new) */
    char *dir;
    char *text;           /* the old text (NULL: the file is new) */
    size_t len;
    char *tmp;            /* the proven new file, beside it */
    bool is_new;
};

void cli_conf_stanza_free(cli_conf_stanza *e)
{
    if (e == NULL)
        return;
    if (e->tmp != NULL) {
        unlink(e->tmp);
        free(e->tmp);
    }
    free(e->real);
    free(e->dir);
    free(e->text);
    free(e);
}

/* The proof of a stanza edit: every other setting and trust unchanged,
 * trust @realm added (@stanza) or gone. */
static bool cli_stanza_prove(const conf_config *o, const conf_config *n,
                             const char *realm, bool add, const char **why)
{
    size_t i, j;

    *why = "[adbridge] changed";
    if (o != NULL && (!cli_str_eq(o->local_realm, n->local_realm) ||
                      !cli_str_eq(o->audit_log, n->audit_log) ||
                      !adb_sid_equal(&o->local_domain_sid,
                                     &n->local_domain_sid)))
        return false;
    *why = "the list of trusts changed otherwise than intended";
    if ((o != NULL ? o->trust_count : 0) + (add ? 1 : 0) !=
        n->trust_count + (add ? 0 : 1))
        return false;
    if (add && conf_find_trust(n, realm) == NULL)
        return false;
    if (!add && conf_find_trust(n, realm) != NULL)
        return false;
    for (i = 0; o != NULL && i < o->trust_count; i++) {
        const conf_trust *a = &o->trusts[i];

        if (strcmp(a->realm, realm) == 0)
            continue;
        for (j = 0; j < n->trust_count; j++)
            if (strcmp(n->trusts[j].realm, a->realm) == 0)
                break;
        *why = "another trust changed";
        if (j == n->trust_count || !cli_trust_eq_but_maps(a, &n->trusts[j]) ||
            !cli_maps_eq(a, SIZE_MAX, &n->trusts[j], SIZE_MAX))
            return false;
    }
    *why = NULL;
    return true;
}

int cli_conf_stanza_prepare(const char *path, const char *realm,
                            const char *stanza, const char *local_realm,
                            cli_conf_stanza **out)
{
    cli_conf_stanza *e = NULL;
    conf_config *old_cfg = NULL, *new_cfg = NULL;
    conf_problems pr;
    cli_scan sc;
    struct stat st;
    char *newtext = NULL, *dircopy = NULL, *basecopy = NULL;
    const char *why, *base;
    size_t newlen = 0, cap, at, i;
    int status = CLI_EXIT_FAIL;

    *out = NULL;
    memset(&sc, 0, sizeof(sc));
    conf_problems_init(&pr);
    e = calloc(1, sizeof(*e));
    if (e == NULL)
        goto nomem;
    e->real = realpath(path, NULL);
    if (e->real == NULL && errno == ENOENT && stanza != NULL) {
        e->is_new = true;
        e->real = strdup(path);
    }
    if (e->real == NULL) {
        cli_error("cannot open %s: %s", path, strerror(errno));
        goto cleanup;
    }
    dircopy = strdup(e->real);
    basecopy = strdup(e->real);
    if (dircopy == NULL || basecopy == NULL)
        goto nomem;
    e->dir = strdup(dirname(dircopy));
    base = basename(basecopy);
    if (e->dir == NULL)
        goto nomem;

    if (e->is_new) {
        cap = strlen(local_realm) + strlen(stanza) + 64;
        newtext = malloc(cap);
        if (newtext == NULL)
            goto nomem;
        newlen = (size_t)snprintf(newtext, cap, "[adbridge]\n    local_realm"
                                  " = %s\n[trusts]\n%s", local_realm, stanza);
        memset(&st, 0, sizeof(st));
        st.st_mode = 0644;
        st.st_uid = geteuid();
        st.st_gid = getegid();
    } else {
        if (cli_conf_read_text(e->real, &e->text, &e->len, &st) !=
            CLI_EXIT_OK)
            goto cleanup;
        if (cli_conf_load(e->real, &old_cfg) != CLI_EXIT_OK) {
            cli_error("%s does not pass config check; fix it first", path);
            goto cleanup;
        }
        if (cli_conf_scan(e->text, e->len, realm, &sc) != CLI_EXIT_OK)
            goto cleanup;
        if (stanza != NULL) {
            if (conf_find_trust(old_cfg, realm) != NULL || sc.have_block) {
                cli_error("%s already has a trust %s (remove it first with"
                          " `" CLI_PROGRAM " trust remove %s`)", path, realm,
                          realm);
                goto cleanup;
            }
            /* right after the [trusts] header, or a new section at the end */
            cap = e->len + strlen(stanza) + 16;
            newtext = malloc(cap);
            if (newtext == NULL)
                goto nomem;
            if (sc.trusts_header != SIZE_MAX) {
                at = sc.lines[sc.trusts_header].end;
                memcpy(newtext, e->text, at);
                newlen = at;
                if (at > 0 && newtext[at - 1] != '\n')
                    newtext[newlen++] = '\n';
                memcpy(newtext + newlen, stanza, strlen(stanza));
                newlen += strlen(stanza);
                memcpy(newtext + newlen, e->text + at, e->len - at);
                newlen += e->len - at;
            } else {
                memcpy(newtext, e->text, e->len);
                newlen = e->len;
                if (newlen > 0 && newtext[newlen - 1] != '\n')
                    newtext[newlen++] = '\n';
                memcpy(newtext + newlen, "[trusts]\n", 9);
                newlen += 9;
                memcpy(newtext + newlen, stanza, strlen(stanza));
                newlen += strlen(stanza);
            }
            newtext[newlen] = '\0';
        } else {
            size_t from, to;

            if (conf_find_trust(old_cfg, realm) == NULL || !sc.have_block) {
                cli_error("%s has no trust %s", path, realm);
                goto cleanup;
            }
            if (sc.block_count != 1 || sc.last_close < sc.first_open) {
                cli_error("trust %s is written in %zu blocks in %s; remove"
                          " it by hand", realm, sc.block_count, path);
                goto cleanup;
            }
            from = sc.lines[sc.first_open].start;
            to = sc.lines[sc.last_close].end;
            newtext = malloc(e->len + 1);
            if (newtext == NULL)
                goto nomem;
            memcpy(newtext, e->text, from);
            memcpy(newtext + from, e->text + to, e->len - to);
            newlen = e->len - (to - from);
            newtext[newlen] = '\0';
        }
    }
    if (cli_write_temp(e->dir, base, newtext, newlen, &st, &e->tmp) !=
        CLI_EXIT_OK)
        goto cleanup;
    if (conf_load(e->tmp, &new_cfg, &pr) != ADB_OK) {
        cli_error("refusing the edit: the new %s would not pass config"
                  " check:", path);
        for (i = 0; i < pr.count; i++)
            cli_error("  %s", pr.messages[i]);
        goto cleanup;
    }
    if (!cli_stanza_prove(old_cfg, new_cfg, realm, stanza != NULL, &why)) {
        cli_error("refusing the edit: the new %s does not prove equal to the"
                  " old one plus the change (%s)", path, why);
        goto cleanup;
    }
    *out = e;
    e = NULL;
    status = CLI_EXIT_OK;
    goto cleanup;

nomem:
    cli_error("out of memory");
cleanup:
    cli_conf_stanza_free(e);
    cli_scan_free(&sc);
    conf_free(old_cfg);
    conf_free(new_cfg);
    conf_problems_free(&pr);
    free(newtext);
    free(dircopy);
    free(basecopy);
    return status;
}

int cli_conf_stanza_commit(cli_conf_stanza *e)
{
    char *again = NULL, *bak = NULL;
    size_t againlen = 0, n;
    struct stat st;
    int status = CLI_EXIT_FAIL;

    if (e->is_new) {
        /* link(): fails if someone created the file meanwhile */
        if (link(e->tmp, e->real) != 0) {
            cli_error("cannot create %s: %s", e->real, strerror(errno));
            goto cleanup;
        }
        unlink(e->tmp);
    } else {
        if (cli_conf_read_text(e->real, &again, &againlen, &st) !=
            CLI_EXIT_OK)
            goto cleanup;
        if (againlen != e->len || memcmp(again, e->text, e->len) != 0) {
            cli_error("%s changed while it was being edited; try again",
                      e->real);
            goto cleanup;
        }
        n = strlen(e->real) + 5;
        bak = malloc(n);
        if (bak == NULL) {
            cli_error("out of memory");
            goto cleanup;
        }
        snprintf(bak, n, "%s.bak", e->real);
        {
            char *baktmp = NULL;
            const char *b = strrchr(e->real, '/');

            if (cli_write_temp(e->dir, b != NULL ? b + 1 : e->real, e->text,
                               e->len, &st, &baktmp) != CLI_EXIT_OK)
                goto cleanup;
            if (rename(baktmp, bak) != 0) {
                cli_error("cannot write the backup %s: %s", bak,
                          strerror(errno));
                unlink(baktmp);
                free(baktmp);
                goto cleanup;
            }
            free(baktmp);
        }
        if (rename(e->tmp, e->real) != 0) {
            cli_error("cannot replace %s: %s", e->real, strerror(errno));
            goto cleanup;
        }
    }
    free(e->tmp);
    e->tmp = NULL;
    if (cli_fsync_dir(e->dir) != 0)
        cli_error("warning: %s was written, but syncing %s failed: %s",
                  e->real, e->dir, strerror(errno));
    status = CLI_EXIT_OK;

cleanup:
    free(again);
    free(bak);
    return status;
}
