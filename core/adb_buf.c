/* SPDX-License-Identifier: MIT */
/*
 * adb_buf.c - the growable byte buffer and the JSON string escaper (see
 * adb_buf.h).
 */
#include "adb_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADB_BUF_DEFAULT_MAX ((size_t)1 << 30)
#define ADB_BUF_INITIAL 256u
#define ADB_BUF_PRINTF_MAX 1024

void adb_buf_init(adb_buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max != 0 ? max : ADB_BUF_DEFAULT_MAX;
    b->status = ADB_OK;
}

void adb_buf_free(adb_buf *b)
{
    if (b == NULL)
        return;
    if (b->p != NULL) {
        explicit_bzero(b->p, b->cap);
        free(b->p);
    }
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}

void adb_buf_fail(adb_buf *b, adb_err err)
{
    if (b->status == ADB_OK)
        b->status = err;
}

uint8_t *adb_buf_reserve(adb_buf *b, size_t n)
{
    size_t need, ncap;
    uint8_t *np;

    if (b->status != ADB_OK)
        return NULL;
    if (n > b->max - b->len) {
        adb_buf_fail(b, ADB_ERR_LIMIT);
        return NULL;
    }
    need = b->len + n + 1;                /* the NUL; max < SIZE_MAX */
    if (need > b->cap) {
        ncap = b->cap != 0 ? b->cap : ADB_BUF_INITIAL;
        while (ncap < need)
            ncap = ncap > b->max / 2 ? b->max + 1 : ncap * 2;
        /* malloc + copy + wipe rather than realloc: no stale copy left */
        np = malloc(ncap);
        if (np == NULL) {
            adb_buf_fail(b, ADB_ERR_NOMEM);
            return NULL;
        }
        if (b->len != 0)
            memcpy(np, b->p, b->len);
        np[b->len] = '\0';
        if (b->p != NULL) {
            explicit_bzero(b->p, b->cap);
            free(b->p);
        }
        b->p = np;
        b->cap = ncap;
    }
    return b->p + b->len;
}

void adb_buf_commit(adb_buf *b, size_t n)
{
    if (b->status != ADB_OK || b->p == NULL || n > b->cap - 1 - b->len)
        return;
    b->len += n;
    b->p[b->len] = '\0';
}

void adb_buf_add(adb_buf *b, const void *data, size_t n)
{
    uint8_t *o = adb_buf_reserve(b, n);

    if (o == NULL)
        return;
    if (n != 0)
        memcpy(o, data, n);
    adb_buf_commit(b, n);
}

void adb_buf_str(adb_buf *b, const char *s)
{
    if (s != NULL)
        adb_buf_add(b, s, strlen(s));
}

void adb_buf_printf(adb_buf *b, const char *fmt, ...)
{
    char tmp[ADB_BUF_PRINTF_MAX];
    va_list ap;
    int n;

    if (b->status != ADB_OK)
        return;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        adb_buf_fail(b, ADB_ERR_LIMIT);
        return;
    }
    adb_buf_add(b, tmp, (size_t)n);
}

void adb_buf_zeros(adb_buf *b, size_t n)
{
    uint8_t *o = adb_buf_reserve(b, n);

    if (o == NULL)
        return;
    memset(o, 0, n);
    adb_buf_commit(b, n);
}

void adb_buf_u8(adb_buf *b, uint8_t v)
{
    adb_buf_add(b, &v, 1);
}

void adb_buf_u16le(adb_buf *b, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

    adb_buf_add(b, x, sizeof(x));
}

void adb_buf_u32le(adb_buf *b, uint32_t v)
{
    uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                     (uint8_t)(v >> 24) };

    adb_buf_add(b, x, sizeof(x));
}

void adb_buf_put_u32le(adb_buf *b, size_t off, uint32_t v)
{
    if (b->status != ADB_OK)
        return;
    if (off > b->len || b->len - off < 4) {
        adb_buf_fail(b, ADB_ERR_INVALID);
        return;
    }
    b->p[off] = (uint8_t)v;
    b->p[off + 1] = (uint8_t)(v >> 8);
    b->p[off + 2] = (uint8_t)(v >> 16);
    b->p[off + 3] = (uint8_t)(v >> 24);
}

uint8_t *adb_buf_take(adb_buf *b, size_t *len_out)
{
    uint8_t *p;

    if (len_out != NULL)
        *len_out = 0;
    if (b->status == ADB_OK && b->p == NULL)
        (void)adb_buf_reserve(b, 0);
    if (b->status != ADB_OK) {
        adb_buf_free(b);
        return NULL;
    }
    p = b->p;
    if (len_out != NULL)
        *len_out = b->len;
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

char *adb_buf_take_str(adb_buf *b)
{
    return (char *)adb_buf_take(b, NULL);
}

/* Reads stop at a NUL, which is never a valid continuation byte. */
size_t adb_utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;   /* range of the second byte */
    size_t n, i;

    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;                    /* no overlong */
        else if (c == 0xED)
            hi = 0x9F;                    /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;                    /* no overlong */
        else if (c == 0xF4)
            hi = 0x8F;                    /* <= U+10FFFF */
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    }
    return n;
}

/* The bytes adb_buf_json_str() copies as they are: printable ASCII but '"'
 * (0x22) and '\\' (0x5c). */
static const uint8_t json_plain[256] = {
    [0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

void adb_buf_json_str(adb_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u, *run;
    uint8_t *o, *start;
    size_t n;

    if (s == NULL) {
        adb_buf_add(b, "null", 4);
        return;
    }
    /* at most 6 output bytes per input byte, and the quotes */
    n = strlen(s);
    if (n > (b->max - 2) / 6) {
        adb_buf_fail(b, ADB_ERR_LIMIT);
        return;
    }
    start = o = adb_buf_reserve(b, 6 * n + 2);
    if (o == NULL)
        return;
    *o++ = '"';
    for (u = (const unsigned char *)s; *u != '\0';) {
        /* runs of plain ASCII are copied at once (the KDC writes one
         * record per decision) */
        for (run = u; json_plain[*u];)
            u++;
        memcpy(o, run, (size_t)(u - run));
        o += u - run;
        if (*u == '\0')
            break;
        if (*u == '"' || *u == '\\') {
            *o++ = '\\';
            *o++ = *u++;
        } else if (*u < 0x80) {           /* control characters, DEL */
            memcpy(o, "\\u00", 4);
            o[4] = (uint8_t)hex[*u >> 4];
            o[5] = (uint8_t)hex[*u & 0xf];
            o += 6;
            u++;
        } else if ((n = adb_utf8_len(u)) != 0) {
            memcpy(o, u, n);
            o += n;
            u += n;
        } else {
            memcpy(o, "\\ufffd", 6);      /* not UTF-8: replace the byte */
            o += 6;
            u++;
        }
    }
    *o++ = '"';
    adb_buf_commit(b, (size_t)(o - start));
}
