/* SPDX-License-Identifier: MIT */
/* adb_err.c - descriptions of adbridge status codes. */
#include "adb_err.h"

const char *adb_strerror(adb_err err)
{
    switch (err) {
    case ADB_OK:                return "success";
    case ADB_ERR_NOMEM:         return "out of memory";
    case ADB_ERR_INVALID:       return "invalid argument";
    case ADB_ERR_TRUNCATED:     return "input truncated";
    case ADB_ERR_MALFORMED:     return "malformed input";
    case ADB_ERR_LIMIT:         return "input exceeds a limit";
    case ADB_ERR_NOT_FOUND:     return "not found";
    case ADB_ERR_DUPLICATE:     return "duplicate entry";
    case ADB_ERR_BAD_SIGNATURE: return "signature does not verify";
    case ADB_ERR_KRB5:          return "Kerberos library error";
    case ADB_ERR_IO:            return "I/O error";
    case ADB_ERR_UNREACHABLE:   return "server unreachable";
    case ADB_ERR_TIMEOUT:       return "timed out";
    case ADB_ERR_AUTH:          return "authentication refused";
    case ADB_ERR_INSECURE:      return "connection not protected enough";
    case ADB_ERR_AMBIGUOUS:     return "name is ambiguous";
    case ADB_ERR_LDAP:          return "LDAP error";
    case ADB_ERR__COUNT:        break;
    }
    return "unknown error";
}
