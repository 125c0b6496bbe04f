/* SPDX-License-Identifier: MIT */
/*
 * pac_buffers.c - the PAC buffers that are plain little-endian structures
 * rather than NDR: CLIENT_INFO, UPN_DNS_INFO, ATTRIBUTES_INFO, REQUESTOR and
 * the PAC_SIGNATURE_DATA buffers.  Each decoder reads exactly its buffer.
 */
#include <string.h>

#include "adb_utf16.h"
#include "pac.h"

/*
 * MS-PAC 2.7 PAC_CLIENT_INFO:
 *   FILETIME ClientId; USHORT NameLength; WCHAR Name[NameLength / 2];
 */
adb_err pac_decode_client_info(adb_rd *rd, adb_arena *arena,
                               pac_client_info **out)
{
    pac_client_info *ci;
    uint16_t name_len = 0;
    adb_err ret;

    ci = adb_arena_alloc(arena, sizeof(*ci));
    if (ci == NULL)
        return adb_rd_fail(rd, ADB_ERR_NOMEM, "CLIENT_INFO", "allocating");
    ret = adb_rd_u64(rd, "ClientId", &ci->client_id);
    if (!ret)
        ret = adb_rd_u16(rd, "NameLength", &name_len);
    if (!ret && name_len % 2 != 0)
        ret = adb_rd_fail(rd, ADB_ERR_MALFORMED, "NameLength",
                          "odd byte length %u for UTF-16", name_len);
    if (!ret)
        ret = adb_utf16_read(rd, name_len / 2u, "Name", arena, &ci->name);
    if (!ret)
        ret = adb_rd_expect_end(rd, "CLIENT_INFO");
    if (!ret)
        *out = ci;
    return ret;
}

/*
 * One UPN_DNS_INFO string: @len bytes at @off from the buffer start.  Every
 * part must lie within the buffer and, unless it is empty at offset 0, after
 * the header.  An empty part is "" (as Samba reads it), never NULL.
 */
static adb_err upn_string(adb_rd *rd, uint16_t len, uint16_t off,
                          size_t header_len, const char *field,
                          adb_arena *arena, const char **out)
{
    adb_rd sub;
    adb_err ret;

    if (len % 2 != 0)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "odd byte length %u for UTF-16", len);
    if (off < header_len && !(len == 0 && off == 0))
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "offset %u points into the %zu-byte header", off,
                           header_len);
    ret = adb_rd_sub_at(rd, off, len, field, &sub);
    if (!ret)
        ret = adb_utf16_read(&sub, len / 2u, field, arena, out);
    return ret;
}

/*
 * MS-PAC 2.10 UPN_DNS_INFO:
 *   USHORT UpnLength; USHORT UpnOffset;
 *   USHORT DnsDomainNameLength; USHORT DnsDomainNameOffset;
 *   ULONG Flags;
 *   -- if Flags & 0x2 (S): --
 *   USHORT SamNameLength; USHORT SamNameOffset;
 *   USHORT SidLength; USHORT SidOffset;
 * Offsets are from the start of the buffer; strings are UTF-16LE without
 * NUL; the SID is binary (MS-DTYP 2.4.2.2).  Parts must lie within the
 * buffer and not inside the header; they may be in any order.
 */
adb_err pac_decode_upn_dns_info(adb_rd *rd, adb_arena *arena,
                                pac_upn_dns_info **out)
{
    pac_upn_dns_info *u;
    uint16_t upn_len = 0, upn_off = 0, dns_len = 0, dns_off = 0;
    uint16_t sam_len = 0, sam_off = 0, sid_len = 0, sid_off = 0;
    size_t header_len = 12;
    adb_rd sub;
    adb_err ret;

    u = adb_arena_alloc(arena, sizeof(*u));
    if (u == NULL)
        return adb_rd_fail(rd, ADB_ERR_NOMEM, "UPN_DNS_INFO", "allocating");
    adb_rd_u16(rd, "UpnLength", &upn_len);
    adb_rd_u16(rd, "UpnOffset", &upn_off);
    adb_rd_u16(rd, "DnsDomainNameLength", &dns_len);
    adb_rd_u16(rd, "DnsDomainNameOffset", &dns_off);
    adb_rd_u32(rd, "Flags", &u->flags);
    if (u->flags & PAC_UPN_FLAG_EXTENDED) {
        header_len = 20;
        adb_rd_u16(rd, "SamNameLength", &sam_len);
        adb_rd_u16(rd, "SamNameOffset", &sam_off);
        adb_rd_u16(rd, "SidLength", &sid_len);
        adb_rd_u16(rd, "SidOffset", &sid_off);
    }
    if (adb_rd_failed(rd))
        return rd->diag->status;

    ret = upn_string(rd, upn_len, upn_off, header_len, "Upn", arena,
                     &u->upn);
    if (!ret)
        ret = upn_string(rd, dns_len, dns_off, header_len, "DnsDomainName",
                         arena, &u->dns_domain);
    if (!ret && (u->flags & PAC_UPN_FLAG_EXTENDED)) {
        ret = upn_string(rd, sam_len, sam_off, header_len, "SamName", arena,
                         &u->sam_name);
        if (!ret && sid_off < header_len)
            ret = adb_rd_fail(rd, ADB_ERR_MALFORMED, "Sid",
                              "offset %u points into the header", sid_off);
        if (!ret)
            ret = adb_rd_sub_at(rd, sid_off, sid_len, "Sid", &sub);
        if (!ret)
            ret = adb_sid_read(&sub, "Sid", -1, &u->sid);
        if (!ret)
            ret = adb_rd_expect_end(&sub, "Sid");
        if (!ret)
            u->has_sid = true;
    }
    /* The parts address the buffer; the cursor stops after the header. */
    if (!ret)
        rd->off = rd->len;
    if (!ret)
        *out = u;
    return ret;
}

/*
 * MS-PAC 2.14 PAC_ATTRIBUTES_INFO:
 *   ULONG FlagsLength;                  -- in bits
 *   ULONG Flags[(FlagsLength + 31) / 32];
 */
adb_err pac_decode_attributes_info(adb_rd *rd, adb_arena *arena,
                                   pac_attributes_info **out)
{
    pac_attributes_info *a;
    uint32_t words, i, w = 0;
    adb_err ret;

    a = adb_arena_alloc(arena, sizeof(*a));
    if (a == NULL)
        return adb_rd_fail(rd, ADB_ERR_NOMEM, "ATTRIBUTES_INFO", "allocating");
    ret = adb_rd_u32(rd, "FlagsLength", &a->flags_length);
    if (ret)
        return ret;
    words = a->flags_length / 32 + (a->flags_length % 32 != 0);
    if (words > adb_rd_remaining(rd) / 4)
        return adb_rd_fail(rd, ADB_ERR_TRUNCATED, "Flags",
                           "FlagsLength %u bits needs %u words, %zu bytes "
                           "left", a->flags_length, words,
                           adb_rd_remaining(rd));
    for (i = 0; i < words && !ret; i++) {
        ret = adb_rd_u32(rd, "Flags", &w);
        if (!ret && i == 0)
            a->flags = w;
    }
    if (!ret)
        ret = adb_rd_expect_end(rd, "ATTRIBUTES_INFO");
    if (!ret)
        *out = a;
    return ret;
}

/* MS-PAC 2.15 PAC_REQUESTOR: SID Sid (binary form, MS-DTYP 2.4.2.2). */
adb_err pac_decode_requestor(adb_rd *rd, adb_arena *arena, adb_sid **out)
{
    adb_sid *sid;
    adb_err ret;

    sid = adb_arena_alloc(arena, sizeof(*sid));
    if (sid == NULL)
        return adb_rd_fail(rd, ADB_ERR_NOMEM, "REQUESTOR", "allocating");
    ret = adb_sid_read(rd, "Sid", -1, sid);
    if (!ret)
        ret = adb_rd_expect_end(rd, "REQUESTOR");
    if (!ret)
        *out = sid;
    return ret;
}

/* Signature length of a checksum type (MS-PAC 2.8.1), 0 if unknown. */
static uint32_t signature_length(int32_t type)
{
    switch (type) {
    case -138:  /* KERB_CHECKSUM_HMAC_MD5 */
        return 16;
    case 15:    /* HMAC_SHA1_96_AES128 */
    case 16:    /* HMAC_SHA1_96_AES256 */
        return 12;
    case 19:    /* hmac-sha256-128-aes128 (RFC 8009) */
        return 16;
    case 20:    /* hmac-sha384-192-aes256 (RFC 8009) */
        return 24;
    default:
        return 0;
    }
}

/*
 * MS-PAC 2.8 PAC_SIGNATURE_DATA:
 *   ULONG SignatureType; UCHAR Signature[len by type];
 *   USHORT RODCIdentifier;   -- optional, KDC signatures made by an RODC
 * An unknown SignatureType is malformed: nobody could verify it.
 */
adb_err pac_decode_signature(adb_rd *rd, uint32_t buffer_type,
                             adb_arena *arena, pac_signature **out)
{
    pac_signature *s;
    uint32_t type = 0;
    const uint8_t *bytes = NULL;
    uint8_t *copy;
    adb_err ret;

    s = adb_arena_alloc(arena, sizeof(*s));
    if (s == NULL)
        return adb_rd_fail(rd, ADB_ERR_NOMEM, "PAC_SIGNATURE_DATA",
                           "allocating");
    ret = adb_rd_u32(rd, "SignatureType", &type);
    if (ret)
        return ret;
    s->buffer_type = buffer_type;
    s->signature_type = (int32_t)type;
    s->signature_length = signature_length(s->signature_type);
    if (s->signature_length == 0) {
        rd->off -= 4;
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, "SignatureType",
                           "unknown checksum type %d", s->signature_type);
    }
    ret = adb_rd_bytes(rd, s->signature_length, "Signature", &bytes);
    if (ret)
        return ret;
    if (adb_rd_remaining(rd) == 2) {
        ret = adb_rd_u16(rd, "RODCIdentifier", &s->rodc_id);
        s->has_rodc_id = true;
    }
    if (!ret)
        ret = adb_rd_expect_end(rd, "PAC_SIGNATURE_DATA");
    if (ret)
        return ret;
    copy = adb_arena_alloc(arena, s->signature_length);
    if (copy == NULL)
        return adb_rd_fail(rd, ADB_ERR_NOMEM, "Signature", "allocating");
    memcpy(copy, bytes, s->signature_length);
    s->signature = copy;
    *out = s;
    return ADB_OK;
}
