/* SPDX-License-Identifier: MIT */
/*
 * adk.h - the local KDC database through MIT's kadm5 server API (prefix
 * adk_), as kadmin.local reaches it: the database the KDC serves, opened
 * directly (root on the KDC host, KRB5_KDC_PROFILE or /etc/krb5kdc/kdc.conf).
 *
 * Used by `adbridge doctor` now and by the trust wizard (`adbridge trust`)
 * next; the KDC itself never links it.  Reads only, for now: the
 * inter-realm principals of the local realm and their keys (enctypes and
 * kvnos, never key bytes).
 */
#ifndef ADK_H
#define ADK_H

#include <stdbool.h>
#include <stddef.h>

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
 * adk_open - open the local database of @realm (NULL: the profile's
 * default realm) as kadmin.local does.  Must run as a user who can read
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

#endif /* ADK_H */
