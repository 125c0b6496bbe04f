/* SPDX-License-Identifier: MIT */
/*
 * pac_device.c - DEVICE_INFO (MS-PAC 2.12), NDR type serialization v1.
 *
 *   typedef struct _PAC_DEVICE_INFO {
 *       ULONG UserId;
 *       ULONG PrimaryGroupId;
 *       PISID AccountDomainId;
 *       ULONG AccountGroupCount;
 *       [size_is(AccountGroupCount)] PGROUP_MEMBERSHIP AccountGroupIds;
 *       ULONG SidCount;
 *       [size_is(SidCount)] PKERB_SID_AND_ATTRIBUTES ExtraSids;
 *       ULONG DomainGroupCount;
 *       [size_is(DomainGroupCount)] PDOMAIN_GROUP_MEMBERSHIP DomainGroup;
 *   } PAC_DEVICE_INFO;
 *
 *   typedef struct _DOMAIN_GROUP_MEMBERSHIP {      (MS-PAC 2.2.3)
 *       PISID DomainId;
 *       ULONG GroupCount;
 *       [size_is(GroupCount)] PGROUP_MEMBERSHIP GroupIds;
 *   } DOMAIN_GROUP_MEMBERSHIP;
 *
 * Deferred order: AccountDomainId, AccountGroupIds, ExtraSids (array, then
 * its SIDs), DomainGroup array, then per element its DomainId and GroupIds.
 */
#include "pac.h"
#include "pac_ndr.h"

#define PAC_MAX_DOMAIN_GROUPS 1024u

adb_err pac_decode_device_info(adb_rd *rd, adb_arena *arena,
                               pac_device_info **out)
{
    adb_rd ndr;
    pac_device_info *d;
    pac_domain_groups *dg = NULL;
    bool *dg_sid = NULL, *dg_groups = NULL;
    bool top = false, p_dom = false, p_groups = false, p_extra = false;
    bool p_dg = false;
    uint32_t i;
    adb_err ret;

    ret = pac_ndr_envelope(rd, &ndr);
    if (ret)
        return ret;
    d = adb_arena_alloc(arena, sizeof(*d));
    if (d == NULL)
        return adb_rd_fail(&ndr, ADB_ERR_NOMEM, "PAC_DEVICE_INFO",
                           "allocating");
    ret = pac_ndr_ptr(&ndr, "PAC_DEVICE_INFO pointer", &top);
    if (!ret && !top)
        ret = adb_rd_fail(&ndr, ADB_ERR_MALFORMED, "PAC_DEVICE_INFO pointer",
                          "NULL");
    if (ret)
        return ret;

    adb_rd_u32(&ndr, "UserId", &d->user_rid);
    adb_rd_u32(&ndr, "PrimaryGroupId", &d->primary_group_rid);
    pac_ndr_ptr(&ndr, "AccountDomainId", &p_dom);
    adb_rd_u32(&ndr, "AccountGroupCount", &d->account_group_count);
    pac_ndr_ptr(&ndr, "AccountGroupIds", &p_groups);
    adb_rd_u32(&ndr, "SidCount", &d->extra_sid_count);
    pac_ndr_ptr(&ndr, "ExtraSids", &p_extra);
    adb_rd_u32(&ndr, "DomainGroupCount", &d->domain_group_count);
    pac_ndr_ptr(&ndr, "DomainGroup", &p_dg);
    if (adb_rd_failed(&ndr))
        return ndr.diag->status;
    ret = pac_ndr_count_ptr(&ndr, "AccountGroupCount", d->account_group_count,
                            p_groups, PAC_MAX_GROUPS);
    if (!ret)
        ret = pac_ndr_count_ptr(&ndr, "SidCount", d->extra_sid_count, p_extra,
                                PAC_MAX_EXTRA_SIDS);
    if (!ret)
        ret = pac_ndr_count_ptr(&ndr, "DomainGroupCount",
                                d->domain_group_count, p_dg,
                                PAC_MAX_DOMAIN_GROUPS);
    if (!ret && !p_dom)
        ret = adb_rd_fail(&ndr, ADB_ERR_MALFORMED, "AccountDomainId",
                          "NULL: the device's domain SID is required");
    if (ret)
        return ret;

    pac_ndr_sid(&ndr, "AccountDomainId", &d->account_domain_sid);
    if (p_groups)
        pac_ndr_groups(&ndr, "AccountGroupIds", d->account_group_count, arena,
                       &d->account_groups);
    if (p_extra)
        pac_ndr_sid_attrs(&ndr, "ExtraSids", d->extra_sid_count, arena,
                          &d->extra_sids);
    if (p_dg) {
        ret = pac_ndr_array_hdr(&ndr, "DomainGroup", d->domain_group_count,
                                12);
        if (ret)
            return ret;
        dg = adb_arena_array(arena, d->domain_group_count, sizeof(*dg));
        dg_sid = adb_arena_array(arena, d->domain_group_count, sizeof(bool));
        dg_groups = adb_arena_array(arena, d->domain_group_count,
                                    sizeof(bool));
        if (dg == NULL || dg_sid == NULL || dg_groups == NULL)
            return adb_rd_fail(&ndr, ADB_ERR_NOMEM, "DomainGroup",
                               "allocating");
        for (i = 0; i < d->domain_group_count; i++) {
            pac_ndr_ptr(&ndr, "DomainGroup.DomainId", &dg_sid[i]);
            adb_rd_u32(&ndr, "DomainGroup.GroupCount", &dg[i].group_count);
            pac_ndr_ptr(&ndr, "DomainGroup.GroupIds", &dg_groups[i]);
            if (!adb_rd_failed(&ndr) && !dg_sid[i])
                adb_rd_fail(&ndr, ADB_ERR_MALFORMED, "DomainGroup.DomainId",
                            "element %u has a NULL domain SID", i);
            pac_ndr_count_ptr(&ndr, "DomainGroup.GroupCount",
                              dg[i].group_count, dg_groups[i],
                              PAC_MAX_GROUPS);
        }
        for (i = 0; i < d->domain_group_count && !adb_rd_failed(&ndr); i++) {
            pac_ndr_sid(&ndr, "DomainGroup.DomainId", &dg[i].domain_sid);
            if (dg_groups[i])
                pac_ndr_groups(&ndr, "DomainGroup.GroupIds",
                               dg[i].group_count, arena, &dg[i].groups);
            if (!adb_rd_failed(&ndr) && dg[i].group_count > 0 &&
                dg[i].domain_sid.sub_count >= ADB_SID_MAX_SUBAUTH)
                adb_rd_fail(&ndr, ADB_ERR_MALFORMED, "DomainGroup.DomainId",
                            "domain SID has no room for a RID");
        }
        d->domain_groups = dg;
    }
    ret = pac_ndr_end(&ndr);
    if (!ret && d->account_domain_sid.sub_count >= ADB_SID_MAX_SUBAUTH)
        ret = adb_rd_fail(&ndr, ADB_ERR_MALFORMED, "AccountDomainId",
                          "domain SID has no room for a RID");
    if (!ret)
        *out = d;
    return ret;
}
