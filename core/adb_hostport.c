/* SPDX-License-Identifier: MIT */
/* adb_hostport.c - "host[:port]" values (adb_hostport.h). */
#include "adb_hostport.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static adb_err hp_fail(char *err, size_t errlen, const char *what,
                       const char *text)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s \"%.64s\"", what, text);
    return ADB_ERR_MALFORMED;
}

bool adb_hostname_valid(const char *name, bool allow_underscore)
{
    size_t len = strlen(name), label = 0, i;

    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len == 0 || len > ADB_HOST_MAX)
        return false;
    for (i = 0; i < len; i++) {
        char c = name[i];

        if (c == '.') {
            if (label == 0 || name[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' ||
              (c == '_' && allow_underscore)))
            return false;
        if (c == '-' && label == 0)
            return false;
        if (++label > 63)
            return false;
    }
    return name[len - 1] != '-';
}

/* "1".."65535" only. */
static bool hp_port(const char *s, uint16_t *port_out)
{
    unsigned long v = 0;
    size_t i, n = strlen(s);

    if (n == 0 || n > 5 || s[0] == '0')
        return false;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v > 65535)
        return false;
    *port_out = (uint16_t)v;
    return true;
}

adb_err adb_hostport_parse(const char *text, adb_hostport *hp_out,
                           char *err, size_t errlen)
{
    adb_hostport hp;
    char buf[ADB_HOST_MAX + 8];
    const char *host, *port = NULL;
    unsigned char bin[16];
    size_t len;
    char *colon;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (hp_out != NULL)
        memset(hp_out, 0, sizeof(*hp_out));
    if (text == NULL || hp_out == NULL)
        return ADB_ERR_INVALID;
    memset(&hp, 0, sizeof(hp));
    len = strlen(text);
    if (len == 0)
        return hp_fail(err, errlen, "empty host", text);
    if (len > sizeof(buf) - 1)
        return hp_fail(err, errlen, "host name longer than 253 characters:",
                       text);
    memcpy(buf, text, len + 1);
    if (buf[0] == '[') {
        char *end = strchr(buf, ']');

        if (end == NULL)
            return hp_fail(err, errlen, "missing ']' in", text);
        *end = '\0';
        host = buf + 1;
        if (end[1] == ':')
            port = end + 2;
        else if (end[1] != '\0')
            return hp_fail(err, errlen, "unexpected text after ']' in", text);
        if (inet_pton(AF_INET6, host, bin) != 1)
            return hp_fail(err, errlen, "not an IPv6 address:", text);
        hp.is_ip = hp.is_ipv6 = true;
    } else if (inet_pton(AF_INET6, buf, bin) == 1) {
        host = buf;                       /* bare IPv6, no port */
        hp.is_ip = hp.is_ipv6 = true;
    } else {
        colon = strchr(buf, ':');
        if (colon != NULL) {
            if (strchr(colon + 1, ':') != NULL)
                return hp_fail(err, errlen,
                               "an IPv6 address with a port needs brackets:",
                               text);
            *colon = '\0';
            port = colon + 1;
        }
        host = buf;
        if (inet_pton(AF_INET, host, bin) == 1)
            hp.is_ip = true;
        else if (!adb_hostname_valid(host, false))
            return hp_fail(err, errlen, "not a valid host name or address:",
                           text);
    }
    if (port != NULL && !hp_port(port, &hp.port)) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen,
                     "port \"%.16s\" is not a number from 1 to 65535", port);
        return ADB_ERR_MALFORMED;
    }
    len = strlen(host);
    if (len > ADB_HOST_MAX)
        return hp_fail(err, errlen, "host name longer than 253 characters:",
                       text);
    memcpy(hp.host, host, len + 1);
    *hp_out = hp;
    return ADB_OK;
}
