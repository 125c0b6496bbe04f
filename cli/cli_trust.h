/* SPDX-License-Identifier: MIT */
/*
 * cli_trust.h - the `trust` command (cli_trust.c): list and show now; add,
 * verify, rotate and remove are the trust wizard's (issue 9).
 */
#ifndef CLI_TRUST_H
#define CLI_TRUST_H

/*
 * cli_trust_main - `adbridge trust list|show ...`.  @argc/@argv start at
 * "trust".  Returns a CLI_EXIT_* status; all messages are printed here.
 */
int cli_trust_main(int argc, char **argv);

#endif /* CLI_TRUST_H */
