/* SPDX-License-Identifier: MIT */
/*
 * test_twz.c - the trust wizard's pure pieces: realm and NetBIOS name
 * checks, --enctypes parsing, the Windows commands and krb5.conf lines,
 * and the trust password (generation alphabet, length, uniform use of the
 * alphabet, checks, password file reading).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "cli_secret.h"
#include "cli_twz.h"

/* cli_secret.c reports errors through the CLI's printer (cli_main.c). */
void cli_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void realm_checks(void **state)
{
    char buf[256];

    (void)state;
    assert_null(twz_check_realm("AD.EXAMPLE.COM", "LOCAL.EXAMPLE", buf,
                                sizeof(buf)));
    assert_non_null(twz_check_realm("ad.example.com", "LOCAL.EXAMPLE", buf,
                                    sizeof(buf)));
    assert_non_null(strstr(buf, "not upper case"));
    assert_non_null(twz_check_realm("LOCAL.EXAMPLE", "LOCAL.EXAMPLE", buf,
                                    sizeof(buf)));
    assert_non_null(strstr(buf, "local realm"));
    assert_non_null(twz_check_realm("", NULL, buf, sizeof(buf)));
    assert_non_null(twz_check_realm("AD..COM", NULL, buf, sizeof(buf)));
    assert_non_null(twz_check_realm(".AD.COM", NULL, buf, sizeof(buf)));
    assert_non_null(twz_check_realm("AD COM", NULL, buf, sizeof(buf)));
    assert_non_null(twz_check_realm("AD.COM\n", NULL, buf, sizeof(buf)));
}

static void netbios_checks(void **state)
{
    char buf[256];

    (void)state;
    assert_null(twz_check_netbios("ADEX", "AD.EXAMPLE.COM", buf,
                                  sizeof(buf)));
    assert_non_null(twz_check_netbios("AD.EXAMPLE.COM", "AD.EXAMPLE.COM",
                                      buf, sizeof(buf)));
    assert_non_null(strstr(buf, "is the realm"));
    assert_non_null(twz_check_netbios("ad.example.com", "AD.EXAMPLE.COM",
                                      buf, sizeof(buf)));
    assert_non_null(twz_check_netbios("AD.EX", "AD.EXAMPLE.COM", buf,
                                      sizeof(buf)));
    assert_non_null(twz_check_netbios("ABCDEFGHIJKLMNOP", NULL, buf,
                                      sizeof(buf)));   /* 16 */
    assert_null(twz_check_netbios("ABCDEFGHIJKLMNO", NULL, buf,
                                  sizeof(buf)));       /* 15 */
    assert_non_null(twz_check_netbios("", NULL, buf, sizeof(buf)));
    assert_non_null(twz_check_netbios("A B", NULL, buf, sizeof(buf)));
}

static void enctype_lists(void **state)
{
    krb5_enctype e[TWZ_MAX_ENCTYPES];
    char buf[256];
    bool rc4;

    (void)state;
    assert_int_equal(twz_parse_enctypes("aes256,aes128", e, &rc4, buf,
                                        sizeof(buf)), 2);
    assert_int_equal(e[0], ENCTYPE_AES256_CTS_HMAC_SHA1_96);
    assert_int_equal(e[1], ENCTYPE_AES128_CTS_HMAC_SHA1_96);
    assert_false(rc4);
    assert_int_equal(twz_parse_enctypes("aes256,aes128,rc4", e, &rc4, buf,
                                        sizeof(buf)), 3);
    assert_int_equal(e[2], ENCTYPE_ARCFOUR_HMAC);
    assert_true(rc4);
    assert_int_equal(twz_parse_enctypes("aes256-cts-hmac-sha1-96", e, &rc4,
                                        buf, sizeof(buf)), 1);
    assert_int_equal(twz_parse_enctypes("aes256,des", e, &rc4, buf,
                                        sizeof(buf)), 0);
    assert_non_null(strstr(buf, "unknown enctype \"des\""));
    assert_int_equal(twz_parse_enctypes("aes256,aes256", e, &rc4, buf,
                                        sizeof(buf)), 0);
    assert_non_null(strstr(buf, "twice"));
    assert_int_equal(twz_parse_enctypes("", e, &rc4, buf, sizeof(buf)), 0);
    assert_int_equal(twz_parse_enctypes("aes256,", e, &rc4, buf,
                                        sizeof(buf)), 0);
    assert_int_equal(twz_parse_enctypes(",aes256", e, &rc4, buf,
                                        sizeof(buf)), 0);
}

static void windows_commands(void **state)
{
    char lines[TWZ_MAX_LINES][TWZ_LINE_MAX];
    krb5_enctype e[2] = { ENCTYPE_AES256_CTS_HMAC_SHA1_96,
                          ENCTYPE_AES128_CTS_HMAC_SHA1_96 };
    twz_plan p;
    size_t n;

    (void)state;
    memset(&p, 0, sizeof(p));
    p.local_realm = "LOCAL.EXAMPLE";
    p.ad_realm = "AD.EXAMPLE.COM";
    p.enctypes = e;
    p.enctype_count = 2;
    p.local_kdc = "kdc1.local.example";
    n = twz_windows_commands(&p, lines);
    assert_int_equal(n, 3);
    assert_string_equal(lines[0], "netdom trust LOCAL.EXAMPLE"
                        " /Domain:AD.EXAMPLE.COM /add /realm"
                        " /passwordt:\"<the trust password>\"");
    assert_string_equal(lines[1], "ksetup /SetEncTypeAttr LOCAL.EXAMPLE"
                        " AES256-CTS-HMAC-SHA1-96 AES128-CTS-HMAC-SHA1-96");
    assert_string_equal(lines[2], "ksetup /AddKdc LOCAL.EXAMPLE"
                        " kdc1.local.example");
    p.two_way = true;
    p.password_shown = "Gen3rated-Pw";
    n = twz_windows_commands(&p, lines);
    assert_string_equal(lines[0], "netdom trust LOCAL.EXAMPLE"
                        " /Domain:AD.EXAMPLE.COM /add /realm"
                        " /passwordt:Gen3rated-Pw /twoway");
    n = twz_krb5_conf(&p, (const char *const[]){ "dc1.ad.example.com" }, 1,
                      lines);
    assert_int_equal(n, 7);
    assert_string_equal(lines[1], "    AD.EXAMPLE.COM = {");
    assert_string_equal(lines[2], "        kdc = dc1.ad.example.com");
    assert_string_equal(lines[5], "    .ad.example.com = AD.EXAMPLE.COM");
}

static void generated_passwords(void **state)
{
    size_t counts[128] = { 0 }, i, k, n = strlen(cli_secret_alphabet);
    char *pw = NULL, *prev = NULL;
    bool non_ascii;

    (void)state;
    assert_int_equal(n, 62);
    for (k = 0; k < 2000; k++) {
        assert_int_equal(cli_secret_generate(CLI_SECRET_GEN_LEN, &pw), 0);
        assert_int_equal(strlen(pw), 32);
        for (i = 0; i < 32; i++) {
            assert_non_null(strchr(cli_secret_alphabet, pw[i]));
            counts[(unsigned char)pw[i]]++;
        }
        assert_null(cli_secret_check(pw, &non_ascii));
        assert_false(non_ascii);
        if (prev != NULL)
            assert_string_not_equal(pw, prev);
        cli_secret_free(prev);
        prev = pw;
        pw = NULL;
    }
    cli_secret_free(prev);
    /* 64000 draws over 62 symbols: each expected ~1032; every symbol used
     * and none far off (a modulo bias would show as a skew) */
    for (i = 0; i < n; i++) {
        size_t c = counts[(unsigned char)cli_secret_alphabet[i]];

        assert_true(c > 850 && c < 1220);
    }
    /* the look-alikes are not in the alphabet */
    assert_null(strchr(cli_secret_alphabet, '0'));
    assert_null(strchr(cli_secret_alphabet, 'O'));
    assert_null(strchr(cli_secret_alphabet, 'l'));
    assert_null(strchr(cli_secret_alphabet, '1'));
    assert_int_equal(cli_secret_generate(0, &pw), -1);
    assert_int_equal(cli_secret_generate(CLI_SECRET_MAX_LEN + 1, &pw), -1);
}

static void password_checks(void **state)
{
    bool non_ascii;

    (void)state;
    assert_non_null(cli_secret_check("short-password", &non_ascii)); /* 14 */
    assert_null(cli_secret_check("long-password-1", &non_ascii));    /* 15 */
    assert_non_null(cli_secret_check("", &non_ascii));
    assert_non_null(cli_secret_check("tab\tinside-the-password", &non_ascii));
    /* 15 characters, 16 bytes: counted as characters, flagged */
    assert_null(cli_secret_check("pass\xc3\xa9word-12345", &non_ascii));
    assert_true(non_ascii);
    /* 14 characters in 15 bytes is still too short */
    assert_non_null(cli_secret_check("pass\xc3\xa9word-1234", &non_ascii));
}

static void password_files(void **state)
{
    char path[] = "/tmp/test_twz_XXXXXX";
    char *pw = NULL;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "first-line-secret\r\nsecond\n", 26), 26);
    close(fd);
    assert_int_equal(cli_secret_read_file(path, &pw), 0);
    assert_string_equal(pw, "first-line-secret");
    cli_secret_free(pw);
    unlink(path);
    assert_int_equal(cli_secret_read_file(path, &pw), -1);
    assert_null(pw);
    /* --password-out: created 0600, an existing file is refused */
    assert_int_equal(cli_secret_write_file(path, "written-secret-123"), 0);
    assert_int_equal(cli_secret_write_file(path, "again-secret-1234"), -1);
    assert_int_equal(cli_secret_read_file(path, &pw), 0);
    assert_string_equal(pw, "written-secret-123");
    cli_secret_free(pw);
    {
        struct stat st;

        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
    }
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(realm_checks),
        cmocka_unit_test(netbios_checks),
        cmocka_unit_test(enctype_lists),
        cmocka_unit_test(windows_commands),
        cmocka_unit_test(generated_passwords),
        cmocka_unit_test(password_checks),
        cmocka_unit_test(password_files),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
