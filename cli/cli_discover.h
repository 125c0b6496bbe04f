/* SPDX-License-Identifier: MIT */
/*
 * cli_discover.h - `adbridge discover`: where a realm's KDCs and DCs are.
 *
 *   adbridge discover REALM [--site S] [--service kdc|kpasswd|ldap|gc|pdc]
 *                    [--dns-server ADDR[:PORT]]... [--timeout MS]
 *                    [--probe] [--json] [--config FILE]
 *
 * Prints every SRV record (priority, weight, port, target), every query
 * and how it ended, then the addresses in the order a client tries them.
 * --probe sends each KDC address a pre-authentication-less AS-REQ over its
 * transport and prints whether it answered and its clock offset (from the
 * KRB-ERROR's stime), flagging offsets over 5 minutes.  Settings of the
 * realm's trust in the configuration (kdc lines, site, dns_servers) are
 * used when the file has that trust; options override them.
 *
 * Exit status: 0 something usable was found (with --probe: a KDC
 * answered), 1 nothing was, 2 usage error.
 */
#ifndef CLI_DISCOVER_H
#define CLI_DISCOVER_H

int cli_discover_main(int argc, char **argv);

#endif /* CLI_DISCOVER_H */
