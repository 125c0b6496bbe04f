/* SPDX-License-Identifier: MIT */
/* cli_json.c - a small streaming JSON writer (see cli_json.h). */
#include "cli_json.h"

#include <inttypes.h>
#include <string.h>

void cli_json_init(cli_json *js, FILE *out)
{
    memset(js, 0, sizeof(*js));
    js->out = out;
    adb_buf_init(&js->buf, CLI_JSON_MAX_BYTES);
    js->status = (out == NULL) ? ADB_ERR_INVALID : ADB_OK;
}

static void cli_json_putc(cli_json *js, char c)
{
    adb_buf_add(&js->buf, &c, 1);
}

static void cli_json_indent(cli_json *js, unsigned int level)
{
    unsigned int i;

    cli_json_putc(js, '\n');
    for (i = 0; i < level; i++)
        adb_buf_str(&js->buf, "  ");
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
        cli_json_putc(js, ',');
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

static void cli_json_begin(cli_json *js, bool is_object)
{
    if (!cli_json_before_value(js))
        return;
    if (js->depth >= CLI_JSON_MAX_DEPTH) {
        js->status = ADB_ERR_INVALID;
        return;
    }
    cli_json_putc(js, is_object ? '{' : '[');
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
    cli_json_putc(js, is_object ? '}' : ']');
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
        cli_json_putc(js, ',');
    cli_json_indent(js, js->depth);
    adb_buf_json_str(&js->buf, key);
    adb_buf_str(&js->buf, ": ");
    js->has_items[top] = true;
    js->want_value = true;
}

void cli_json_string(cli_json *js, const char *s)
{
    if (!cli_json_before_value(js))
        return;
    adb_buf_json_str(&js->buf, s);
    cli_json_after_value(js);
}

void cli_json_int(cli_json *js, int64_t v)
{
    if (!cli_json_before_value(js))
        return;
    adb_buf_printf(&js->buf, "%" PRId64, v);
    cli_json_after_value(js);
}

void cli_json_uint(cli_json *js, uint64_t v)
{
    if (!cli_json_before_value(js))
        return;
    adb_buf_printf(&js->buf, "%" PRIu64, v);
    cli_json_after_value(js);
}

void cli_json_bool(cli_json *js, bool v)
{
    if (!cli_json_before_value(js))
        return;
    adb_buf_str(&js->buf, v ? "true" : "false");
    cli_json_after_value(js);
}

void cli_json_null(cli_json *js)
{
    if (!cli_json_before_value(js))
        return;
    adb_buf_str(&js->buf, "null");
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
    cli_json_putc(js, '"');
    for (i = 0; i < len; i++) {
        cli_json_putc(js, digits[data[i] >> 4]);
        cli_json_putc(js, digits[data[i] & 0x0F]);
    }
    cli_json_putc(js, '"');
    cli_json_after_value(js);
}

adb_err cli_json_finish(cli_json *js)
{
    if (js->status == ADB_OK && (!js->done || js->depth != 0))
        js->status = ADB_ERR_INVALID;
    if (js->status == ADB_OK)
        js->status = adb_buf_status(&js->buf);
    if (js->status == ADB_OK) {
        cli_json_putc(js, '\n');
        if (adb_buf_status(&js->buf) != ADB_OK ||
            fwrite(js->buf.p, 1, js->buf.len, js->out) != js->buf.len ||
            fflush(js->out) != 0 || ferror(js->out))
            js->status = ADB_ERR_IO;
    }
    adb_buf_free(&js->buf);
    return js->status;
}

void cli_json_kv_string(cli_json *js, const char *key, const char *s)
{
    cli_json_key(js, key);
    cli_json_string(js, s);
}

void cli_json_kv_int(cli_json *js, const char *key, int64_t v)
{
    cli_json_key(js, key);
    cli_json_int(js, v);
}

void cli_json_kv_uint(cli_json *js, const char *key, uint64_t v)
{
    cli_json_key(js, key);
    cli_json_uint(js, v);
}

void cli_json_kv_bool(cli_json *js, const char *key, bool v)
{
    cli_json_key(js, key);
    cli_json_bool(js, v);
}
