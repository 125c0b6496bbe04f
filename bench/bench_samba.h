/* SPDX-License-Identifier: MIT */
/*
 * bench_samba.h - Samba's PAC decoder, behind an interface free of Samba's
 * headers (its krb5pac.h and our pac.h both define PAC_TYPE_LOGON_INFO ...,
 * so the two cannot meet in one translation unit).
 */
#ifndef BENCH_SAMBA_H
#define BENCH_SAMBA_H

#include <stddef.h>
#include <stdint.h>

/* The Samba version of the headers we were built with ("4.17.12-Debian"). */
extern const char bench_samba_version[];

/*
 * bench_samba_decode - decode @len bytes at @data as Samba does in
 * kerberos_decode_pac(): a fresh talloc context, ndr_pull_struct_blob()
 * with ndr_pull_PAC_DATA, then talloc_free() of everything.  @data is
 * borrowed.  Returns 0 on success, 1 if Samba rejects the input or memory
 * runs out.
 */
int bench_samba_decode(const uint8_t *data, size_t len);

/*
 * bench_samba_check - the same decode, reporting: on success 0 and
 * *groups_out = LOGON_INFO's GroupCount (-1 without LOGON_INFO); on failure
 * 1 and Samba's error text in @msg (@size bytes, NUL-terminated).
 */
int bench_samba_check(const uint8_t *data, size_t len, long *groups_out,
                      char *msg, size_t size);

#endif /* BENCH_SAMBA_H */
