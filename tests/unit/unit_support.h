/* SPDX-License-Identifier: MIT */
/*
 * unit_support.h - what the cmocka unit tests share: one krb5 context and
 * temporary files that are removed even when an assertion fails.
 */
#ifndef UNIT_SUPPORT_H
#define UNIT_SUPPORT_H

#include <stddef.h>

#include <krb5.h>

/* The tests' krb5 context, made by unit_group_setup(). */
extern krb5_context kctx;

/*
 * unit_group_setup / unit_group_teardown - the group fixtures of every
 * unit test program (cmocka_run_group_tests): the setup makes kctx; the
 * teardown, which cmocka runs even after a failed test, frees it and
 * removes every file tmp_write() made that is still there.
 */
int unit_group_setup(void **state);
int unit_group_teardown(void **state);

/*
 * tmp_write - a new file "adb_@tag_XXXXXX" in $TMPDIR (or /tmp) holding
 * @text; its name goes to @path (@size bytes, at least 64).  Fails the
 * test on error.  At most 64 files per program are remembered for
 * unit_group_teardown(); the tests unlink them when they are done too.
 */
void tmp_write(char *path, size_t size, const char *tag, const char *text);

#endif /* UNIT_SUPPORT_H */
