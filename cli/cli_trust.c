/* SPDX-License-Identifier: MIT */
/*
 * cli_trust.c - `adbridge trust list` and `adbridge trust show REALM`: each
 * trust of the configuration with its inter-realm principals in the KDC
 * database (every key's enctype and kvno, never key bytes), its configured
 * KDCs and mappings; `show` adds the KDCs discovery finds.  A trust with no
 * principal, and a principal krbtgt/LOCAL@X with no trust, are flagged.
 * (add, verify, rotate and remove: cli_trust_wiz.c.)
 */
#define _GNU_SOURCE 1
#include "cli_trust.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adk.h"
#include "cli.h"
#include "cli_conf.h"
#include "cli_json.h"
#include "conf.h"
#include "dns.h"

static const char trust_list_usage[] =
    CLI_PROGRAM " trust list [--config FILE] [--json]";
static const char trust_show_usage[] =
    CLI_PROGRAM " trust show [--config FILE] [--json] REALM";

/* What trust list/show read once: the configuration and the principals. */
typedef struct trust_view {
    conf_config *cfg;
    adk_trust_princ *princs;
    size_t count;
} trust_view;

static void view_free(trust_view *v)
{
    adk_trust_princs_free(v->princs, v->count);
    conf_free(v->cfg);
}

/* Load the configuration @path and the KDC database's inter-realm
 * principals of its local realm.  Returns a CLI_EXIT_* status. */
static int view_load(const char *path, trust_view *v)
{
    conf_problems pr;
    adk_db *db = NULL;
    char msg[512];
    int status = CLI_EXIT_FAIL;

    memset(v, 0, sizeof(*v));
    conf_problems_init(&pr);
    if (conf_load(path, &v->cfg, &pr) != ADB_OK) {
        cli_error("%s: %s (run `" CLI_PROGRAM " config check %s`)", path,
                  pr.count > 0 ? pr.messages[0] : "cannot be loaded", path);
        goto cleanup;
    }
    if (adk_open(v->cfg->local_realm, &db, msg, sizeof(msg)) != ADB_OK) {
        cli_error("%s (run as root on the KDC host)", msg);
        goto cleanup;
    }
    if (adk_trust_principals(db, &v->princs, &v->count, msg, sizeof(msg)) !=
        ADB_OK) {
        cli_error("%s", msg);
        goto cleanup;
    }
    status = CLI_EXIT_OK;

cleanup:
    adk_close(db);
    conf_problems_free(&pr);
    return status;
}

static const adk_trust_princ *view_princ(const trust_view *v,
                                         const char *realm, bool inbound)
{
    size_t i;

    for (i = 0; i < v->count; i++) {
        if (v->princs[i].inbound == inbound &&
            strcmp(v->princs[i].other_realm, realm) == 0)
            return &v->princs[i];
    }
    return NULL;
}

static const char *enctype_name(krb5_enctype e, char *buf, size_t size)
{
    if (krb5_enctype_to_name(e, TRUE, buf, size) != 0)
        snprintf(buf, size, "enctype %d", (int)e);
    return buf;
}

/* --------------------------------------------------------------- text -- */

static void print_princ(const char *label, const adk_trust_princ *p,
                        const char *want)
{
    char et[64];
    size_t i;

    if (p == NULL) {
        printf("  %-9s %s: MISSING (create it with the trust password)\n",
               label, want);
        return;
    }
    printf("  %-9s %s kvno %u:", label, p->name, p->kvno);
    for (i = 0; i < p->key_count; i++)
        printf(" %s/%u", enctype_name(p->keys[i].enctype, et, sizeof(et)),
               p->keys[i].kvno);
    printf("%s\n", p->key_count == 0 ? " no keys" : "");
}

static void print_trust(const trust_view *v, const conf_trust *t,
                        const dns_result *found, const char *why)
{
    const char *lr = v->cfg->local_realm;
    char want[512], addr[128];
    size_t i;

    printf("%s (NetBIOS %s, %s)\n", t->realm, t->netbios_name,
           conf_direction_name(t->direction));
    snprintf(want, sizeof(want), "krbtgt/%s@%s", lr, t->realm);
    print_princ("inbound", view_princ(v, t->realm, true), want);
    if (t->direction == CONF_DIRECTION_TWO_WAY) {
        snprintf(want, sizeof(want), "krbtgt/%s@%s", t->realm, lr);
        print_princ("outbound", view_princ(v, t->realm, false), want);
    }
    for (i = 0; i < t->kdc_count; i++)
        printf("  %-9s %s\n", i == 0 ? "kdc" : "", t->kdcs[i]);
    printf("  %-9s %zu\n", "mappings", t->map_count);
    if (found == NULL && why == NULL)
        return;
    for (i = 0; i < t->map_count; i++)
        printf("    map = %s\n", t->maps[i].text);
    if (found == NULL || found->endpoint_count == 0) {
        printf("  %-9s none%s%s\n", "found", why != NULL ? ": " : "",
               why != NULL ? why : "");
        return;
    }
    for (i = 0; i < found->endpoint_count; i++) {
        const dns_endpoint *e = &found->endpoints[i];

        printf("  %-9s %s %s (%s)\n", i == 0 ? "found" : "",
               dns_endpoint_format((const struct sockaddr *)&e->addr, addr,
                                   sizeof(addr)),
               e->socktype == SOCK_STREAM ? "tcp" : "udp",
               e->host != NULL ? e->host : "");
    }
}

/* --------------------------------------------------------------- JSON -- */

static void json_princ(cli_json *js, const adk_trust_princ *p)
{
    char et[64];
    size_t i;

    if (p == NULL) {
        cli_json_null(js);
        return;
    }
    cli_json_object_begin(js);
    cli_json_kv_string(js, "name", p->name);
    cli_json_kv_uint(js, "kvno", p->kvno);
    cli_json_key(js, "keys");
    cli_json_array_begin(js);
    for (i = 0; i < p->key_count; i++) {
        cli_json_object_begin(js);
        cli_json_kv_string(js, "enctype", enctype_name(p->keys[i].enctype, et, sizeof(et)));
        cli_json_kv_uint(js, "kvno", p->keys[i].kvno);
        cli_json_kv_bool(js, "aes", adk_enctype_is_aes(p->keys[i].enctype));
        cli_json_object_end(js);
    }
    cli_json_array_end(js);
    cli_json_object_end(js);
}

static void json_trust(cli_json *js, const trust_view *v, const conf_trust *t,
                       const dns_result *found, bool show)
{
    char addr[128];
    size_t i;

    cli_json_object_begin(js);
    cli_json_kv_string(js, "realm", t->realm);
    cli_json_kv_string(js, "netbios_name", t->netbios_name);
    cli_json_kv_string(js, "direction", conf_direction_name(t->direction));
    cli_json_key(js, "inbound");
    json_princ(js, view_princ(v, t->realm, true));
    cli_json_key(js, "outbound");
    json_princ(js, view_princ(v, t->realm, false));
    cli_json_key(js, "kdcs");
    cli_json_array_begin(js);
    for (i = 0; i < t->kdc_count; i++)
        cli_json_string(js, t->kdcs[i]);
    cli_json_array_end(js);
    cli_json_key(js, "mappings");
    cli_json_array_begin(js);
    for (i = 0; i < t->map_count; i++)
        cli_json_string(js, t->maps[i].text);
    cli_json_array_end(js);
    if (show) {
        cli_json_key(js, "found");
        cli_json_array_begin(js);
        for (i = 0; found != NULL && i < found->endpoint_count; i++) {
            const dns_endpoint *e = &found->endpoints[i];

            cli_json_object_begin(js);
            cli_json_kv_string(js, "address", dns_endpoint_format(
                (const struct sockaddr *)&e->addr, addr, sizeof(addr)));
            cli_json_kv_string(js, "transport", e->socktype == SOCK_STREAM ? "tcp" : "udp");
            cli_json_kv_string(js, "host", e->host);
            cli_json_object_end(js);
        }
        cli_json_array_end(js);
    }
    cli_json_kv_bool(js, "missing_principal", view_princ(v, t->realm, true) == NULL ||
                      (t->direction == CONF_DIRECTION_TWO_WAY &&
                       view_princ(v, t->realm, false) == NULL));
    cli_json_object_end(js);
}

/* ------------------------------------------------------------- options -- */

/* Parse [--config FILE] [--json]; returns the index of the first operand,
 * or -1 (usage status in *status). */
static int trust_opts(int argc, char **argv, const char *usage,
                      const char **config, bool *json, int *status)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int ch;

    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': *config = optarg; break;
        case 'j': *json = true; break;
        case 'h':
            printf("usage: %s\n\n%s\n", usage, usage == trust_list_usage
                   ? "Every trust of the configuration: its inter-realm\n"
                     "principals in the KDC database (each key's enctype and\n"
                     "kvno), its kdc lines and mappings; a trust without its\n"
                     "principal and a krbtgt/LOCAL@X principal without a\n"
                     "trust are flagged.  Run as root on the KDC host.\n\n"
                     "  --config FILE  the configuration\n"
                     "  --json         one JSON object\n\n"
                     "Exit status: 0 listed, 1 failure, 2 usage."
                   : "One trust as `trust list` shows it, with its mappings\n"
                     "and the KDCs discovery finds for it (its kdc lines,\n"
                     "then DNS SRV through dns_servers).\n\n"
                     "  --config FILE  the configuration\n"
                     "  --json         one JSON object\n\n"
                     "Exit status: 0 shown, 1 no such trust or failure, 2"
                     " usage.");
            *status = CLI_EXIT_OK;
            return -1;
        default:
            *status = cli_bad_option(usage, ch, argv);
            return -1;
        }
    }
    return optind;
}

static int cli_trust_list(int argc, char **argv)
{
    const char *config = NULL;
    trust_view v;
    cli_json js;
    bool json = false;
    size_t i, stray = 0;
    int first, status = CLI_EXIT_FAIL;

    memset(&v, 0, sizeof(v));
    first = trust_opts(argc, argv, trust_list_usage, &config, &json, &status);
    if (first < 0)
        return status;
    if (first < argc)
        return cli_usage_error(trust_list_usage, "unexpected argument '%s'",
                               argv[first]);
    if (view_load(cli_conf_file(config), &v) != CLI_EXIT_OK)
        goto cleanup;
    if (json) {
        cli_json_init(&js, stdout);
        cli_json_object_begin(&js);
        cli_json_kv_string(&js, "local_realm", v.cfg->local_realm);
        cli_json_key(&js, "trusts");
        cli_json_array_begin(&js);
        for (i = 0; i < v.cfg->trust_count; i++)
            json_trust(&js, &v, &v.cfg->trusts[i], NULL, false);
        cli_json_array_end(&js);
        cli_json_key(&js, "principals_without_trust");
        cli_json_array_begin(&js);
        for (i = 0; i < v.count; i++) {
            if (conf_find_trust(v.cfg, v.princs[i].other_realm) == NULL)
                json_princ(&js, &v.princs[i]);
        }
        cli_json_array_end(&js);
        cli_json_object_end(&js);
        status = cli_finish_json(&js);
        goto cleanup;
    }
    printf("local realm %s: %zu trust(s)\n", v.cfg->local_realm,
           v.cfg->trust_count);
    for (i = 0; i < v.cfg->trust_count; i++)
        print_trust(&v, &v.cfg->trusts[i], NULL, NULL);
    for (i = 0; i < v.count; i++) {
        if (conf_find_trust(v.cfg, v.princs[i].other_realm) != NULL)
            continue;
        if (stray++ == 0)
            printf("principals without a trust (other MIT realms, or a"
                   " trust's misspelt name):\n");
        print_princ(v.princs[i].inbound ? "inbound" : "outbound",
                    &v.princs[i], NULL);
    }
    status = CLI_EXIT_OK;

cleanup:
    view_free(&v);
    return status;
}

static int cli_trust_show(int argc, char **argv)
{
    const char *config = NULL, *realm;
    const conf_trust *t;
    trust_view v;
    dns_options opts;
    dns_result *found = NULL;
    cli_json js;
    bool json = false;
    int first, status = CLI_EXIT_FAIL;
    adb_err err;

    memset(&v, 0, sizeof(v));
    first = trust_opts(argc, argv, trust_show_usage, &config, &json, &status);
    if (first < 0)
        return status;
    if (argc - first != 1)
        return cli_usage_error(trust_show_usage, argc - first == 0 ?
                               "missing REALM" : "too many arguments");
    realm = argv[first];
    if (view_load(cli_conf_file(config), &v) != CLI_EXIT_OK)
        goto cleanup;
    t = conf_find_trust(v.cfg, realm);
    if (t == NULL) {
        cli_error("no trust %s in %s (realm names are case-sensitive)",
                  realm, cli_conf_file(config));
        goto cleanup;
    }
    dns_options_init(&opts);
    opts.dns_servers = v.cfg->dns_servers;
    opts.site = t->site;
    opts.configured = t->kdcs;
    opts.configured_count = t->kdc_count;
    opts.dns_with_configured = true;
    opts.failover_seconds = 0;
    err = dns_lookup(t->realm, DNS_SERVICE_KDC, 0, &opts, &found);
    if (json) {
        cli_json_init(&js, stdout);
        json_trust(&js, &v, t, found, true);
        status = cli_finish_json(&js);
    } else {
        print_trust(&v, t, found, found == NULL ? adb_strerror(err)
                    : found->endpoint_count == 0 ? "no KDC configured or in"
                    " DNS" : NULL);
        status = CLI_EXIT_OK;
    }

cleanup:
    dns_result_free(found);
    view_free(&v);
    return status;
}

static const cli_command trust_commands[] = {
    { "add", cli_trust_add_main,
      "set up the MIT side of a trust with an AD domain" },
    { "list", cli_trust_list,
      "every trust with its principals, keys, KDCs and mappings" },
    { "show", cli_trust_show,
      "one trust, with its mappings and the KDCs discovery finds" },
    { "rotate", cli_trust_rotate_main,
      "new trust keys at kvno + 1 (--finish: purge the old ones)" },
    { "verify", cli_trust_verify_main,
      "prove both sides hold the same key, and show a user's rights" },
    { "remove", cli_trust_remove_main,
      "delete a trust's principals, then its stanza" },
};

int cli_trust_main(int argc, char **argv)
{
    return cli_dispatch(trust_commands,
                        sizeof(trust_commands) / sizeof(trust_commands[0]),
                        CLI_PROGRAM " trust", argc, argv);
}
