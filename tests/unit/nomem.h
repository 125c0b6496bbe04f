/* SPDX-License-Identifier: MIT */
/*
 * nomem.h - test-only allocation-failure injection.
 *
 * A test executable linked with nomem.c gets malloc/calloc/realloc/free
 * replaced by wrappers over glibc's __libc_* entry points that count live
 * blocks and can make the Nth allocation after nomem_arm() fail.  Under
 * AddressSanitizer (which owns malloc) nothing is replaced and
 * NOMEM_AVAILABLE is 0: tests should skip().
 */
#ifndef NOMEM_H
#define NOMEM_H

#include <stdbool.h>

#if defined(__SANITIZE_ADDRESS__)
#define NOMEM_AVAILABLE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NOMEM_AVAILABLE 0
#endif
#endif
#ifndef NOMEM_AVAILABLE
#define NOMEM_AVAILABLE 1
#endif

extern long nomem_live;        /* live blocks, all callers */
extern bool nomem_did_fail;    /* the armed allocation was reached */
extern long nomem_allocs;      /* allocations since nomem_arm() */

/* Fail the @n-th allocation (0-based) from now on; counting restarts. */
void nomem_arm(long n);

/* Stop failing allocations. */
void nomem_disarm(void);

#endif /* NOMEM_H */
