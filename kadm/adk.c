/* SPDX-License-Identifier: MIT */
/*
 * adk.c - the local KDC database through MIT's kadm5 server API (see
 * adk.h).
 */
#define _GNU_SOURCE 1 /* strndup */
#include "adk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kadm5/admin.h>

struct adk_db {
    krb5_context ctx;             /* kadm5_init_krb5_context: reads kdc.conf */
    void *handle;                 /* kadm5 server handle */
    char *realm;
};

/* Whether @d holds exactly the string @s. */
static bool data_is(const krb5_data *d, const char *s)
{
    size_t n = strlen(s);

    return d->length == n && (n == 0 || memcmp(d->data, s, n) == 0);
}

/* MIT's message for @code into @msg. */
static void set_msg(krb5_context ctx, krb5_error_code code, const char *what,
                    char *msg, size_t msglen)
{
    const char *m;

    if (msg == NULL || msglen == 0)
        return;
    m = krb5_get_error_message(ctx, code);
    snprintf(msg, msglen, "%s: %s", what, m != NULL ? m : "unknown error");
    krb5_free_error_message(ctx, m);
}

adb_err adk_open(const char *realm, adk_db **db_out, char *msg,
                 size_t msglen)
{
    kadm5_config_params params;
    adk_db *db = NULL;
    char *def = NULL;
    krb5_error_code ret;
    adb_err err = ADB_ERR_IO;

    if (msg != NULL && msglen > 0)
        msg[0] = '\0';
    if (db_out == NULL)
        return ADB_ERR_INVALID;
    *db_out = NULL;
    db = calloc(1, sizeof(*db));
    if (db == NULL)
        return ADB_ERR_NOMEM;
    ret = kadm5_init_krb5_context(&db->ctx);
    if (ret) {
        db->ctx = NULL;
        if (msg != NULL && msglen > 0)
            snprintf(msg, msglen, "cannot create a Kerberos context");
        goto cleanup;
    }
    if (realm == NULL) {
        ret = krb5_get_default_realm(db->ctx, &def);
        if (ret) {
            set_msg(db->ctx, ret, "no default realm", msg, msglen);
            goto cleanup;
        }
        realm = def;
    }
    db->realm = strdup(realm);
    if (db->realm == NULL) {
        err = ADB_ERR_NOMEM;
        goto cleanup;
    }
    memset(&params, 0, sizeof(params));
    params.mask = KADM5_CONFIG_REALM;
    params.realm = db->realm;
    /* as kadmin.local: the server library opens the database itself */
    ret = (krb5_error_code)kadm5_init_with_password(
        db->ctx, "root/admin", NULL, KADM5_ADMIN_SERVICE, &params,
        KADM5_STRUCT_VERSION, KADM5_API_VERSION_4, NULL, &db->handle);
    if (ret) {
        db->handle = NULL;
        set_msg(db->ctx, ret, "cannot open the KDC database", msg, msglen);
        goto cleanup;
    }
    *db_out = db;
    db = NULL;
    err = ADB_OK;

cleanup:
    if (def != NULL && db != NULL && db->ctx != NULL)
        krb5_free_default_realm(db->ctx, def);
    else if (def != NULL)
        free(def);
    adk_close(db);
    return err;
}

void adk_close(adk_db *db)
{
    if (db == NULL)
        return;
    if (db->handle != NULL)
        kadm5_destroy(db->handle);
    if (db->ctx != NULL)
        krb5_free_context(db->ctx);
    free(db->realm);
    free(db);
}

const char *adk_realm(const adk_db *db)
{
    return db != NULL ? db->realm : NULL;
}

bool adk_enctype_is_aes(krb5_enctype e)
{
    return e == ENCTYPE_AES128_CTS_HMAC_SHA1_96 ||
           e == ENCTYPE_AES256_CTS_HMAC_SHA1_96 ||
           e == ENCTYPE_AES128_CTS_HMAC_SHA256_128 ||
           e == ENCTYPE_AES256_CTS_HMAC_SHA384_192;
}

void adk_trust_princs_free(adk_trust_princ *list, size_t count)
{
    size_t i;

    if (list == NULL)
        return;
    for (i = 0; i < count; i++) {
        free(list[i].name);
        free(list[i].other_realm);
        free(list[i].keys);
    }
    free(list);
}

/* Fill @t from the principal @name if it is an inter-realm krbtgt of the
 * local realm; *@is_trust says whether it is.  Returns ADB_OK, ADB_ERR_IO,
 * ADB_ERR_NOMEM. */
static adb_err read_trust(adk_db *db, const char *name, adk_trust_princ *t,
                          bool *is_trust, char *msg, size_t msglen)
{
    krb5_principal p = NULL;
    kadm5_principal_ent_rec ent;
    const krb5_data *inst;
    size_t lr = strlen(db->realm), i;
    bool have_ent = false;
    krb5_error_code ret;
    adb_err err = ADB_ERR_IO;

    memset(&ent, 0, sizeof(ent));
    *is_trust = false;
    ret = krb5_parse_name(db->ctx, name, &p);
    if (ret) {
        set_msg(db->ctx, ret, name, msg, msglen);
        goto cleanup;
    }
    err = ADB_OK;
    if (p->length != 2 || !data_is(&p->data[0], KRB5_TGS_NAME))
        goto cleanup;
    inst = &p->data[1];
    if (inst->length == lr && memcmp(inst->data, db->realm, lr) == 0 &&
        !data_is(&p->realm, db->realm)) {
        t->inbound = true;        /* krbtgt/LOCAL@OTHER */
        t->other_realm = strndup(p->realm.data, p->realm.length);
    } else if (data_is(&p->realm, db->realm) &&
               !(inst->length == lr && memcmp(inst->data, db->realm,
                                              lr) == 0)) {
        t->inbound = false;       /* krbtgt/OTHER@LOCAL */
        t->other_realm = strndup(inst->data, inst->length);
    } else {
        goto cleanup;             /* krbtgt/LOCAL@LOCAL or unrelated */
    }
    err = ADB_ERR_NOMEM;
    t->name = strdup(name);
    if (t->other_realm == NULL || t->name == NULL)
        goto cleanup;
    ret = (krb5_error_code)kadm5_get_principal(
        db->handle, p, &ent, KADM5_PRINCIPAL_NORMAL_MASK | KADM5_KEY_DATA);
    if (ret) {
        set_msg(db->ctx, ret, name, msg, msglen);
        err = ADB_ERR_IO;
        goto cleanup;
    }
    have_ent = true;
    t->kvno = ent.kvno;
    if (ent.n_key_data > 0) {
        t->keys = calloc((size_t)ent.n_key_data, sizeof(*t->keys));
        if (t->keys == NULL)
            goto cleanup;
        for (i = 0; i < (size_t)ent.n_key_data; i++) {
            t->keys[i].enctype = ent.key_data[i].key_data_type[0];
            t->keys[i].kvno = ent.key_data[i].key_data_kvno;
        }
        t->key_count = (size_t)ent.n_key_data;
    }
    *is_trust = true;
    err = ADB_OK;

cleanup:
    if (have_ent)
        kadm5_free_principal_ent(db->handle, &ent);  /* wipes the keys */
    krb5_free_principal(db->ctx, p);
    return err;
}

static int cmp_trust(const void *a, const void *b)
{
    return strcmp(((const adk_trust_princ *)a)->name,
                  ((const adk_trust_princ *)b)->name);
}

adb_err adk_trust_principals(adk_db *db, adk_trust_princ **list_out,
                             size_t *count_out, char *msg, size_t msglen)
{
    char **names = NULL;
    int n = 0, i;
    adk_trust_princ *list = NULL;
    size_t k = 0;
    bool is_trust;
    krb5_error_code ret;
    adb_err err = ADB_ERR_IO;

    if (list_out == NULL || count_out == NULL || db == NULL)
        return ADB_ERR_INVALID;
    *list_out = NULL;
    *count_out = 0;
    ret = (krb5_error_code)kadm5_get_principals(db->handle, "krbtgt/*@*",
                                                &names, &n);
    if (ret) {
        set_msg(db->ctx, ret, "cannot list the krbtgt principals", msg,
                msglen);
        names = NULL;
        goto cleanup;
    }
    list = calloc((size_t)n + 1, sizeof(*list));
    if (list == NULL) {
        err = ADB_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        err = read_trust(db, names[i], &list[k], &is_trust, msg, msglen);
        if (err != ADB_OK) {
            k++;                  /* free what was filled */
            goto cleanup;
        }
        if (is_trust)
            k++;
    }
    qsort(list, k, sizeof(*list), cmp_trust);
    *list_out = list;
    *count_out = k;
    list = NULL;
    k = 0;
    err = ADB_OK;

cleanup:
    adk_trust_princs_free(list, k);
    if (names != NULL)
        kadm5_free_name_list(db->handle, names, n);
    return err;
}
