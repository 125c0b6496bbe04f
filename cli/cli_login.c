/* SPDX-License-Identifier: MIT */
/*
 * cli_login.c - `adbridge login`: read the password (without echo from the
 * terminal, or from --password-file / standard input), run adbc_login()
 * with the device keytab, print the outcome, its login-page message and
 * the rights; one exit status per outcome.  The password is wiped after
 * use and never printed.
 */
#include "cli.h"
#include "cli_json.h"
#include "cli_login.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "adbc.h"

#define LOGIN_PW_MAX 1024

static const char login_usage[] =
    CLI_PROGRAM " login USER [--keytab KT] [--service PRINC] "
    "[--password-file F] [--json]";

static void login_help(void)
{
    int o;

    printf("usage: %s\n\n"
           "Log USER (user@REALM or REALM\\user) in the way a device does:\n"
           "the user's TGT from their realm, a ticket for the device's own\n"
           "principal (cross-realm for AD users), verified with the device\n"
           "keytab, and the rights it carries.  The password is read without\n"
           "echo from the terminal, else from the first line of standard\n"
           "input.\n\n"
           "  --keytab KT         the device keytab (default $KRB5_KTNAME, else\n"
           "                      /etc/krb5.keytab)\n"
           "  --service PRINC     the device principal (default the keytab's first)\n"
           "  --password-file F   read the password from the first line of F\n"
           "                      (- for standard input)\n"
           "  --json              one JSON object\n"
           "  USER                user@REALM or REALM\\user\n\n"
           "Exit status: 0 signed in with rights, 1 internal error, 2 usage,",
           login_usage);
    for (o = ADBC_WRONG_PASSWORD; o < ADBC_OUTCOME_COUNT; o++) {
        if (o == ADBC_ERROR)
            continue;
        printf(" %d %s%s", CLI_LOGIN_EXIT_BASE + o,
               adbc_outcome_name((adbc_outcome)o),
               o + 1 == ADBC_ERROR ? "." : ",");
    }
    printf("\n");
}

/* Read one line (without its end) into @buf (LOGIN_PW_MAX + 2 bytes). */
static int login_read_line(int fd, char *buf, const char *name)
{
    size_t len = 0;

    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            cli_error("cannot read the password from %s: %s", name,
                      strerror(errno));
            return -1;
        }
        if (n == 0 || c == '\n')
            break;
        if (len >= LOGIN_PW_MAX) {
            cli_error("the password in %s is longer than %d bytes", name,
                      LOGIN_PW_MAX);
            return -1;
        }
        buf[len++] = c;
    }
    if (len > 0 && buf[len - 1] == '\r')
        len--;
    buf[len] = '\0';
    return 0;
}

/* The password from --password-file, the terminal (no echo) or stdin. */
static int login_password(const char *file, const char *user, char *buf)
{
    struct termios old, noecho;
    int fd, ret = -1, tty = 0;

    if (file != NULL && strcmp(file, "-") != 0) {
        fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            cli_error("cannot open %s: %s", file, strerror(errno));
            return -1;
        }
        ret = login_read_line(fd, buf, file);
        close(fd);
        return ret;
    }
    if (file == NULL && isatty(STDIN_FILENO))
        tty = tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        noecho = old;
        noecho.c_lflag &= ~(tcflag_t)ECHO;
        fprintf(stderr, "Password for %s: ", user);
        fflush(stderr);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho);
    }
    ret = login_read_line(STDIN_FILENO, buf, "standard input");
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    return ret;
}

static void login_print_text(const char *user, const adbc_result *res)
{
    size_t i;

    printf("user: %s\n", user);
    if (res->principal != NULL)
        printf("principal: %s\n", res->principal);
    printf("outcome: %s\n", adbc_outcome_name(res->outcome));
    printf("message: %s\n", adbc_outcome_message(res->outcome));
    printf("rights:");
    for (i = 0; i < res->rights_count; i++)
        printf(" %s", res->rights[i]);
    printf("%s\n", res->rights_count == 0 ? " -" : "");
    if (res->has_sids) {
        for (i = 0; i < res->sids_count; i++)
            printf("sid: %s\n", res->sids[i]);
    }
    if (res->detail != NULL)
        printf("kerberos: %s\n", res->detail);
}

static int login_print_json(const char *user, const adbc_result *res)
{
    cli_json js;
    size_t i;

    cli_json_init(&js, stdout);
    cli_json_object_begin(&js);
    cli_json_kv_string(&js, "user", user);
    cli_json_key(&js, "principal");
    if (res->principal != NULL)
        cli_json_string(&js, res->principal);
    else
        cli_json_null(&js);
    cli_json_key(&js, "realm");
    if (res->realm != NULL)
        cli_json_string(&js, res->realm);
    else
        cli_json_null(&js);
    cli_json_kv_string(&js, "outcome", adbc_outcome_name(res->outcome));
    cli_json_kv_string(&js, "message", adbc_outcome_message(res->outcome));
    cli_json_key(&js, "rights");
    cli_json_array_begin(&js);
    for (i = 0; i < res->rights_count; i++)
        cli_json_string(&js, res->rights[i]);
    cli_json_array_end(&js);
    cli_json_key(&js, "sids");
    if (res->has_sids) {
        cli_json_array_begin(&js);
        for (i = 0; i < res->sids_count; i++)
            cli_json_string(&js, res->sids[i]);
        cli_json_array_end(&js);
    } else {
        cli_json_null(&js);
    }
    cli_json_kv_int(&js, "krb5_code", res->krb5_code);
    cli_json_key(&js, "detail");
    if (res->detail != NULL)
        cli_json_string(&js, res->detail);
    else
        cli_json_null(&js);
    cli_json_object_end(&js);
    return cli_finish_json(&js);
}

int cli_login_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "keytab", required_argument, NULL, 'k' },
        { "service", required_argument, NULL, 's' },
        { "password-file", required_argument, NULL, 'p' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    adbc_login_opts lopts = { NULL, NULL, NULL };
    adbc_result res = ADBC_RESULT_INIT;
    const char *pwfile = NULL, *user;
    char *pw = NULL;
    int ch, json = 0, status = CLI_EXIT_FAIL;

    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'k': lopts.keytab = optarg; break;
        case 's': lopts.service = optarg; break;
        case 'p': pwfile = optarg; break;
        case 'j': json = 1; break;
        case 'h':
            login_help();
            return CLI_EXIT_OK;
        default:
            return cli_bad_option(login_usage, ch, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(login_usage, argc - optind == 0
                               ? "missing USER" : "more than one USER");
    user = argv[optind];
    pw = malloc(LOGIN_PW_MAX + 2);
    if (pw == NULL) {
        cli_error("out of memory");
        goto cleanup;
    }
    if (login_password(pwfile, user, pw) != 0)
        goto cleanup;
    adbc_login(&lopts, user, pw, &res);     /* wipes pw */
    if (res.outcome == ADBC_ERROR && res.detail == NULL) {
        cli_error("login of %s failed: internal error (code %ld)", user,
                  res.krb5_code);
        goto cleanup;
    }
    if ((json ? login_print_json(user, &res)
              : (login_print_text(user, &res), CLI_EXIT_OK)) != CLI_EXIT_OK)
        goto cleanup;
    status = res.outcome == ADBC_OK ? CLI_EXIT_OK
           : res.outcome == ADBC_ERROR ? CLI_EXIT_FAIL
           : CLI_LOGIN_EXIT_BASE + (int)res.outcome;

cleanup:
    if (pw != NULL) {
        explicit_bzero(pw, LOGIN_PW_MAX + 2);
        free(pw);
    }
    adbc_result_free(&res);
    return status;
}
