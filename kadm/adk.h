/* SPDX-License-Identifier: MIT */
/*
 * adk.h - the local KDC database through MIT's kadm5 server API (prefix
 * adk_), as kadmin.local reaches it: the database the KDC serves, opened
 * directly (root on the KDC host, KRB5_KDC_PROFILE or /etc/krb5kdc/kdc.conf).
 *
 * Used by `adbridge doctor` and the trust wizard (`adbridge trust`); the
 * KDC itself never links it.  Reads: the inter-realm principals of the
 * local realm and their keys (enctypes and kvnos, never key bytes).
 * Writes (the wizard): create a principal from a password with chosen
 * enctypes and the normal salt, change its password keeping the old keys,
 * purge old kvnos, delete it, and save/restore its keys so that a failed
 * wizard can put the database back as it was.
 *
 * Passwords are borrowed (const char *): the caller owns and wipes them;
 * adk_ never copies, logs or prints one.
 */
#ifndef ADK_H
#define ADK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <krb5/krb5.h>

#include "adb_err.h"

typedef struct adk_db adk_db;

/* One key of a principal: its enctype and kvno. */
typedef struct adk_key {
    krb5_enctype enctype;
    unsigned int kvno;
} adk_key;

/* An inter-realm principal krbtgt/A@B with A or B the local realm. */
typedef struct adk_trust_princ {
    char *name;              /* unparsed, e.g. krbtgt/LOCAL@AD */
    char *other_realm;       /* the realm that is not the local one */
    bool inbound;            /* krbtgt/LOCAL@OTHER: OTHER's users come in */
    unsigned int kvno;       /* the principal's current kvno */
    size_t key_count;
    adk_key *keys;
} adk_trust_princ;

/*
 * adk_open - open the local database of @realm (NULL: the one realm of
 * kdc.conf, else the profile's default realm) as kadmin.local does.  Must run as a user who can read
 * the database and its stash (root).
 *
 * @db_out: NULL on entry; on ADB_OK the handle, close with adk_close().
 * @msg, @msglen: on failure the reason (MIT's message), "" otherwise.
 *
 * Returns ADB_OK, ADB_ERR_IO (the database cannot be opened), ADB_ERR_NOMEM,
 * ADB_ERR_INVALID.
 */
adb_err adk_open(const char *realm, adk_db **db_out, char *msg,
                 size_t msglen);

/* adk_close - close @db.  NULL-safe. */
void adk_close(adk_db *db);

/* adk_realm - the realm @db serves (borrowed, lives as long as @db). */
const char *adk_realm(const adk_db *db);

/*
 * adk_trust_principals - every principal krbtgt/LOCAL@X and krbtgt/X@LOCAL
 * (X != LOCAL) of @db, sorted by name, with their keys.
 *
 * @list_out: NULL on entry; on ADB_OK *@count_out entries, free with
 *        adk_trust_princs_free().
 *
 * Returns ADB_OK, ADB_ERR_IO (a kadm5 call failed: @msg), ADB_ERR_NOMEM.
 */
adb_err adk_trust_principals(adk_db *db, adk_trust_princ **list_out,
                             size_t *count_out, char *msg, size_t msglen);

/* adk_trust_princs_free - free @list of @count entries.  NULL-safe. */
void adk_trust_princs_free(adk_trust_princ *list, size_t count);

/* adk_enctype_is_aes - whether @e is an AES enctype (sha1 or sha2). */
bool adk_enctype_is_aes(krb5_enctype e);

/*
 * adk_princ_info - whether principal @name exists and, if so, its kvno and
 * the time of its last password change (0 if unknown).
 * Returns ADB_OK (*@exists false when it does not exist), ADB_ERR_IO.
 */
adb_err adk_princ_info(adk_db *db, const char *name, bool *exists,
                       unsigned int *kvno, time_t *last_pwd_change,
                       char *msg, size_t msglen);

/*
 * adk_create - create principal @name with keys derived from @password for
 * the @n enctypes @etypes (normal salt, as MS-KILE wants for inter-realm
 * keys), no requires_preauth.  Fails if the principal exists.
 * Returns ADB_OK, ADB_ERR_IO (@msg: MIT's reason), ADB_ERR_INVALID.
 */
adb_err adk_create(adk_db *db, const char *name, const krb5_enctype *etypes,
                   size_t n, const char *password, char *msg, size_t msglen);

/*
 * adk_chpass - new keys for @name from @password (enctypes @etypes, normal
 * salt) at kvno + 1; @keepold keeps the existing keys (rotation), else
 * they are replaced.  *@new_kvno (may be NULL) gets the new kvno.
 */
adb_err adk_chpass(adk_db *db, const char *name, const krb5_enctype *etypes,
                   size_t n, const char *password, bool keepold,
                   unsigned int *new_kvno, char *msg, size_t msglen);

/*
 * adk_check_policy - would kadm5 accept @password for @name?  The policy
 * that applies (the existing principal's, else the "default" policy a new
 * principal gets) is checked for its minimum length, character classes and
 * (existing principals) minimum password life, before anything is written.
 * Returns ADB_OK, ADB_ERR_INVALID (@msg: which rule), ADB_ERR_IO.
 */
adb_err adk_check_policy(adk_db *db, const char *name, const char *password,
                         char *msg, size_t msglen);

/* adk_purge_old - remove every key of @name with a kvno below @keep_kvno
 * (kadm5_purgekeys). */
adb_err adk_purge_old(adk_db *db, const char *name, unsigned int keep_kvno,
                      char *msg, size_t msglen);

/* adk_delete - delete principal @name. */
adb_err adk_delete(adk_db *db, const char *name, char *msg, size_t msglen);

/* The saved keys of one principal (opaque; key bytes inside, wiped by
 * adk_saved_free). */
typedef struct adk_saved adk_saved;

/*
 * adk_save - save all keys of @name (kadm5_get_principal_keys) so that
 * adk_restore() can put them back.  *@out: free with adk_saved_free().
 */
adb_err adk_save(adk_db *db, const char *name, adk_saved **out, char *msg,
                 size_t msglen);

/* adk_restore - set the keys of @saved's principal back to the saved ones
 * (kvnos included). */
adb_err adk_restore(adk_db *db, const adk_saved *saved, char *msg,
                    size_t msglen);

/* adk_saved_free - wipe and free.  NULL-safe. */
void adk_saved_free(adk_db *db, adk_saved *saved);

/*
 * adk_get_key - the key of @name for enctype @enctype and kvno @kvno (0:
 * the highest kvno that has the enctype), decrypted with the master key
 * (kadm5_decrypt_key), into *@key (free with krb5_free_keyblock_contents
 * after zeroing, see adk_key_free).  *@kvno_out (may be NULL) gets the
 * key's kvno.  Returns ADB_OK, ADB_ERR_NOT_FOUND (no such key),
 * ADB_ERR_IO.  The key is a secret: never print it.
 */
adb_err adk_get_key(adk_db *db, const char *name, krb5_enctype enctype,
                    unsigned int kvno, krb5_keyblock *key,
                    unsigned int *kvno_out, char *msg, size_t msglen);

/* adk_context - the krb5 context of @db (borrowed). */
krb5_context adk_context(adk_db *db);

#endif /* ADK_H */
