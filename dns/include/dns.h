/* SPDX-License-Identifier: MIT */
/*
 * dns.h - finding a trusted AD realm's KDCs and DCs (the public API of
 * dns/, used by the CLI, the MIT locate plugin and the tests).
 *
 * One call, dns_lookup(), answers "where is SERVICE of REALM": configured
 * servers first (per trust `kdc = host[:port]`, first = primary), then DNS
 * SRV records (site records first, the domain-wide ones as backups), each
 * answer put in RFC 2782 order (priority, then a weighted random draw
 * within a priority), then the targets' A/AAAA records.  Every query of one
 * lookup is in flight at the same time (c-ares, one channel per lookup);
 * the A/AAAA records a server sends as additional data are used, so a cold
 * lookup usually takes one DNS round trip.  Answers are cached by their
 * TTLs (dns_cache), and servers that recently failed are moved to the end
 * (dns_failover, shared between processes through a small file).
 *
 * Everything DNS sends is untrusted input: c-ares parses it, and what we
 * keep is bounded (DNS_MAX_* below); an answer beyond a bound, malformed or
 * truncated is reported per query (dns_query_info) and never aborts the
 * whole lookup.
 */
#ifndef DNS_H
#define DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "adb_arena.h"
#include "adb_err.h"

/* Hard caps on what one lookup keeps. */
#define DNS_NAME_MAX          253  /* a DNS name, without the NUL */
#define DNS_MAX_SRV_PER_ANSWER 128 /* SRV records of one answer */
#define DNS_MAX_ADDR_PER_HOST  16  /* A + AAAA addresses kept per host */
#define DNS_MAX_HOSTS          64  /* distinct targets resolved per lookup */
#define DNS_MAX_ENDPOINTS     256  /* addresses returned per lookup */
#define DNS_MAX_ANSWER_BYTES 65535 /* a DNS message (TCP's limit) */
#define DNS_MAX_CONFIGURED     16  /* configured servers per lookup */
#define DNS_MAX_DNS_SERVERS     8  /* `dns_servers` entries */

/* Defaults of dns_options_init(). */
#define DNS_DEFAULT_TIMEOUT_MS    1000u  /* per try (c-ares doubles it per
                                          * round over the servers) */
#define DNS_DEFAULT_TRIES            2u
#define DNS_DEFAULT_FAILOVER_SECONDS 60u
#define DNS_DEFAULT_STATE_DIR "/run/adbridge"

typedef enum dns_service {
    DNS_SERVICE_KDC = 0,   /* Kerberos KDC (88) */
    DNS_SERVICE_KPASSWD,   /* password change (464) */
    DNS_SERVICE_PDC,       /* the primary KDC: MIT's _kerberos-master, else
                            * AD's PDC emulator (_ldap._tcp.pdc._msdcs) */
    DNS_SERVICE_KADMIN,    /* MIT kadmin (749); AD has none */
    DNS_SERVICE_LDAP,      /* AD domain controllers' LDAP (389) */
    DNS_SERVICE_GC,        /* the forest's global catalog (3268) */
    DNS_SERVICE__COUNT
} dns_service;

/* How a query of a lookup ended. */
typedef enum dns_qstatus {
    DNS_Q_OK = 0,       /* records found */
    DNS_Q_NODATA,       /* the name exists, no record of that type */
    DNS_Q_NXDOMAIN,     /* no such name */
    DNS_Q_NOT_OFFERED,  /* SRV target "." : the service is not offered */
    DNS_Q_SERVFAIL,     /* the server failed (SERVFAIL) */
    DNS_Q_REFUSED,      /* the server refused (REFUSED, NOTIMP, FORMERR) */
    DNS_Q_TIMEOUT,      /* no answer in time */
    DNS_Q_UNREACHABLE,  /* connection refused or lost */
    DNS_Q_MALFORMED,    /* the answer does not parse */
    DNS_Q_TRUNCATED,    /* the answer is cut short (TC even over TCP) */
    DNS_Q_LIMIT,        /* the answer exceeds one of our caps */
    DNS_Q_ERROR         /* anything else (out of memory, bad name) */
} dns_qstatus;

/* The options of one lookup.  Initialise with dns_options_init(); all
 * pointers are borrowed for the duration of dns_lookup(). */
typedef struct dns_cache dns_cache;

typedef struct dns_options {
    const char *dns_servers;  /* "ADDR[:PORT] ..." (space or comma
                               * separated, IPv6 in brackets with a port);
                               * NULL: resolv.conf's nameservers */
    const char *site;         /* AD site name, or NULL: no site records */
    const char *forest;       /* forest root domain for GC lookups; NULL:
                               * the realm's own domain */
    const char *const *configured; /* "host[:port]" servers, first =
                                    * primary; may be NULL */
    size_t configured_count;
    bool dns_with_configured; /* also ask DNS when servers are configured
                               * (the CLI); false: configured ones only */
    unsigned int timeout_ms;  /* c-ares per-try timeout */
    unsigned int tries;       /* c-ares tries */
    unsigned int failover_seconds; /* how long a failed server is tried
                                    * last; 0 disables failover memory */
    const char *state_dir;    /* directory of the failover files; NULL:
                               * DNS_DEFAULT_STATE_DIR; "": none */
    dns_cache *cache;         /* NULL: no cache */
    uint32_t (*random)(void *arg); /* weighted draws; NULL: getrandom() */
    void *random_arg;
} dns_options;

/* One DNS query a lookup made (or served from the cache). */
typedef struct dns_query_info {
    const char *name;         /* the query name, e.g. _kerberos._udp.ad.x */
    const char *type;         /* "SRV", "URI", "A", "AAAA" */
    dns_qstatus status;
    bool cached;              /* answered from the cache */
    unsigned int tier;        /* SRV: 1 site, 2 domain (and URI), 3 AD's _msdcs;
                               * A/AAAA: 0 */
    uint32_t ttl;             /* seconds the answer is cached (0: not) */
    const char *detail;       /* a short English explanation, never NULL */
} dns_query_info;

/* One SRV record, or one krb5srv URI record (MIT 1.15+'s `_kerberos.REALM`
 * URI; when it has usable records they replace the domain's SRV records),
 * in the order a client uses them. */
typedef struct dns_srv_record {
    const char *owner;        /* the query name */
    const char *rrtype;       /* "SRV" or "URI" */
    uint16_t priority, weight, port; /* URI: port 0 in the record = the
                                      * service's default, given here */
    const char *target;       /* host name (no trailing dot); URI: or an
                               * address */
    uint32_t ttl;
    unsigned int tier;
    int socktype;             /* URI: SOCK_DGRAM or SOCK_STREAM; SRV: 0 */
    bool primary;             /* URI: the "m" (primary KDC) flag */
} dns_srv_record;

/* One address to contact, in the order a client tries them. */
typedef struct dns_endpoint {
    struct sockaddr_storage addr; /* port included, network byte order */
    socklen_t addrlen;
    int socktype;             /* SOCK_DGRAM or SOCK_STREAM */
    uint16_t port;            /* host byte order */
    const char *host;         /* the SRV target or configured name */
    unsigned int tier;        /* 0 configured, else the SRV tier */
    bool demoted;             /* moved to the end by failover memory */
} dns_endpoint;

typedef struct dns_result {
    const char *realm;
    dns_service service;
    size_t query_count;
    const dns_query_info *queries;   /* in the order they were issued */
    size_t srv_count;
    const dns_srv_record *srvs;      /* selection order */
    size_t endpoint_count;
    const dns_endpoint *endpoints;   /* the order to try */
    adb_arena arena;                 /* owns everything above */
} dns_result;

/* dns_options_init - the defaults above, no servers, no site, no cache. */
void dns_options_init(dns_options *opts);

/* dns_service_name - "kdc", "kpasswd", "pdc", "kadmin", "ldap", "gc". */
const char *dns_service_name(dns_service svc);

/* dns_service_parse - the inverse; ADB_ERR_NOT_FOUND for an unknown name. */
adb_err dns_service_parse(const char *name, dns_service *svc_out);

/* dns_qstatus_name - "NOERROR", "NXDOMAIN", "timeout", ... (static). */
const char *dns_qstatus_name(dns_qstatus st);

/*
 * dns_lookup - where @svc of @realm is.
 *
 * @realm: the Kerberos realm (its lower-cased form is the DNS domain).
 * @socktype: SOCK_DGRAM, SOCK_STREAM, or 0 for both.
 * @opts: borrowed; see dns_options.
 * @result_out: NULL on entry; set whenever a result exists, i.e. on ADB_OK
 *        and on ADB_ERR_NOT_FOUND (the queries then say why nothing was
 *        found).  Free with dns_result_free().
 *
 * Returns ADB_OK (at least one endpoint), ADB_ERR_NOT_FOUND (none),
 * ADB_ERR_MALFORMED (@realm, the site, a configured server or
 * dns_servers is not valid: no query was sent), ADB_ERR_NOMEM,
 * ADB_ERR_INVALID.  (A resolver that cannot be set up fails each query
 * that needs the network: DNS_Q_ERROR with the reason.)
 */
adb_err dns_lookup(const char *realm, dns_service svc, int socktype,
                   const dns_options *opts, dns_result **result_out);

/* dns_result_free - NULL-safe. */
void dns_result_free(dns_result *result);

/*
 * dns_cache_new - an empty answer cache holding at most @max_entries
 * answers and @max_bytes bytes of them (0: defaults 256 / 256 KiB).
 * Thread-safe (one mutex).  Free with dns_cache_free().
 * Returns ADB_OK or ADB_ERR_NOMEM; *@cache_out set only on ADB_OK.
 */
adb_err dns_cache_new(size_t max_entries, size_t max_bytes,
                      dns_cache **cache_out);

/* dns_cache_free - NULL-safe. */
void dns_cache_free(dns_cache *cache);

/* dns_cache_clear - drop every entry (the next lookup is cold). */
void dns_cache_clear(dns_cache *cache);

/*
 * dns_failover_note - record in the failover memory of @opts that @addr
 * (any port) failed to answer (@failed true: it is tried last for
 * failover_seconds) or answered (false: a failure mark is removed and it
 * is noted as good for failover_seconds).  No-op when the memory is off.
 * Returns ADB_OK, ADB_ERR_IO (the state file could not be written).
 */
adb_err dns_failover_note(const dns_options *opts,
                          const struct sockaddr *addr, bool failed);

/*
 * dns_failover_known_good - true if @addr answered within the last
 * failover_seconds (per the failover memory of @opts).
 */
bool dns_failover_known_good(const dns_options *opts,
                             const struct sockaddr *addr);

/* dns_endpoint_format - "127.0.0.1:88" / "[::1]:88" into @buf (always
 * NUL-terminated when @size > 0).  Returns @buf. */
char *dns_endpoint_format(const struct sockaddr *sa, char *buf, size_t size);

/* ---- AD's LDAP ping (MS-ADTS 6.3.3; dns_cldap.c) ------------------- */

#define DNS_NETLOGON_OP_RESPONSE_EX 23   /* LOGON_SAM_LOGON_RESPONSE_EX */
#define DNS_NETLOGON_OP_UNKNOWN_EX  25   /* LOGON_SAM_USER_UNKNOWN_EX */
#define DNS_NETLOGON_NT_5           0x02u
#define DNS_NETLOGON_NT_5EX         0x04u
#define DNS_NETLOGON_NT_5EX_WITH_IP 0x08u
#define DNS_NETLOGON_NT_WITH_CLOSEST_SITE 0x10u
/* What adbridge asks for: 5 | 5EX | WITH_CLOSEST_SITE (0x16), as SSSD */
#define DNS_NETLOGON_NTVER (DNS_NETLOGON_NT_5 | DNS_NETLOGON_NT_5EX | \
                            DNS_NETLOGON_NT_WITH_CLOSEST_SITE)
#define DNS_SITE_MAX 63      /* a site name we use in DNS: one label */

/* A DC's answer to the LDAP ping (names as the DC sent them, "" when
 * absent). */
typedef struct dns_netlogon {
    uint16_t opcode;
    uint32_t flags;          /* DS_*_FLAG of the DC */
    uint8_t domain_guid[16];
    char forest[DNS_NAME_MAX + 1];
    char domain[DNS_NAME_MAX + 1];
    char dc_host[DNS_NAME_MAX + 1];
    char netbios_domain[DNS_SITE_MAX + 1];
    char netbios_host[DNS_SITE_MAX + 1];
    char user[DNS_NAME_MAX + 1];
    char dc_site[DNS_SITE_MAX + 1];
    char client_site[DNS_SITE_MAX + 1];  /* this client's site, "" if
                                          * its address is in no subnet */
    char next_site[DNS_SITE_MAX + 1];    /* NextClosestSiteName */
    uint32_t nt_version;
} dns_netlogon;

/*
 * dns_ldap_ping - send the LDAP ping for @domain to the first (at most 5)
 * of @count DCs at once (UDP, port included in each address) and take the
 * first answer that decodes, waiting at most @timeout_ms in all.
 *
 * @out: filled on ADB_OK; *@which = the index of the DC that answered.
 * Returns ADB_OK, ADB_ERR_NOT_FOUND (no answer in time; @why says), an
 * answer's decoding error (ADB_ERR_MALFORMED, _TRUNCATED, _LIMIT; @why),
 * ADB_ERR_INVALID, ADB_ERR_NOMEM.
 */
adb_err dns_ldap_ping(const struct sockaddr *const *dcs,
                      const socklen_t *dclens, size_t count,
                      const char *domain, unsigned int timeout_ms,
                      dns_netlogon *out, size_t *which, char *why,
                      size_t whylen);

/*
 * dns_site_discover - this client's AD site: the domain's DCs from DNS
 * (`_ldap._tcp.dc._msdcs.D` with @opts, no site), then dns_ldap_ping() to
 * the first five of them at once (@timeout_ms in all), as SSSD does.
 *
 * @out: the answer (client_site, else next_site, is the site to use);
 * @dc_out: the name of the DC that answered (@dclen bytes).
 * Returns ADB_OK or the error of the lookup or the ping (@why says).
 */
adb_err dns_site_discover(const char *realm, const dns_options *opts,
                          unsigned int timeout_ms, dns_netlogon *out,
                          char *dc_out, size_t dclen, char *why,
                          size_t whylen);

#endif /* DNS_H */
