/* SPDX-License-Identifier: MIT */
/*
 * pac_build.h - test-only writer of PAC buffers and containers.
 *
 * Writes *valid* MS-PAC structures from a description and records where each
 * interesting field landed, so that a test can corrupt exactly one field and
 * check the decoder's error.  Not for production: it trusts its input and
 * aborts on allocation failure.
 */
#ifndef PAC_BUILD_H
#define PAC_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pac.h"

typedef struct tb {
    uint8_t *p;
    size_t len;
    size_t cap;
} tb;

void tb_u8(tb *b, uint8_t v);
void tb_u16(tb *b, uint16_t v);
void tb_u32(tb *b, uint32_t v);
void tb_u64(tb *b, uint64_t v);
void tb_bytes(tb *b, const void *p, size_t n);
void tb_align(tb *b, size_t a);         /* zero padding, relative to start */
void tb_sid(tb *b, const char *text);   /* binary SID (MS-DTYP 2.4.2.2) */
void tb_utf16(tb *b, const char *ascii);
void tb_free(tb *b);
/* Overwrite 4 bytes at @off (little-endian). */
void tb_put_u32(tb *b, size_t off, uint32_t v);
void tb_put_u16(tb *b, size_t off, uint16_t v);

/* A KERB_VALIDATION_INFO to write.  NULL strings/SIDs become NULL pointers. */
typedef struct tb_logon {
    const char *effective_name, *full_name, *logon_server, *logon_domain;
    const char *domain_sid;
    uint32_t user_rid, primary_group_rid, user_flags, uac;
    uint32_t group_count;
    const pac_group *groups;          /* NULL pointer if NULL */
    uint32_t extra_count;
    const char *const *extra_sids;
    const uint32_t *extra_attrs;
    const char *resource_domain_sid;
    uint32_t resource_count;
    const pac_group *resource_groups; /* NULL pointer if NULL */
} tb_logon;

/* Offsets (within the whole LOGON_INFO buffer) of fields tests corrupt. */
typedef struct tb_logon_map {
    size_t obj_len;                   /* ObjectBufferLength */
    size_t top_ptr;                   /* KERB_VALIDATION_INFO referent */
    size_t eff_name_hdr;              /* EffectiveName Length */
    size_t group_count, group_ptr;
    size_t user_flags;
    size_t domain_sid_ptr;
    size_t extra_count, extra_ptr;
    size_t res_dom_ptr, res_count, res_ptr;
    size_t eff_name_body;             /* MaxCount of EffectiveName's body */
    size_t groups_maxcount;
    size_t domain_sid_body;           /* MaxCount of LogonDomainId */
    size_t extra_maxcount;
    size_t extra_sid0;                /* MaxCount of ExtraSids[0].Sid */
    size_t res_maxcount;
    size_t ndr_end;                   /* end of NDR data, before padding */
} tb_logon_map;

/* Write the LOGON_INFO buffer (envelope + NDR, padded to 8) into @b. */
void tb_logon_info(tb *b, const tb_logon *li, tb_logon_map *map);

/* A fully populated example user (alice, 5 groups, 1 extra SID). */
tb_logon tb_logon_example(void);

/* CLIENT_INFO for @name at @client_id. */
void tb_client_info(tb *b, uint64_t client_id, const char *name);

/* UPN_DNS_INFO; @sam/@sid NULL for the short form. */
void tb_upn_dns_info(tb *b, const char *upn, const char *dns,
                     uint32_t flags, const char *sam, const char *sid);

/* PAC_SIGNATURE_DATA of @type with @len filler bytes, optional RODC id. */
void tb_signature(tb *b, int32_t type, size_t len, int rodc_id);

/* A whole PAC from @n (type, buffer) pairs, 8-aligned as AD writes it. */
typedef struct tb_buf {
    uint32_t type;
    const tb *data;
} tb_buf;
void tb_pac(tb *out, const tb_buf *bufs, size_t n);

/* Read a whole file into @b (abort on error); returns false if missing. */
bool tb_read_file(tb *b, const char *path);

#endif /* PAC_BUILD_H */
