/* SPDX-License-Identifier: MIT */
/*
 * adb_hostport.h - "host[:port]" values of the configuration and the
 * command line (`kdc = dc1.ad.example.com:88`, `dns_servers = 127.0.0.1:5353
 * [::1]:53`).
 *
 * Forms accepted: a DNS name, an IPv4 literal, or an IPv6 literal in
 * brackets, each optionally followed by ":PORT" (1-65535, decimal, no sign,
 * no leading zeros beyond "0" itself, which is refused).  An IPv6 literal
 * without a port may also be written bare ("::1").  Host names are checked
 * against RFC 1123 (labels of 1-63 letters, digits, '-' or '_', not
 * starting or ending with '-', at most 253 characters, an optional trailing
 * dot).
 */
#ifndef ADB_HOSTPORT_H
#define ADB_HOSTPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adb_err.h"

#define ADB_HOST_MAX 253        /* longest host name kept, without NUL */

typedef struct adb_hostport {
    char host[ADB_HOST_MAX + 1]; /* the name or the address literal
                                  * (without brackets) */
    uint16_t port;               /* 0 when the value named no port */
    bool is_ip;                  /* host is an IPv4 or IPv6 literal */
    bool is_ipv6;
} adb_hostport;

/*
 * adb_hostport_parse - parse @text into *@hp_out.
 * @hp_out is zeroed on entry and filled only on ADB_OK.
 * @err/@errlen: may be NULL/0; on ADB_ERR_MALFORMED a short English reason
 *        such as `port "99999" is not a number from 1 to 65535`.
 * Returns ADB_OK, ADB_ERR_MALFORMED, ADB_ERR_INVALID (NULL @text/@hp_out).
 */
adb_err adb_hostport_parse(const char *text, adb_hostport *hp_out,
                           char *err, size_t errlen);

/*
 * adb_hostname_valid - true if @name (NUL-terminated) is a valid host name
 * as described above.  @allow_underscore admits '_' (SRV owner names).
 */
bool adb_hostname_valid(const char *name, bool allow_underscore);

#endif /* ADB_HOSTPORT_H */
