/* SPDX-License-Identifier: MIT */
/*
 * device_login.c - what a device's firmware does when a user signs in to
 * its web page with name and password (innovaphone's way): a Kerberos login
 * with libadbridge-client, verified with the device's own keytab, and the
 * role the rights give.  Built against the installed library:
 *
 *   cc -o device_login device_login.c $(pkg-config --cflags --libs adbridge-client)
 *
 *   device_login USER KEYTAB [SERVICE]    (the password on standard input)
 *
 * Prints "role: Administrator|Viewer|none" and the login page's message;
 * exit 0 when signed in with a role, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include <adbridge/adbc.h>

/* The role a device shows for the rights (the highest one wins). */
static const char *role_of(const adbc_result *res)
{
    const char *role = "none";
    size_t i;

    for (i = 0; i < res->rights_count; i++) {
        if (strcmp(res->rights[i], "admin") == 0)
            return "Administrator";
        if (strcmp(res->rights[i], "viewer") == 0)
            role = "Viewer";
    }
    return role;
}

int main(int argc, char **argv)
{
    adbc_login_opts opts = { NULL, NULL, NULL };
    adbc_result res = ADBC_RESULT_INIT;
    char password[512];
    const char *role;
    size_t len;
    int ret = 1;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s USER KEYTAB [SERVICE]  (password on stdin)\n",
                argv[0]);
        return 2;
    }
    opts.keytab = argv[2];
    opts.service = argc > 3 ? argv[3] : NULL;
    if (fgets(password, sizeof(password), stdin) == NULL)
        password[0] = '\0';
    len = strcspn(password, "\r\n");
    password[len] = '\0';

    /* adbc_login wipes the password, whatever the outcome */
    adbc_login(&opts, argv[1], password, &res);
    role = res.outcome == ADBC_OK ? role_of(&res) : "none";
    printf("role: %s\n", role);
    printf("outcome: %s\n", adbc_outcome_name(res.outcome));
    printf("message: %s\n", adbc_outcome_message(res.outcome));
    if (res.outcome == ADBC_OK && strcmp(role, "none") != 0)
        ret = 0;
    adbc_result_free(&res);
    return ret;
}
