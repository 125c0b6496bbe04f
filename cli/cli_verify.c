/* SPDX-License-Identifier: MIT */
/*
 * cli_verify.c - the trust key check (see cli_verify.h).
 */
#define _GNU_SOURCE 1
#include "cli_verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <krb5/krb5.h>

#include "adk.h"
#include "cli.h"
#include "cli_secret.h"

struct cli_verify_session {
    krb5_context ctx;
    krb5_ccache cc;
    krb5_keytab kt;
    char cc_name[128];
    char kt_name[128];
    krb5_keytab_entry entry;      /* its one entry (principal, kvno, enctype) */
    bool have_entry;
};

const char *cli_verify_ccache_name(const cli_verify_session *s)
{
    return s->cc_name;
}

const char *cli_verify_keytab_name(const cli_verify_session *s)
{
    return s->kt_name;
}

void cli_verify_close(cli_verify_session *s)
{
    if (s == NULL)
        return;
    if (s->kt != NULL) {
        /* removing the entry frees (zeroes) the key; the last close
         * frees the MEMORY keytab */
        if (s->have_entry)
            krb5_kt_remove_entry(s->ctx, s->kt, &s->entry);
        krb5_kt_close(s->ctx, s->kt);
    }
    if (s->entry.principal != NULL)
        krb5_free_principal(s->ctx, s->entry.principal);
    if (s->cc != NULL)
        krb5_cc_destroy(s->ctx, s->cc);
    if (s->ctx != NULL)
        krb5_free_context(s->ctx);
    free(s);
}

static void set(cli_verify_result *r, const char *step, const char *cause,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void set(cli_verify_result *r, const char *step, const char *cause,
                const char *fmt, ...)
{
    va_list ap;

    snprintf(r->step, sizeof(r->step), "%s", step);
    snprintf(r->cause, sizeof(r->cause), "%s", cause != NULL ? cause : "");
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
}

static const char *kmsg(krb5_context ctx, krb5_error_code code, char *buf,
                        size_t size)
{
    const char *m = krb5_get_error_message(ctx, code);

    snprintf(buf, size, "%s", m != NULL ? m : "unknown error");
    krb5_free_error_message(ctx, m);
    return buf;
}

/* The user's TGT into @s->cc. */
static int user_tgt(cli_verify_session *s, const char *user,
                    const char *pwfile, const char *ccache,
                    cli_verify_result *r)
{
    krb5_principal client = NULL;
    krb5_get_init_creds_opt *opt = NULL;
    krb5_creds creds;
    krb5_ccache in = NULL;
    char *pw = NULL, m[256], cause[512];
    krb5_error_code ret;
    int status = -1;

    memset(&creds, 0, sizeof(creds));
    if (ccache != NULL) {
        ret = krb5_cc_resolve(s->ctx, ccache, &in);
        if (!ret)
            ret = krb5_cc_get_principal(s->ctx, in, &client);
        if (!ret)
            ret = krb5_cc_initialize(s->ctx, s->cc, client);
        if (!ret)
            ret = krb5_cc_copy_creds(s->ctx, in, s->cc);
        if (ret) {
            set(r, "user-tgt", "give a ccache holding the user's TGT from AD"
                " (kinit USER@AD)", "cannot use ccache %s: %s", ccache,
                kmsg(s->ctx, ret, m, sizeof(m)));
            goto cleanup;
        }
        krb5_free_principal(s->ctx, client);
        client = NULL;
        status = 0;
        goto cleanup;
    }
    ret = krb5_parse_name(s->ctx, user, &client);
    if (ret) {
        set(r, "user-tgt", "give the user as USER@AD.REALM", "bad user %s: %s",
            user, kmsg(s->ctx, ret, m, sizeof(m)));
        goto cleanup;
    }
    if (cli_secret_read_file(pwfile, &pw) != 0) {
        set(r, "user-tgt", "give a readable --password-file", "cannot read"
            " the user's password file %s", pwfile);
        goto cleanup;
    }
    ret = krb5_get_init_creds_opt_alloc(s->ctx, &opt);
    if (!ret)
        ret = krb5_get_init_creds_opt_set_out_ccache(s->ctx, opt, s->cc);
    if (!ret)
        ret = krb5_get_init_creds_password(s->ctx, &creds, client, pw, NULL,
                                           NULL, 0, NULL, opt);
    if (ret) {
        snprintf(cause, sizeof(cause), "%s",
                 ret == KRB5KDC_ERR_PREAUTH_FAILED ||
                 ret == KRB5KRB_AP_ERR_BAD_INTEGRITY
                 ? "the user's password is wrong (this is the user's, not"
                   " the trust's)"
                 : ret == KRB5_KDC_UNREACH
                 ? "AD's KDC is unreachable: check the AD realm in"
                   " krb5.conf [realms] or DNS"
                 : ret == KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN
                 ? "no such user in AD"
                 : ret == KRB5KRB_AP_ERR_SKEW
                 ? "the clocks differ: fix the time (NTP)"
                 : "see the message");
        set(r, "user-tgt", cause, "no TGT for %s from AD: %s", user,
            kmsg(s->ctx, ret, m, sizeof(m)));
        goto cleanup;
    }
    status = 0;

cleanup:
    cli_secret_free(pw);
    krb5_free_cred_contents(s->ctx, &creds);
    krb5_get_init_creds_opt_free(s->ctx, opt);
    krb5_free_principal(s->ctx, client);
    if (in != NULL)
        krb5_cc_close(s->ctx, in);
    return status;
}

int cli_verify_run(const conf_config *cfg, const char *realm,
                   const char *user, const char *pwfile, const char *ccache,
                   cli_verify_result *r, cli_verify_session **session)
{
    cli_verify_session *s = NULL;
    krb5_principal client = NULL, server = NULL;
    krb5_creds in, *out = NULL;
    krb5_ticket *tkt = NULL;
    krb5_keyblock key;
    krb5_keytab_entry ent;
    adk_db *db = NULL;
    adk_trust_princ *list = NULL;
    size_t count = 0, i;
    char m[512], cause[1024], *cname = NULL, ets[480];
    bool have_key = false, has_et = false, princ_found = false;
    unsigned int got_kvno = 0;
    krb5_context ctx;
    krb5_error_code ret;
    adb_err err;
    int status = -1;

    memset(r, 0, sizeof(*r));
    memset(&in, 0, sizeof(in));
    memset(&key, 0, sizeof(key));
    memset(&ent, 0, sizeof(ent));
    r->kvno = -1;
    if (session != NULL)
        *session = NULL;
    snprintf(r->ticket, sizeof(r->ticket), "krbtgt/%s@%s", cfg->local_realm,
             realm);
    s = calloc(1, sizeof(*s));
    if (s == NULL || krb5_init_context(&s->ctx) != 0) {
        cli_error("cannot create a Kerberos context");
        goto cleanup;
    }
    if (krb5_cc_new_unique(s->ctx, "MEMORY", NULL, &s->cc) != 0) {
        cli_error("cannot create a memory ccache");
        goto cleanup;
    }
    snprintf(s->cc_name, sizeof(s->cc_name), "MEMORY:%s",
             krb5_cc_get_name(s->ctx, s->cc));
    status = 0;

    /* 1. the user's TGT */
    if (user_tgt(s, user, pwfile, ccache, r) != 0)
        goto cleanup;
    if (krb5_cc_get_principal(s->ctx, s->cc, &client) != 0 ||
        krb5_unparse_name(s->ctx, client, &cname) != 0) {
        set(r, "user-tgt", NULL, "the ccache has no client principal");
        goto cleanup;
    }
    snprintf(r->client, sizeof(r->client), "%s", cname);

    /* 2. AD's cross-realm TGT for the local realm */
    ret = krb5_parse_name(s->ctx, r->ticket, &server);
    if (ret) {
        set(r, "cross-tgt", NULL, "bad principal %s", r->ticket);
        goto cleanup;
    }
    in.client = client;
    in.server = server;
    ret = krb5_get_credentials(s->ctx, 0, s->cc, &in, &out);
    if (ret) {
        snprintf(cause, sizeof(cause), "%s",
                 ret == KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN
                 ? "AD has no trust for the local realm (the principal is"
                   " missing on AD's side): run the netdom trust command"
                   " `" CLI_PROGRAM " trust add` printed"
                 : ret == KRB5KDC_ERR_ETYPE_NOSUPP
                 ? "AD has no key of an enctype we accept for the trust:"
                   " run the ksetup /SetEncTypeAttr command"
                 : "see the message");
        set(r, "cross-tgt", cause, "AD gave no cross-realm TGT %s: %s",
            r->ticket, kmsg(s->ctx, ret, m, sizeof(m)));
        goto cleanup;
    }
    ret = krb5_decode_ticket(&out->ticket, &tkt);
    if (ret) {
        set(r, "cross-tgt", NULL, "AD's cross-realm TGT does not decode: %s",
            kmsg(s->ctx, ret, m, sizeof(m)));
        goto cleanup;
    }
    if (krb5_enctype_to_name(tkt->enc_part.enctype, FALSE, r->enctype,
                             sizeof(r->enctype)) != 0)
        snprintf(r->enctype, sizeof(r->enctype), "enctype %d",
                 (int)tkt->enc_part.enctype);
    r->kvno = (int)tkt->enc_part.kvno;

    /* 3. the local key */
    if (adk_open(cfg->local_realm, &db, m, sizeof(m)) != ADB_OK) {
        set(r, "local-key", "run as root on the KDC host", "%s", m);
        goto cleanup;
    }
    if (adk_trust_principals(db, &list, &count, m, sizeof(m)) != ADB_OK) {
        set(r, "local-key", NULL, "%s", m);
        goto cleanup;
    }
    ets[0] = '\0';
    for (i = 0; i < count; i++) {
        size_t k;

        if (strcmp(list[i].name, r->ticket) != 0)
            continue;
        princ_found = true;
        for (k = 0; k < list[i].key_count; k++) {
            char en[64];
            size_t l = strlen(ets);

            if (list[i].keys[k].enctype == tkt->enc_part.enctype)
                has_et = true;
            if (krb5_enctype_to_name(list[i].keys[k].enctype, FALSE, en,
                                     sizeof(en)) != 0)
                snprintf(en, sizeof(en), "%d",
                         (int)list[i].keys[k].enctype);
            snprintf(ets + l, sizeof(ets) - l, "%s%s/%u", l > 0 ? " " : "",
                     en, list[i].keys[k].kvno);
        }
    }
    if (!princ_found) {
        set(r, "local-key", "the principal is missing on the MIT side: run `"
            CLI_PROGRAM " trust add` (or --replace)", "%s is not in the KDC"
            " database of %s", r->ticket, cfg->local_realm);
        goto cleanup;
    }
    if (!has_et) {
        snprintf(cause, sizeof(cause), "enctype mismatch: AD encrypts with"
                 " %s, the MIT principal has %s; run ksetup /SetEncTypeAttr"
                 " on AD, or re-create the MIT side with --enctypes",
                 r->enctype, ets);
        set(r, "local-key", cause, "no local key of AD's enctype %s",
            r->enctype);
        goto cleanup;
    }
    err = adk_get_key(db, r->ticket, tkt->enc_part.enctype,
                      tkt->enc_part.kvno, &key, &got_kvno, m, sizeof(m));
    if (err == ADB_ERR_NOT_FOUND) {
        snprintf(cause, sizeof(cause), "kvno mismatch: AD's ticket has kvno"
                 " %d, the MIT principal has %s", r->kvno, ets);
        set(r, "local-key", cause, "no local key of kvno %d", r->kvno);
        goto cleanup;
    }
    if (err != ADB_OK) {
        set(r, "local-key", NULL, "%s", m);
        goto cleanup;
    }
    have_key = true;

    /* 4. decrypt, with the key in a private MEMORY keytab (explain reads
     * the same one) */
    snprintf(s->kt_name, sizeof(s->kt_name), "MEMORY:adbridge-verify-%p",
             (void *)s);
    ret = krb5_kt_resolve(s->ctx, s->kt_name, &s->kt);
    if (!ret) {
        ent.principal = server;
        ent.vno = tkt->enc_part.kvno;
        ent.key = key;
        ret = krb5_kt_add_entry(s->ctx, s->kt, &ent);
    }
    if (ret) {
        cli_error("cannot create a memory keytab: %s",
                  kmsg(s->ctx, ret, m, sizeof(m)));
        status = -1;
        goto cleanup;
    }
    if (krb5_copy_principal(s->ctx, server, &s->entry.principal) == 0) {
        s->entry.vno = tkt->enc_part.kvno;
        s->entry.key.enctype = key.enctype;
        s->have_entry = true;
    }
    ret = krb5_server_decrypt_ticket_keytab(s->ctx, s->kt, tkt);
    if (ret) {
        set(r, "decrypt", "the keys differ: the trust password is not the"
            " same on both sides (or AD uses another salt); set the same"
            " password on both (netdom /passwordt: and `" CLI_PROGRAM
            " trust add --replace`)",
            "AD's cross-realm TGT (%s, kvno %d) does not decrypt with the"
            " local key (kvno %u) (MIT: %s)", r->enctype, r->kvno, got_kvno,
            kmsg(s->ctx, ret, m, sizeof(m)));
        goto cleanup;
    }
    set(r, "ok", NULL, "AD's cross-realm TGT %s (%s, kvno %d) decrypts with"
        " the local key (kvno %u): both sides hold the same key", r->ticket,
        r->enctype, r->kvno, got_kvno);
    r->ok = true;
    if (session != NULL) {
        *session = s;
        s = NULL;
    }

cleanup:
    ctx = s != NULL ? s->ctx : session != NULL && *session != NULL
                                   ? (*session)->ctx : NULL;
    if (ctx != NULL) {
        if (have_key)
            krb5_free_keyblock_contents(ctx, &key);   /* zeroes it */
        krb5_free_ticket(ctx, tkt);
        krb5_free_creds(ctx, out);
        krb5_free_unparsed_name(ctx, cname);
        krb5_free_principal(ctx, server);
        krb5_free_principal(ctx, client);
    }
    adk_trust_princs_free(list, count);
    adk_close(db);
    cli_verify_close(s);
    return status;
}
