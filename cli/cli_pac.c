/* SPDX-License-Identifier: MIT */
/*
 * cli_pac.c - `adbridge pac decode` and `adbridge pac show`.
 *
 * decode: a raw PAC blob from a file or stdin -> pac_decode_blob().
 * show:   the tickets of a credential cache, decrypted with a keytab; the PAC
 *         is taken from the ticket's authorization data, its server
 *         signature and CLIENT_INFO are verified by MIT (krb5_pac_verify),
 *         and only then is it decoded.
 *
 * Both commands finish all their work before writing anything to stdout, so
 * a failing command prints nothing there.  krb5 error codes are translated
 * into messages here, at the edge.
 */
#include "cli_pac.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <krb5/krb5.h>

#include "cli.h"
#include "kdc_bridge.h"

#define CLI_PAC_MAX_INPUT (1024u * 1024u)   /* 1 MiB; real PACs are < 64 KiB */

static const char cli_pac_decode_usage[] =
    CLI_PROGRAM " pac decode [--json] FILE|-";
static const char cli_pac_show_usage[] =
    CLI_PROGRAM " pac show [--json] --ccache CC --keytab KT"
    " [--service PRINC] [--save FILE]";

/* The krb5 names of the inputs of `pac show`, for messages. */
typedef struct cli_pac_names {
    const char *ccache;     /* e.g. FILE:/tmp/cc */
    const char *keytab;     /* e.g. FILE:/etc/krb5.keytab */
} cli_pac_names;

/* Print "adbridge: <message>: <krb5 message for @code>" on stderr. */
void cli_krb5_error(krb5_context ctx, krb5_error_code code,
                    const char *fmt, ...)
{
    const char *msg = krb5_get_error_message(ctx, code);
    va_list ap;

    fputs(CLI_PROGRAM ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s\n", msg != NULL ? msg : "unknown Kerberos error");
    krb5_free_error_message(ctx, msg);
}

/* Report a failed pac_decode()/pac_decode_blob() (cli_pac.h). */
void cli_pac_decode_error(adb_err err, const adb_diag *diag)
{
    char text[256];

    if (err == ADB_ERR_NOMEM)
        cli_error("out of memory");
    else if (err == ADB_ERR_KRB5 && diag->status != ADB_OK)
        cli_error("cannot decode PAC: %s",
                  adb_diag_format(diag, text, sizeof(text)));
    else if (diag->status != ADB_OK)
        cli_error("malformed PAC: %s",
                  adb_diag_format(diag, text, sizeof(text)));
    else
        cli_error("cannot decode PAC: %s", adb_strerror(err));
}

/* Read a PAC file (cli_pac.h). */
int cli_pac_read_file(const char *path, uint8_t **data_out,
                          size_t *len_out)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "standard input" : path;
    uint8_t *buf = NULL;
    char *text = NULL;
    size_t len = 0;
    struct stat st;
    int fd = -1;
    int status = CLI_EXIT_FAIL;

    *data_out = NULL;
    *len_out = 0;

    fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        cli_error("cannot open %s: %s", name, strerror(errno));
        goto cleanup;
    }
    if (fstat(fd, &st) != 0) {
        cli_error("cannot read %s: %s", name, strerror(errno));
        goto cleanup;
    }
    if (S_ISDIR(st.st_mode)) {
        cli_error("cannot read %s: %s", name, strerror(EISDIR));
        goto cleanup;
    }
    if (S_ISREG(st.st_mode) && st.st_size > (off_t)CLI_PAC_MAX_INPUT) {
        cli_error("%s is larger than the 1 MiB limit for a PAC", name);
        goto cleanup;
    }

    if (cli_read_fd(fd, name, CLI_PAC_MAX_INPUT, "a PAC", &text, &len) !=
        CLI_EXIT_OK)
        goto cleanup;
    buf = (uint8_t *)text;
    text = NULL;
    if (len == 0) {
        cli_error("%s is empty: no PAC to decode", name);
        goto cleanup;
    }

    *data_out = buf;
    *len_out = len;
    buf = NULL;
    status = CLI_EXIT_OK;

cleanup:
    if (fd >= 0 && !is_stdin)
        close(fd);
    free(buf);
    return status;
}

static int cli_pac_decode(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    krb5_context ctx = NULL;
    krb5_error_code ret;
    pac_info *info = NULL;
    adb_diag diag = ADB_DIAG_INIT;
    uint8_t *data = NULL;
    size_t len = 0;
    bool json = false;
    adb_err err;
    cli_json js;
    int ch, status = CLI_EXIT_FAIL;

    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'j':
            json = true;
            break;
        case 'h':
            printf("usage: %s\n\n"
                   "Decode a raw PAC (the bytes of an AD-WIN2K-PAC element)"
                   " read from FILE,\nor from standard input if FILE is '-'."
                   "  Signatures are shown, not verified.\n\n"
                   "  --json  print the JSON of docs/pac-json.md\n",
                   cli_pac_decode_usage);
            status = CLI_EXIT_OK;
            goto cleanup;
        default:
            status = cli_bad_option(cli_pac_decode_usage, ch, argv);
            goto cleanup;
        }
    }
    if (argc - optind != 1) {
        status = cli_usage_error(cli_pac_decode_usage,
                                 argc - optind == 0 ? "missing FILE"
                                                    : "too many arguments");
        goto cleanup;
    }

    status = cli_pac_read_file(argv[optind], &data, &len);
    if (status != CLI_EXIT_OK)
        goto cleanup;
    status = CLI_EXIT_FAIL;

    ret = krb5_init_context(&ctx);
    if (ret) {
        cli_krb5_error(NULL, ret, "cannot initialize Kerberos");
        goto cleanup;
    }
    err = pac_decode_blob(ctx, data, len, &info, &diag);
    if (err) {
        cli_pac_decode_error(err, &diag);
        goto cleanup;
    }

    if (json) {
        cli_json_init(&js, stdout);
        cli_pac_json(&js, info);
        status = cli_finish_json(&js);
    } else {
        cli_print_text_field(stdout, 0, "Input",
                             strcmp(argv[optind], "-") == 0 ? "standard input"
                                                            : argv[optind]);
        cli_print_field(stdout, 0, "PAC", "%zu bytes, signatures not verified"
                        " (no keys)", len);
        putchar('\n');
        cli_pac_print(stdout, info);
        status = CLI_EXIT_OK;
    }

cleanup:
    pac_info_free(info);
    free(data);
    if (ctx != NULL)
        krb5_free_context(ctx);
    return status;
}

static void cli_pac_ticket_free(krb5_context ctx, cli_pac_ticket *t)
{
    if (t == NULL)
        return;
    krb5_free_unparsed_name(ctx, t->client);
    krb5_free_unparsed_name(ctx, t->server);
    free(t->raw);
    pac_info_free(t->info);
    krb5_free_principal(ctx, t->client_princ);
    krb5_pac_free(ctx, t->pac);
    memset(t, 0, sizeof(*t));
}

/* Report a failed krb5_pac_verify() of the PAC in @server's ticket. */
static void cli_pac_verify_error(krb5_context ctx, krb5_error_code code,
                                 const char *server, const char *client)
{
    switch (code) {
    case KRB5KRB_AP_ERR_MODIFIED:
    case KRB5KRB_AP_ERR_BAD_INTEGRITY:
        cli_error("PAC server signature does not verify for %s (client %s)",
                  server, client);
        break;
    case KRB5KRB_AP_WRONG_PRINC:
        cli_error("PAC client info (name and authtime) does not match"
                  " client %s of ticket for %s", client, server);
        break;
    case ENOENT:
        cli_error("PAC in ticket for %s lacks a server signature or client"
                  " info", server);
        break;
    default:
        cli_krb5_error(ctx, code, "cannot verify PAC in ticket for %s",
                       server);
        break;
    }
}

/*
 * The KDC's view of the decrypted @ticket into @t (names set): its PAC
 * where krb5kdc reads it, verified as krb5kdc does (server signature with
 * the ticket's key, CLIENT_INFO against the client and authtime), the
 * misplaced ones counted.  A PAC the KDC would reject before any module
 * decides is an error.  Returns a CLI_EXIT_* status.
 */
static int cli_pac_kdc_view(krb5_context ctx, krb5_keytab kt,
                            const cli_pac_names *names, krb5_ticket *ticket,
                            const char *etype, cli_pac_ticket *t)
{
    krb5_keytab_entry kte;
    bool found = false;
    krb5_error_code ret;
    int status = CLI_EXIT_FAIL;

    memset(&kte, 0, sizeof(kte));
    ret = krb5_copy_principal(ctx, ticket->enc_part2->client,
                              &t->client_princ);
    if (!ret)
        ret = kdc_find_pac(ctx, ticket->enc_part2->authorization_data,
                           &t->pac, &found, &t->stray_pacs);
    if (ret) {
        cli_krb5_error(ctx, ret, "cannot read the authorization data of"
                       " ticket for %s", t->server);
        goto cleanup;
    }
    t->enctype = ticket->enc_part.enctype;
    t->authtime = ticket->enc_part2->times.authtime;
    if (found && t->pac == NULL) {
        cli_error("malformed PAC header in ticket for %s: the KDC refuses"
                  " it before adbridge decides", t->server);
        goto cleanup;
    }
    if (t->pac != NULL) {
        ret = krb5_kt_get_entry(ctx, kt, ticket->server,
                                ticket->enc_part.kvno,
                                ticket->enc_part.enctype, &kte);
        if (ret) {
            cli_krb5_error(ctx, ret, "no %s key of kvno %u for %s in keytab"
                           " %s", etype, ticket->enc_part.kvno, t->server,
                           names->keytab);
            goto cleanup;
        }
        ret = krb5_pac_verify(ctx, t->pac, t->authtime,
                              ticket->enc_part2->client, &kte.key, NULL);
        krb5_free_keytab_entry_contents(ctx, &kte);   /* wipes the key */
        if (ret) {
            cli_pac_verify_error(ctx, ret, t->server, t->client);
            goto cleanup;
        }
    }
    status = CLI_EXIT_OK;

cleanup:
    return status;
}

/*
 * Decrypt the ticket of @creds with @kt, verify its PAC and decode it into
 * *ticket_out (release with cli_pac_ticket_free).  On failure prints one
 * error line.  Returns a CLI_EXIT_* status.
 */
static int cli_pac_ticket_load(krb5_context ctx, krb5_keytab kt,
                               const cli_pac_names *names,
                               const krb5_creds *creds, unsigned flags,
                               cli_pac_ticket *ticket_out)
{
    cli_pac_ticket t;
    krb5_ticket *ticket = NULL;
    krb5_authdata **pacs = NULL;
    krb5_pac pac = NULL;
    krb5_keytab_entry kte;
    bool have_kte = false;
    char *asked = NULL;          /* the server as named in the ccache */
    char etype[64];
    adb_diag diag = ADB_DIAG_INIT;
    krb5_error_code ret;
    adb_err err;
    int status = CLI_EXIT_FAIL;

    memset(&t, 0, sizeof(t));
    memset(&kte, 0, sizeof(kte));
    memset(ticket_out, 0, sizeof(*ticket_out));

    ret = krb5_unparse_name(ctx, creds->server, &asked);
    if (ret) {
        cli_krb5_error(ctx, ret, "cannot read a server name in %s",
                       names->ccache);
        goto cleanup;
    }
    ret = krb5_decode_ticket(&creds->ticket, &ticket);
    if (ret) {
        cli_krb5_error(ctx, ret, "cannot decode ticket for %s in %s", asked,
                       names->ccache);
        goto cleanup;
    }
    if (krb5_enctype_to_name(ticket->enc_part.enctype, FALSE, etype,
                             sizeof(etype)) != 0)
        snprintf(etype, sizeof(etype), "enctype %d",
                 (int)ticket->enc_part.enctype);

    ret = krb5_server_decrypt_ticket_keytab(ctx, kt, ticket);
    if (ret == KRB5KRB_AP_WRONG_PRINC) {
        /* MIT's code for "no key found" and "no key decrypts it". */
        cli_error("cannot decrypt ticket for %s with keytab %s: no %s key"
                  " in the keytab decrypts it (ticket kvno %u)", asked,
                  names->keytab, etype, ticket->enc_part.kvno);
        goto cleanup;
    }
    if (ret) {
        cli_krb5_error(ctx, ret, "cannot decrypt ticket for %s with keytab %s",
                       asked, names->keytab);
        goto cleanup;
    }

    ret = krb5_unparse_name(ctx, ticket->server, &t.server);
    if (!ret)
        ret = krb5_unparse_name(ctx, ticket->enc_part2->client, &t.client);
    if (ret) {
        cli_krb5_error(ctx, ret, "cannot read the names in ticket for %s",
                       asked);
        goto cleanup;
    }

    if (flags & CLI_PAC_KDC_VIEW) {
        status = cli_pac_kdc_view(ctx, kt, names, ticket, etype, &t);
        if (status == CLI_EXIT_OK) {
            *ticket_out = t;
            memset(&t, 0, sizeof(t));
        }
        goto cleanup;
    }

    /* Looks inside AD-IF-RELEVANT containers too. */
    ret = krb5_find_authdata(ctx, ticket->enc_part2->authorization_data, NULL,
                             KRB5_AUTHDATA_WIN2K_PAC, &pacs);
    if (ret) {
        cli_krb5_error(ctx, ret, "cannot read the authorization data of"
                       " ticket for %s", t.server);
        goto cleanup;
    }
    if (pacs == NULL || pacs[0] == NULL) {
        cli_error("ticket for %s (client %s) carries no PAC", t.server,
                  t.client);
        goto cleanup;
    }
    if (pacs[1] != NULL) {
        cli_error("ticket for %s carries more than one PAC", t.server);
        goto cleanup;
    }
    ret = krb5_pac_parse(ctx, pacs[0]->contents, pacs[0]->length, &pac);
    if (ret) {
        cli_krb5_error(ctx, ret, "malformed PAC in ticket for %s: PAC header",
                       t.server);
        goto cleanup;
    }

    ret = krb5_kt_get_entry(ctx, kt, ticket->server, ticket->enc_part.kvno,
                            ticket->enc_part.enctype, &kte);
    if (ret) {
        cli_krb5_error(ctx, ret, "no %s key of kvno %u for %s in keytab %s",
                       etype, ticket->enc_part.kvno, t.server, names->keytab);
        goto cleanup;
    }
    have_kte = true;

    /* Server signature with the service key, and CLIENT_INFO against the
     * ticket's client and authtime. */
    ret = krb5_pac_verify(ctx, pac, ticket->enc_part2->times.authtime,
                          ticket->enc_part2->client, &kte.key, NULL);
    if (ret) {
        cli_pac_verify_error(ctx, ret, t.server, t.client);
        goto cleanup;
    }

    err = pac_decode(ctx, pac, &t.info, &diag);
    if (err) {
        cli_pac_decode_error(err, &diag);
        goto cleanup;
    }

    t.raw = malloc(pacs[0]->length);
    if (t.raw == NULL) {
        cli_error("out of memory");
        goto cleanup;
    }
    memcpy(t.raw, pacs[0]->contents, pacs[0]->length);
    t.raw_len = pacs[0]->length;
    t.enctype = ticket->enc_part.enctype;
    t.authtime = ticket->enc_part2->times.authtime;

    *ticket_out = t;
    memset(&t, 0, sizeof(t));
    status = CLI_EXIT_OK;

cleanup:
    cli_pac_ticket_free(ctx, &t);
    if (have_kte)
        krb5_free_keytab_entry_contents(ctx, &kte);   /* wipes the key */
    krb5_pac_free(ctx, pac);
    krb5_free_authdata(ctx, pacs);
    krb5_free_ticket(ctx, ticket);   /* wipes the decrypted session key */
    krb5_free_unparsed_name(ctx, asked);
    return status;
}

/*
 * Should `pac show` look at the ticket of @creds?  With @want: its server is
 * @want.  Without: @kt has a key for its server.  Sets *match_out; returns a
 * CLI_EXIT_* status (failure only if the keytab cannot be read).
 */
static int cli_pac_creds_match(krb5_context ctx, krb5_keytab kt,
                               krb5_principal want, const cli_pac_names *names,
                               const krb5_creds *creds, bool *match_out)
{
    krb5_keytab_entry kte;
    krb5_error_code ret;
    bool match = false;
    int status = CLI_EXIT_FAIL;

    *match_out = false;
    if (krb5_is_config_principal(ctx, creds->server)) {
        match = false;
    } else if (want != NULL) {
        match = krb5_principal_compare(ctx, creds->server, want) != 0;
    } else {
        /* Any key of the server's, whatever kvno and enctype. */
        ret = krb5_kt_get_entry(ctx, kt, creds->server, 0, 0, &kte);
        if (ret == 0) {
            krb5_free_keytab_entry_contents(ctx, &kte);
            match = true;
        } else if (ret != KRB5_KT_NOTFOUND) {
            cli_krb5_error(ctx, ret, "cannot read keytab %s", names->keytab);
            goto cleanup;
        }
    }
    *match_out = match;
    status = CLI_EXIT_OK;

cleanup:
    return status;
}

/*
 * Write @len bytes to @path, created with mode 0600 (an existing regular
 * file is truncated and set to 0600).  Prints one line on failure.
 */
static int cli_save_file(const char *path, const uint8_t *data, size_t len)
{
    struct stat st;
    size_t done = 0;
    int fd, status = CLI_EXIT_FAIL;

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY |
              O_NOFOLLOW, 0600);
    if (fd < 0) {
        cli_error("cannot create %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (fstat(fd, &st) != 0 ||
        (S_ISREG(st.st_mode) && fchmod(fd, 0600) != 0)) {
        cli_error("cannot set the mode of %s: %s", path, strerror(errno));
        goto cleanup;
    }
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            cli_error("cannot write %s: %s", path, strerror(errno));
            goto cleanup;
        }
        done += (size_t)n;
    }
    if (close(fd) != 0) {
        fd = -1;
        cli_error("cannot write %s: %s", path, strerror(errno));
        goto cleanup;
    }
    fd = -1;
    status = CLI_EXIT_OK;

cleanup:
    if (fd >= 0)
        close(fd);
    return status;
}

void cli_pac_tickets_free(krb5_context ctx, cli_pac_ticket *tickets,
                          size_t count)
{
    size_t i;

    for (i = 0; tickets != NULL && i < count; i++)
        cli_pac_ticket_free(ctx, &tickets[i]);
    free(tickets);
}

int cli_pac_load_tickets(krb5_context ctx, const char *cc_arg,
                         const char *kt_arg, const char *service,
                         const char *usage, unsigned flags,
                         cli_pac_ticket **tickets_out, size_t *count_out)
{
    krb5_ccache cc = NULL;
    krb5_keytab kt = NULL;
    krb5_principal want = NULL;
    krb5_cc_cursor cursor = NULL;
    bool cursor_open = false, match;
    krb5_creds creds;
    char *cc_full = NULL, *want_name = NULL;
    char kt_full[MAX_KEYTAB_NAME_LEN + 1];
    cli_pac_names names;
    cli_pac_ticket *tickets = NULL, *grown;
    size_t count = 0;
    krb5_error_code ret;
    int status = CLI_EXIT_FAIL;

    *tickets_out = NULL;
    *count_out = 0;
    if (service != NULL) {
        ret = krb5_parse_name(ctx, service, &want);
        if (ret) {
            const char *msg = krb5_get_error_message(ctx, ret);

            status = cli_usage_error(usage,
                                     "invalid principal name '%s': %s",
                                     service, msg);
            krb5_free_error_message(ctx, msg);
            goto cleanup;
        }
        ret = krb5_unparse_name(ctx, want, &want_name);
        if (ret) {
            cli_krb5_error(ctx, ret, "cannot read principal name '%s'",
                           service);
            goto cleanup;
        }
    }

    ret = krb5_cc_resolve(ctx, cc_arg, &cc);
    if (ret) {
        cli_krb5_error(ctx, ret, "cannot open credentials cache %s", cc_arg);
        goto cleanup;
    }
    names.ccache = cc_arg;
    if (krb5_cc_get_full_name(ctx, cc, &cc_full) == 0)
        names.ccache = cc_full;
    ret = krb5_kt_resolve(ctx, kt_arg, &kt);
    if (ret) {
        cli_krb5_error(ctx, ret, "cannot open keytab %s", kt_arg);
        goto cleanup;
    }
    names.keytab = kt_arg;
    if (krb5_kt_get_name(ctx, kt, kt_full, sizeof(kt_full)) == 0)
        names.keytab = kt_full;

    ret = krb5_cc_start_seq_get(ctx, cc, &cursor);
    if (ret) {
        cli_krb5_error(ctx, ret, "cannot read credentials cache %s",
                       names.ccache);
        goto cleanup;
    }
    cursor_open = true;
    if (krb5_kt_have_content(ctx, kt) != 0) {
        cli_error("keytab %s is nonexistent, unreadable or empty",
                  names.keytab);
        goto cleanup;
    }

    for (;;) {
        int st;

        ret = krb5_cc_next_cred(ctx, cc, &cursor, &creds);
        if (ret == KRB5_CC_END)
            break;
        if (ret) {
            cli_krb5_error(ctx, ret, "cannot read credentials cache %s",
                           names.ccache);
            goto cleanup;
        }
        st = cli_pac_creds_match(ctx, kt, want, &names, &creds, &match);
        if (st == CLI_EXIT_OK && match) {
            grown = realloc(tickets, (count + 1) * sizeof(*tickets));
            if (grown == NULL) {
                cli_error("out of memory");
                st = CLI_EXIT_FAIL;
            } else {
                tickets = grown;
                st = cli_pac_ticket_load(ctx, kt, &names, &creds, flags,
                                         &tickets[count]);
                if (st == CLI_EXIT_OK)
                    count++;
            }
        }
        krb5_free_cred_contents(ctx, &creds);   /* wipes the session key */
        if (st != CLI_EXIT_OK)
            goto cleanup;
    }

    if (count == 0) {
        if (service != NULL)
            cli_error("no ticket for %s in %s", want_name, names.ccache);
        else
            cli_error("no ticket in %s for a principal of keytab %s",
                      names.ccache, names.keytab);
        goto cleanup;
    }
    *tickets_out = tickets;
    *count_out = count;
    tickets = NULL;
    count = 0;
    status = CLI_EXIT_OK;

cleanup:
    cli_pac_tickets_free(ctx, tickets, count);
    if (cursor_open)
        krb5_cc_end_seq_get(ctx, cc, &cursor);
    if (cc != NULL)
        krb5_cc_close(ctx, cc);
    if (kt != NULL)
        krb5_kt_close(ctx, kt);
    krb5_free_principal(ctx, want);
    krb5_free_unparsed_name(ctx, want_name);
    krb5_free_string(ctx, cc_full);
    return status;
}

/* Print the tickets of `pac show` to stdout. */
static int cli_pac_show_print(const cli_pac_ticket *tickets, size_t count,
                              bool json)
{
    char etype[64], when[64];
    cli_json js;
    size_t i;

    if (json) {
        cli_json_init(&js, stdout);
        if (count > 1)
            cli_json_array_begin(&js);
        for (i = 0; i < count; i++) {
            cli_json_object_begin(&js);
            cli_json_kv_string(&js, "client", tickets[i].client);
            cli_json_kv_string(&js, "server", tickets[i].server);
            cli_json_key(&js, "pac");
            cli_pac_json(&js, tickets[i].info);
            cli_json_object_end(&js);
        }
        if (count > 1)
            cli_json_array_end(&js);
        return cli_finish_json(&js);
    }

    for (i = 0; i < count; i++) {
        if (krb5_enctype_to_name(tickets[i].enctype, FALSE, etype,
                                 sizeof(etype)) != 0)
            snprintf(etype, sizeof(etype), "%d", (int)tickets[i].enctype);
        /* krb5_timestamp is unsigned on the wire (good until 2106). */
        cli_format_unix_time((int64_t)(uint32_t)tickets[i].authtime, when,
                             sizeof(when));
        if (i > 0)
            putchar('\n');
        printf("Ticket %zu of %zu\n", i + 1, count);
        cli_print_text_field(stdout, 2, "Client", tickets[i].client);
        cli_print_text_field(stdout, 2, "Server", tickets[i].server);
        cli_print_field(stdout, 2, "Enctype", "%s", etype);
        cli_print_field(stdout, 2, "Auth time", "%s", when);
        cli_print_field(stdout, 2, "PAC", "%zu bytes, server signature and"
                        " client info verified", tickets[i].raw_len);
        putchar('\n');
        cli_pac_print(stdout, tickets[i].info);
    }
    return CLI_EXIT_OK;
}

static void cli_pac_show_help(void)
{
    printf("usage: %s\n\n"
           "Decrypt the tickets of credential cache CC with keytab KT, verify"
           " each PAC's\nserver signature and client info, and decode it.\n\n"
           "  --ccache CC      credential cache (FILE:/path, KEYRING:..., or"
           " a path)\n"
           "  --keytab KT      keytab holding the service's keys\n"
           "  --service PRINC  only the ticket for PRINC (default: every"
           " ticket whose\n"
           "                   server has a key in KT)\n"
           "  --save FILE      write the raw PAC of the one matching ticket"
           " to FILE (0600)\n"
           "  --json           print JSON (docs/pac-json.md), an array if"
           " several tickets\n",
           cli_pac_show_usage);
}

static int cli_pac_show(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "ccache", required_argument, NULL, 'c' },
        { "keytab", required_argument, NULL, 'k' },
        { "service", required_argument, NULL, 's' },
        { "save", required_argument, NULL, 'S' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *cc_arg = NULL, *kt_arg = NULL, *service = NULL, *save = NULL;
    krb5_context ctx = NULL;
    bool json = false;
    cli_pac_ticket *tickets = NULL;
    size_t count = 0;
    krb5_error_code ret;
    int ch, status = CLI_EXIT_FAIL;

    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'j': json = true; break;
        case 'c': cc_arg = optarg; break;
        case 'k': kt_arg = optarg; break;
        case 's': service = optarg; break;
        case 'S': save = optarg; break;
        case 'h':
            cli_pac_show_help();
            status = CLI_EXIT_OK;
            goto cleanup;
        default:
            status = cli_bad_option(cli_pac_show_usage, ch, argv);
            goto cleanup;
        }
    }
    if (optind < argc) {
        status = cli_usage_error(cli_pac_show_usage, "unexpected argument '%s'",
                                 argv[optind]);
        goto cleanup;
    }
    if (cc_arg == NULL || kt_arg == NULL) {
        status = cli_usage_error(cli_pac_show_usage, "%s is required",
                                 cc_arg == NULL ? "--ccache" : "--keytab");
        goto cleanup;
    }

    ret = krb5_init_context(&ctx);
    if (ret) {
        cli_krb5_error(NULL, ret, "cannot initialize Kerberos");
        goto cleanup;
    }
    status = cli_pac_load_tickets(ctx, cc_arg, kt_arg, service,
                                  cli_pac_show_usage, 0, &tickets, &count);
    if (status != CLI_EXIT_OK)
        goto cleanup;
    status = CLI_EXIT_FAIL;
    if (save != NULL && count > 1) {
        cli_error("--save needs one matching ticket, %zu match; choose one"
                  " with --service", count);
        goto cleanup;
    }
    if (save != NULL) {
        status = cli_save_file(save, tickets[0].raw, tickets[0].raw_len);
        if (status != CLI_EXIT_OK)
            goto cleanup;
    }
    status = cli_pac_show_print(tickets, count, json);

cleanup:
    cli_pac_tickets_free(ctx, tickets, count);
    if (ctx != NULL)
        krb5_free_context(ctx);
    return status;
}

static const cli_command cli_pac_commands[] = {
    { "decode", cli_pac_decode, "decode a raw PAC from a file or stdin" },
    { "show", cli_pac_show,
      "verify and decode the PACs of tickets in a credential cache" },
};

int cli_pac_main(int argc, char **argv)
{
    return cli_dispatch(cli_pac_commands,
                        sizeof(cli_pac_commands) / sizeof(cli_pac_commands[0]),
                        CLI_PROGRAM " pac", argc, argv);
}
