/* SPDX-License-Identifier: MIT */
/*
 * kdb_stub.c - a KDB backend for test_kdb_module only (adbstub.so): no
 * database, but an issue_pac() of its own, as MIT's `test` module has one:
 * it copies every buffer of the old PAC but the KDC's into the new one and
 * adds the indicator "stub-indicator".  adbridge.so is loaded over it
 * (adbridge_backend = adbstub) to show that the module works over a backend
 * that fills the PAC itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kdb.h>

static krb5_error_code stub_init_library(void)
{
    return 0;
}

static krb5_error_code stub_fini_library(void)
{
    return 0;
}

static krb5_error_code stub_init_module(krb5_context ctx, char *section,
                                        char **db_args, int mode)
{
    (void)ctx;
    (void)section;
    (void)db_args;
    (void)mode;
    return 0;
}

static krb5_error_code stub_fini_module(krb5_context ctx)
{
    (void)ctx;
    return 0;
}

static krb5_error_code stub_issue_pac(krb5_context ctx, unsigned int flags,
                                      krb5_db_entry *client,
                                      krb5_keyblock *replaced_reply_key,
                                      krb5_db_entry *server,
                                      krb5_db_entry *signing_krbtgt,
                                      krb5_timestamp authtime,
                                      krb5_pac old_pac, krb5_pac new_pac,
                                      krb5_data ***auth_indicators)
{
    krb5_ui_4 *types = NULL;
    krb5_data data, **list, *ind;
    size_t n = 0, i, k = 0;
    krb5_error_code ret = 0;

    (void)flags;
    (void)client;
    (void)replaced_reply_key;
    (void)server;
    (void)signing_krbtgt;
    (void)authtime;
    if (old_pac != NULL) {
        ret = krb5_pac_get_types(ctx, old_pac, &n, &types);
        for (i = 0; ret == 0 && i < n; i++) {
            if (types[i] == KRB5_PAC_SERVER_CHECKSUM ||
                types[i] == KRB5_PAC_PRIVSVR_CHECKSUM ||
                types[i] == KRB5_PAC_CLIENT_INFO ||
                types[i] == KRB5_PAC_DELEGATION_INFO ||
                types[i] == KRB5_PAC_TICKET_CHECKSUM)
                continue;
            ret = krb5_pac_get_buffer(ctx, old_pac, types[i], &data);
            if (ret)
                break;
            ret = krb5_pac_add_buffer(ctx, new_pac, types[i], &data);
            krb5_free_data_contents(ctx, &data);
        }
        free(types);
        if (ret)
            return ret;
    }
    while (*auth_indicators != NULL && (*auth_indicators)[k] != NULL)
        k++;
    list = realloc(*auth_indicators, (k + 2) * sizeof(*list));
    if (list == NULL)
        return ENOMEM;
    *auth_indicators = list;
    ind = malloc(sizeof(*ind));
    if (ind == NULL)
        return ENOMEM;
    ind->magic = KV5M_DATA;
    ind->data = strdup("stub-indicator");
    ind->length = 14;
    if (ind->data == NULL) {
        free(ind);
        return ENOMEM;
    }
    list[k] = ind;
    list[k + 1] = NULL;
    return 0;
}

__attribute__((visibility("default")))
kdb_vftabl kdb_function_table = {
    .maj_ver = KRB5_KDB_DAL_MAJOR_VERSION,
    .min_ver = 0,
    .init_library = stub_init_library,
    .fini_library = stub_fini_library,
    .init_module = stub_init_module,
    .fini_module = stub_fini_module,
    .issue_pac = stub_issue_pac,
};
