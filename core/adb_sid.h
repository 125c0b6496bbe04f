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

/* adb_sid_equal - true if @a and @b are the same SID. */
bool adb_sid_equal(const adb_sid *a, const adb_sid *b);

/*
 * adb_sid_compose - *out = @domain with @rid appended.  ADB_ERR_LIMIT if
 * @domain already has 15 sub-authorities.
 */
adb_err adb_sid_compose(const adb_sid *domain, uint32_t rid, adb_sid *out);

/*
 * adb_sid_in_domain - true if @sid is @domain plus exactly one more
 * sub-authority (i.e. an account or group of that domain); if @rid_out is
 * not NULL it receives that RID.
 */
bool adb_sid_in_domain(const adb_sid *sid, const adb_sid *domain,
                       uint32_t *rid_out);

/*
 * adb_sid_has_prefix - true if @sid starts with all sub-authorities of
 * @prefix (same revision and authority; @sid may be longer or equal).
 */
bool adb_sid_has_prefix(const adb_sid *sid, const adb_sid *prefix);

/* adb_sid_hash - a 64-bit hash of @sid (for hashed lookups). */
uint64_t adb_sid_hash(const adb_sid *sid);

#endif /* ADB_SID_H */
