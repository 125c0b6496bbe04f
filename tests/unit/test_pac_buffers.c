/* SPDX-License-Identifier: MIT */
/* test_pac_buffers.c - CLIENT_INFO, UPN_DNS_INFO, ATTRIBUTES_INFO,
 * REQUESTOR, signatures and DEVICE_INFO. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pac.h"
#include "pac_build.h"

typedef struct fixture {
    adb_arena arena;
    adb_diag diag;
    adb_rd rd;
    tb b;
} fixture;

static int setup(void **state)
{
    static fixture f;

    memset(&f, 0, sizeof(f));
    adb_arena_init(&f.arena, 0);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    adb_arena_free(&f->arena);
    tb_free(&f->b);
    return 0;
}

static adb_rd *view(fixture *f)
{
    f->diag = (adb_diag)ADB_DIAG_INIT;
    adb_rd_init(&f->rd, f->b.p, f->b.len, 0, &f->diag);
    return &f->rd;
}

static void client_info(void **state)
{
    fixture *f = *state;
    pac_client_info *ci = NULL;
    int64_t unix_time = 0;

    tb_client_info(&f->b, 133000000000000000ULL, "alice");
    assert_int_equal(pac_decode_client_info(view(f), &f->arena, &ci), ADB_OK);
    assert_string_equal(ci->name, "alice");
    assert_true(ci->client_id == 133000000000000000ULL);
    assert_true(pac_filetime_to_unix(ci->client_id, &unix_time));
    assert_int_equal(unix_time, 1655526400);

    /* odd name length */
    tb_put_u16(&f->b, 8, 9);
    ci = NULL;
    assert_int_equal(pac_decode_client_info(view(f), &f->arena, &ci),
                     ADB_ERR_MALFORMED);
    assert_null(ci);
    assert_string_equal(f->diag.field, "NameLength");
    /* name longer than the buffer */
    tb_put_u16(&f->b, 8, 12);
    assert_int_equal(pac_decode_client_info(view(f), &f->arena, &ci),
                     ADB_ERR_TRUNCATED);
    assert_string_equal(f->diag.field, "Name");
    /* trailing bytes */
    tb_put_u16(&f->b, 8, 8);
    assert_int_equal(pac_decode_client_info(view(f), &f->arena, &ci),
                     ADB_ERR_MALFORMED);
    assert_string_equal(f->diag.field, "CLIENT_INFO");
    assert_int_equal(f->diag.offset, 18);
}

static void upn_dns_info_forms(void **state)
{
    fixture *f = *state;
    pac_upn_dns_info *u = NULL;
    char sid[ADB_SID_STR_MAX];

    tb_upn_dns_info(&f->b, "alice@ad.example.com", "AD.EXAMPLE.COM", 0,
                    NULL, NULL);
    assert_int_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                     ADB_OK);
    assert_string_equal(u->upn, "alice@ad.example.com");
    assert_string_equal(u->dns_domain, "AD.EXAMPLE.COM");
    assert_null(u->sam_name);
    assert_false(u->has_sid);
    tb_free(&f->b);

    tb_upn_dns_info(&f->b, "alice@ad.example.com", "AD.EXAMPLE.COM",
                    PAC_UPN_FLAG_EXTENDED | PAC_UPN_FLAG_CONSTRUCTED,
                    "alice", "S-1-5-21-1-2-3-1103");
    u = NULL;
    assert_int_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                     ADB_OK);
    assert_int_equal(u->flags, 3);
    assert_string_equal(u->sam_name, "alice");
    assert_true(u->has_sid);
    assert_string_equal(adb_sid_format(&u->sid, sid), "S-1-5-21-1-2-3-1103");
}

/* Empty parts: "" at offset 0 (as Samba reads them); any other offset must
 * be inside the buffer (regression from differential fuzzing: Samba refuses
 * an empty name at an out-of-range offset). */
static void upn_dns_info_empty_parts(void **state)
{
    fixture *f = *state;
    pac_upn_dns_info *u = NULL;

    tb_upn_dns_info(&f->b, "alice@ad.example.com", "AD.EXAMPLE.COM", 0,
                    NULL, NULL);
    tb_put_u16(&f->b, 0, 0);   /* UpnLength 0, UpnOffset 0 */
    tb_put_u16(&f->b, 2, 0);
    assert_int_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                     ADB_OK);
    assert_string_equal(u->upn, "");
    assert_string_equal(u->dns_domain, "AD.EXAMPLE.COM");
    tb_put_u16(&f->b, 2, 16);  /* empty, at a valid offset: "" */
    assert_int_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                     ADB_OK);
    assert_string_equal(u->upn, "");
    tb_put_u16(&f->b, 2, 1335);
    u = NULL;
    assert_int_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                     ADB_ERR_TRUNCATED);
    assert_null(u);
    assert_string_equal(f->diag.field, "Upn");
    tb_put_u16(&f->b, 2, 7);
    assert_int_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                     ADB_ERR_MALFORMED);
}

static void upn_dns_info_malformed(void **state)
{
    fixture *f = *state;
    pac_upn_dns_info *u = NULL;
    size_t n, len;

    tb_upn_dns_info(&f->b, "alice@ad.example.com", "AD.EXAMPLE.COM",
                    PAC_UPN_FLAG_EXTENDED, "alice", "S-1-5-21-1-2-3-1103");
    len = f->b.len;
    /* UPN offset inside the header */
    tb_put_u16(&f->b, 2, 4);
    assert_int_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                     ADB_ERR_MALFORMED);
    assert_string_equal(f->diag.field, "Upn");
    tb_put_u16(&f->b, 2, 24);
    /* DNS name beyond the end */
    tb_put_u16(&f->b, 6, 0xFFF0);
    assert_int_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                     ADB_ERR_TRUNCATED);
    assert_string_equal(f->diag.field, "DnsDomainName");
    tb_put_u16(&f->b, 6, 64);
    /* odd SamName length */
    tb_put_u16(&f->b, 12, 3);
    assert_int_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                     ADB_ERR_MALFORMED);
    assert_string_equal(f->diag.field, "SamName");
    tb_put_u16(&f->b, 12, 10);
    /* SID length one short / one long */
    tb_put_u16(&f->b, 16, 27);
    assert_int_not_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                         ADB_OK);
    assert_string_equal(f->diag.field, "Sid");
    tb_put_u16(&f->b, 16, 28);
    tb_u8(&f->b, 0);
    tb_put_u16(&f->b, 16, 29);
    assert_int_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                     ADB_ERR_MALFORMED);
    assert_string_equal(f->diag.field, "Sid");
    f->b.len = len;
    tb_put_u16(&f->b, 16, 28);
    assert_null(u);
    /* every truncation of the header or a part fails */
    for (n = 0; n < len; n++) {
        f->b.len = n;
        assert_int_not_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u),
                             ADB_OK);
    }
    f->b.len = len;
    assert_int_equal(pac_decode_upn_dns_info(view(f), &f->arena, &u), ADB_OK);
}

static void attributes_info(void **state)
{
    fixture *f = *state;
    pac_attributes_info *a = NULL;

    tb_u32(&f->b, 2);
    tb_u32(&f->b, 1);
    assert_int_equal(pac_decode_attributes_info(view(f), &f->arena, &a),
                     ADB_OK);
    assert_int_equal(a->flags_length, 2);
    assert_int_equal(a->flags, 1);
    /* 33 bits need two words */
    tb_put_u32(&f->b, 0, 33);
    a = NULL;
    assert_int_equal(pac_decode_attributes_info(view(f), &f->arena, &a),
                     ADB_ERR_TRUNCATED);
    assert_null(a);
    tb_u32(&f->b, 0);
    assert_int_equal(pac_decode_attributes_info(view(f), &f->arena, &a),
                     ADB_OK);
    /* a huge bit count must not overflow */
    tb_put_u32(&f->b, 0, 0xFFFFFFFF);
    assert_int_equal(pac_decode_attributes_info(view(f), &f->arena, &a),
                     ADB_ERR_TRUNCATED);
    /* trailing word */
    tb_put_u32(&f->b, 0, 2);
    assert_int_equal(pac_decode_attributes_info(view(f), &f->arena, &a),
                     ADB_ERR_MALFORMED);
}

static void requestor(void **state)
{
    fixture *f = *state;
    adb_sid *sid = NULL;
    char s[ADB_SID_STR_MAX];

    tb_sid(&f->b, "S-1-5-21-2140317089-1002772777-95442619-1101");
    assert_int_equal(pac_decode_requestor(view(f), &f->arena, &sid), ADB_OK);
    assert_string_equal(adb_sid_format(sid, s),
                        "S-1-5-21-2140317089-1002772777-95442619-1101");
    tb_u8(&f->b, 0);
    sid = NULL;
    assert_int_equal(pac_decode_requestor(view(f), &f->arena, &sid),
                     ADB_ERR_MALFORMED);
    assert_null(sid);
    assert_string_equal(f->diag.field, "REQUESTOR");
}

static void signatures(void **state)
{
    fixture *f = *state;
    pac_signature *s = NULL;

    tb_signature(&f->b, 16, 12, -1);
    assert_int_equal(pac_decode_signature(view(f), 6, &f->arena, &s), ADB_OK);
    assert_int_equal(s->signature_type, 16);
    assert_int_equal(s->signature_length, 12);
    assert_int_equal(s->signature[11], 0xA0 + 11);
    assert_false(s->has_rodc_id);
    tb_free(&f->b);

    tb_signature(&f->b, -138, 16, 46673);
    assert_int_equal(pac_decode_signature(view(f), 7, &f->arena, &s), ADB_OK);
    assert_int_equal(s->signature_type, -138);
    assert_int_equal(s->buffer_type, 7);
    assert_true(s->has_rodc_id);
    assert_int_equal(s->rodc_id, 46673);
    tb_free(&f->b);

    tb_signature(&f->b, 15, 12, -1);
    tb_u8(&f->b, 0);   /* one stray byte: neither RODC id nor nothing */
    s = NULL;
    assert_int_equal(pac_decode_signature(view(f), 6, &f->arena, &s),
                     ADB_ERR_MALFORMED);
    assert_null(s);
    tb_free(&f->b);

    tb_signature(&f->b, 1234, 12, -1);
    assert_int_equal(pac_decode_signature(view(f), 6, &f->arena, &s),
                     ADB_ERR_MALFORMED);
    assert_string_equal(f->diag.field, "SignatureType");
    assert_int_equal(f->diag.offset, 0);
    tb_free(&f->b);

    tb_signature(&f->b, 16, 11, -1);
    assert_int_equal(pac_decode_signature(view(f), 6, &f->arena, &s),
                     ADB_ERR_TRUNCATED);
}

/* DEVICE_INFO written by hand: user 1601 / pg 515 in S-1-5-21-1-2-3,
 * 1 account group, 1 extra SID, 2 domain groups. */
static void write_device(tb *b)
{
    size_t base;

    tb_u8(b, 1);
    tb_u8(b, 0x10);
    tb_u16(b, 8);
    tb_u32(b, 0xCCCCCCCC);
    tb_u32(b, 0);   /* patched */
    tb_u32(b, 0);
    base = b->len;
    tb_u32(b, 0x20000);        /* top pointer */
    tb_u32(b, 1601);
    tb_u32(b, 515);
    tb_u32(b, 0x20004);        /* AccountDomainId */
    tb_u32(b, 1);
    tb_u32(b, 0x20008);        /* AccountGroupIds */
    tb_u32(b, 1);
    tb_u32(b, 0x2000c);        /* ExtraSids */
    tb_u32(b, 2);
    tb_u32(b, 0x20010);        /* DomainGroup */
    tb_u32(b, 4);              /* AccountDomainId body */
    tb_sid(b, "S-1-5-21-1-2-3");
    tb_u32(b, 1);              /* AccountGroupIds */
    tb_u32(b, 1700);
    tb_u32(b, 7);
    tb_u32(b, 1);              /* ExtraSids array */
    tb_u32(b, 0x20014);
    tb_u32(b, 7);
    tb_u32(b, 1);
    tb_sid(b, "S-1-18-1");
    tb_u32(b, 2);              /* DomainGroup array */
    tb_u32(b, 0x20018);
    tb_u32(b, 1);
    tb_u32(b, 0x2001c);
    tb_u32(b, 0x20020);
    tb_u32(b, 2);
    tb_u32(b, 0x20024);
    tb_u32(b, 4);              /* [0].DomainId */
    tb_sid(b, "S-1-5-21-4-5-6");
    tb_u32(b, 1);              /* [0].GroupIds */
    tb_u32(b, 900);
    tb_u32(b, 0x20000007);
    tb_u32(b, 4);              /* [1].DomainId */
    tb_sid(b, "S-1-5-21-7-8-9");
    tb_u32(b, 2);              /* [1].GroupIds */
    tb_u32(b, 901);
    tb_u32(b, 7);
    tb_u32(b, 902);
    tb_u32(b, 7);
    while ((b->len - base) % 8)
        tb_u8(b, 0);
    tb_put_u32(b, 8, (uint32_t)(b->len - base));
}

static void device_info(void **state)
{
    fixture *f = *state;
    pac_device_info *d = NULL;
    char s[ADB_SID_STR_MAX];
    size_t n, len;

    write_device(&f->b);
    assert_int_equal(pac_decode_device_info(view(f), &f->arena, &d), ADB_OK);
    assert_int_equal(d->user_rid, 1601);
    assert_int_equal(d->primary_group_rid, 515);
    assert_string_equal(adb_sid_format(&d->account_domain_sid, s),
                        "S-1-5-21-1-2-3");
    assert_int_equal(d->account_group_count, 1);
    assert_int_equal(d->account_groups[0].rid, 1700);
    assert_int_equal(d->extra_sid_count, 1);
    assert_string_equal(adb_sid_format(&d->extra_sids[0].sid, s), "S-1-18-1");
    assert_int_equal(d->domain_group_count, 2);
    assert_string_equal(adb_sid_format(&d->domain_groups[1].domain_sid, s),
                        "S-1-5-21-7-8-9");
    assert_int_equal(d->domain_groups[1].group_count, 2);
    assert_int_equal(d->domain_groups[1].groups[1].rid, 902);
    assert_int_equal(d->domain_groups[0].groups[0].attributes, 0x20000007);

    len = f->b.len;
    for (n = 0; n < len; n++) {
        f->b.len = n;
        d = NULL;
        assert_int_not_equal(pac_decode_device_info(view(f), &f->arena, &d),
                             ADB_OK);
        assert_null(d);
    }
    f->b.len = len;
    /* a NULL domain SID inside DomainGroup[1] */
    tb_put_u32(&f->b, 16 + 124, 0);
    assert_int_equal(pac_decode_device_info(view(f), &f->arena, &d),
                     ADB_ERR_MALFORMED);
    assert_string_equal(f->diag.field, "DomainGroup.DomainId");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(client_info, setup, teardown),
        cmocka_unit_test_setup_teardown(upn_dns_info_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(upn_dns_info_empty_parts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(upn_dns_info_malformed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(attributes_info, setup, teardown),
        cmocka_unit_test_setup_teardown(requestor, setup, teardown),
        cmocka_unit_test_setup_teardown(signatures, setup, teardown),
        cmocka_unit_test_setup_teardown(device_info, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
