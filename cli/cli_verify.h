/* SPDX-License-Identifier: MIT */
/*
 * cli_verify.h - does AD hold the same trust key as the local KDC?  The
 * core of `adbridge trust verify` and of `adbridge doctor --user`.
 *
 * The user's TGT from AD (password file or an existing ccache), then AD's
 * cross-realm TGT krbtgt/LOCAL@AD, decrypted with the local key taken from
 * the KDC database (kadm5, kadm/).  On failure the likely cause is named:
 * the user's password, the trust missing on AD's side or on the MIT side,
 * an enctype or kvno AD uses that MIT lacks, or keys that differ (the trust
 * password, or the salt).  Keys are never printed; the key lives only in a
 * private MEMORY keytab, destroyed by cli_verify_close().
 */
#ifndef CLI_VERIFY_H
#define CLI_VERIFY_H

#include <stdbool.h>

#include "conf.h"

typedef struct cli_verify_result {
    bool ok;                  /* the cross-realm TGT decrypted */
    char step[16];            /* user-tgt, cross-tgt, local-key, decrypt,
                               * ok */
    char message[512];        /* what happened */
    char cause[512];          /* the likely cause and fix ("" when ok) */
    char enctype[64];         /* the cross-realm TGT's enctype, or "" */
    int kvno;                 /* its kvno (AD: 0), -1 if unknown */
    char client[512];         /* the user principal */
    char ticket[512];         /* krbtgt/LOCAL@AD */
} cli_verify_result;

/* Open state: a MEMORY ccache holding the TGTs and a MEMORY keytab holding
 * the local key (names for cli_explain_run). */
typedef struct cli_verify_session cli_verify_session;

/*
 * cli_verify_run - verify trust @realm of @cfg (loaded, borrowed) for
 * @user (USER@REALM) with the password in @pwfile, or with the TGT in
 * @ccache (one of the two; the ccache is copied, never modified).
 * @res is always filled.  On @res->ok, *@session (may be NULL if not
 * wanted) holds the ccache and keytab: close it with cli_verify_close().
 * Returns 0 when the check ran (ok or not), -1 on an internal failure (out
 * of memory), after one error line.
 */
int cli_verify_run(const conf_config *cfg, const char *realm,
                   const char *user, const char *pwfile, const char *ccache,
                   cli_verify_result *res, cli_verify_session **session);

/* cli_verify_ccache_name, cli_verify_keytab_name - "MEMORY:..." names of
 * @s's ccache and keytab (owned by @s). */
const char *cli_verify_ccache_name(const cli_verify_session *s);
const char *cli_verify_keytab_name(const cli_verify_session *s);

/* cli_verify_close - destroy the ccache and the keytab (the key is
 * wiped).  NULL-safe. */
void cli_verify_close(cli_verify_session *s);

#endif /* CLI_VERIFY_H */
