/* SPDX-License-Identifier: MIT */
/* adl_time.c - LDAP GeneralizedTime (AD's rootDSE currentTime). */
#include "adl_int.h"

/* Longest value we look at: 14 digits, a 32-digit fraction, "+hhmm". */
#define GENTIME_MAX 52

/* Days from 1970-01-01 to @y-@m-@d of the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil, valid for all years used here). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool is_leap(unsigned int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Read @n digits at text[*pos] into *v; false if any is not a digit. */
static bool digits(const char *text, size_t len, size_t *pos, size_t n,
                   unsigned int *v)
{
    size_t i;
    unsigned int x = 0;

    if (n > len - *pos)
        return false;
    for (i = 0; i < n; i++) {
        char c = text[*pos + i];

        if (c < '0' || c > '9')
            return false;
        x = x * 10 + (unsigned int)(c - '0');
    }
    *pos += n;
    *v = x;
    return true;
}

static bool is_digit_at(const char *text, size_t len, size_t pos)
{
    return pos < len && text[pos] >= '0' && text[pos] <= '9';
}

#define BAD(pos, ...) adl_diag_set(diag, ADB_ERR_MALFORMED, "GeneralizedTime", \
                                   (pos), __VA_ARGS__)

/*
 * RFC 4517 3.3.13:
 *   GeneralizedTime = century year month day hour
 *                        [ minute [ second / leap-second ] ]
 *                        [ fraction ]
 *                        g-time-zone
 *   fraction        = ( DOT / COMMA ) 1*(%x30-39)
 *   g-time-zone     = %x5A  ; "Z"
 *                     / g-differential
 *   g-differential  = ( MINUS / PLUS ) hour [ minute ]
 */
adb_err adl_gentime_parse(const char *text, size_t len, time_t *out,
                          adb_diag *diag)
{
    static const unsigned int mdays[12] = { 31, 28, 31, 30, 31, 30,
                                            31, 31, 30, 31, 30, 31 };
    unsigned int year, mon, day, hour, min = 0, sec = 0, oh = 0, om = 0;
    size_t pos = 0;
    int64_t t, off = 0;

    if (out == NULL || diag == NULL || (text == NULL && len != 0))
        return ADB_ERR_INVALID;
    if (len > GENTIME_MAX)
        return adl_diag_set(diag, ADB_ERR_LIMIT, "GeneralizedTime", 0,
                            "value of %zu bytes, at most %d expected", len,
                            GENTIME_MAX);
    if (!digits(text, len, &pos, 4, &year) || !digits(text, len, &pos, 2, &mon) ||
        !digits(text, len, &pos, 2, &day) || !digits(text, len, &pos, 2, &hour))
        return BAD(pos, "expected YYYYMMDDHH digits");
    if (year < 1970 || mon < 1 || mon > 12 || hour > 23)
        return BAD(0, "year %u, month %u or hour %u out of range", year, mon,
                   hour);
    if (day < 1 || day > mdays[mon - 1] + (mon == 2 && is_leap(year)))
        return BAD(6, "day %u does not exist in %04u-%02u", day, year, mon);
    if (is_digit_at(text, len, pos)) {
        if (!digits(text, len, &pos, 2, &min) || min > 59)
            return BAD(pos, "bad minute");
        if (is_digit_at(text, len, pos) &&
            (!digits(text, len, &pos, 2, &sec) || sec > 60))
            return BAD(pos, "bad second");
    }
    if (pos < len && (text[pos] == '.' || text[pos] == ',')) {
        pos++;
        if (!is_digit_at(text, len, pos))
            return BAD(pos, "empty fraction");
        while (is_digit_at(text, len, pos))
            pos++;                  /* sub-second precision is dropped */
    }
    if (pos == len)
        return BAD(pos, "missing time zone (Z or +hhmm / -hhmm)");
    if (text[pos] == 'Z') {
        pos++;
    } else if (text[pos] == '+' || text[pos] == '-') {
        int sign = text[pos] == '-' ? -1 : 1;

        pos++;
        if (!digits(text, len, &pos, 2, &oh) || oh > 23)
            return BAD(pos, "bad time zone hour");
        if (pos < len && (!digits(text, len, &pos, 2, &om) || om > 59))
            return BAD(pos, "bad time zone minute");
        off = sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
    } else {
        return BAD(pos, "byte 0x%02x where the time zone should be",
                   (unsigned char)text[pos]);
    }
    if (pos != len)
        return BAD(pos, "%zu trailing bytes", len - pos);
    t = days_from_civil(year, mon, day) * 86400 + (int64_t)hour * 3600 +
        (int64_t)min * 60 + sec;
    *out = (time_t)(t - off);      /* local = UTC + offset */
    return ADB_OK;
}
