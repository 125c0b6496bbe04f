/* SPDX-License-Identifier: MIT */
/*
 * fuzz_adl.c - libFuzzer harness for the decoders of ldap/ (adl_*): every
 * input goes through each of them as the value an AD reply could carry:
 * objectSid bytes, a GeneralizedTime (currentTime), an LDAP INTEGER
 * (groupType, then classified), an account name in the CLI's forms, and
 * the RFC 4515 escaper.  On success the invariants callers rely on are
 * checked; a violation aborts, which libFuzzer reports as a crash.
 *
 * fuzz_mapping decodes an object as `map add NAME` and `map list --check`
 * see it: "CLASS GROUPTYPE\n" then objectSid bytes, through the same
 * decoders, judged by cli_adn_judge (cli/cli_adname.c) against a fixed
 * trust; and the comment name `map list --check` reads back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adl.h"
#include "cli_adname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void fuzz_sid(const uint8_t *data, size_t size)
{
    adb_diag d = ADB_DIAG_INIT;
    adb_sid sid;
    char fv[ADL_SID_FILTER_MAX], txt[ADB_SID_STR_MAX];
    size_t i;

    if (adl_sid_decode(data, size, &sid, &d) != ADB_OK) {
        CHECK(d.status != ADB_OK && d.field != NULL);
        return;
    }
    CHECK(sid.revision == 1 && sid.sub_count <= ADB_SID_MAX_SUBAUTH);
    CHECK(adb_sid_binary_len(&sid) == size);
    adl_sid_filter_value(&sid, fv);
    CHECK(strlen(fv) == 3 * size);
    for (i = 0; i < size; i++) {
        unsigned int b = 0;

        CHECK(fv[3 * i] == '\\' && sscanf(fv + 3 * i + 1, "%2x", &b) == 1);
        CHECK(b == data[i]);
    }
    adb_sid_format(&sid, txt);
    CHECK(strncmp(txt, "S-1-", 4) == 0);
}

static void fuzz_time(const uint8_t *data, size_t size)
{
    adb_diag d = ADB_DIAG_INIT;
    time_t t = 0;

    if (adl_gentime_parse((const char *)data, size, &t, &d) == ADB_OK)
        /* 1970-01-01 -23:59 .. 9999-12-31 23:59:60 +23:59 */
        CHECK(t >= -86400 && t <= 253402300800LL + 86400);
    else
        CHECK(d.status != ADB_OK && d.detail[0] != '\0');
}

static void fuzz_int(const uint8_t *data, size_t size)
{
    adb_diag d = ADB_DIAG_INIT;
    adl_group_kind k;
    int32_t v;
    char buf[16];

    if (adl_int32_parse((const char *)data, size, &v, &d) != ADB_OK)
        return;
    /* canonical form: printing the value gives back the input */
    snprintf(buf, sizeof(buf), "%d", (int)v);
    CHECK(strlen(buf) == size && memcmp(buf, data, size) == 0);
    if (adl_group_type_classify(v, &k, &d) == ADB_OK)
        CHECK(k.scope >= ADL_SCOPE_GLOBAL && k.scope <= ADL_SCOPE_BUILTIN_LOCAL &&
              k.security == (((uint32_t)v & ADL_GT_SECURITY) != 0));
}

static void fuzz_names(const uint8_t *data, size_t size)
{
    adb_diag d = ADB_DIAG_INIT, d2 = ADB_DIAG_INIT;
    char *text, *esc;
    size_t need = 0, i, o;
    adl_name *n;

    if (size > 4096)
        return;
    text = malloc(size + 1);
    esc = malloc(3 * size + 1);
    n = malloc(sizeof(*n));
    if (text == NULL || esc == NULL || n == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    if (adl_name_parse(text, ADL_ACCOUNT_ANY, n, &d) == ADB_OK) {
        CHECK(adl_sam_validate(n->account, ADL_ACCOUNT_ANY, &d2) == ADB_OK);
        CHECK(strstr(text, n->account) != NULL);
        CHECK(strstr(text, n->domain) != NULL);
        CHECK((n->form == ADL_NAME_BARE) == (n->domain[0] == '\0'));
    }
    /* the escaper over the raw bytes (embedded NULs included) */
    CHECK(adl_filter_escape((const char *)data, size, esc, 3 * size + 1,
                            &need) == ADB_OK);
    CHECK(need == strlen(esc) + 1 && need <= 3 * size + 1);
    for (i = o = 0; esc[o] != '\0'; i++) {
        if (esc[o] == '\\') {
            unsigned int b = 0;

            CHECK(sscanf(esc + o + 1, "%2x", &b) == 1 && b == data[i]);
            o += 3;
        } else {
            CHECK(strchr("()*", esc[o]) == NULL && esc[o] == (char)data[i]);
            o++;
        }
    }
    CHECK(i == size);
    free(n);
    free(esc);
    free(text);
}

static void fuzz_mapping(const uint8_t *data, size_t size)
{
    static adb_sid dom;
    conf_trust t;
    adl_object o;
    adb_diag d = ADB_DIAG_INIT, d2 = ADB_DIAG_INIT;
    const uint8_t *nl;
    cli_adn_kind kind = 0;
    const char *code = NULL;
    char why[512], name[CLI_ADN_COMMENT_MAX], *text;
    int32_t gt = 0;
    adb_err r;

    if (dom.revision == 0)
        CHECK(adb_sid_parse("S-1-5-21-3623811015-3361044348-30300820",
                            &dom) == ADB_OK);
    memset(&t, 0, sizeof(t));
    t.realm = "AD.EXAMPLE.COM";
    t.netbios_name = "ADEX";
    t.domain_sid = dom;
    memset(&o, 0, sizeof(o));
    o.sam_name = "x";
    o.dn = "CN=x";
    nl = size > 1 ? memchr(data + 1, '\n', size - 1) : NULL;
    if (nl != NULL) {
        o.object_class = (adl_object_class)(data[0] % 4);
        if (adl_int32_parse((const char *)data + 1,
                            (size_t)(nl - data) - 1, &gt, &d) == ADB_OK &&
            adl_group_type_classify(gt, &o.group, &d2) == ADB_OK) {
            o.has_group_type = true;
            o.group_type = gt;
        }
        d = (adb_diag)ADB_DIAG_INIT;
        if (adl_sid_decode(nl + 1, size - (size_t)(nl - data) - 1, &o.sid,
                           &d) == ADB_OK) {
            r = cli_adn_judge(&t, &o, &kind, &code, why, sizeof(why));
            if (r == ADB_OK) {
                CHECK(code == NULL && adb_sid_in_domain(&o.sid, &dom, NULL));
                CHECK(kind == CLI_ADN_USER || kind == CLI_ADN_GROUP);
                if (kind == CLI_ADN_GROUP)
                    CHECK(o.object_class == ADL_CLASS_GROUP &&
                          o.has_group_type && o.group.security &&
                          (o.group.scope == ADL_SCOPE_GLOBAL ||
                           o.group.scope == ADL_SCOPE_UNIVERSAL));
                else
                    CHECK(o.object_class == ADL_CLASS_USER ||
                          o.object_class == ADL_CLASS_COMPUTER);
            } else {
                CHECK(code != NULL && why[0] != '\0');
            }
        }
    }
    text = malloc(size + 1);
    CHECK(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    if (cli_adn_comment_name(&t, text, name))
        CHECK(name[0] != '\0' && strchr(name, ':') == NULL &&
              strlen(name) < CLI_ADN_COMMENT_MAX);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_mapping(data, size);
    fuzz_sid(data, size);
    fuzz_time(data, size);
    fuzz_int(data, size);
    fuzz_names(data, size);
    return 0;
}
