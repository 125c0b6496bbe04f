/* SPDX-License-Identifier: MIT */
/*
 * cli_json.h - a small JSON writer over core's adb_buf.
 *
 * The writer tracks nesting and inserts commas, colons, newlines and
 * indentation itself; the caller only says what comes next.  Output is
 * RFC 8259 JSON: strings are escaped (", \, control characters as \u00XX)
 * and bytes that are not valid UTF-8 are replaced by U+FFFD, so any C string
 * may be passed.
 *
 * Misuse (a key outside an object, a value where a key is due, unbalanced
 * ends, nesting deeper than CLI_JSON_MAX_DEPTH, a second top-level value) is
 * recorded as the writer's first error, which is sticky: every later call
 * does nothing, and cli_json_finish() reports it.  Callers therefore emit a
 * whole document and check once at the end.
 *
 * Typical use:
 *     cli_json js;
 *     cli_json_init(&js, stdout);
 *     cli_json_object_begin(&js);
 *     cli_json_key(&js, "name");
 *     cli_json_string(&js, name);
 *     cli_json_object_end(&js);
 *     ret = cli_json_finish(&js);
 */
#ifndef CLI_JSON_H
#define CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "adb_buf.h"
#include "adb_err.h"

#define CLI_JSON_MAX_DEPTH 32
#define CLI_JSON_MAX_BYTES ((size_t)64 << 20)

typedef struct cli_json {
    FILE *out;                 /* borrowed; must outlive the writer */
    adb_buf buf;               /* the document, written out by finish */
    adb_err status;            /* first error, sticky */
    unsigned int depth;        /* open containers */
    bool is_object[CLI_JSON_MAX_DEPTH];   /* per level: object or array */
    bool has_items[CLI_JSON_MAX_DEPTH];   /* per level: written one yet */
    bool want_value;           /* a key was written, its value is due */
    bool done;                 /* the top-level value is complete */
} cli_json;

/*
 * cli_json_init - start a document written to @out (borrowed, not closed).
 * Output is indented by two spaces per level.
 */
void cli_json_init(cli_json *js, FILE *out);

/* Open / close an object or an array.  An end must match its begin. */
void cli_json_object_begin(cli_json *js);
void cli_json_object_end(cli_json *js);
void cli_json_array_begin(cli_json *js);
void cli_json_array_end(cli_json *js);

/* cli_json_key - the next member's name (only inside an object, and only
 * where a member may start).  @key is escaped like a string; NULL is misuse. */
void cli_json_key(cli_json *js, const char *key);

/* Scalar values.  cli_json_string writes null for a NULL @s. */
void cli_json_string(cli_json *js, const char *s);
void cli_json_int(cli_json *js, int64_t v);
void cli_json_uint(cli_json *js, uint64_t v);
void cli_json_bool(cli_json *js, bool v);
void cli_json_null(cli_json *js);

/* A member in one call: cli_json_key(@key), then the value as above. */
void cli_json_kv_string(cli_json *js, const char *key, const char *s);
void cli_json_kv_int(cli_json *js, const char *key, int64_t v);
void cli_json_kv_uint(cli_json *js, const char *key, uint64_t v);
void cli_json_kv_bool(cli_json *js, const char *key, bool v);

/* cli_json_hex - a string holding @len bytes at @data as lowercase hex
 * ("" for @len 0). */
void cli_json_hex(cli_json *js, const uint8_t *data, size_t len);


/*
 * cli_json_finish - end the document with a newline, write it to the
 * stream in one go and flush; the document's buffer is freed whatever the
 * result (always call it once after cli_json_init).  Returns ADB_OK;
 * ADB_ERR_INVALID if the calls did not form exactly one complete value
 * (misuse, see above); ADB_ERR_NOMEM / ADB_ERR_LIMIT (over
 * CLI_JSON_MAX_BYTES) from the buffer; ADB_ERR_IO if writing to the
 * stream failed (errno as left by stdio).  Nothing is written unless the
 * document is complete.
 */
adb_err cli_json_finish(cli_json *js);

#endif /* CLI_JSON_H */
