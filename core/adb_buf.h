/* SPDX-License-Identifier: MIT */
/*
 * adb_buf.h - the one growable byte buffer, and the JSON string escaper
 * beside it.
 *
 * Every writer of the project builds its output in an adb_buf: the
 * LOGON_INFO encoder (pac/pac_encode.c), the KDC log line and audit record
 * (bridge/kdc_bridge.c) and the CLI's JSON (cli/cli_json.c).  Rules, as
 * MIT's k5buf:
 *
 *   - the first failure (no memory, the buffer's size limit) is recorded
 *     and sticky: every later write does nothing, so a writer emits a whole
 *     output and checks adb_buf_status() once;
 *   - the bytes are always followed by a NUL (not counted in len), so a
 *     text buffer can be read as a C string;
 *   - growing copies into a new allocation and wipes the old one, and
 *     adb_buf_free() wipes: a buffer may hold secrets (LOGON_INFO's
 *     UserSessionKey).
 *
 * A buffer owns its bytes; adb_buf_take*() hand them to the caller.
 */
#ifndef ADB_BUF_H
#define ADB_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "adb_err.h"

typedef struct adb_buf {
    uint8_t *p;            /* owned; cap bytes, NUL at p[len] if p */
    size_t len;            /* bytes written */
    size_t cap;
    size_t max;            /* the most bytes it may hold */
    adb_err status;        /* ADB_OK until the first failure */
} adb_buf;

/* adb_buf_init - an empty buffer that may grow to @max bytes (0: 1 GiB).
 * Allocates nothing. */
void adb_buf_init(adb_buf *b, size_t max);

/* adb_buf_free - wipe and free the bytes; @b is empty (status kept).
 * NULL-safe. */
void adb_buf_free(adb_buf *b);

/* adb_buf_status - ADB_OK, or the first failure (ADB_ERR_NOMEM,
 * ADB_ERR_LIMIT when @max would be exceeded, or what adb_buf_fail set). */
static inline adb_err adb_buf_status(const adb_buf *b)
{
    return b->status;
}

/* adb_buf_fail - record @err as the failure unless one is recorded. */
void adb_buf_fail(adb_buf *b, adb_err err);

/*
 * adb_buf_reserve - room for @n more bytes (and the NUL) at p + len, or NULL
 * (failure recorded).  The caller writes at most @n bytes there and then
 * calls adb_buf_commit(); nothing counts until then.
 */
uint8_t *adb_buf_reserve(adb_buf *b, size_t n);

/* adb_buf_commit - count @n bytes written after adb_buf_reserve(@n' >= @n)
 * and terminate them.  No-op after a failure. */
void adb_buf_commit(adb_buf *b, size_t n);

/* Appending.  adb_buf_str appends a C string (NULL: nothing);
 * adb_buf_printf at most 1 KiB per call (longer is ADB_ERR_LIMIT). */
void adb_buf_add(adb_buf *b, const void *data, size_t n);

/* adb_buf_add_inline - adb_buf_add(), inline when the room is already there
 * (a buffer reserved up front, short or constant @n): the same result. */
static inline void adb_buf_add_inline(adb_buf *b, const void *data, size_t n)
{
    if (b->status == ADB_OK && b->p != NULL && n < b->cap - b->len) {
        memcpy(b->p + b->len, data, n);
        b->len += n;
        b->p[b->len] = '\0';
        return;
    }
    adb_buf_add(b, data, n);
}
void adb_buf_str(adb_buf *b, const char *s);
void adb_buf_printf(adb_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void adb_buf_zeros(adb_buf *b, size_t n);

/* Little-endian integers. */
void adb_buf_u8(adb_buf *b, uint8_t v);
void adb_buf_u16le(adb_buf *b, uint16_t v);
void adb_buf_u32le(adb_buf *b, uint32_t v);

/* adb_buf_put_u32le - overwrite 4 bytes already written at @off
 * (ADB_ERR_INVALID if they are not). */
void adb_buf_put_u32le(adb_buf *b, size_t off, uint32_t v);

/*
 * adb_buf_take - hand over the bytes: *@len_out bytes (NUL-terminated),
 * free with free() (wipe first if they hold a secret).  NULL (and @b freed)
 * after a failure; a buffer nothing was written to gives "" (allocated).
 * @b is empty afterwards.  @len_out may be NULL.
 */
uint8_t *adb_buf_take(adb_buf *b, size_t *len_out);

/* adb_buf_take_str - adb_buf_take() as a C string. */
char *adb_buf_take_str(adb_buf *b);

/*
 * adb_buf_json_str - append @s as a JSON string literal (RFC 8259, quotes
 * included; NULL gives null): '"' and '\' escaped, control characters and
 * DEL as \u00XX, valid UTF-8 kept as it is (so "josé" stays "josé"), and
 * every byte that does not start a valid UTF-8 sequence replaced by
 * \ufffd.  The result is always valid JSON in valid UTF-8.
 */
void adb_buf_json_str(adb_buf *b, const char *s);

/*
 * adb_utf8_len - length (1-4) of the valid UTF-8 sequence starting at @s,
 * or 0 if the bytes there are not one (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF).  @s points into a NUL-terminated
 * string and s[0] >= 0x80; no byte past the terminator is read.
 */
size_t adb_utf8_len(const unsigned char *s);

#endif /* ADB_BUF_H */
