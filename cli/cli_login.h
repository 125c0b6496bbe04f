/* SPDX-License-Identifier: MIT */
/*
 * cli_login.h - the `login` command (cli_login.c): a device's password
 * login through libadbridge-client, as an admin checks a device's view of
 * a user.
 */
#ifndef CLI_LOGIN_H
#define CLI_LOGIN_H

/*
 * cli_login_main - `adbridge login USER [--keytab KT] [--service PRINC]
 * [--password-file F] [--json]`.  @argc/@argv start at "login".  Returns
 * CLI_EXIT_OK, CLI_EXIT_FAIL (internal error), CLI_EXIT_USAGE, or
 * CLI_LOGIN_EXIT_BASE + the adbc_outcome of a failed login.
 */
int cli_login_main(int argc, char **argv);

#define CLI_LOGIN_EXIT_BASE 10

#endif /* CLI_LOGIN_H */
