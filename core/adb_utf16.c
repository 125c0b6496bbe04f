/* SPDX-License-Identifier: MIT */
/* adb_utf16.c - strict UTF-16LE to UTF-8 conversion. */
#include "adb_utf16.h"

adb_err adb_utf16_read(adb_rd *rd, size_t units, const char *field,
                       adb_arena *arena, const char **out)
{
    const uint8_t *p;
    char *s, *w;
    size_t i, start = rd->off;
    adb_err ret;

    if (units > SIZE_MAX / 2 / 3)
        return adb_rd_fail(rd, ADB_ERR_LIMIT, field, "string too long");
    ret = adb_rd_bytes(rd, units * 2, field, &p);
    if (ret)
        return ret;
    /* Each code unit yields at most 3 UTF-8 bytes (a pair yields 4 for 2). */
    s = adb_arena_array_uninit(arena, units * 3 + 1, 1);  /* all written */
    if (s == NULL) {
        rd->off = start;
        return adb_rd_fail(rd, ADB_ERR_NOMEM, field, "allocating string");
    }
    w = s;
    for (i = 0; i < units; i++) {
        uint32_t c = (uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8;

        if (c - 1u < 0x7Fu) {         /* U+0001..U+007F, most names */
            *w++ = (char)c;
            continue;
        }
        if (c >= 0xD800 && c <= 0xDBFF) {
            uint32_t lo;

            if (i + 1 == units)
                goto bad;
            lo = (uint32_t)p[2 * i + 2] | (uint32_t)p[2 * i + 3] << 8;
            if (lo < 0xDC00 || lo > 0xDFFF)
                goto bad;
            c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
            i++;
        } else if ((c >= 0xDC00 && c <= 0xDFFF) || c == 0) {
            goto bad;
        }
        if (c < 0x80) {
            *w++ = (char)c;
        } else if (c < 0x800) {
            *w++ = (char)(0xC0 | c >> 6);
            *w++ = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            *w++ = (char)(0xE0 | c >> 12);
            *w++ = (char)(0x80 | (c >> 6 & 0x3F));
            *w++ = (char)(0x80 | (c & 0x3F));
        } else {
            *w++ = (char)(0xF0 | c >> 18);
            *w++ = (char)(0x80 | (c >> 12 & 0x3F));
            *w++ = (char)(0x80 | (c >> 6 & 0x3F));
            *w++ = (char)(0x80 | (c & 0x3F));
        }
    }
    *w = '\0';
    *out = s;
    return ADB_OK;

bad:
    rd->off = start + 2 * i;
    ret = adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                      "invalid UTF-16 code unit at index %zu", i);
    rd->off = start;
    return ret;
}
