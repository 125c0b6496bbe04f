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
#include <profile.h>

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

/* The one realm of kdc.conf ($KRB5_KDC_PROFILE, else
 * /etc/krb5kdc/kdc.conf), or NULL if it has none or several (malloc). */
static char *kdc_conf_realm(void)
{
    const char *path = getenv("KRB5_KDC_PROFILE");
    const char *files[2] = { NULL, NULL };
    const char *sect[2] = { "realms", NULL };
    profile_t prof = NULL;
    char **names = NULL, *out = NULL;

    files[0] = path != NULL && *path != '\0' ? path
                                             : "/etc/krb5kdc/kdc.conf";
    if (profile_init_path(files[0], &prof) != 0)
        return NULL;
    (void)files;
    if (profile_get_subsection_names(prof, sect, &names) == 0 &&
        names != NULL && names[0] != NULL && names[1] == NULL)
        out = strdup(names[0]);
    profile_free_list(names);
    profile_release(prof);
    return out;
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
    if (realm == NULL)
        realm = def = kdc_conf_realm();
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

/* ------------------------------------------------------------ writes -- */

krb5_context adk_context(adk_db *db)
{
    return db != NULL ? db->ctx : NULL;
}

/* Parse @name into *@p; @msg on failure. */
static adb_err parse_princ(adk_db *db, const char *name, krb5_principal *p,
                           char *msg, size_t msglen)
{
    krb5_error_code ret;

    *p = NULL;
    if (db == NULL || name == NULL)
        return ADB_ERR_INVALID;
    ret = krb5_parse_name(db->ctx, name, p);
    if (ret) {
        *p = NULL;
        set_msg(db->ctx, ret, name, msg, msglen);
        return ADB_ERR_IO;
    }
    return ADB_OK;
}

/* The key/salt tuples for @etypes (normal salt) into @ks (at most 8). */
static adb_err ks_tuples(const krb5_enctype *etypes, size_t n,
                         krb5_key_salt_tuple *ks)
{
    size_t i;

    if (etypes == NULL || n == 0 || n > 8)
        return ADB_ERR_INVALID;
    for (i = 0; i < n; i++) {
        ks[i].ks_enctype = etypes[i];
        ks[i].ks_salttype = KRB5_KDB_SALTTYPE_NORMAL;
    }
    return ADB_OK;
}

adb_err adk_princ_info(adk_db *db, const char *name, bool *exists,
                       unsigned int *kvno, time_t *last_pwd_change,
                       char *msg, size_t msglen)
{
    krb5_principal p = NULL;
    kadm5_principal_ent_rec ent;
    kadm5_ret_t ret;
    adb_err err;

    memset(&ent, 0, sizeof(ent));
    *exists = false;
    if (kvno != NULL)
        *kvno = 0;
    if (last_pwd_change != NULL)
        *last_pwd_change = 0;
    err = parse_princ(db, name, &p, msg, msglen);
    if (err != ADB_OK)
        return err;
    ret = kadm5_get_principal(db->handle, p, &ent,
                              KADM5_PRINCIPAL_NORMAL_MASK);
    if (ret == KADM5_UNK_PRINC) {
        err = ADB_OK;
    } else if (ret) {
        set_msg(db->ctx, (krb5_error_code)ret, name, msg, msglen);
        err = ADB_ERR_IO;
    } else {
        *exists = true;
        if (kvno != NULL)
            *kvno = ent.kvno;
        if (last_pwd_change != NULL)
            *last_pwd_change = (time_t)(uint32_t)ent.last_pwd_change;
        kadm5_free_principal_ent(db->handle, &ent);
        err = ADB_OK;
    }
    krb5_free_principal(db->ctx, p);
    return err;
}

/* What a write with a password needs: the key/salt tuples of @etypes
 * into @ks (8 entries) and @name parsed into *@p (the caller frees it). */
static adb_err keyed_princ(adk_db *db, const char *name,
                           const krb5_enctype *etypes, size_t n,
                           const char *password, krb5_key_salt_tuple *ks,
                           krb5_principal *p, char *msg, size_t msglen)
{
    if (password == NULL || ks_tuples(etypes, n, ks) != ADB_OK)
        return ADB_ERR_INVALID;
    return parse_princ(db, name, p, msg, msglen);
}

adb_err adk_create(adk_db *db, const char *name, const krb5_enctype *etypes,
                   size_t n, const char *password, char *msg, size_t msglen)
{
    kadm5_principal_ent_rec ent;
    krb5_key_salt_tuple ks[8];
    krb5_principal p = NULL;
    kadm5_ret_t ret;
    adb_err err;

    err = keyed_princ(db, name, etypes, n, password, ks, &p, msg, msglen);
    if (err != ADB_OK)
        return err;
    memset(&ent, 0, sizeof(ent));
    ent.principal = p;
    ent.attributes = 0;          /* no requires_preauth (database.rst) */
    ret = kadm5_create_principal_3(db->handle, &ent,
                                   KADM5_PRINCIPAL | KADM5_ATTRIBUTES,
                                   (int)n, ks, (char *)password);
    if (ret) {
        set_msg(db->ctx, (krb5_error_code)ret, name, msg, msglen);
        err = ADB_ERR_IO;
    }
    krb5_free_principal(db->ctx, p);
    return err;
}

adb_err adk_chpass(adk_db *db, const char *name, const krb5_enctype *etypes,
                   size_t n, const char *password, bool keepold,
                   unsigned int *new_kvno, char *msg, size_t msglen)
{
    krb5_key_salt_tuple ks[8];
    krb5_principal p = NULL;
    kadm5_ret_t ret;
    bool exists;
    adb_err err;

    err = keyed_princ(db, name, etypes, n, password, ks, &p, msg, msglen);
    if (err != ADB_OK)
        return err;
    ret = kadm5_chpass_principal_3(db->handle, p, keepold ? TRUE : FALSE,
                                   (int)n, ks, (char *)password);
    if (ret) {
        set_msg(db->ctx, (krb5_error_code)ret, name, msg, msglen);
        err = ADB_ERR_IO;
    } else if (new_kvno != NULL) {
        err = adk_princ_info(db, name, &exists, new_kvno, NULL, msg,
                             msglen);
    }
    krb5_free_principal(db->ctx, p);
    return err;
}

adb_err adk_purge_old(adk_db *db, const char *name, unsigned int keep_kvno,
                      char *msg, size_t msglen)
{
    krb5_principal p = NULL;
    kadm5_ret_t ret;
    adb_err err;

    err = parse_princ(db, name, &p, msg, msglen);
    if (err != ADB_OK)
        return err;
    ret = kadm5_purgekeys(db->handle, p, (int)keep_kvno);
    if (ret) {
        set_msg(db->ctx, (krb5_error_code)ret, name, msg, msglen);
        err = ADB_ERR_IO;
    }
    krb5_free_principal(db->ctx, p);
    return err;
}

adb_err adk_delete(adk_db *db, const char *name, char *msg, size_t msglen)
{
    krb5_principal p = NULL;
    kadm5_ret_t ret;
    adb_err err;

    err = parse_princ(db, name, &p, msg, msglen);
    if (err != ADB_OK)
        return err;
    ret = kadm5_delete_principal(db->handle, p);
    if (ret) {
        set_msg(db->ctx, (krb5_error_code)ret, name, msg, msglen);
        err = ADB_ERR_IO;
    }
    krb5_free_principal(db->ctx, p);
    return err;
}

struct adk_saved {
    krb5_principal princ;
    kadm5_key_data *keys;
    int n;
};

void adk_saved_free(adk_db *db, adk_saved *saved)
{
    if (saved == NULL || db == NULL)
        return;
    if (saved->keys != NULL)       /* zeroes the key contents */
        kadm5_free_kadm5_key_data(db->ctx, saved->n, saved->keys);
    krb5_free_principal(db->ctx, saved->princ);
    free(saved);
}

adb_err adk_save(adk_db *db, const char *name, adk_saved **out, char *msg,
                 size_t msglen)
{
    adk_saved *s;
    kadm5_ret_t ret;
    adb_err err;

    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return ADB_ERR_NOMEM;
    err = parse_princ(db, name, &s->princ, msg, msglen);
    if (err != ADB_OK) {
        free(s);
        return err;
    }
    ret = kadm5_get_principal_keys(db->handle, s->princ, 0, &s->keys, &s->n);
    if (ret) {
        s->keys = NULL;
        set_msg(db->ctx, (krb5_error_code)ret, name, msg, msglen);
        adk_saved_free(db, s);
        return ADB_ERR_IO;
    }
    *out = s;
    return ADB_OK;
}

adb_err adk_restore(adk_db *db, const adk_saved *saved, char *msg,
                    size_t msglen)
{
    kadm5_ret_t ret;

    if (db == NULL || saved == NULL || saved->n <= 0)
        return ADB_ERR_INVALID;
    ret = kadm5_setkey_principal_4(db->handle, saved->princ, FALSE,
                                   saved->keys, saved->n);
    if (ret) {
        set_msg(db->ctx, (krb5_error_code)ret, "restoring the old keys", msg,
                msglen);
        return ADB_ERR_IO;
    }
    return ADB_OK;
}

adb_err adk_get_key(adk_db *db, const char *name, krb5_enctype enctype,
                    unsigned int kvno, krb5_keyblock *key,
                    unsigned int *kvno_out, char *msg, size_t msglen)
{
    krb5_principal p = NULL;
    kadm5_principal_ent_rec ent;
    krb5_keysalt got_salt;
    int got_kvno = 0;
    bool have_ent = false;
    kadm5_ret_t ret;
    adb_err err;

    memset(key, 0, sizeof(*key));
    memset(&ent, 0, sizeof(ent));
    memset(&got_salt, 0, sizeof(got_salt));
    err = parse_princ(db, name, &p, msg, msglen);
    if (err != ADB_OK)
        return err;
    ret = kadm5_get_principal(db->handle, p, &ent,
                              KADM5_PRINCIPAL_NORMAL_MASK | KADM5_KEY_DATA);
    if (ret == KADM5_UNK_PRINC) {
        snprintf(msg, msglen, "%s: no such principal", name);
        err = ADB_ERR_NOT_FOUND;
        goto cleanup;
    }
    if (ret) {
        set_msg(db->ctx, (krb5_error_code)ret, name, msg, msglen);
        err = ADB_ERR_IO;
        goto cleanup;
    }
    have_ent = true;
    /* kvno 0: kadm5_decrypt_key takes the highest kvno (-1 is "any") */
    ret = kadm5_decrypt_key(db->handle, &ent, enctype, -1,
                            kvno == 0 ? -1 : (krb5_int32)kvno, key, &got_salt,
                            &got_kvno);
    if (ret) {
        snprintf(msg, msglen, "%s has no key of that enctype and kvno", name);
        memset(key, 0, sizeof(*key));
        err = ADB_ERR_NOT_FOUND;
        goto cleanup;
    }
    if (kvno_out != NULL)
        *kvno_out = (unsigned int)got_kvno;
    err = ADB_OK;

cleanup:
    if (got_salt.data.data != NULL)
        krb5_free_data_contents(db->ctx, &got_salt.data);
    if (have_ent)
        kadm5_free_principal_ent(db->handle, &ent);
    krb5_free_principal(db->ctx, p);
    return err;
}

/* The number of character classes of @pw as MIT counts them (lower, upper,
 * digit, punctuation, other). */
static int pw_classes(const char *pw)
{
    bool lo = false, up = false, dig = false, pun = false, oth = false;
    const unsigned char *p;

    for (p = (const unsigned char *)pw; *p != '\0'; p++) {
        if (*p >= 'a' && *p <= 'z')
            lo = true;
        else if (*p >= 'A' && *p <= 'Z')
            up = true;
        else if (*p >= '0' && *p <= '9')
            dig = true;
        else if (*p >= 0x21 && *p <= 0x7e)
            pun = true;
        else
            oth = true;
    }
    return lo + up + dig + pun + oth;
}

adb_err adk_check_policy(adk_db *db, const char *name, const char *password,
                         char *msg, size_t msglen)
{
    kadm5_principal_ent_rec ent;
    kadm5_policy_ent_rec pol;
    krb5_principal p = NULL;
    bool have_ent = false, have_pol = false, exists = false;
    const char *polname = "default";
    kadm5_ret_t ret;
    adb_err err;
    time_t now = time(NULL);

    memset(&ent, 0, sizeof(ent));
    memset(&pol, 0, sizeof(pol));
    err = parse_princ(db, name, &p, msg, msglen);
    if (err != ADB_OK)
        return err;
    ret = kadm5_get_principal(db->handle, p, &ent,
                              KADM5_PRINCIPAL_NORMAL_MASK);
    if (ret == 0) {
        have_ent = true;
        exists = true;
        polname = (ent.aux_attributes & KADM5_POLICY) ? ent.policy : NULL;
    } else if (ret != KADM5_UNK_PRINC) {
        set_msg(db->ctx, (krb5_error_code)ret, name, msg, msglen);
        err = ADB_ERR_IO;
        goto cleanup;
    }
    err = ADB_OK;
    if (polname == NULL)
        goto cleanup;
    ret = kadm5_get_policy(db->handle, (char *)polname, &pol);
    if (ret == KADM5_UNK_POLICY)
        goto cleanup;            /* no "default" policy: nothing applies */
    if (ret) {
        set_msg(db->ctx, (krb5_error_code)ret, polname, msg, msglen);
        err = ADB_ERR_IO;
        goto cleanup;
    }
    have_pol = true;
    err = ADB_ERR_INVALID;
    if ((long)strlen(password) < pol.pw_min_length) {
        snprintf(msg, msglen, "the KDC's password policy \"%s\" (for %s)"
                 " wants at least %ld characters", polname, name,
                 pol.pw_min_length);
        goto cleanup;
    }
    if (pw_classes(password) < pol.pw_min_classes) {
        snprintf(msg, msglen, "the KDC's password policy \"%s\" (for %s)"
                 " wants %ld character classes (lower, upper, digit,"
                 " punctuation)", polname, name, pol.pw_min_classes);
        goto cleanup;
    }
    if (exists && pol.pw_min_life > 0 &&
        (time_t)(uint32_t)ent.last_pwd_change + pol.pw_min_life > now) {
        snprintf(msg, msglen, "the KDC's password policy \"%s\" does not let"
                 " %s change its password again before %ld s have passed",
                 polname, name, pol.pw_min_life);
        goto cleanup;
    }
    err = ADB_OK;

cleanup:
    if (have_pol)
        kadm5_free_policy_ent(db->handle, &pol);
    if (have_ent)
        kadm5_free_principal_ent(db->handle, &ent);
    krb5_free_principal(db->ctx, p);
    return err;
}
