/* SPDX-License-Identifier: MIT */
/*
 * fuzz_authdata.c - libFuzzer harness for adb_der_authdata(), the in-place
 * reader of AD-IF-RELEVANT containers that kdc_find_pac() uses before
 * MIT's decoder.
 *
 * Differential against MIT (krb5_decode_authdata_container):
 *   - whatever adb_der_authdata accepts, MIT decodes into the same
 *     elements (types, lengths, bytes): the fast path never reads a
 *     container differently from the KDC;
 *   - whatever MIT decodes and re-encodes to exactly the input (canonical
 *     DER), adb_der_authdata accepts, unless it has more elements than the
 *     caller's room: the fast path is taken for what MIT itself writes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <krb5/krb5.h>

#include "adb_der.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX 16

static krb5_context kctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    adb_der_ad el[MAX];
    krb5_authdata c, **mit = NULL, **again = NULL;
    size_t n = 0, m = 0, i;
    adb_err ret;
    krb5_error_code kret;

    if (kctx == NULL && krb5_init_context(&kctx) != 0)
        abort();
    c.magic = KV5M_AUTHDATA;
    c.ad_type = KRB5_AUTHDATA_IF_RELEVANT;
    c.length = (unsigned int)size;
    c.contents = (krb5_octet *)data;
    ret = adb_der_authdata(data, size, el, MAX, &n);
    if (ret != ADB_OK && ret != ADB_ERR_MALFORMED && ret != ADB_ERR_LIMIT)
        abort();
    if (ret != ADB_OK && n != 0)
        abort();
    kret = krb5_decode_authdata_container(kctx, KRB5_AUTHDATA_IF_RELEVANT,
                                          &c, &mit);
    if (ret == ADB_OK) {
        if (kret != 0)
            abort();            /* we read what MIT rejects */
        for (m = 0; mit[m] != NULL; m++)
            ;
        if (m != n)
            abort();
        for (i = 0; i < n; i++) {
            if (mit[i]->ad_type != el[i].type ||
                mit[i]->length != el[i].len ||
                (el[i].len > 0 &&
                 memcmp(mit[i]->contents, el[i].data, el[i].len) != 0))
                abort();
        }
    }
    if (kret == 0 && ret != ADB_OK) {
        /* canonical input that we turned away, other than for room? */
        for (m = 0; mit[m] != NULL; m++)
            ;
        if (ret != ADB_ERR_LIMIT && m > 0 &&
            krb5_encode_authdata_container(kctx, KRB5_AUTHDATA_IF_RELEVANT,
                                           mit, &again) == 0) {
            if (again[0]->length == size &&
                memcmp(again[0]->contents, data, size) == 0)
                abort();
        }
        if (ret == ADB_ERR_LIMIT && m <= MAX)
            abort();
    }
    krb5_free_authdata(kctx, again);
    krb5_free_authdata(kctx, mit);
    return 0;
}
