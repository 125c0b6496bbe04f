/* SPDX-License-Identifier: MIT */
/* adb_rd.c - the bounded reader (see adb_rd.h for the contract). */
#include "adb_rd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void adb_rd_init(adb_rd *rd, const void *data, size_t len, size_t origin,
                 adb_diag *diag)
{
    rd->base = data;
    rd->len = data == NULL ? 0 : len;
    rd->off = 0;
    rd->origin = origin;
    rd->diag = diag;
}

adb_err adb_rd_fail(adb_rd *rd, adb_err status, const char *field,
                    const char *fmt, ...)
{
    adb_diag *d = rd->diag;
    va_list ap;

    if (d->status != ADB_OK)
        return d->status;
    d->status = status;
    d->field = field;
    d->offset = adb_rd_pos(rd);
    va_start(ap, fmt);
    vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
    va_end(ap);
    return status;
}

/* Common precondition of every getter: no sticky error, @n bytes left. */
static adb_err need(adb_rd *rd, size_t n, const char *field)
{
    if (rd->diag->status != ADB_OK)
        return rd->diag->status;
    if (n > rd->len - rd->off)
        return adb_rd_fail(rd, ADB_ERR_TRUNCATED, field,
                           "needs %zu bytes, %zu left", n, rd->len - rd->off);
    return ADB_OK;
}

adb_err adb_rd_u8_checked(adb_rd *rd, const char *field, uint8_t *out)
{
    adb_err ret = need(rd, 1, field);

    if (ret)
        return ret;
    *out = rd->base[rd->off];
    rd->off += 1;
    return ADB_OK;
}

adb_err adb_rd_u16_checked(adb_rd *rd, const char *field, uint16_t *out)
{
    const uint8_t *p;
    adb_err ret = need(rd, 2, field);

    if (ret)
        return ret;
    p = rd->base + rd->off;
    *out = (uint16_t)(p[0] | (uint16_t)p[1] << 8);
    rd->off += 2;
    return ADB_OK;
}

adb_err adb_rd_u32_checked(adb_rd *rd, const char *field, uint32_t *out)
{
    const uint8_t *p;
    adb_err ret = need(rd, 4, field);

    if (ret)
        return ret;
    p = rd->base + rd->off;
    *out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
    rd->off += 4;
    return ADB_OK;
}

adb_err adb_rd_u64(adb_rd *rd, const char *field, uint64_t *out)
{
    const uint8_t *p;
    uint64_t v;
    adb_err ret = need(rd, 8, field);

    if (ret)
        return ret;
    p = rd->base + rd->off;
    v = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
        (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
        (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
    *out = v;
    rd->off += 8;
    return ADB_OK;
}

adb_err adb_rd_be48(adb_rd *rd, const char *field, uint64_t *out)
{
    const uint8_t *p;
    uint64_t v = 0;
    int i;
    adb_err ret = need(rd, 6, field);

    if (ret)
        return ret;
    p = rd->base + rd->off;
    for (i = 0; i < 6; i++)
        v = v << 8 | p[i];
    *out = v;
    rd->off += 6;
    return ADB_OK;
}

adb_err adb_rd_bytes(adb_rd *rd, size_t n, const char *field,
                     const uint8_t **out)
{
    adb_err ret = need(rd, n, field);

    if (ret)
        return ret;
    *out = rd->base + rd->off;
    rd->off += n;
    return ADB_OK;
}

adb_err adb_rd_skip(adb_rd *rd, size_t n, const char *field)
{
    adb_err ret = need(rd, n, field);

    if (ret)
        return ret;
    rd->off += n;
    return ADB_OK;
}

adb_err adb_rd_sub(adb_rd *rd, size_t n, const char *field, adb_rd *child)
{
    adb_err ret = need(rd, n, field);

    if (ret)
        return ret;
    child->base = rd->base + rd->off;
    child->len = n;
    child->off = 0;
    child->origin = rd->origin + rd->off;
    child->diag = rd->diag;
    rd->off += n;
    return ADB_OK;
}

adb_err adb_rd_sub_at(adb_rd *rd, size_t at, size_t n, const char *field,
                      adb_rd *child)
{
    size_t saved = rd->off;
    adb_err ret;

    if (rd->diag->status != ADB_OK)
        return rd->diag->status;
    if (at > rd->len)
        return adb_rd_fail(rd, ADB_ERR_TRUNCATED, field,
                           "offset %zu beyond end (%zu bytes)", at, rd->len);
    rd->off = at;
    ret = adb_rd_sub(rd, n, field, child);
    rd->off = saved;
    return ret;
}

adb_err adb_rd_expect_end(adb_rd *rd, const char *field)
{
    if (rd->diag->status != ADB_OK)
        return rd->diag->status;
    if (rd->off != rd->len)
        return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                           "%zu unexpected trailing bytes", rd->len - rd->off);
    return ADB_OK;
}

adb_err adb_rd_expect_zero_tail(adb_rd *rd, const char *field)
{
    size_t i;

    if (rd->diag->status != ADB_OK)
        return rd->diag->status;
    for (i = rd->off; i < rd->len; i++) {
        if (rd->base[i] != 0) {
            rd->off = i;
            return adb_rd_fail(rd, ADB_ERR_MALFORMED, field,
                               "non-zero byte in trailing padding");
        }
    }
    rd->off = rd->len;
    return ADB_OK;
}

char *adb_diag_format(const adb_diag *diag, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    if (diag->status == ADB_OK) {
        snprintf(buf, size, "no error");
        return buf;
    }
    snprintf(buf, size, "%s%s%s at offset %zu (0x%zx): %s%s%s",
             diag->context ? diag->context : "",
             diag->context ? ": " : "",
             diag->field ? diag->field : "input",
             diag->offset, diag->offset,
             adb_strerror(diag->status),
             diag->detail[0] ? ", " : "", diag->detail);
    return buf;
}
