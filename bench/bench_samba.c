/* SPDX-License-Identifier: MIT */
/*
 * bench_samba.c - Samba's PAC decoder for bench_pac (see bench_samba.h).
 */
#include <stdio.h>

#include <talloc.h>
#include <ndr.h>
#include <gen_ndr/ndr_krb5pac.h>
#include <samba/version.h>

#include "bench_samba.h"

const char bench_samba_version[] = SAMBA_VERSION_STRING;

/* Pull @data into a PAC_DATA owned by a new talloc context *mem_out. */
static enum ndr_err_code pull(const uint8_t *data, size_t len,
                              TALLOC_CTX **mem_out, struct PAC_DATA **pac_out)
{
    DATA_BLOB blob = { (uint8_t *)data, len };
    TALLOC_CTX *mem;
    struct PAC_DATA *pac;
    enum ndr_err_code err;

    *mem_out = NULL;
    *pac_out = NULL;
    mem = talloc_new(NULL);
    if (mem == NULL)
        return NDR_ERR_ALLOC;
    pac = talloc_zero(mem, struct PAC_DATA);
    if (pac == NULL) {
        talloc_free(mem);
        return NDR_ERR_ALLOC;
    }
    err = ndr_pull_struct_blob(&blob, pac, pac,
                               (ndr_pull_flags_fn_t)ndr_pull_PAC_DATA);
    *mem_out = mem;
    *pac_out = pac;
    return err;
}

int bench_samba_decode(const uint8_t *data, size_t len)
{
    TALLOC_CTX *mem;
    struct PAC_DATA *pac;
    enum ndr_err_code err;

    err = pull(data, len, &mem, &pac);
    talloc_free(mem);
    return !NDR_ERR_CODE_IS_SUCCESS(err);
}

int bench_samba_check(const uint8_t *data, size_t len, long *groups_out,
                      char *msg, size_t size)
{
    TALLOC_CTX *mem;
    struct PAC_DATA *pac;
    enum ndr_err_code err;
    uint32_t i;
    long groups = -1;

    err = pull(data, len, &mem, &pac);
    if (!NDR_ERR_CODE_IS_SUCCESS(err)) {
        snprintf(msg, size, "%s", ndr_map_error2string(err));
        talloc_free(mem);
        return 1;
    }
    for (i = 0; i < pac->num_buffers; i++) {
        const struct PAC_BUFFER *b = &pac->buffers[i];

        if (b->type == PAC_TYPE_LOGON_INFO && b->info != NULL &&
            b->info->logon_info.info != NULL) {
            groups = (long)b->info->logon_info.info->info3.base.groups.count;
            break;
        }
    }
    talloc_free(mem);
    *groups_out = groups;
    return 0;
}
