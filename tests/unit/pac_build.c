/* SPDX-License-Identifier: MIT */
/* pac_build.c - test-only PAC writer (see pac_build.h). */
#include "pac_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(tb *b, size_t n)
{
    if (b->cap - b->len >= n)
        return;
    while (b->cap - b->len < n)
        b->cap = b->cap ? b->cap * 2 : 256;
    b->p = realloc(b->p, b->cap);
    if (b->p == NULL)
        abort();
}

void tb_bytes(tb *b, const void *p, size_t n)
{
    grow(b, n);
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

void tb_u8(tb *b, uint8_t v) { tb_bytes(b, &v, 1); }

void tb_u16(tb *b, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

    tb_bytes(b, x, 2);
}

void tb_u32(tb *b, uint32_t v)
{
    tb_u16(b, (uint16_t)v);
    tb_u16(b, (uint16_t)(v >> 16));
}

void tb_u64(tb *b, uint64_t v)
{
    tb_u32(b, (uint32_t)v);
    tb_u32(b, (uint32_t)(v >> 32));
}

void tb_align(tb *b, size_t a)
{
    while (b->len % a)
        tb_u8(b, 0);
}

void tb_put_u32(tb *b, size_t off, uint32_t v)
{
    b->p[off] = (uint8_t)v;
    b->p[off + 1] = (uint8_t)(v >> 8);
    b->p[off + 2] = (uint8_t)(v >> 16);
    b->p[off + 3] = (uint8_t)(v >> 24);
}

void tb_put_u16(tb *b, size_t off, uint16_t v)
{
    b->p[off] = (uint8_t)v;
    b->p[off + 1] = (uint8_t)(v >> 8);
}

void tb_sid(tb *b, const char *text)
{
    adb_sid s;
    int i;

    if (adb_sid_parse(text, &s) != ADB_OK)
        abort();
    tb_u8(b, s.revision);
    tb_u8(b, s.sub_count);
    for (i = 5; i >= 0; i--)
        tb_u8(b, (uint8_t)(s.authority >> (8 * i)));
    for (i = 0; i < s.sub_count; i++)
        tb_u32(b, s.sub[i]);
}

void tb_utf16(tb *b, const char *ascii)
{
    for (; *ascii; ascii++)
        tb_u16(b, (uint8_t)*ascii);
}

void tb_free(tb *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* NDR writers, relative to the stream start @base within @b. */
static uint32_t next_ref = 0x00020000;

static void ndr_align(tb *b, size_t base, size_t a)
{
    while ((b->len - base) % a)
        tb_u8(b, 0);
}

static void ndr_ptr(tb *b, size_t base, bool present)
{
    ndr_align(b, base, 4);
    tb_u32(b, present ? (next_ref += 4) : 0);
}

static void ndr_ustr_hdr(tb *b, size_t base, const char *s)
{
    uint16_t n = s ? (uint16_t)(2 * strlen(s)) : 0;

    ndr_align(b, base, 4);
    tb_u16(b, n);
    tb_u16(b, n);
    ndr_ptr(b, base, s != NULL);
}

static void ndr_ustr_body(tb *b, size_t base, const char *s)
{
    if (s == NULL)
        return;
    ndr_align(b, base, 4);
    tb_u32(b, (uint32_t)strlen(s));
    tb_u32(b, 0);
    tb_u32(b, (uint32_t)strlen(s));
    tb_utf16(b, s);
}

static void ndr_sid(tb *b, size_t base, const char *text)
{
    adb_sid s;

    if (adb_sid_parse(text, &s) != ADB_OK)
        abort();
    ndr_align(b, base, 4);
    tb_u32(b, s.sub_count);
    tb_sid(b, text);
}

static void ndr_groups(tb *b, size_t base, uint32_t n, const pac_group *g)
{
    uint32_t i;

    ndr_align(b, base, 4);
    tb_u32(b, n);
    for (i = 0; i < n; i++) {
        tb_u32(b, g[i].rid);
        tb_u32(b, g[i].attributes);
    }
}

void tb_logon_info(tb *b, const tb_logon *li, tb_logon_map *m)
{
    size_t base, start = b->len;
    uint32_t i;
    int k;

    memset(m, 0, sizeof(*m));
    /* Envelope; ObjectBufferLength patched at the end. */
    tb_u8(b, 1);
    tb_u8(b, 0x10);
    tb_u16(b, 8);
    tb_u32(b, 0xCCCCCCCC);
    m->obj_len = b->len - start;
    tb_u32(b, 0);
    tb_u32(b, 0);
    base = b->len;
    m->top_ptr = b->len - start;
    ndr_ptr(b, base, true);
    for (k = 0; k < 6; k++)
        tb_u64(b, 0x01D9000000000000ULL + (uint64_t)k);
    m->eff_name_hdr = b->len - start;
    ndr_ustr_hdr(b, base, li->effective_name);
    ndr_ustr_hdr(b, base, li->full_name);
    for (k = 0; k < 4; k++)
        ndr_ustr_hdr(b, base, "");
    tb_u16(b, 3);    /* LogonCount */
    tb_u16(b, 0);
    tb_u32(b, li->user_rid);
    tb_u32(b, li->primary_group_rid);
    m->group_count = b->len - start;
    tb_u32(b, li->group_count);
    m->group_ptr = b->len - start;
    ndr_ptr(b, base, li->groups != NULL);
    m->user_flags = b->len - start;
    tb_u32(b, li->user_flags);
    for (k = 0; k < 16; k++)
        tb_u8(b, 0);
    ndr_ustr_hdr(b, base, li->logon_server);
    ndr_ustr_hdr(b, base, li->logon_domain);
    m->domain_sid_ptr = b->len - start;
    ndr_ptr(b, base, li->domain_sid != NULL);
    tb_u32(b, 0);
    tb_u32(b, 0);
    tb_u32(b, li->uac);
    tb_u32(b, 0);
    tb_u64(b, 0);
    tb_u64(b, 0);
    tb_u32(b, 0);
    tb_u32(b, 0);
    m->extra_count = b->len - start;
    tb_u32(b, li->extra_count);
    m->extra_ptr = b->len - start;
    ndr_ptr(b, base, li->extra_sids != NULL);
    m->res_dom_ptr = b->len - start;
    ndr_ptr(b, base, li->resource_domain_sid != NULL);
    m->res_count = b->len - start;
    tb_u32(b, li->resource_count);
    m->res_ptr = b->len - start;
    ndr_ptr(b, base, li->resource_groups != NULL);

    m->eff_name_body = b->len - start;
    ndr_ustr_body(b, base, li->effective_name);
    ndr_ustr_body(b, base, li->full_name);
    for (k = 0; k < 4; k++)
        ndr_ustr_body(b, base, "");
    if (li->groups) {
        ndr_align(b, base, 4);
        m->groups_maxcount = b->len - start;
        ndr_groups(b, base, li->group_count, li->groups);
    }
    ndr_ustr_body(b, base, li->logon_server);
    ndr_ustr_body(b, base, li->logon_domain);
    if (li->domain_sid) {
        ndr_align(b, base, 4);
        m->domain_sid_body = b->len - start;
        ndr_sid(b, base, li->domain_sid);
    }
    if (li->extra_sids) {
        ndr_align(b, base, 4);
        m->extra_maxcount = b->len - start;
        tb_u32(b, li->extra_count);
        for (i = 0; i < li->extra_count; i++) {
            ndr_ptr(b, base, true);
            tb_u32(b, li->extra_attrs ? li->extra_attrs[i] : 7);
        }
        for (i = 0; i < li->extra_count; i++) {
            ndr_align(b, base, 4);
            if (i == 0)
                m->extra_sid0 = b->len - start;
            ndr_sid(b, base, li->extra_sids[i]);
        }
    }
    if (li->resource_domain_sid)
        ndr_sid(b, base, li->resource_domain_sid);
    if (li->resource_groups) {
        ndr_align(b, base, 4);
        m->res_maxcount = b->len - start;
        ndr_groups(b, base, li->resource_count, li->resource_groups);
    }
    m->ndr_end = b->len - start;
    ndr_align(b, base, 8);
    tb_put_u32(b, start + m->obj_len, (uint32_t)(b->len - base));
}

tb_logon tb_logon_example(void)
{
    static const pac_group groups[] = {
        { 513, 7 }, { 1106, 7 }, { 1107, 7 }, { 1108, 7 }, { 1109, 7 }
    };
    static const char *const extra[] = { "S-1-18-1" };
    tb_logon li;

    memset(&li, 0, sizeof(li));
    li.effective_name = "alice";
    li.full_name = "Alice Example";
    li.logon_server = "DC1";
    li.logon_domain = "ADEX";
    li.domain_sid = "S-1-5-21-3623811015-3361044348-30300820";
    li.user_rid = 1103;
    li.primary_group_rid = 513;
    li.user_flags = PAC_USER_FLAG_EXTRA_SIDS;
    li.uac = 0x210;
    li.group_count = 5;
    li.groups = groups;
    li.extra_count = 1;
    li.extra_sids = extra;
    return li;
}

void tb_client_info(tb *b, uint64_t client_id, const char *name)
{
    tb_u64(b, client_id);
    tb_u16(b, (uint16_t)(2 * strlen(name)));
    tb_utf16(b, name);
}

void tb_upn_dns_info(tb *b, const char *upn, const char *dns,
                     uint32_t flags, const char *sam, const char *sid)
{
    size_t hdr = (flags & PAC_UPN_FLAG_EXTENDED) ? 20 : 12;
    size_t start = b->len, upn_off, dns_off, sam_off = 0, sid_off = 0;
    tb tmp = { 0 };

    /* Header first with placeholders, then the parts 8-aligned. */
    tb_bytes(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", hdr);
    while ((b->len - start) % 8)
        tb_u8(b, 0);
    upn_off = b->len - start;
    tb_utf16(b, upn);
    while ((b->len - start) % 8)
        tb_u8(b, 0);
    dns_off = b->len - start;
    tb_utf16(b, dns);
    if (flags & PAC_UPN_FLAG_EXTENDED) {
        while ((b->len - start) % 8)
            tb_u8(b, 0);
        sam_off = b->len - start;
        tb_utf16(b, sam);
        while ((b->len - start) % 8)
            tb_u8(b, 0);
        sid_off = b->len - start;
        tb_sid(&tmp, sid);
        tb_bytes(b, tmp.p, tmp.len);
    }
    tb_put_u16(b, start, (uint16_t)(2 * strlen(upn)));
    tb_put_u16(b, start + 2, (uint16_t)upn_off);
    tb_put_u16(b, start + 4, (uint16_t)(2 * strlen(dns)));
    tb_put_u16(b, start + 6, (uint16_t)dns_off);
    tb_put_u32(b, start + 8, flags);
    if (flags & PAC_UPN_FLAG_EXTENDED) {
        tb_put_u16(b, start + 12, (uint16_t)(2 * strlen(sam)));
        tb_put_u16(b, start + 14, (uint16_t)sam_off);
        tb_put_u16(b, start + 16, (uint16_t)tmp.len);
        tb_put_u16(b, start + 18, (uint16_t)sid_off);
    }
    tb_free(&tmp);
}

void tb_signature(tb *b, int32_t type, size_t len, int rodc_id)
{
    size_t i;

    tb_u32(b, (uint32_t)type);
    for (i = 0; i < len; i++)
        tb_u8(b, (uint8_t)(0xA0 + i));
    if (rodc_id >= 0)
        tb_u16(b, (uint16_t)rodc_id);
}

void tb_pac(tb *out, const tb_buf *bufs, size_t n)
{
    size_t i, off = 8 + 16 * n;

    tb_u32(out, (uint32_t)n);
    tb_u32(out, 0);
    for (i = 0; i < n; i++) {
        tb_u32(out, bufs[i].type);
        tb_u32(out, (uint32_t)bufs[i].data->len);
        tb_u64(out, off);
        off += (bufs[i].data->len + 7) & ~(size_t)7;
    }
    for (i = 0; i < n; i++) {
        tb_bytes(out, bufs[i].data->p, bufs[i].data->len);
        tb_align(out, 8);
    }
}

bool tb_read_file(tb *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t chunk[4096];
    size_t n;

    if (f == NULL)
        return false;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        tb_bytes(b, chunk, n);
    fclose(f);
    return true;
}
