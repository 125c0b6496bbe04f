/* SPDX-License-Identifier: MIT */
/*
 * cli_secret.c - the trust password: generate, check, read, prompt (see
 * cli_secret.h).
 */
#include "cli_secret.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cli.h"

const char cli_secret_alphabet[] =
    "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.+=";

void cli_secret_free(char *pw)
{
    if (pw == NULL)
        return;
    OPENSSL_cleanse(pw, strlen(pw));
    free(pw);
}

int cli_secret_generate(size_t len, char **out)
{
    size_t n = sizeof(cli_secret_alphabet) - 1, limit, got = 0;
    unsigned char rnd[64];
    char *pw;
    int status = -1;

    *out = NULL;
    if (len == 0 || len > CLI_SECRET_MAX_LEN)
        return -1;
    pw = calloc(1, len + 1);
    if (pw == NULL)
        return -1;
    limit = 256 - (256 % n);      /* bytes >= limit would bias the draw */
    while (got < len) {
        size_t i;

        if (RAND_bytes(rnd, (int)sizeof(rnd)) != 1)
            goto cleanup;
        for (i = 0; i < sizeof(rnd) && got < len; i++)
            if (rnd[i] < limit)
                pw[got++] = cli_secret_alphabet[rnd[i] % n];
    }
    pw[len] = '\0';
    *out = pw;
    pw = NULL;
    status = 0;

cleanup:
    OPENSSL_cleanse(rnd, sizeof(rnd));
    if (pw != NULL) {
        OPENSSL_cleanse(pw, len);
        free(pw);
    }
    return status;
}

const char *cli_secret_check(const char *pw, bool *non_ascii)
{
    size_t chars = 0;
    const unsigned char *p;

    *non_ascii = false;
    for (p = (const unsigned char *)pw; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return "the trust password contains a control character";
        if (*p >= 0x80)
            *non_ascii = true;
        if ((*p & 0xc0) != 0x80)  /* count UTF-8 characters, not bytes */
            chars++;
    }
    if (p - (const unsigned char *)pw > CLI_SECRET_MAX_LEN)
        return "the trust password is longer than 256 bytes";
    if (chars < CLI_SECRET_MIN_LEN)
        return "the trust password is shorter than 15 characters";
    return NULL;
}

/* The first line of @buf (length @len) as a new string, or NULL. */
static char *first_line(const char *buf, size_t len)
{
    size_t n = 0;
    char *s;

    while (n < len && buf[n] != '\n')
        n++;
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    s = malloc(n + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, buf, n);
    s[n] = '\0';
    return s;
}

int cli_secret_read_file(const char *path, char **out)
{
    char buf[CLI_SECRET_MAX_LEN + 2];
    size_t len = 0;
    int fd, status = -1;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        cli_error("cannot open the password file %s: %s", path,
                  strerror(errno));
        return -1;
    }
    {
        struct stat st;

        if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0)
            cli_error("warning: %s can be read by others (mode %04o): keep"
                      " password files 0600", path,
                      (unsigned int)(st.st_mode & 07777));
    }
    while (len < sizeof(buf)) {
        ssize_t r = read(fd, buf + len, sizeof(buf) - len);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            cli_error("cannot read the password file %s: %s", path,
                      strerror(errno));
            goto cleanup;
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (memchr(buf, '\n', len) != NULL)
            break;
    }
    if (memchr(buf, '\n', len) == NULL && len > CLI_SECRET_MAX_LEN) {
        cli_error("the password file %s: its first line is longer than %d"
                  " bytes", path, CLI_SECRET_MAX_LEN);
        goto cleanup;
    }
    if (memchr(buf, '\0', len) != NULL) {
        cli_error("the password file %s contains a NUL byte", path);
        goto cleanup;
    }
    *out = first_line(buf, len);
    if (*out == NULL) {
        cli_error("out of memory");
        goto cleanup;
    }
    status = 0;

cleanup:
    OPENSSL_cleanse(buf, sizeof(buf));
    close(fd);
    return status;
}

/* One line from @fd with echo off (terminal @t restored afterwards). */
static char *read_noecho(int fd, const char *prompt)
{
    struct termios old, quiet;
    char buf[CLI_SECRET_MAX_LEN + 2];
    size_t len = 0;
    char c, *line = NULL;
    bool restored = false;
    sigset_t block, oldmask;

    if (tcgetattr(fd, &old) != 0)
        return NULL;
    quiet = old;
    quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    /* no Ctrl-C between echo off and echo back on */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTSTP);
    sigprocmask(SIG_BLOCK, &block, &oldmask);
    if (write(fd, prompt, strlen(prompt)) < 0 ||
        tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
        goto cleanup;
    for (;;) {
        ssize_t r = read(fd, &c, 1);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || c == '\n')
            break;
        if (len < sizeof(buf) - 1)
            buf[len++] = c;
    }
    tcsetattr(fd, TCSAFLUSH, &old);
    restored = true;
    if (write(fd, "\n", 1) < 0) {
        /* the newline the user typed was not echoed; nothing to do */
    }
    if (len > CLI_SECRET_MAX_LEN)
        goto cleanup;
    line = first_line(buf, len);

cleanup:
    if (!restored)
        tcsetattr(fd, TCSAFLUSH, &old);
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    OPENSSL_cleanse(buf, sizeof(buf));
    c = 0;
    return line;
}

int cli_secret_prompt(const char *prompt, const char *again, char **out)
{
    char *a = NULL, *b = NULL;
    int fd, status = -1;

    *out = NULL;
    fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        cli_error("no terminal to ask for the trust password (%s); give"
                  " --password-file or --generate-password",
                  strerror(errno));
        return -1;
    }
    a = read_noecho(fd, prompt);
    if (a == NULL) {
        cli_error("could not read the trust password from the terminal");
        goto cleanup;
    }
    b = read_noecho(fd, again);
    if (b == NULL || strcmp(a, b) != 0) {
        cli_error("the two passwords typed differ; nothing was changed");
        goto cleanup;
    }
    *out = a;
    a = NULL;
    status = 0;

cleanup:
    cli_secret_free(a);
    cli_secret_free(b);
    close(fd);
    return status;
}

int cli_secret_write_file(const char *path, const char *pw)
{
    size_t len = strlen(pw);
    int fd, status = -1;

    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
              0600);
    if (fd < 0) {
        cli_error("cannot create %s: %s (it must not exist yet)", path,
                  strerror(errno));
        return -1;
    }
    if (fchmod(fd, 0600) != 0 || write(fd, pw, len) != (ssize_t)len ||
        write(fd, "\n", 1) != 1 || fsync(fd) != 0) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    if (close(fd) != 0) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        unlink(path);
        return -1;
    }
    status = 0;
    return status;
}
