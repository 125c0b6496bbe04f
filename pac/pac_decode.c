/* SPDX-License-Identifier: MIT */
/*
 * pac_decode.c - the PAC as a whole: MIT's container API for the buffer
 * table, this module's decoders for the contents, and the SID expansion.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pac.h"

const char *pac_buffer_type_name(uint32_t type)
{
    switch (type) {
    case PAC_TYPE_LOGON_INFO:        return "LOGON_INFO";
    case PAC_TYPE_CREDENTIALS_INFO:  return "CREDENTIALS_INFO";
    case PAC_TYPE_SERVER_CHECKSUM:   return "SERVER_CHECKSUM";
    case PAC_TYPE_PRIVSVR_CHECKSUM:  return "PRIVSVR_CHECKSUM";
    case PAC_TYPE_CLIENT_INFO:       return "CLIENT_INFO";
    case PAC_TYPE_DELEGATION_INFO:   return "DELEGATION_INFO";
    case PAC_TYPE_UPN_DNS_INFO:      return "UPN_DNS_INFO";
    case PAC_TYPE_CLIENT_CLAIMS:     return "CLIENT_CLAIMS_INFO";
    case PAC_TYPE_DEVICE_INFO:       return "DEVICE_INFO";
    case PAC_TYPE_DEVICE_CLAIMS:     return "DEVICE_CLAIMS_INFO";
    case PAC_TYPE_TICKET_CHECKSUM:   return "TICKET_CHECKSUM";
    case PAC_TYPE_ATTRIBUTES_INFO:   return "ATTRIBUTES_INFO";
    case PAC_TYPE_REQUESTOR:         return "REQUESTOR";
    case PAC_TYPE_FULL_CHECKSUM:     return "FULL_CHECKSUM";
    default:                         return "UNKNOWN";
    }
}

const char *pac_sid_source_name(pac_sid_source source)
{
    switch (source) {
    case PAC_SID_USER:           return "user";
    case PAC_SID_PRIMARY_GROUP:  return "primary_group";
    case PAC_SID_GROUP:          return "group";
    case PAC_SID_EXTRA:          return "extra_sid";
    case PAC_SID_RESOURCE_GROUP: return "resource_group";
    case PAC_SID_DEVICE:         return "device";
    }
    return "unknown";
}

#define FILETIME_NEVER 0x7FFFFFFFFFFFFFFFULL
#define FILETIME_UNIX_EPOCH_SECONDS 11644473600ULL

bool pac_filetime_to_unix(uint64_t filetime, int64_t *out)
{
    uint64_t secs = filetime / 10000000u;

    if (filetime == 0 || filetime == FILETIME_NEVER ||
        secs < FILETIME_UNIX_EPOCH_SECONDS)
        return false;
    *out = (int64_t)(secs - FILETIME_UNIX_EPOCH_SECONDS);
    return true;
}

/* True for the types this module decodes (and reports duplicates of). */
static bool type_known(uint32_t type)
{
    switch (type) {
    case PAC_TYPE_LOGON_INFO:
    case PAC_TYPE_SERVER_CHECKSUM:
    case PAC_TYPE_PRIVSVR_CHECKSUM:
    case PAC_TYPE_CLIENT_INFO:
    case PAC_TYPE_UPN_DNS_INFO:
    case PAC_TYPE_DEVICE_INFO:
    case PAC_TYPE_TICKET_CHECKSUM:
    case PAC_TYPE_ATTRIBUTES_INFO:
    case PAC_TYPE_REQUESTOR:
    case PAC_TYPE_FULL_CHECKSUM:
        return true;
    default:
        return false;
    }
}

/* Decode one known buffer into @info. */
static adb_err decode_buffer(pac_info *info, uint32_t type, adb_rd *rd)
{
    adb_arena *a = &info->arena;
    pac_logon_info *li = NULL;
    pac_client_info *ci = NULL;
    pac_upn_dns_info *upn = NULL;
    pac_attributes_info *attr = NULL;
    pac_signature *sig = NULL;
    pac_device_info *dev = NULL;
    adb_sid *req = NULL;
    adb_err ret = ADB_OK;

    switch (type) {
    case PAC_TYPE_LOGON_INFO:
        ret = pac_decode_logon_info(rd, a, &li);
        info->logon_info = li;
        break;
    case PAC_TYPE_CLIENT_INFO:
        ret = pac_decode_client_info(rd, a, &ci);
        info->client_info = ci;
        break;
    case PAC_TYPE_UPN_DNS_INFO:
        ret = pac_decode_upn_dns_info(rd, a, &upn);
        info->upn_dns_info = upn;
        break;
    case PAC_TYPE_ATTRIBUTES_INFO:
        ret = pac_decode_attributes_info(rd, a, &attr);
        info->attributes_info = attr;
        break;
    case PAC_TYPE_REQUESTOR:
        ret = pac_decode_requestor(rd, a, &req);
        info->requestor = req;
        break;
    case PAC_TYPE_DEVICE_INFO:
        ret = pac_decode_device_info(rd, a, &dev);
        info->device_info = dev;
        break;
    case PAC_TYPE_SERVER_CHECKSUM:
    case PAC_TYPE_PRIVSVR_CHECKSUM:
    case PAC_TYPE_TICKET_CHECKSUM:
    case PAC_TYPE_FULL_CHECKSUM:
        ret = pac_decode_signature(rd, type, a, &sig);
        if (type == PAC_TYPE_SERVER_CHECKSUM)
            info->server_checksum = sig;
        else if (type == PAC_TYPE_PRIVSVR_CHECKSUM)
            info->privsvr_checksum = sig;
        else if (type == PAC_TYPE_TICKET_CHECKSUM)
            info->ticket_checksum = sig;
        else
            info->full_checksum = sig;
        break;
    default:
        break;
    }
    return ret;
}

static void put_sid(pac_sid_entry *e, const adb_sid *sid, uint32_t attributes,
                    pac_sid_source source, uint32_t index)
{
    e->sid = *sid;
    e->attributes = attributes;
    e->source = source;
    e->index = index;
}

static void put_rid(pac_sid_entry *e, const adb_sid *domain, uint32_t rid,
                    uint32_t attributes, pac_sid_source source,
                    uint32_t index)
{
    /* Callers checked that the domain SID has room for the RID. */
    e->sid = *domain;
    e->sid.sub[e->sid.sub_count++] = rid;
    e->attributes = attributes;
    e->source = source;
    e->index = index;
}

/* The user's SIDs from LOGON_INFO, in the documented order. */
static adb_err expand_user_sids(pac_info *info, const pac_logon_info *li,
                                bool lazy)
{
    const adb_sid *dom = &li->domain_sid;
    pac_sid_entry *e;
    size_t n = 2, k = 0;
    uint32_t i;

    lazy = lazy && li->group_count > 0;
    if (!lazy)
        n += li->group_count;       /* lazy: made on demand, not stored */
    n += li->extra_sid_count;
    if (li->has_resource_domain_sid)
        n += li->resource_group_count;
    e = adb_arena_array_uninit(&info->arena, n, sizeof(*e));
    if (e == NULL)
        return ADB_ERR_NOMEM;
    put_rid(&e[k++], dom, li->user_rid, 0, PAC_SID_USER, 0);
    put_rid(&e[k++], dom, li->primary_group_rid, PAC_SE_GROUP_MANDATORY |
            PAC_SE_GROUP_ENABLED_BY_DEFAULT | PAC_SE_GROUP_ENABLED,
            PAC_SID_PRIMARY_GROUP, 0);
    if (!lazy && li->group_count > 0) {
        /* GroupIds: one entry made once, copied whole, its RID set */
        pac_sid_entry tmpl;
        unsigned int last = dom->sub_count;

        memset(&tmpl, 0, sizeof(tmpl));
        put_rid(&tmpl, dom, 0, 0, PAC_SID_GROUP, 0);
        for (i = 0; i < li->group_count; i++, k++) {
            e[k] = tmpl;
            e[k].sid.sub[last] = li->groups[i].rid;
            e[k].attributes = li->groups[i].attributes;
            e[k].index = i;
        }
    }
    for (i = 0; i < li->extra_sid_count; i++)
        put_sid(&e[k++], &li->extra_sids[i].sid, li->extra_sids[i].attributes,
                PAC_SID_EXTRA, i);
    if (li->has_resource_domain_sid)
        for (i = 0; i < li->resource_group_count; i++)
            put_rid(&e[k++], &li->resource_domain_sid,
                    li->resource_groups[i].rid,
                    li->resource_groups[i].attributes,
                    PAC_SID_RESOURCE_GROUP, i);
    info->logon_domain_sid_count = 2 + (size_t)li->group_count;
    if (lazy) {
        info->lazy_group_sids = true;
        info->lazy_sids = e;
        info->sid_count = k + li->group_count;
    } else {
        info->sids = e;
        info->logon_domain_sids = e;
        info->sid_count = k;
    }
    return ADB_OK;
}

/* The device's SIDs from DEVICE_INFO, same order and sources. */
static adb_err expand_device_sids(pac_info *info, const pac_device_info *d)
{
    pac_sid_entry *e;
    size_t n = 2 + (size_t)d->account_group_count + d->extra_sid_count, k = 0;
    uint32_t i, j;

    for (i = 0; i < d->domain_group_count; i++)
        n += d->domain_groups[i].group_count;
    e = adb_arena_array_uninit(&info->arena, n, sizeof(*e));
    if (e == NULL)
        return ADB_ERR_NOMEM;
    put_rid(&e[k++], &d->account_domain_sid, d->user_rid, 0, PAC_SID_USER, 0);
    put_rid(&e[k++], &d->account_domain_sid, d->primary_group_rid,
            PAC_SE_GROUP_MANDATORY | PAC_SE_GROUP_ENABLED_BY_DEFAULT |
            PAC_SE_GROUP_ENABLED, PAC_SID_PRIMARY_GROUP, 0);
    for (i = 0; i < d->account_group_count; i++)
        put_rid(&e[k++], &d->account_domain_sid, d->account_groups[i].rid,
                d->account_groups[i].attributes, PAC_SID_GROUP, i);
    for (i = 0; i < d->extra_sid_count; i++)
        put_sid(&e[k++], &d->extra_sids[i].sid, d->extra_sids[i].attributes,
                PAC_SID_EXTRA, i);
    for (i = 0; i < d->domain_group_count; i++)
        for (j = 0; j < d->domain_groups[i].group_count; j++)
            put_rid(&e[k++], &d->domain_groups[i].domain_sid,
                    d->domain_groups[i].groups[j].rid,
                    d->domain_groups[i].groups[j].attributes,
                    PAC_SID_RESOURCE_GROUP, i);
    info->device_sids = e;
    info->device_sid_count = k;
    return ADB_OK;
}

/* Record a failure outside any buffer (container level). */
static adb_err container_fail(adb_diag *diag, adb_err status,
                              const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static adb_err container_fail(adb_diag *diag, adb_err status,
                              const char *field, const char *fmt, ...)
{
    va_list ap;

    if (diag->status == ADB_OK) {
        diag->status = status;
        diag->context = "PAC header";
        diag->field = field;
        diag->offset = 0;
        va_start(ap, fmt);
        vsnprintf(diag->detail, sizeof(diag->detail), fmt, ap);
        va_end(ap);
    }
    return diag->status;
}

/* A krb5 error from the container calls, as our status. */
static adb_err krb5_status(krb5_error_code code)
{
    return code == ENOMEM ? ADB_ERR_NOMEM : ADB_ERR_KRB5;
}

/* One buffer of the table: its type and where its bytes are. */
typedef struct raw_buffer {
    uint32_t type;
    const uint8_t *data;
    size_t len;
} raw_buffer;

/* Refuse a table that names a type twice (which would count is a guess). */
static adb_err check_duplicates(const raw_buffer *bufs, size_t n,
                                adb_diag *diag)
{
    size_t i, j;

    for (i = 0; i < n; i++)
        for (j = 0; j < i; j++)
            if (bufs[j].type == bufs[i].type)
                return container_fail(diag, ADB_ERR_DUPLICATE, "buffer table",
                                      "buffer type %lu appears twice "
                                      "(entry %zu)",
                                      (unsigned long)bufs[i].type, i);
    return ADB_OK;
}

/* Decode the buffers of a checked table into a new pac_info. */
static adb_err decode_table(const raw_buffer *bufs, size_t n,
                            unsigned int flags, pac_info **info_out,
                            adb_diag *diag)
{
    pac_info *info = NULL;
    pac_buffer_desc *descs;
    size_t i, total = 0;
    adb_err ret = ADB_OK;

    /* n <= PAC_MAX_BUFFERS buffers of < 2^32 bytes: no overflow */
    for (i = 0; i < n; i++)
        total += bufs[i].len;
    if (total > PAC_MAX_BYTES) {
        ret = container_fail(diag, ADB_ERR_LIMIT, "cbBufferSize",
                             "the buffers total %zu bytes, at most %u "
                             "allowed", total, PAC_MAX_BYTES);
        goto cleanup;
    }
    info = calloc(1, sizeof(*info));
    if (info == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }
    /* Decoded buffers take at most ~1.5x their wire size (strings); the
     * expanded SID list, sized exactly once LOGON_INFO is decoded, gets a
     * chunk of its own. */
    adb_arena_init(&info->arena, 512 + n * sizeof(*descs) + total * 2);
    descs = adb_arena_array(&info->arena, n, sizeof(*descs));
    if (descs == NULL) {
        ret = ADB_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        adb_rd rd;

        descs[i].type = bufs[i].type;
        descs[i].size = (uint32_t)bufs[i].len;
        descs[i].known = type_known(bufs[i].type);
        if (!descs[i].known)
            continue;
        diag->context = pac_buffer_type_name(bufs[i].type);
        adb_rd_init(&rd, bufs[i].data, bufs[i].len, 0, diag);
        ret = decode_buffer(info, bufs[i].type, &rd);
        if (ret)
            goto cleanup;
    }
    info->buffers = descs;
    info->buffer_count = n;
    if (info->logon_info != NULL) {
        ret = expand_user_sids(info, info->logon_info,
                               (flags & PAC_DECODE_LAZY_GROUPS) != 0);
        if (ret)
            goto cleanup;
    }
    if (info->device_info != NULL) {
        ret = expand_device_sids(info, info->device_info);
        if (ret)
            goto cleanup;
    }
    *info_out = info;
    info = NULL;

cleanup:
    if (ret == ADB_ERR_NOMEM && diag->status == ADB_OK)
        container_fail(diag, ADB_ERR_NOMEM, "PAC", "allocation failed");
    pac_info_free(info);
    return ret;
}

/* pac_decode() with @flags (PAC_DECODE_*). */
static adb_err decode_copies(krb5_context ctx, krb5_pac pac,
                             unsigned int flags, pac_info **info_out,
                             adb_diag *diag_in)
{
    adb_diag local = ADB_DIAG_INIT;
    adb_diag *diag = diag_in != NULL ? diag_in : &local;
    raw_buffer bufs[PAC_MAX_BUFFERS];
    krb5_data copies[PAC_MAX_BUFFERS];
    krb5_ui_4 *types = NULL;
    size_t ntypes = 0, nfetched = 0, i;
    krb5_error_code kret;
    adb_err ret = ADB_OK;

    if (info_out != NULL)
        *info_out = NULL;
    if (ctx == NULL || pac == NULL || info_out == NULL)
        return ADB_ERR_INVALID;
    diag->status = ADB_OK;

    kret = krb5_pac_get_types(ctx, pac, &ntypes, &types);
    if (kret) {
        ret = container_fail(diag, krb5_status(kret), "buffer table",
                             "cannot list buffers (krb5 error %ld)", (long)kret);
        goto cleanup;
    }
    if (ntypes > PAC_MAX_BUFFERS) {
        ret = container_fail(diag, ADB_ERR_LIMIT, "cBuffers",
                             "%zu buffers, at most %u allowed", ntypes,
                             PAC_MAX_BUFFERS);
        goto cleanup;
    }
    for (i = 0; i < ntypes; i++)
        bufs[i].type = types[i];
    /* Before fetching: MIT's get_buffer refuses duplicated types. */
    ret = check_duplicates(bufs, ntypes, diag);
    if (ret)
        goto cleanup;
    for (nfetched = 0; nfetched < ntypes; nfetched++) {
        kret = krb5_pac_get_buffer(ctx, pac, types[nfetched],
                                   &copies[nfetched]);
        if (kret) {
            ret = container_fail(diag, krb5_status(kret), "buffer table",
                                 "cannot read buffer type %lu (krb5 error "
                                 "%ld)", (unsigned long)types[nfetched],
                                 (long)kret);
            goto cleanup;
        }
        bufs[nfetched].data = (const uint8_t *)copies[nfetched].data;
        bufs[nfetched].len = copies[nfetched].length;
    }
    ret = decode_table(bufs, ntypes, flags, info_out, diag);

cleanup:
    for (i = 0; i < nfetched; i++)
        krb5_free_data_contents(ctx, &copies[i]);
    free(types);
    return ret;
}

adb_err pac_decode(krb5_context ctx, krb5_pac pac, pac_info **info_out,
                   adb_diag *diag)
{
    return decode_copies(ctx, pac, 0, info_out, diag);
}

/*
 * read_table - the buffer table of a raw PAC that krb5_pac_parse() has
 * already accepted, read again through the bounded reader to locate the
 * buffers in place (no copies).  With @padded, also enforces what MIT does
 * not check but Samba's decoder does: each buffer's padding to 8 bytes
 * (MS-PAC 2.3) lies within the blob, so that the two decoders never read a
 * PAC differently (pac_decode_in_place() reads as pac_decode(): unpadded).
 */
static adb_err read_table(const void *data, size_t len, bool padded,
                          raw_buffer *bufs, size_t *n_out, adb_diag *diag)
{
    adb_rd rd;
    uint32_t count = 0, version = 0, type = 0, size = 0, i;
    uint64_t off = 0;

    diag->context = "PAC header";
    adb_rd_init(&rd, data, len, 0, diag);
    adb_rd_u32(&rd, "cBuffers", &count);
    adb_rd_u32(&rd, "Version", &version);
    if (!adb_rd_failed(&rd) && count > PAC_MAX_BUFFERS)
        return adb_rd_fail(&rd, ADB_ERR_LIMIT, "cBuffers",
                           "%u buffers, at most %u allowed", count,
                           PAC_MAX_BUFFERS);
    for (i = 0; i < count && !adb_rd_failed(&rd); i++) {
        adb_rd_u32(&rd, "ulType", &type);
        adb_rd_u32(&rd, "cbBufferSize", &size);
        if (adb_rd_u64(&rd, "Offset", &off))
            break;
        if (off > len ||
            (padded ? ((uint64_t)size + 7) / 8 * 8 : size) > len - off) {
            rd.off -= 8;
            return adb_rd_fail(&rd, ADB_ERR_TRUNCATED, "Offset",
                               "buffer %u (type %lu): %lu bytes padded to 8 "
                               "at offset %llu run past the %zu-byte PAC",
                               i, (unsigned long)type, (unsigned long)size,
                               (unsigned long long)off, len);
        }
        bufs[i].type = type;
        bufs[i].data = (const uint8_t *)data + off;
        bufs[i].len = size;
    }
    if (diag->status == ADB_OK)
        *n_out = count;
    return diag->status;
}

adb_err pac_decode_blob(krb5_context ctx, const void *data, size_t len,
                        pac_info **info_out, adb_diag *diag_in)
{
    adb_diag local = ADB_DIAG_INIT;
    adb_diag *diag = diag_in != NULL ? diag_in : &local;
    raw_buffer bufs[PAC_MAX_BUFFERS];
    krb5_pac pac = NULL;
    krb5_error_code kret;
    size_t n = 0;
    adb_err ret;

    if (info_out != NULL)
        *info_out = NULL;
    if (ctx == NULL || info_out == NULL || (data == NULL && len > 0))
        return ADB_ERR_INVALID;
    diag->status = ADB_OK;
    /* MIT is the authority on the container: header, version, offsets and
     * sizes.  Only then are the buffers located (in place) and decoded. */
    kret = krb5_pac_parse(ctx, data, len, &pac);
    if (kret == ENOMEM) {
        ret = container_fail(diag, ADB_ERR_NOMEM, "PACTYPE",
                             "out of memory parsing the PAC container");
        goto cleanup;
    }
    if (kret) {
        ret = container_fail(diag, ADB_ERR_MALFORMED, "PACTYPE",
                             "%zu bytes are not a valid PAC container%s",
                             len, kret == ERANGE ? " (a size or offset is "
                             "out of range)" : "");
        goto cleanup;
    }
    ret = read_table(data, len, true, bufs, &n, diag);
    if (!ret)
        ret = check_duplicates(bufs, n, diag);
    if (!ret)
        ret = decode_table(bufs, n, 0, info_out, diag);

cleanup:
    if (pac != NULL)
        krb5_pac_free(ctx, pac);
    return ret;
}

/* True if the buffer table of @data/@len lists exactly the types of @pac,
 * in the same order (then @bufs/@n_out locate them in place). */
static bool table_matches(krb5_context ctx, krb5_pac pac, const void *data,
                          size_t len, raw_buffer *bufs, size_t *n_out)
{
    adb_diag quiet = ADB_DIAG_INIT;
    krb5_ui_4 *types = NULL;
    size_t ntypes = 0, n = 0, i;
    bool same = false;

    if (krb5_pac_get_types(ctx, pac, &ntypes, &types) != 0)
        return false;
    if (read_table(data, len, false, bufs, &n, &quiet) != ADB_OK ||
        n != ntypes)
        goto cleanup;
    for (i = 0; i < n && bufs[i].type == types[i]; i++)
        ;
    same = i == n;
    *n_out = n;

cleanup:
    free(types);
    return same;
}

adb_err pac_decode_in_place(krb5_context ctx, krb5_pac pac, const void *data,
                            size_t len, unsigned int flags,
                            pac_info **info_out, adb_diag *diag_in)
{
    adb_diag local = ADB_DIAG_INIT;
    adb_diag *diag = diag_in != NULL ? diag_in : &local;
    raw_buffer bufs[PAC_MAX_BUFFERS];
    size_t n = 0;
    adb_err ret;

    if (info_out != NULL)
        *info_out = NULL;
    if (ctx == NULL || pac == NULL || info_out == NULL)
        return ADB_ERR_INVALID;
    /* Anything that does not line up with @pac: MIT's copies decide. */
    if (data == NULL || !table_matches(ctx, pac, data, len, bufs, &n))
        return decode_copies(ctx, pac, flags, info_out, diag_in);
    diag->status = ADB_OK;
    ret = check_duplicates(bufs, n, diag);
    if (!ret)
        ret = decode_table(bufs, n, flags, info_out, diag);
    return ret;
}

const pac_sid_entry *pac_sid_at(const pac_info *info, size_t i,
                                pac_sid_entry *tmp)
{
    const pac_logon_info *li;
    size_t ng;

    if (info == NULL || i >= info->sid_count)
        return NULL;
    if (info->sids != NULL)
        return &info->sids[i];
    li = info->logon_info;
    if (!info->lazy_group_sids || info->lazy_sids == NULL || li == NULL)
        return NULL;                 /* no list (a pac_info made by hand) */
    ng = li->group_count;
    if (i < 2)
        return &info->lazy_sids[i];
    if (i - 2 >= ng)
        return &info->lazy_sids[i - ng];
    memset(tmp, 0, sizeof(*tmp));
    put_rid(tmp, &li->domain_sid, li->groups[i - 2].rid,
            li->groups[i - 2].attributes, PAC_SID_GROUP, (uint32_t)(i - 2));
    return tmp;
}

void pac_info_free(pac_info *info)
{
    if (info == NULL)
        return;
    adb_arena_free(&info->arena);
    free(info);
}
