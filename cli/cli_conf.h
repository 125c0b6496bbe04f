/* SPDX-License-Identifier: MIT */
/*
 * cli_conf.h - the configuration commands of adbridge:
 *
 *   adbridge config check [FILE]
 *   adbridge map list REALM [--json]
 *   adbridge map add REALM IDENTITY RIGHT[,RIGHT...] [--comment TEXT]
 *   adbridge map remove REALM IDENTITY
 *   adbridge explain --trust REALM (--pac FILE | --ccache CC --keytab KT
 *                    [--service PRINC]) [--json]
 *
 * The configuration file is, in order of precedence: the command's own
 * `--config FILE`, the global `adbridge --config FILE ...`, the environment
 * variable ADBRIDGE_CONFIG (if set and not empty), /etc/adbridge.conf.
 *
 * `map add` / `map remove` edit the file's text (MIT's profile library
 * would drop its comments) and replace it atomically, only after proving
 * with conf_load() that the new file holds exactly the intended change.
 */
#ifndef CLI_CONF_H
#define CLI_CONF_H

#include <stdbool.h>

#define CLI_CONF_DEFAULT_PATH "/etc/adbridge.conf"
#define CLI_CONF_ENV "ADBRIDGE_CONFIG"

/* Exit status of `explain` when the trust refuses the user. */
#define CLI_EXIT_REFUSED 3

/*
 * cli_conf_global_option - take a leading global `--config FILE` (or
 * `--config=FILE`) off the command line: with argv[1] such an option, the
 * path is remembered for the commands above and the number of words it
 * used (1 or 2) is returned, so the caller dispatches argc - n / argv + n.
 * Returns 0 if argv[1] is not --config, -1 (after printing a usage error)
 * if its FILE is missing.  @argv is not modified; FILE is borrowed.
 */
int cli_conf_global_option(int argc, char **argv);

/*
 * cli_conf_file - the configuration file a command uses: @opt (its own
 * --config, may be NULL), else the global --config, else $ADBRIDGE_CONFIG,
 * else CLI_CONF_DEFAULT_PATH.  Borrowed (argv, environment or static).
 */
const char *cli_conf_file(const char *opt);

/* The commands; @argc/@argv start at the command's name.  Each returns a
 * CLI_EXIT_* status (explain: CLI_EXIT_REFUSED when refused). */
int cli_config_main(int argc, char **argv);
int cli_map_main(int argc, char **argv);
int cli_explain_main(int argc, char **argv);

/*
 * cli_explain_run - `explain` after its options: the decision of the KDC's
 * own kdc_decide for the PAC file @pac_file or for the ticket of @cc_arg
 * decrypted with keytab @kt_arg (a MEMORY: keytab works), @service
 * choosing it.  Prints the text (or, @json, one JSON object) on stdout;
 * with @into non-NULL the explanation is written into it as one JSON value
 * instead (the caller finishes @into).  Returns CLI_EXIT_OK,
 * CLI_EXIT_REFUSED (the trust refuses the user), CLI_EXIT_FAIL or
 * CLI_EXIT_USAGE after the error lines.
 */
struct cli_json;
int cli_explain_run(const char *opt_path, const char *realm,
                    const char *pac_file, const char *cc_arg,
                    const char *kt_arg, const char *service, bool json,
                    struct cli_json *into);

/*
 * Trust stanzas, for the trust wizard (`adbridge trust add|remove`): the
 * same text edit, proof and atomic replacement as `map add`.
 *
 * cli_conf_stanza_prepare - build the new file for adding the trust
 * @realm with the block @stanza (its "    REALM = {" ... "    }" lines,
 * inserted right after the [trusts] header) or, with @stanza NULL,
 * removing @realm's block; write it beside @path and prove that it loads
 * and differs from the old file exactly by that trust.  A missing file is
 * created (only when adding) with [adbridge] local_realm = @local_realm.
 * Nothing is replaced yet.  On CLI_EXIT_OK *@out: commit it with
 * cli_conf_stanza_commit(), free it with cli_conf_stanza_free() (which
 * removes an uncommitted new file).  Errors are printed (one line each).
 */
typedef struct cli_conf_stanza cli_conf_stanza;
int cli_conf_stanza_prepare(const char *path, const char *realm,
                            const char *stanza, const char *local_realm,
                            cli_conf_stanza **out);

/* cli_conf_stanza_commit - replace the file by the proven one (a backup
 * FILE.bak first) unless it changed since prepare.  CLI_EXIT_OK or
 * CLI_EXIT_FAIL after one error line. */
int cli_conf_stanza_commit(cli_conf_stanza *e);

/* cli_conf_stanza_free - NULL-safe. */
void cli_conf_stanza_free(cli_conf_stanza *e);

#endif /* CLI_CONF_H */
