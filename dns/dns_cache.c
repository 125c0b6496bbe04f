/* SPDX-License-Identifier: MIT */
/*
 * dns_cache.c - parsed answers by (name, type) for as long as their TTL
 * says, bounded in entries and bytes, least recently used out first.
 * Linear search over at most max_entries slots (hash compared first): a
 * lookup is a few microseconds at the default 256 entries.
 */
#include "dns_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DNS_CACHE_DEFAULT_ENTRIES 256
#define DNS_CACHE_DEFAULT_BYTES (256u * 1024u)
#define DNS_CACHE_MAX_ENTRIES 4096

typedef struct dns_cache_slot {
    dns_answer *answer;          /* owned; NULL = free slot */
    char name[DNS_NAME_MAX + 1];
    uint16_t type;
    uint32_t hash;
    uint64_t expires_ms;
    uint64_t used;               /* LRU clock */
} dns_cache_slot;

struct dns_cache {
    pthread_mutex_t lock;
    size_t max_entries, max_bytes, entries, bytes;
    uint64_t clock;
    size_t high;                 /* slots [0, high) initialised */
    dns_cache_slot *slots;       /* max_entries, malloc()ed: a slot is
                                  * initialised when first used, so an
                                  * empty cache touches no page of it (a
                                  * new process paid a page fault per
                                  * zeroed page) */
};

static uint32_t name_hash(const char *s, uint16_t type)
{
    uint32_t h = 2166136261u ^ type;

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h = (h ^ c) * 16777619u;
    }
    return h;
}

adb_err dns_cache_new(size_t max_entries, size_t max_bytes,
                      dns_cache **cache_out)
{
    dns_cache *c = NULL;

    if (cache_out == NULL)
        return ADB_ERR_INVALID;
    *cache_out = NULL;
    if (max_entries == 0)
        max_entries = DNS_CACHE_DEFAULT_ENTRIES;
    if (max_entries > DNS_CACHE_MAX_ENTRIES)
        max_entries = DNS_CACHE_MAX_ENTRIES;
    if (max_bytes == 0)
        max_bytes = DNS_CACHE_DEFAULT_BYTES;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return ADB_ERR_NOMEM;
    c->slots = malloc(max_entries * sizeof(*c->slots));
    if (c->slots == NULL) {
        free(c);
        return ADB_ERR_NOMEM;
    }
    pthread_mutex_init(&c->lock, NULL);
    c->max_entries = max_entries;
    c->max_bytes = max_bytes;
    *cache_out = c;
    return ADB_OK;
}

static void slot_drop(dns_cache *c, dns_cache_slot *s)
{
    if (s->answer == NULL)
        return;
    c->bytes -= s->answer->size;
    c->entries--;
    free(s->answer);
    s->answer = NULL;
}

void dns_cache_clear(dns_cache *c)
{
    size_t i;

    if (c == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    for (i = 0; i < c->high; i++)
        slot_drop(c, &c->slots[i]);
    pthread_mutex_unlock(&c->lock);
}

void dns_cache_free(dns_cache *c)
{
    if (c == NULL)
        return;
    dns_cache_clear(c);
    pthread_mutex_destroy(&c->lock);
    free(c->slots);
    free(c);
}

static dns_cache_slot *slot_find(dns_cache *c, const char *name,
                                 uint16_t type, uint32_t h)
{
    size_t i;

    for (i = 0; i < c->high; i++) {
        dns_cache_slot *s = &c->slots[i];

        if (s->answer != NULL && s->hash == h && s->type == type &&
            strcasecmp(s->name, name) == 0)
            return s;
    }
    return NULL;
}

adb_err dns_cache_get(dns_cache *c, const char *name, uint16_t type,
                      uint64_t now_ms, dns_answer **answer_out)
{
    dns_cache_slot *s;
    adb_err ret = ADB_ERR_NOT_FOUND;

    if (answer_out == NULL)
        return ADB_ERR_INVALID;
    *answer_out = NULL;
    if (c == NULL || name == NULL)
        return ADB_ERR_INVALID;
    pthread_mutex_lock(&c->lock);
    s = slot_find(c, name, type, name_hash(name, type));
    if (s != NULL && s->expires_ms <= now_ms) {
        slot_drop(c, s);
        s = NULL;
    }
    if (s != NULL) {
        dns_answer *a = dns_answer_dup(s->answer);

        if (a == NULL) {
            ret = ADB_ERR_NOMEM;
        } else {
            uint64_t left = (s->expires_ms - now_ms + 999) / 1000;

            a->ttl = (uint32_t)(left > DNS_MAX_TTL ? DNS_MAX_TTL : left);
            s->used = ++c->clock;
            *answer_out = a;
            ret = ADB_OK;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return ret;
}

/* The slot to evict: an expired one, else the least recently used. */
static dns_cache_slot *slot_victim(dns_cache *c, uint64_t now_ms)
{
    dns_cache_slot *lru = NULL;
    size_t i;

    for (i = 0; i < c->high; i++) {
        dns_cache_slot *s = &c->slots[i];

        if (s->answer == NULL)
            continue;
        if (s->expires_ms <= now_ms)
            return s;
        if (lru == NULL || s->used < lru->used)
            lru = s;
    }
    return lru;
}

adb_err dns_cache_put(dns_cache *c, const char *name, uint16_t type,
                      const dns_answer *answer, uint64_t now_ms)
{
    dns_cache_slot *s;
    dns_answer *copy;
    size_t len, i;
    uint32_t h;

    if (c == NULL || name == NULL || answer == NULL)
        return ADB_ERR_INVALID;
    len = strlen(name);
    if (answer->ttl == 0 || len > DNS_NAME_MAX || answer->size > c->max_bytes)
        return ADB_OK;                   /* not cacheable: not an error */
    copy = dns_answer_dup(answer);
    if (copy == NULL)
        return ADB_ERR_NOMEM;
    h = name_hash(name, type);
    pthread_mutex_lock(&c->lock);
    s = slot_find(c, name, type, h);
    if (s != NULL)
        slot_drop(c, s);
    while (c->entries >= c->max_entries ||
           c->bytes > c->max_bytes - copy->size)
        slot_drop(c, slot_victim(c, now_ms));
    for (i = 0; i < c->high && c->slots[i].answer != NULL; i++)
        ;
    if (i == c->high) {                  /* entries < max: room remains */
        memset(&c->slots[i], 0, sizeof(c->slots[i]));
        c->high++;
    }
    s = &c->slots[i];
    s->answer = copy;
    memcpy(s->name, name, len + 1);
    s->type = type;
    s->hash = h;
    s->expires_ms = now_ms + (uint64_t)answer->ttl * 1000u;
    s->used = ++c->clock;
    c->entries++;
    c->bytes += copy->size;
    pthread_mutex_unlock(&c->lock);
    return ADB_OK;
}

void dns_cache_usage(dns_cache *c, size_t *entries, size_t *bytes)
{
    pthread_mutex_lock(&c->lock);
    if (entries != NULL)
        *entries = c->entries;
    if (bytes != NULL)
        *bytes = c->bytes;
    pthread_mutex_unlock(&c->lock);
}
