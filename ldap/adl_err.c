/* SPDX-License-Identifier: MIT */
/* adl_err.c - messages and the translation of libldap result codes. */
#include "adl_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

adb_err adl_msg_set(adl_msg *msg, adb_err err, const char *fmt, ...)
{
    va_list ap;

    char *p;

    if (msg != NULL) {
        va_start(ap, fmt);
        vsnprintf(msg->text, sizeof(msg->text), fmt, ap);
        va_end(ap);
        /* server diagnostics are untrusted: no control bytes to a tty */
        for (p = msg->text; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                *p = '?';
    }
    return err;
}

void adl_msg_clear(adl_msg *msg)
{
    if (msg != NULL)
        msg->text[0] = '\0';
}

adb_err adl_ldap_status(int rc)
{
    switch (rc) {
    case LDAP_SUCCESS:
        return ADB_OK;
    case LDAP_SERVER_DOWN:
    case LDAP_CONNECT_ERROR:
    case LDAP_UNAVAILABLE:
    case LDAP_BUSY:
        return ADB_ERR_UNREACHABLE;
    case LDAP_TIMEOUT:
    case LDAP_TIMELIMIT_EXCEEDED:
        return ADB_ERR_TIMEOUT;
    case LDAP_INVALID_CREDENTIALS:
    case LDAP_INAPPROPRIATE_AUTH:
    case LDAP_AUTH_UNKNOWN:
    case LDAP_AUTH_METHOD_NOT_SUPPORTED:
    case LDAP_INSUFFICIENT_ACCESS:
        return ADB_ERR_AUTH;
    case LDAP_STRONG_AUTH_REQUIRED:
    case LDAP_CONFIDENTIALITY_REQUIRED:
        return ADB_ERR_INSECURE;
    case LDAP_NO_MEMORY:
        return ADB_ERR_NOMEM;
    case LDAP_NO_SUCH_OBJECT:
        return ADB_ERR_NOT_FOUND;
    case LDAP_DECODING_ERROR:
    case LDAP_PROTOCOL_ERROR:
        return ADB_ERR_MALFORMED;
    case LDAP_SIZELIMIT_EXCEEDED:
        return ADB_ERR_AMBIGUOUS;
    case LDAP_PARAM_ERROR:
        return ADB_ERR_INVALID;
    default:
        return ADB_ERR_LDAP;
    }
}

adb_err adl_ldap_fail(adl_msg *msg, LDAP *ld, int rc, const char *what)
{
    char *diag = NULL;
    adb_err err = adl_ldap_status(rc);

    if (ld != NULL &&
        ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag) != LDAP_OPT_SUCCESS)
        diag = NULL;
    /* libldap's TLS failures carry this placeholder: not worth showing */
    if (diag != NULL && diag[0] != '\0' &&
        strcmp(diag, "(unknown error code)") != 0)
        adl_msg_set(msg, err, "%s: %s (%s)", what, ldap_err2string(rc), diag);
    else
        adl_msg_set(msg, err, "%s: %s", what, ldap_err2string(rc));
    ldap_memfree(diag);
    return err;
}
