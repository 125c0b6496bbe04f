/* SPDX-License-Identifier: MIT */
/*
 * cli_main.c - adbridge's entry point: the top-level command table, the
 * dispatcher every command level uses, and error reporting.
 */
#include "cli.h"
#include "cli_json.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>

#include "cli_conf.h"
#include "cli_discover.h"
#include "cli_doctor.h"
#include "cli_trust.h"
#include "cli_login.h"
#include "cli_pac.h"

/* Top-level commands. */
static const cli_command cli_commands[] = {
    { "pac", cli_pac_main, "decode and verify MS-PAC authorization data" },
    { "config", cli_config_main, "check the configuration file" },
    { "map", cli_map_main, "list, add and remove a trust's mappings" },
    { "explain", cli_explain_main,
      "explain the rights a PAC's user gets through a trust" },
    { "discover", cli_discover_main,
      "find a realm's KDCs and DCs (configuration, DNS SRV)" },
    { "doctor", cli_doctor_main,
      "check the setup: configuration, kdc.conf, trust keys, audit log" },
    { "trust", cli_trust_main,
      "the trusts: their principals, keys, KDCs and mappings" },
    { "login", cli_login_main,
      "log a user in as a device does and show the rights it gets" },
};

void cli_error(const char *fmt, ...)
{
    va_list ap;

    fputs(CLI_PROGRAM ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_finish_json(cli_json *js)
{
    adb_err err = cli_json_finish(js);

    if (err == ADB_ERR_IO) {
        cli_error("cannot write to standard output: %s", strerror(errno));
        return CLI_EXIT_FAIL;
    }
    if (err != ADB_OK) {
        cli_error("internal error while writing JSON: %s", adb_strerror(err));
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

int cli_read_fd(int fd, const char *name, size_t max, const char *what,
                char **buf_out, size_t *len_out)
{
    char *buf = NULL;
    size_t len = 0;
    int status = CLI_EXIT_FAIL;

    *buf_out = NULL;
    *len_out = 0;
    /* One byte more than the limit, to tell "exactly max" from "more",
     * and one for the NUL. */
    buf = malloc(max + 2);
    if (buf == NULL) {
        cli_error("out of memory");
        goto cleanup;
    }
    while (len <= max) {
        ssize_t n = read(fd, buf + len, max + 1 - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            cli_error("cannot read %s: %s", name, strerror(errno));
            goto cleanup;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > max) {
        cli_error("%s is larger than the 1 MiB limit for %s", name, what);
        goto cleanup;
    }
    buf[len] = '\0';
    *buf_out = buf;
    *len_out = len;
    buf = NULL;
    status = CLI_EXIT_OK;

cleanup:
    free(buf);
    return status;
}

int cli_bad_option(const char *usage, int ch, char **argv)
{
    const char *arg = argv[optind - 1];
    char shortopt[3] = { '-', (char)optopt, '\0' };

    if (optopt != 0 && strncmp(arg, "--", 2) != 0)
        arg = shortopt;
    if (ch == ':')
        return cli_usage_error(usage, "option '%s' needs an argument", arg);
    return cli_usage_error(usage, "unrecognized option '%s'", arg);
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;

    if (fmt != NULL) {
        fputs(CLI_PROGRAM ": ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    fprintf(stderr, "usage: %s\n", usage);
    return CLI_EXIT_USAGE;
}

void cli_list_commands(FILE *out, const cli_command *table, size_t count,
                       const char *path)
{
    size_t i, width = 0;

    fprintf(out, "usage: %s COMMAND [ARGS...]\n\ncommands:\n", path);
    for (i = 0; i < count; i++) {
        size_t len = strlen(table[i].name);

        if (len > width)
            width = len;
    }
    for (i = 0; i < count; i++)
        fprintf(out, "  %-*s  %s\n", (int)width, table[i].name, table[i].help);
    fprintf(out, "\nRun '%s COMMAND --help' for a command's options.\n", path);
}

static int cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* "adbridge: <what>" and a short usage line; returns CLI_EXIT_USAGE. */
static int cli_dispatch_error(const cli_command *table, size_t count,
                              const char *path, const char *what,
                              const char *arg)
{
    size_t i;

    fprintf(stderr, CLI_PROGRAM ": %s%s%s%s (commands:", what,
            arg != NULL ? " '" : "", arg != NULL ? arg : "",
            arg != NULL ? "'" : "");
    for (i = 0; i < count; i++)
        fprintf(stderr, "%s %s", i > 0 ? "," : "", table[i].name);
    fprintf(stderr, ")\nusage: %s COMMAND [ARGS...]  (see '%s --help')\n",
            path, path);
    return CLI_EXIT_USAGE;
}

int cli_dispatch(const cli_command *table, size_t count, const char *path,
                 int argc, char **argv)
{
    size_t i;

    if (argc < 2)
        return cli_dispatch_error(table, count, path, "missing command", NULL);
    if (cli_is_help(argv[1])) {
        cli_list_commands(stdout, table, count, path);
        return CLI_EXIT_OK;
    }
    for (i = 0; i < count; i++) {
        if (strcmp(argv[1], table[i].name) == 0)
            return table[i].run(argc - 1, argv + 1);
    }
    return cli_dispatch_error(table, count, path,
                              argv[1][0] == '-' ? "unknown option"
                                                : "unknown command",
                              argv[1]);
}

int main(int argc, char **argv)
{
    int status, shift;

    /* A global `--config FILE` before the command (cli_conf.h). */
    shift = cli_conf_global_option(argc, argv);
    if (shift < 0)
        return CLI_EXIT_USAGE;
    argc -= shift;
    argv += shift;
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
                      strcmp(argv[1], "-h") == 0)) {
        cli_list_commands(stdout, cli_commands,
                          sizeof(cli_commands) / sizeof(cli_commands[0]),
                          CLI_PROGRAM);
        printf("\noptions:\n"
               "  --config FILE  configuration file (before COMMAND; default"
               " $ADBRIDGE_CONFIG,\n"
               "                 then /etc/adbridge.conf)\n"
               "  --help         show this help\n"
               "  --version      show the version (" ADB_VERSION ")\n");
        status = CLI_EXIT_OK;
    } else if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        if (argc > 2) {
            status = cli_usage_error(CLI_PROGRAM " --version",
                                     "--version takes no arguments");
        } else {
            printf("%s %s\n", CLI_PROGRAM, ADB_VERSION);
            status = CLI_EXIT_OK;
        }
    } else {
        status = cli_dispatch(cli_commands,
                              sizeof(cli_commands) / sizeof(cli_commands[0]),
                              CLI_PROGRAM, argc, argv);
    }
    /* Output that could not be written is a failure, not a success.  (A
     * failed command wrote nothing and has reported its error already.) */
    if ((fflush(stdout) != 0 || ferror(stdout)) && status == CLI_EXIT_OK) {
        cli_error("cannot write to standard output: %s", strerror(errno));
        status = CLI_EXIT_FAIL;
    }
    return status;
}
