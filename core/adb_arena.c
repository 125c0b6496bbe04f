/* SPDX-License-Identifier: MIT */
/* adb_arena.c - bump allocator (see adb_arena.h). */
#include "adb_arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_MIN_CHUNK 1024u
#define ARENA_MAX_ALLOC ((size_t)1 << 30)
#define ARENA_ALIGN alignof(max_align_t)

/*
 * Freed chunks are kept in a small per-thread cache and reused (best fit)
 * instead of going back to malloc.  The KDC decodes a PAC and evaluates it on
 * every cross-realm request; without the cache each request allocates and
 * frees ~100 KB for a big PAC, which makes glibc grow and trim the heap
 * (brk) every time: 10-40x slower in bench/.  Bounded: at most
 * ARENA_CACHE_SLOTS chunks of at most ARENA_CACHE_MAX_CHUNK bytes per thread.
 */
#define ARENA_CACHE_SLOTS 4
#define ARENA_CACHE_MAX_CHUNK ((size_t)512 * 1024)

struct adb_arena_chunk {
    adb_arena_chunk *prev;
    size_t size;    /* usable bytes in data */
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

static _Thread_local adb_arena_chunk *arena_cache[ARENA_CACHE_SLOTS];

/* A chunk with at least @size usable bytes: the smallest cached one that
 * fits, else a new one. */
static adb_arena_chunk *chunk_get(size_t size)
{
    adb_arena_chunk *c;
    size_t i, best = ARENA_CACHE_SLOTS;

    for (i = 0; i < ARENA_CACHE_SLOTS; i++) {
        c = arena_cache[i];
        if (c != NULL && c->size >= size &&
            (best == ARENA_CACHE_SLOTS || c->size < arena_cache[best]->size))
            best = i;
    }
    if (best < ARENA_CACHE_SLOTS) {
        c = arena_cache[best];
        arena_cache[best] = NULL;
        return c;
    }
    c = malloc(sizeof(*c) + size);
    if (c != NULL)
        c->size = size;
    return c;
}

/* Keep @c for reuse if there is room (replacing a smaller cached chunk),
 * else free it. */
static void chunk_put(adb_arena_chunk *c)
{
    size_t i, smallest = 0;

    if (c->size <= ARENA_CACHE_MAX_CHUNK) {
        for (i = 0; i < ARENA_CACHE_SLOTS; i++) {
            if (arena_cache[i] == NULL) {
                arena_cache[i] = c;
                return;
            }
            if (arena_cache[i]->size < arena_cache[smallest]->size)
                smallest = i;
        }
        if (arena_cache[smallest]->size < c->size) {
            adb_arena_chunk *old = arena_cache[smallest];

            arena_cache[smallest] = c;
            c = old;
        }
    }
    free(c);
}

void adb_arena_cache_release(void)
{
    size_t i;

    for (i = 0; i < ARENA_CACHE_SLOTS; i++) {
        free(arena_cache[i]);
        arena_cache[i] = NULL;
    }
}

void adb_arena_init(adb_arena *arena, size_t hint)
{
    arena->head = NULL;
    arena->next_size = hint < ARENA_MIN_CHUNK ? ARENA_MIN_CHUNK
                       : hint > ARENA_MAX_ALLOC ? ARENA_MAX_ALLOC : hint;
}

static void *arena_take(adb_arena *arena, size_t size)
{
    adb_arena_chunk *c = arena->head;
    size_t need, csize;
    void *p;

    if (size > ARENA_MAX_ALLOC)
        return NULL;
    need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need == 0)
        need = ARENA_ALIGN;
    if (c == NULL || need > c->size - c->used) {
        csize = arena->next_size;
        if (csize < need)
            csize = need;
        c = chunk_get(csize);
        if (c == NULL)
            return NULL;
        c->prev = arena->head;
        c->used = 0;
        arena->head = c;
        if (arena->next_size < ARENA_MAX_ALLOC / 2)
            arena->next_size *= 2;
    }
    p = c->data + c->used;
    c->used += need;
    return p;
}

void *adb_arena_alloc(adb_arena *arena, size_t size)
{
    void *p = arena_take(arena, size);

    if (p != NULL)
        memset(p, 0, size);
    return p;
}

void *adb_arena_array(adb_arena *arena, size_t count, size_t elem)
{
    if (elem != 0 && count > SIZE_MAX / elem)
        return NULL;
    return adb_arena_alloc(arena, count * elem);
}

void *adb_arena_array_uninit(adb_arena *arena, size_t count, size_t elem)
{
    if (elem != 0 && count > SIZE_MAX / elem)
        return NULL;
    return arena_take(arena, count * elem);
}

void adb_arena_free(adb_arena *arena)
{
    adb_arena_chunk *c, *prev;

    if (arena == NULL)
        return;
    for (c = arena->head; c != NULL; c = prev) {
        prev = c->prev;
        chunk_put(c);
    }
    arena->head = NULL;
}
