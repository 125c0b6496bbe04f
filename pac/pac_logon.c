/* SPDX-License-Identifier: MIT */
/*
 * pac_logon.c - LOGON_INFO: KERB_VALIDATION_INFO (MS-PAC 2.5) in NDR type
 * serialization version 1 (MS-RPCE 2.2.6).
 *
 *   typedef struct _KERB_VALIDATION_INFO {
 *       FILETIME LogonTime;            FILETIME LogoffTime;
 *       FILETIME KickOffTime;          FILETIME PasswordLastSet;
 *       FILETIME PasswordCanChange;    FILETIME PasswordMustChange;
 *       RPC_UNICODE_STRING EffectiveName;   RPC_UNICODE_STRING FullName;
 *       RPC_UNICODE_STRING LogonScript;     RPC_UNICODE_STRING ProfilePath;
 *       RPC_UNICODE_STRING HomeDirectory;   RPC_UNICODE_STRING HomeDirectoryDrive;
 *       USHORT LogonCount;             USHORT BadPasswordCount;
 *       ULONG UserId;                  ULONG PrimaryGroupId;
 *       ULONG GroupCount;
 *       [size_is(GroupCount)] PGROUP_MEMBERSHIP GroupIds;
 *       ULONG UserFlags;               USER_SESSION_KEY UserSessionKey;
 *       RPC_UNICODE_STRING LogonServer;     RPC_UNICODE_STRING LogonDomainName;
 *       PISID LogonDomainId;
 *       ULONG Reserved1[2];            ULONG UserAccountControl;
 *       ULONG SubAuthStatus;           FILETIME LastSuccessfulILogon;
 *       FILETIME LastFailedILogon;     ULONG FailedILogonCount;
 *       ULONG Reserved3;
 *       ULONG SidCount;
 *       [size_is(SidCount)] PKERB_SID_AND_ATTRIBUTES ExtraSids;
 *       PISID ResourceGroupDomainSid;
 *       ULONG ResourceGroupCount;
 *       [size_is(ResourceGroupCount)] PGROUP_MEMBERSHIP ResourceGroupIds;
 *   } KERB_VALIDATION_INFO;
 *
 * The stream starts with a unique pointer to the structure; the fixed part
 * (all scalars and pointer ids) follows, then the pointees in field order
 * (NDR deferral), each 4-aligned.  FILETIME is two ULONGs (alignment 4).
 *
 * Consistency rules beyond NDR (a PAC breaking them is refused):
 *   - LogonDomainId must be present;
 *   - ExtraSids present (SidCount > 0) requires UserFlags 0x20, resource
 *     groups present (ResourceGroupCount > 0) requires UserFlags 0x200 and a
 *     ResourceGroupDomainSid: otherwise Windows and Samba would disagree on
 *     which SIDs the user has.
 */
#include <string.h>

#include "pac.h"
#include "pac_ndr.h"

/* FILETIME (MS-DTYP 2.3.3): dwLowDateTime, dwHighDateTime. */
static adb_err read_filetime(adb_rd *rd, const char *field, uint64_t *out)
{
    return adb_rd_u64(rd, field, out);
}

adb_err pac_decode_logon_info(adb_rd *rd, adb_arena *arena,
                              pac_logon_info **out)
{
    adb_rd ndr;
    pac_logon_info *li = NULL;
    pac_ndr_ustr s_eff, s_full, s_script, s_profile, s_home, s_drive;
    pac_ndr_ustr s_server, s_domain;
    bool top = false, p_groups = false, p_domsid = false, p_extra = false;
    bool p_resdom = false, p_resgroups = false;
    adb_err ret;

    ret = pac_ndr_envelope(rd, &ndr);
    if (ret)
        return ret;
    li = adb_arena_alloc(arena, sizeof(*li));
    if (li == NULL)
        return adb_rd_fail(&ndr, ADB_ERR_NOMEM, "KERB_VALIDATION_INFO",
                           "allocating");

    ret = pac_ndr_ptr(&ndr, "KERB_VALIDATION_INFO pointer", &top);
    if (!ret && !top)
        ret = adb_rd_fail(&ndr, ADB_ERR_MALFORMED,
                          "KERB_VALIDATION_INFO pointer", "NULL");
    if (ret)
        return ret;

    /* Fixed part. */
    read_filetime(&ndr, "LogonTime", &li->logon_time);
    read_filetime(&ndr, "LogoffTime", &li->logoff_time);
    read_filetime(&ndr, "KickOffTime", &li->kickoff_time);
    read_filetime(&ndr, "PasswordLastSet", &li->password_last_set);
    read_filetime(&ndr, "PasswordCanChange", &li->password_can_change);
    read_filetime(&ndr, "PasswordMustChange", &li->password_must_change);
    pac_ndr_ustr_hdr(&ndr, "EffectiveName", &s_eff);
    pac_ndr_ustr_hdr(&ndr, "FullName", &s_full);
    pac_ndr_ustr_hdr(&ndr, "LogonScript", &s_script);
    pac_ndr_ustr_hdr(&ndr, "ProfilePath", &s_profile);
    pac_ndr_ustr_hdr(&ndr, "HomeDirectory", &s_home);
    pac_ndr_ustr_hdr(&ndr, "HomeDirectoryDrive", &s_drive);
    adb_rd_u16(&ndr, "LogonCount", &li->logon_count);
    adb_rd_u16(&ndr, "BadPasswordCount", &li->bad_password_count);
    adb_rd_u32(&ndr, "UserId", &li->user_rid);
    adb_rd_u32(&ndr, "PrimaryGroupId", &li->primary_group_rid);
    adb_rd_u32(&ndr, "GroupCount", &li->group_count);
    pac_ndr_ptr(&ndr, "GroupIds", &p_groups);
    adb_rd_u32(&ndr, "UserFlags", &li->user_flags);
    {
        const uint8_t *key = NULL;

        if (!adb_rd_bytes(&ndr, 16, "UserSessionKey", &key))
            memcpy(li->user_session_key, key, 16);
    }
    pac_ndr_ustr_hdr(&ndr, "LogonServer", &s_server);
    pac_ndr_ustr_hdr(&ndr, "LogonDomainName", &s_domain);
    pac_ndr_ptr(&ndr, "LogonDomainId", &p_domsid);
    adb_rd_u32(&ndr, "Reserved1", &li->reserved1[0]);
    adb_rd_u32(&ndr, "Reserved1", &li->reserved1[1]);
    adb_rd_u32(&ndr, "UserAccountControl", &li->user_account_control);
    adb_rd_u32(&ndr, "SubAuthStatus", &li->sub_auth_status);
    read_filetime(&ndr, "LastSuccessfulILogon", &li->last_successful_ilogon);
    read_filetime(&ndr, "LastFailedILogon", &li->last_failed_ilogon);
    adb_rd_u32(&ndr, "FailedILogonCount", &li->failed_ilogon_count);
    adb_rd_u32(&ndr, "Reserved3", &li->reserved3);
    adb_rd_u32(&ndr, "SidCount", &li->extra_sid_count);
    pac_ndr_ptr(&ndr, "ExtraSids", &p_extra);
    pac_ndr_ptr(&ndr, "ResourceGroupDomainSid", &p_resdom);
    adb_rd_u32(&ndr, "ResourceGroupCount", &li->resource_group_count);
    pac_ndr_ptr(&ndr, "ResourceGroupIds", &p_resgroups);
    if (adb_rd_failed(&ndr))
        return ndr.diag->status;

    /* Counts against pointers and caps, before reading any array. */
    ret = pac_ndr_count_ptr(&ndr, "GroupCount", li->group_count, p_groups,
                            PAC_MAX_GROUPS);
    if (!ret)
        ret = pac_ndr_count_ptr(&ndr, "SidCount", li->extra_sid_count,
                                p_extra, PAC_MAX_EXTRA_SIDS);
    if (!ret)
        ret = pac_ndr_count_ptr(&ndr, "ResourceGroupCount",
                                li->resource_group_count, p_resgroups,
                                PAC_MAX_GROUPS);
    if (!ret && !p_domsid)
        ret = adb_rd_fail(&ndr, ADB_ERR_MALFORMED, "LogonDomainId",
                          "NULL: the account domain SID is required");
    if (!ret && li->extra_sid_count > 0 &&
        !(li->user_flags & PAC_USER_FLAG_EXTRA_SIDS))
        ret = adb_rd_fail(&ndr, ADB_ERR_MALFORMED, "UserFlags",
                          "%u ExtraSids but the EXTRA_SIDS flag (0x20) is "
                          "not set", li->extra_sid_count);
    if (!ret && li->resource_group_count > 0 &&
        !(li->user_flags & PAC_USER_FLAG_RESOURCE_GROUPS))
        ret = adb_rd_fail(&ndr, ADB_ERR_MALFORMED, "UserFlags",
                          "%u resource groups but the RESOURCE_GROUPS flag "
                          "(0x200) is not set", li->resource_group_count);
    if (!ret && li->resource_group_count > 0 && !p_resdom)
        ret = adb_rd_fail(&ndr, ADB_ERR_MALFORMED, "ResourceGroupDomainSid",
                          "NULL with %u resource groups",
                          li->resource_group_count);
    if (ret)
        return ret;

    /* Deferred part, in field order. */
    pac_ndr_ustr_body(&ndr, &s_eff, "EffectiveName", arena,
                      &li->effective_name);
    pac_ndr_ustr_body(&ndr, &s_full, "FullName", arena, &li->full_name);
    pac_ndr_ustr_body(&ndr, &s_script, "LogonScript", arena,
                      &li->logon_script);
    pac_ndr_ustr_body(&ndr, &s_profile, "ProfilePath", arena,
                      &li->profile_path);
    pac_ndr_ustr_body(&ndr, &s_home, "HomeDirectory", arena,
                      &li->home_directory);
    pac_ndr_ustr_body(&ndr, &s_drive, "HomeDirectoryDrive", arena,
                      &li->home_directory_drive);
    if (p_groups)
        pac_ndr_groups(&ndr, "GroupIds", li->group_count, arena,
                       &li->groups);
    pac_ndr_ustr_body(&ndr, &s_server, "LogonServer", arena,
                      &li->logon_server);
    pac_ndr_ustr_body(&ndr, &s_domain, "LogonDomainName", arena,
                      &li->logon_domain);
    pac_ndr_sid(&ndr, "LogonDomainId", &li->domain_sid);
    if (p_extra)
        pac_ndr_sid_attrs(&ndr, "ExtraSids", li->extra_sid_count, arena,
                          &li->extra_sids);
    if (p_resdom) {
        pac_ndr_sid(&ndr, "ResourceGroupDomainSid", &li->resource_domain_sid);
        li->has_resource_domain_sid = true;
    }
    if (p_resgroups)
        pac_ndr_groups(&ndr, "ResourceGroupIds", li->resource_group_count,
                       arena, &li->resource_groups);
    ret = pac_ndr_end(&ndr);
    if (ret)
        return ret;

    /* Every group SID is domain SID + RID: the domain SID needs room. */
    if (li->domain_sid.sub_count >= ADB_SID_MAX_SUBAUTH)
        return adb_rd_fail(&ndr, ADB_ERR_MALFORMED, "LogonDomainId",
                           "domain SID has no room for a RID");
    if (li->has_resource_domain_sid && li->resource_group_count > 0 &&
        li->resource_domain_sid.sub_count >= ADB_SID_MAX_SUBAUTH)
        return adb_rd_fail(&ndr, ADB_ERR_MALFORMED, "ResourceGroupDomainSid",
                           "domain SID has no room for a RID");
    *out = li;
    return ADB_OK;
}
