/* adb_arena.c - bump allocator (see adb_arena.h). */
#include "adb_arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_MIN_CHUNK 1024u
#define ARENA_MAX_ALLOC ((size_t)1 << 30)
#define ARENA_ALIGN alignof(max_align_t)

struct adb_arena_chunk {
    adb_arena_chunk *prev;
    size_t size;    /* usable bytes in data */
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

void adb_arena_init(adb_arena *arena, size_t hint)
{
    arena->head = NULL;
    arena->next_size = hint < ARENA_MIN_CHUNK ? ARENA_MIN_CHUNK : hint;
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
        c = malloc(sizeof(*c) + csize);
        if (c == NULL)
            return NULL;
        c->prev = arena->head;
        c->size = csize;
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
        free(c);
    }
    arena->head = NULL;
}
