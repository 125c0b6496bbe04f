/* SPDX-License-Identifier: MIT */
/*
 * unit_support.c - see unit_support.h.
 */
#include "unit_support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define TMP_MAX_FILES 64

krb5_context kctx;

static char tmp_files[TMP_MAX_FILES][128];
static size_t tmp_count;

int unit_group_setup(void **state)
{
    (void)state;
    return krb5_init_context(&kctx) ? -1 : 0;
}

int unit_group_teardown(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < tmp_count; i++)
        (void)unlink(tmp_files[i]);    /* most are gone already */
    tmp_count = 0;
    if (kctx != NULL)
        krb5_free_context(kctx);
    kctx = NULL;
    return 0;
}

void tmp_write(char *path, size_t size, const char *tag, const char *text)
{
    const char *dir = getenv("TMPDIR");
    size_t n = strlen(text);
    int fd;

    assert_true(size >= 64);
    assert_true(snprintf(path, size, "%s/adb_%s_XXXXXX",
                         dir != NULL && strlen(dir) < 40 ? dir : "/tmp",
                         tag) < (int)size);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    if (tmp_count < TMP_MAX_FILES && strlen(path) < sizeof(tmp_files[0]))
        memcpy(tmp_files[tmp_count++], path, strlen(path) + 1);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    assert_int_equal(close(fd), 0);
}
