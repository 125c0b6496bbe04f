/* SPDX-License-Identifier: MIT */
/*
 * cli_trust.h - the `trust` command: list and show (cli_trust.c); add,
 * verify, rotate and remove (cli_trust_wiz.c; verify's core is
 * cli_verify.c).
 */
#ifndef CLI_TRUST_H
#define CLI_TRUST_H

/*
 * cli_trust_main - `adbridge trust list|show ...`.  @argc/@argv start at
 * "trust".  Returns a CLI_EXIT_* status; all messages are printed here.
 */
int cli_trust_main(int argc, char **argv);

/* The wizard's subcommands (cli_trust_wiz.c); @argv starts at the
 * subcommand's name.  Each returns a CLI_EXIT_* status. */
int cli_trust_add_main(int argc, char **argv);
int cli_trust_rotate_main(int argc, char **argv);
int cli_trust_verify_main(int argc, char **argv);
int cli_trust_remove_main(int argc, char **argv);

#endif /* CLI_TRUST_H */
