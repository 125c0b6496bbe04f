/* SPDX-License-Identifier: MIT */
/*
 * kdc_bridge.c - the decision library of the adbridge KDB module (see
 * kdc_bridge.h).
 */
#define _GNU_SOURCE 1 /* vasprintf, strndup */
#include "kdc_bridge.h"

#include "adb_buf.h"
#include "adb_der.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* ------------------------------------------------------------ strings -- */

/* The longest log line or audit record written (a request's record is a
 * few KiB at most; this bounds a hostile PAC's). */
#define KDC_LINE_MAX ((size_t)256 * 1024)
/* what kdc_log_line and kdc_audit_json reserve first: a 2 KiB buffer */
#define KDC_LINE_RESERVE ((size_t)2047)

/* Whether @c may stand unquoted in a log field. */
/* Append the string literal @lit to the adb_buf @sb (its length known at
 * compile time). */
#define SB_LIT(sb, lit) adb_buf_add_inline((sb), "" lit, sizeof(lit) - 1)

/* adb_buf_str, inline (the reports reserve their room up front). */
static inline void sb_str(adb_buf *sb, const char *s)
{
    if (s != NULL)
        adb_buf_add_inline(sb, s, strlen(s));
}

/* The bytes a log field carries as they are: printable ASCII but blank,
 * '"' (0x22), '=' (0x3d) and '\\' (0x5c). */
static const uint8_t log_plain[256] = {
    [0x21] = 1, [0x23 ... 0x3c] = 1, [0x3e ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

/*
 * For a log line: @s as one field that cannot be misread ("-" for NULL).
 * A value of plain bytes only (printable ASCII but blank, quote, backslash
 * and '=') is written as it is; any other value, the empty one included,
 * in double quotes with '"' and '\' escaped by a backslash and control and
 * non-ASCII bytes as \xHH.  A name or reason from a PAC can therefore
 * neither end its field nor plant another field or line.
 */
static void sb_log_field(adb_buf *sb, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u;
    uint8_t *o, *start;
    size_t n;

    if (s == NULL) {
        adb_buf_add_inline(sb, "-", 1);
        return;
    }
    for (u = (const unsigned char *)s; log_plain[*u]; u++)
        ;
    if (*u == '\0' && u != (const unsigned char *)s) {
        adb_buf_add_inline(sb, s, (size_t)(u - (const unsigned char *)s));
        return;
    }
    n = strlen(s);
    if (n > SIZE_MAX / 8) {
        adb_buf_fail(sb, ADB_ERR_LIMIT);
        return;
    }
    start = o = adb_buf_reserve(sb, 4 * n + 2);
    if (o == NULL)
        return;
    *o++ = '"';
    for (u = (const unsigned char *)s; *u != '\0'; u++) {
        if (*u == '"' || *u == '\\') {
            *o++ = '\\';
            *o++ = *u;
        } else if (*u < 0x20 || *u >= 0x7f) {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = (uint8_t)hex[*u >> 4];
            *o++ = (uint8_t)hex[*u & 0xf];
        } else {
            *o++ = *u;
        }
    }
    *o++ = '"';
    adb_buf_commit(sb, (size_t)(o - start));
}

/* --------------------------------------------------------- the config -- */

struct kdc_bridge {
    char *path;
    char *realm;                  /* the realm the KDC serves, or NULL */
    kdc_log_fn *log;
    void *log_data;
    conf_config *config;          /* last good one, or NULL */
    bool have_stat;               /* st_* describe the last attempt */
    dev_t st_dev;
    ino_t st_ino;
    off_t st_size;
    struct timespec st_mtim;
    time_t last_check;
    bool checked;
    int audit_fd;                 /* the audit log, kept open; -1 if none */
    char *audit_path;             /* the path audit_fd was opened as */
    time_t audit_checked;         /* last rotation check */
    char *audit_failed;           /* path whose last open failed (logged
                                   * once until it opens or changes) */
    int audit_errno;
};

static void audit_close(kdc_bridge *b);
static void audit_failure(kdc_bridge *b, const char *path, int e);

__attribute__((format(printf, 3, 4)))
static void blog(const kdc_bridge *b, int prio, const char *fmt, ...)
{
    char *line = NULL;
    va_list ap;
    int n;

    if (b->log == NULL)
        return;
    va_start(ap, fmt);
    n = vasprintf(&line, fmt, ap);
    va_end(ap);
    if (n >= 0) {
        b->log(b->log_data, prio, line);
        free(line);
    }
}

/* Load the file once; on success replace the config, else log and keep. */
static void bridge_load(kdc_bridge *b)
{
    conf_problems problems;
    conf_config *config = NULL;
    adb_err err;
    size_t i;

    conf_problems_init(&problems);
    err = conf_load(b->path, &config, &problems);
    if (err == ADB_OK && b->realm != NULL &&
        strcmp(config->local_realm, b->realm) != 0) {
        blog(b, KDC_LOG_ERR,
             "adbridge: configuration %s: local_realm %s is not the realm "
             "this KDC serves (%s); %s", b->path, config->local_realm,
             b->realm, b->config != NULL
                           ? "the previous configuration stays in force"
                           : "no configuration in force: cross-realm "
                             "requests are refused");
        goto cleanup;
    }
    if (err != ADB_OK) {
        blog(b, KDC_LOG_ERR,
             "adbridge: configuration %s is invalid (%s, %zu problem(s)); %s",
             b->path, adb_strerror(err), problems.count,
             b->config != NULL ? "the previous configuration stays in force"
                               : "no configuration in force: cross-realm "
                                 "requests are refused");
        for (i = 0; i < problems.count; i++)
            blog(b, KDC_LOG_ERR, "adbridge: %s: %s", b->path,
                 problems.messages[i]);
        goto cleanup;
    }
    blog(b, KDC_LOG_NOTICE,
         "adbridge: configuration %s loaded (%zu trust(s), %zu right(s))",
         b->path, config->trust_count, config->right_count);
    conf_free(b->config);
    b->config = config;
    config = NULL;

cleanup:
    conf_free(config);
    conf_problems_free(&problems);
}

static void bridge_check(kdc_bridge *b)
{
    struct stat st;

    if (stat(b->path, &st) != 0) {
        if (b->have_stat || !b->checked)
            blog(b, KDC_LOG_ERR, "adbridge: configuration %s: %s; %s",
                 b->path, strerror(errno),
                 b->config != NULL ? "the previous configuration stays in "
                                     "force"
                                   : "cross-realm requests are refused");
        b->have_stat = false;
        return;
    }
    if (b->have_stat && st.st_dev == b->st_dev && st.st_ino == b->st_ino &&
        st.st_size == b->st_size && st.st_mtim.tv_sec == b->st_mtim.tv_sec &&
        st.st_mtim.tv_nsec == b->st_mtim.tv_nsec)
        return;
    b->have_stat = true;
    b->st_dev = st.st_dev;
    b->st_ino = st.st_ino;
    b->st_size = st.st_size;
    b->st_mtim = st.st_mtim;
    bridge_load(b);
}

adb_err kdc_bridge_new(const char *path, kdc_log_fn *log, void *log_data,
                       kdc_bridge **out)
{
    kdc_bridge *b = NULL;
    adb_err ret = ADB_ERR_NOMEM;

    if (out == NULL)
        return ADB_ERR_INVALID;
    *out = NULL;
    b = calloc(1, sizeof(*b));
    if (b == NULL)
        goto cleanup;
    b->audit_fd = -1;
    b->path = strdup(path != NULL ? path : KDC_DEFAULT_CONFIG);
    if (b->path == NULL)
        goto cleanup;
    b->log = log;
    b->log_data = log_data;
    *out = b;
    b = NULL;
    ret = ADB_OK;

cleanup:
    kdc_bridge_free(b);
    return ret;
}

adb_err kdc_bridge_set_realm(kdc_bridge *b, const char *realm)
{
    char *r;

    if (b == NULL || realm == NULL)
        return ADB_ERR_INVALID;
    r = strdup(realm);
    if (r == NULL)
        return ADB_ERR_NOMEM;
    free(b->realm);
    b->realm = r;
    b->have_stat = false;         /* judge the file again */
    b->checked = false;
    return ADB_OK;
}

void kdc_bridge_free(kdc_bridge *b)
{
    if (b == NULL)
        return;
    audit_close(b);
    conf_free(b->config);
    free(b->realm);
    free(b->audit_failed);
    free(b->path);
    free(b);
}

const conf_config *kdc_bridge_config(kdc_bridge *b, time_t now)
{
    if (b == NULL)
        return NULL;
    if (!b->checked || now != b->last_check) {
        bridge_check(b);
        b->checked = true;
        b->last_check = now;
    }
    return b->config;
}

const char *kdc_bridge_path(const kdc_bridge *b)
{
    return b != NULL ? b->path : NULL;
}

/* ------------------------------------------------------- the decision -- */

void kdc_decision_init(kdc_decision *d)
{
    if (d != NULL)
        memset(d, 0, sizeof(*d));
}

void kdc_decision_free(kdc_decision *d)
{
    if (d == NULL)
        return;
    free(d->reason);
    free(d->indicators);
    if (d->logon_info != NULL) {
        explicit_bzero(d->logon_info, d->logon_info_len); /* session key */
        free(d->logon_info);
    }
    pac_info_free(d->pac);
    if (d->have_map)
        map_result_free(&d->map);
    kdc_decision_init(d);
}

const char *kdc_refusal_name(kdc_refusal refusal)
{
    switch (refusal) {
    case KDC_REFUSAL_NONE: return "none";
    case KDC_REFUSAL_NO_CONFIG: return "no-config";
    case KDC_REFUSAL_UNKNOWN_TRUST: return "unknown-trust";
    case KDC_REFUSAL_BAD_PAC: return "bad-pac";
    case KDC_REFUSAL_INCONSISTENT: return "inconsistent-pac";
    case KDC_REFUSAL_MAP: return "map";
    case KDC_REFUSAL_REQUIRE: return "require";
    case KDC_REFUSAL_BAD_ATTRIBUTE: return "bad-attribute";
    case KDC_REFUSAL_MISPLACED_PAC: return "misplaced-pac";
    case KDC_REFUSAL_CLIENT_REALM: return "client-realm";
    case KDC_REFUSAL_LOCAL_TGT: return "local-tgt";
    case KDC_REFUSAL_INTERNAL: return "internal";
    }
    return "unknown";
}

const char *kdc_decision_code(const kdc_decision *d)
{
    if (d == NULL || !d->refused)
        return "none";
    if (d->refusal == KDC_REFUSAL_MAP && d->have_map)
        return map_refusal_name(d->map.refusal);
    return kdc_refusal_name(d->refusal);
}

kdc_kind kdc_tgs_kind(const char *header_realm, const char *local_realm,
                      const char *client_realm)
{
    if (header_realm == NULL || local_realm == NULL ||
        strcmp(header_realm, local_realm) != 0)
        return KDC_KIND_CROSS_REALM;
    if (client_realm == NULL || strcmp(client_realm, local_realm) != 0)
        return KDC_KIND_FOREIGN_TGS;
    return KDC_KIND_LOCAL_TGS;
}

#define KDC_AD_MAX_DEPTH 8

/* Count the AD-WIN2K-PAC elements in @ad and, through AD-IF-RELEVANT
 * containers, below it.  A container
 * that does not decode, or nests deeper than KDC_AD_MAX_DEPTH, counts as
 * one.  Returns 0 or ENOMEM. */
static krb5_error_code count_pacs(krb5_context ctx, krb5_authdata *const *ad,
                                  unsigned depth, size_t *count)
{
    krb5_authdata **inner = NULL;
    krb5_error_code ret;
    size_t i;

    for (i = 0; ad != NULL && ad[i] != NULL; i++) {
        if (ad[i]->ad_type == KRB5_AUTHDATA_WIN2K_PAC)
            (*count)++;
        if (ad[i]->ad_type != KRB5_AUTHDATA_IF_RELEVANT)
            continue;
        if (depth >= KDC_AD_MAX_DEPTH) {
            (*count)++;
            continue;
        }
        ret = krb5_decode_authdata_container(ctx, KRB5_AUTHDATA_IF_RELEVANT,
                                             ad[i], &inner);
        if (ret == ENOMEM)
            return ret;
        if (ret) {
            (*count)++;
            continue;
        }
        ret = count_pacs(ctx, inner, depth + 1, count);
        krb5_free_authdata(ctx, inner);
        inner = NULL;
        if (ret)
            return ret;
    }
    return 0;
}

#define KDC_AD_FAST_MAX 16

/* The fast path of find_pac for one top-level AD-IF-RELEVANT element @c:
 * read in place (adb_der_authdata) when it is canonical DER with at most
 * KDC_AD_FAST_MAX elements, none of them a nested container (counted by
 * count_pacs through MIT's decoder) or an empty PAC (left as MIT's decoder
 * hands it over); false otherwise, and then MIT's decoder reads it.  On true, the
 * PAC-typed elements are added to *total and, unless *found already, the
 * first one is MIT's PAC: *found set, its bytes in *pac_bytes. */
static bool find_pac_fast(const krb5_authdata *c, bool *found,
                          adb_der_ad *pac_bytes, size_t *total)
{
    adb_der_ad el[KDC_AD_FAST_MAX];
    size_t n = 0, j, pacs = 0, first = KDC_AD_FAST_MAX;

    if (adb_der_authdata(c->contents, c->length, el, KDC_AD_FAST_MAX,
                         &n) != ADB_OK)
        return false;
    for (j = 0; j < n; j++) {
        if (el[j].type == KRB5_AUTHDATA_IF_RELEVANT ||
            (el[j].type == KRB5_AUTHDATA_WIN2K_PAC && el[j].len == 0))
            return false;
        if (el[j].type != KRB5_AUTHDATA_WIN2K_PAC)
            continue;
        if (pacs++ == 0)
            first = j;
    }
    *total += pacs;
    if (!*found && pacs > 0) {
        *found = true;
        *pac_bytes = el[first];
    }
    return true;
}

/* kdc_find_pac and kdc_find_pac_data: with @keep_out, *data_out points at
 * MIT's PAC's bytes: in @ad itself when the container holding it was read
 * in place (find_pac_fast), else in the decoded container, which is then
 * handed to the caller in *keep_out instead of being freed. */
static krb5_error_code find_pac(krb5_context ctx, krb5_authdata *const *ad,
                                krb5_pac *pac_out, krb5_authdata ***keep_out,
                                krb5_data *data_out, bool *found_out,
                                size_t *stray_out)
{
    krb5_authdata **inner = NULL, **kept = NULL;
    krb5_error_code ret = 0;
    size_t i, j, total = 0;
    bool found = false, was_found;
    adb_der_ad fast = { 0, NULL, 0 };

    if (pac_out != NULL)
        *pac_out = NULL;
    if (keep_out != NULL) {
        *keep_out = NULL;
        data_out->magic = KV5M_DATA;
        data_out->length = 0;
        data_out->data = NULL;
    }
    *found_out = false;
    *stray_out = 0;
    /* One walk, each top-level container decoded once: MIT's PAC is the
     * first PAC directly inside the first top-level AD-IF-RELEVANT that
     * holds one (krb5_kdc_verify_ticket); every PAC element anywhere is
     * counted, MIT's among them. */
    for (i = 0; ad != NULL && ad[i] != NULL; i++) {
        if (ad[i]->ad_type == KRB5_AUTHDATA_WIN2K_PAC)
            total++;
        if (ad[i]->ad_type != KRB5_AUTHDATA_IF_RELEVANT)
            continue;
        was_found = found;
        if (find_pac_fast(ad[i], &found, &fast, &total)) {
            if (found && !was_found) {
                if (pac_out != NULL &&
                    krb5_pac_parse(ctx, fast.data, fast.len, pac_out) != 0)
                    *pac_out = NULL;
                if (keep_out != NULL) {
                    data_out->length = (unsigned int)fast.len;
                    data_out->data = (char *)fast.data;
                }
            }
            continue;
        }
        ret = krb5_decode_authdata_container(ctx, KRB5_AUTHDATA_IF_RELEVANT,
                                             ad[i], &inner);
        if (ret == ENOMEM)
            goto cleanup;
        if (ret) {
            total++;          /* MIT never reads a PAC there */
            ret = 0;
            continue;
        }
        for (j = 0; !found && inner[j] != NULL; j++) {
            if (inner[j]->ad_type != KRB5_AUTHDATA_WIN2K_PAC)
                continue;
            found = true;
            if (pac_out != NULL &&
                krb5_pac_parse(ctx, inner[j]->contents, inner[j]->length,
                               pac_out) != 0)
                *pac_out = NULL;
            if (keep_out != NULL) {
                kept = inner;
                data_out->length = inner[j]->length;
                data_out->data = (char *)inner[j]->contents;
            }
        }
        ret = count_pacs(ctx, inner, 1, &total);
        if (inner != kept)
            krb5_free_authdata(ctx, inner);
        inner = NULL;
        if (ret)
            goto cleanup;
    }
    *found_out = found;
    *stray_out = total - (found ? 1u : 0u);
    if (keep_out != NULL) {
        *keep_out = kept;
        kept = NULL;
    }

cleanup:
    if (ret && pac_out != NULL) {
        krb5_pac_free(ctx, *pac_out);
        *pac_out = NULL;
    }
    if (ret && keep_out != NULL) {
        data_out->length = 0;
        data_out->data = NULL;
    }
    if (inner != kept)
        krb5_free_authdata(ctx, inner);
    krb5_free_authdata(ctx, kept);
    return ret;
}

krb5_error_code kdc_find_pac(krb5_context ctx, krb5_authdata *const *ad,
                             krb5_pac *pac_out, bool *found_out,
                             size_t *stray_out)
{
    return find_pac(ctx, ad, pac_out, NULL, NULL, found_out, stray_out);
}

krb5_error_code kdc_find_pac_data(krb5_context ctx, krb5_authdata *const *ad,
                                  krb5_authdata ***container_out,
                                  krb5_data *data_out, bool *found_out,
                                  size_t *stray_out)
{
    return find_pac(ctx, ad, NULL, container_out, data_out, found_out,
                    stray_out);
}

/* Record a refusal.  Returns ADB_OK, or ADB_ERR_NOMEM if the reason could
 * not be formatted (the refusal stands in both cases). */
__attribute__((format(printf, 3, 4)))
static adb_err refuse(kdc_decision *d, kdc_refusal why, const char *fmt, ...)
{
    va_list ap;
    int n;

    d->refused = true;
    d->refusal = why;
    d->rights = 0;
    free(d->indicators);
    d->indicators = NULL;
    d->copy_logon_info = d->copy_upn_dns_info = false;
    free(d->reason);
    d->reason = NULL;
    va_start(ap, fmt);
    n = vasprintf(&d->reason, fmt, ap);
    va_end(ap);
    if (n < 0) {
        d->reason = NULL;
        return ADB_ERR_NOMEM;
    }
    return ADB_OK;
}

uint32_t kdc_indicator_rights(const conf_config *config,
                              const char *const *list)
{
    uint32_t rights = 0;
    size_t plen, i, r;

    if (config == NULL || list == NULL)
        return 0;
    plen = strlen(config->indicator_prefix);
    for (i = 0; list[i] != NULL; i++) {
        if (strncmp(list[i], config->indicator_prefix, plen) != 0)
            continue;
        for (r = 0; r < config->right_count && r < CONF_MAX_RIGHTS; r++) {
            if (strcmp(list[i] + plen, config->right_names[r]) == 0)
                rights |= 1u << r;
        }
    }
    return rights;
}

bool kdc_indicator_is_ours(const conf_config *config, const char *ind,
                           size_t len)
{
    size_t plen;

    if (config == NULL || ind == NULL)
        return false;
    plen = strlen(config->indicator_prefix);
    return plen > 0 && len >= plen &&
           memcmp(ind, config->indicator_prefix, plen) == 0;
}

/* The name part of an unparsed principal "name@REALM" (no escapes handled:
 * AD account names contain no '@'), copied into @buf; NULL if it does not
 * fit (a name that long is refused as inconsistent). */
static const char *name_part(const char *princ, char *buf, size_t size)
{
    const char *at = strrchr(princ, '@');
    size_t n = at != NULL ? (size_t)(at - princ) : strlen(princ);

    if (n >= size)
        return NULL;
    memcpy(buf, princ, n);
    buf[n] = '\0';
    return buf;
}

/* ASCII case-insensitive equality, both non-NULL. */
static bool same_name(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

/*
 * The identity checks between the PAC's buffers and the ticket client: the
 * account named by LOGON_INFO's EffectiveName is the one named by
 * CLIENT_INFO, by UPN_DNS_INFO's SamName when present, and by the ticket
 * client (MIT compared CLIENT_INFO with the ticket client byte for byte;
 * here ASCII case is ignored, as AD does).  An enterprise client
 * (NT-ENTERPRISE, "user@upn.suffix") carries its UPN in CLIENT_INFO: then
 * UPN_DNS_INFO must be the extended form whose UPN is that name and whose
 * SamName is the EffectiveName, so the UPN is tied to the account.  The
 * UPN_DNS_INFO SID must be the LOGON_INFO user SID.  (REQUESTOR against
 * the user SID: map_evaluate's requestor-mismatch.)
 * Returns ADB_OK (consistent, or refused: see d) or ADB_ERR_NOMEM.
 */
static adb_err check_consistency(const kdc_request *req, const pac_info *pac,
                                 kdc_decision *d)
{
    const pac_logon_info *li = pac->logon_info;
    const pac_upn_dns_info *upn = pac->upn_dns_info;
    const char *ci = pac->client_info != NULL ? pac->client_info->name : NULL;
    const char *account = li != NULL ? li->effective_name : NULL;
    const char *tname = NULL;
    char buf[512];
    adb_sid user;

    if (req->client != NULL || req->client_name != NULL) {
        tname = req->client_name != NULL
                    ? req->client_name
                    : name_part(req->client, buf, sizeof(buf));
        if (tname == NULL || ci == NULL || !same_name(tname, ci))
            return refuse(d, KDC_REFUSAL_INCONSISTENT,
                          "CLIENT_INFO name does not match the ticket "
                          "client");
    }
    if (li == NULL)
        return ADB_OK;       /* no account to check (map_evaluate decides) */
    if (account == NULL || ci == NULL)
        return refuse(d, KDC_REFUSAL_INCONSISTENT,
                      "LOGON_INFO EffectiveName or CLIENT_INFO is missing");
    if (upn != NULL && upn->sam_name != NULL &&
        !same_name(upn->sam_name, account))
        return refuse(d, KDC_REFUSAL_INCONSISTENT,
                      "UPN_DNS_INFO SamName does not match LOGON_INFO "
                      "EffectiveName");
    if (!same_name(ci, account)) {
        /* only an enterprise client may name the account by its UPN */
        if (!req->client_enterprise || upn == NULL ||
            upn->sam_name == NULL || !same_name(upn->upn, ci))
            return refuse(d, KDC_REFUSAL_INCONSISTENT,
                          "CLIENT_INFO name does not match LOGON_INFO "
                          "EffectiveName");
    }
    if (upn != NULL && upn->has_sid) {
        if (adb_sid_compose(&li->domain_sid, li->user_rid, &user) != ADB_OK ||
            !adb_sid_equal(&user, &upn->sid))
            return refuse(d, KDC_REFUSAL_INCONSISTENT,
                          "UPN_DNS_INFO SID is not the LOGON_INFO user SID");
    }
    return ADB_OK;
}

/* Rights the service requires (@req->require), into d->required.  Returns
 * ADB_OK (parsed, or refused for a bad attribute) or ADB_ERR_NOMEM. */
static adb_err parse_require(const conf_config *config,
                             const kdc_request *req, kdc_decision *d,
                             bool *bad_out)
{
    adb_diag diag = ADB_DIAG_INIT;

    *bad_out = false;
    if (req->require == NULL)
        return ADB_OK;
    if (conf_rights_parse(config, req->require, &d->required, &diag) !=
        ADB_OK) {
        *bad_out = true;
        return refuse(d, KDC_REFUSAL_BAD_ATTRIBUTE,
                      "service attribute adbridge_require is invalid: %s",
                      diag.detail);
    }
    return ADB_OK;
}

static adb_err check_require(kdc_decision *d)
{
    if ((d->rights & d->required) == d->required)
        return ADB_OK;
    return refuse(d, KDC_REFUSAL_REQUIRE,
                  "the service requires rights the client lacks");
}

/*
 * LOGON_INFO without the SIDs the trust boundary dropped (GroupIds,
 * ExtraSids, ResourceGroupIds; a dropped user or primary group SID has
 * refused the request already), re-encoded with pac_encode_logon_info().
 * If the filtered structure cannot be encoded, LOGON_INFO is withheld
 * (never copied with the dropped SIDs).  Returns ADB_OK or ADB_ERR_NOMEM.
 */
static adb_err filter_logon_info(kdc_decision *d)
{
    const pac_logon_info *li = d->pac->logon_info;
    pac_logon_info f = *li;
    pac_group *groups = NULL, *res = NULL;
    pac_sid_attr *extra = NULL;
    uint8_t *buf = NULL, *drop = NULL, *drop_extra, *drop_res;
    size_t len = 0, k;
    uint32_t i, n;
    adb_err err = ADB_ERR_NOMEM;

    groups = calloc(li->group_count + 1u, sizeof(*groups));
    extra = calloc(li->extra_sid_count + 1u, sizeof(*extra));
    res = calloc(li->resource_group_count + 1u, sizeof(*res));
    /* one flag per GroupId, ExtraSid and ResourceGroupId: linear in the
     * PAC whatever the number of dropped SIDs */
    drop = calloc((size_t)li->group_count + li->extra_sid_count +
                  li->resource_group_count + 1u, 1);
    if (groups == NULL || extra == NULL || res == NULL || drop == NULL)
        goto cleanup;
    drop_extra = drop + li->group_count;
    drop_res = drop_extra + li->extra_sid_count;
    for (k = 0; k < d->map.dropped_count; k++) {
        const map_dropped *x = &d->map.dropped[k];

        /* deny-only groups never grant, but stay in the forwarded PAC so
         * that services can apply deny ACEs for them */
        if (x->rule == MAP_DROP_DENY_ONLY)
            continue;
        if (x->source == PAC_SID_GROUP && x->index < li->group_count)
            drop[x->index] = 1;
        else if (x->source == PAC_SID_EXTRA && x->index < li->extra_sid_count)
            drop_extra[x->index] = 1;
        else if (x->source == PAC_SID_RESOURCE_GROUP &&
                 x->index < li->resource_group_count)
            drop_res[x->index] = 1;
    }
    for (i = 0, n = 0; i < li->group_count; i++) {
        if (!drop[i])
            groups[n++] = li->groups[i];
    }
    f.group_count = n;
    f.groups = li->groups != NULL ? groups : NULL;
    for (i = 0, n = 0; i < li->extra_sid_count; i++) {
        if (!drop_extra[i])
            extra[n++] = li->extra_sids[i];
    }
    f.extra_sid_count = n;
    f.extra_sids = n > 0 ? extra : NULL;
    if (n == 0)
        f.user_flags &= ~PAC_USER_FLAG_EXTRA_SIDS;
    for (i = 0, n = 0; i < li->resource_group_count; i++) {
        if (!drop_res[i])
            res[n++] = li->resource_groups[i];
    }
    f.resource_group_count = n;
    f.resource_groups = n > 0 ? res : NULL;
    if (n == 0) {
        f.user_flags &= ~PAC_USER_FLAG_RESOURCE_GROUPS;
        f.has_resource_domain_sid = false;
    }
    err = pac_encode_logon_info(&f, &buf, &len);
    if (err == ADB_OK) {
        d->logon_info = buf;
        d->logon_info_len = len;
        buf = NULL;
    } else if (err != ADB_ERR_NOMEM) {
        d->logon_info_withheld = true;
        err = ADB_OK;
    }

cleanup:
    explicit_bzero(f.user_session_key, sizeof(f.user_session_key));
    free(drop);
    free(groups);
    free(extra);
    free(res);
    return err;
}

/* The trust whose users come with a client of realm @realm: the trust of
 * that name, or one that lists it as a client_realm.  NULL if none. */
static const conf_trust *trust_for_client(const conf_config *config,
                                          const char *realm)
{
    const conf_trust *t = conf_find_trust(config, realm);
    size_t i;

    for (i = 0; t == NULL && i < config->trust_count; i++) {
        if (conf_trust_accepts_client_realm(&config->trusts[i], realm))
            t = &config->trusts[i];
    }
    return t;
}

/* A realm without a trust: refused under other_realms = refuse, else left
 * to stock MIT (no rights; adbridge_require still applies). */
static adb_err decide_other_realm(const conf_config *config,
                                  const kdc_request *req, const char *realm,
                                  kdc_decision *d)
{
    adb_err err;
    bool bad = false;

    if (config->other_realms == CONF_OTHER_REFUSE)
        return refuse(d, KDC_REFUSAL_UNKNOWN_TRUST,
                      "realm %s is not a configured trust (other_realms = "
                      "refuse)", realm);
    d->passed = true;
    err = parse_require(config, req, d, &bad);
    if (err != ADB_OK || bad)
        return err;
    return check_require(d);
}

/*
 * CROSS_REALM (header ticket from another realm's KDC) and FOREIGN_TGS (a
 * local ticket of another realm's client, re-decided): the trust, then the
 * PAC's identity checks, SID filtering and mapping, then adbridge_require.
 */
/* The SIDs removed from the forwarded LOGON_INFO: every dropped one but
 * the deny-only groups. */
static size_t map_filtered_count(const map_result *m)
{
    size_t n = 0, i;

    for (i = 0; i < m->dropped_count; i++) {
        if (m->dropped[i].rule != MAP_DROP_DENY_ONLY)
            n++;
    }
    return n;
}

static adb_err decide_cross_realm(krb5_context ctx, const conf_config *config,
                                  const kdc_request *req, kdc_decision *d)
{
    adb_diag diag = ADB_DIAG_INIT;
    char dbuf[256];
    const char *realm;
    adb_err err;
    bool bad = false;

    if (req->stray_pacs > 0)
        return refuse(d, KDC_REFUSAL_MISPLACED_PAC,
                      "the ticket holds %zu AD-WIN2K-PAC element(s) where "
                      "the KDC does not read the PAC", req->stray_pacs);
    if (config == NULL)
        return refuse(d, KDC_REFUSAL_NO_CONFIG,
                      "no valid adbridge configuration is loaded");
    if (req->client_realm == NULL)
        return refuse(d, KDC_REFUSAL_CLIENT_REALM,
                      "the ticket's client realm is not known");
    realm = req->kind == KDC_KIND_CROSS_REALM ? req->trust_realm
                                              : req->client_realm;
    if (realm == NULL)
        return refuse(d, KDC_REFUSAL_UNKNOWN_TRUST,
                      "the issuing realm is not known");
    d->trust = req->kind == KDC_KIND_CROSS_REALM
                   ? conf_find_trust(config, realm)
                   : trust_for_client(config, realm);
    if (d->trust == NULL)
        return decide_other_realm(config, req, realm, d);
    if (!conf_trust_accepts_client_realm(d->trust, req->client_realm))
        return refuse(d, KDC_REFUSAL_CLIENT_REALM,
                      "client realm %s is not carried by trust %s (add a "
                      "client_realm line)", req->client_realm,
                      d->trust->realm);
    d->profile = config->default_pac;
    if (req->profile != NULL &&
        conf_profile_parse(req->profile, &d->profile) != ADB_OK)
        return refuse(d, KDC_REFUSAL_BAD_ATTRIBUTE,
                      "service attribute adbridge_pac is not rights or "
                      "groups");
    if (req->local_tgt)
        return refuse(d, KDC_REFUSAL_LOCAL_TGT,
                      "users of trust %s get service tickets, not a local "
                      "TGT (its rights could not be re-decided)",
                      d->trust->realm);
    if (req->old_pac != NULL) {
        /* in place from the ticket's bytes when the caller has them
         * (the KDB module: check_policy_tgs kept them), else through
         * MIT's buffer copies; the same decoding either way */
        err = pac_decode_in_place(ctx, req->old_pac, req->old_pac_data,
                                  req->old_pac_len, PAC_DECODE_LAZY_GROUPS,
                                  &d->pac, &diag);
        if (err == ADB_ERR_NOMEM || err == ADB_ERR_INVALID)
            return err;
        if (err != ADB_OK)
            return refuse(d, KDC_REFUSAL_BAD_PAC, "malformed PAC: %s",
                          adb_diag_format(&diag, dbuf, sizeof(dbuf)));
        err = check_consistency(req, d->pac, d);
        if (err != ADB_OK || d->refused)
            return err;
    }
    err = map_evaluate(config, d->trust, d->pac, &d->map);
    if (err != ADB_OK)
        return err;
    d->have_map = true;
    if (d->map.refused)
        return refuse(d, KDC_REFUSAL_MAP, "%s",
                      d->map.reason != NULL ? d->map.reason : "refused");
    d->rights = d->map.rights;
    err = parse_require(config, req, d, &bad);
    if (err != ADB_OK || bad)
        return err;
    err = check_require(d);
    if (err != ADB_OK || d->refused)
        return err;
    err = map_indicators(config, d->rights, &d->indicators, NULL);
    if (err != ADB_OK)
        return err;
    /* the rights profile copies none of AD's buffers: nothing to filter */
    if (d->pac != NULL && d->profile == CONF_PROFILE_GROUPS) {
        d->copy_upn_dns_info = d->pac->upn_dns_info != NULL;
        if (d->pac->logon_info != NULL) {
            if (map_filtered_count(&d->map) == 0)
                d->copy_logon_info = true;
            else
                return filter_logon_info(d);
        }
    }
    return ADB_OK;
}

static adb_err decide_as(const conf_config *config, const kdc_request *req,
                         kdc_decision *d)
{
    adb_diag diag = ADB_DIAG_INIT;
    adb_err err;
    bool bad = false;

    if (req->client_rights == NULL && req->require == NULL)
        return ADB_OK;
    if (config == NULL && req->require != NULL)
        return refuse(d, KDC_REFUSAL_NO_CONFIG, "the service requires "
                      "rights and no valid adbridge configuration is "
                      "loaded");
    if (config == NULL) {
        /* No names for rights without a config: grant nothing.  The
         * built-in rights could be parsed, but the indicator prefix is a
         * setting, so nothing is issued. */
        return ADB_OK;
    }
    if (req->client_rights != NULL &&
        conf_rights_parse(config, req->client_rights, &d->rights, &diag) !=
        ADB_OK)
        return refuse(d, KDC_REFUSAL_BAD_ATTRIBUTE,
                      "client attribute adbridge_rights is invalid: %s",
                      diag.detail);
    err = parse_require(config, req, d, &bad);
    if (err != ADB_OK || bad)
        return err;
    err = check_require(d);
    if (err != ADB_OK || d->refused)
        return err;
    return map_indicators(config, d->rights, &d->indicators, NULL);
}

static adb_err decide_local_tgs(const conf_config *config,
                                const kdc_request *req, kdc_decision *d)
{
    adb_err err;
    bool bad = false;

    d->rights = kdc_indicator_rights(config, req->indicators);
    if (req->require == NULL)
        return ADB_OK;
    if (req->stray_pacs > 0)
        return refuse(d, KDC_REFUSAL_MISPLACED_PAC,
                      "the ticket holds %zu AD-WIN2K-PAC element(s) where "
                      "the KDC does not read the PAC", req->stray_pacs);
    if (config == NULL)
        return refuse(d, KDC_REFUSAL_NO_CONFIG, "the service requires "
                      "rights and no valid adbridge configuration is "
                      "loaded");
    err = parse_require(config, req, d, &bad);
    if (err != ADB_OK || bad)
        return err;
    return check_require(d);
}

adb_err kdc_decide(krb5_context ctx, const conf_config *config,
                   const kdc_request *req, kdc_decision *d)
{
    adb_err err;

    if (ctx == NULL || req == NULL || d == NULL)
        return ADB_ERR_INVALID;
    kdc_decision_free(d);
    d->kind = req->kind;
    d->config = config;
    switch (req->kind) {
    case KDC_KIND_AS:
        err = decide_as(config, req, d);
        break;
    case KDC_KIND_LOCAL_TGS:
        err = decide_local_tgs(config, req, d);
        break;
    case KDC_KIND_CROSS_REALM:
    case KDC_KIND_FOREIGN_TGS:
        err = decide_cross_realm(ctx, config, req, d);
        break;
    default:
        err = ADB_ERR_INVALID;
        break;
    }
    return err;
}

/* Whether @pac holds a buffer of @type. */
static bool pac_has(krb5_context ctx, krb5_pac pac, krb5_ui_4 type)
{
    krb5_data data = { 0, 0, NULL };

    if (krb5_pac_get_buffer(ctx, pac, type, &data) != 0)
        return false;
    krb5_free_data_contents(ctx, &data);
    return true;
}

/* Copy buffer @type of @from into @to (absent, or already in @to:
 * nothing). */
static krb5_error_code copy_buffer(krb5_context ctx, krb5_pac from,
                                   krb5_pac to, krb5_ui_4 type)
{
    krb5_data data = { 0, 0, NULL };
    krb5_error_code ret;

    if (pac_has(ctx, to, type))
        return 0;
    ret = krb5_pac_get_buffer(ctx, from, type, &data);
    if (ret == ENOENT)
        return 0;
    if (ret)
        return ret;
    ret = krb5_pac_add_buffer(ctx, to, type, &data);
    krb5_free_data_contents(ctx, &data);
    return ret;
}

/* Buffers the KDC makes itself (kdb.h issue_pac, pac-spec 5.4). */
static bool kdc_owned(krb5_ui_4 type)
{
    return type == PAC_TYPE_SERVER_CHECKSUM ||
           type == PAC_TYPE_PRIVSVR_CHECKSUM ||
           type == PAC_TYPE_TICKET_CHECKSUM ||
           type == PAC_TYPE_CLIENT_INFO ||
           type == PAC_TYPE_DELEGATION_INFO ||
           type == PAC_TYPE_FULL_CHECKSUM;
}

/* Whether @d is a trust's decision, whose LOGON_INFO and UPN_DNS_INFO are
 * adbridge's alone. */
static bool trust_decision(const kdc_decision *d)
{
    return (d->kind == KDC_KIND_CROSS_REALM ||
            d->kind == KDC_KIND_FOREIGN_TGS) && !d->passed;
}

/* Copy every buffer of @from but the KDC's own (and, if @trust, LOGON_INFO
 * and UPN_DNS_INFO) into @to, unless @to has it already. */
static krb5_error_code copy_all(krb5_context ctx, krb5_pac from, krb5_pac to,
                                bool trust)
{
    krb5_ui_4 *types = NULL;
    size_t n = 0, i;
    krb5_error_code ret;

    ret = krb5_pac_get_types(ctx, from, &n, &types);
    for (i = 0; ret == 0 && i < n; i++) {
        if (kdc_owned(types[i]) ||
            (trust && (types[i] == PAC_TYPE_LOGON_INFO ||
                       types[i] == PAC_TYPE_UPN_DNS_INFO)))
            continue;
        ret = copy_buffer(ctx, from, to, types[i]);
    }
    free(types);
    return ret;
}

krb5_error_code kdc_merge_backend_pac(krb5_context ctx, const kdc_decision *d,
                                      krb5_pac backend_pac, krb5_pac new_pac)
{
    if (d == NULL || backend_pac == NULL || new_pac == NULL || d->refused)
        return 0;
    return copy_all(ctx, backend_pac, new_pac, trust_decision(d));
}

krb5_error_code kdc_copy_buffers(krb5_context ctx, const kdc_decision *d,
                                 krb5_pac old_pac, krb5_pac new_pac)
{
    krb5_error_code ret = 0;
    krb5_data data;

    if (d == NULL || old_pac == NULL || new_pac == NULL || d->refused)
        return 0;
    if (trust_decision(d)) {
        if (d->copy_logon_info) {
            ret = copy_buffer(ctx, old_pac, new_pac, PAC_TYPE_LOGON_INFO);
        } else if (d->logon_info != NULL &&
                   !pac_has(ctx, new_pac, PAC_TYPE_LOGON_INFO)) {
            data.magic = KV5M_DATA;
            data.length = (unsigned int)d->logon_info_len;
            data.data = (char *)d->logon_info;
            ret = krb5_pac_add_buffer(ctx, new_pac, PAC_TYPE_LOGON_INFO,
                                      &data);
        }
        if (!ret && d->copy_upn_dns_info)
            ret = copy_buffer(ctx, old_pac, new_pac, PAC_TYPE_UPN_DNS_INFO);
    } else if (d->kind == KDC_KIND_LOCAL_TGS ||
               d->kind == KDC_KIND_FOREIGN_TGS) {
        ret = copy_all(ctx, old_pac, new_pac, false);
    }
    /* a passed CROSS_REALM copies nothing: stock MIT without issue_pac */
    return ret;
}

/* ------------------------------------------------------- explanations -- */

static const char *kind_name(kdc_kind kind)
{
    switch (kind) {
    case KDC_KIND_AS: return "as";
    case KDC_KIND_LOCAL_TGS: return "local-tgs";
    case KDC_KIND_CROSS_REALM: return "cross-realm";
    case KDC_KIND_FOREIGN_TGS: return "foreign-tgs";
    }
    return "unknown";
}

/* Rights as "admin,viewer" ("-" for none). */
static void sb_rights(adb_buf *sb, const conf_config *config, uint32_t rights,
                      bool json)
{
    const char *name;
    bool first = true;
    uint32_t bit;
    unsigned i;

    if (json)
        SB_LIT(sb, "[");
    /* the set bits, lowest first */
    for (i = 0; i < CONF_MAX_RIGHTS && (rights >> i) != 0; i++) {
        bit = 1u << i;
        if (!(rights & bit))
            continue;
        name = conf_right_name(config, bit);
        if (!first)
            SB_LIT(sb, ",");
        first = false;
        if (json)
            adb_buf_json_str(sb, name != NULL ? name : "?");
        else
            sb_log_field(sb, name != NULL ? name : "?");
    }
    if (json)
        SB_LIT(sb, "]");
    else if (first)
        SB_LIT(sb, "-");
}

static const char *client_name(const kdc_request *req, const kdc_decision *d,
                               char *buf, size_t size)
{
    if (req->client != NULL)
        return req->client;
    if (d->pac != NULL && d->pac->client_info != NULL &&
        d->pac->client_info->name != NULL) {
        /* the ticket's real client realm, else "?" (never the trust's:
         * a sub-domain's user is not the trust realm's) */
        snprintf(buf, size, "%s@%s", d->pac->client_info->name,
                 req->client_realm != NULL ? req->client_realm : "?");
        return buf;
    }
    return NULL;
}

char *kdc_log_line(const kdc_request *req, const kdc_decision *d)
{
    adb_buf sb;
    char cbuf[600], sid[ADB_SID_STR_MAX];
    size_t i;

    if (req == NULL || d == NULL)
        return NULL;
    adb_buf_init(&sb, KDC_LINE_MAX);
    /* one allocation for a typical line (else 256, 512, 1024... each
     * copied and wiped) */
    (void)adb_buf_reserve(&sb, KDC_LINE_RESERVE);
    sb_str(&sb, d->refused ? "adbridge: REFUSE " : "adbridge: ALLOW ");
    sb_str(&sb, kind_name(d->kind));
    SB_LIT(&sb, " client ");
    sb_log_field(&sb, client_name(req, d, cbuf, sizeof(cbuf)));
    SB_LIT(&sb, " service ");
    sb_log_field(&sb, req->service);
    if (d->trust != NULL || d->kind == KDC_KIND_CROSS_REALM) {
        SB_LIT(&sb, " trust ");
        sb_log_field(&sb, d->trust != NULL ? d->trust->realm
                                           : req->trust_realm);
    }
    if (d->passed)
        SB_LIT(&sb, " passed");    /* no trust stanza: stock MIT's */
    SB_LIT(&sb, " rights ");
    sb_rights(&sb, d->config, d->rights, false);
    if (d->required) {
        SB_LIT(&sb, " required ");
        sb_rights(&sb, d->config, d->required, false);
    }
    if (d->have_map && !d->refused && d->map.grant_count > 0) {
        bool first = true;

        SB_LIT(&sb, " grants");
        for (i = 0; i < d->map.grant_count; i++) {
            const map_grant *g = &d->map.grants[i];

            if (g->implied)
                continue;
            sb_str(&sb, first ? " " : ";");
            first = false;
            sb_str(&sb, adb_sid_format(&g->sid, sid));
            SB_LIT(&sb, "=");
            sb_log_field(&sb, g->mapping != NULL ? g->mapping->text : "?");
        }
    }
    if (d->have_map && d->map.dropped_count > 0)
        adb_buf_printf(&sb, " filtered %zu SID(s)", d->map.dropped_count);
    if (d->logon_info != NULL)
        SB_LIT(&sb, " logon-info re-encoded without them");
    if (d->logon_info_withheld)
        sb_str(&sb, " logon-info withheld (filtered SIDs; re-encoding "
                    "failed)");
    if (d->refused) {
        SB_LIT(&sb, " refusal ");
        sb_str(&sb, kdc_decision_code(d));
        SB_LIT(&sb, " reason ");
        /* ours, but it may quote PAC contents */
        sb_log_field(&sb, d->reason != NULL ? d->reason : "");
    }
    return adb_buf_take_str(&sb);
}

/* The user's SID (LOGON_INFO domain + RID) into @buf, or NULL if the
 * decision decoded no LOGON_INFO. */
static const char *user_sid(const kdc_decision *d, char *buf)
{
    adb_sid u;

    if (d->pac == NULL || d->pac->logon_info == NULL ||
        adb_sid_compose(&d->pac->logon_info->domain_sid,
                        d->pac->logon_info->user_rid, &u) != ADB_OK)
        return NULL;
    return adb_sid_format(&u, buf);
}

#define KDC_STR_(x) #x
#define KDC_STR(x) KDC_STR_(x)

/* put2 - two decimal digits of @v (0..99) at @p */
static char *put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* @tm as strftime's "%Y-%m-%dT%H:%M:%SZ" into @buf (@size >= 40): written
 * by hand for the years 1000-9999 (every record the KDC writes), by
 * strftime otherwise.  False if strftime fails. */
static bool rfc3339(const struct tm *tm, char *buf, size_t size)
{
    int year = tm->tm_year + 1900;
    char *p = buf;

    if (year < 1000 || year > 9999 || tm->tm_mon < 0 || tm->tm_mon > 11 ||
        tm->tm_mday < 1 || tm->tm_mday > 31 || tm->tm_hour < 0 ||
        tm->tm_hour > 23 || tm->tm_min < 0 || tm->tm_min > 59 ||
        tm->tm_sec < 0 || tm->tm_sec > 60) {
        return strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", tm) != 0;
    }
    p = put2(p, year / 100);
    p = put2(p, year % 100);
    *p++ = '-';
    p = put2(p, tm->tm_mon + 1);
    *p++ = '-';
    p = put2(p, tm->tm_mday);
    *p++ = 'T';
    p = put2(p, tm->tm_hour);
    *p++ = ':';
    p = put2(p, tm->tm_min);
    *p++ = ':';
    p = put2(p, tm->tm_sec);
    *p++ = 'Z';
    *p = '\0';
    return true;
}

char *kdc_audit_json(const kdc_request *req, const kdc_decision *d,
                     time_t now)
{
    adb_buf sb;
    char cbuf[600], sid[ADB_SID_STR_MAX], tbuf[40];
    struct tm tm;
    size_t i;
    bool first;

    if (req == NULL || d == NULL)
        return NULL;
    if (gmtime_r(&now, &tm) == NULL || !rfc3339(&tm, tbuf, sizeof(tbuf)))
        snprintf(tbuf, sizeof(tbuf), "%lld", (long long)now);
    adb_buf_init(&sb, KDC_LINE_MAX);
    /* one allocation for a typical line (else 256, 512, 1024... each
     * copied and wiped) */
    (void)adb_buf_reserve(&sb, KDC_LINE_RESERVE);
    SB_LIT(&sb, "{\"schema\":" KDC_STR(KDC_AUDIT_SCHEMA) ",\"time\":");
    adb_buf_json_str(&sb, tbuf);
    SB_LIT(&sb, ",\"decision\":");
    adb_buf_json_str(&sb, d->refused ? "refuse" : "allow");
    SB_LIT(&sb, ",\"kind\":");
    adb_buf_json_str(&sb, kind_name(d->kind));
    SB_LIT(&sb, ",\"client\":");
    adb_buf_json_str(&sb, client_name(req, d, cbuf, sizeof(cbuf)));
    SB_LIT(&sb, ",\"user_sid\":");
    adb_buf_json_str(&sb, user_sid(d, sid));
    SB_LIT(&sb, ",\"local_realm\":");
    adb_buf_json_str(&sb, d->config != NULL ? d->config->local_realm : NULL);
    SB_LIT(&sb, ",\"trust\":");
    adb_buf_json_str(&sb, d->trust != NULL ? d->trust->realm
                     : d->kind == KDC_KIND_CROSS_REALM ? req->trust_realm
                                                       : NULL);
    SB_LIT(&sb, ",\"service\":");
    adb_buf_json_str(&sb, req->service);
    SB_LIT(&sb, ",\"profile\":");
    adb_buf_json_str(&sb, trust_decision(d) && !d->refused
                              ? conf_profile_name(d->profile) : NULL);
    SB_LIT(&sb, ",\"rights\":");
    sb_rights(&sb, d->config, d->rights, true);
    SB_LIT(&sb, ",\"required\":");
    sb_rights(&sb, d->config, d->required, true);
    SB_LIT(&sb, ",\"grants\":[");
    first = true;
    for (i = 0; d->have_map && !d->refused && i < d->map.grant_count; i++) {
        const map_grant *g = &d->map.grants[i];

        sb_str(&sb, first ? "{" : ",{");
        first = false;
        SB_LIT(&sb, "\"right\":");
        adb_buf_json_str(&sb, g->right_name);
        SB_LIT(&sb, ",\"sid\":");
        adb_buf_json_str(&sb, adb_sid_format(&g->sid, sid));
        SB_LIT(&sb, ",\"source\":");
        adb_buf_json_str(&sb, pac_sid_source_name(g->source));
        SB_LIT(&sb, ",\"map\":");
        adb_buf_json_str(&sb, g->mapping != NULL ? g->mapping->text : NULL);
        sb_str(&sb, g->implied ? ",\"implied\":true}" : ",\"implied\":false}");
    }
    SB_LIT(&sb, "],\"filtered\":[");
    first = true;
    for (i = 0; d->have_map && i < d->map.dropped_count; i++) {
        const map_dropped *x = &d->map.dropped[i];

        sb_str(&sb, first ? "{" : ",{");
        first = false;
        SB_LIT(&sb, "\"sid\":");
        adb_buf_json_str(&sb, adb_sid_format(&x->sid, sid));
        SB_LIT(&sb, ",\"source\":");
        adb_buf_json_str(&sb, pac_sid_source_name(x->source));
        SB_LIT(&sb, ",\"rule\":");
        adb_buf_json_str(&sb, map_drop_rule_name(x->rule));
        SB_LIT(&sb, "}");
    }
    SB_LIT(&sb, "],\"logon_info\":");
    adb_buf_json_str(&sb, d->copy_logon_info ? "copied"
                     : d->logon_info != NULL ? "filtered"
                     : d->logon_info_withheld ? "withheld" : "none");
    SB_LIT(&sb, ",\"refusal\":");
    adb_buf_json_str(&sb, d->refused ? kdc_decision_code(d) : NULL);
    SB_LIT(&sb, ",\"reason\":");
    adb_buf_json_str(&sb, d->refused ? d->reason : NULL);
    SB_LIT(&sb, "}");
    return adb_buf_take_str(&sb);
}

/* Append @line and a newline to the open file @fd in one writev() (one
 * O_APPEND write: the record is never interleaved with another process's;
 * a short write is completed piece by piece). */
static adb_err audit_write(int fd, const char *line)
{
    struct iovec iov[2];
    size_t len = strlen(line), total = len + 1, done = 0, skip;
    ssize_t n;
    int first = 0;

    iov[0].iov_base = (void *)line;
    iov[0].iov_len = len;
    iov[1].iov_base = (void *)"\n";
    iov[1].iov_len = 1;
    while (done < total) {
        n = writev(fd, &iov[first], 2 - first);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return ADB_ERR_IO;
        done += (size_t)n;
        /* skip what was written */
        skip = (size_t)n;
        while (first < 2 && skip >= iov[first].iov_len) {
            skip -= iov[first].iov_len;
            iov[first].iov_len = 0;
            first++;
        }
        if (first < 2) {
            iov[first].iov_base = (char *)iov[first].iov_base + skip;
            iov[first].iov_len -= skip;
        }
    }
    return ADB_OK;
}

static int audit_open(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                0600);
}

/* Close the cached audit file of @b. */
static void audit_close(kdc_bridge *b)
{
    if (b->audit_fd >= 0)
        close(b->audit_fd);
    b->audit_fd = -1;
    free(b->audit_path);
    b->audit_path = NULL;
}

/* Log that the audit log @path cannot be opened (errno @e), once until it
 * opens again or the path or the error changes. */
static void audit_failure(kdc_bridge *b, const char *path, int e)
{
    if (b->audit_failed != NULL && strcmp(b->audit_failed, path) == 0 &&
        b->audit_errno == e)
        return;
    free(b->audit_failed);
    b->audit_failed = strdup(path);
    b->audit_errno = e;
    blog(b, KDC_LOG_ERR, "adbridge: cannot open the audit log %s: %s "
         "(decisions are still logged to the KDC log; said once until it "
         "opens)", path, strerror(e));
}

adb_err kdc_bridge_audit(kdc_bridge *b, const char *path, const char *line,
                         time_t now)
{
    struct stat by_path, by_fd;
    adb_err ret;

    if (b == NULL || path == NULL || line == NULL)
        return ADB_ERR_INVALID;
    /* Reopen when the configured path changed, and at most once a second
     * when the file at that path is no longer the one we hold (rotated or
     * removed). */
    if (b->audit_fd >= 0 && strcmp(b->audit_path, path) != 0)
        audit_close(b);
    if (b->audit_fd >= 0 && now != b->audit_checked) {
        b->audit_checked = now;
        if (stat(path, &by_path) != 0 || fstat(b->audit_fd, &by_fd) != 0 ||
            by_path.st_dev != by_fd.st_dev || by_path.st_ino != by_fd.st_ino)
            audit_close(b);
    }
    if (b->audit_fd < 0) {
        b->audit_path = strdup(path);
        if (b->audit_path == NULL)
            return ADB_ERR_NOMEM;
        b->audit_fd = audit_open(path);
        if (b->audit_fd < 0) {
            int e = errno;

            audit_close(b);
            audit_failure(b, path, e);
            return ADB_ERR_IO;
        }
        free(b->audit_failed);    /* opens again: a new failure is news */
        b->audit_failed = NULL;
        b->audit_checked = now;
    }
    ret = audit_write(b->audit_fd, line);
    if (ret == ADB_ERR_IO)
        audit_close(b);      /* try a fresh open next time */
    return ret;
}
