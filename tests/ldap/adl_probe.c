/* SPDX-License-Identifier: MIT */
/*
 * adl_probe.c - drive ldap/ (adl_*) against a real DC for the e2e test.
 *
 *   adl_probe --uri URI [--address IP] [--timeout MS] [--ca FILE]
 *             (--ccache NAME | --principal P (--password-file F | --keytab KT)
 *              | --simple-dn DN --password-file F)
 *             [COMMAND ARG]...
 *
 * Binds (GSSAPI with the credentials, or simple), prints
 *   bind kind=gssapi|simple ssf=N tls=yes|no
 * then runs the commands, one output line each:
 *   info           rootdse ... / domain ...   (two lines)
 *   name NAME      object ... (NAME in any form adl_name_parse accepts)
 *   sid S-1-...    object ...
 * A failing command prints "error KIND: message" and the probe goes on.
 * Exit 0 if every command succeeded, 1 if one failed, 2 if connecting or
 * binding failed (the "error" line is printed on stdout then too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adl.h"

static const char *err_name(adb_err e)
{
    static const char *const names[ADB_ERR__COUNT] = {
        [ADB_OK] = "OK", [ADB_ERR_NOMEM] = "NOMEM",
        [ADB_ERR_INVALID] = "INVALID", [ADB_ERR_TRUNCATED] = "TRUNCATED",
        [ADB_ERR_MALFORMED] = "MALFORMED", [ADB_ERR_LIMIT] = "LIMIT",
        [ADB_ERR_NOT_FOUND] = "NOT_FOUND", [ADB_ERR_DUPLICATE] = "DUPLICATE",
        [ADB_ERR_BAD_SIGNATURE] = "BAD_SIGNATURE", [ADB_ERR_KRB5] = "KRB5",
        [ADB_ERR_IO] = "IO", [ADB_ERR_UNREACHABLE] = "UNREACHABLE",
        [ADB_ERR_TIMEOUT] = "TIMEOUT", [ADB_ERR_AUTH] = "AUTH",
        [ADB_ERR_INSECURE] = "INSECURE", [ADB_ERR_AMBIGUOUS] = "AMBIGUOUS",
        [ADB_ERR_LDAP] = "LDAP",
    };

    return (unsigned int)e < ADB_ERR__COUNT && names[e] != NULL ? names[e]
                                                                : "UNKNOWN";
}

static void print_error(adb_err e, const adl_msg *msg)
{
    printf("error %s: %s\n", err_name(e), msg->text[0] ? msg->text
                                                       : adb_strerror(e));
}

/* The first line of @path (at most 255 bytes) into @buf. */
static int read_secret(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (f == NULL || fgets(buf, (int)size, f) == NULL) {
        if (f != NULL)
            fclose(f);
        fprintf(stderr, "adl_probe: cannot read %s\n", path);
        return -1;
    }
    fclose(f);
    n = strcspn(buf, "\r\n");
    buf[n] = '\0';
    return 0;
}

static void print_object(const adl_object *o)
{
    char sid[ADB_SID_STR_MAX];

    printf("object class=%s sid=%s sam=%s", adl_object_class_name(o->object_class),
           adb_sid_format(&o->sid, sid), o->sam_name);
    if (o->has_group_type)
        printf(" group_type=%d scope=%s security=%s", o->group_type,
               adl_group_scope_name(o->group.scope),
               o->group.security ? "yes" : "no");
    printf(" dn=%s\n", o->dn);
}

static int cmd_info(adl_conn *conn, const adl_rootdse *root)
{
    adl_domain *dom = NULL;
    adl_msg msg;
    char sid[ADB_SID_STR_MAX];
    size_t i;
    adb_err ret;

    printf("rootdse default_nc=%s dns_host_name=%s domain_functionality=%d "
           "forest_functionality=%d dc_functionality=%d",
           root->default_nc, root->dns_host_name, root->domain_functionality,
           root->forest_functionality, root->dc_functionality);
    if (root->has_current_time)
        printf(" current_time=%lld skew=%lld", (long long)root->current_time,
               (long long)(root->current_time - time(NULL)));
    printf(" sasl=");
    for (i = 0; i < root->sasl_mech_count; i++)
        printf("%s%s", i ? "," : "", root->sasl_mechs[i]);
    printf("\n");
    ret = adl_read_domain(conn, root, &dom, &msg);
    if (ret) {
        print_error(ret, &msg);
        return 1;
    }
    printf("domain sid=%s netbios=%s dns=%s nc=%s\n",
           adb_sid_format(&dom->sid, sid), dom->netbios_name, dom->dns_name,
           dom->nc);
    adl_domain_free(dom);
    return 0;
}

static int cmd_lookup(adl_conn *conn, const char *base, const char *cmd,
                      const char *arg)
{
    adl_object *obj = NULL;
    adl_msg msg = { { 0 } };
    adb_err ret;

    if (strcmp(cmd, "name") == 0) {
        adb_diag d = ADB_DIAG_INIT;
        adl_name n;
        char buf[200];

        ret = adl_name_parse(arg, ADL_ACCOUNT_ANY, &n, &d);
        if (ret) {
            snprintf(msg.text, sizeof(msg.text), "%s",
                     adb_diag_format(&d, buf, sizeof(buf)));
            print_error(ret, &msg);
            return 1;
        }
        ret = adl_find_by_name(conn, base, n.account, &obj, &msg);
    } else {
        adb_sid sid;

        if (adb_sid_parse(arg, &sid) != ADB_OK) {
            fprintf(stderr, "adl_probe: bad SID %s\n", arg);
            return 1;
        }
        ret = adl_find_by_sid(conn, base, &sid, &obj, &msg);
    }
    if (ret) {
        print_error(ret, &msg);
        return 1;
    }
    print_object(obj);
    adl_object_free(obj);
    return 0;
}

struct opts {
    adl_conn_opts conn;
    const char *ccache, *principal, *password_file, *keytab, *simple_dn;
    int first_cmd;
};

static int parse_args(int argc, char **argv, struct opts *o)
{
    int i;

    memset(o, 0, sizeof(*o));
    for (i = 1; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];

        if (strcmp(k, "--uri") == 0)
            o->conn.uri = v;
        else if (strcmp(k, "--address") == 0)
            o->conn.address = v;
        else if (strcmp(k, "--timeout") == 0)
            o->conn.timeout_ms = (unsigned int)strtoul(v, NULL, 10);
        else if (strcmp(k, "--ca") == 0)
            o->conn.ca_file = v;
        else if (strcmp(k, "--ccache") == 0)
            o->ccache = v;
        else if (strcmp(k, "--principal") == 0)
            o->principal = v;
        else if (strcmp(k, "--password-file") == 0)
            o->password_file = v;
        else if (strcmp(k, "--keytab") == 0)
            o->keytab = v;
        else if (strcmp(k, "--simple-dn") == 0)
            o->simple_dn = v;
        else
            return -1;
    }
    o->first_cmd = i;
    return o->conn.uri != NULL ? 0 : -1;
}

/* Connect and bind as @o says; 0 or 2 (error printed). */
static int connect_bind(const struct opts *o, adl_conn **conn_out)
{
    adl_creds *creds = NULL;
    adl_conn *conn = NULL;
    adl_msg msg = { { 0 } };
    char pw[256];
    adb_err ret;

    ret = adl_connect(&o->conn, &conn, &msg);
    if (!ret && o->simple_dn != NULL) {
        if (o->password_file == NULL ||
            read_secret(o->password_file, pw, sizeof(pw)) != 0)
            ret = ADB_ERR_INVALID;
        else
            ret = adl_bind_simple(conn, o->simple_dn, pw, &msg);
    } else if (!ret) {
        if (o->ccache != NULL) {
            ret = adl_creds_from_ccache(o->ccache, &creds, &msg);
        } else if (o->principal != NULL && o->keytab != NULL) {
            ret = adl_creds_from_keytab(o->principal, o->keytab, &creds, &msg);
        } else if (o->principal != NULL && o->password_file != NULL) {
            if (read_secret(o->password_file, pw, sizeof(pw)) != 0)
                ret = ADB_ERR_INVALID;
            else
                ret = adl_creds_from_password(o->principal, pw, &creds, &msg);
        } else {
            snprintf(msg.text, sizeof(msg.text), "give --ccache, or "
                     "--principal with --password-file or --keytab");
            ret = ADB_ERR_INVALID;
        }
        if (!ret)
            ret = adl_bind_gssapi(conn, creds, &msg);
    }
    explicit_bzero(pw, sizeof(pw));
    adl_creds_free(creds);
    if (ret) {
        print_error(ret, &msg);
        adl_conn_free(conn);
        return 2;
    }
    printf("bind kind=%s ssf=%u tls=%s\n",
           o->simple_dn != NULL ? "simple" : "gssapi", adl_conn_ssf(conn),
           adl_conn_is_tls(conn) ? "yes" : "no");
    *conn_out = conn;
    return 0;
}

int main(int argc, char **argv)
{
    struct opts o;
    adl_conn *conn = NULL;
    adl_rootdse *root = NULL;
    adl_msg msg = { { 0 } };
    int i, rc = 0;
    adb_err ret;

    if (parse_args(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: adl_probe --uri URI [options] [COMMAND ARG]...\n");
        return 2;
    }
    if (connect_bind(&o, &conn) != 0)
        return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);
    ret = adl_read_rootdse(conn, &root, &msg);
    if (ret) {
        print_error(ret, &msg);
        adl_conn_free(conn);
        return 2;
    }
    for (i = o.first_cmd; i < argc; i++) {
        if (strcmp(argv[i], "info") == 0) {
            rc |= cmd_info(conn, root);
        } else if ((strcmp(argv[i], "name") == 0 ||
                    strcmp(argv[i], "sid") == 0) && i + 1 < argc) {
            rc |= cmd_lookup(conn, root->default_nc, argv[i], argv[i + 1]);
            i++;
        } else {
            fprintf(stderr, "adl_probe: unknown command %s\n", argv[i]);
            rc = 1;
        }
    }
    adl_rootdse_free(root);
    adl_conn_free(conn);
    return rc;
}
