/* SPDX-License-Identifier: MIT */
/*
 * adb_err.h - the one status type of adbridge.
 *
 * Every module returns adb_err.  Codes of the libraries we use (krb5, LDAP,
 * c-ares, errno) are translated into these at the module edge; callers never
 * see a dependency's numbers.  Details that a code alone cannot carry (which
 * field, which byte offset) travel in an adb_diag (adb_rd.h).
 */
#ifndef ADB_ERR_H
#define ADB_ERR_H

typedef enum adb_err {
    ADB_OK = 0,
    ADB_ERR_NOMEM,      /* an allocation failed */
    ADB_ERR_INVALID,    /* a caller passed a bad argument (programming error) */
    ADB_ERR_TRUNCATED,  /* input ends before a field it announces */
    ADB_ERR_MALFORMED,  /* input is complete but violates its format */
    ADB_ERR_LIMIT,      /* input exceeds a hard cap of ours */
    ADB_ERR_NOT_FOUND,  /* the thing asked for is not there */
    ADB_ERR_DUPLICATE,  /* something that must be unique appears twice */
    ADB_ERR_BAD_SIGNATURE, /* a checksum does not verify with the given key */
    ADB_ERR_KRB5,       /* a krb5 library call failed (message has details) */
    ADB_ERR_IO,         /* reading or writing a file failed */
    ADB_ERR_UNREACHABLE, /* a server cannot be reached (refused, no route,
                          * connection lost) */
    ADB_ERR_TIMEOUT,    /* a server did not answer in time */
    ADB_ERR_AUTH,       /* the server refused our credentials (bind) */
    ADB_ERR_INSECURE,   /* a connection would not be protected enough (no
                         * LDAP signing, a password in clear text, an
                         * unverified certificate) */
    ADB_ERR_AMBIGUOUS,  /* a name matches more than one object */
    ADB_ERR_LDAP,       /* another LDAP failure (message has details) */
    ADB_ERR__COUNT
} adb_err;

/*
 * adb_strerror - a short English description of @err.
 * Returns a static string; never NULL (unknown codes get a generic text).
 */
const char *adb_strerror(adb_err err);

#endif /* ADB_ERR_H */
