/* SPDX-License-Identifier: MIT */
/*
 * dns_failover.c - which servers failed (or answered) recently, shared by
 * every process of a user through a small file: DIR/failover.UID.
 *
 *   adbridge-failover 1
 *   down 192.0.2.7 1767000000
 *   up 2001:db8::5 1767000030
 *
 * Root's file (failover.0, e.g. written by `adbridge discover --probe`)
 * is read by every user as well.  A file counts only if it is a regular
 * file of that uid, not writable by group or others, and not a symlink.
 * Writers take an flock on DIR/failover.UID.lock, write DIR/.failover.UID.XXXXXX
 * and rename() it over the file, so readers never see half a file.
 */
#define _GNU_SOURCE                  /* mkostemp */
#include "dns_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define FO_HEADER "adbridge-failover 1\n"

static dns_fo_entry *fo_find(dns_failover *fo, int family, const uint8_t *addr)
{
    size_t i, n = family == AF_INET ? 4 : 16;

    for (i = 0; i < fo->count; i++)
        if (fo->e[i].family == family && memcmp(fo->e[i].addr, addr, n) == 0)
            return &fo->e[i];
    return NULL;
}

void dns_failover_set(dns_failover *fo, int family, const uint8_t *addr,
                      bool down, int64_t until)
{
    dns_fo_entry *e = fo_find(fo, family, addr);
    size_t i;

    if (e == NULL && fo->count < DNS_FO_MAX) {
        e = &fo->e[fo->count++];
    } else if (e == NULL) {
        e = &fo->e[0];
        for (i = 1; i < fo->count; i++)
            if (fo->e[i].until < e->until)
                e = &fo->e[i];
    }
    memset(e, 0, sizeof(*e));
    e->family = family;
    memcpy(e->addr, addr, family == AF_INET ? 4 : 16);
    e->down = down;
    e->until = until;
}

int dns_failover_state(const dns_failover *fo, int family,
                       const uint8_t *addr, int64_t now)
{
    dns_fo_entry *e = fo_find((dns_failover *)fo, family, addr);

    if (e == NULL || e->until <= now)
        return 0;
    return e->down ? 1 : 2;
}

adb_err dns_failover_parse(const char *text, size_t len, int64_t now,
                           dns_failover *fo)
{
    char line[128];
    size_t off, hl = strlen(FO_HEADER);

    memset(fo, 0, sizeof(*fo));
    if (len > DNS_FO_FILE_MAX)
        return ADB_ERR_LIMIT;
    if (len < hl || memcmp(text, FO_HEADER, hl) != 0)
        return ADB_ERR_MALFORMED;
    for (off = hl; off < len;) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t ll = nl == NULL ? len - off : (size_t)(nl - (text + off));
        char state[8], addr[INET6_ADDRSTRLEN + 1], tail;
        long long until;
        uint8_t bin[16];
        int family, fields;

        if (nl == NULL || ll >= sizeof(line))
            goto bad;
        memcpy(line, text + off, ll);
        line[ll] = '\0';
        off += ll + 1;
        fields = sscanf(line, "%7s %46s %lld%c", state, addr, &until, &tail);
        if (fields != 3)
            goto bad;
        if (strcmp(state, "down") != 0 && strcmp(state, "up") != 0)
            goto bad;
        if (inet_pton(AF_INET, addr, bin) == 1)
            family = AF_INET;
        else if (inet_pton(AF_INET6, addr, bin) == 1)
            family = AF_INET6;
        else
            goto bad;
        if (until <= now)
            continue;
        if (fo->count >= DNS_FO_MAX) {
            memset(fo, 0, sizeof(*fo));
            return ADB_ERR_LIMIT;
        }
        dns_failover_set(fo, family, bin, state[0] == 'd', (int64_t)until);
    }
    return ADB_OK;
bad:
    memset(fo, 0, sizeof(*fo));
    return ADB_ERR_MALFORMED;
}

size_t dns_failover_format(const dns_failover *fo, char *buf, size_t size)
{
    size_t off, i;
    int n;

    n = snprintf(buf, size, "%s", FO_HEADER);
    if (n < 0 || (size_t)n >= size)
        return 0;
    off = (size_t)n;
    for (i = 0; i < fo->count; i++) {
        char a[INET6_ADDRSTRLEN];

        inet_ntop(fo->e[i].family, fo->e[i].addr, a, sizeof(a));
        n = snprintf(buf + off, size - off, "%s %s %lld\n",
                     fo->e[i].down ? "down" : "up", a,
                     (long long)fo->e[i].until);
        if (n < 0 || (size_t)n >= size - off)
            return 0;
        off += (size_t)n;
    }
    return off;
}

/* Read @path if it is a trustworthy file of @uid; false otherwise. */
static bool fo_read(const char *path, uid_t uid, int64_t now,
                    dns_failover *fo)
{
    char buf[DNS_FO_FILE_MAX + 1];
    struct stat st;
    size_t len = 0;
    bool ok = false;
    int fd;

    memset(fo, 0, sizeof(*fo));
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != uid ||
        (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
        st.st_size > DNS_FO_FILE_MAX)
        goto done;
    while (len < sizeof(buf)) {
        ssize_t n = read(fd, buf + len, sizeof(buf) - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    ok = len <= DNS_FO_FILE_MAX &&
         dns_failover_parse(buf, len, now, fo) == ADB_OK;
done:
    close(fd);
    return ok;
}

static bool fo_path(char *buf, size_t size, const char *dir, const char *pre,
                    uid_t uid, const char *suffix)
{
    int n = snprintf(buf, size, "%s/%sfailover.%u%s", dir, pre,
                     (unsigned int)uid, suffix);

    return n > 0 && (size_t)n < size;
}

void dns_failover_load(const char *dir, uid_t uid, int64_t now,
                       dns_failover *fo)
{
    char path[4096];
    dns_failover other;
    size_t i;

    memset(fo, 0, sizeof(*fo));
    if (dir == NULL || dir[0] == '\0')
        return;
    if (fo_path(path, sizeof(path), dir, "", uid, ""))
        fo_read(path, uid, now, fo);
    if (uid == 0 || !fo_path(path, sizeof(path), dir, "", 0, ""))
        return;
    if (!fo_read(path, 0, now, &other))
        return;
    /* The user's own notes win over root's. */
    for (i = 0; i < other.count; i++) {
        dns_fo_entry *e = &other.e[i];

        if (dns_failover_state(fo, e->family, e->addr, now) == 0)
            dns_failover_set(fo, e->family, e->addr, e->down, e->until);
    }
}

adb_err dns_failover_update(const char *dir, uid_t uid, int64_t now,
                            int family, const uint8_t *addr, bool down,
                            unsigned int seconds)
{
    char path[4096], lock[4096], tmp[4096], text[DNS_FO_FILE_MAX];
    dns_failover *fo = NULL;
    size_t len, off = 0;
    int lfd = -1, tfd = -1;
    adb_err ret = ADB_ERR_IO;

    if (dir == NULL || dir[0] == '\0' || seconds == 0)
        return ADB_OK;
    if (!fo_path(path, sizeof(path), dir, "", uid, "") ||
        !fo_path(lock, sizeof(lock), dir, "", uid, ".lock") ||
        !fo_path(tmp, sizeof(tmp), dir, ".", uid, ".XXXXXX"))
        return ADB_ERR_IO;
    fo = malloc(sizeof(*fo));
    if (fo == NULL)
        return ADB_ERR_NOMEM;
    lfd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (lfd < 0 || flock(lfd, LOCK_EX) != 0)
        goto cleanup;
    fo_read(path, uid, now, fo);
    dns_failover_set(fo, family, addr, down, now + (int64_t)seconds);
    len = dns_failover_format(fo, text, sizeof(text));
    if (len == 0)
        goto cleanup;
    tfd = mkostemp(tmp, O_CLOEXEC);
    if (tfd < 0)
        goto cleanup;
    if (fchmod(tfd, 0644) != 0)
        goto unlink;
    while (off < len) {
        ssize_t n = write(tfd, text + off, len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto unlink;
        off += (size_t)n;
    }
    if (close(tfd) != 0) {
        tfd = -1;
        goto unlink;
    }
    tfd = -1;
    if (rename(tmp, path) != 0)
        goto unlink;
    ret = ADB_OK;
    goto cleanup;
unlink:
    unlink(tmp);
cleanup:
    if (tfd >= 0)
        close(tfd);
    if (lfd >= 0)
        close(lfd);                 /* releases the flock */
    free(fo);
    return ret;
}
