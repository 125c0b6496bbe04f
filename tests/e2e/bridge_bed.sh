#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/bridge_bed.sh up DIR MODULE_DIR | down DIR   (MODULE_DIR "": installed)
# The ctest fixture adbed_bridge: a test bed (tests/testbed) whose MIT KDC
# database goes through the adbridge KDB module (db_library = adbridge,
# adbridge_backend = db2) with DIR/adbridge.conf as its configuration.
#
# testbed.sh up ends by getting a service ticket for every demo user, carol
# (no mapped group) included, so the bed comes up with refuse_without_rights
# = false; once it is up, the test configuration (mapping rid:1103 admin,
# rid:1104 viewer, refusing users without rights) replaces it.
#
# "up" and "conf" return only once the KDC is sure to use the new file for
# its next request: adbridge looks at the file at most once a second (at the
# first request of each second of time()), so a file written in the same
# second as a look would otherwise go unnoticed until the next second - and
# the demo's three requests can all fall into that second.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
cmd=$1 dir=$2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)

# write_conf FILE REFUSE_WITHOUT_RIGHTS (ADB_AUDIT=off: no audit_log;
# ADB_LOG_DECISIONS: log_decisions, default all (the tests read the ALLOW
# lines); empty: unset, the product's default, as kdc_bench.sh runs it)
write_conf() {
  local audit="audit_log = $dir/audit.jsonl" logd="# log_decisions unset"
  [ "${ADB_AUDIT:-on}" != off ] || audit="# no audit_log"
  [ -z "${ADB_LOG_DECISIONS-all}" ] || logd="log_decisions = ${ADB_LOG_DECISIONS-all}"
  cat >"$1.tmp" <<CONF
[adbridge]
    local_realm = LOCAL.EXAMPLE
    local_domain_sid = S-1-5-21-1111111111-2222222222-3333333333
    $audit
    $logd
[trusts]
    AD.EXAMPLE.COM = {
        netbios_name = ADEX
        domain_sid = S-1-5-21-3623811015-3361044348-30300820
        refuse_without_rights = $2
        map = rid:1103 admin
        map = rid:1104 viewer
    }
CONF
  mv -f "$1.tmp" "$1"
  # the next request comes in a later second than any look before the write
  sleep 1.1
}

case $cmd in
  up)
    # MODULE_DIR "": the installed module, found by krb5 itself (no
    # db_module_dir; tests/pkg/test_package.sh)
    moddir=$3
    if [ -n "$moddir" ]; then
      [ -f "$moddir/adbridge.so" ] || fail "no adbridge.so in $moddir"
    else
      sysdir=$(pkg-config --variable=libdir krb5)/krb5/plugins/kdb
      [ -f "$sysdir/adbridge.so" ] || fail "no installed adbridge.so in $sysdir"
    fi
    rm -f "$dir/audit.jsonl"
    write_conf "$dir/adbridge.conf" false
    ADB_KDB_LIBRARY=adbridge ADB_KDB_MODULE_DIR="$moddir" \
    ADB_KDC_EXTRA="adbridge_backend = db2
adbridge_config = $dir/adbridge.conf" \
      "$TESTBED" up "$dir"
    write_conf "$dir/adbridge.conf" true
    ;;
  down)
    exec "$TESTBED" down "$dir"
    ;;
  conf)  # conf DIR true|false: rewrite the test configuration
    write_conf "$dir/adbridge.conf" "$3"
    ;;
  *) echo "usage: $0 up DIR MODULE_DIR | down DIR | conf DIR true|false" >&2; exit 2 ;;
esac
