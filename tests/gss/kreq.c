/* SPDX-License-Identifier: MIT */
/*
 * kreq.c - hand-made Kerberos requests for the attack tests of the KDC
 * module (tests/e2e/test_bypass.sh), made with MIT's libkrb5 the way a
 * client could make them; kinit and kvno cannot.
 *
 *   kreq as [--no-pac] [--service PRINC] CLIENT PASSWORD_FILE OUT_CCACHE
 *       An AS request for CLIENT (default service: its realm's krbtgt),
 *       optionally with PA-PAC-REQUEST include-pac=false; the reply is
 *       stored in OUT_CCACHE (created anew).
 *
 *   kreq tgs [--authdata nested|bare PAC_FILE] IN_CCACHE SERVER OUT_CCACHE
 *       A TGS request for SERVER with the tickets of IN_CCACHE.  With
 *       --authdata, the request's enc-authorization-data holds the bytes of
 *       PAC_FILE as an AD-WIN2K-PAC element either nested two
 *       AD-IF-RELEVANT containers deep ("nested") or at the top level
 *       ("bare") - places where MIT's KDC does not read a PAC.  The new
 *       ticket alone is stored in OUT_CCACHE (created anew), so that the
 *       next request made with OUT_CCACHE uses it.
 *
 *   kreq via IN_CCACHE SERVER OUT_CCACHE
 *       A TGS request for SERVER made with the first TGT in IN_CCACHE as it
 *       is (krb5_get_cred_via_tkt), whatever its client realm: a forged
 *       cross-realm TGT whose client is of a realm the library would not
 *       route through it.  The reply alone goes to OUT_CCACHE.
 *
 *   kreq renew CCACHE SERVER
 *       Renew the ticket for SERVER held in CCACHE at SERVER's realm's KDC
 *       (krb5_get_credentials_renew; kinit -R -S would look for SERVER in
 *       the client's realm); CCACHE then holds the renewed ticket alone.
 *
 * Exit 0 on success, 2 when the KDC refuses (its message on stderr), 1 on
 * any other error.  Passwords are read from a file and wiped after use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <krb5/krb5.h>

#define KREQ_MAX_FILE (64 * 1024)

/* Exported by libkrb5.so.3 but declared only in MIT's private k5-int.h. */
krb5_error_code krb5_get_cred_via_tkt(krb5_context, krb5_creds *, krb5_flags,
                                      krb5_address *const *, krb5_creds *,
                                      krb5_creds **);

static int fail(krb5_context ctx, krb5_error_code code, const char *what)
{
    const char *msg = krb5_get_error_message(ctx, code);

    fprintf(stderr, "kreq: %s: %s\n", what, msg);
    krb5_free_error_message(ctx, msg);
    /* an error the KDC sent us: the refusal the tests look for */
    return (code > KRB5KDC_ERR_NONE && code <= KRB5_ERR_RCSID) ? 2 : 1;
}

/* The bytes of @path (at most KREQ_MAX_FILE), NUL-terminated; NULL on
 * error. */
static char *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;

    if (f == NULL)
        return NULL;
    buf = malloc(KREQ_MAX_FILE + 1);
    if (buf != NULL) {
        n = fread(buf, 1, KREQ_MAX_FILE + 1, f);
        if (n > KREQ_MAX_FILE || ferror(f)) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = '\0';
        }
    }
    fclose(f);
    *len_out = n;
    return buf;
}

static int store(krb5_context ctx, const char *ccname, krb5_creds *creds)
{
    krb5_ccache cc = NULL;
    krb5_error_code ret;

    ret = krb5_cc_resolve(ctx, ccname, &cc);
    if (!ret)
        ret = krb5_cc_initialize(ctx, cc, creds->client);
    if (!ret)
        ret = krb5_cc_store_cred(ctx, cc, creds);
    if (cc != NULL)
        krb5_cc_close(ctx, cc);
    return ret ? fail(ctx, ret, "storing the ticket") : 0;
}

static int do_as(krb5_context ctx, int argc, char **argv)
{
    krb5_get_init_creds_opt *opt = NULL;
    krb5_principal client = NULL;
    krb5_creds creds;
    const char *service = NULL;
    char *pw = NULL, *nl;
    size_t pwlen = 0;
    int i, nopac = 0, rc = 1;
    krb5_error_code ret;

    memset(&creds, 0, sizeof(creds));
    for (i = 0; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--no-pac") == 0)
            nopac = 1;
        else if (strcmp(argv[i], "--service") == 0 && i + 1 < argc)
            service = argv[++i];
        else
            goto usage;
    }
    if (argc - i != 3)
        goto usage;
    pw = read_file(argv[i + 1], &pwlen);
    if (pw == NULL) {
        fprintf(stderr, "kreq: cannot read %s\n", argv[i + 1]);
        goto cleanup;
    }
    nl = strchr(pw, '\n');
    if (nl != NULL)
        *nl = '\0';
    ret = krb5_parse_name(ctx, argv[i], &client);
    if (!ret)
        ret = krb5_get_init_creds_opt_alloc(ctx, &opt);
    if (!ret && nopac)
        ret = krb5_get_init_creds_opt_set_pac_request(ctx, opt, FALSE);
    if (ret) {
        rc = fail(ctx, ret, "setting up the request");
        goto cleanup;
    }
    ret = krb5_get_init_creds_password(ctx, &creds, client, pw, NULL, NULL,
                                       0, service, opt);
    if (ret) {
        rc = fail(ctx, ret, "AS request");
        goto cleanup;
    }
    rc = store(ctx, argv[i + 2], &creds);
    goto cleanup;

usage:
    fprintf(stderr, "usage: kreq as [--no-pac] [--service PRINC] CLIENT "
                    "PASSWORD_FILE OUT_CCACHE\n");
cleanup:
    if (pw != NULL) {
        explicit_bzero(pw, pwlen);
        free(pw);
    }
    krb5_free_cred_contents(ctx, &creds);
    krb5_get_init_creds_opt_free(ctx, opt);
    krb5_free_principal(ctx, client);
    return rc;
}

/* @inner wrapped in an AD-IF-RELEVANT container: a one-element list, free
 * it with krb5_free_authdata(). */
static krb5_error_code wrap(krb5_context ctx, krb5_authdata *inner,
                            krb5_authdata ***out)
{
    krb5_authdata *list[2] = { inner, NULL };

    return krb5_encode_authdata_container(ctx, KRB5_AUTHDATA_IF_RELEVANT,
                                          list, out);
}

static int do_tgs(krb5_context ctx, int argc, char **argv)
{
    krb5_ccache in = NULL;
    krb5_creds creds, *out = NULL;
    krb5_authdata pac, **mid = NULL, **outer = NULL;
    krb5_authdata *list[2] = { NULL, NULL };
    const char *mode = NULL, *pacfile = NULL;
    char *bytes = NULL;
    size_t len = 0;
    int i, rc = 1;
    krb5_error_code ret;

    memset(&creds, 0, sizeof(creds));
    for (i = 0; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--authdata") == 0 && i + 2 < argc) {
            mode = argv[++i];
            pacfile = argv[++i];
        } else {
            goto usage;
        }
    }
    if (argc - i != 3 || (mode != NULL && strcmp(mode, "nested") != 0 &&
                          strcmp(mode, "bare") != 0))
        goto usage;
    ret = krb5_cc_resolve(ctx, argv[i], &in);
    if (!ret)
        ret = krb5_cc_get_principal(ctx, in, &creds.client);
    if (!ret)
        ret = krb5_parse_name(ctx, argv[i + 1], &creds.server);
    if (ret) {
        rc = fail(ctx, ret, "reading the request's names");
        goto cleanup;
    }
    if (mode != NULL) {
        bytes = read_file(pacfile, &len);
        if (bytes == NULL || len == 0) {
            fprintf(stderr, "kreq: cannot read %s\n", pacfile);
            goto cleanup;
        }
        pac.magic = KV5M_AUTHDATA;
        pac.ad_type = KRB5_AUTHDATA_WIN2K_PAC;
        pac.length = (unsigned int)len;
        pac.contents = (krb5_octet *)bytes;
        if (strcmp(mode, "nested") == 0) {
            ret = wrap(ctx, &pac, &mid);
            if (!ret)
                ret = wrap(ctx, mid[0], &outer);
            if (ret) {
                rc = fail(ctx, ret, "encoding the authorization data");
                goto cleanup;
            }
            list[0] = outer[0];
        } else {
            list[0] = &pac;
        }
        creds.authdata = list;
    }
    ret = krb5_get_credentials(ctx, 0, in, &creds, &out);
    creds.authdata = NULL;
    if (ret) {
        rc = fail(ctx, ret, "TGS request");
        goto cleanup;
    }
    rc = store(ctx, argv[i + 2], out);
    goto cleanup;

usage:
    fprintf(stderr, "usage: kreq tgs [--authdata nested|bare PAC_FILE] "
                    "IN_CCACHE SERVER OUT_CCACHE\n");
cleanup:
    krb5_free_creds(ctx, out);
    krb5_free_cred_contents(ctx, &creds);
    krb5_free_authdata(ctx, mid);
    krb5_free_authdata(ctx, outer);
    free(bytes);
    if (in != NULL)
        krb5_cc_close(ctx, in);
    return rc;
}

static int do_via(krb5_context ctx, int argc, char **argv)
{
    krb5_ccache in = NULL;
    krb5_cc_cursor cur = NULL;
    krb5_creds tgt, creds, *out = NULL;
    krb5_error_code ret;
    int rc = 1, have = 0;

    memset(&tgt, 0, sizeof(tgt));
    memset(&creds, 0, sizeof(creds));
    if (argc != 3) {
        fprintf(stderr, "usage: kreq via IN_CCACHE SERVER OUT_CCACHE\n");
        return 1;
    }
    ret = krb5_cc_resolve(ctx, argv[0], &in);
    if (!ret)
        ret = krb5_cc_start_seq_get(ctx, in, &cur);
    while (!ret && !have) {
        ret = krb5_cc_next_cred(ctx, in, &cur, &tgt);
        if (ret)
            break;
        if (tgt.server->length == 2 &&
            tgt.server->data[0].length == KRB5_TGS_NAME_SIZE &&
            memcmp(tgt.server->data[0].data, KRB5_TGS_NAME,
                   KRB5_TGS_NAME_SIZE) == 0)
            have = 1;
        else
            krb5_free_cred_contents(ctx, &tgt);
    }
    if (cur != NULL)
        krb5_cc_end_seq_get(ctx, in, &cur);
    if (!have) {
        rc = fail(ctx, ret ? ret : KRB5_CC_NOTFOUND, "finding a TGT");
        goto cleanup;
    }
    ret = krb5_copy_principal(ctx, tgt.client, &creds.client);
    if (!ret)
        ret = krb5_parse_name(ctx, argv[1], &creds.server);
    if (!ret)
        ret = krb5_get_cred_via_tkt(ctx, &tgt, 0, NULL, &creds, &out);
    if (ret) {
        rc = fail(ctx, ret, "TGS request");
        goto cleanup;
    }
    rc = store(ctx, argv[2], out);

cleanup:
    krb5_free_creds(ctx, out);
    krb5_free_cred_contents(ctx, &creds);
    if (have)
        krb5_free_cred_contents(ctx, &tgt);
    if (in != NULL)
        krb5_cc_close(ctx, in);
    return rc;
}

static int do_renew(krb5_context ctx, int argc, char **argv)
{
    krb5_ccache cc = NULL;
    krb5_creds creds, *out = NULL;
    krb5_error_code ret;
    int rc = 1;

    memset(&creds, 0, sizeof(creds));
    if (argc != 2) {
        fprintf(stderr, "usage: kreq renew CCACHE SERVER\n");
        return 1;
    }
    ret = krb5_cc_resolve(ctx, argv[0], &cc);
    if (!ret)
        ret = krb5_cc_get_principal(ctx, cc, &creds.client);
    if (!ret)
        ret = krb5_parse_name(ctx, argv[1], &creds.server);
    if (ret) {
        rc = fail(ctx, ret, "reading the request's names");
        goto cleanup;
    }
    ret = krb5_get_credentials_renew(ctx, 0, cc, &creds, &out);
    rc = ret ? fail(ctx, ret, "renewal") : 0;

cleanup:
    krb5_free_creds(ctx, out);
    krb5_free_cred_contents(ctx, &creds);
    if (cc != NULL)
        krb5_cc_close(ctx, cc);
    return rc;
}

int main(int argc, char **argv)
{
    krb5_context ctx = NULL;
    krb5_error_code ret;
    int rc = 1;

    ret = krb5_init_context(&ctx);
    if (ret) {
        fprintf(stderr, "kreq: cannot create a krb5 context\n");
        return 1;
    }
    if (argc >= 2 && strcmp(argv[1], "as") == 0)
        rc = do_as(ctx, argc - 2, argv + 2);
    else if (argc >= 2 && strcmp(argv[1], "tgs") == 0)
        rc = do_tgs(ctx, argc - 2, argv + 2);
    else if (argc >= 2 && strcmp(argv[1], "via") == 0)
        rc = do_via(ctx, argc - 2, argv + 2);
    else if (argc >= 2 && strcmp(argv[1], "renew") == 0)
        rc = do_renew(ctx, argc - 2, argv + 2);
    else
        fprintf(stderr, "usage: kreq as ... | kreq tgs ... | kreq renew ...\n");
    krb5_free_context(ctx);
    return rc;
}
