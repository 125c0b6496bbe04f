/* SPDX-License-Identifier: MIT */
/*
 * adb_utf16.h - UTF-16LE (as found in PACs) to UTF-8.
 */
#ifndef ADB_UTF16_H
#define ADB_UTF16_H

#include <stddef.h>
#include <stdint.h>

#include "adb_arena.h"
#include "adb_rd.h"

/*
 * adb_utf16_read - read @units UTF-16LE code units at the reader's cursor and
 * return them as a NUL-terminated UTF-8 string allocated from @arena in
 * *out (owned by the arena).  Unpaired surrogates and U+0000 are
 * ADB_ERR_MALFORMED naming @field; a short input is ADB_ERR_TRUNCATED.
 * Consumes the 2*@units bytes only on success; *out written only on success.
 */
adb_err adb_utf16_read(adb_rd *rd, size_t units, const char *field,
                       adb_arena *arena, const char **out);

#endif /* ADB_UTF16_H */
