/* SPDX-License-Identifier: MIT */
/*
 * dns_int.h - the modules inside dns/ (not installed, not for the CLI):
 *   dns_answer.c   one raw DNS answer -> a bounded dns_answer
 *   dns_select.c   RFC 2782 order of one answer's SRV records
 *   dns_cache.c    answers by (name, type), honouring TTLs, bounded
 *   dns_failover.c the shared failover memory (a small file per uid)
 *   dns_lookup.c   the c-ares channel and the lookup itself
 */
#ifndef DNS_INT_H
#define DNS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dns.h"

#define DNS_T_A     1
#define DNS_T_NS    2
#define DNS_T_CNAME 5
#define DNS_T_SOA   6
#define DNS_T_AAAA 28
#define DNS_T_SRV  33
#define DNS_T_URI 256   /* RFC 7553; MIT 1.15+ asks _kerberos.REALM */

#define DNS_MAX_GLUE       64     /* additional A/AAAA records kept */
#define DNS_MAX_TTL     86400u    /* cap on what we cache, seconds */
#define DNS_MAX_NEG_TTL   300u    /* cap for NXDOMAIN/NODATA (RFC 2308) */
#define DNS_NEG_TTL_NO_SOA 30u   /* NXDOMAIN/NODATA without an SOA */

#define DNS_URI_MAX 512       /* a URI record's value we look at */
#define DNS_SOCK_UDP 1u       /* dns_srv_rr.socks */
#define DNS_SOCK_TCP 2u

/* One SRV record, or one krb5srv URI record turned into the same form. */
typedef struct dns_srv_rr {
    uint16_t priority, weight, port; /* URI: port 0 = the service's own */
    char target[DNS_NAME_MAX + 1];   /* no trailing dot; "" for "."; URI:
                                      * a host name or an address literal
                                      * (no brackets) */
    uint8_t socks;                   /* URI: DNS_SOCK_UDP or _TCP; SRV: 0
                                      * (the query name says) */
    bool primary;                    /* URI: the "m" flag (primary KDC) */
    bool is_ip;                      /* URI: target is an address */
} dns_srv_rr;

typedef struct dns_addr_rr {
    char name[DNS_NAME_MAX + 1];     /* owner (the queried name for A/AAAA
                                      * answers, the RR's name for glue) */
    int family;                      /* AF_INET or AF_INET6 */
    uint8_t addr[16];
    uint32_t ttl;
} dns_addr_rr;

/* One parsed answer.  One malloc block: the arrays follow the struct. */
typedef struct dns_answer {
    dns_qstatus status;
    uint32_t ttl;                    /* how long it may be cached */
    size_t srv_count;
    dns_srv_rr *srv;                 /* SRV answers, wire order */
    size_t addr_count;
    dns_addr_rr *addr;               /* A/AAAA answers, or SRV glue */
    size_t size;                     /* bytes of the block */
    char detail[96];
} dns_answer;

/*
 * dns_answer_parse - parse the DNS message @abuf (@alen bytes) answering a
 * query of type @qtype (DNS_T_SRV, DNS_T_URI, DNS_T_A or DNS_T_AAAA).
 * URI answers keep only MIT's Kerberos form, `krb5srv:FLAGS:udp|tcp:
 * HOST[:PORT]` (RFC 7553 records as MIT 1.15+ reads them): kkdcp (HTTPS,
 * which a locate plugin cannot hand out), other schemes and values that
 * do not parse are skipped and counted in the detail; an answer with none
 * left is DNS_Q_NODATA.
 *
 * The message's structure (header, counts, every RR's name, type, class,
 * TTL and length) is walked with the bounded reader, names expanded by
 * c-ares (ares_expand_name); the records themselves are parsed by c-ares
 * (ares_parse_srv_reply, ares_parse_a_reply, ares_parse_aaaa_reply).  The
 * TTL kept is the minimum over the answer RRset (SRV has none in c-ares
 * 1.18), for NXDOMAIN/NODATA the authority SOA's TTL (capped).  Glue: the
 * A/AAAA records of the additional section that belong to a SRV target.
 *
 * @answer_out: NULL on entry; on ADB_OK a new answer (free()) whose status
 *        is DNS_Q_OK, NODATA, NXDOMAIN, NOT_OFFERED, SERVFAIL or REFUSED;
 *        a message we cannot use gives no answer but an error:
 * Returns ADB_OK, ADB_ERR_TRUNCATED (cut short, or TC set),
 * ADB_ERR_MALFORMED, ADB_ERR_LIMIT (more than DNS_MAX_SRV_PER_ANSWER
 * records, a name over 253 characters, a message over
 * DNS_MAX_ANSWER_BYTES), ADB_ERR_NOMEM, ADB_ERR_INVALID.  @why/@whylen
 * (may be NULL/0) get a one-line reason on failure.
 */
adb_err dns_answer_parse(const uint8_t *abuf, size_t alen, uint16_t qtype,
                         dns_answer **answer_out, char *why, size_t whylen);

/* dns_answer_new - an empty answer with @status and room for @nsrv SRV and
 * @naddr address records (counts set); NULL on allocation failure or
 * counts over the caps. */
dns_answer *dns_answer_new(dns_qstatus status, size_t nsrv, size_t naddr);

/* dns_answer_dup - a deep copy (free()), NULL on allocation failure. */
dns_answer *dns_answer_dup(const dns_answer *a);

/*
 * dns_select_order - RFC 2782: fill @order (@n entries) with the indexes
 * of @rrs in the order a client uses them: ascending priority; within a
 * priority, repeated weighted random draws (zero-weight records first in
 * the draw list, so they are rarely picked early).  Records with an empty
 * target ("." : not offered) are left out; *@count_out is the number of
 * indexes written.  @rnd returns uniform 32-bit values.
 * Returns ADB_OK or ADB_ERR_INVALID (@n over DNS_MAX_SRV_PER_ANSWER).
 */
adb_err dns_select_order(const dns_srv_rr *rrs, size_t n,
                         uint32_t (*rnd)(void *), void *rnd_arg,
                         size_t *order, size_t *count_out);

/* dns_random_default - getrandom()-seeded xorshift (per thread). */
uint32_t dns_random_default(void *arg);

/*
 * dns_cache_get - a copy of the live answer for (@name, @type) at @now_ms
 * (a monotonic clock), in *@answer_out (free()).  Names compare
 * ASCII-case-insensitively.  Returns ADB_OK, ADB_ERR_NOT_FOUND (absent or
 * expired), ADB_ERR_NOMEM.
 */
adb_err dns_cache_get(dns_cache *cache, const char *name, uint16_t type,
                      uint64_t now_ms, dns_answer **answer_out);

/*
 * dns_cache_put - store a copy of @answer for its ttl (0: not stored).
 * Evicts expired entries, then the least recently used, to stay within
 * the cache's bounds; an answer larger than the byte bound is not stored.
 * Returns ADB_OK, ADB_ERR_NOMEM.
 */
adb_err dns_cache_put(dns_cache *cache, const char *name, uint16_t type,
                      const dns_answer *answer, uint64_t now_ms);

/* dns_cache_usage - current entries and bytes. */
void dns_cache_usage(dns_cache *cache, size_t *entries, size_t *bytes);

/* The failover memory (dns_failover.c). */
#define DNS_FO_MAX 64            /* entries per file */
#define DNS_FO_FILE_MAX 8192     /* bytes per file */

typedef struct dns_fo_entry {
    bool down;                   /* failed; else: answered */
    int family;
    uint8_t addr[16];
    int64_t until;               /* wall-clock seconds */
} dns_fo_entry;

typedef struct dns_failover {
    size_t count;
    dns_fo_entry e[DNS_FO_MAX];
} dns_failover;

/*
 * dns_failover_parse - parse the text of a failover file (@len bytes) into
 * @fo (zeroed first), dropping entries whose time is over at @now.  Lines:
 * "adbridge-failover 1" then "down|up ADDRESS UNTIL".  Returns ADB_OK,
 * ADB_ERR_MALFORMED (any bad line: the whole file is ignored),
 * ADB_ERR_LIMIT (over DNS_FO_MAX entries or DNS_FO_FILE_MAX bytes).
 */
adb_err dns_failover_parse(const char *text, size_t len, int64_t now,
                           dns_failover *fo);

/* dns_failover_format - the file text of @fo into @buf; the length, or 0
 * if @size is too small. */
size_t dns_failover_format(const dns_failover *fo, char *buf, size_t size);

/*
 * dns_failover_load - the failover memory in @dir for @uid: its own file
 * (failover.UID) merged with root's (failover.0), each only if it is a
 * regular file owned by that uid and not writable by others.  A missing or
 * bad file counts as empty.  Never fails; @fo is always valid.
 */
void dns_failover_load(const char *dir, uid_t uid, int64_t now,
                       dns_failover *fo);

/*
 * dns_failover_update - set the state of @family/@addr in @uid's file in
 * @dir for @seconds (down or up), under an flock, replacing the file
 * atomically (temporary file + rename).  Returns ADB_OK, ADB_ERR_IO.
 */
adb_err dns_failover_update(const char *dir, uid_t uid, int64_t now,
                            int family, const uint8_t *addr, bool down,
                            unsigned int seconds);

/* dns_failover_state - 1 down, 2 up, 0 unknown, for @family/@addr. */
int dns_failover_state(const dns_failover *fo, int family,
                       const uint8_t *addr, int64_t now);

/* dns_failover_set - in-memory update (used by update and the tests);
 * when full, the entry ending soonest is replaced. */
void dns_failover_set(dns_failover *fo, int family, const uint8_t *addr,
                      bool down, int64_t until);

/* ---- dns_cldap.c: the LDAP ping's pieces (dns.h has the ping) ---- */

/*
 * dns_cldap_request - the CLDAP search request of message @msgid asking
 * the rootDSE for Netlogon with (&(DnsDomain=@domain)(NtVer=@ntver)),
 * BER-encoded by liblber into @buf (@size bytes); its length in
 * *@len_out.  Returns ADB_OK, ADB_ERR_INVALID, ADB_ERR_LIMIT, ADB_ERR_NOMEM.
 */
adb_err dns_cldap_request(int msgid, const char *domain, uint32_t ntver,
                          uint8_t *buf, size_t size, size_t *len_out);

/*
 * dns_cldap_reply_parse - the Netlogon value of a CLDAP reply @msg
 * (@len bytes) to message @msgid, copied into @blob (@size bytes), its
 * length in *@bloblen.  Returns ADB_OK; ADB_ERR_NOT_FOUND (no entry or
 * no Netlogon attribute), ADB_ERR_MALFORMED, ADB_ERR_LIMIT with @why.
 */
adb_err dns_cldap_reply_parse(const uint8_t *msg, size_t len, int msgid,
                              uint8_t *blob, size_t size, size_t *bloblen,
                              char *why, size_t whylen);

/*
 * dns_netlogon_parse - a NETLOGON_SAM_LOGON_RESPONSE_EX (MS-ADTS 6.3.1.9)
 * of @len bytes, answering a ping with NtVer @ntver (DcSockAddr and
 * NextClosestSiteName may be there only when asked for, and are read only
 * when bytes are left before the fixed 8-byte tail: Samba omits the
 * latter), into *@out (zeroed first).  Every field is read with the bounded reader, names expanded by
 * c-ares (pointers into the blob, loops refused) and bounded by the
 * fields' sizes; the blob must end after Lm20Token.  Returns ADB_OK,
 * ADB_ERR_TRUNCATED, ADB_ERR_MALFORMED, ADB_ERR_LIMIT (with @why).
 */
adb_err dns_netlogon_parse(const uint8_t *blob, size_t len, uint32_t ntver,
                           dns_netlogon *out, char *why, size_t whylen);

#endif /* DNS_INT_H */
