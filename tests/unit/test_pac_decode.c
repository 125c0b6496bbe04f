/* SPDX-License-Identifier: MIT */
/* test_pac_decode.c - whole PACs: container, dispatch, SID expansion, and
 * mutation loops over built PACs and over real AD PACs (tests/fixtures). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit_support.h"

#include "pac.h"
#include "pac_build.h"

#define DOMSID "S-1-5-21-3623811015-3361044348-30300820"


/* A full PAC like AD's cross-realm TGT: 1, 10, 12, 17, 18, 6, 7, plus
 * @extra_type (unknown) if non-zero. */
static void build_full(tb *pac, const tb_logon *desc, uint32_t extra_type)
{
    tb logon = { 0 }, ci = { 0 }, upn = { 0 }, attr = { 0 }, req = { 0 };
    tb s6 = { 0 }, s7 = { 0 }, unk = { 0 };
    tb_logon_map m;
    tb_buf bufs[8];
    size_t n = 0;

    tb_logon_info(&logon, desc, &m);
    tb_client_info(&ci, 133000000000000000ULL, "alice");
    tb_upn_dns_info(&upn, "alice@ad.example.com", "AD.EXAMPLE.COM",
                    PAC_UPN_FLAG_EXTENDED, "alice", DOMSID "-1103");
    tb_u32(&attr, 2);
    tb_u32(&attr, 1);
    tb_sid(&req, DOMSID "-1103");
    tb_signature(&s6, 16, 12, -1);
    tb_signature(&s7, 16, 12, -1);
    tb_u32(&unk, 0xfeedface);
    bufs[n++] = (tb_buf){ 1, &logon };
    bufs[n++] = (tb_buf){ 10, &ci };
    bufs[n++] = (tb_buf){ 12, &upn };
    bufs[n++] = (tb_buf){ 17, &attr };
    bufs[n++] = (tb_buf){ 18, &req };
    if (extra_type)
        bufs[n++] = (tb_buf){ extra_type, &unk };
    bufs[n++] = (tb_buf){ 6, &s6 };
    bufs[n++] = (tb_buf){ 7, &s7 };
    tb_pac(pac, bufs, n);
    tb_free(&logon);
    tb_free(&ci);
    tb_free(&upn);
    tb_free(&attr);
    tb_free(&req);
    tb_free(&s6);
    tb_free(&s7);
    tb_free(&unk);
}

static void full_pac_decodes(void **state)
{
    tb_logon desc = tb_logon_example();
    tb pac = { 0 };
    pac_info *info = NULL;
    adb_diag d = ADB_DIAG_INIT;
    char s[ADB_SID_STR_MAX];
    static const uint32_t order[] = { 1, 10, 12, 17, 18, 99, 6, 7 };
    size_t i;

    (void)state;
    build_full(&pac, &desc, 99);
    assert_int_equal(pac_decode_blob(kctx, pac.p, pac.len, &info, &d),
                     ADB_OK);
    assert_int_equal(info->buffer_count, 8);
    for (i = 0; i < 8; i++) {
        assert_int_equal(info->buffers[i].type, order[i]);
        assert_int_equal(info->buffers[i].known, order[i] != 99);
    }
    assert_int_equal(info->buffers[5].size, 4);
    assert_non_null(info->logon_info);
    assert_string_equal(info->client_info->name, "alice");
    assert_string_equal(info->upn_dns_info->sam_name, "alice");
    assert_int_equal(info->attributes_info->flags, 1);
    assert_string_equal(adb_sid_format(info->requestor, s), DOMSID "-1103");
    assert_int_equal(info->server_checksum->signature_type, 16);
    assert_int_equal(info->privsvr_checksum->buffer_type, 7);
    assert_null(info->ticket_checksum);
    assert_null(info->full_checksum);
    assert_null(info->device_info);
    assert_int_equal(info->device_sid_count, 0);
    pac_info_free(info);
    tb_free(&pac);
}

static void sid_expansion_order(void **state)
{
    static const pac_group res[] = { { 572, 0x20000007 } };
    tb_logon desc = tb_logon_example();
    tb pac = { 0 };
    pac_info *info = NULL;
    char s[ADB_SID_STR_MAX];
    static const struct {
        const char *sid;
        uint32_t attr;
        pac_sid_source src;
        uint32_t index;
    } want[] = {
        { DOMSID "-1103", 0, PAC_SID_USER, 0 },
        { DOMSID "-513", 7, PAC_SID_PRIMARY_GROUP, 0 },
        { DOMSID "-513", 7, PAC_SID_GROUP, 0 },
        { DOMSID "-1106", 7, PAC_SID_GROUP, 1 },
        { DOMSID "-1107", 7, PAC_SID_GROUP, 2 },
        { DOMSID "-1108", 7, PAC_SID_GROUP, 3 },
        { DOMSID "-1109", 7, PAC_SID_GROUP, 4 },
        { "S-1-18-1", 7, PAC_SID_EXTRA, 0 },
        { "S-1-5-21-1-2-3-572", 0x20000007, PAC_SID_RESOURCE_GROUP, 0 },
    };
    size_t i;

    (void)state;
    desc.user_flags |= PAC_USER_FLAG_RESOURCE_GROUPS;
    desc.resource_domain_sid = "S-1-5-21-1-2-3";
    desc.resource_count = 1;
    desc.resource_groups = res;
    build_full(&pac, &desc, 0);
    assert_int_equal(pac_decode_blob(kctx, pac.p, pac.len, &info, NULL),
                     ADB_OK);
    assert_int_equal(info->sid_count, sizeof(want) / sizeof(want[0]));
    for (i = 0; i < info->sid_count; i++) {
        assert_string_equal(adb_sid_format(&info->sids[i].sid, s),
                            want[i].sid);
        assert_int_equal(info->sids[i].attributes, want[i].attr);
        assert_int_equal(info->sids[i].source, want[i].src);
        assert_int_equal(info->sids[i].index, want[i].index);
    }
    assert_string_equal(pac_sid_source_name(PAC_SID_RESOURCE_GROUP),
                        "resource_group");
    pac_info_free(info);
    tb_free(&pac);
}

static void pac_without_logon_info(void **state)
{
    tb ci = { 0 }, s6 = { 0 }, s7 = { 0 }, pac = { 0 };
    tb_buf bufs[3];
    pac_info *info = NULL;

    (void)state;
    /* What MIT 1.20 issues: CLIENT_INFO and signatures only. */
    tb_client_info(&ci, 133000000000000000ULL, "bob");
    tb_signature(&s6, 16, 12, -1);
    tb_signature(&s7, 16, 12, -1);
    bufs[0] = (tb_buf){ 10, &ci };
    bufs[1] = (tb_buf){ 6, &s6 };
    bufs[2] = (tb_buf){ 7, &s7 };
    tb_pac(&pac, bufs, 3);
    assert_int_equal(pac_decode_blob(kctx, pac.p, pac.len, &info, NULL),
                     ADB_OK);
    assert_null(info->logon_info);
    assert_int_equal(info->sid_count, 0);
    assert_null(info->sids);
    pac_info_free(info);
    tb_free(&ci);
    tb_free(&s6);
    tb_free(&s7);
    tb_free(&pac);
}

static void duplicate_buffer_refused(void **state)
{
    tb a = { 0 }, b = { 0 }, pac = { 0 };
    tb_buf bufs[2];
    pac_info *info = (pac_info *)&a;   /* must be reset to NULL */
    adb_diag d = ADB_DIAG_INIT;

    (void)state;
    tb_client_info(&a, 1, "a");
    tb_client_info(&b, 1, "b");
    bufs[0] = (tb_buf){ 10, &a };
    bufs[1] = (tb_buf){ 10, &b };
    tb_pac(&pac, bufs, 2);
    assert_int_equal(pac_decode_blob(kctx, pac.p, pac.len, &info, &d),
                     ADB_ERR_DUPLICATE);
    assert_null(info);
    assert_string_equal(d.context, "PAC header");
    tb_free(&a);
    tb_free(&b);
    tb_free(&pac);
}

static void unpadded_last_buffer_refused(void **state)
{
    tb ci = { 0 }, pac = { 0 };
    tb_buf bufs[1];
    pac_info *info = NULL;
    adb_diag d = ADB_DIAG_INIT;

    (void)state;
    tb_bytes(&ci, "seventeen bytes!!", 17);   /* padded to 24 */
    bufs[0] = (tb_buf){ 99, &ci };          /* unknown type: only the table */
    tb_pac(&pac, bufs, 1);
    assert_int_equal(pac.len, 24 + 24);
    assert_int_equal(pac_decode_blob(kctx, pac.p, pac.len, &info, &d),
                     ADB_OK);
    pac_info_free(info);
    info = NULL;
    /* Regression (differential fuzzing): Samba refuses a PAC whose last
     * buffer is not padded to 8 within the blob; MIT accepts it. */
    assert_int_equal(pac_decode_blob(kctx, pac.p, pac.len - 7, &info, &d),
                     ADB_ERR_TRUNCATED);
    assert_null(info);
    assert_string_equal(d.context, "PAC header");
    assert_string_equal(d.field, "Offset");
    tb_free(&ci);
    tb_free(&pac);
}

static void container_errors(void **state)
{
    static const uint8_t garbage[] = "this is not a PAC at all";
    static const uint8_t zero_buffers[8] = { 0 };
    pac_info *info = NULL;
    adb_diag d = ADB_DIAG_INIT;
    char msg[256];

    (void)state;
    assert_int_not_equal(pac_decode_blob(kctx, garbage, sizeof(garbage),
                                         &info, &d), ADB_OK);
    assert_null(info);
    assert_string_equal(d.context, "PAC header");
    adb_diag_format(&d, msg, sizeof(msg));
    assert_non_null(strstr(msg, "not a valid PAC"));
    assert_int_not_equal(pac_decode_blob(kctx, zero_buffers, 8, &info, &d),
                         ADB_OK);
    assert_int_not_equal(pac_decode_blob(kctx, NULL, 0, &info, &d), ADB_OK);
    assert_int_equal(pac_decode_blob(NULL, garbage, 1, &info, &d),
                     ADB_ERR_INVALID);
    assert_int_equal(pac_decode_blob(kctx, garbage, 1, NULL, &d),
                     ADB_ERR_INVALID);
    assert_int_equal(pac_decode(kctx, NULL, &info, &d), ADB_ERR_INVALID);
    assert_null(info);
    pac_info_free(NULL);
}

static void error_names_buffer_field_offset(void **state)
{
    tb_logon desc = tb_logon_example();
    tb logon = { 0 }, pac = { 0 };
    tb_logon_map m;
    tb_buf bufs[1];
    pac_info *info = NULL;
    adb_diag d = ADB_DIAG_INIT;
    char msg[256];

    (void)state;
    tb_logon_info(&logon, &desc, &m);
    tb_put_u32(&logon, m.groups_maxcount, 4);
    bufs[0] = (tb_buf){ 1, &logon };
    tb_pac(&pac, bufs, 1);
    assert_int_equal(pac_decode_blob(kctx, pac.p, pac.len, &info, &d),
                     ADB_ERR_MALFORMED);
    assert_string_equal(d.context, "LOGON_INFO");
    assert_string_equal(d.field, "GroupIds");
    /* the offset is where the bad MaxCount ends, within LOGON_INFO */
    assert_int_equal(d.offset, m.groups_maxcount + 4);
    adb_diag_format(&d, msg, sizeof(msg));
    assert_non_null(strstr(msg, "LOGON_INFO: GroupIds at offset"));
    assert_non_null(strstr(msg, "MaxCount 4 != count 5"));
    tb_free(&logon);
    tb_free(&pac);
}

/* Last byte of buffer data in a PAC (so truncations past it still parse). */
static size_t data_end(const tb *pac)
{
    uint32_t n = (uint32_t)pac->p[0] | (uint32_t)pac->p[1] << 8;
    size_t end = 0, i;

    for (i = 0; i < n; i++) {
        const uint8_t *e = pac->p + 8 + 16 * i;
        size_t size = (size_t)e[4] | (size_t)e[5] << 8 | (size_t)e[6] << 16;
        size_t off = (size_t)e[8] | (size_t)e[9] << 8 | (size_t)e[10] << 16;

        if (off + size > end)
            end = off + size;
    }
    return end;
}

/* Every truncation fails (even one that only drops the last buffer's
 * padding: Samba's decoder refuses that, so we do); every
 * single-bit flip either fails with no result or yields a result whose SID
 * list is consistent with its LOGON_INFO. */
static void mutate(const tb *pac, const char *name)
{
    size_t end = data_end(pac), n, bit, accepted = 0;
    uint8_t *m = malloc(pac->len);
    pac_info *info;

    assert_non_null(m);
    for (n = 0; n < pac->len; n++) {
        info = NULL;
        if (pac_decode_blob(kctx, pac->p, n, &info, NULL) == ADB_OK) {
            fail_msg("%s: truncation to %zu of %zu bytes (data ends at %zu) "
                     "accepted", name, n, pac->len, end);
            pac_info_free(info);
        } else {
            assert_null(info);
        }
    }
    for (bit = 0; bit < pac->len * 8; bit++) {
        memcpy(m, pac->p, pac->len);
        m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        info = NULL;
        if (pac_decode_blob(kctx, m, pac->len, &info, NULL) == ADB_OK) {
            const pac_logon_info *li = info->logon_info;

            accepted++;
            if (li != NULL)
                assert_int_equal(info->sid_count,
                                 2 + li->group_count + li->extra_sid_count +
                                 (li->has_resource_domain_sid ?
                                  li->resource_group_count : 0));
            pac_info_free(info);
        } else {
            assert_null(info);
        }
    }
    /* Flips in names, RIDs and signature bytes are still valid PACs. */
    assert_true(accepted > 0);
    free(m);
}

static void mutations_of_built_pac(void **state)
{
    tb_logon desc = tb_logon_example();
    tb pac = { 0 };

    (void)state;
    build_full(&pac, &desc, 0);
    mutate(&pac, "built");
    tb_free(&pac);
}

/* Real PACs captured from a Samba AD DC (tests/fixtures/README.md). */
static void real_ad_pacs(void **state)
{
    DIR *dir = opendir(ADB_FIXTURE_DIR);
    struct dirent *de;
    size_t count = 0;

    (void)state;
    assert_non_null(dir);
    while ((de = readdir(dir)) != NULL) {
        char path[4096];
        size_t len = strlen(de->d_name);
        tb pac = { 0 };
        pac_info *info = NULL;
        adb_diag d = ADB_DIAG_INIT;
        char msg[256], s[ADB_SID_STR_MAX];
        const pac_logon_info *li;

        if (len < 5 || strcmp(de->d_name + len - 4, ".pac") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", ADB_FIXTURE_DIR, de->d_name);
        assert_true(tb_read_file(&pac, path));
        if (pac_decode_blob(kctx, pac.p, pac.len, &info, &d) != ADB_OK)
            fail_msg("%s: %s", de->d_name, adb_diag_format(&d, msg,
                                                           sizeof(msg)));
        li = info->logon_info;
        assert_non_null(li);
        /* What every AD cross-realm TGT PAC of our test domain holds. */
        assert_string_equal(li->logon_domain, "ADEX");
        assert_string_equal(adb_sid_format(&li->domain_sid, s), DOMSID);
        assert_non_null(info->client_info);
        assert_non_null(info->upn_dns_info);
        assert_non_null(info->requestor);
        assert_true(adb_sid_equal(info->requestor, &info->sids[0].sid));
        assert_non_null(info->server_checksum);
        assert_non_null(info->privsvr_checksum);
        if (info->upn_dns_info->sam_name != NULL)
            assert_string_equal(info->upn_dns_info->sam_name,
                                li->effective_name);
        /* The KDC's path (a krb5_pac from MIT, buffers via get_buffer)
         * and the raw-blob path (buffers read in place) agree. */
        {
            krb5_pac kpac = NULL;
            pac_info *other = NULL;
            size_t k;

            assert_int_equal(krb5_pac_parse(kctx, pac.p, pac.len, &kpac), 0);
            assert_int_equal(pac_decode(kctx, kpac, &other, NULL), ADB_OK);
            assert_int_equal(other->buffer_count, info->buffer_count);
            assert_int_equal(other->sid_count, info->sid_count);
            for (k = 0; k < info->sid_count; k++) {
                assert_true(adb_sid_equal(&other->sids[k].sid,
                                          &info->sids[k].sid));
                assert_int_equal(other->sids[k].attributes,
                                 info->sids[k].attributes);
            }
            assert_string_equal(other->upn_dns_info->upn,
                                info->upn_dns_info->upn);
            pac_info_free(other);
            krb5_pac_free(kctx, kpac);
        }
        pac_info_free(info);
        mutate(&pac, de->d_name);
        tb_free(&pac);
        count++;
    }
    closedir(dir);
    if (count == 0)
        fail_msg("no *.pac fixtures in %s", ADB_FIXTURE_DIR);
}

/* pac_decode_in_place(@kpac, @data, @len) gives exactly pac_decode(@kpac):
 * status, diagnostic and the decoded SIDs, names and buffers. */
static void in_place_as_mit_flags(krb5_pac kpac, const void *data,
                                  size_t len, const char *name,
                                  unsigned int flags)
{
    pac_info *a = NULL, *b = NULL;
    adb_diag da = ADB_DIAG_INIT, db = ADB_DIAG_INIT;
    pac_sid_entry tmp;
    const pac_sid_entry *e;
    bool lazy;
    adb_err ea, eb;
    size_t k;

    ea = pac_decode(kctx, kpac, &a, &da);
    eb = pac_decode_in_place(kctx, kpac, data, len, flags, &b, &db);
    if (ea != eb)
        fail_msg("%s: pac_decode %d, in place %d", name, (int)ea, (int)eb);
    if (ea != ADB_OK) {
        assert_null(a);
        assert_null(b);
        assert_int_equal(da.status, db.status);
        assert_string_equal(da.context, db.context);
        assert_string_equal(da.field != NULL ? da.field : "",
                            db.field != NULL ? db.field : "");
        assert_int_equal(da.offset, db.offset);
        assert_string_equal(da.detail, db.detail);
        return;
    }
    assert_int_equal(a->buffer_count, b->buffer_count);
    for (k = 0; k < a->buffer_count; k++) {
        assert_int_equal(a->buffers[k].type, b->buffers[k].type);
        assert_int_equal(a->buffers[k].size, b->buffers[k].size);
    }
    assert_int_equal(a->sid_count, b->sid_count);
    assert_int_equal(a->logon_domain_sid_count, b->logon_domain_sid_count);
    assert_false(a->lazy_group_sids);
    assert_null(a->lazy_sids);
    /* lazy only when asked and there are GroupIds to leave unmade; then
     * no list with holes is published */
    lazy = (flags & PAC_DECODE_LAZY_GROUPS) != 0 && b->logon_info != NULL &&
           b->logon_info->group_count > 0;
    assert_int_equal(b->lazy_group_sids, lazy);
    if (lazy) {
        assert_null(b->sids);
        assert_null(b->logon_domain_sids);
        assert_non_null(b->lazy_sids);
    }
    for (k = 0; k < a->sid_count; k++) {
        e = pac_sid_at(b, k, &tmp);
        assert_non_null(e);
        /* made entries are the decoder's, unmade ones @tmp */
        assert_int_equal(e == &tmp,
                         lazy && k >= 2 && k < b->logon_domain_sid_count);
        assert_true(adb_sid_equal(&a->sids[k].sid, &e->sid));
        assert_int_equal(a->sids[k].attributes, e->attributes);
        assert_int_equal(a->sids[k].source, e->source);
        assert_int_equal(a->sids[k].index, e->index);
        assert_ptr_equal(pac_sid_at(a, k, &tmp), &a->sids[k]);
    }
    assert_null(pac_sid_at(b, b->sid_count, &tmp));
    assert_int_equal(a->logon_info != NULL, b->logon_info != NULL);
    if (a->logon_info != NULL)
        assert_string_equal(a->logon_info->effective_name,
                            b->logon_info->effective_name);
    assert_int_equal(a->client_info != NULL, b->client_info != NULL);
    if (a->client_info != NULL)
        assert_string_equal(a->client_info->name, b->client_info->name);
    assert_int_equal(a->upn_dns_info != NULL, b->upn_dns_info != NULL);
    if (a->upn_dns_info != NULL && a->upn_dns_info->upn != NULL)
        assert_string_equal(a->upn_dns_info->upn, b->upn_dns_info->upn);
    pac_info_free(a);
    pac_info_free(b);
}

/* ... with both flag values: eager, and the KDC's lazy GroupIds. */
static void in_place_as_mit(krb5_pac kpac, const void *data, size_t len,
                            const char *name)
{
    in_place_as_mit_flags(kpac, data, len, name, 0);
    in_place_as_mit_flags(kpac, data, len, name, PAC_DECODE_LAZY_GROUPS);
}

/* The KDC's path: the ticket's PAC bytes decoded in place give what MIT's
 * buffer copies give, for every fixture, every truncation and every bit
 * flip MIT's parser accepts (an unpadded last buffer included: MIT
 * accepts it, so in place does too), with the bytes of another PAC whose
 * table differs (MIT's copies decide) and without bytes. */
static void in_place_equals_mit_copies(void **state)
{
    DIR *dir = opendir(ADB_FIXTURE_DIR);
    struct dirent *de;
    tb one = { 0 }, other = { 0 };
    tb_buf bufs[1];
    size_t count = 0;

    (void)state;
    assert_non_null(dir);
    /* another PAC: one buffer of a type no fixture has */
    tb_bytes(&one, "sixteen bytes!!!", 16);
    bufs[0] = (tb_buf){ 99, &one };
    tb_pac(&other, bufs, 1);
    while ((de = readdir(dir)) != NULL) {
        char path[4096];
        size_t len = strlen(de->d_name), n, bit;
        tb pac = { 0 };
        krb5_pac kpac = NULL;
        uint8_t *m;

        if (len < 5 || strcmp(de->d_name + len - 4, ".pac") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", ADB_FIXTURE_DIR, de->d_name);
        assert_true(tb_read_file(&pac, path));
        m = malloc(pac.len);
        assert_non_null(m);
        assert_int_equal(krb5_pac_parse(kctx, pac.p, pac.len, &kpac), 0);
        in_place_as_mit(kpac, pac.p, pac.len, de->d_name);
        in_place_as_mit(kpac, NULL, 0, de->d_name);
        in_place_as_mit(kpac, other.p, other.len, de->d_name);
        krb5_pac_free(kctx, kpac);
        for (n = 0; n < pac.len; n++) {
            if (krb5_pac_parse(kctx, pac.p, n, &kpac) != 0)
                continue;
            in_place_as_mit(kpac, pac.p, n, de->d_name);
            krb5_pac_free(kctx, kpac);
        }
        for (bit = 0; bit < pac.len * 8; bit++) {
            memcpy(m, pac.p, pac.len);
            m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            if (krb5_pac_parse(kctx, m, pac.len, &kpac) != 0)
                continue;
            in_place_as_mit(kpac, m, pac.len, de->d_name);
            krb5_pac_free(kctx, kpac);
        }
        free(m);
        tb_free(&pac);
        count++;
    }
    closedir(dir);
    tb_free(&one);
    tb_free(&other);
    if (count == 0)
        fail_msg("no *.pac fixtures in %s", ADB_FIXTURE_DIR);
}

/* An unpadded last buffer: refused from a raw blob (as Samba), accepted by
 * MIT's parser, so decoded in place exactly as through MIT's copies. */
static void in_place_unpadded_as_mit(void **state)
{
    tb ci = { 0 }, pac = { 0 };
    tb_buf bufs[1];
    krb5_pac kpac = NULL;

    (void)state;
    tb_bytes(&ci, "seventeen bytes!!", 17);
    bufs[0] = (tb_buf){ 99, &ci };
    tb_pac(&pac, bufs, 1);
    assert_int_equal(krb5_pac_parse(kctx, pac.p, pac.len - 7, &kpac), 0);
    in_place_as_mit(kpac, pac.p, pac.len - 7, "unpadded");
    krb5_pac_free(kctx, kpac);
    tb_free(&ci);
    tb_free(&pac);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_pac_decodes),
        cmocka_unit_test(sid_expansion_order),
        cmocka_unit_test(pac_without_logon_info),
        cmocka_unit_test(duplicate_buffer_refused),
        cmocka_unit_test(unpadded_last_buffer_refused),
        cmocka_unit_test(container_errors),
        cmocka_unit_test(error_names_buffer_field_offset),
        cmocka_unit_test(mutations_of_built_pac),
        cmocka_unit_test(real_ad_pacs),
        cmocka_unit_test(in_place_equals_mit_copies),
        cmocka_unit_test(in_place_unpadded_as_mit),
    };

    return cmocka_run_group_tests(tests, unit_group_setup, unit_group_teardown);
}
