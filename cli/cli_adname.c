/* SPDX-License-Identifier: MIT */
/* cli_adname.c - the pure rules of mapping AD names (cli_adname.h). */
#include "cli_adname.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

bool cli_adn_domain_ok(const conf_trust *t, const adl_name *name, char *why,
                       size_t size)
{
    const char *want = NULL;

    switch (name->form) {
    case ADL_NAME_BARE:
        return true;
    case ADL_NAME_NETBIOS:
        want = t->netbios_name;
        break;
    case ADL_NAME_DNS:
        want = t->realm;
        break;
    }
    if (want != NULL && strcasecmp(want, name->domain) == 0)
        return true;
    if (why != NULL && size > 0)
        snprintf(why, size, "\"%s\" is of domain %s, which is outside the"
                 " trusted domain %s (%s): only names of %s can be mapped"
                 " in this trust", name->account, name->domain, t->realm,
                 t->netbios_name != NULL ? t->netbios_name : "?", t->realm);
    return false;
}

adb_err cli_adn_judge(const conf_trust *t, const adl_object *obj,
                      cli_adn_kind *kind_out, const char **code_out,
                      char *why, size_t size)
{
    char sbuf[ADB_SID_STR_MAX], dbuf[ADB_SID_STR_MAX];
    const char *code = NULL;
    adb_err ret = ADB_OK;

    why[0] = '\0';
    if (!adb_sid_in_domain(&obj->sid, &t->domain_sid, NULL)) {
        code = "outside-domain";
        snprintf(why, size, "%s has SID %s, which is outside the trusted"
                 " domain %s (%s): its users' tickets never carry it",
                 obj->sam_name, adb_sid_format(&obj->sid, sbuf), t->realm,
                 adb_sid_format(&t->domain_sid, dbuf));
        ret = ADB_ERR_MALFORMED;
        goto done;
    }
    switch (obj->object_class) {
    case ADL_CLASS_USER:
    case ADL_CLASS_COMPUTER:
        *kind_out = CLI_ADN_USER;
        goto done;
    case ADL_CLASS_GROUP:
        break;
    default:
        code = "not-principal";
        snprintf(why, size, "%s is not a user, computer or group", obj->dn);
        ret = ADB_ERR_MALFORMED;
        goto done;
    }
    if (!obj->has_group_type) {
        code = "not-principal";
        snprintf(why, size, "group %s has no groupType", obj->sam_name);
        ret = ADB_ERR_MALFORMED;
        goto done;
    }
    if (!obj->group.security) {
        code = "distribution-group";
        snprintf(why, size, "%s is a distribution group: AD puts only"
                 " security groups into tickets, so this mapping could"
                 " never match; make it a security group or map one",
                 obj->sam_name);
        ret = ADB_ERR_INVALID;
        goto done;
    }
    if (obj->group.scope == ADL_SCOPE_DOMAIN_LOCAL ||
        obj->group.scope == ADL_SCOPE_BUILTIN_LOCAL) {
        code = "domain-local-group";
        snprintf(why, size, "%s is a %s group: AD leaves domain-local groups"
                 " out of the tickets it issues for another realm (MS-KILE"
                 " 3.3.5.7.3), so this mapping could never match; map a"
                 " global or universal group instead (e.g. one that is a"
                 " member of %s)", obj->sam_name,
                 adl_group_scope_name(obj->group.scope), obj->sam_name);
        ret = ADB_ERR_INVALID;
        goto done;
    }
    *kind_out = CLI_ADN_GROUP;

done:
    if (code_out != NULL)
        *code_out = code;
    return ret;
}

bool cli_adn_comment_name(const conf_trust *t, const char *comment,
                          char out[CLI_ADN_COMMENT_MAX])
{
    size_t nb, n;
    const char *acc, *end;

    if (t->netbios_name == NULL || comment == NULL)
        return false;
    nb = strlen(t->netbios_name);
    if (strncasecmp(comment, t->netbios_name, nb) != 0 || comment[nb] != '\\')
        return false;
    acc = comment + nb + 1;
    end = strchr(acc, ':');
    n = end != NULL ? (size_t)(end - acc) : strlen(acc);
    if (n == 0 || n >= CLI_ADN_COMMENT_MAX)
        return false;
    memcpy(out, acc, n);
    out[n] = '\0';
    return true;
}
