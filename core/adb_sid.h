/* SPDX-License-Identifier: MIT */
/*
 * adb_sid.h - Windows security identifiers (MS-DTYP 2.4.2).
 *
 * An adb_sid is a plain value (no heap); copy it with assignment.  Binary
 * SIDs from untrusted input are read only through adb_sid_read() on an
 * adb_rd; textual SIDs (config files, CLI) only through adb_sid_parse().
 */
#ifndef ADB_SID_H
#define ADB_SID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adb_err.h"
#include "adb_rd.h"

#define ADB_SID_MAX_SUBAUTH 15   /* MS-DTYP 2.4.2.2 */
/* "S-1-" + 48-bit authority (as 0x + 12 hex digits) + 15 x "-4294967295" */
#define ADB_SID_STR_MAX 192

typedef struct adb_sid {
    uint8_t revision;        /* always 1 */
    uint8_t sub_count;       /* 0..ADB_SID_MAX_SUBAUTH */
    uint64_t authority;      /* 48-bit IdentifierAuthority */
    uint32_t sub[ADB_SID_MAX_SUBAUTH];  /* entries >= sub_count are zero */
} adb_sid;

/*
 * adb_sid_read - read a binary SID (Revision, SubAuthorityCount,
 * IdentifierAuthority[6] big-endian, SubAuthority[n] little-endian) at the
 * reader's cursor into *out.  Revision must be 1 and the count at most 15,
 * else ADB_ERR_MALFORMED naming @field.  *out is written only on success.
 * If @expect_count is >= 0 the SubAuthorityCount must equal it (NDR
 * conformant SIDs carry the count twice).
 */
adb_err adb_sid_read(adb_rd *rd, const char *field, int expect_count,
                     adb_sid *out);

/*
 * adb_sid_binary_len - bytes of the binary form of @sid (8 + 4 * sub_count).
 */
size_t adb_sid_binary_len(const adb_sid *sid);

/*
 * adb_sid_format - write the "S-1-5-21-..." form of @sid into @buf, which
 * must hold ADB_SID_STR_MAX bytes.  Authorities >= 2^32 are written in hex
 * (MS-DTYP 2.4.2.1).  Returns @buf.
 */
char *adb_sid_format(const adb_sid *sid, char buf[ADB_SID_STR_MAX]);

/*
 * adb_sid_parse - parse the textual form "S-1-<auth>(-<sub>){0,15}" into
 * *out.  Strict: no whitespace, no leading '+', no empty components,
 * sub-authorities must fit 32 bits, the authority 48 bits (decimal or 0x hex).
 * Returns ADB_ERR_MALFORMED on any violation; *out is written only on success.
 */
adb_err adb_sid_parse(const char *text, adb_sid *out);


/*
 * adb_sid_compose - *out = @domain with @rid appended.  ADB_ERR_LIMIT if
 * @domain already has 15 sub-authorities.
 */
adb_err adb_sid_compose(const adb_sid *domain, uint32_t rid, adb_sid *out);



/*
 * adb_sid_hash - a 64-bit hash of @sid (for hashed lookups).  It is built so
 * that the hash of "domain + RID" can be had cheaply for many RIDs:
 * adb_sid_hash(S) == adb_sid_hash_rid(adb_sid_hash_state(D), RID, n) for
 * S = D + RID with n = D.sub_count + 1.
 */
uint64_t adb_sid_hash(const adb_sid *sid);

/* adb_sid_hash_state - the hash state after all of @prefix's fields; feed
 * it to adb_sid_hash_rid(). */
uint64_t adb_sid_hash_state(const adb_sid *prefix);

/* adb_sid_hash_rid - adb_sid_hash() of (the prefix of @state) + @rid, a SID
 * of @sub_count sub-authorities in all. */
static inline uint64_t adb_sid_hash_rid(uint64_t state, uint32_t rid,
                                        unsigned int sub_count)
{
    uint64_t h = (state ^ rid) * 0x100000001b3ULL;

    h = (h ^ sub_count) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/*
 * Comparisons, inline: the rights engine runs them for every SID of every
 * cross-realm request.
 */

/* adb_sid_has_prefix - true if @sid starts with all sub-authorities of
 * @prefix (same revision and authority; @sid may be longer or equal). */
static inline bool adb_sid_has_prefix(const adb_sid *sid,
                                      const adb_sid *prefix)
{
    unsigned int i;

    if (sid->authority != prefix->authority ||
        sid->revision != prefix->revision ||
        sid->sub_count < prefix->sub_count)
        return false;
    for (i = 0; i < prefix->sub_count; i++)
        if (sid->sub[i] != prefix->sub[i])
            return false;
    return true;
}

/* adb_sid_equal - true if @a and @b are the same SID. */
static inline bool adb_sid_equal(const adb_sid *a, const adb_sid *b)
{
    return a->sub_count == b->sub_count && adb_sid_has_prefix(a, b);
}

/*
 * adb_sid_in_domain - true if @sid is @domain plus exactly one more
 * sub-authority (i.e. an account or group of that domain); if @rid_out is
 * not NULL it receives that RID.
 */
static inline bool adb_sid_in_domain(const adb_sid *sid,
                                     const adb_sid *domain,
                                     uint32_t *rid_out)
{
    if (sid->sub_count != domain->sub_count + 1 ||
        !adb_sid_has_prefix(sid, domain))
        return false;
    if (rid_out != NULL)
        *rid_out = sid->sub[sid->sub_count - 1];
    return true;
}

#endif /* ADB_SID_H */
