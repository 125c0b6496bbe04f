/* SPDX-License-Identifier: MIT */
/*
 * gss_probe.c - GSSAPI initiator and acceptor in one process, to see what a
 * service ticket issued by the KDC carries.
 *
 *   gss_probe [PRINCIPAL]   (default HTTP/device1.local.example@LOCAL.EXAMPLE)
 *
 * The initiator uses the default ccache (KRB5CCNAME), the acceptor the
 * default keytab (KRB5_KTNAME).  On success it prints, from the acceptor's
 * view of the client name:
 *
 *   client: NAME
 *   auth-indicator: VALUE        (one line each, RFC 8129 / CAMMAC)
 *   logon-info: present groups N extra-sids M user-rid R
 *   logon-info: absent
 *   upn-dns-info: present | absent
 *
 * Exit 0 on success, 2 when the context cannot be established (the GSS
 * messages, e.g. the KDC's policy error, go to stderr), 1 on other errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "pac.h"

static void gss_report(const char *what, OM_uint32 major, OM_uint32 minor)
{
    OM_uint32 ctx = 0, min2;
    gss_buffer_desc msg;

    fprintf(stderr, "gss_probe: %s failed:", what);
    do {
        gss_display_status(&min2, major, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx,
                           &msg);
        fprintf(stderr, " %.*s;", (int)msg.length, (char *)msg.value);
        gss_release_buffer(&min2, &msg);
    } while (ctx != 0);
    do {
        gss_display_status(&min2, minor, GSS_C_MECH_CODE, (gss_OID)gss_mech_krb5, &ctx,
                           &msg);
        fprintf(stderr, " %.*s", (int)msg.length, (char *)msg.value);
        gss_release_buffer(&min2, &msg);
    } while (ctx != 0);
    fprintf(stderr, "\n");
}

/* Print every value of attribute @attr of @name as "LABEL: value". */
static void print_indicators(gss_name_t name)
{
    gss_buffer_desc attr = { strlen("auth-indicators"), "auth-indicators" };
    gss_buffer_desc value, display;
    OM_uint32 major, minor;
    int authenticated, complete, more = -1;

    while (more != 0) {
        major = gss_get_name_attribute(&minor, name, &attr, &authenticated,
                                       &complete, &value, &display, &more);
        if (GSS_ERROR(major))
            break;
        printf("auth-indicator: %.*s\n", (int)value.length,
               (char *)value.value);
        gss_release_buffer(&minor, &value);
        gss_release_buffer(&minor, &display);
    }
}

/* The raw value of a PAC buffer attribute, or a zero-length buffer. */
static gss_buffer_desc get_raw(gss_name_t name, const char *urn)
{
    gss_buffer_desc attr = { strlen(urn), (void *)urn };
    gss_buffer_desc value = GSS_C_EMPTY_BUFFER, display;
    OM_uint32 major, minor;
    int authenticated, complete, more = -1;

    major = gss_get_name_attribute(&minor, name, &attr, &authenticated,
                                   &complete, &value, &display, &more);
    if (GSS_ERROR(major)) {
        value.length = 0;
        value.value = NULL;
        return value;
    }
    gss_release_buffer(&minor, &display);
    return value;
}

static void print_pac(gss_name_t name)
{
    gss_buffer_desc li = get_raw(name, "urn:mspac:logon-info");
    gss_buffer_desc upn = get_raw(name, "urn:mspac:upn-dns-info");
    adb_diag diag = ADB_DIAG_INIT;
    pac_logon_info *info = NULL;
    adb_arena arena;
    adb_rd rd;
    OM_uint32 minor;
    char buf[256];

    if (li.length == 0) {
        printf("logon-info: absent\n");
    } else {
        adb_arena_init(&arena, 4096);
        adb_rd_init(&rd, li.value, li.length, 0, &diag);
        if (pac_decode_logon_info(&rd, &arena, &info) == ADB_OK)
            printf("logon-info: present groups %u extra-sids %u user-rid %u\n",
                   info->group_count, info->extra_sid_count, info->user_rid);
        else
            printf("logon-info: undecodable (%s)\n",
                   adb_diag_format(&diag, buf, sizeof(buf)));
        adb_arena_free(&arena);
    }
    printf("upn-dns-info: %s\n", upn.length > 0 ? "present" : "absent");
    gss_release_buffer(&minor, &li);
    gss_release_buffer(&minor, &upn);
}

int main(int argc, char **argv)
{
    const char *target = argc > 1 ? argv[1]
                                  : "HTTP/device1.local.example@LOCAL.EXAMPLE";
    gss_buffer_desc tname = { strlen(target), (void *)target };
    gss_buffer_desc itok = GSS_C_EMPTY_BUFFER, atok = GSS_C_EMPTY_BUFFER;
    gss_buffer_desc disp = GSS_C_EMPTY_BUFFER;
    gss_ctx_id_t ictx = GSS_C_NO_CONTEXT, actx = GSS_C_NO_CONTEXT;
    gss_name_t server = GSS_C_NO_NAME, client = GSS_C_NO_NAME;
    OM_uint32 major, minor, junk, imaj = GSS_S_CONTINUE_NEEDED;
    OM_uint32 amaj = GSS_S_CONTINUE_NEEDED;
    int ret = 1, rounds = 0;

    major = gss_import_name(&minor, &tname, GSS_KRB5_NT_PRINCIPAL_NAME,
                            &server);
    if (GSS_ERROR(major)) {
        gss_report("import name", major, minor);
        goto cleanup;
    }
    while (rounds++ < 4) {
        imaj = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &ictx,
                                    server, (gss_OID)gss_mech_krb5,
                                    GSS_C_MUTUAL_FLAG, 0,
                                    GSS_C_NO_CHANNEL_BINDINGS, &atok, NULL,
                                    &itok, NULL, NULL);
        gss_release_buffer(&junk, &atok);
        if (GSS_ERROR(imaj)) {
            gss_report("initiating the context", imaj, minor);
            ret = 2;
            goto cleanup;
        }
        if (itok.length == 0)
            break;
        amaj = gss_accept_sec_context(&minor, &actx, GSS_C_NO_CREDENTIAL,
                                      &itok, GSS_C_NO_CHANNEL_BINDINGS,
                                      &client, NULL, &atok, NULL, NULL, NULL);
        gss_release_buffer(&junk, &itok);
        if (GSS_ERROR(amaj)) {
            gss_report("accepting the context", amaj, minor);
            ret = 2;
            goto cleanup;
        }
        if (atok.length == 0 && imaj == GSS_S_COMPLETE)
            break;
    }
    if (amaj != GSS_S_COMPLETE || client == GSS_C_NO_NAME) {
        fprintf(stderr, "gss_probe: context not established\n");
        ret = 2;
        goto cleanup;
    }
    major = gss_display_name(&minor, client, &disp, NULL);
    if (!GSS_ERROR(major))
        printf("client: %.*s\n", (int)disp.length, (char *)disp.value);
    print_indicators(client);
    print_pac(client);
    ret = 0;

cleanup:
    gss_release_buffer(&minor, &disp);
    gss_release_buffer(&minor, &itok);
    gss_release_buffer(&minor, &atok);
    gss_release_name(&minor, &server);
    gss_release_name(&minor, &client);
    gss_delete_sec_context(&minor, &ictx, GSS_C_NO_BUFFER);
    gss_delete_sec_context(&minor, &actx, GSS_C_NO_BUFFER);
    return ret;
}
