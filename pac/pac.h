/* SPDX-License-Identifier: MIT */
/*
 * pac.h - decoding the MS-PAC (Privilege Attribute Certificate).
 *
 * The PAC container (header, buffer table, signatures) is MIT krb5's
 * (krb5_pac_parse, krb5_pac_get_types, krb5_pac_get_buffer, krb5_pac_verify).
 * This module decodes what MIT does not: the contents of the buffers
 * (MS-PAC 2.4 - 2.14), and expands the user's SIDs.
 *
 * Everything pac_decode() returns lives in one pac_info, allocated from one
 * arena and freed with pac_info_free().  Strings are UTF-8, NUL-terminated.
 * A string whose NDR pointer was NULL is NULL; an empty string is "".
 *
 * Decoding is all or nothing: on any malformed buffer pac_decode() returns an
 * error, fills the caller's adb_diag with the buffer, field and byte offset,
 * and returns no partial result.
 */
#ifndef PAC_H
#define PAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <krb5/krb5.h>

#include "adb_arena.h"
#include "adb_err.h"
#include "adb_rd.h"
#include "adb_sid.h"

/* PAC_INFO_BUFFER ulType values (MS-PAC 2.4). */
enum pac_buffer_type {
    PAC_TYPE_LOGON_INFO = 1,
    PAC_TYPE_CREDENTIALS_INFO = 2,
    PAC_TYPE_SERVER_CHECKSUM = 6,
    PAC_TYPE_PRIVSVR_CHECKSUM = 7,
    PAC_TYPE_CLIENT_INFO = 10,
    PAC_TYPE_DELEGATION_INFO = 11,
    PAC_TYPE_UPN_DNS_INFO = 12,
    PAC_TYPE_CLIENT_CLAIMS = 13,
    PAC_TYPE_DEVICE_INFO = 14,
    PAC_TYPE_DEVICE_CLAIMS = 15,
    PAC_TYPE_TICKET_CHECKSUM = 16,
    PAC_TYPE_ATTRIBUTES_INFO = 17,
    PAC_TYPE_REQUESTOR = 18,
    PAC_TYPE_FULL_CHECKSUM = 19
};

/* Hard caps (beyond MS-PAC's own limits), checked before allocating. */
#define PAC_MAX_BUFFERS     256u      /* real PACs have < 20; MIT allows 4096 */
#define PAC_MAX_BYTES       65536u    /* all buffers together; checked before
                                       * anything is decoded (AD's
                                       * MaxTokenSize tops out at 65535) */
#define PAC_MAX_GROUPS      65536u    /* per GROUP_MEMBERSHIP array */
#define PAC_MAX_EXTRA_SIDS  65536u
#define PAC_MAX_STRING_UNITS 32767u   /* USHORT byte length / 2 */

/* KERB_VALIDATION_INFO.UserFlags bits that matter for Kerberos. */
#define PAC_USER_FLAG_EXTRA_SIDS      0x00000020u
#define PAC_USER_FLAG_RESOURCE_GROUPS 0x00000200u

/* SE_GROUP_* attribute bits (MS-PAC 2.2.1, MS-DTYP 2.4.2.4 notes). */
#define PAC_SE_GROUP_MANDATORY          0x00000001u
#define PAC_SE_GROUP_ENABLED_BY_DEFAULT 0x00000002u
#define PAC_SE_GROUP_ENABLED            0x00000004u
#define PAC_SE_GROUP_OWNER              0x00000008u
#define PAC_SE_GROUP_USE_FOR_DENY_ONLY  0x00000010u
#define PAC_SE_GROUP_INTEGRITY          0x00000020u
#define PAC_SE_GROUP_INTEGRITY_ENABLED  0x00000040u
#define PAC_SE_GROUP_RESOURCE           0x20000000u
#define PAC_SE_GROUP_LOGON_ID           0xC0000000u

/* UPN_DNS_INFO.Flags (MS-PAC 2.10). */
#define PAC_UPN_FLAG_CONSTRUCTED 0x1u   /* U: no userPrincipalName set */
#define PAC_UPN_FLAG_EXTENDED    0x2u   /* S: SamName and Sid present */

/* GROUP_MEMBERSHIP (MS-PAC 2.2.2). */
typedef struct pac_group {
    uint32_t rid;
    uint32_t attributes;
} pac_group;

/* KERB_SID_AND_ATTRIBUTES (MS-PAC 2.2.1). */
typedef struct pac_sid_attr {
    adb_sid sid;
    uint32_t attributes;
} pac_sid_attr;

/* KERB_VALIDATION_INFO (MS-PAC 2.5).  FILETIMEs are raw 100-ns ticks since
 * 1601; see pac_filetime_to_unix(). */
typedef struct pac_logon_info {
    uint64_t logon_time;
    uint64_t logoff_time;
    uint64_t kickoff_time;
    uint64_t password_last_set;
    uint64_t password_can_change;
    uint64_t password_must_change;
    const char *effective_name;
    const char *full_name;
    const char *logon_script;
    const char *profile_path;
    const char *home_directory;
    const char *home_directory_drive;
    uint16_t logon_count;
    uint16_t bad_password_count;
    uint32_t user_rid;
    uint32_t primary_group_rid;
    uint32_t group_count;
    const pac_group *groups;            /* group_count entries */
    uint32_t user_flags;
    uint8_t user_session_key[16];
    const char *logon_server;
    const char *logon_domain;
    adb_sid domain_sid;                 /* LogonDomainId (required) */
    uint32_t reserved1[2];
    uint32_t user_account_control;      /* SAM ACB_* bits */
    uint32_t sub_auth_status;
    uint64_t last_successful_ilogon;
    uint64_t last_failed_ilogon;
    uint32_t failed_ilogon_count;
    uint32_t reserved3;
    uint32_t extra_sid_count;
    const pac_sid_attr *extra_sids;     /* extra_sid_count entries */
    bool has_resource_domain_sid;
    adb_sid resource_domain_sid;        /* valid if has_resource_domain_sid */
    uint32_t resource_group_count;
    const pac_group *resource_groups;   /* resource_group_count entries */
} pac_logon_info;

/* PAC_CLIENT_INFO (MS-PAC 2.7). */
typedef struct pac_client_info {
    uint64_t client_id;                 /* FILETIME, = ticket authtime */
    const char *name;
} pac_client_info;

/* UPN_DNS_INFO (MS-PAC 2.10). */
typedef struct pac_upn_dns_info {
    const char *upn;
    const char *dns_domain;
    uint32_t flags;
    const char *sam_name;               /* NULL unless PAC_UPN_FLAG_EXTENDED */
    bool has_sid;
    adb_sid sid;                        /* valid if has_sid */
} pac_upn_dns_info;

/* PAC_ATTRIBUTES_INFO (MS-PAC 2.14). */
typedef struct pac_attributes_info {
    uint32_t flags_length;              /* in bits */
    uint32_t flags;                     /* first 32 bits of Flags */
} pac_attributes_info;

/* PAC_SIGNATURE_DATA (MS-PAC 2.8). */
typedef struct pac_signature {
    uint32_t buffer_type;               /* 6, 7, 16 or 19 */
    int32_t signature_type;             /* checksum type, e.g. -138, 15, 16 */
    uint32_t signature_length;          /* 12 or 16 */
    const uint8_t *signature;           /* signature_length bytes (arena) */
    bool has_rodc_id;
    uint16_t rodc_id;
} pac_signature;

/* DOMAIN_GROUP_MEMBERSHIP (MS-PAC 2.2.3). */
typedef struct pac_domain_groups {
    adb_sid domain_sid;
    uint32_t group_count;
    const pac_group *groups;
} pac_domain_groups;

/* PAC_DEVICE_INFO (MS-PAC 2.12). */
typedef struct pac_device_info {
    uint32_t user_rid;
    uint32_t primary_group_rid;
    adb_sid account_domain_sid;
    uint32_t account_group_count;
    const pac_group *account_groups;
    uint32_t extra_sid_count;
    const pac_sid_attr *extra_sids;
    uint32_t domain_group_count;
    const pac_domain_groups *domain_groups;
} pac_device_info;

/* Where an expanded SID came from. */
typedef enum pac_sid_source {
    PAC_SID_USER = 0,          /* LogonDomainId + UserId */
    PAC_SID_PRIMARY_GROUP,     /* LogonDomainId + PrimaryGroupId */
    PAC_SID_GROUP,             /* LogonDomainId + GroupIds[i] */
    PAC_SID_EXTRA,             /* ExtraSids[i] */
    PAC_SID_RESOURCE_GROUP,    /* ResourceGroupDomainSid + ResourceGroupIds[i] */
    PAC_SID_DEVICE             /* DEVICE_INFO (device SIDs; separate list) */
} pac_sid_source;

typedef struct pac_sid_entry {
    adb_sid sid;
    uint32_t attributes;       /* 0 for the user SID, as Windows */
    pac_sid_source source;
    uint32_t index;            /* index within its source array */
} pac_sid_entry;

/* One entry of the PAC's buffer table, in table order. */
typedef struct pac_buffer_desc {
    uint32_t type;
    uint32_t size;
    bool known;                /* a type this module decodes */
} pac_buffer_desc;

typedef struct pac_info {
    size_t buffer_count;
    const pac_buffer_desc *buffers;

    /* Decoded buffers; NULL when the PAC has no such buffer. */
    const pac_logon_info *logon_info;
    const pac_client_info *client_info;
    const pac_upn_dns_info *upn_dns_info;
    const pac_attributes_info *attributes_info;
    const adb_sid *requestor;
    const pac_signature *server_checksum;
    const pac_signature *privsvr_checksum;
    const pac_signature *ticket_checksum;
    const pac_signature *full_checksum;
    const pac_device_info *device_info;

    /* The user's SIDs in order: user, primary group, groups, ExtraSids,
     * resource groups.  Empty (0, NULL) when there is no LOGON_INFO.
     * NULL too, with sid_count entries all the same, after a lazy decode
     * (lazy_group_sids below): read them with pac_sid_at(), which works
     * for every pac_info. */
    size_t sid_count;
    const pac_sid_entry *sids;

    /* What the decoder knows of the list it made: its first
     * logon_domain_sid_count entries (user, primary group, GroupIds) are
     * logon_info->domain_sid plus one RID (logon_info's user_rid,
     * primary_group_rid, groups[i].rid), with the attributes of
     * logon_info.  The claim holds only while sids == logon_domain_sids
     * (the decoder's own, unmodified list): a consumer that relies on it
     * (map_evaluate) checks the pointer, so a pac_info copied with another
     * SID list is judged SID by SID.  0 and NULL when there is no
     * LOGON_INFO. */
    size_t logon_domain_sid_count;
    const pac_sid_entry *logon_domain_sids;

    /* True only after a decode with PAC_DECODE_LAZY_GROUPS of a LOGON_INFO
     * with GroupIds.  The GroupIds' entries (indexes 2 ..
     * logon_domain_sid_count - 1) are then not made: sids and
     * logon_domain_sids are NULL (so that no reader takes a list with
     * holes for the whole), lazy_sids holds the entries that were made
     * (user, primary group, then ExtraSids and resource groups: sid_count
     * - group_count entries) and pac_sid_at() composes the others from
     * logon_info.  False and NULL otherwise. */
    bool lazy_group_sids;
    const pac_sid_entry *lazy_sids;

    /* The device's SIDs from DEVICE_INFO in the same order; empty if none. */
    size_t device_sid_count;
    const pac_sid_entry *device_sids;

    adb_arena arena;           /* owns everything above */
} pac_info;

/*
 * pac_decode - decode every buffer of @pac (already parsed by MIT, e.g. the
 * old_pac a KDC hands a KDB module) and expand the SIDs.
 *
 * @ctx:  a krb5 context (only used for the container calls).
 * @pac:  borrowed; not modified.
 * @info_out: on success a new pac_info, free with pac_info_free(); set to
 *        NULL on entry and left NULL on failure.
 * @diag: caller-owned; on failure holds the buffer ("LOGON_INFO"), field and
 *        byte offset within that buffer.  May be NULL.
 *
 * Returns ADB_OK, ADB_ERR_TRUNCATED / MALFORMED / LIMIT (bad input),
 * ADB_ERR_DUPLICATE (a decoded buffer type appears twice), ADB_ERR_NOMEM,
 * ADB_ERR_KRB5.  Signatures are decoded, not verified: verify them with
 * krb5_pac_verify() or krb5_kdc_verify_ticket() first.
 */
adb_err pac_decode(krb5_context ctx, krb5_pac pac, pac_info **info_out,
                   adb_diag *diag);

/*
 * pac_decode_blob - parse the raw PAC bytes @data/@len with krb5_pac_parse
 * (container errors are reported as "PAC header"), then locate the buffers
 * in place and decode them as pac_decode() does.  Same ownership and
 * errors as pac_decode().  One check more than pac_decode() can make: each
 * buffer's padding to 8 bytes must lie within the blob (Samba's decoder
 * requires it; a krb5_pac no longer shows where the buffers lay).
 */
adb_err pac_decode_blob(krb5_context ctx, const void *data, size_t len,
                        pac_info **info_out, adb_diag *diag);

/*
 * pac_decode_in_place - pac_decode() of @pac, reading its buffers in place
 * from @data/@len instead of through krb5_pac_get_buffer() copies.  @data
 * must be the bytes @pac was parsed from (e.g. the AD-WIN2K-PAC element of
 * the ticket a KDC parsed as old_pac): the caller vouches for that.  As a
 * check of last resort the table of @data is read again through the
 * bounded reader and must list exactly @pac's buffer types in the same
 * order; otherwise (or with @data NULL) this is pac_decode(ctx, pac, ...).
 * Each buffer is bounds-checked as pac_decode_blob() does, without its
 * padding check (MIT's parser, which accepted @pac, does not make it).
 * Same results, ownership and errors as pac_decode(); @data is borrowed
 * and need not outlive the call (the pac_info holds no pointer into it).
 * @flags: 0 or PAC_DECODE_LAZY_GROUPS (below).
 */
adb_err pac_decode_in_place(krb5_context ctx, krb5_pac pac, const void *data,
                            size_t len, unsigned int flags,
                            pac_info **info_out, adb_diag *diag);

/* pac_decode_in_place() flags. */
/* Leave the GroupIds entries of sids unmade (lazy_group_sids): a KDC
 * judges a user's GroupIds by RID (map_evaluate) and needs the SIDs of the
 * few that matched or were dropped only; pac_sid_at() composes them. */
#define PAC_DECODE_LAZY_GROUPS 0x1u

/*
 * pac_sid_at - entry @i of @info->sids: a pointer into @info, or, for an
 * entry a lazy decode left unmade, @tmp (caller-owned) filled with it.
 * NULL if @i >= sid_count.  Valid while @info (and @tmp) live.
 */
const pac_sid_entry *pac_sid_at(const pac_info *info, size_t i,
                                pac_sid_entry *tmp);

/* pac_info_free - free @info and everything it points to.  NULL-safe. */
void pac_info_free(pac_info *info);

/*
 * Buffer decoders, one per type, for tests and tools that hold a single
 * buffer.  Each reads exactly the bytes of @rd (leftovers are an error) and
 * allocates its result from @arena; *out is written only on success.
 */
adb_err pac_decode_logon_info(adb_rd *rd, adb_arena *arena,
                              pac_logon_info **out);
adb_err pac_decode_client_info(adb_rd *rd, adb_arena *arena,
                               pac_client_info **out);
adb_err pac_decode_upn_dns_info(adb_rd *rd, adb_arena *arena,
                                pac_upn_dns_info **out);
adb_err pac_decode_attributes_info(adb_rd *rd, adb_arena *arena,
                                   pac_attributes_info **out);
adb_err pac_decode_requestor(adb_rd *rd, adb_arena *arena, adb_sid **out);
adb_err pac_decode_signature(adb_rd *rd, uint32_t buffer_type,
                             adb_arena *arena, pac_signature **out);
adb_err pac_decode_device_info(adb_rd *rd, adb_arena *arena,
                               pac_device_info **out);

/* pac_buffer_type_name - "LOGON_INFO" etc.; "UNKNOWN" for other types. */
const char *pac_buffer_type_name(uint32_t type);

/* pac_sid_source_name - "user", "primary_group", "group", "extra_sid",
 * "resource_group", "device". */
const char *pac_sid_source_name(pac_sid_source source);

/*
 * pac_filetime_to_unix - seconds since 1970 for a FILETIME; returns false
 * (and leaves *out alone) for 0 and for 0x7FFFFFFFFFFFFFFF ("never") and
 * for values before 1970.
 */
bool pac_filetime_to_unix(uint64_t filetime, int64_t *out);

/*
 * Encoding (the KDC side of the bridge: it decodes AD's PAC, filters the
 * SIDs and must put the filtered LOGON_INFO into the PAC it issues).
 */

/*
 * pac_encode_logon_info - serialize @li as a LOGON_INFO buffer (MS-PAC 2.5):
 * MS-RPCE 2.2.6 type serialization v1 envelope (01 10 08 00 CC CC CC CC,
 * ObjectBufferLength = NDR length padded to 8, filler 0) around the NDR
 * KERB_VALIDATION_INFO, laid out exactly as pac_decode_logon_info() reads
 * it.  The result is ready for krb5_pac_add_buffer(ctx, pac,
 * PAC_TYPE_LOGON_INFO, ...).
 *
 * Byte-for-byte what Samba's ndr_push writes for the same values: unique
 * pointer referent ids 0x00020000, 0x00020004, ... in the order they are
 * written (NULL pointers take none); strings as UTF-16LE without NUL,
 * MaximumLength = Length except LogonServer and LogonDomainName where it is
 * Length + 2 (as Samba and Windows DCs write them); zero padding.  So
 * decode + encode of a Samba-issued LOGON_INFO gives back the same bytes.
 *
 * How @li's fields map to the wire:
 *   - a NULL string is a NULL pointer; "" is a non-NULL empty string;
 *   - groups / extra_sids / resource_groups: the array pointer is NULL iff
 *     the C pointer is NULL (a non-NULL pointer with count 0 is written as
 *     an empty conformant array, as pac_decode_logon_info() returns it);
 *   - ResourceGroupDomainSid is written iff has_resource_domain_sid;
 *   - flags, reserved fields and UserSessionKey are copied, never adjusted:
 *     a caller that drops SIDs fixes user_flags itself if it wants to.
 *
 * @li:      borrowed; not modified.  Strings must be valid UTF-8.
 * @out:     on success a malloc()ed buffer, free() it (it holds
 *           UserSessionKey: wipe it first if that is not all zero).
 *           Written only on success.
 * @len_out: on success the buffer's length (16 + ObjectBufferLength).
 *           Written only on success.
 *
 * Returns ADB_OK; ADB_ERR_INVALID for a NULL argument or a structure the
 * decoder would refuse (count > 0 with a NULL array, ExtraSids without
 * PAC_USER_FLAG_EXTRA_SIDS, resource groups without
 * PAC_USER_FLAG_RESOURCE_GROUPS or without has_resource_domain_sid, a SID
 * with revision != 1, more than 15 sub-authorities or an authority above
 * 48 bits); ADB_ERR_MALFORMED for a string that is not strict UTF-8
 * (overlong forms, surrogates, > U+10FFFF, truncated sequences);
 * ADB_ERR_LIMIT for a count above PAC_MAX_GROUPS / PAC_MAX_EXTRA_SIDS, a
 * string above PAC_MAX_STRING_UNITS UTF-16 units (one less for LogonServer
 * and LogonDomainName), or a domain SID (LogonDomainId, or
 * ResourceGroupDomainSid with resource groups) of 15 sub-authorities, which
 * leaves no room for the RIDs; ADB_ERR_NOMEM.
 */
adb_err pac_encode_logon_info(const pac_logon_info *li, uint8_t **out,
                              size_t *len_out);

#endif /* PAC_H */
