/* cli_json.c - a small streaming JSON writer (see cli_json.h). */
#include "cli_json.h"

#include <inttypes.h>
#include <string.h>

void cli_json_init(cli_json *js, FILE *out)
{
    memset(js, 0, sizeof(*js));
    js->out = out;
    js->status = (out == NULL) ? ADB_ERR_INVALID : ADB_OK;
}

static void cli_json_indent(cli_json *js, unsigned int level)
{
    unsigned int i;

    fputc('\n', js->out);
    for (i = 0; i < level; i++)
        fputs("  ", js->out);
}

/*
 * Before any value (scalar or container begin): check that a value may come
 * here and write the separator in front of it.  Returns false (and records
 * misuse) if it may not.
 */
static bool cli_json_before_value(cli_json *js)
{
    unsigned int top;

    if (js->status != ADB_OK)
        return false;
    if (js->depth == 0) {
        if (js->done) {
            js->status = ADB_ERR_INVALID;
            return false;
        }
        return true;
    }
    top = js->depth - 1;
    if (js->is_object[top]) {
        if (!js->want_value) {
            js->status = ADB_ERR_INVALID;
            return false;
        }
        js->want_value = false;
        return true;
    }
    if (js->has_items[top])
        fputc(',', js->out);
    cli_json_indent(js, js->depth);
    js->has_items[top] = true;
    return true;
}

/* After a complete value: at top level, the document is complete. */
static void cli_json_after_value(cli_json *js)
{
    if (js->depth == 0)
        js->done = true;
}

/* Reads stop at a NUL, which is never a valid continuation byte. */
size_t cli_utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n, i;
    unsigned char lo = 0x80, hi = 0xBF;   /* range of the second byte */

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

/* Write @s as a quoted, escaped JSON string. */
static void cli_json_write_string(cli_json *js, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;

    fputc('"', js->out);
    while (*p != '\0') {
        unsigned char c = *p;

        if (c == '"' || c == '\\') {
            fputc('\\', js->out);
            fputc(c, js->out);
            p++;
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(js->out, "\\u%04x", (unsigned int)c);
            p++;
        } else if (c < 0x80) {
            fputc(c, js->out);
            p++;
        } else if ((n = cli_utf8_len(p)) != 0) {
            fwrite(p, 1, n, js->out);
            p += n;
        } else {
            fputs("\\ufffd", js->out);    /* not UTF-8: replace the byte */
            p++;
        }
    }
    fputc('"', js->out);
}

static void cli_json_begin(cli_json *js, bool is_object)
{
    if (!cli_json_before_value(js))
        return;
    if (js->depth >= CLI_JSON_MAX_DEPTH) {
        js->status = ADB_ERR_INVALID;
        return;
    }
    fputc(is_object ? '{' : '[', js->out);
    js->is_object[js->depth] = is_object;
    js->has_items[js->depth] = false;
    js->depth++;
}

static void cli_json_end(cli_json *js, bool is_object)
{
    unsigned int top;

    if (js->status != ADB_OK)
        return;
    if (js->depth == 0 || js->want_value ||
        js->is_object[js->depth - 1] != is_object) {
        js->status = ADB_ERR_INVALID;
        return;
    }
    top = js->depth - 1;
    if (js->has_items[top])
        cli_json_indent(js, top);
    fputc(is_object ? '}' : ']', js->out);
    js->depth = top;
    cli_json_after_value(js);
}

void cli_json_object_begin(cli_json *js)
{
    cli_json_begin(js, true);
}

void cli_json_object_end(cli_json *js)
{
    cli_json_end(js, true);
}

void cli_json_array_begin(cli_json *js)
{
    cli_json_begin(js, false);
}

void cli_json_array_end(cli_json *js)
{
    cli_json_end(js, false);
}

void cli_json_key(cli_json *js, const char *key)
{
    unsigned int top;

    if (js->status != ADB_OK)
        return;
    if (key == NULL || js->depth == 0 || js->want_value ||
        !js->is_object[js->depth - 1]) {
        js->status = ADB_ERR_INVALID;
        return;
    }
    top = js->depth - 1;
    if (js->has_items[top])
        fputc(',', js->out);
    cli_json_indent(js, js->depth);
    cli_json_write_string(js, key);
    fputs(": ", js->out);
    js->has_items[top] = true;
    js->want_value = true;
}

void cli_json_string(cli_json *js, const char *s)
{
    if (!cli_json_before_value(js))
        return;
    if (s == NULL)
        fputs("null", js->out);
    else
        cli_json_write_string(js, s);
    cli_json_after_value(js);
}

void cli_json_int(cli_json *js, int64_t v)
{
    if (!cli_json_before_value(js))
        return;
    fprintf(js->out, "%" PRId64, v);
    cli_json_after_value(js);
}

void cli_json_uint(cli_json *js, uint64_t v)
{
    if (!cli_json_before_value(js))
        return;
    fprintf(js->out, "%" PRIu64, v);
    cli_json_after_value(js);
}

void cli_json_bool(cli_json *js, bool v)
{
    if (!cli_json_before_value(js))
        return;
    fputs(v ? "true" : "false", js->out);
    cli_json_after_value(js);
}

void cli_json_null(cli_json *js)
{
    if (!cli_json_before_value(js))
        return;
    fputs("null", js->out);
    cli_json_after_value(js);
}

void cli_json_hex(cli_json *js, const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    if (js->status == ADB_OK && data == NULL && len != 0) {
        js->status = ADB_ERR_INVALID;
        return;
    }
    if (!cli_json_before_value(js))
        return;
    fputc('"', js->out);
    for (i = 0; i < len; i++) {
        fputc(digits[data[i] >> 4], js->out);
        fputc(digits[data[i] & 0x0F], js->out);
    }
    fputc('"', js->out);
    cli_json_after_value(js);
}

adb_err cli_json_finish(cli_json *js)
{
    if (js->status != ADB_OK)
        return js->status;
    if (!js->done || js->depth != 0) {
        js->status = ADB_ERR_INVALID;
        return js->status;
    }
    fputc('\n', js->out);
    if (fflush(js->out) != 0 || ferror(js->out))
        js->status = ADB_ERR_IO;
    return js->status;
}
