/* SPDX-License-Identifier: MIT */
/*
 * cli_doctor.h - the `doctor` command (cli_doctor.c).
 */
#ifndef CLI_DOCTOR_H
#define CLI_DOCTOR_H

/*
 * cli_doctor_main - `adbridge doctor [--config FILE] [--kdc-conf FILE]
 * [--json] [REALM]`: every check with pass, warn or fail and what to do.
 * @argc/@argv start at "doctor".  Returns CLI_EXIT_OK when no check failed,
 * CLI_EXIT_FAIL when one did, CLI_EXIT_USAGE on a bad command line.
 */
int cli_doctor_main(int argc, char **argv);

#endif /* CLI_DOCTOR_H */
