/* SPDX-License-Identifier: MIT */
/*
 * adl_int.h - what the files of ldap/ share and nobody else sees (the
 * include directory of this header is PRIVATE to the adbridge_ldap target).
 */
#ifndef ADL_INT_H
#define ADL_INT_H

#include <ldap.h>

#include "adl.h"

/* The longest string attribute value we accept (DNs included). */
#define ADL_MAX_STRING 4096
/* Upper bound on the values of one multi-valued attribute we read
 * (supportedSASLMechanisms, objectClass). */
#define ADL_MAX_VALUES 64

struct adl_conn {
    LDAP *ld;
    char *uri;              /* as given */
    char *host;             /* from the URI: SPN host, certificate name */
    int port;
    bool tls;               /* ldaps:// */
    bool bound;
    unsigned int ssf;       /* after a SASL bind */
    unsigned int timeout_ms;
};

/*
 * adl_diag_set - record a failure of a text decoder in @diag (only the
 * first one is kept, as adb_rd does): @field, byte @offset of the input,
 * printf-style detail.  Returns the status the diag now holds.
 */
adb_err adl_diag_set(adb_diag *diag, adb_err status, const char *field,
                     size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * adl_utf8_next - decode one UTF-8 character of @s (@len bytes left, > 0)
 * strictly (no overlong forms, no surrogates, at most U+10FFFF).  Stores
 * the code point in *cp and returns its length in bytes, or 0 if the bytes
 * are not valid UTF-8.
 */
size_t adl_utf8_next(const unsigned char *s, size_t len, uint32_t *cp);

/*
 * adl_msg_set - write the printf-style message into @msg (NULL-safe) and
 * return @err, so callers can `return adl_msg_set(msg, ADB_ERR_X, ...)`.
 */
adb_err adl_msg_set(adl_msg *msg, adb_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* adl_msg_clear - "" into @msg (NULL-safe). */
void adl_msg_clear(adl_msg *msg);

/*
 * adl_ldap_status - translate a libldap result code into an adb_err (the
 * one place where LDAP codes become ours).
 */
adb_err adl_ldap_status(int rc);

/*
 * adl_ldap_fail - set @msg to "@what: <libldap's text>[ (<server's
 * diagnostic message>)]" for result @rc on @ld (may be NULL) and return
 * adl_ldap_status(@rc).
 */
adb_err adl_ldap_fail(adl_msg *msg, LDAP *ld, int rc, const char *what);

/*
 * adl_search - one synchronous search with the connection's timeout, a
 * server-side time limit, @sizelimit, no referrals chased.  *res_out gets
 * the result (free with ldap_msgfree) when the search succeeded or hit the
 * size limit (then *size_exceeded_out is true).  Other outcomes are
 * translated and described in @msg.
 */
adb_err adl_search(adl_conn *conn, const char *base, int scope,
                   const char *filter, const char *const *attrs,
                   int sizelimit, LDAPMessage **res_out,
                   bool *size_exceeded_out, adl_msg *msg);

/*
 * adl_attr_string - the single value of @attr of @entry as a NUL-terminated
 * string in @arena: exactly one value, at most ADL_MAX_STRING bytes, no
 * NUL, valid UTF-8.  ADB_ERR_NOT_FOUND if the attribute is absent (message
 * only if @required), ADB_ERR_MALFORMED otherwise.  *out on success only.
 */
adb_err adl_attr_string(adl_conn *conn, LDAPMessage *entry, const char *attr,
                        bool required, adb_arena *arena, const char **out,
                        adl_msg *msg);

/*
 * adl_attr_strings - every value of the multi-valued @attr (at most
 * ADL_MAX_VALUES, each checked like adl_attr_string) as an array in
 * @arena.  An absent attribute gives 0 values.
 */
adb_err adl_attr_strings(adl_conn *conn, LDAPMessage *entry, const char *attr,
                         adb_arena *arena, const char *const **out,
                         size_t *count_out, adl_msg *msg);

/*
 * adl_attr_binary - the single value of @attr as borrowed bytes (valid
 * until ldap_value_free_len(*vals_out)); exactly one value, at most
 * ADL_MAX_STRING bytes.  Same errors as adl_attr_string.
 */
adb_err adl_attr_binary(adl_conn *conn, LDAPMessage *entry, const char *attr,
                        struct berval ***vals_out, adl_msg *msg);

/* adl_creds_ccache_name - the full name ("MEMORY:...") of the ccache that
 * GSSAPI must take the TGT from; owned by @creds. */
const char *adl_creds_ccache_name(const adl_creds *creds);

#endif /* ADL_INT_H */
