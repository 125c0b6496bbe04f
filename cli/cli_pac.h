/* SPDX-License-Identifier: MIT */
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

#include <krb5/krb5.h>

#include "adb_err.h"
#include "cli_json.h"
#include "pac.h"

/* One verified, decoded ticket (`pac show`, `explain --ccache`). */
typedef struct cli_pac_ticket {
    char *client;           /* unparsed; krb5_free_unparsed_name */
    char *server;           /* unparsed; krb5_free_unparsed_name */
    krb5_enctype enctype;
    krb5_timestamp authtime;
    uint8_t *raw;           /* the PAC bytes as in the ticket; free() */
    size_t raw_len;
    pac_info *info;         /* pac_info_free */
    /* CLI_PAC_KDC_VIEW only (raw and info are then NULL): */
    krb5_principal client_princ;  /* the ticket's client */
    krb5_pac pac;           /* the PAC where the KDC reads it, verified as
                             * the KDC does, or NULL (none) */
    size_t stray_pacs;      /* AD-WIN2K-PAC elements anywhere else */
} cli_pac_ticket;

/* cli_pac_load_tickets flags. */
#define CLI_PAC_KDC_VIEW 0x1u   /* the KDC's view of each ticket: its PAC
                                 * found exactly where krb5kdc reads it
                                 * (kdc_find_pac), the others counted, no PAC
                                 * or an undecodable one not an error (the
                                 * decision says so), not decoded here */

/*
 * cli_pac_main - the `pac` command: dispatches to `decode` and `show`.
 * @argc/@argv start at "pac".  Returns a CLI_EXIT_* status; all messages
 * are printed here.
 */
int cli_pac_main(int argc, char **argv);

/*
 * cli_pac_load_tickets - the tickets of credential cache @cc_arg whose PAC
 * `pac show` would show: each ticket for @service (a principal name; NULL:
 * every ticket whose server has a key in keytab @kt_arg) is decrypted with
 * the keytab, its PAC's server signature and CLIENT_INFO verified by MIT
 * (krb5_pac_verify) and then decoded (with CLI_PAC_KDC_VIEW in @flags: see
 * there).
 *
 * @ctx: a krb5 context, borrowed.  @usage: the caller's usage line, printed
 *        when @service is not a valid principal name.
 * @tickets_out, @count_out: NULL/0 on entry; on CLI_EXIT_OK an array of at
 *        least one ticket, free it with cli_pac_tickets_free() (same @ctx).
 *
 * Returns CLI_EXIT_OK, CLI_EXIT_USAGE (bad @service) or CLI_EXIT_FAIL (no
 * matching ticket, or any failure); one error line is printed on stderr.
 */
int cli_pac_load_tickets(krb5_context ctx, const char *cc_arg,
                         const char *kt_arg, const char *service,
                         const char *usage, unsigned flags,
                         cli_pac_ticket **tickets_out, size_t *count_out);

/* cli_pac_tickets_free - free @count tickets of @tickets and the array.
 * NULL-safe. */
void cli_pac_tickets_free(krb5_context ctx, cli_pac_ticket *tickets,
                          size_t count);

/*
 * cli_pac_read_file - read all of @path ("-" = standard input), at most
 * 1 MiB (the limit for a PAC).  On CLI_EXIT_OK *data_out (free()) and
 * *len_out (> 0) are set; on failure they are NULL/0 and one error line is
 * printed.  Returns a CLI_EXIT_* status.
 */
int cli_pac_read_file(const char *path, uint8_t **data_out, size_t *len_out);

/* cli_pac_decode_error - print the one error line for a failed
 * pac_decode()/pac_decode_blob() with its @diag. */
void cli_pac_decode_error(adb_err err, const adb_diag *diag);

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
 * cli_krb5_error - print "adbridge: <@fmt ...>: <Kerberos message of @code>"
 * to stderr (@ctx may be NULL).
 */
void cli_krb5_error(krb5_context ctx, krb5_error_code code,
                    const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

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
