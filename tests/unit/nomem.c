/* SPDX-License-Identifier: MIT */
/* nomem.c - allocation-failure injection for tests (see nomem.h). */
#include "nomem.h"

#include <stddef.h>

long nomem_live;
bool nomem_did_fail;
static long fail_at = -1;     /* allocation number to fail; -1 never */
long nomem_allocs;            /* allocations since nomem_arm() */

void nomem_arm(long n)
{
    nomem_allocs = 0;
    nomem_did_fail = false;
    fail_at = n;
}

void nomem_disarm(void)
{
    fail_at = -1;
}

#if NOMEM_AVAILABLE
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t m);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

void *malloc(size_t n);
void *calloc(size_t n, size_t m);
void *realloc(void *p, size_t n);
void free(void *p);

static bool inject(void)
{
    if (fail_at < 0)
        return false;
    if (nomem_allocs++ == fail_at) {
        nomem_did_fail = true;
        return true;
    }
    return false;
}

void *malloc(size_t n)
{
    void *p = inject() ? NULL : __libc_malloc(n);

    if (p != NULL)
        nomem_live++;
    return p;
}

void *calloc(size_t n, size_t m)
{
    void *p = inject() ? NULL : __libc_calloc(n, m);

    if (p != NULL)
        nomem_live++;
    return p;
}

void *realloc(void *p, size_t n)
{
    void *q;

    if (inject())
        return NULL;
    q = __libc_realloc(p, n);
    if (p == NULL && q != NULL)
        nomem_live++;
    else if (p != NULL && n == 0 && q == NULL)
        nomem_live--;
    return q;
}

void free(void *p)
{
    if (p != NULL)
        nomem_live--;
    __libc_free(p);
}
#endif
