/* SPDX-License-Identifier: MIT */
/* cli_discover.c - `adbridge discover` (cli_discover.h). */
#define _GNU_SOURCE
#include "cli_discover.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <krb5/krb5.h>

#include "cli.h"
#include "cli_conf.h"
#include "cli_json.h"
#include "conf.h"
#include "adb_hostport.h"
#include "dns.h"
#include "dns_probe.h"

#define CLI_DISCOVER_STATE_ENV "ADBRIDGE_STATE_DIR"

static const char cli_discover_usage[] =
    CLI_PROGRAM " discover REALM [--site S] [--service kdc|kpasswd|ldap|gc|pdc]"
    " [--dns-server ADDR[:PORT]]... [--timeout MS] [--probe] [--json]"
    " [--config FILE]";

typedef struct cli_probe {
    bool done;
    dns_probe_result r;
} cli_probe;

/* Where the site came from, and the LDAP ping that found it. */
typedef struct cli_site {
    const char *source;          /* "option", "configuration", "ldap-ping",
                                  * "none" */
    bool pinged;
    adb_err ping_err;
    char why[160];
    char dc[DNS_NAME_MAX + 1];
    dns_netlogon nl;
} cli_site;

static const char *tier_name(unsigned int tier)
{
    static const char *const names[] = { "configured", "site", "domain",
                                         "msdcs" };

    return tier < 4 ? names[tier] : "?";
}

static const char *sock_name(int socktype)
{
    return socktype == SOCK_DGRAM ? "udp" : "tcp";
}

static void help(void)
{
    printf("usage: %s\n\n"
           "Find the servers of REALM: configured ones (the trust's kdc"
           " lines), then DNS SRV\nrecords (site records first; MIT's"
           " krb5srv URI records, when present, replace\nthe domain's SRV"
           " records), in RFC 2782 order, and their addresses in the\norder"
           " a client tries them.\n\n"
           "  --site S            AD site (default: the trust's site, else the"
           " one AD's LDAP\n                      ping of a DC names for this"
           " host)\n"
           "  --service NAME      kdc (default), kpasswd, pdc, ldap or gc\n"
           "  --dns-server A[:P]  DNS server to ask (repeatable; default: the"
           " configuration's\n                      dns_servers, else"
           " /etc/resolv.conf)\n"
           "  --timeout MS        per-try DNS timeout, and the time all probes"
           " together\n                      may take (default 1000)\n"
           "  --probe             check that each KDC answers (UDP and TCP) and"
           " its clock,\n                      all KDCs at once\n"
           "  --json              print JSON\n\n"
           "Exit status: 0 found (with --probe: a KDC answered), 1 nothing"
           " usable, 2 usage.\n", cli_discover_usage);
}

static void print_text(const dns_result *r, const char *site,
                       const cli_site *cs, const cli_probe *probes)
{
    size_t i;
    char buf[80];

    printf("realm %s, service %s, site %s (%s)\n", r->realm,
           dns_service_name(r->service), site != NULL ? site : "(none)",
           cs->source);
    if (cs->pinged && cs->ping_err == ADB_OK)
        printf("LDAP ping: DC %s (%s) in site %s; this host's site %s,"
               " next closest %s\n", cs->nl.dc_host, cs->dc,
               cs->nl.dc_site[0] ? cs->nl.dc_site : "(none)",
               cs->nl.client_site[0] ? cs->nl.client_site : "(none)",
               cs->nl.next_site[0] ? cs->nl.next_site : "(none)");
    else if (cs->pinged)
        printf("LDAP ping: %s\n", cs->why);
    printf("\nSRV and URI records, in the order they are used:\n");
    if (r->srv_count == 0)
        printf("  (none)\n");
    for (i = 0; i < r->srv_count; i++) {
        const dns_srv_record *s = &r->srvs[i];

        printf("  %s priority %u weight %u port %u target %s%s%s  (%s, %s,"
               " ttl %u)\n", s->rrtype, s->priority, s->weight, s->port,
               s->target, s->socktype == 0 ? "" :
               s->socktype == SOCK_DGRAM ? " udp" : " tcp",
               s->primary ? " primary" : "", s->owner, tier_name(s->tier),
               s->ttl);
    }
    printf("\nqueries:\n");
    for (i = 0; i < r->query_count; i++) {
        const dns_query_info *q = &r->queries[i];

        printf("  %-4s %s: %s%s%s%s\n", q->type, q->name,
               dns_qstatus_name(q->status), q->cached ? " (cached)" : "",
               strcmp(q->detail, dns_qstatus_name(q->status)) != 0 ? ": " : "",
               strcmp(q->detail, dns_qstatus_name(q->status)) != 0 ?
                   q->detail : "");
    }
    printf("\naddresses, in the order a client tries them:\n");
    if (r->endpoint_count == 0)
        printf("  (none)\n");
    for (i = 0; i < r->endpoint_count; i++) {
        const dns_endpoint *e = &r->endpoints[i];

        printf("  %zu. %s %s  %s (%s)%s\n", i + 1,
               dns_endpoint_format((const struct sockaddr *)&e->addr, buf,
                                   sizeof(buf)),
               sock_name(e->socktype), e->host, tier_name(e->tier),
               e->demoted ? "  [failed recently: tried last]" : "");
        if (probes == NULL || !probes[i].done)
            continue;
        if (!probes[i].r.answered) {
            printf("     probe: NO ANSWER (%s)\n", probes[i].r.detail);
        } else if (!probes[i].r.have_time) {
            printf("     probe: answered in %.1f ms (%s)\n",
                   probes[i].r.rtt_ms, probes[i].r.detail);
        } else {
            double off = (double)probes[i].r.offset_ms / 1000.0;

            printf("     probe: answered in %.1f ms, clock offset %+.1f s\n",
                   probes[i].r.rtt_ms, off);
            if (off > DNS_PROBE_SKEW_LIMIT || off < -DNS_PROBE_SKEW_LIMIT)
                printf("     WARNING: the clock offset exceeds the allowed"
                       " skew of %d s (5 min): Kerberos will fail.\n"
                       "     Fix: run NTP on this host with the AD domain"
                       " controllers as time source.\n",
                       DNS_PROBE_SKEW_LIMIT);
        }
    }
}

static void print_json(cli_json *js, const dns_result *r, const char *site,
                       const cli_site *cs, const cli_probe *probes)
{
    size_t i;
    char buf[80];

    cli_json_object_begin(js);
    cli_json_kv_string(js, "realm", r->realm);
    cli_json_kv_string(js, "service", dns_service_name(r->service));
    cli_json_kv_string(js, "site", site);
    cli_json_kv_string(js, "site_source", cs->source);
    if (cs->pinged) {
        cli_json_key(js, "ldap_ping");
        cli_json_object_begin(js);
        cli_json_kv_bool(js, "ok", cs->ping_err == ADB_OK);
        if (cs->ping_err == ADB_OK) {
            cli_json_kv_string(js, "dc", cs->nl.dc_host);
            cli_json_kv_string(js, "dc_site", cs->nl.dc_site);
            cli_json_kv_string(js, "client_site", cs->nl.client_site);
            cli_json_kv_string(js, "next_closest_site", cs->nl.next_site);
            cli_json_kv_string(js, "forest", cs->nl.forest);
            cli_json_kv_string(js, "netbios_domain", cs->nl.netbios_domain);
        } else {
            cli_json_kv_string(js, "error", cs->why);
        }
        cli_json_object_end(js);
    }
    cli_json_key(js, "srv");
    cli_json_array_begin(js);
    for (i = 0; i < r->srv_count; i++) {
        const dns_srv_record *s = &r->srvs[i];

        cli_json_object_begin(js);
        cli_json_kv_string(js, "owner", s->owner);
        cli_json_kv_string(js, "type", s->rrtype);
        if (s->socktype != 0) {
            cli_json_kv_string(js, "transport", sock_name(s->socktype));
            cli_json_kv_bool(js, "primary", s->primary);
        }
        cli_json_kv_uint(js, "priority", s->priority);
        cli_json_kv_uint(js, "weight", s->weight);
        cli_json_kv_uint(js, "port", s->port);
        cli_json_kv_string(js, "target", s->target);
        cli_json_kv_uint(js, "ttl", s->ttl);
        cli_json_kv_string(js, "tier", tier_name(s->tier));
        cli_json_object_end(js);
    }
    cli_json_array_end(js);
    cli_json_key(js, "queries");
    cli_json_array_begin(js);
    for (i = 0; i < r->query_count; i++) {
        const dns_query_info *q = &r->queries[i];

        cli_json_object_begin(js);
        cli_json_kv_string(js, "name", q->name);
        cli_json_kv_string(js, "type", q->type);
        cli_json_kv_string(js, "status", dns_qstatus_name(q->status));
        cli_json_kv_string(js, "detail", q->detail);
        cli_json_kv_bool(js, "cached", q->cached);
        cli_json_kv_uint(js, "ttl", q->ttl);
        cli_json_object_end(js);
    }
    cli_json_array_end(js);
    cli_json_key(js, "addresses");
    cli_json_array_begin(js);
    for (i = 0; i < r->endpoint_count; i++) {
        const dns_endpoint *e = &r->endpoints[i];

        cli_json_object_begin(js);
        cli_json_kv_string(js, "address",
                           dns_endpoint_format((const struct sockaddr *)&e->addr,
                                               buf, sizeof(buf)));
        cli_json_kv_uint(js, "port", e->port);
        cli_json_kv_string(js, "transport", sock_name(e->socktype));
        cli_json_kv_string(js, "host", e->host);
        cli_json_kv_string(js, "tier", tier_name(e->tier));
        cli_json_kv_bool(js, "failed_recently", e->demoted);
        if (probes != NULL && probes[i].done) {
            cli_json_key(js, "probe");
            cli_json_object_begin(js);
            cli_json_kv_bool(js, "answered", probes[i].r.answered);
            cli_json_kv_string(js, "detail", probes[i].r.detail);
            if (probes[i].r.answered) {
                cli_json_kv_uint(js, "rtt_ms", (uint64_t)(probes[i].r.rtt_ms + 0.5));
            }
            if (probes[i].r.have_time) {
                int64_t off = probes[i].r.offset_ms;

                cli_json_kv_int(js, "clock_offset_ms", off);
                cli_json_kv_bool(js, "skew_exceeded",
                                 off > DNS_PROBE_SKEW_LIMIT * 1000LL ||
                                 off < -DNS_PROBE_SKEW_LIMIT * 1000LL);
            }
            cli_json_object_end(js);
        }
        cli_json_object_end(js);
    }
    cli_json_array_end(js);
    cli_json_object_end(js);
}

/* Probe every endpoint over its own transport, all at once (the total
 * time is one timeout, dns_probe_kdcs); note the outcome in the failover
 * memory.  Returns the number that answered. */
static size_t run_probes(const dns_result *r, const dns_options *opts,
                         unsigned int timeout_ms, cli_probe *probes)
{
    krb5_context ctx = NULL;
    dns_probe_target *t = NULL;
    dns_probe_result *res = NULL;
    size_t i, answered = 0, n = r->endpoint_count;

    if (n > DNS_PROBE_MAX_TARGETS)
        n = DNS_PROBE_MAX_TARGETS;
    if (krb5_init_context(&ctx) != 0) {
        cli_error("cannot initialise the Kerberos library for --probe");
        return 0;
    }
    t = calloc(n, sizeof(*t));
    res = calloc(n, sizeof(*res));
    if (t == NULL || res == NULL) {
        cli_error("out of memory");
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        t[i].addr = (const struct sockaddr *)&r->endpoints[i].addr;
        t[i].addrlen = r->endpoints[i].addrlen;
        t[i].socktype = r->endpoints[i].socktype;
    }
    if (dns_probe_kdcs(ctx, r->realm, t, n, timeout_ms, res) != ADB_OK) {
        cli_error("cannot build the probe request for %s", r->realm);
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        probes[i].done = true;
        probes[i].r = res[i];
        if (res[i].answered)
            answered++;
        dns_failover_note(opts, t[i].addr, !res[i].answered);
    }

cleanup:
    free(t);
    free(res);
    krb5_free_context(ctx);
    return answered;
}

/* Settings of @realm's trust in the configuration, if the file exists. */
static int load_trust(const char *opt_path, const char *realm,
                      conf_config **cfg_out, const conf_trust **trust_out)
{
    const char *path = cli_conf_file(opt_path);
    conf_problems pr;
    size_t i;
    adb_err err;

    *cfg_out = NULL;
    *trust_out = NULL;
    if (opt_path == NULL && strcmp(path, CLI_CONF_DEFAULT_PATH) == 0 &&
        access(path, F_OK) != 0)
        return CLI_EXIT_OK;              /* no configuration: DNS only */
    conf_problems_init(&pr);
    err = conf_load(path, cfg_out, &pr);
    if (err != ADB_OK) {
        for (i = 0; i < pr.count; i++)
            cli_error("%s: %s", path, pr.messages[i]);
        if (pr.count == 0)
            cli_error("%s: cannot load: %s", path, adb_strerror(err));
        conf_problems_free(&pr);
        return CLI_EXIT_FAIL;
    }
    conf_problems_free(&pr);
    *trust_out = conf_find_trust(*cfg_out, realm);
    return CLI_EXIT_OK;
}

int cli_discover_main(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "site", required_argument, NULL, 's' },
        { "service", required_argument, NULL, 'S' },
        { "dns-server", required_argument, NULL, 'd' },
        { "timeout", required_argument, NULL, 't' },
        { "probe", no_argument, NULL, 'p' },
        { "json", no_argument, NULL, 'j' },
        { "config", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    char servers[DNS_MAX_DNS_SERVERS * 64] = "";
    const char *site = NULL, *opt_path = NULL, *realm, *env;
    const conf_trust *trust = NULL;
    conf_config *cfg = NULL;
    dns_service svc = DNS_SERVICE_KDC;
    dns_result *r = NULL;
    dns_cache *cache = NULL;
    cli_probe *probes = NULL;
    cli_site cs;
    dns_options opts;
    unsigned long timeout = DNS_DEFAULT_TIMEOUT_MS;
    bool probe = false, json = false;
    size_t nserv = 0;
    int ch, status = CLI_EXIT_FAIL;
    adb_err err;

    dns_options_init(&opts);
    memset(&cs, 0, sizeof(cs));
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
        switch (ch) {
        case 's': site = optarg; break;
        case 'S':
            if (dns_service_parse(optarg, &svc) != ADB_OK || svc == DNS_SERVICE_KADMIN)
                return cli_usage_error(cli_discover_usage,
                                       "unknown service '%s' (kdc, kpasswd,"
                                       " pdc, ldap, gc)", optarg);
            break;
        case 'd':
            if (++nserv > DNS_MAX_DNS_SERVERS ||
                strlen(servers) + strlen(optarg) + 2 > sizeof(servers))
                return cli_usage_error(cli_discover_usage,
                                       "too many --dns-server options");
            if (servers[0] != '\0')
                strcat(servers, " ");
            strcat(servers, optarg);
            break;
        case 't': {
            char *end = NULL;

            errno = 0;
            timeout = strtoul(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || timeout < 10 ||
                timeout > 60000)
                return cli_usage_error(cli_discover_usage,
                                       "--timeout needs milliseconds from 10"
                                       " to 60000, not '%s'", optarg);
            break;
        }
        case 'p': probe = true; break;
        case 'j': json = true; break;
        case 'c': opt_path = optarg; break;
        case 'h':
            help();
            return CLI_EXIT_OK;
        default:
            return cli_bad_option(cli_discover_usage, ch, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(cli_discover_usage, argc - optind == 0 ?
                               "missing REALM" : "too many arguments");
    realm = argv[optind];
    if (probe && svc != DNS_SERVICE_KDC && svc != DNS_SERVICE_PDC)
        return cli_usage_error(cli_discover_usage,
                               "--probe checks KDCs: use it with --service"
                               " kdc or pdc");
    if (load_trust(opt_path, realm, &cfg, &trust) != CLI_EXIT_OK)
        goto cleanup;
    if (cfg != NULL) {
        opts.dns_servers = cfg->dns_servers;
        opts.failover_seconds = cfg->failover_seconds;
    }
    if (trust != NULL) {
        opts.configured = trust->kdcs;
        opts.configured_count = trust->kdc_count;
        if (site == NULL && trust->site != NULL) {
            site = trust->site;
            cs.source = "configuration";
        }
    }
    opts.dns_with_configured = true;
    if (servers[0] != '\0')
        opts.dns_servers = servers;
    opts.timeout_ms = (unsigned int)timeout;
    env = secure_getenv(CLI_DISCOVER_STATE_ENV);
    if (env != NULL)
        opts.state_dir = env;
    if (dns_cache_new(0, 0, &cache) != ADB_OK) {
        cli_error("out of memory");
        goto cleanup;
    }
    opts.cache = cache;
    /* No site given: ask a DC which site this host is in (the kdc and
     * ldap lookups have site records; AD's LDAP ping, MS-ADTS 6.3.3). */
    if (site != NULL && cs.source == NULL)
        cs.source = "option";
    if (site == NULL && (svc == DNS_SERVICE_KDC || svc == DNS_SERVICE_LDAP) &&
        adb_hostname_valid(realm, false)) {
        cs.pinged = true;
        cs.ping_err = dns_site_discover(realm, &opts, (unsigned int)timeout,
                                        &cs.nl, cs.dc, sizeof(cs.dc), cs.why,
                                        sizeof(cs.why));
        if (cs.ping_err == ADB_OK) {
            const char *found = cs.nl.client_site[0] != '\0' ?
                                cs.nl.client_site : cs.nl.next_site;

            if (found[0] != '\0' && adb_hostname_valid(found, true) &&
                strchr(found, '.') == NULL) {
                site = found;
                cs.source = "ldap-ping";
            }
        }
    }
    if (cs.source == NULL)
        cs.source = "none";
    opts.site = site;
    err = dns_lookup(realm, svc, 0, &opts, &r);
    if (err == ADB_ERR_MALFORMED) {
        status = cli_usage_error(cli_discover_usage,
                                 "'%s', the site, a kdc line or a DNS server"
                                 " is not a valid name or address", realm);
        goto cleanup;
    }
    if (r == NULL) {
        cli_error("discovery of %s failed: %s", realm, adb_strerror(err));
        goto cleanup;
    }
    status = r->endpoint_count > 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
    if (probe && r->endpoint_count > 0) {
        probes = calloc(r->endpoint_count, sizeof(*probes));
        if (probes == NULL) {
            cli_error("out of memory");
            status = CLI_EXIT_FAIL;
            goto cleanup;
        }
        if (run_probes(r, &opts, (unsigned int)timeout, probes) == 0)
            status = CLI_EXIT_FAIL;
    }
    if (json) {
        cli_json js;
        int st;

        cli_json_init(&js, stdout);
        print_json(&js, r, site, &cs, probes);
        st = cli_finish_json(&js);
        if (st != CLI_EXIT_OK)
            status = st;
    } else {
        print_text(r, site, &cs, probes);
    }
    if (r->endpoint_count == 0)
        cli_error("no %s found for %s", dns_service_name(svc), realm);
    else if (status != CLI_EXIT_OK && probe)
        cli_error("no KDC of %s answered", realm);

cleanup:
    free(probes);
    dns_result_free(r);
    dns_cache_free(cache);
    conf_free(cfg);
    return status;
}
