/*
 * cli_pac.h - `adbridge pac ...`: decoding raw PAC blobs and the PACs of
 * tickets in a credential cache, and printing them for people or as the
 * JSON of docs/pac-json.md.
 *
 * cli_pac.c holds the commands (argument parsing, input, ccache/keytab
 * handling); cli_pac_print.c holds the printers.
 */
#ifndef CLI_PAC_H
#define CLI_PAC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_json.h"
#include "pac.h"

/*
 * cli_pac_main - the `pac` command: dispatches to `decode` and `show`.
 * @argc/@argv start at "pac".  Returns a CLI_EXIT_* status; all messages
 * are printed here.
 */
int cli_pac_main(int argc, char **argv);

/* --- printers (cli_pac_print.c) ---------------------------------------- */

/*
 * cli_pac_json - emit @info as one JSON object following docs/pac-json.md
 * into @js (which may be inside an array or behind a key).  Errors are left
 * in @js for cli_json_finish().  @info is borrowed.
 */
void cli_pac_json(cli_json *js, const pac_info *info);

/*
 * cli_pac_print - write @info for people to @out: aligned "Label:  value"
 * lines, dates in UTC, flags spelled out, SID tables.  Strings from the PAC
 * are printed with control characters escaped.  @info is borrowed.
 */
void cli_pac_print(FILE *out, const pac_info *info);

/*
 * cli_print_field - write one "  Label:    value" line to @out: @indent
 * spaces, the label and its colon padded to a common column, then the
 * printf-style value.  Used by every human-readable section so they align.
 */
void cli_print_field(FILE *out, int indent, const char *label,
                     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * cli_print_text_field - like cli_print_field with the value @text (e.g. a
 * name from a PAC or a ticket) written with control characters and non-UTF-8
 * bytes escaped as \xNN; NULL is written as "(null)", "" as "".
 */
void cli_print_text_field(FILE *out, int indent, const char *label,
                          const char *text);

/*
 * cli_format_unix_time - write @t (seconds since 1970) into @buf as
 * "YYYY-MM-DD HH:MM:SS UTC", or as "<t> seconds since 1970" if it cannot be
 * represented as a date (@size bytes, always NUL-terminated if @size > 0).
 * Returns @buf.
 */
char *cli_format_unix_time(int64_t t, char *buf, size_t size);

#endif /* CLI_PAC_H */
