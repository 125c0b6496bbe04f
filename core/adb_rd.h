/* SPDX-License-Identifier: MIT */
/*
 * adb_rd.h - the one bounded reader for untrusted bytes.
 *
 * Every byte that comes from outside (PAC buffers, NDR streams, binary SIDs,
 * later LDAP binary values) is read through an adb_rd.  A reader is a view
 * [base, base+len) with a cursor.  Rules:
 *
 *   - every getter checks the remaining length first, in subtraction form;
 *   - a getter that fails consumes nothing and leaves its output untouched;
 *   - the first failure is recorded in the shared adb_diag and is sticky:
 *     once a diag holds an error, every later getter on any reader sharing
 *     it fails with that same error, so a decoder may run a sequence of reads
 *     and check once;
 *   - sub-views (adb_rd_sub) carve a length-delimited region out of the
 *     parent; the child shares the parent's diag and reports offsets in the
 *     coordinates of the outermost input.
 *
 * Readers never allocate and never own the bytes they view.  The viewed
 * memory must outlive the reader.
 */
#ifndef ADB_RD_H
#define ADB_RD_H

#include <stddef.h>
#include <stdint.h>

#include "adb_err.h"

/* First error seen while decoding one input.  Caller-owned, usually on the
 * stack; zero-initialise it (ADB_DIAG_INIT) before use. */
typedef struct adb_diag {
    adb_err status;        /* ADB_OK until the first failure */
    const char *context;   /* e.g. "LOGON_INFO"; static string or NULL */
    const char *field;     /* e.g. "GroupIds.MaxCount"; static string */
    size_t offset;         /* byte offset of the failing read, in the
                            * coordinates of the outermost input */
    char detail[112];      /* human explanation, NUL-terminated */
} adb_diag;

#define ADB_DIAG_INIT { ADB_OK, NULL, NULL, 0, { 0 } }

typedef struct adb_rd {
    const uint8_t *base;   /* first byte of this view */
    size_t len;            /* bytes in this view */
    size_t off;            /* cursor, 0 <= off <= len */
    size_t origin;         /* offset of base within the outermost input */
    adb_diag *diag;        /* shared, never NULL once initialised */
} adb_rd;

/*
 * adb_rd_init - make @rd a view of @len bytes at @data, reporting errors into
 * @diag with offsets starting at @origin.  @data may be NULL only if @len is 0.
 * Borrowed: @data and @diag must outlive @rd.
 */
void adb_rd_init(adb_rd *rd, const void *data, size_t len, size_t origin,
                 adb_diag *diag);

/* Bytes left after the cursor. */
static inline size_t adb_rd_remaining(const adb_rd *rd)
{
    return rd->len - rd->off;
}

/* True once the shared diag holds an error. */
static inline int adb_rd_failed(const adb_rd *rd)
{
    return rd->diag->status != ADB_OK;
}

/* Absolute offset of the cursor (for messages). */
static inline size_t adb_rd_pos(const adb_rd *rd)
{
    return rd->origin + rd->off;
}

/*
 * adb_rd_fail - record @status for @field at the cursor, with a printf-style
 * detail.  Only the first failure on a diag is kept.  Returns the status now
 * held by the diag (the first error), so callers can `return adb_rd_fail(...)`.
 */
adb_err adb_rd_fail(adb_rd *rd, adb_err status, const char *field,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Little-endian fixed-width getters.  On success store the value in *out,
 * advance, return ADB_OK.  On failure (sticky error, or fewer bytes than
 * needed: ADB_ERR_TRUNCATED naming @field) consume nothing, leave *out
 * unchanged and return the diag's status.
 */
adb_err adb_rd_u8_checked(adb_rd *rd, const char *field, uint8_t *out);
adb_err adb_rd_u16_checked(adb_rd *rd, const char *field, uint16_t *out);
adb_err adb_rd_u32_checked(adb_rd *rd, const char *field, uint32_t *out);
adb_err adb_rd_u64(adb_rd *rd, const char *field, uint64_t *out);

/* The fast path of the inline getters below: the @n bytes at the cursor,
 * consumed, when there is no sticky error and they are there; else NULL
 * and nothing consumed (the caller then takes its _checked function,
 * which records the failure). */
static inline const uint8_t *adb_rd_take_fast(adb_rd *rd, size_t n)
{
    const uint8_t *p;

    if (rd->diag->status != ADB_OK || rd->len - rd->off < n)
        return NULL;
    p = rd->base + rd->off;
    rd->off += n;
    return p;
}

/* adb_rd_u8, adb_rd_u16 and adb_rd_u32, inline when the bytes are there
 * (the decoders read most of their fields with them); otherwise the
 * _checked functions.  Same contract as above. */
static inline adb_err adb_rd_u8(adb_rd *rd, const char *field, uint8_t *out)
{
    const uint8_t *p = adb_rd_take_fast(rd, 1);

    if (p == NULL)
        return adb_rd_u8_checked(rd, field, out);
    *out = p[0];
    return ADB_OK;
}

static inline adb_err adb_rd_u16(adb_rd *rd, const char *field,
                                 uint16_t *out)
{
    const uint8_t *p = adb_rd_take_fast(rd, 2);

    if (p == NULL)
        return adb_rd_u16_checked(rd, field, out);
    *out = (uint16_t)(p[0] | (uint16_t)p[1] << 8);
    return ADB_OK;
}

static inline adb_err adb_rd_u32(adb_rd *rd, const char *field,
                                 uint32_t *out)
{
    const uint8_t *p = adb_rd_take_fast(rd, 4);

    if (p == NULL)
        return adb_rd_u32_checked(rd, field, out);
    *out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
    return ADB_OK;
}

/* Big-endian 48-bit integer (the SID IdentifierAuthority). */
adb_err adb_rd_be48(adb_rd *rd, const char *field, uint64_t *out);

/*
 * adb_rd_bytes - borrow @n bytes at the cursor: *out points into the view
 * and lives as long as the viewed memory.  Fails as the getters do.
 */
adb_err adb_rd_bytes(adb_rd *rd, size_t n, const char *field,
                     const uint8_t **out);

/* adb_rd_skip - advance @n bytes without looking at them. */
adb_err adb_rd_skip(adb_rd *rd, size_t n, const char *field);

/*
 * adb_rd_align - advance the cursor to the next multiple of @align (a power
 * of two) measured from the start of this view.  The padding's content is not
 * checked (MS-RPCE leaves NDR padding octets undefined); a view too short for
 * the padding is ADB_ERR_TRUNCATED.  Inline when there is nothing to skip
 * (NDR's fields are mostly aligned already); otherwise adb_rd_skip.
 */
static inline adb_err adb_rd_align(adb_rd *rd, size_t align,
                                   const char *field)
{
    size_t pad = (align - (rd->off & (align - 1))) & (align - 1);

    if (pad == 0 && rd->diag->status == ADB_OK)
        return ADB_OK;
    return adb_rd_skip(rd, pad, field);
}

/*
 * adb_rd_sub - carve a child view of @n bytes at the cursor and advance the
 * parent past it.  The child shares the parent's diag; its offsets continue
 * the parent's coordinates.  Fails (consuming nothing) if fewer than @n bytes
 * remain.
 */
adb_err adb_rd_sub(adb_rd *rd, size_t n, const char *field, adb_rd *child);

/*
 * adb_rd_sub_at - a child view of @n bytes starting @at bytes from the start
 * of this view (not the cursor); the parent's cursor does not move.  For
 * formats that address their parts by offset (UPN_DNS_INFO).
 */
adb_err adb_rd_sub_at(adb_rd *rd, size_t at, size_t n, const char *field,
                      adb_rd *child);

/*
 * adb_rd_expect_end - ADB_ERR_MALFORMED unless the cursor is at the end of
 * the view (leftover bytes are an error).
 */
adb_err adb_rd_expect_end(adb_rd *rd, const char *field);

/*
 * adb_rd_expect_zero_tail - ADB_ERR_MALFORMED unless every byte from the
 * cursor to the end of the view is zero; consumes them on success.
 */
adb_err adb_rd_expect_zero_tail(adb_rd *rd, const char *field);

/*
 * adb_diag_format - write "context: field at offset N (0xN): detail" into
 * @buf (always NUL-terminated when @size > 0).  Returns @buf.
 */
char *adb_diag_format(const adb_diag *diag, char *buf, size_t size);

#endif /* ADB_RD_H */
