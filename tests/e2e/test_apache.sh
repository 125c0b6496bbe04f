#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/test_apache.sh ADBRIDGE BED_DIR ARTIFACT_DIR
# The Apache sample (samples/apache/) end to end, in the bed of fixture
# adbed_bridge (the KDC with the adbridge module): the sample's adbridge.conf
# becomes the KDC's configuration for the run, its krb5.conf the clients' and
# Apache's, its kdc.conf opens the KDC database through the module; Apache
# (mod_ssl + mod_auth_gssapi, the sample's site file unchanged) runs inside
# the bed's namespace on 127.0.0.4 with a throw-away certificate and its own
# ServerRoot, ports and pid file, and is stopped by the trap.
#   - Negotiate (curl --negotiate): alice reaches /admin, bob 403 on /admin
#     and 200 on /view, carol gets no ticket (the KDC refuses her) and no
#     access;
#   - Basic over HTTPS with their passwords: the same; a wrong password and
#     the NetBIOS name as realm are refused;
#   - plain HTTP only redirects: neither a password nor a ticket is accepted
#     there, and GssapiSSLonly refuses a password on a non-TLS port that has
#     the authentication configured (a test-only misconfiguration);
#   - once the service key changes (a new kvno Apache's keytab lacks),
#     neither Negotiate nor Basic logs anyone in: the keytab verifies;
#   - headless Chromium (Debian's, through chromedriver) signs in as alice
#     and bob with Negotiate (their ccaches) and with a password, and shows
#     /admin and /view (bob: 403 on /admin); screenshots go to ARTIFACT_DIR.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_require
adbridge=$1 bed=$2 artifacts=$3
for need in /usr/sbin/apache2 /usr/lib/apache2/modules/mod_auth_gssapi.so \
            /usr/lib/apache2/modules/mod_ssl.so /usr/lib/chromium/chromium \
            /usr/bin/chromedriver /usr/bin/curl /usr/bin/openssl; do
  [ -e "$need" ] || e2e_cannot_run "missing $need (tests/testbed/PACKAGES: apache2 libapache2-mod-auth-gssapi chromium chromium-driver python3-selenium curl)"
done
$SYS_PY -c 'import selenium' 2>/dev/null || e2e_cannot_run "missing python3-selenium"
id www-data >/dev/null 2>&1 || e2e_cannot_run "no user www-data for Apache's children"
e2e_bed_ready "$bed"
set -a
. "$bed/env"
set +a
SAMPLE=$TOP/samples/apache
HOST=web.local.example ADDR=127.0.0.4
SVC="HTTP/$HOST@$LOCAL_REALM"
conf=$bed/adbridge.conf
work=$(mktemp -d)
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd -P)
ap=$work/apache
httpd_pid=
cleanup() {
  local rc=$?
  if [ -f "$ap/run/httpd.pid" ]; then
    httpd_pid=$(cat "$ap/run/httpd.pid" 2>/dev/null || true)
  fi
  if [ -n "$httpd_pid" ] && kill -0 "$httpd_pid" 2>/dev/null; then
    kill -TERM "$httpd_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$httpd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$httpd_pid" 2>/dev/null || true
  fi
  # a browser left behind (its processes name our profile directory)
  for pid in $(pgrep -f -- "--user-data-dir=$work/profile" 2>/dev/null || true); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ $rc != 0 ] && [ -f "$ap/logs/error.log" ]; then
    echo "--- Apache error log (last 40 lines)"; tail -n 40 "$ap/logs/error.log"
  fi
  [ -f "$ap/logs/error.log" ] && cp -f "$ap/logs/error.log" "$artifacts/apache-error.log" 2>/dev/null || true
  cp -f "$work/conf.orig" "$conf" 2>/dev/null || true
  "$TESTBED" exec "$bed" kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $SVC" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cp "$conf" "$work/conf.orig"
. "$E2E_HOME/bridge_lib.sh"
expect() {  # expect WANT GOT WHAT
  [ "$1" = "$2" ] || { cat "$work/head" "$work/body" "$work/curl.err" 2>/dev/null; fail "$3: HTTP $2, expected $1"; }
  echo "  $3: $2"
}
body_has() { grep -qF -- "$1" "$work/body" || { cat "$work/body"; fail "$2: page lacks '$1'"; }; }
body_hasnt() { ! grep -qF -- "$1" "$work/body" || { cat "$work/body"; fail "$2: page has '$1'"; }; }

# Apache's children (www-data) must reach the keytab, krb5.conf and rcache
chmod 0711 "$work"

echo "== the sample's adbridge.conf, kdc.conf and krb5.conf"
"$adbridge" config check "$SAMPLE/adbridge.conf" || fail "config check of samples/apache/adbridge.conf"
# the same file with the bed's audit log becomes the KDC's configuration
sed "s#^\( *audit_log = \).*#\1$bed/audit.jsonl#" "$SAMPLE/adbridge.conf" >"$work/adbridge.conf"
"$adbridge" config check "$work/adbridge.conf" || fail "config check of the rendered sample"
cp "$work/adbridge.conf" "$conf.tmp" && mv -f "$conf.tmp" "$conf"
settle
# krb5.conf: the KDC host names replaced by the bed's addresses; clients,
# kadmin and Apache all use it from here on
sed -e "s/= dc1\.ad\.example\.com$/= $AD_DC_IP/" -e "s/= kdc\.local\.example$/= $LOCAL_KDC_IP/" \
  "$SAMPLE/krb5.conf" >"$work/krb5.conf"
grep -q "kdc = $AD_DC_IP" "$work/krb5.conf" && grep -q "kdc = $LOCAL_KDC_IP" "$work/krb5.conf" \
  || fail "samples/apache/krb5.conf: kdc lines not found"
chmod 0644 "$work/krb5.conf"
export KRB5_CONFIG=$work/krb5.conf
# kdc.conf: the sample's stanzas with the bed's paths; kadmin.local opens
# the database through the module with it
sed -e "s#^\( *adbridge_config = \).*#\1$conf#" -e "s#^\( *database_name = \).*#\1$bed/mit/principal#" \
    -e "s#^\( *database_module = .*\)#\1\n        key_stash_file = $bed/mit/stash#" \
    -e "s#^\[dbmodules\]#[dbmodules]\n    db_module_dir = ${ADB_KDB_MODULE_DIR:-}#" \
  "$SAMPLE/kdc.conf" >"$work/kdc.conf"
[ -n "${ADB_KDB_MODULE_DIR:-}" ] || sed -i '/db_module_dir = $/d' "$work/kdc.conf"
tb env KRB5_KDC_PROFILE="$work/kdc.conf" kadmin.local -r "$LOCAL_REALM" -q "getprinc krbtgt/$LOCAL_REALM@$LOCAL_REALM" \
  >"$work/kadm.out" 2>&1 && grep -q "^Principal: krbtgt/$LOCAL_REALM@$LOCAL_REALM" "$work/kadm.out" \
  || { cat "$work/kdc.conf" "$work/kadm.out"; fail "samples/apache/kdc.conf does not open the KDC database"; }
echo "  kdc.conf: kadmin.local opens the database through db_library = adbridge"

echo "== the page decodes only our indicators (whoami.cgi run directly)"
b64() { printf '%s' "$1" | base64 -w0; }
env -i PATH=/usr/bin:/bin REMOTE_USER='<i>x&y' AUTH_TYPE=Negotiate REQUEST_URI=/whoami \
  ADB_IND="$(b64 adbridge-viewer)" ADB_IND_1="$(b64 adbridge-viewer)" ADB_IND_2="$(b64 other-admin)" \
  ADB_IND_3="$(b64 'adbridge-<b>admin')" ADB_IND_4='$(id)' ADB_IND_5="$(b64 adbridge-operator)" \
  sh "$SAMPLE/cgi/whoami.cgi" >"$work/body" || fail "whoami.cgi failed"
body_has "Signed in as: &lt;i&gt;x&amp;y" "whoami.cgi escaping"
body_has "Right: viewer" "whoami.cgi foreign indicators"
body_has "All rights: viewer operator" "whoami.cgi foreign indicators"
body_hasnt "<i>" "whoami.cgi escaping"
env -i PATH=/usr/bin:/bin REMOTE_USER=u AUTH_TYPE=Basic sh "$SAMPLE/cgi/whoami.cgi" >"$work/body" || fail "whoami.cgi failed"
body_has "Right: none" "whoami.cgi without indicators"
echo "  whoami.cgi: foreign, malformed and unsafe indicators ignored, names escaped"

echo "== the service principal $SVC and its keytab"
mkdir -p "$ap/run" "$ap/logs" "$ap/rcache" "$ap/tls"
tb kadmin.local -r "$LOCAL_REALM" -q "delprinc -force $SVC" >/dev/null 2>&1 || true
kadm "addprinc -randkey $SVC"
kadm "ktadd -k $ap/http.keytab $SVC"
chown www-data:www-data "$ap/http.keytab" "$ap/rcache"
chmod 0600 "$ap/http.keytab"
chmod 0711 "$ap"

echo "== a throw-away TLS certificate"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$HOST" \
  -addext "subjectAltName=DNS:$HOST" -keyout "$ap/tls/key.pem" -out "$ap/tls/cert.pem" \
  >"$work/openssl.out" 2>&1 || { cat "$work/openssl.out"; fail "openssl req"; }
spki=$(openssl x509 -in "$ap/tls/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der \
  | openssl dgst -sha256 -binary | base64)

echo "== Apache (the sample's site file) on $ADDR:443 and :80 in the namespace"
m=/usr/lib/apache2/modules
cat >"$ap/httpd.conf" <<CONF
# generated by tests/e2e/test_apache.sh
ServerRoot $ap
PidFile $ap/run/httpd.pid
DefaultRuntimeDir $ap/run
Mutex file:$ap/run default
ErrorLog $ap/logs/error.log
LogLevel info auth_gssapi:debug
User www-data
Group www-data
ServerName $HOST
LoadModule mpm_prefork_module $m/mod_mpm_prefork.so
LoadModule authn_core_module $m/mod_authn_core.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule authz_user_module $m/mod_authz_user.so
LoadModule alias_module $m/mod_alias.so
LoadModule mime_module $m/mod_mime.so
LoadModule dir_module $m/mod_dir.so
LoadModule headers_module $m/mod_headers.so
LoadModule cgi_module $m/mod_cgi.so
LoadModule socache_shmcb_module $m/mod_socache_shmcb.so
LoadModule ssl_module $m/mod_ssl.so
LoadModule auth_gssapi_module $m/mod_auth_gssapi.so
TypesConfig /etc/mime.types
DirectoryIndex index.html
LogFormat "%h %u \"%r\" %>s" brief
CustomLog $ap/logs/access.log brief
StartServers 2
Listen $ADDR:80
Listen $ADDR:443
Listen $ADDR:8081
Define ADB_HOST $HOST
Define ADB_HTTPS_PORT 443
Define ADB_HTTP_PORT 80
Define ADB_KEYTAB $ap/http.keytab
Define ADB_TLS_CERT $ap/tls/cert.pem
Define ADB_TLS_KEY $ap/tls/key.pem
Define ADB_SAMPLE_DIR $SAMPLE
Include $SAMPLE/adbridge-site.conf
# test only, not part of the sample: a plain-HTTP port WITH the
# authentication configured, to show that GssapiSSLonly refuses there
<VirtualHost *:8081>
    ServerName $HOST
    ScriptAliasMatch "^/(whoami)$" "$SAMPLE/cgi/whoami.cgi"
    <Location /whoami>
        Include $SAMPLE/adbridge-auth.conf
        Require valid-user
    </Location>
</VirtualHost>
CONF
tb /usr/sbin/apache2 -t -f "$ap/httpd.conf" >"$work/t.out" 2>&1 || { cat "$work/t.out"; fail "apache2 -t: the sample's configuration is not valid"; }
tb env KRB5_CONFIG="$work/krb5.conf" KRB5RCACHEDIR="$ap/rcache" \
  /usr/sbin/apache2 -f "$ap/httpd.conf" -k start >"$work/start.out" 2>&1 \
  || { cat "$work/start.out"; fail "apache2 -k start"; }
for _ in $(seq 1 100); do [ -s "$ap/run/httpd.pid" ] && break; sleep 0.1; done
httpd_pid=$(cat "$ap/run/httpd.pid" 2>/dev/null) || fail "Apache wrote no pid file"
CURL=(curl -sS --max-time 20 --cacert "$ap/tls/cert.pem" --resolve "$HOST:443:$ADDR"
      --resolve "$HOST:80:$ADDR" --resolve "$HOST:8081:$ADDR" -o "$work/body" -D "$work/head"
      -w '%{http_code}')
up=
for _ in $(seq 1 100); do
  c=$(tb "${CURL[@]}" "https://$HOST/" 2>/dev/null) || c=
  [ "$c" = 200 ] && { up=1; break; }
  sleep 0.1
done
[ -n "$up" ] || fail "Apache does not answer on https://$HOST/"
echo "  Apache pid $httpd_pid, https://$HOST/ answers"

# get CCACHE_USER PATH [curl args...]: the status code; body in $work/body
neg() { local u=$1 p=$2; shift 2; tb env KRB5CCNAME="FILE:$work/$u.cc" "${CURL[@]}" --negotiate -u : "$@" "https://$HOST$p" 2>"$work/curl.err" || true; }
# basic LOGIN PASSWORD URL: Basic with the credentials from a 0600 curl config
basic() {
  local l=$1 pw=$2 url=$3
  ( umask 077; { printf 'user = "'; printf '%s:%s' "$l" "$pw" | sed 's/[\\"]/\\&/g'; printf '"\n'; } >"$work/cred.curl" )
  tb "${CURL[@]}" --basic -K "$work/cred.curl" "$url" 2>"$work/curl.err" || true
  rm -f "$work/cred.curl"
}
echo "== Negotiate (curl --negotiate with each user's ticket)"
for u in alice bob carol; do fresh "$u"; done
expect 200 "$(neg alice /admin)" "alice /admin"
body_has "Signed in as: alice@$AD_REALM" "alice /admin"
body_has "Right: admin" "alice /admin"
body_has "Kerberos ticket (Negotiate)" "alice /admin"
expect 200 "$(neg alice /view)" "alice /view"
expect 200 "$(neg alice /whoami)" "alice /whoami"
# admin implies viewer: alice's ticket carries both indicators
body_has "All rights: admin viewer" "alice /whoami"
expect 403 "$(neg bob /admin)" "bob /admin"
body_hasnt "Signed in as" "bob /admin"
expect 200 "$(neg bob /view)" "bob /view"
body_has "Signed in as: bob@$AD_REALM" "bob /view"
body_has "Right: viewer" "bob /view"
expect 200 "$(neg bob /whoami)" "bob /whoami"
body_has "All rights: viewer" "bob /whoami"
# carol: the KDC refuses her a ticket for the web server
rc=0
tb env KRB5CCNAME="FILE:$work/carol.cc" kvno "$SVC" >"$work/kvno.out" 2>&1 || rc=$?
[ $rc != 0 ] && grep -qi policy "$work/kvno.out" || { cat "$work/kvno.out"; fail "carol: kvno $SVC was not refused by KDC policy"; }
echo "  carol: kvno $SVC: $(cat "$work/kvno.out")"
for p in /admin /view /whoami; do
  expect 401 "$(neg carol $p)" "carol $p"
  body_hasnt "Signed in as" "carol $p"
done
! tb env KRB5CCNAME="FILE:$work/carol.cc" klist 2>/dev/null | grep -qF "$SVC" || fail "carol holds a ticket for $SVC"
echo "  carol: no ticket for $SVC in her ccache"
# no ticket at all: 401 with both challenges offered
expect 401 "$(tb "${CURL[@]}" "https://$HOST/admin" 2>/dev/null || true)" "anonymous /admin"
grep -qi '^WWW-Authenticate: Negotiate' "$work/head" && grep -qi '^WWW-Authenticate: Basic' "$work/head" \
  || { cat "$work/head"; fail "401 does not offer Negotiate and Basic"; }

# the groups ticket profile carries the same indicators
kadm "setstr $SVC adbridge_pac groups"
fresh alice
expect 200 "$(neg alice /whoami)" "alice /whoami (groups profile)"
body_has "All rights: admin viewer" "alice /whoami (groups profile)"
kadm "delstr $SVC adbridge_pac"
fresh alice

echo "== Basic over HTTPS (user@REALM and password, checked against the keytab)"
apw=$(pw_of alice) bpw=$(pw_of bob) cpw=$(pw_of carol)
[ -n "$apw" ] && [ -n "$bpw" ] && [ -n "$cpw" ] || fail "no passwords in $USER_PASSWORDS_FILE"
expect 200 "$(basic "alice@$AD_REALM" "$apw" "https://$HOST/admin")" "alice /admin (Basic)"
body_has "Signed in as: alice@$AD_REALM" "alice /admin (Basic)"
body_has "Right: admin" "alice /admin (Basic)"
body_has "password (Basic over HTTPS)" "alice /admin (Basic)"
expect 200 "$(basic "alice@$AD_REALM" "$apw" "https://$HOST/view")" "alice /view (Basic)"
expect 403 "$(basic "bob@$AD_REALM" "$bpw" "https://$HOST/admin")" "bob /admin (Basic)"
expect 200 "$(basic "bob@$AD_REALM" "$bpw" "https://$HOST/view")" "bob /view (Basic)"
body_has "Right: viewer" "bob /view (Basic)"
for p in /admin /view /whoami; do
  expect 401 "$(basic "carol@$AD_REALM" "$cpw" "https://$HOST$p")" "carol $p (Basic)"
done
# krb5.conf's default_realm: a bare user name is an AD user
expect 200 "$(basic alice "$apw" "https://$HOST/admin")" "alice (no realm) /admin (Basic)"
body_has "Signed in as: alice@$AD_REALM" "alice (no realm)"
# controls: a wrong password, the NetBIOS name as realm
expect 401 "$(basic "alice@$AD_REALM" "wrong-$apw" "https://$HOST/admin")" "alice, wrong password (Basic)"
expect 401 "$(basic "alice@$AD_NETBIOS" "$apw" "https://$HOST/admin")" "alice@$AD_NETBIOS (Basic)"

echo "== plain HTTP never accepts a password"
for p in /admin /view /whoami /; do
  expect 301 "$(tb "${CURL[@]}" "http://$HOST$p" 2>/dev/null || true)" "http $p"
  tr -d '\r' <"$work/head" | grep -Eqix "Location: https://$HOST(:443)?$p" || { cat "$work/head"; fail "http $p: not redirected to https"; }
done
expect 301 "$(basic "alice@$AD_REALM" "$apw" "http://$HOST/admin")" "http /admin with a Basic header"
body_hasnt "Signed in as" "http /admin with a Basic header"
expect 301 "$(tb env KRB5CCNAME="FILE:$work/alice.cc" "${CURL[@]}" --negotiate -u : "http://$HOST/admin" 2>/dev/null || true)" "http /admin with Negotiate"
# a non-TLS port that has the authentication configured: GssapiSSLonly
c=$(basic "alice@$AD_REALM" "$apw" "http://$HOST:8081/whoami")
[ "$c" != 200 ] || { cat "$work/body"; fail "GssapiSSLonly: a password was accepted over plain HTTP"; }
body_hasnt "Signed in as" "http :8081 with a Basic header"
echo "  non-TLS port with GssapiSSLonly, Basic header: HTTP $c"
c=$(tb env KRB5CCNAME="FILE:$work/alice.cc" "${CURL[@]}" --negotiate -u : "http://$HOST:8081/whoami" 2>/dev/null || true)
[ "$c" != 200 ] || fail "GssapiSSLonly: a ticket was accepted over plain HTTP"
echo "  non-TLS port with GssapiSSLonly, Negotiate: HTTP $c"

# debugging aid: ADB_APACHE_HOLD=SECONDS keeps Apache up before the browser
[ -z "${ADB_APACHE_HOLD:-}" ] || { echo "  holding $ADB_APACHE_HOLD s: $work"; sleep "$ADB_APACHE_HOLD"; }
echo "== headless Chromium as alice and bob (Negotiate and password)"
# browser USER MODE PATH -> $work/page (rendered text), screenshot artifact
browser() {
  local u=$1 mode=$2 p=$3 shot="$artifacts/chromium-$1-$2-${3#/}.png"
  rm -rf "$work/profile" && mkdir -p "$work/profile"
  rm -f "$shot"
  if [ "$mode" = basic ]; then
    ( umask 077; pw_of "$u" >"$work/pw" )
  fi
  tb env HOME="$work/profile" KRB5_CONFIG="$work/krb5.conf" KRB5CCNAME="FILE:$work/$u.cc" \
    ADB_RESOLVE="$HOST $ADDR" ADB_SPKI="$spki" ADB_PROFILE="$work/profile" ADB_NETLOG="$work/netlog-$u-$mode.json" \
    $SYS_PY "$E2E_HOME/apache_browser.py" "https://$HOST$p" "$shot" "$mode" "$work/pw" "$u@$AD_REALM" \
    >"$work/page" 2>"$work/browser.err" || { cat "$work/browser.err"; rm -f "$work/pw"; fail "chromium: $u $mode $p"; }
  rm -f "$work/pw"
  [ -s "$shot" ] || fail "chromium: no screenshot $shot"
  sed "s|^|  $u $mode $p: |" "$work/page"
  echo "  screenshot: $shot"
}
page_has() { grep -qxF -- "$1" "$work/page" || { cat "$work/page"; cp -f "$work"/netlog-*.json "$artifacts/" 2>/dev/null; fail "chromium $2: expected '$1'"; }; }
for mode in negotiate basic; do
  [ $mode = negotiate ] && how="how: Signed in with: Kerberos ticket (Negotiate)" \
                        || how="how: Signed in with: password (Basic over HTTPS)"
  fresh alice; fresh bob
  browser alice $mode /admin
  page_has "user: Signed in as: alice@$AD_REALM" "alice $mode /admin"
  page_has "role: Right: admin" "alice $mode /admin"
  page_has "$how" "alice $mode /admin"
  browser bob $mode /view
  page_has "user: Signed in as: bob@$AD_REALM" "bob $mode /view"
  page_has "role: Right: viewer" "bob $mode /view"
  page_has "$how" "bob $mode /view"
  browser bob $mode /admin
  page_has "user: (absent)" "bob $mode /admin"
  grep -qx "role: (absent)" "$work/page" || fail "chromium: bob sees a role on /admin"
done
echo "== the keytab decides: after the service key changes, no login"
# ktadd to another file gives the principal a new random key; Apache's
# keytab keeps the old one, so neither a ticket nor a password (whose
# ticket the module must decrypt with its keytab) logs anyone in
kadm "ktadd -k $work/rekeyed.keytab $SVC"
fresh alice
expect 401 "$(neg alice /whoami)" "alice /whoami (Negotiate, key not in the keytab)"
expect 401 "$(basic "alice@$AD_REALM" "$apw" "https://$HOST/whoami")" "alice /whoami (Basic, key not in the keytab)"
grep -q "kvno [0-9]* not found in keytab" "$ap/logs/error.log" \
  || { tail -n 5 "$ap/logs/error.log"; fail "Apache did not log the keytab mismatch"; }

echo "== Apache access log"
sed 's/^/  /' "$ap/logs/access.log" | tail -n 12
echo "PASS: Apache sample (Negotiate, Basic, HTTPS only, Chromium)"
