/* SPDX-License-Identifier: MIT */
/*
 * adb_der.h - a strict DER reader for one Kerberos structure: the
 * AuthorizationData sequence (RFC 4120 5.2.6) inside an AD-IF-RELEVANT
 * element, read in place.
 *
 * It accepts only the canonical encoding MIT's own encoder writes
 * (definite, minimal lengths; single-byte tags; minimal INTEGERs; no
 * trailing bytes).  Anything else is ADB_ERR_MALFORMED, and the caller is
 * expected to hand that input to MIT's decoder instead
 * (krb5_decode_authdata_container), so that what MIT accepts and how it
 * reads it stays MIT's decision; on the inputs this reader accepts, both
 * give the same elements.
 */
#ifndef ADB_DER_H
#define ADB_DER_H

#include <stddef.h>
#include <stdint.h>

#include "adb_err.h"

/* One element of an AuthorizationData sequence.  @data borrows from the
 * input (NULL only when @len is 0). */
typedef struct adb_der_ad {
    int32_t type;               /* ad-type */
    const uint8_t *data;        /* ad-data */
    size_t len;
} adb_der_ad;

/*
 * adb_der_authdata - read the DER AuthorizationData of @len bytes at @data
 * into @out (room for @max elements).  On ADB_OK, *count is the number of
 * elements (at least 1).  ADB_ERR_MALFORMED: not the canonical DER of a
 * non-empty AuthorizationData; ADB_ERR_LIMIT: more than @max elements.  On
 * failure *count is 0 and @out's content is unspecified.  Nothing is
 * allocated; @out's pointers live as long as @data.
 */
adb_err adb_der_authdata(const void *data, size_t len, adb_der_ad *out,
                         size_t max, size_t *count);

#endif /* ADB_DER_H */
