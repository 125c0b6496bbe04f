/* SPDX-License-Identifier: MIT */
/*
 * cli_twz.h - the trust wizard's pure pieces (prefix twz_), unit-tested on
 * their own: the name checks, the --enctypes list, and the text the wizard
 * prints for the Windows side and for krb5.conf.  No I/O, no secrets kept.
 */
#ifndef CLI_TWZ_H
#define CLI_TWZ_H

#include <stdbool.h>
#include <stddef.h>

#include <krb5/krb5.h>

#define TWZ_MAX_ENCTYPES 3
#define TWZ_MAX_LINES 16
#define TWZ_LINE_MAX 512

/* The placeholder printed instead of a password that was not generated. */
#define TWZ_PASSWORD_PLACEHOLDER "<the trust password>"

/*
 * twz_check_realm - @realm is a Kerberos realm the wizard accepts for AD:
 * 1..255 characters of upper-case letters, digits, '.' and '-', no empty
 * label, and not @local.  Returns NULL or a one-line reason (into @buf).
 */
const char *twz_check_realm(const char *realm, const char *local, char *buf,
                            size_t size);

/*
 * twz_check_netbios - @nb is a NetBIOS domain name: 1..15 characters, no
 * '.', none of \ / : * ? " < > | or blanks, and not the realm @realm (nor
 * its first label written as the whole realm).  Returns NULL or a reason.
 */
const char *twz_check_netbios(const char *nb, const char *realm, char *buf,
                              size_t size);

/*
 * twz_parse_enctypes - "aes256,aes128[,rc4]" (names: aes256, aes128, rc4,
 * or MIT's names such as aes256-cts-hmac-sha1-96) into @out (at most
 * TWZ_MAX_ENCTYPES, no repeats).  *@rc4 is set when RC4 is included.
 * Returns the count, or 0 with a reason in @buf.
 */
size_t twz_parse_enctypes(const char *list, krb5_enctype *out, bool *rc4,
                          char *buf, size_t size);

/* The Windows name of an enctype for ksetup /SetEncTypeAttr. */
const char *twz_windows_enctype(krb5_enctype e);

/* What the wizard set up, for the printed text. */
typedef struct twz_plan {
    const char *local_realm;
    const char *ad_realm;
    bool two_way;
    const krb5_enctype *enctypes;
    size_t enctype_count;
    const char *local_kdc;        /* this KDC's host name for ksetup */
    const char *password_shown;   /* NULL: TWZ_PASSWORD_PLACEHOLDER */
} twz_plan;

/*
 * twz_windows_commands - the commands to run on a Windows DC of the AD
 * domain, one per line of @lines (TWZ_MAX_LINES of TWZ_LINE_MAX).  Returns
 * the line count.  The password appears only if @plan->password_shown.
 */
size_t twz_windows_commands(const twz_plan *plan,
                            char lines[][TWZ_LINE_MAX]);

/*
 * twz_krb5_conf - the krb5.conf lines for clients and devices ([realms]
 * with the AD realm's KDCs @kdcs, [domain_realm] for its DNS domain).
 */
size_t twz_krb5_conf(const twz_plan *plan, const char *const *kdcs,
                     size_t kdc_count, char lines[][TWZ_LINE_MAX]);

#endif /* CLI_TWZ_H */
