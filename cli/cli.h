/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what every part of the adbridge command line shares: exit codes,
 * the command table and its dispatcher, and error reporting.
 *
 * Conventions of the tool: results go to stdout and nothing else does;
 * every failure is one line "adbridge: ..." on stderr and a non-zero exit
 * status; a failing command prints nothing on stdout.
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdio.h>

#ifndef ADB_VERSION
#define ADB_VERSION "0.1.0"
#endif

#define CLI_PROGRAM "adbridge"

/* Exit statuses. */
#define CLI_EXIT_OK    0   /* success, or --help */
#define CLI_EXIT_FAIL  1   /* the command ran and failed */
#define CLI_EXIT_USAGE 2   /* bad command line */

/*
 * A command handler.  @argc/@argv start at the command's own name (argv[0]
 * is e.g. "decode"), so getopt_long() can parse them after optind = 0.
 * Returns one of the CLI_EXIT_* statuses.
 */
typedef int (*cli_handler)(int argc, char **argv);

/* One entry of a command table. */
typedef struct cli_command {
    const char *name;       /* word typed on the command line */
    cli_handler run;
    const char *help;       /* one line, no trailing period */
} cli_command;

/*
 * cli_dispatch - run the command of @table (@count entries) named by
 * argv[1], passing it argc - 1 / argv + 1.  @path is the words typed so far
 * ("adbridge pac"), used in help and error texts.  Handles "--help" / "-h"
 * (command list on stdout, CLI_EXIT_OK), a missing or unknown command
 * (message and command list on stderr, CLI_EXIT_USAGE).
 * Returns the handler's status.
 */
int cli_dispatch(const cli_command *table, size_t count, const char *path,
                 int argc, char **argv);

/*
 * cli_list_commands - write "usage: @path COMMAND ..." and one line per
 * entry of @table to @out (stdout for --help, stderr for usage errors).
 */
void cli_list_commands(FILE *out, const cli_command *table, size_t count,
                       const char *path);

/*
 * cli_error - print "adbridge: <message>\n" on stderr (printf-style).
 * For runtime failures: the caller then returns CLI_EXIT_FAIL.
 */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct cli_json;

/*
 * cli_finish_json - finish @js (cli_json_finish) and turn its status into
 * an exit status: CLI_EXIT_OK, or CLI_EXIT_FAIL after one line on stderr
 * (stdout not writable, or a misuse of the emitter).
 */
int cli_finish_json(struct cli_json *js);

/*
 * cli_bad_option - for getopt_long's ':' (missing argument) or '?'
 * (unknown option) result @ch: print the usage error naming the option as
 * the user wrote it and return CLI_EXIT_USAGE.  Call right after
 * getopt_long (reads optind/optopt).
 */
int cli_bad_option(const char *usage, int ch, char **argv);

/*
 * cli_read_fd - read all of @fd into a new buffer, refusing more than @max
 * bytes with "NAME is larger than the 1 MiB limit for WHAT" (@what e.g.
 * "a PAC").  The data is followed by one NUL byte (not counted).
 * @name names the input in messages.  On CLI_EXIT_OK *buf_out (free()) and
 * *len_out are set; on CLI_EXIT_FAIL one line has been printed and both are
 * NULL/0.  @fd is not closed.
 */
int cli_read_fd(int fd, const char *name, size_t max, const char *what,
                char **buf_out, size_t *len_out);

/*
 * cli_usage_error - print "adbridge: <message>" and then "usage: @usage" on
 * stderr.  Returns CLI_EXIT_USAGE so callers can `return cli_usage_error()`.
 * @fmt may be NULL to print only the usage line.
 */
int cli_usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* CLI_H */
