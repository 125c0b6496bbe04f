/* SPDX-License-Identifier: MIT */
/*
 * cli_pac_print.c - printing a decoded PAC: the JSON of docs/pac-json.md
 * and the human-readable report.
 *
 * Everything printed comes from a pac_info that pac_decode() validated; the
 * strings in it are still attacker-chosen text, so the human printer escapes
 * control characters (the JSON writer escapes by itself).
 */
#include "cli_pac.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#define CLI_VALUE_COLUMN 26   /* where values start in "Label:  value" */
#define CLI_FILETIME_NEVER UINT64_C(0x7FFFFFFFFFFFFFFF)

typedef struct cli_flag {
    uint32_t mask;             /* one bit, or several that go together */
    const char *name;
} cli_flag;

/* SE_GROUP_* (MS-PAC 2.2.1, MS-DTYP 2.4.2.4). */
static const cli_flag cli_group_flags[] = {
    { PAC_SE_GROUP_MANDATORY, "mandatory" },
    { PAC_SE_GROUP_ENABLED_BY_DEFAULT, "enabled-by-default" },
    { PAC_SE_GROUP_ENABLED, "enabled" },
    { PAC_SE_GROUP_OWNER, "owner" },
    { PAC_SE_GROUP_USE_FOR_DENY_ONLY, "use-for-deny-only" },
    { PAC_SE_GROUP_INTEGRITY, "integrity" },
    { PAC_SE_GROUP_INTEGRITY_ENABLED, "integrity-enabled" },
    { PAC_SE_GROUP_RESOURCE, "resource" },
    { PAC_SE_GROUP_LOGON_ID, "logon-id" },
};

/* KERB_VALIDATION_INFO.UserFlags (Samba netlogon.idl NETLOGON_*). */
static const cli_flag cli_user_flags[] = {
    { 0x00000001u, "guest" },
    { 0x00000002u, "no-encryption" },
    { 0x00000004u, "cached-account" },
    { 0x00000008u, "used-lm-password" },
    { PAC_USER_FLAG_EXTRA_SIDS, "extra-sids" },
    { 0x00000040u, "subauth-session-key" },
    { 0x00000080u, "server-trust-account" },
    { 0x00000100u, "ntlmv2-enabled" },
    { PAC_USER_FLAG_RESOURCE_GROUPS, "resource-groups" },
    { 0x00000400u, "profile-path-returned" },
    { 0x01000000u, "grace-logon" },
};

/* KERB_VALIDATION_INFO.UserAccountControl: SAM ACB_* bits (Samba samr.idl),
 * not the LDAP userAccountControl values. */
static const cli_flag cli_uac_flags[] = {
    { 0x00000001u, "ACB_DISABLED" },
    { 0x00000002u, "ACB_HOMDIRREQ" },
    { 0x00000004u, "ACB_PWNOTREQ" },
    { 0x00000008u, "ACB_TEMPDUP" },
    { 0x00000010u, "ACB_NORMAL" },
    { 0x00000020u, "ACB_MNS" },
    { 0x00000040u, "ACB_DOMTRUST" },
    { 0x00000080u, "ACB_WSTRUST" },
    { 0x00000100u, "ACB_SVRTRUST" },
    { 0x00000200u, "ACB_PWNOEXP" },
    { 0x00000400u, "ACB_AUTOLOCK" },
    { 0x00000800u, "ACB_ENC_TXT_PWD_ALLOWED" },
    { 0x00001000u, "ACB_SMARTCARD_REQUIRED" },
    { 0x00002000u, "ACB_TRUSTED_FOR_DELEGATION" },
    { 0x00004000u, "ACB_NOT_DELEGATED" },
    { 0x00008000u, "ACB_USE_DES_KEY_ONLY" },
    { 0x00010000u, "ACB_DONT_REQUIRE_PREAUTH" },
    { 0x00020000u, "ACB_PW_EXPIRED" },
    { 0x00040000u, "ACB_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION" },
    { 0x00080000u, "ACB_NO_AUTH_DATA_REQD" },
    { 0x00100000u, "ACB_PARTIAL_SECRETS_ACCOUNT" },
    { 0x00200000u, "ACB_USE_AES_KEYS" },
};

/* UPN_DNS_INFO.Flags (MS-PAC 2.10). */
static const cli_flag cli_upn_flags[] = {
    { PAC_UPN_FLAG_CONSTRUCTED, "upn-constructed" },
    { PAC_UPN_FLAG_EXTENDED, "extended" },
};

/* PAC_ATTRIBUTES_INFO.Flags (MS-PAC 2.14). */
static const cli_flag cli_attributes_flags[] = {
    { 0x00000001u, "pac-was-requested" },
    { 0x00000002u, "pac-was-given-implicitly" },
};

#define CLI_NFLAGS(table) (sizeof(table) / sizeof((table)[0]))

/* ---------------------------------------------------------------- JSON -- */

static void cli_pac_json_sid(cli_json *js, const adb_sid *sid)
{
    char text[ADB_SID_STR_MAX];

    if (sid == NULL)
        cli_json_null(js);
    else
        cli_json_string(js, adb_sid_format(sid, text));
}

static void cli_pac_json_kv_sid(cli_json *js, const char *key,
                                const adb_sid *sid)
{
    cli_json_key(js, key);
    cli_pac_json_sid(js, sid);
}

/* "key": [{"rid": N, "attributes": N}, ...] */
static void cli_pac_json_groups(cli_json *js, const char *key,
                                const pac_group *groups, uint32_t count)
{
    uint32_t i;

    cli_json_key(js, key);
    cli_json_array_begin(js);
    for (i = 0; i < count; i++) {
        cli_json_object_begin(js);
        cli_json_kv_uint(js, "rid", groups[i].rid);
        cli_json_kv_uint(js, "attributes", groups[i].attributes);
        cli_json_object_end(js);
    }
    cli_json_array_end(js);
}

/* "key": [{"sid": "S-...", "attributes": N}, ...] */
static void cli_pac_json_sid_attrs(cli_json *js, const char *key,
                                   const pac_sid_attr *sids, uint32_t count)
{
    uint32_t i;

    cli_json_key(js, key);
    cli_json_array_begin(js);
    for (i = 0; i < count; i++) {
        cli_json_object_begin(js);
        cli_pac_json_kv_sid(js, "sid", &sids[i].sid);
        cli_json_kv_uint(js, "attributes", sids[i].attributes);
        cli_json_object_end(js);
    }
    cli_json_array_end(js);
}

/* "key": [{"sid": "S-...", "attributes": N, "source": "group"}, ...] */
static void cli_pac_json_sid_entries(cli_json *js, const char *key,
                                     const pac_sid_entry *sids, size_t count)
{
    size_t i;

    cli_json_key(js, key);
    cli_json_array_begin(js);
    for (i = 0; i < count; i++) {
        cli_json_object_begin(js);
        cli_pac_json_kv_sid(js, "sid", &sids[i].sid);
        cli_json_kv_uint(js, "attributes", sids[i].attributes);
        cli_json_kv_string(js, "source",
                           pac_sid_source_name(sids[i].source));
        cli_json_object_end(js);
    }
    cli_json_array_end(js);
}

static void cli_pac_json_logon_info(cli_json *js, const pac_logon_info *li)
{
    cli_json_key(js, "logon_info");
    if (li == NULL) {
        cli_json_null(js);
        return;
    }
    cli_json_object_begin(js);
    cli_json_kv_string(js, "effective_name", li->effective_name);
    cli_json_kv_string(js, "full_name", li->full_name);
    cli_json_kv_string(js, "logon_script", li->logon_script);
    cli_json_kv_string(js, "profile_path", li->profile_path);
    cli_json_kv_string(js, "home_directory", li->home_directory);
    cli_json_kv_string(js, "home_directory_drive",
                       li->home_directory_drive);
    cli_json_kv_string(js, "logon_server", li->logon_server);
    cli_json_kv_string(js, "logon_domain", li->logon_domain);
    cli_pac_json_kv_sid(js, "domain_sid", &li->domain_sid);
    cli_json_kv_uint(js, "user_rid", li->user_rid);
    cli_json_kv_uint(js, "primary_group_rid", li->primary_group_rid);
    cli_json_kv_uint(js, "user_flags", li->user_flags);
    cli_json_kv_uint(js, "uac", li->user_account_control);
    cli_json_kv_uint(js, "logon_count", li->logon_count);
    cli_json_kv_uint(js, "bad_password_count", li->bad_password_count);
    cli_json_kv_uint(js, "logon_time", li->logon_time);
    cli_json_kv_uint(js, "logoff_time", li->logoff_time);
    cli_json_kv_uint(js, "kickoff_time", li->kickoff_time);
    cli_json_kv_uint(js, "password_last_set", li->password_last_set);
    cli_json_kv_uint(js, "password_can_change", li->password_can_change);
    cli_json_kv_uint(js, "password_must_change",
                     li->password_must_change);
    cli_json_kv_uint(js, "last_successful_ilogon",
                     li->last_successful_ilogon);
    cli_json_kv_uint(js, "last_failed_ilogon", li->last_failed_ilogon);
    cli_json_kv_uint(js, "failed_ilogon_count", li->failed_ilogon_count);
    cli_json_kv_uint(js, "sub_auth_status", li->sub_auth_status);
    cli_pac_json_groups(js, "groups", li->groups, li->group_count);
    cli_pac_json_sid_attrs(js, "extra_sids", li->extra_sids,
                           li->extra_sid_count);
    cli_pac_json_kv_sid(js, "resource_domain_sid",
                        li->has_resource_domain_sid
                            ? &li->resource_domain_sid : NULL);
    cli_pac_json_groups(js, "resource_groups", li->resource_groups,
                        li->resource_group_count);
    cli_json_object_end(js);
}

static void cli_pac_json_upn(cli_json *js, const pac_upn_dns_info *upn)
{
    bool extended;

    cli_json_key(js, "upn_dns_info");
    if (upn == NULL) {
        cli_json_null(js);
        return;
    }
    extended = (upn->flags & PAC_UPN_FLAG_EXTENDED) != 0;
    cli_json_object_begin(js);
    cli_json_kv_string(js, "upn", upn->upn);
    cli_json_kv_string(js, "dns_domain", upn->dns_domain);
    cli_json_kv_uint(js, "flags", upn->flags);
    cli_json_kv_string(js, "sam_name", extended ? upn->sam_name : NULL);
    cli_pac_json_kv_sid(js, "sid",
                        extended && upn->has_sid ? &upn->sid : NULL);
    cli_json_object_end(js);
}

static void cli_pac_json_client_info(cli_json *js, const pac_client_info *ci)
{
    int64_t when;

    cli_json_key(js, "client_info");
    if (ci == NULL) {
        cli_json_null(js);
        return;
    }
    cli_json_object_begin(js);
    cli_json_kv_string(js, "name", ci->name);
    cli_json_key(js, "time");
    if (pac_filetime_to_unix(ci->client_id, &when))
        cli_json_int(js, when);
    else
        cli_json_null(js);
    cli_json_kv_uint(js, "client_id", ci->client_id);
    cli_json_object_end(js);
}

/* The decoded signature for buffer @type, or NULL. */
static const pac_signature *cli_pac_signature(const pac_info *info,
                                              uint32_t type)
{
    switch (type) {
    case PAC_TYPE_SERVER_CHECKSUM:  return info->server_checksum;
    case PAC_TYPE_PRIVSVR_CHECKSUM: return info->privsvr_checksum;
    case PAC_TYPE_TICKET_CHECKSUM:  return info->ticket_checksum;
    case PAC_TYPE_FULL_CHECKSUM:    return info->full_checksum;
    default:                        return NULL;
    }
}

/* "signatures": [...] in buffer-table order. */
static void cli_pac_json_signatures(cli_json *js, const pac_info *info)
{
    const pac_signature *sig;
    size_t i;

    cli_json_key(js, "signatures");
    cli_json_array_begin(js);
    for (i = 0; i < info->buffer_count; i++) {
        sig = cli_pac_signature(info, info->buffers[i].type);
        if (sig == NULL)
            continue;
        cli_json_object_begin(js);
        cli_json_kv_uint(js, "buffer", sig->buffer_type);
        cli_json_kv_int(js, "type", sig->signature_type);
        cli_json_key(js, "signature");
        cli_json_hex(js, sig->signature, sig->signature_length);
        cli_json_key(js, "rodc_id");
        if (sig->has_rodc_id)
            cli_json_uint(js, sig->rodc_id);
        else
            cli_json_null(js);
        cli_json_object_end(js);
    }
    cli_json_array_end(js);
}

static void cli_pac_json_device_info(cli_json *js, const pac_info *info)
{
    const pac_device_info *dev = info->device_info;
    uint32_t i;

    cli_json_key(js, "device_info");
    if (dev == NULL) {
        cli_json_null(js);
        return;
    }
    cli_json_object_begin(js);
    cli_json_kv_uint(js, "user_rid", dev->user_rid);
    cli_json_kv_uint(js, "primary_group_rid", dev->primary_group_rid);
    cli_pac_json_kv_sid(js, "account_domain_sid", &dev->account_domain_sid);
    cli_pac_json_groups(js, "account_groups", dev->account_groups,
                        dev->account_group_count);
    cli_pac_json_sid_attrs(js, "extra_sids", dev->extra_sids,
                           dev->extra_sid_count);
    cli_json_key(js, "domain_groups");
    cli_json_array_begin(js);
    for (i = 0; i < dev->domain_group_count; i++) {
        cli_json_object_begin(js);
        cli_pac_json_kv_sid(js, "domain_sid",
                            &dev->domain_groups[i].domain_sid);
        cli_pac_json_groups(js, "groups", dev->domain_groups[i].groups,
                            dev->domain_groups[i].group_count);
        cli_json_object_end(js);
    }
    cli_json_array_end(js);
    cli_pac_json_sid_entries(js, "sids", info->device_sids,
                             info->device_sid_count);
    cli_json_object_end(js);
}

void cli_pac_json(cli_json *js, const pac_info *info)
{
    size_t i;

    cli_json_object_begin(js);

    cli_json_key(js, "buffers");
    cli_json_array_begin(js);
    for (i = 0; i < info->buffer_count; i++)
        cli_json_uint(js, info->buffers[i].type);
    cli_json_array_end(js);

    cli_json_key(js, "unknown_buffers");
    cli_json_array_begin(js);
    for (i = 0; i < info->buffer_count; i++) {
        if (info->buffers[i].known)
            continue;
        cli_json_object_begin(js);
        cli_json_kv_uint(js, "type", info->buffers[i].type);
        cli_json_kv_uint(js, "size", info->buffers[i].size);
        cli_json_object_end(js);
    }
    cli_json_array_end(js);

    cli_pac_json_logon_info(js, info->logon_info);
    cli_pac_json_sid_entries(js, "sids", info->sids, info->sid_count);
    cli_pac_json_upn(js, info->upn_dns_info);
    cli_pac_json_client_info(js, info->client_info);

    cli_json_key(js, "attributes_info");
    if (info->attributes_info == NULL) {
        cli_json_null(js);
    } else {
        cli_json_object_begin(js);
        cli_json_kv_uint(js, "flags_length",
                         info->attributes_info->flags_length);
        cli_json_kv_uint(js, "flags", info->attributes_info->flags);
        cli_json_object_end(js);
    }

    cli_pac_json_kv_sid(js, "requestor", info->requestor);
    cli_pac_json_signatures(js, info);
    cli_pac_json_device_info(js, info);

    cli_json_object_end(js);
}

/* --------------------------------------------------------------- human -- */

/* Write @s with control characters (C0, DEL, C1) and bytes that are not
 * UTF-8 escaped, so PAC text cannot drive the terminal.  NULL: "(null)";
 * empty: "". */
static void cli_print_text(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;

    if (s == NULL) {
        fputs("(null)", out);
        return;
    }
    if (*p == '\0') {
        fputs("\"\"", out);
        return;
    }
    while (*p != '\0') {
        if (*p < 0x20 || *p == 0x7F) {
            fprintf(out, "\\x%02x", (unsigned int)*p);
            p++;
        } else if (*p < 0x80) {
            fputc(*p, out);
            p++;
        } else if ((n = adb_utf8_len(p)) == 0) {
            fprintf(out, "\\x%02x", (unsigned int)*p);
            p++;
        } else if (p[0] == 0xC2 && p[1] < 0xA0) {   /* U+0080..U+009F */
            fprintf(out, "\\u%04x", (unsigned int)p[1]);
            p += n;
        } else {
            fwrite(p, 1, n, out);
            p += n;
        }
    }
}

/* "<indent>Label:<padding>" up to CLI_VALUE_COLUMN (at least one space). */
static void cli_print_label(FILE *out, int indent, const char *label)
{
    int used = indent + (int)strlen(label) + 1;

    fprintf(out, "%*s%s:", indent, "", label);
    fprintf(out, "%*s", used < CLI_VALUE_COLUMN ? CLI_VALUE_COLUMN - used : 1,
            "");
}

void cli_print_field(FILE *out, int indent, const char *label,
                     const char *fmt, ...)
{
    va_list ap;

    cli_print_label(out, indent, label);
    if (fmt != NULL) {      /* also keeps GCC's -fsanitize=undefined quiet */
        va_start(ap, fmt);
        vfprintf(out, fmt, ap);
        va_end(ap);
    }
    fputc('\n', out);
}

void cli_print_text_field(FILE *out, int indent, const char *label,
                          const char *text)
{
    cli_print_label(out, indent, label);
    cli_print_text(out, text);
    fputc('\n', out);
}

char *cli_format_unix_time(int64_t t, char *buf, size_t size)
{
    struct tm tm;
    time_t tt = (time_t)t;

    if (size == 0)
        return buf;
    if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL ||
        strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        snprintf(buf, size, "%" PRId64 " seconds since 1970", t);
    return buf;
}

/* A FILETIME as a UTC date, "never" (0x7FFFFFFFFFFFFFFF) or "-" (0). */
static void cli_print_filetime_field(FILE *out, int indent, const char *label,
                                     uint64_t ft)
{
    char text[64];
    int64_t t;

    if (ft == 0)
        cli_print_field(out, indent, label, "-");
    else if (ft == CLI_FILETIME_NEVER)
        cli_print_field(out, indent, label, "never");
    else if (pac_filetime_to_unix(ft, &t))
        cli_print_field(out, indent, label, "%s",
                        cli_format_unix_time(t, text, sizeof(text)));
    else
        cli_print_field(out, indent, label, "FILETIME 0x%016" PRIx64, ft);
}

/* "0x00000007 mandatory,enabled-by-default,enabled"; bits without a name in
 * @table are listed in hex. */
static void cli_print_flags(FILE *out, uint32_t value, const cli_flag *table,
                            size_t count)
{
    uint32_t rest = value;
    const char *sep = " ";
    size_t i;

    fprintf(out, "0x%08" PRIx32, value);
    for (i = 0; i < count; i++) {
        if ((rest & table[i].mask) == table[i].mask) {
            fprintf(out, "%s%s", sep, table[i].name);
            rest &= ~table[i].mask;
            sep = ",";
        }
    }
    for (i = 0; i < 32; i++) {
        uint32_t bit = UINT32_C(1) << i;

        if (rest & bit) {
            fprintf(out, "%s0x%08" PRIx32, sep, bit);
            sep = ",";
        }
    }
}

static void cli_print_flags_field(FILE *out, int indent, const char *label,
                                  uint32_t value, const cli_flag *table,
                                  size_t count)
{
    cli_print_label(out, indent, label);
    cli_print_flags(out, value, table, count);
    fputc('\n', out);
}

static void cli_print_sid_field(FILE *out, int indent, const char *label,
                                const adb_sid *sid)
{
    char text[ADB_SID_STR_MAX];

    cli_print_field(out, indent, label, "%s",
                    sid != NULL ? adb_sid_format(sid, text) : "(none)");
}

/* Width of the longest SID of a table, at least that of its heading. */
static int cli_sid_width(int width, const adb_sid *sid)
{
    char text[ADB_SID_STR_MAX];
    int len = (int)strlen(adb_sid_format(sid, text));

    return len > width ? len : width;
}

/* "<title> (N):" and a table of RID, SID (@domain + RID), attributes. */
static void cli_print_groups(FILE *out, int indent, const char *title,
                             const adb_sid *domain, const pac_group *groups,
                             uint32_t count)
{
    char text[ADB_SID_STR_MAX];
    adb_sid sid;
    int width = 3;
    uint32_t i;

    if (count == 0) {
        cli_print_field(out, indent, title, "none");
        return;
    }
    fprintf(out, "%*s%s (%" PRIu32 "):\n", indent, "", title, count);
    for (i = 0; i < count && domain != NULL; i++) {
        if (adb_sid_compose(domain, groups[i].rid, &sid) == ADB_OK)
            width = cli_sid_width(width, &sid);
    }
    fprintf(out, "%*s%-10s  %-*s  %s\n", indent + 2, "", "RID", width, "SID",
            "Attributes");
    for (i = 0; i < count; i++) {
        const char *sid_text = "-";

        if (domain != NULL &&
            adb_sid_compose(domain, groups[i].rid, &sid) == ADB_OK)
            sid_text = adb_sid_format(&sid, text);
        fprintf(out, "%*s%-10" PRIu32 "  %-*s  ", indent + 2, "",
                groups[i].rid, width, sid_text);
        cli_print_flags(out, groups[i].attributes, cli_group_flags,
                        CLI_NFLAGS(cli_group_flags));
        fputc('\n', out);
    }
}

/* "<title> (N):" and a table of SID, attributes. */
static void cli_print_sid_attrs(FILE *out, int indent, const char *title,
                                const pac_sid_attr *sids, uint32_t count)
{
    char text[ADB_SID_STR_MAX];
    int width = 3;
    uint32_t i;

    if (count == 0) {
        cli_print_field(out, indent, title, "none");
        return;
    }
    fprintf(out, "%*s%s (%" PRIu32 "):\n", indent, "", title, count);
    for (i = 0; i < count; i++)
        width = cli_sid_width(width, &sids[i].sid);
    fprintf(out, "%*s%-*s  %s\n", indent + 2, "", width, "SID", "Attributes");
    for (i = 0; i < count; i++) {
        fprintf(out, "%*s%-*s  ", indent + 2, "", width,
                adb_sid_format(&sids[i].sid, text));
        cli_print_flags(out, sids[i].attributes, cli_group_flags,
                        CLI_NFLAGS(cli_group_flags));
        fputc('\n', out);
    }
}

/* "<title> (N):" and a table of source, SID, attributes. */
static void cli_print_sid_entries(FILE *out, int indent, const char *title,
                                  const pac_sid_entry *sids, size_t count)
{
    char text[ADB_SID_STR_MAX], source[48];
    int width = 3;
    size_t i;

    if (count == 0) {
        cli_print_field(out, indent, title, "none");
        return;
    }
    fprintf(out, "%*s%s (%zu):\n", indent, "", title, count);
    for (i = 0; i < count; i++)
        width = cli_sid_width(width, &sids[i].sid);
    fprintf(out, "%*s%-22s  %-*s  %s\n", indent + 2, "", "Source", width,
            "SID", "Attributes");
    for (i = 0; i < count; i++) {
        if (sids[i].source == PAC_SID_USER ||
            sids[i].source == PAC_SID_PRIMARY_GROUP)
            snprintf(source, sizeof(source), "%s",
                     pac_sid_source_name(sids[i].source));
        else
            snprintf(source, sizeof(source), "%s[%" PRIu32 "]",
                     pac_sid_source_name(sids[i].source), sids[i].index);
        fprintf(out, "%*s%-22s  %-*s  ", indent + 2, "", source, width,
                adb_sid_format(&sids[i].sid, text));
        cli_print_flags(out, sids[i].attributes, cli_group_flags,
                        CLI_NFLAGS(cli_group_flags));
        fputc('\n', out);
    }
}

static void cli_print_logon_info(FILE *out, const pac_logon_info *li)
{
    char text[ADB_SID_STR_MAX];
    adb_sid user;

    fputs("Logon info (KERB_VALIDATION_INFO):\n", out);
    cli_print_text_field(out, 2, "Effective name", li->effective_name);
    cli_print_text_field(out, 2, "Full name", li->full_name);
    cli_print_text_field(out, 2, "Logon script", li->logon_script);
    cli_print_text_field(out, 2, "Profile path", li->profile_path);
    cli_print_text_field(out, 2, "Home directory", li->home_directory);
    cli_print_text_field(out, 2, "Home drive", li->home_directory_drive);
    cli_print_text_field(out, 2, "Logon server", li->logon_server);
    cli_print_text_field(out, 2, "Logon domain", li->logon_domain);
    cli_print_sid_field(out, 2, "Domain SID", &li->domain_sid);
    if (adb_sid_compose(&li->domain_sid, li->user_rid, &user) == ADB_OK)
        cli_print_field(out, 2, "User RID", "%-10" PRIu32 "  %s",
                        li->user_rid, adb_sid_format(&user, text));
    else
        cli_print_field(out, 2, "User RID", "%" PRIu32, li->user_rid);
    if (adb_sid_compose(&li->domain_sid, li->primary_group_rid, &user) ==
        ADB_OK)
        cli_print_field(out, 2, "Primary group RID", "%-10" PRIu32 "  %s",
                        li->primary_group_rid, adb_sid_format(&user, text));
    else
        cli_print_field(out, 2, "Primary group RID", "%" PRIu32,
                        li->primary_group_rid);
    cli_print_flags_field(out, 2, "User flags", li->user_flags,
                          cli_user_flags, CLI_NFLAGS(cli_user_flags));
    cli_print_flags_field(out, 2, "Account control", li->user_account_control,
                          cli_uac_flags, CLI_NFLAGS(cli_uac_flags));
    cli_print_field(out, 2, "Logon count", "%u", (unsigned)li->logon_count);
    cli_print_field(out, 2, "Bad password count", "%u",
                    (unsigned)li->bad_password_count);
    cli_print_filetime_field(out, 2, "Logon time", li->logon_time);
    cli_print_filetime_field(out, 2, "Logoff time", li->logoff_time);
    cli_print_filetime_field(out, 2, "Kickoff time", li->kickoff_time);
    cli_print_filetime_field(out, 2, "Password last set",
                             li->password_last_set);
    cli_print_filetime_field(out, 2, "Password can change",
                             li->password_can_change);
    cli_print_filetime_field(out, 2, "Password must change",
                             li->password_must_change);
    cli_print_filetime_field(out, 2, "Last successful logon",
                             li->last_successful_ilogon);
    cli_print_filetime_field(out, 2, "Last failed logon",
                             li->last_failed_ilogon);
    cli_print_field(out, 2, "Failed logon count", "%" PRIu32,
                    li->failed_ilogon_count);
    cli_print_field(out, 2, "Sub-auth status", "0x%08" PRIx32,
                    li->sub_auth_status);
    cli_print_groups(out, 2, "Groups", &li->domain_sid, li->groups,
                     li->group_count);
    cli_print_sid_attrs(out, 2, "Extra SIDs", li->extra_sids,
                        li->extra_sid_count);
    cli_print_sid_field(out, 2, "Resource domain SID",
                        li->has_resource_domain_sid
                            ? &li->resource_domain_sid : NULL);
    cli_print_groups(out, 2, "Resource groups",
                     li->has_resource_domain_sid
                         ? &li->resource_domain_sid : NULL,
                     li->resource_groups, li->resource_group_count);
}

static void cli_print_device_info(FILE *out, const pac_info *info)
{
    const pac_device_info *dev = info->device_info;
    char title[96], text[ADB_SID_STR_MAX];
    uint32_t i;

    fputs("Device info:\n", out);
    cli_print_field(out, 2, "User RID", "%" PRIu32, dev->user_rid);
    cli_print_field(out, 2, "Primary group RID", "%" PRIu32,
                    dev->primary_group_rid);
    cli_print_sid_field(out, 2, "Account domain SID",
                        &dev->account_domain_sid);
    cli_print_groups(out, 2, "Account groups", &dev->account_domain_sid,
                     dev->account_groups, dev->account_group_count);
    cli_print_sid_attrs(out, 2, "Extra SIDs", dev->extra_sids,
                        dev->extra_sid_count);
    for (i = 0; i < dev->domain_group_count; i++) {
        const pac_domain_groups *dg = &dev->domain_groups[i];

        snprintf(title, sizeof(title), "Groups of %s",
                 adb_sid_format(&dg->domain_sid, text));
        cli_print_groups(out, 2, title, &dg->domain_sid, dg->groups,
                         dg->group_count);
    }
    cli_print_sid_entries(out, 2, "Device SIDs", info->device_sids,
                          info->device_sid_count);
}

static const char *cli_checksum_name(int32_t type)
{
    switch (type) {
    case -138: return "hmac-md5";
    case 15:   return "hmac-sha1-96-aes128";
    case 16:   return "hmac-sha1-96-aes256";
    case 19:   return "hmac-sha256-128-aes128";
    case 20:   return "hmac-sha384-192-aes256";
    default:   return "unknown";
    }
}

static void cli_print_signatures(FILE *out, const pac_info *info)
{
    const pac_signature *sig;
    char rodc[16];
    size_t i, n = 0;
    uint32_t k;

    for (i = 0; i < info->buffer_count; i++) {
        if (cli_pac_signature(info, info->buffers[i].type) != NULL)
            n++;
    }
    if (n == 0) {
        cli_print_field(out, 0, "Signatures", "none");
        return;
    }
    fprintf(out, "Signatures (%zu):\n", n);
    fprintf(out, "  %-17s  %-29s  %-5s  %s\n", "Buffer", "Type", "RODC",
            "Signature");
    for (i = 0; i < info->buffer_count; i++) {
        char type[40];

        sig = cli_pac_signature(info, info->buffers[i].type);
        if (sig == NULL)
            continue;
        snprintf(type, sizeof(type), "%s (%" PRId32 ")",
                 cli_checksum_name(sig->signature_type), sig->signature_type);
        if (sig->has_rodc_id)
            snprintf(rodc, sizeof(rodc), "%u", (unsigned)sig->rodc_id);
        else
            snprintf(rodc, sizeof(rodc), "-");
        fprintf(out, "  %-17s  %-29s  %-5s  ",
                pac_buffer_type_name(sig->buffer_type), type, rodc);
        for (k = 0; k < sig->signature_length; k++)
            fprintf(out, "%02x", (unsigned int)sig->signature[k]);
        fputc('\n', out);
    }
}

void cli_pac_print(FILE *out, const pac_info *info)
{
    const pac_upn_dns_info *upn = info->upn_dns_info;
    const pac_client_info *ci = info->client_info;
    const pac_attributes_info *ai = info->attributes_info;
    const char *sep = "";
    size_t i, unknown = 0;

    fprintf(out, "PAC buffers (%zu):\n", info->buffer_count);
    fprintf(out, "  %10s  %8s  %s\n", "Type", "Size", "Name");
    for (i = 0; i < info->buffer_count; i++) {
        const pac_buffer_desc *b = &info->buffers[i];

        fprintf(out, "  %10" PRIu32 "  %8" PRIu32 "  %s%s\n", b->type,
                b->size, pac_buffer_type_name(b->type),
                b->known ? "" : " (not decoded)");
        if (!b->known)
            unknown++;
    }

    if (info->logon_info != NULL)
        cli_print_logon_info(out, info->logon_info);
    else
        cli_print_field(out, 0, "Logon info",
                        "none (no LOGON_INFO: this PAC carries no groups)");
    cli_print_sid_entries(out, 0, "SIDs", info->sids, info->sid_count);

    if (upn != NULL) {
        fputs("UPN and DNS info:\n", out);
        cli_print_text_field(out, 2, "UPN", upn->upn);
        cli_print_text_field(out, 2, "DNS domain", upn->dns_domain);
        cli_print_flags_field(out, 2, "Flags", upn->flags, cli_upn_flags,
                              CLI_NFLAGS(cli_upn_flags));
        if (upn->flags & PAC_UPN_FLAG_EXTENDED) {
            cli_print_text_field(out, 2, "SAM name", upn->sam_name);
            cli_print_sid_field(out, 2, "SID",
                                upn->has_sid ? &upn->sid : NULL);
        }
    }
    if (ci != NULL) {
        fputs("Client info:\n", out);
        cli_print_text_field(out, 2, "Name", ci->name);
        cli_print_filetime_field(out, 2, "Client ID (authtime)",
                                 ci->client_id);
    }
    if (ai != NULL) {
        fputs("PAC attributes:\n", out);
        cli_print_field(out, 2, "Flags length", "%" PRIu32 " bits",
                        ai->flags_length);
        cli_print_flags_field(out, 2, "Flags", ai->flags,
                              cli_attributes_flags,
                              CLI_NFLAGS(cli_attributes_flags));
    }
    if (info->requestor != NULL)
        cli_print_sid_field(out, 0, "Requestor SID", info->requestor);
    if (info->device_info != NULL)
        cli_print_device_info(out, info);
    cli_print_signatures(out, info);

    if (unknown > 0) {
        cli_print_label(out, 0, "Unknown buffers");
        for (i = 0; i < info->buffer_count; i++) {
            if (info->buffers[i].known)
                continue;
            fprintf(out, "%s%" PRIu32, sep, info->buffers[i].type);
            sep = ", ";
        }
        fputc('\n', out);
    }
}
