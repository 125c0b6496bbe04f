/* SPDX-License-Identifier: MIT */
/*
 * adbc_login.c - a device's password login: the user's TGT from their
 * realm (krb5.conf, DNS or the locate plugin, as libkrb5 finds KDCs), a
 * ticket for the device's own service principal (libkrb5 goes cross-realm
 * for AD users), and a GSS loopback: initiate to the device principal with
 * that ticket and accept it with the device keytab.  Only a ticket the
 * device key decrypts and whose CAMMAC it verifies gives rights, so a rogue
 * KDC that answers the AS exchange cannot fake a login.
 */
#include "adbc.h"

#include <string.h>
#include <stdlib.h>

#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>

#define ADBC_EXPORT __attribute__((visibility("default")))

/* Record @code and MIT's message for it in @res; returns the outcome. */
static adbc_outcome adbc_fail(krb5_context ctx, adbc_result *res,
                              adbc_stage stage, krb5_error_code code,
                              const char *realm)
{
    const char *msg;

    res->krb5_code = (long)code;
    res->outcome = adbc_outcome_from_krb5(stage, (long)code, realm);
    if (ctx != NULL && res->detail == NULL) {
        msg = krb5_get_error_message(ctx, code);
        res->detail = strdup(msg != NULL ? msg : "");
        krb5_free_error_message(ctx, msg);
    }
    return res->outcome;
}

static void adbc_wipe(char *s)
{
    if (s != NULL)
        explicit_bzero(s, strlen(s));
}

/* The device principal: @service, else the keytab's first entry. */
static krb5_error_code adbc_service(krb5_context ctx, krb5_keytab kt,
                                    const char *service,
                                    krb5_principal *out)
{
    krb5_kt_cursor cur;
    krb5_keytab_entry ent;
    krb5_error_code code;

    if (service != NULL)
        return krb5_parse_name(ctx, service, out);
    code = krb5_kt_start_seq_get(ctx, kt, &cur);
    if (code)
        return code;
    code = krb5_kt_next_entry(ctx, kt, &ent, &cur);
    if (code == 0) {
        code = krb5_copy_principal(ctx, ent.principal, out);
        krb5_free_keytab_entry_contents(ctx, &ent);
    }
    krb5_kt_end_seq_get(ctx, kt, &cur);
    return code == KRB5_KT_END ? KRB5_KT_NOTFOUND : code;
}

/* Init <-> accept in one process.  Returns 0 and the initiator name, or
 * the stage and minor code of the failure. */
static int adbc_loopback(gss_cred_id_t icred, gss_cred_id_t acred,
                         gss_name_t target, gss_name_t *client,
                         adbc_stage *stage, OM_uint32 *code)
{
    gss_buffer_desc itok = GSS_C_EMPTY_BUFFER, atok = GSS_C_EMPTY_BUFFER;
    gss_ctx_id_t ictx = GSS_C_NO_CONTEXT, actx = GSS_C_NO_CONTEXT;
    OM_uint32 imaj = GSS_S_CONTINUE_NEEDED, amaj = GSS_S_CONTINUE_NEEDED;
    OM_uint32 minor, junk;
    int rounds = 0, ret = -1;

    *code = 0;
    while (rounds++ < 4) {
        imaj = gss_init_sec_context(&minor, icred, &ictx, target,
                                    (gss_OID)gss_mech_krb5, GSS_C_MUTUAL_FLAG,
                                    0, GSS_C_NO_CHANNEL_BINDINGS, &atok, NULL,
                                    &itok, NULL, NULL);
        gss_release_buffer(&junk, &atok);
        if (GSS_ERROR(imaj)) {
            *stage = ADBC_STAGE_TICKET;
            *code = minor;
            goto cleanup;
        }
        if (itok.length == 0)
            break;
        amaj = gss_accept_sec_context(&minor, &actx, acred, &itok,
                                      GSS_C_NO_CHANNEL_BINDINGS, client, NULL,
                                      &atok, NULL, NULL, NULL);
        gss_release_buffer(&junk, &itok);
        if (GSS_ERROR(amaj)) {
            *stage = ADBC_STAGE_ACCEPT;
            *code = minor != 0 ? minor : (OM_uint32)KRB5KRB_AP_ERR_MODIFIED;
            goto cleanup;
        }
        if (atok.length == 0 && imaj == GSS_S_COMPLETE)
            break;
    }
    if (amaj != GSS_S_COMPLETE || imaj != GSS_S_COMPLETE ||
        *client == GSS_C_NO_NAME) {
        *stage = ADBC_STAGE_ACCEPT;
        *code = (OM_uint32)KRB5KRB_AP_ERR_MODIFIED;
        goto cleanup;
    }
    ret = 0;

cleanup:
    gss_release_buffer(&junk, &itok);
    gss_release_buffer(&junk, &atok);
    gss_delete_sec_context(&junk, &ictx, GSS_C_NO_BUFFER);
    gss_delete_sec_context(&junk, &actx, GSS_C_NO_BUFFER);
    return ret;
}

ADBC_EXPORT adbc_outcome adbc_login(const adbc_login_opts *opts,
                                    const char *user, char *password,
                                    adbc_result *res)
{
    static const adbc_login_opts no_opts = { NULL, NULL, NULL };
    krb5_context ctx = NULL;
    krb5_keytab kt = NULL;
    krb5_ccache cc = NULL;
    krb5_principal client = NULL, service = NULL;
    krb5_get_init_creds_opt *gopt = NULL;
    krb5_creds creds;
    krb5_keytab_entry kent;
    krb5_error_code code;
    gss_cred_id_t icred = GSS_C_NO_CREDENTIAL, acred = GSS_C_NO_CREDENTIAL;
    gss_name_t target = GSS_C_NO_NAME, cname = GSS_C_NO_NAME;
    gss_buffer_desc tbuf = GSS_C_EMPTY_BUFFER;
    char *uname = NULL, *realm = NULL, *svcname = NULL;
    OM_uint32 minor, junk;
    adbc_stage stage;
    int have_creds = 0;

    memset(&creds, 0, sizeof(creds));
    if (opts == NULL)
        opts = &no_opts;
    res->outcome = adbc_parse_user(user, &uname, &realm);
    if (res->outcome != ADBC_OK || password == NULL) {
        if (res->outcome == ADBC_OK)
            res->outcome = ADBC_ERROR;
        goto cleanup;
    }
    res->outcome = ADBC_ERROR;
    code = krb5_init_context(&ctx);
    if (code) {
        res->krb5_code = (long)code;
        goto cleanup;
    }
    /* the device side first: a device without its key logs nobody in */
    code = opts->keytab != NULL ? krb5_kt_resolve(ctx, opts->keytab, &kt)
                                : krb5_kt_default(ctx, &kt);
    if (code == 0)
        code = adbc_service(ctx, kt, opts->service, &service);
    if (code == 0)
        code = krb5_unparse_name(ctx, service, &svcname);
    /* the keytab holds a key of the device principal (checked here: MIT's
     * gss_krb5_import_cred leaks a principal when it does not) */
    if (code == 0)
        code = krb5_kt_get_entry(ctx, kt, service, 0, 0, &kent);
    if (code == 0)
        krb5_free_keytab_entry_contents(ctx, &kent);
    if (code) {
        adbc_fail(ctx, res, ADBC_STAGE_ACCEPT, code, NULL);
        res->outcome = ADBC_DEVICE_CONFIG;
        goto cleanup;
    }
    /* one component: a '/' or '@' in the user name is not reinterpreted */
    code = krb5_build_principal(ctx, &client, (unsigned int)strlen(realm),
                                realm, uname, (char *)NULL);
    if (code == 0)
        code = krb5_cc_new_unique(ctx, "MEMORY", NULL, &cc);
    if (code == 0)
        code = krb5_cc_initialize(ctx, cc, client);
    if (code == 0)
        code = krb5_get_init_creds_opt_alloc(ctx, &gopt);
    if (code) {
        res->krb5_code = (long)code;
        goto cleanup;
    }
    krb5_get_init_creds_opt_set_forwardable(gopt, 0);
    krb5_get_init_creds_opt_set_proxiable(gopt, 0);
    code = krb5_get_init_creds_opt_set_out_ccache(ctx, gopt, cc);
    if (code == 0)
        code = krb5_get_init_creds_password(ctx, &creds, client, password,
                                            NULL, NULL, 0, NULL, gopt);
    adbc_wipe(password);
    if (code) {
        adbc_fail(ctx, res, ADBC_STAGE_TGT, code, realm);
        goto cleanup;
    }
    have_creds = 1;

    /* the loopback: the initiator holds only the TGT just obtained, the
     * acceptor only the device principal's keys */
    if (GSS_ERROR(gss_krb5_import_cred(&minor, cc, NULL, NULL, &icred))) {
        adbc_fail(ctx, res, ADBC_STAGE_TICKET, (krb5_error_code)minor, NULL);
        res->outcome = ADBC_ERROR;
        goto cleanup;
    }
    if (GSS_ERROR(gss_krb5_import_cred(&minor, NULL, service, kt, &acred))) {
        adbc_fail(ctx, res, ADBC_STAGE_ACCEPT, (krb5_error_code)minor, NULL);
        res->outcome = ADBC_DEVICE_CONFIG;
        goto cleanup;
    }
    tbuf.value = svcname;
    tbuf.length = strlen(svcname);
    if (GSS_ERROR(gss_import_name(&minor, &tbuf,
                                  (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME,
                                  &target))) {
        res->krb5_code = (long)minor;
        goto cleanup;
    }
    if (adbc_loopback(icred, acred, target, &cname, &stage, &minor) != 0) {
        adbc_fail(ctx, res, stage, (krb5_error_code)minor, realm);
        goto cleanup;
    }
    adbc_rights_from_name(cname, opts->prefix, res);

cleanup:
    adbc_wipe(password);
    if (have_creds)
        krb5_free_cred_contents(ctx, &creds);
    gss_release_name(&junk, &target);
    gss_release_name(&junk, &cname);
    gss_release_cred(&junk, &icred);
    gss_release_cred(&junk, &acred);
    if (ctx != NULL) {
        if (cc != NULL)
            krb5_cc_destroy(ctx, cc);
        if (gopt != NULL)
            krb5_get_init_creds_opt_free(ctx, gopt);
        if (kt != NULL)
            krb5_kt_close(ctx, kt);
        krb5_free_unparsed_name(ctx, svcname);
        krb5_free_principal(ctx, client);
        krb5_free_principal(ctx, service);
        krb5_free_context(ctx);
    }
    free(uname);
    free(realm);
    return res->outcome;
}
