/* SPDX-License-Identifier: MIT */
/* pac_ndr.c - NDR primitives for MS-PAC (see pac_ndr.h). */
#include "pac_ndr.h"

#include <stddef.h>
#include <string.h>

#include "adb_utf16.h"

adb_err pac_ndr_envelope(adb_rd *buf, adb_rd *stream)
{
    uint8_t version = 0, endian = 0;
    uint16_t hdr_len = 0;
    uint32_t filler = 0, obj_len = 0, filler2 = 0;
    adb_err ret;

    ret = adb_rd_u8(buf, "TypeSerialization.Version", &version);
    if (!ret && version != 1)
        ret = adb_rd_fail(buf, ADB_ERR_MALFORMED, "TypeSerialization.Version",
                          "version %u, expected 1", version);
    if (!ret)
        ret = adb_rd_u8(buf, "TypeSerialization.Endianness", &endian);
    if (!ret && endian != 0x10)
        ret = adb_rd_fail(buf, ADB_ERR_MALFORMED,
                          "TypeSerialization.Endianness",
                          "0x%02x, only little-endian (0x10) is used in PACs",
                          endian);
    if (!ret)
        ret = adb_rd_u16(buf, "TypeSerialization.CommonHeaderLength", &hdr_len);
    if (!ret && hdr_len != 8)
        ret = adb_rd_fail(buf, ADB_ERR_MALFORMED,
                          "TypeSerialization.CommonHeaderLength",
                          "%u, expected 8", hdr_len);
    if (!ret)
        ret = adb_rd_u32(buf, "TypeSerialization.Filler", &filler);
    if (!ret)
        ret = adb_rd_u32(buf, "TypeSerialization.ObjectBufferLength", &obj_len);
    if (!ret && obj_len % 8 != 0)
        ret = adb_rd_fail(buf, ADB_ERR_MALFORMED,
                          "TypeSerialization.ObjectBufferLength",
                          "%u is not a multiple of 8", obj_len);
    if (!ret && obj_len != adb_rd_remaining(buf) - 4 &&
        adb_rd_remaining(buf) >= 4)
        ret = adb_rd_fail(buf, ADB_ERR_MALFORMED,
                          "TypeSerialization.ObjectBufferLength",
                          "%u, but the buffer holds %zu bytes of data", obj_len,
                          adb_rd_remaining(buf) - 4);
    if (!ret)
        ret = adb_rd_u32(buf, "TypeSerialization.Filler", &filler2);
    if (!ret)
        ret = adb_rd_sub(buf, obj_len, "TypeSerialization.Object", stream);
    if (!ret)
        ret = adb_rd_expect_end(buf, "TypeSerialization");
    (void)filler;
    (void)filler2;
    return ret;
}

adb_err pac_ndr_end(adb_rd *stream)
{
    if (adb_rd_failed(stream))
        return stream->diag->status;
    if (adb_rd_remaining(stream) >= 8)
        return adb_rd_fail(stream, ADB_ERR_MALFORMED, "NDR stream",
                           "%zu bytes left after the last field",
                           adb_rd_remaining(stream));
    return adb_rd_skip(stream, adb_rd_remaining(stream), "NDR padding");
}

adb_err pac_ndr_ustr_hdr(adb_rd *rd, const char *field, pac_ndr_ustr *out)
{
    pac_ndr_ustr s = { 0, 0, false };
    size_t start;
    adb_err ret;

    ret = adb_rd_align(rd, 4, field);
    start = rd->off;
    if (!ret)
        ret = adb_rd_u16(rd, field, &s.length);
    if (!ret)
        ret = adb_rd_u16(rd, field, &s.max_length);
    if (!ret)
        ret = pac_ndr_ptr(rd, field, &s.present);
    if (ret)
        return ret;
    if (s.length % 2 != 0 || s.max_length % 2 != 0 ||
        s.length > s.max_length) {
        rd->off = start;
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "string Length %u / MaximumLength %u invalid",
                           s.length, s.max_length);
    }
    if (!s.present && s.length != 0) {
        rd->off = start;
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "string of %u bytes with a NULL pointer",
                           s.length);
    }
    *out = s;
    return ADB_OK;
}

adb_err pac_ndr_ustr_body(adb_rd *rd, const pac_ndr_ustr *hdr,
                          const char *field, adb_arena *arena,
                          const char **out)
{
    uint32_t max_count = 0, offset = 0, actual = 0;
    const char *s = NULL;
    adb_err ret;

    if (!hdr->present) {
        if (adb_rd_failed(rd))
            return rd->diag->status;
        *out = NULL;
        return ADB_OK;
    }
    ret = adb_rd_align(rd, 4, field);
    if (!ret)
        ret = adb_rd_u32(rd, field, &max_count);
    if (!ret)
        ret = adb_rd_u32(rd, field, &offset);
    if (!ret)
        ret = adb_rd_u32(rd, field, &actual);
    if (ret)
        return ret;
    if (offset != 0)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "conformant varying Offset %u, expected 0", offset);
    if (actual > max_count || (uint64_t)max_count * 2 != hdr->max_length ||
        (uint64_t)actual * 2 != hdr->length)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "counts MaxCount %u ActualCount %u do not match "
                           "MaximumLength %u Length %u",
                           max_count, actual, hdr->max_length, hdr->length);
    ret = adb_utf16_read(rd, actual, field, arena, &s);
    if (!ret)
        *out = s;
    return ret;
}

adb_err pac_ndr_sid(adb_rd *rd, const char *field, adb_sid *out)
{
    uint32_t max_count = 0;
    adb_err ret;

    ret = adb_rd_align(rd, 4, field);
    if (!ret)
        ret = adb_rd_u32(rd, field, &max_count);
    if (ret)
        return ret;
    if (max_count > ADB_SID_MAX_SUBAUTH)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "SID conformant size %u exceeds 15", max_count);
    return adb_sid_read(rd, field, (int)max_count, out);
}

adb_err pac_ndr_array_hdr(adb_rd *rd, const char *field, uint32_t count,
                          size_t elem_size)
{
    uint32_t max_count = 0;
    adb_err ret;

    ret = adb_rd_align(rd, 4, field);
    if (!ret)
        ret = adb_rd_u32(rd, field, &max_count);
    if (ret)
        return ret;
    if (max_count != count)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "array MaxCount %u != count %u", max_count, count);
    if (count > adb_rd_remaining(rd) / elem_size)
        return adb_rd_fail(rd, ADB_ERR_TRUNCATED, field,
                           "%u elements of %zu bytes, %zu bytes left", count,
                           elem_size, adb_rd_remaining(rd));
    return ADB_OK;
}

adb_err pac_ndr_count_ptr(adb_rd *rd, const char *field, uint32_t count,
                          bool present, uint32_t cap)
{
    if (adb_rd_failed(rd))
        return rd->diag->status;
    if (count > cap)
        return adb_rd_fail(rd, ADB_ERR_LIMIT, field,
                           "count %u exceeds the limit of %u", count, cap);
    if (count > 0 && !present)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "count %u with a NULL array pointer", count);
    return ADB_OK;
}

#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
/* Little-endian ULONG from bytes the reader already bounds-checked. */
static inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}
#endif

adb_err pac_ndr_groups(adb_rd *rd, const char *field, uint32_t count,
                       adb_arena *arena, const pac_group **out)
{
    const uint8_t *p = NULL;
    pac_group *g;
    uint32_t i;
    adb_err ret;

    ret = pac_ndr_array_hdr(rd, field, count, 8);
    if (ret)
        return ret;
    g = adb_arena_array_uninit(arena, count, sizeof(*g));
    if (g == NULL)
        return adb_rd_fail(rd, ADB_ERR_NOMEM, field, "allocating %u groups",
                           count);
    /* One bounds check for the whole array (count * 8 <= remaining was
     * checked above), then plain loads; on a little-endian host the wire
     * array is a pac_group array already. */
    ret = adb_rd_bytes(rd, (size_t)count * 8, field, &p);
    if (ret)
        return ret;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    _Static_assert(sizeof(pac_group) == 8 &&
                   offsetof(pac_group, rid) == 0 &&
                   offsetof(pac_group, attributes) == 4,
                   "pac_group is the wire's GROUP_MEMBERSHIP");
    (void)i;
    if (count > 0)
        memcpy(g, p, (size_t)count * 8);
#else
    for (i = 0; i < count; i++) {
        g[i].rid = le32(p + 8 * (size_t)i);
        g[i].attributes = le32(p + 8 * (size_t)i + 4);
    }
#endif
    *out = g;
    return ADB_OK;
}

adb_err pac_ndr_sid_attrs(adb_rd *rd, const char *field, uint32_t count,
                          adb_arena *arena, const pac_sid_attr **out)
{
    pac_sid_attr *s;
    uint32_t i;
    bool present = false;
    adb_err ret;

    ret = pac_ndr_array_hdr(rd, field, count, 8);
    if (ret)
        return ret;
    s = adb_arena_array(arena, count, sizeof(*s));
    if (s == NULL)
        return adb_rd_fail(rd, ADB_ERR_NOMEM, field, "allocating %u SIDs",
                           count);
    for (i = 0; i < count && !ret; i++) {
        ret = pac_ndr_ptr(rd, field, &present);
        if (!ret && !present)
            ret = adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                              "element %u has a NULL SID", i);
        if (!ret)
            ret = adb_rd_u32(rd, field, &s[i].attributes);
    }
    for (i = 0; i < count && !ret; i++)
        ret = pac_ndr_sid(rd, field, &s[i].sid);
    if (!ret)
        *out = s;
    return ret;
}
