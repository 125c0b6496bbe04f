/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dns_failover.c - libFuzzer harness for the failover file parser
 * (dns_failover_parse): the file lives in a shared directory, so its
 * bytes are untrusted too.  A parsed file must format back and parse to
 * the same entries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dns_failover fo, again;
    static char buf[DNS_FO_FILE_MAX * 2];
    size_t len, i;

    if (dns_failover_parse((const char *)data, size, 1000, &fo) != ADB_OK) {
        if (fo.count != 0)
            abort();
        return 0;
    }
    if (fo.count > DNS_FO_MAX)
        abort();
    len = dns_failover_format(&fo, buf, sizeof(buf));
    if (len == 0 || dns_failover_parse(buf, len, 1000, &again) != ADB_OK ||
        again.count != fo.count)
        abort();
    for (i = 0; i < fo.count; i++)
        if (dns_failover_state(&again, fo.e[i].family, fo.e[i].addr, 1000) !=
            (fo.e[i].down ? 1 : 2))
            abort();
    return 0;
}
