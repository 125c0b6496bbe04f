/* SPDX-License-Identifier: MIT */
/*
 * cli_adname.h - the pure rules of mapping AD names (no network): does a
 * name's domain part name the trust, may an object found over LDAP be
 * mapped, and the `# NETBIOS\name` comment that `map add` writes above the
 * `map = sid:...` line and `map list --check` reads back.
 */
#ifndef CLI_ADNAME_H
#define CLI_ADNAME_H

#include <stdbool.h>
#include <stddef.h>

#include "adl.h"
#include "conf.h"

/*
 * cli_adn_domain_ok - true if @name (from adl_name_parse) may be looked up
 * in trust @t: a bare name, `NETBIOS\name` with the trust's netbios_name,
 * or `name@domain` with the trust's realm as DNS domain (both compared
 * ASCII case-insensitively).  Otherwise false and @why (may be NULL, @size
 * bytes) says which domain the name is of.
 */
bool cli_adn_domain_ok(const conf_trust *t, const adl_name *name, char *why,
                       size_t size);

/* What a mappable object is. */
typedef enum cli_adn_kind {
    CLI_ADN_GROUP = 1,   /* a global or universal security group: sid: */
    CLI_ADN_USER         /* a user or computer account: user:S-... */
} cli_adn_kind;

/*
 * cli_adn_judge - may @obj be mapped in trust @t?  ADB_OK with *kind_out
 * set, or one of
 *   ADB_ERR_MALFORMED  outside the trusted domain (its SID is not
 *                      domain_sid + RID), or not a user, computer or group,
 *                      or a group without a groupType;
 *   ADB_ERR_INVALID    a distribution group, or a domain-local (or builtin)
 *                      group, which AD never puts into a cross-realm
 *                      ticket (MS-KILE 3.3.5.7.3);
 * with the reason (one English sentence, with what to do) in @why (@size
 * bytes, never NULL).  @code_out (may be NULL) gets a short refusal code:
 * "outside-domain", "not-principal", "distribution-group",
 * "domain-local-group".
 */
adb_err cli_adn_judge(const conf_trust *t, const adl_object *obj,
                      cli_adn_kind *kind_out, const char **code_out,
                      char *why, size_t size);

/* Bytes of the longest comment name: NETBIOS + '\' + account + NUL. */
#define CLI_ADN_COMMENT_MAX (ADL_NETBIOS_MAX + 1 + ADL_SAM_BYTES_MAX + 1)

/*
 * cli_adn_comment_name - the name a `# ` comment line of a mapping records,
 * as `map add` wrote it: "NETBIOS\account" or "NETBIOS\account: TEXT" (':'
 * cannot occur in an account name).  True and @out (CLI_ADN_COMMENT_MAX
 * bytes) gets "account" if @comment starts so with the trust's
 * netbios_name; false for any other comment.
 */
bool cli_adn_comment_name(const conf_trust *t, const char *comment,
                          char out[CLI_ADN_COMMENT_MAX]);

#endif /* CLI_ADNAME_H */
