/* SPDX-License-Identifier: MIT */
/* adl_creds.c - Kerberos credentials for the SASL/GSSAPI bind: a TGT got
 * with a password or a keytab into a private MEMORY ccache, or a ccache
 * the caller already has. */
#include "adl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <krb5.h>

struct adl_creds {
    krb5_context ctx;
    krb5_ccache cc;
    bool owned;          /* our MEMORY ccache: destroyed with the creds */
    char *cc_name;       /* "MEMORY:..." / "FILE:..." (malloc) */
    char *principal;     /* unparsed client (malloc) */
};

/* Which adb_err a krb5 code of an AS exchange or ccache access is. */
static adb_err krb5_status(krb5_error_code code)
{
    switch (code) {
    case 0:
        return ADB_OK;
    case ENOMEM:
        return ADB_ERR_NOMEM;
    case KRB5KDC_ERR_PREAUTH_FAILED:
    case KRB5KRB_AP_ERR_BAD_INTEGRITY:
    case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
    case KRB5KDC_ERR_CLIENT_REVOKED:
    case KRB5KDC_ERR_KEY_EXP:
    case KRB5KDC_ERR_POLICY:
    case KRB5_PREAUTH_FAILED:
    case KRB5_KT_NOTFOUND:
        return ADB_ERR_AUTH;
    case KRB5_KDC_UNREACH:
    case KRB5_REALM_CANT_RESOLVE:
    case KRB5_REALM_UNKNOWN:
        return ADB_ERR_UNREACHABLE;
    case ENOENT:                    /* no such keytab file */
    case KRB5_FCC_NOFILE:
    case KRB5_CC_NOTFOUND:
        return ADB_ERR_NOT_FOUND;
    default:
        return ADB_ERR_KRB5;
    }
}

/* Describe @code as "@what: <krb5 message>" in @msg; return its adb_err. */
static adb_err krb5_fail(adl_msg *msg, krb5_context ctx, krb5_error_code code,
                         const char *what, const char *name)
{
    const char *m = ctx != NULL ? krb5_get_error_message(ctx, code) : NULL;

    adl_msg_set(msg, krb5_status(code), "%s %s: %s", what, name,
                m != NULL ? m : "Kerberos error");
    if (m != NULL)
        krb5_free_error_message(ctx, m);
    return krb5_status(code);
}

void adl_creds_free(adl_creds *creds)
{
    if (creds == NULL)
        return;
    if (creds->cc != NULL) {
        if (creds->owned)
            krb5_cc_destroy(creds->ctx, creds->cc);
        else
            krb5_cc_close(creds->ctx, creds->cc);
    }
    if (creds->ctx != NULL)
        krb5_free_context(creds->ctx);
    free(creds->cc_name);
    free(creds->principal);
    free(creds);
}

const char *adl_creds_principal(const adl_creds *creds)
{
    return creds != NULL ? creds->principal : NULL;
}

/* Fill in cc_name and principal of @c from its ccache. */
static adb_err creds_names(adl_creds *c, adl_msg *msg)
{
    krb5_principal client = NULL;
    char *full = NULL, *unparsed = NULL;
    krb5_error_code code;
    adb_err ret = ADB_OK;

    code = krb5_cc_get_full_name(c->ctx, c->cc, &full);
    if (!code)
        code = krb5_cc_get_principal(c->ctx, c->cc, &client);
    if (!code)
        code = krb5_unparse_name(c->ctx, client, &unparsed);
    if (code) {
        ret = krb5_fail(msg, c->ctx, code, "cannot read the ccache",
                        full != NULL ? full : "");
        goto cleanup;
    }
    c->cc_name = strdup(full);
    c->principal = strdup(unparsed);
    if (c->cc_name == NULL || c->principal == NULL)
        ret = adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");

cleanup:
    krb5_free_unparsed_name(c->ctx, unparsed);
    krb5_free_principal(c->ctx, client);
    krb5_free_string(c->ctx, full);
    return ret;
}

/* A new adl_creds with a context and, if @memory, a fresh MEMORY ccache. */
static adb_err creds_new(bool memory, adl_creds **out, adl_msg *msg)
{
    adl_creds *c;
    krb5_error_code code;

    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return adl_msg_set(msg, ADB_ERR_NOMEM, "out of memory");
    code = krb5_init_context(&c->ctx);
    if (code) {
        c->ctx = NULL;
        adl_creds_free(c);
        return adl_msg_set(msg, krb5_status(code) == ADB_ERR_NOMEM ?
                           ADB_ERR_NOMEM : ADB_ERR_KRB5,
                           "cannot initialise Kerberos (krb5.conf?)");
    }
    if (memory) {
        code = krb5_cc_new_unique(c->ctx, "MEMORY", NULL, &c->cc);
        if (code) {
            c->cc = NULL;
            krb5_fail(msg, c->ctx, code, "cannot create a MEMORY ccache", "");
            adl_creds_free(c);
            return krb5_status(code);
        }
        c->owned = true;
    }
    *out = c;
    return ADB_OK;
}

/* The AS exchange shared by the password and keytab forms; @password or
 * @kt_name is NULL. */
static adb_err get_tgt(const char *principal, const char *password,
                       const char *kt_name, adl_creds **out, adl_msg *msg)
{
    adl_creds *c = NULL;
    krb5_context ctx = NULL;
    krb5_principal client = NULL;
    krb5_get_init_creds_opt *opt = NULL;
    krb5_keytab kt = NULL;
    krb5_creds creds;
    krb5_error_code code;
    adb_err ret;

    memset(&creds, 0, sizeof(creds));
    ret = creds_new(true, &c, msg);
    if (ret)
        goto cleanup;
    ctx = c->ctx;     /* lives in c, then in *out */
    code = krb5_parse_name(ctx, principal, &client);
    if (code) {
        ret = krb5_fail(msg, c->ctx, code, "bad principal name", principal);
        if (ret == ADB_ERR_KRB5)
            ret = ADB_ERR_INVALID;
        goto cleanup;
    }
    code = krb5_get_init_creds_opt_alloc(c->ctx, &opt);
    if (!code)
        code = krb5_get_init_creds_opt_set_out_ccache(ctx, opt, c->cc);
    if (!code && kt_name != NULL)
        code = krb5_kt_resolve(c->ctx, kt_name, &kt);
    if (code) {
        ret = krb5_fail(msg, c->ctx, code, "cannot prepare a Kerberos login "
                        "for", principal);
        goto cleanup;
    }
    krb5_get_init_creds_opt_set_forwardable(opt, 0);
    krb5_get_init_creds_opt_set_proxiable(opt, 0);
    if (password != NULL)
        code = krb5_get_init_creds_password(c->ctx, &creds, client, password,
                                            NULL, NULL, 0, NULL, opt);
    else
        code = krb5_get_init_creds_keytab(c->ctx, &creds, client, kt, 0,
                                          NULL, opt);
    if (code) {
        ret = krb5_fail(msg, c->ctx, code, password != NULL ?
                        "Kerberos login with a password failed for" :
                        "Kerberos login with a keytab failed for", principal);
        goto cleanup;
    }
    ret = creds_names(c, msg);
    if (ret)
        goto cleanup;
    *out = c;
    c = NULL;

cleanup:
    if (ctx != NULL) {
        krb5_free_cred_contents(ctx, &creds);
        if (kt != NULL)
            krb5_kt_close(ctx, kt);
        if (opt != NULL)
            krb5_get_init_creds_opt_free(ctx, opt);
        krb5_free_principal(ctx, client);
    }
    adl_creds_free(c);    /* on failure; frees ctx last */
    return ret;
}

adb_err adl_creds_from_password(const char *principal, char *password,
                                adl_creds **out, adl_msg *msg)
{
    adb_err ret;

    adl_msg_clear(msg);
    if (out != NULL)
        *out = NULL;
    if (principal == NULL || password == NULL || out == NULL) {
        ret = adl_msg_set(msg, ADB_ERR_INVALID, "missing principal or password");
    } else if (password[0] == '\0') {
        ret = adl_msg_set(msg, ADB_ERR_INVALID, "empty password for %s",
                          principal);
    } else {
        ret = get_tgt(principal, password, NULL, out, msg);
    }
    if (password != NULL)
        explicit_bzero(password, strlen(password));
    return ret;
}

adb_err adl_creds_from_keytab(const char *principal, const char *keytab,
                              adl_creds **out, adl_msg *msg)
{
    adl_msg_clear(msg);
    if (out != NULL)
        *out = NULL;
    if (principal == NULL || keytab == NULL || out == NULL)
        return adl_msg_set(msg, ADB_ERR_INVALID, "missing principal or keytab");
    return get_tgt(principal, NULL, keytab, out, msg);
}

adb_err adl_creds_from_ccache(const char *name, adl_creds **out, adl_msg *msg)
{
    adl_creds *c = NULL;
    krb5_error_code code;
    adb_err ret;

    adl_msg_clear(msg);
    if (out == NULL)
        return adl_msg_set(msg, ADB_ERR_INVALID, "missing output");
    *out = NULL;
    ret = creds_new(false, &c, msg);
    if (ret)
        return ret;
    code = name != NULL ? krb5_cc_resolve(c->ctx, name, &c->cc)
                        : krb5_cc_default(c->ctx, &c->cc);
    if (code) {
        c->cc = NULL;
        ret = krb5_fail(msg, c->ctx, code, "cannot open the ccache",
                        name != NULL ? name : "(default)");
        goto cleanup;
    }
    ret = creds_names(c, msg);
    if (ret)
        goto cleanup;
    *out = c;
    c = NULL;

cleanup:
    adl_creds_free(c);
    return ret;
}

const char *adl_creds_ccache_name(const adl_creds *creds)
{
    return creds->cc_name;
}
