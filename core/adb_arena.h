/* SPDX-License-Identifier: MIT */
/*
 * adb_arena.h - a bump allocator for decoded results.
 *
 * A decoder allocates everything it returns (strings, arrays) from one arena
 * so that the caller frees the whole result with one call and decoding costs
 * a handful of malloc()s instead of one per field.  Memory is zeroed when
 * handed out.  An arena is not thread-safe (use one per thread).
 *
 * Freed chunks are kept in a small per-thread cache (at most 4 chunks of at
 * most 512 KiB) and reused by the next arena of that thread, so steady-state
 * decoding does not go back to malloc; adb_arena_cache_release() returns
 * them (e.g. before a leak check or when a thread ends).
 */
#ifndef ADB_ARENA_H
#define ADB_ARENA_H

#include <stddef.h>

typedef struct adb_arena_chunk adb_arena_chunk;

typedef struct adb_arena {
    adb_arena_chunk *head;   /* newest chunk, owned */
    size_t next_size;        /* size of the next chunk to allocate */
} adb_arena;

/*
 * adb_arena_init - an empty arena whose first chunk will hold @hint bytes
 * (rounded up to a floor of 1 KiB).  Allocates nothing yet.
 */
void adb_arena_init(adb_arena *arena, size_t hint);

/*
 * adb_arena_alloc - @size zeroed bytes aligned for any scalar type, owned by
 * the arena (valid until adb_arena_free).  Returns NULL on allocation
 * failure or if @size is absurd (> 1 GiB).
 */
void *adb_arena_alloc(adb_arena *arena, size_t size);

/*
 * adb_arena_array - like adb_arena_alloc for @count elements of @elem bytes,
 * with the multiplication checked; NULL on overflow.  @count 0 gives a valid
 * non-NULL pointer to zero bytes.
 */
void *adb_arena_array(adb_arena *arena, size_t count, size_t elem);

/*
 * adb_arena_array_uninit - like adb_arena_array but the memory is NOT
 * zeroed: for arrays the caller overwrites completely before anyone reads
 * them (decoded group lists, expanded SID lists).
 */
void *adb_arena_array_uninit(adb_arena *arena, size_t count, size_t elem);

/* adb_arena_free - release every chunk.  NULL-safe; the arena is reusable
 * (empty) afterwards. */
void adb_arena_free(adb_arena *arena);

/* adb_arena_cache_release - free this thread's cached chunks. */
void adb_arena_cache_release(void);

#endif /* ADB_ARENA_H */
