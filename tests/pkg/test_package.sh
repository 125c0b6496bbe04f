#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/pkg/test_package.sh BUILD_DIR [OUT_DIR]
# The Debian packages (adbridge, libadbridge-client0, libadbridge-client-dev),
# as an administrator gets them: build them
# (scripts/build-deb.sh into OUT_DIR, default BUILD_DIR/../deb), lintian
# (no error, no warning), dpkg -i, the installed files (command, KDB module
# next to db2.so, man pages, drop-in, logrotate, /var/log/adbridge 0700
# root:root, the dependency on the KDB ABI), the man pages against the
# installed command; then a test bed whose krb5kdc loads the installed
# module with db_library = adbridge and no db_module_dir, every e2e test of
# BUILD_DIR's ctest fixture adbed_bridge against it with the installed
# /usr/sbin/adbridge (tests/pkg/installed_e2e.py; BUILD_DIR provides only
# test tools: gss_probe, kreq), pac show and explain on its PACs, an audit
# log in /var/log/adbridge through a logrotate run, samples/device compiled
# and linked through the installed adbridge-client.pc and run against the
# bed; finally, always (trap), dpkg -r (the program files gone,
# the logs and the conffile kept), then dpkg --purge and a check that no
# file or directory of the package is left and /etc/adbridge.conf was
# neither created nor removed.
#
# Needs root and a machine without the adbridge package installed; like the
# e2e tests it skips (77) outside CI and fails under CI=true when it cannot
# run.  It installs a package system-wide for a few minutes: the locate
# plugin it ships answers only for the realms of /etc/adbridge.conf (or
# $ADBRIDGE_CONFIG), which this test never writes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/lib.sh"
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [OUT_DIR]" >&2; exit 2; }
build=$(cd "$1" && pwd)
out=${2:-$build/../deb}
e2e_require
for c in dpkg-buildpackage dh lintian man pkg-config; do
  command -v "$c" >/dev/null 2>&1 ||
    e2e_cannot_run "missing $c (run scripts/install-deps.sh)"
done
probe=$build/tests/gss_probe
for t in "$probe" "$build/tests/kreq"; do
  [ -x "$t" ] || e2e_cannot_run "no $t (build $build first)"
done
PKGS="adbridge libadbridge-client0 libadbridge-client-dev"
for p in $PKGS; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case $status in
    ''|*' not-installed') ;;
    *) e2e_cannot_run "the $p package is on this machine already ($status; the test purges what it installs)" ;;
  esac
done

krb5_libdir=$(pkg-config --variable=libdir krb5)
kdb_dir=$krb5_libdir/krb5/plugins/kdb
bed=$build/testbed-pkg
work=$(mktemp -d)
installed=0
etc_conf_before=absent
[ -e /etc/adbridge.conf ] && etc_conf_before=present

# ------------------------------------------------------------ cleanup --
# check_gone WHEN KEEP: every file, and every directory the package created,
# is gone, except the paths listed in file KEEP
check_gone() {
  local p bad=0
  while IFS= read -r p; do
    [ -n "$p" ] || continue
    if [ -e "$p" ] || [ -L "$p" ]; then
      echo "FAIL: left after $1: $p" >&2; bad=1
    fi
  done < <(grep -vxF -f "$work/dirs.before" "$work/dpkg-L" | grep -vxF -f "$2")
  return $bad
}
check_purged() {
  local bad=0
  check_gone purge /dev/null || bad=1
  if [ -e /var/log/adbridge ]; then echo "FAIL: /var/log/adbridge left after purge" >&2; bad=1; fi
  if [ -e /run/adbridge ]; then echo "FAIL: /run/adbridge left after purge" >&2; bad=1; fi
  for p in $PKGS; do
    if dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qv ' not-installed$'; then
      echo "FAIL: dpkg still knows $p: $(dpkg-query -W -f='${Status}' "$p")" >&2; bad=1
    fi
  done
  return $bad
}
cleanup() {
  local rc=$? etc_after=absent
  set +e
  [ -f "$bed/env" ] && "$E2E_HOME/bridge_bed.sh" down "$bed" >/dev/null 2>&1
  if [ "$installed" = 1 ] && [ -s "$work/dpkg-L" ]; then
    # dpkg -r: the program files go; the conffile (the logrotate snippet and
    # its directory) and the logs stay until the purge
    echo "== dpkg -r $PKGS"
    dpkg-query -W -f='${Conffiles}\n' $PKGS | awk 'NF {print $1}' >"$work/conffiles"
    { cat "$work/conffiles"; echo /etc/logrotate.d; } >"$work/keep"
    if dpkg -r $PKGS >"$work/remove.log" 2>&1; then
      if check_gone remove "$work/keep"; then
        echo "  removed; kept: $(tr '\n' ' ' <"$work/conffiles")/var/log/adbridge"
      else
        rc=1
      fi
      [ -d /var/log/adbridge ] || { echo "FAIL: dpkg -r removed the logs" >&2; rc=1; }
    else
      cat "$work/remove.log"; echo "FAIL: dpkg -r $PKGS" >&2; rc=1
    fi
  fi
  if [ "$installed" = 1 ]; then
    echo "== dpkg --purge $PKGS"
    dpkg --purge $PKGS >"$work/purge.log" 2>&1 ||
      { cat "$work/purge.log"; echo "FAIL: dpkg --purge $PKGS" >&2; rc=1; }
    if [ -s "$work/dpkg-L" ] && check_purged; then
      echo "  nothing of the package is left"
    else
      rc=1
    fi
  fi
  [ -e /etc/adbridge.conf ] && etc_after=present
  if [ "$etc_after" != "$etc_conf_before" ]; then
    echo "FAIL: /etc/adbridge.conf was $etc_conf_before before the test, $etc_after after" >&2
    rc=1
  fi
  rm -rf "$work"
  [ $rc = 0 ] && echo "PASS: Debian packages"
  exit $rc
}
trap cleanup EXIT

# -------------------------------------------------------------- build --
echo "== build the package (scripts/build-deb.sh $out)"
"$TOP/scripts/build-deb.sh" "$out" >"$work/debs"
deb=$(tail -n 1 "$work/debs")
libdeb=$(grep '/libadbridge-client0_[^/]*\.deb$' "$work/debs" || true)
devdeb=$(grep '/libadbridge-client-dev_[^/]*\.deb$' "$work/debs" || true)
for f in "$deb" "$libdeb" "$devdeb"; do
  [ -n "$f" ] && [ -f "$f" ] || fail "not every package built: $(tr '\n' ' ' <"$work/debs")"
done
changes=$(ls "$out"/adbridge_*.changes)
echo "  $deb"
echo "  $libdeb"
echo "  $devdeb"

echo "== lintian"
lrc=0
lintian --fail-on error,warning --info "$changes" >"$work/lintian" 2>&1 || lrc=$?
grep -v '^running with root privileges' "$work/lintian" | sed 's/^/  /' || true
[ $lrc = 0 ] || fail "lintian reports errors or warnings (above)"
echo "  lintian: no errors, no warnings"

echo "== package metadata"
depends=$(dpkg-deb -f "$deb" Depends)
echo "  Depends: $depends"
grep -q 'krb5-kdc' <<<"$depends" || fail "no dependency on krb5-kdc"
grep -Eq 'libkdb5-10 \(<< [0-9]+\.[0-9]+~\)' <<<"$depends" ||
  fail "no upper bound on libkdb5-10 (the KDB ABI the module was built against)"
grep -Eq 'libkdb5-10 \(>= [0-9.]+\)' <<<"$depends" || fail "no lower bound on libkdb5-10"
# (a symbolic link's line ends "-> TARGET")
for d in "$deb" "$libdeb" "$devdeb"; do dpkg-deb -c "$d"; done | sed 's/ -> .*//' | awk '{print $NF}' |
  sed -e 's|^\./|/|' -e 's|/$||' | grep -v '^/$' | sort -u >"$work/contents"
# the client library (Debian policy 8: the runtime package named after the
# soname holds only the versioned library; -dev the link, header and .pc)
libdir=$krb5_libdir
case $libdir in */mit-krb5) libdir=${libdir%/mit-krb5} ;; esac
dpkg-deb -x "$libdeb" "$work/libx"
soname=$(objdump -p "$work/libx$libdir/libadbridge-client.so.0" 2>/dev/null | awk '$1 == "SONAME" {print $2}')
[ "$soname" = libadbridge-client.so.0 ] || fail "the library's soname is '$soname'"
dpkg-deb -c "$libdeb" | sed 's/ -> .*//' | awk '{print $NF}' | sed 's|^\./|/|' | grep -v '/$' >"$work/lib.contents"
grep -qxF "$libdir/libadbridge-client.so.0" "$work/lib.contents" ||
  fail "libadbridge-client0 lacks $libdir/libadbridge-client.so.0"
! grep -q '\.so$\|/include/\|\.pc$' "$work/lib.contents" || fail "libadbridge-client0 holds development files"
for f in /usr/include/adbridge/adbc.h "$libdir/libadbridge-client.so" \
         "$libdir/pkgconfig/adbridge-client.pc"; do
  dpkg-deb -c "$devdeb" | sed 's/ -> .*//' | awk '{print $NF}' | sed 's|^\./|/|' | grep -qxF "$f" ||
    fail "libadbridge-client-dev lacks $f"
done
grep -q 'libadbridge-client0 (= ' <<<"$(dpkg-deb -f "$devdeb" Depends)" ||
  fail "libadbridge-client-dev does not depend on the same libadbridge-client0"
grep -q 'libadbridge-client0' <<<"$depends" || fail "adbridge does not depend on libadbridge-client0"
dpkg-deb -I "$libdeb" shlibs | grep -q '^libadbridge-client 0 libadbridge-client0' ||
  fail "libadbridge-client0 has no shlibs entry"
echo "  libadbridge-client0: $soname; -dev: header, .so link, adbridge-client.pc"
for f in /usr/sbin/adbridge "$kdb_dir/adbridge.so" \
         /usr/share/man/man8/adbridge.8.gz /usr/share/man/man5/adbridge.conf.5.gz \
         /usr/share/doc/adbridge/examples/adbridge.conf \
         /lib/systemd/system/krb5-kdc.service.d/adbridge.conf \
         /etc/logrotate.d/adbridge; do
  grep -qxF "$f" "$work/contents" || fail "the package lacks $f"
done
# the directories that exist before installing are not the package's to remove
while IFS= read -r p; do [ -d "$p" ] && echo "$p"; done <"$work/contents" >"$work/dirs.before"

# ------------------------------------------------------------ install --
echo "== dpkg -i"
installed=1
dpkg -i "$deb" "$libdeb" "$devdeb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i"; }
dpkg-query -L $PKGS | grep -v '^/\.$' | sort -u >"$work/dpkg-L"
[ "$(stat -c '%a %U:%G' /var/log/adbridge)" = "700 root:root" ] ||
  fail "/var/log/adbridge is $(stat -c '%a %U:%G' /var/log/adbridge), not 700 root:root"
grep -qx 'ReadWritePaths=-/var/log/adbridge' /lib/systemd/system/krb5-kdc.service.d/adbridge.conf ||
  fail "drop-in lacks ReadWritePaths"
grep -qx 'Environment=TZ=:/etc/localtime' /lib/systemd/system/krb5-kdc.service.d/adbridge.conf ||
  fail "drop-in lacks TZ"
if command -v systemd-analyze >/dev/null 2>&1; then
  # the drop-in must parse (the unit itself is krb5-kdc's)
  systemd-analyze verify /lib/systemd/system/krb5-kdc.service >"$work/sa" 2>&1 || true
  ! grep -i 'adbridge' "$work/sa" || fail "systemd-analyze complains about the drop-in"
fi
# the locate plugin's failover memory: tmpfiles.d made it, sticky 1777
[ "$(stat -c '%a %U:%G' /run/adbridge 2>/dev/null)" = "1777 root:root" ] ||
  fail "/run/adbridge is not 1777 root:root ($(stat -c '%a %U:%G' /run/adbridge 2>&1))"
echo "  installed: $(wc -l <"$work/dpkg-L") paths; /var/log/adbridge 0700 root:root; /run/adbridge 1777"

echo "== man -w adbridge adbridge.conf"
man -w adbridge adbridge.conf || fail "man -w"
echo "== man pages against the installed command and the sources"
$SYS_PY "$TOP/tests/man/check_man.py" --adbridge /usr/sbin/adbridge \
  --man8 /usr/share/man/man8/adbridge.8.gz --man5 /usr/share/man/man5/adbridge.conf.5.gz \
  --top "$TOP" || fail "man pages"
LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \
  /usr/share/man/man8/adbridge.8.gz /usr/share/man/man5/adbridge.conf.5.gz \
  >/dev/null 2>"$work/groff" || true
[ ! -s "$work/groff" ] || { cat "$work/groff"; fail "groff warnings in the man pages"; }

# ------------------------------------------- the bed on installed files --
echo "== test bed: krb5kdc with db_library = adbridge, no db_module_dir"
"$E2E_HOME/bridge_bed.sh" up "$bed" "" >"$work/bed.log" 2>&1 ||
  { tail -n 30 "$work/bed.log"; fail "bridge bed on the installed module"; }
grep -q 'db_library = adbridge' "$bed/kdc.conf" || fail "kdc.conf: no db_library = adbridge"
! grep -q 'db_module_dir' "$bed/kdc.conf" || fail "kdc.conf has a db_module_dir"
. "$bed/env"
grep -qF "$kdb_dir/adbridge.so" "/proc/$KRB5KDC_PID/maps" ||
  fail "krb5kdc (pid $KRB5KDC_PID) did not load $kdb_dir/adbridge.so"
echo "  krb5kdc $KRB5KDC_PID runs $kdb_dir/adbridge.so"

echo "== e2e tests against the installed files"
# every test of BUILD_DIR's ctest fixture adbed_bridge, on this bed, with
# /usr/sbin/adbridge; then the command's own e2e tests on the bed's PACs
ctest --test-dir "$build" --show-only=json-v1 >"$work/ctest.json" ||
  fail "ctest --show-only in $build"
$SYS_PY "$here/installed_e2e.py" "$work/ctest.json" "$build" "$bed" >"$work/e2e.list" ||
  fail "reading $build's e2e tests"
while IFS=$'\t' read -r name cmd; do
  echo "-- $name on the installed package: $cmd"
  eval "$cmd" </dev/null || fail "$name on the installed package"
done <"$work/e2e.list"
bash "$E2E_HOME/test_pac_show.sh" /usr/sbin/adbridge "$bed" || fail "test_pac_show.sh (installed adbridge)"
bash "$E2E_HOME/test_explain.sh" /usr/sbin/adbridge "$bed" || fail "test_explain.sh (installed adbridge)"
echo "== samples/device through the installed adbridge-client.pc"
pkg-config --exists adbridge-client || fail "pkg-config does not find the installed adbridge-client.pc"
bash "$E2E_HOME/test_device_sample.sh" "$bed" || fail "test_device_sample.sh (installed library)"

echo "== audit log in /var/log/adbridge, rotated by the installed logrotate snippet"
audit=/var/log/adbridge/audit.jsonl
sed -i "s|^\( *\)audit_log = .*|\1audit_log = $audit|" "$bed/adbridge.conf"
grep -qF "audit_log = $audit" "$bed/adbridge.conf" || fail "cannot point audit_log at $audit"
sleep 1.2
kvno_as() {  # kvno_as USER: a fresh TGT and a service ticket through the trust
  local u=$1 pw
  pw=$(awk -v u="$u" '$1 == u { sub(/^[^ ]+ /, ""); print; exit }' "$USER_PASSWORDS_FILE")
  rm -f "$work/$u.cc"
  printf '%s\n' "$pw" | "$TESTBED" exec "$bed" env KRB5CCNAME="FILE:$work/$u.cc" \
    kinit "$u@$AD_REALM" >/dev/null 2>&1 || fail "kinit $u"
  "$TESTBED" exec "$bed" env KRB5CCNAME="FILE:$work/$u.cc" kvno "$DEVICE_PRINCIPAL" \
    >/dev/null 2>&1 || fail "kvno $DEVICE_PRINCIPAL as $u"
}
kvno_as alice
grep -q '"client":"alice@AD.EXAMPLE.COM"' "$audit" || fail "no audit record for alice in $audit"
[ "$(stat -c '%a %U' "$audit")" = "600 root" ] || fail "$audit is not 0600 root"
if command -v logrotate >/dev/null 2>&1; then
  logrotate -f -s "$work/logrotate.state" /etc/logrotate.d/adbridge || fail "logrotate"
  [ -f "$audit.1" ] || fail "logrotate did not rotate $audit"
  sleep 1.1                       # the module looks at the path once a second
  kvno_as bob
  grep -q '"client":"bob@AD.EXAMPLE.COM"' "$audit" || fail "no record for bob in the new $audit (not reopened?)"
  ! grep -q '"client":"bob@AD.EXAMPLE.COM"' "$audit.1" || fail "bob's record went to the rotated file"
  echo "  rotated; the KDC reopened $audit"
else
  echo "  (logrotate not installed: rotation not exercised)"
fi
"$E2E_HOME/bridge_bed.sh" down "$bed" >/dev/null 2>&1
rm -f "$bed/env"
echo "== all checks on the installed package passed; purging"
