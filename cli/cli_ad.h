/* SPDX-License-Identifier: MIT */
/*
 * cli_ad.h - a bound LDAP session with one DC of a trust's AD domain, for
 * the commands that read AD (`map add NAME`, `map list --check`, `doctor`).
 *
 * Credentials, in this order: --ad-user with --ad-password-file; the
 * trust's ldap_principal with ldap_keytab; the caller's default ccache.
 * The DC: --ad-dc HOST, else the trust's LDAP SRV records (dns/, with
 * --dns-server or [adbridge] dns_servers), each tried in order.  The bind
 * is SASL/GSSAPI with signing (ldap/ checks SSF >= 1).  The DC's domain
 * must be the trust's domain_sid.
 */
#ifndef CLI_AD_H
#define CLI_AD_H

#include <getopt.h>

#include "adl.h"
#include "cli_adname.h"
#include "conf.h"

typedef struct cli_ad_opts {
    const char *user;           /* --ad-user PRINCIPAL, or NULL */
    const char *password_file;  /* --ad-password-file FILE (with --ad-user) */
    const char *dc;             /* --ad-dc HOST, or NULL: DNS discovery */
    const char *dns_server;     /* --dns-server ADDR, or NULL: the config */
    unsigned int timeout_ms;    /* 0: 10 s */
} cli_ad_opts;

/* The long options every AD-reading command takes (values 0x100..0x103);
 * put CLI_AD_LONGOPTS into the command's struct option table and pass
 * every getopt result to cli_ad_option() first. */
#define CLI_AD_LONGOPTS \
    { "ad-user", required_argument, NULL, 0x100 }, \
    { "ad-password-file", required_argument, NULL, 0x101 }, \
    { "ad-dc", required_argument, NULL, 0x102 }, \
    { "dns-server", required_argument, NULL, 0x103 }

#define CLI_AD_USAGE \
    "[--ad-user PRINCIPAL --ad-password-file FILE] [--ad-dc HOST]" \
    " [--dns-server ADDR]"

#define CLI_AD_HELP \
    "  --ad-user PRINCIPAL      bind to AD's LDAP as this user (with\n" \
    "                           --ad-password-file); default: the trust's\n" \
    "                           ldap_principal + ldap_keytab, else the\n" \
    "                           default ccache (kinit)\n" \
    "  --ad-password-file FILE  the user's password (first line)\n" \
    "  --ad-dc HOST             this DC (default: the realm's LDAP SRV\n" \
    "                           records)\n" \
    "  --dns-server ADDR        DNS server for that (default: dns_servers,\n" \
    "                           else resolv.conf)\n"

/* cli_ad_option - true if @ch was one of CLI_AD_LONGOPTS (@arg stored). */
bool cli_ad_option(int ch, const char *arg, cli_ad_opts *o);

typedef struct cli_ad {
    adl_creds *creds;
    adl_conn *conn;
    adl_rootdse *root;
    adl_domain *dom;
    char dc[256];               /* the DC's host name */
    char address[64];           /* the address connected to ("" if none) */
} cli_ad;

/*
 * cli_ad_open - credentials, a DC, a signed bind, the rootDSE and the
 * domain, which must be @t's.  On ADB_OK @ad holds everything (release
 * with cli_ad_close()); on failure @ad is empty and @why (@size bytes)
 * says what failed (never a password).
 */
adb_err cli_ad_open(const conf_config *cfg, const conf_trust *t,
                    const cli_ad_opts *o, cli_ad *ad, char *why, size_t size);

/* cli_ad_close - release @ad (NULL-safe, idempotent). */
void cli_ad_close(cli_ad *ad);

/* One mapping's state in AD (map list --check). */
typedef struct cli_ad_map_state {
    const char *status;   /* "ok", "renamed", "deleted", "type-changed",
                           * "not-checked", "error" */
    char now[CLI_ADN_COMMENT_MAX];   /* the object's name now, or "" */
    char detail[2 * CLI_ADN_COMMENT_MAX + 200];
} cli_ad_map_state;

/*
 * cli_ad_check_mapping - look mapping @m of trust @t (its one-line comment
 * @comment, may be NULL) up in AD by SID and fill @st: "deleted" (no such
 * SID), "type-changed" (no longer a global/universal security group, or a
 * group where the mapping is user:, or the reverse), "renamed" (the
 * comment's NETBIOS\name is not the object's sAMAccountName), "ok",
 * "not-checked" (user:NAME, or a SID outside the domain) or "error".
 */
void cli_ad_check_mapping(const conf_trust *t, cli_ad *ad,
                          const conf_mapping *m, const char *comment,
                          cli_ad_map_state *st);

#endif /* CLI_AD_H */
