/* SPDX-License-Identifier: MIT */
/*
 * fuzz_netlogon.c - libFuzzer harness for the LDAP ping's reply: a DC's
 * CLDAP answer (BER, decoded with liblber by dns_cldap_reply_parse) and
 * the NETLOGON_SAM_LOGON_RESPONSE_EX inside it (dns_netlogon_parse:
 * the bounded reader, compressed names).  First byte: bit 0 set = the
 * rest is a whole CLDAP reply to message 7, clear = the rest is a
 * NETLOGON blob; bits 1-2 pick the NtVer flags the parser assumes.
 * Everything decoded must be NUL-terminated and within its field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_str(const char *s, size_t size)
{
    check(memchr(s, '\0', size) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t ntvers[4] = {
        DNS_NETLOGON_NTVER, DNS_NETLOGON_NT_5EX,
        DNS_NETLOGON_NTVER | DNS_NETLOGON_NT_5EX_WITH_IP,
        DNS_NETLOGON_NT_5EX | DNS_NETLOGON_NT_5EX_WITH_IP,
    };
    static uint8_t blob[4096];
    static dns_netlogon nl;
    const uint8_t *b = data + 1;
    size_t blen = size - 1;
    char why[160];
    adb_err err;

    if (size < 1)
        return 0;
    if (data[0] & 1) {
        err = dns_cldap_reply_parse(data + 1, size - 1, 7, blob,
                                    sizeof(blob), &blen, why, sizeof(why));
        check_str(why, sizeof(why));
        if (err != ADB_OK) {
            check(blen == 0);
            return 0;
        }
        check(blen <= sizeof(blob));
        b = blob;
    }
    err = dns_netlogon_parse(b, blen, ntvers[(data[0] >> 1) & 3], &nl, why,
                             sizeof(why));
    check_str(why, sizeof(why));
    if (err != ADB_OK)
        return 0;
    check(nl.opcode == DNS_NETLOGON_OP_RESPONSE_EX ||
          nl.opcode == DNS_NETLOGON_OP_UNKNOWN_EX);
    check_str(nl.forest, sizeof(nl.forest));
    check_str(nl.domain, sizeof(nl.domain));
    check_str(nl.dc_host, sizeof(nl.dc_host));
    check_str(nl.netbios_domain, sizeof(nl.netbios_domain));
    check_str(nl.netbios_host, sizeof(nl.netbios_host));
    check_str(nl.user, sizeof(nl.user));
    check_str(nl.dc_site, sizeof(nl.dc_site));
    check_str(nl.client_site, sizeof(nl.client_site));
    check_str(nl.next_site, sizeof(nl.next_site));
    return 0;
}
