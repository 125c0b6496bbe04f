#!/bin/bash
# SPDX-License-Identifier: MIT
# adbridge end-to-end test bed: a throw-away Samba AD DC (AD.EXAMPLE.COM) and a
# MIT krb5kdc (LOCAL.EXAMPLE) with a trust AD -> LOCAL.EXAMPLE, all inside a
# network namespace of its own (only a loopback interface: nothing can leave
# the machine, nothing listens outside the namespace).
#
# Usage (as root):
#   testbed.sh up DIR              build a fresh bed under DIR (tears down a
#                                  previous bed in DIR first); ends by calling
#                                  "tickets" for all demo users
#   testbed.sh down DIR            stop samba and krb5kdc, delete the namespace
#                                  (idempotent; DIR's files are kept)
#   testbed.sh tickets DIR USER... kinit USER@AD.EXAMPLE.COM, then
#                                  kvno HTTP/device1.local.example@LOCAL.EXAMPLE;
#                                  leaves FILE ccache DIR/ccache/USER holding
#                                  krbtgt/LOCAL.EXAMPLE@AD.EXAMPLE.COM (AD's PAC)
#   testbed.sh exec DIR CMD...     run CMD inside the namespace with DIR/env
#                                  exported (KRB5_CONFIG, KRB5_KDC_PROFILE, ...)
#
# After "up", DIR holds: env (sourceable), krb5.conf, kdc.conf, trust.keytab
# (krbtgt/LOCAL.EXAMPLE@AD.EXAMPLE.COM, kvno 2), device.keytab
# (HTTP/device1.local.example@LOCAL.EXAMPLE), ccache/<user>, users.txt,
# groups.txt, log/, secrets/ (0700; throw-away passwords, never printed),
# ad/ (Samba's provision), mit/ (the MIT database), run/ (pid files).
#
# Optional environment for "up" (recorded in DIR/env):
#   ADB_KDB_LIBRARY     db_library of the LOCAL.EXAMPLE [dbmodules] stanza
#                       (default: db2, the stock backend). The same kdc.conf is
#                       used by kdb5_util and kadmin.local while building the
#                       database, so a wrapper module must handle those too.
#   ADB_KDB_MODULE_DIR  if set, written as "db_module_dir = ..." in [dbmodules]
#                       (krb5 then looks for ADB_KDB_LIBRARY.so there first)
#   ADB_KDC_EXTRA       extra lines (newline-separated "key = value") appended
#                       to the LOCAL.EXAMPLE stanza of [dbmodules]
#   TESTBED_TIMEOUT     seconds to wait for each server to listen (default 60)
#
# Fixed values: AD realm AD.EXAMPLE.COM, NetBIOS ADEX, DC dc1 at 127.0.0.2,
# domain SID S-1-5-21-3623811015-3361044348-30300820; MIT realm LOCAL.EXAMPLE,
# krb5kdc at 127.0.0.3:88, "domain SID" given to AD for it
# S-1-5-21-1111111111-2222222222-3333333333 (NetBIOS LOCAL).
# Demo users: alice bob carol dave erin frank (see users.txt after "up").
#
# Needs: samba samba-ad-dc samba-ad-provision python3-samba winbind ldb-tools
# krb5-kdc krb5-admin-server krb5-user iproute2 (see PACKAGES); python3-impacket
# for check_pacs.py.

set -euo pipefail
umask 077

TB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SYS_PY=/usr/bin/python3

AD_REALM=AD.EXAMPLE.COM
AD_DOMAIN=ad.example.com
AD_NETBIOS=ADEX
AD_HOST=dc1
AD_IP=127.0.0.2
AD_DOMAIN_SID=S-1-5-21-3623811015-3361044348-30300820
AD_BASE_DN=DC=ad,DC=example,DC=com
LOCAL_REALM=LOCAL.EXAMPLE
LOCAL_NETBIOS=LOCAL
LOCAL_IP=127.0.0.3
LOCAL_DOMAIN_SID=S-1-5-21-1111111111-2222222222-3333333333
TRUST_PRINC="krbtgt/$LOCAL_REALM@$AD_REALM"
TRUST_PRINC_OUT="krbtgt/$AD_REALM@$LOCAL_REALM"
TRUST_KVNO=2
DEVICE_PRINC="HTTP/device1.local.example@$LOCAL_REALM"
DEMO_USERS=(alice bob carol dave erin frank)

T0=
log() {
    if [ -n "$T0" ]; then
        local ms=$(( ($(date +%s%N) - T0) / 1000000 ))
        printf 'testbed: [%d.%01ds] %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*" >&2
    else
        printf 'testbed: %s\n' "$*" >&2
    fi
}
die() { printf 'testbed: error: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# ---------------------------------------------------------------- helpers --

# absolute path of DIR (created if missing)
resolve_dir() {
    local d=$1
    [ -n "$d" ] || die "missing DIR"
    mkdir -p -- "$d" || die "cannot create $d"
    (cd -- "$d" && pwd -P)
}

# namespace name: stable per DIR, so several beds can coexist
netns_name() {
    printf 'adbtb-%s' "$(printf '%s' "$1" | sha256sum | cut -c1-12)"
}

netns_exists() { [ -e "/run/netns/$1" ]; }

in_ns() { ip netns exec "$NS" "$@"; }

# true if pid is alive and belongs to the bed in dir: its stdout/stderr go to
# dir/log (samba rewrites its command line) or its command line names dir
pid_is_ours() {
    local pid=$1 dir=$2 fd
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
    for fd in 1 2; do
        case $(readlink "/proc/$pid/fd/$fd" 2>/dev/null) in
            "$dir"/*) return 0 ;;
        esac
    done
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/"
}

rand_pw() {
    # throw-away test secret meeting AD complexity rules
    local s
    s=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 20) || true
    printf 'Tb7-%s-x' "$s"
}

# wait until PROTO (t|u) port PORT listens on IP inside the namespace
wait_port() {
    local proto=$1 ip=$2 port=$3 what=$4 pid=$5 deadline
    deadline=$(( $(date +%s) + ${TESTBED_TIMEOUT:-60} ))
    while :; do
        if in_ns ss -Hln"$proto" "src $ip and sport = :$port" 2>/dev/null | grep -q .; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            die "$what (pid $pid) exited before listening on $ip:$port; see $DIR/log/"
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            die "timeout: $what not listening on $ip:$port after ${TESTBED_TIMEOUT:-60}s; see $DIR/log/"
        fi
        sleep 0.1
    done
}

# ------------------------------------------------------------------- down --

# stop one recorded process (and its process group if it leads one)
stop_pid() {
    local pid=$1 dir=$2 pgid
    pid_is_ours "$pid" "$dir" || return 0
    # /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces
    pgid=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f3) || pgid=
    if [ "$pgid" = "$pid" ]; then
        kill -TERM -- "-$pid" 2>/dev/null || true
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
}

do_down() {
    local dir=$1 ns pidfile pid
    local -a pids
    ns=$(netns_name "$dir")
    for pidfile in "$dir/run/samba.pid" "$dir/run/krb5kdc.pid"; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile" 2>/dev/null || true)
        stop_pid "$pid" "$dir"
    done
    if netns_exists "$ns"; then
        # everything left in our namespace was started by this bed
        mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null || true)
        [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
        for _ in $(seq 1 50); do
            mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null || true)
            [ ${#pids[@]} -gt 0 ] || break
            sleep 0.1
        done
        if [ ${#pids[@]} -gt 0 ]; then
            kill -KILL "${pids[@]}" 2>/dev/null || true
            sleep 0.2
        fi
        ip netns del "$ns" 2>/dev/null || true
        netns_exists "$ns" && die "could not delete namespace $ns"
    fi
    for pidfile in "$dir/run/samba.pid" "$dir/run/krb5kdc.pid"; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile" 2>/dev/null || true)
        if pid_is_ours "$pid" "$dir"; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$pidfile"
    done
    return 0
}

cmd_down() {
    [ $# -eq 1 ] || usage
    local dir
    [ -d "$1" ] || { log "down: $1 does not exist, nothing to do"; return 0; }
    dir=$(resolve_dir "$1")
    do_down "$dir"
    log "down: $dir stopped (namespace $(netns_name "$dir") gone)"
}

# --------------------------------------------------------------------- up --

UP_OK=0
on_up_exit() {
    local rc=$?
    if [ "$UP_OK" != 1 ]; then
        [ "$rc" != 0 ] || rc=1
        log "up failed (exit $rc); tearing down what was started"
        do_down "$DIR" || true
        log "logs are in $DIR/log/"
        exit "$rc"
    fi
}

check_tools() {
    local t missing=
    for t in ip ss samba samba-tool smbd winbindd krb5kdc kdb5_util kadmin.local \
             kinit kvno klist ldbadd sha256sum "$SYS_PY"; do
        command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
    done
    [ -z "$missing" ] || die "missing tools:$missing (see $TB_HOME/PACKAGES)"
    [ -d /usr/share/samba/setup/ad-schema ] \
        || die "samba-ad-provision is not installed (see $TB_HOME/PACKAGES)"
    "$SYS_PY" -c 'import samba, samba.samdb' 2>/dev/null \
        || die "$SYS_PY cannot import samba (python3-samba)"
    [ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
}

write_krb5_conf() {
    cat >"$DIR/krb5.conf" <<EOF
# generated by testbed.sh: client view of the bed (inside namespace $NS)
[libdefaults]
	default_realm = $AD_REALM
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	udp_preference_limit = 1
	permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
	default_tkt_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
	default_tgs_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96

[realms]
	$AD_REALM = {
		kdc = $AD_IP
		admin_server = $AD_IP
		kpasswd_server = $AD_IP
	}
	$LOCAL_REALM = {
		kdc = $LOCAL_IP
		admin_server = $LOCAL_IP
	}

[domain_realm]
	.$AD_DOMAIN = $AD_REALM
	$AD_DOMAIN = $AD_REALM
	.local.example = $LOCAL_REALM
	local.example = $LOCAL_REALM
EOF
}

write_kdc_conf() {
    local lib=${ADB_KDB_LIBRARY:-db2} moddir_line='' extra=''
    if [ -n "${ADB_KDB_MODULE_DIR:-}" ]; then
        moddir_line="	db_module_dir = $ADB_KDB_MODULE_DIR"
    fi
    if [ -n "${ADB_KDC_EXTRA:-}" ]; then
        extra=$(printf '%s\n' "$ADB_KDC_EXTRA" | sed 's/^[[:space:]]*/		/')
    fi
    cat >"$DIR/kdc.conf" <<EOF
# generated by testbed.sh: MIT KDC for $LOCAL_REALM (inside namespace $NS)
[kdcdefaults]
	kdc_listen = $LOCAL_IP:88
	kdc_tcp_listen = $LOCAL_IP:88

[realms]
	$LOCAL_REALM = {
		database_module = $LOCAL_REALM
		database_name = $DIR/mit/principal
		key_stash_file = $DIR/mit/stash
		acl_file = $DIR/mit/kadm5.acl
		master_key_type = aes256-cts-hmac-sha1-96
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
		kdc_listen = $LOCAL_IP:88
		kdc_tcp_listen = $LOCAL_IP:88
		max_life = 10h
		max_renewable_life = 7d
	}

[dbmodules]
$moddir_line
	$LOCAL_REALM = {
		db_library = $lib
		database_name = $DIR/mit/principal
$extra
	}

[logging]
	kdc = FILE:$DIR/log/krb5kdc.log
	admin_server = FILE:$DIR/log/kadmin.log
	default = FILE:$DIR/log/krb5.log
EOF
}

# KEY=value for DIR/env: plain if safe, else single-quoted (POSIX sh syntax)
envline() {
    local k=$1 v=$2
    case $v in
        *[!A-Za-z0-9_./:@,=+-]*|'') printf "%s='%s'\n" "$k" "${v//\'/\'\\\'\'}" ;;
        *) printf '%s=%s\n' "$k" "$v" ;;
    esac
}

write_env() {
    local f=$DIR/env.tmp
    {
        echo "# generated by testbed.sh up; source it (set -a; . ./env; set +a)"
        envline TESTBED_DIR "$DIR"
        envline NETNS "$NS"
        envline KRB5_CONFIG "$DIR/krb5.conf"
        envline KRB5_KDC_PROFILE "$DIR/kdc.conf"
        envline AD_REALM "$AD_REALM"
        envline AD_DOMAIN "$AD_DOMAIN"
        envline AD_NETBIOS "$AD_NETBIOS"
        envline AD_DOMAIN_SID "$AD_DOMAIN_SID"
        envline AD_BASE_DN "$AD_BASE_DN"
        envline AD_DC_HOST "$AD_HOST.$AD_DOMAIN"
        envline AD_DC_IP "$AD_IP"
        envline AD_LDAP_URI "ldap://$AD_IP"
        envline AD_SMB_CONF "$DIR/ad/etc/smb.conf"
        envline AD_SAM_LDB "$DIR/ad/private/sam.ldb"
        envline AD_ADMIN "Administrator@$AD_REALM"
        envline LOCAL_REALM "$LOCAL_REALM"
        envline LOCAL_NETBIOS "$LOCAL_NETBIOS"
        envline LOCAL_DOMAIN_SID "$LOCAL_DOMAIN_SID"
        envline LOCAL_KDC_IP "$LOCAL_IP"
        envline TRUST_PRINCIPAL "$TRUST_PRINC"
        envline TRUST_PRINCIPAL_OUT "$TRUST_PRINC_OUT"
        envline TRUST_KVNO "$TRUST_KVNO"
        envline TRUST_KEYTAB "$DIR/trust.keytab"
        envline DEVICE_PRINCIPAL "$DEVICE_PRINC"
        envline DEVICE_KEYTAB "$DIR/device.keytab"
        envline CCACHE_DIR "$DIR/ccache"
        envline USERS_FILE "$DIR/users.txt"
        envline GROUPS_FILE "$DIR/groups.txt"
        envline DEMO_USERS "${DEMO_USERS[*]}"
        envline LOG_DIR "$DIR/log"
        envline SECRETS_DIR "$DIR/secrets"
        envline USER_PASSWORDS_FILE "$DIR/secrets/users.pw"
        envline ADMIN_PASSWORD_FILE "$DIR/secrets/admin.pw"
        envline TRUST_PASSWORD_FILE "$DIR/secrets/trust.pw"
        envline SAMBA_PID "$SAMBA_PID"
        envline KRB5KDC_PID "$KDC_PID"
        envline ADB_KDB_LIBRARY "${ADB_KDB_LIBRARY:-db2}"
        envline ADB_KDB_MODULE_DIR "${ADB_KDB_MODULE_DIR:-}"
        envline ADB_KDC_EXTRA "${ADB_KDC_EXTRA:-}"
    } >"$f"
    mv -f "$f" "$DIR/env"
}

# remove what a previous bed left in DIR (only the names this script creates)
clean_dir() {
    rm -rf -- "$DIR/ad" "$DIR/mit" "$DIR/ccache" "$DIR/log" "$DIR/run" \
        "$DIR/secrets" "$DIR/env" "$DIR/env.tmp" "$DIR/krb5.conf" \
        "$DIR/kdc.conf" "$DIR/trust.keytab" "$DIR/device.keytab" \
        "$DIR/users.txt" "$DIR/groups.txt"
}

start_samba() {
    log "starting samba (AD DC $AD_HOST.$AD_DOMAIN at $AD_IP)"
    # setsid: samba leads its own process group (smbd, winbindd are children);
    # the script has no job control, so setsid execs in place and $! is samba
    ip netns exec "$NS" setsid samba -F -M single -s "$DIR/ad/etc/smb.conf" \
        </dev/null >"$DIR/log/samba.out" 2>&1 &
    SAMBA_PID=$!
    echo "$SAMBA_PID" >"$DIR/run/samba.pid"
}

setup_mit() {
    local tpw mpw
    tpw=$(cat "$DIR/secrets/trust.pw")
    mpw=$(rand_pw)
    printf '%s\n' "$mpw" >"$DIR/secrets/mkey.pw"
    printf '*/admin@%s *\n' "$LOCAL_REALM" >"$DIR/mit/kadm5.acl"
    printf '%s\n%s\n' "$mpw" "$mpw" \
        | in_ns kdb5_util -r "$LOCAL_REALM" create -s >"$DIR/log/kdb5_util.log" 2>&1 \
        || die "kdb5_util create failed; see $DIR/log/kdb5_util.log"
    # trust principals: same password as AD's trustAuthIncoming/Outgoing,
    # normal salt; cpw once more so the kvno is 2 (as AD stamps it)
    {
        printf 'addprinc -pw %s %s\n' "$tpw" "$TRUST_PRINC"
        printf 'cpw -pw %s %s\n' "$tpw" "$TRUST_PRINC"
        printf 'addprinc -pw %s %s\n' "$tpw" "$TRUST_PRINC_OUT"
        printf 'cpw -pw %s %s\n' "$tpw" "$TRUST_PRINC_OUT"
        printf 'addprinc -randkey %s\n' "$DEVICE_PRINC"
        printf 'ktadd -k %s -norandkey %s\n' "$DIR/trust.keytab" "$TRUST_PRINC"
        printf 'ktadd -k %s -norandkey %s\n' "$DIR/device.keytab" "$DEVICE_PRINC"
    } | in_ns kadmin.local -r "$LOCAL_REALM" >"$DIR/log/kadmin.local.log" 2>&1 \
        || die "kadmin.local failed; see $DIR/log/kadmin.local.log"
    # kadmin.local echoes commands: the trust password must not stay in a log
    sed -i 's/-pw [^ ]*/-pw ***/g' "$DIR/log/kadmin.local.log"
    grep -q "Key: vno $TRUST_KVNO" < <(printf 'getprinc %s\n' "$TRUST_PRINC" \
        | in_ns kadmin.local -r "$LOCAL_REALM" 2>/dev/null) \
        || die "trust principal $TRUST_PRINC is not at kvno $TRUST_KVNO"
    if [ ! -s "$DIR/trust.keytab" ] || [ ! -s "$DIR/device.keytab" ]; then
        die "keytab extraction failed; see $DIR/log/kadmin.local.log"
    fi
    chmod 0600 "$DIR/trust.keytab" "$DIR/device.keytab"
}

start_kdc() {
    log "starting krb5kdc ($LOCAL_REALM at $LOCAL_IP:88, db_library ${ADB_KDB_LIBRARY:-db2})"
    ip netns exec "$NS" setsid krb5kdc -n -r "$LOCAL_REALM" -P "$DIR/run/krb5kdc.pid" \
        </dev/null >"$DIR/log/krb5kdc.out" 2>&1 &
    KDC_PID=$!
    echo "$KDC_PID" >"$DIR/run/krb5kdc.pid"
}

cmd_up() {
    [ $# -eq 1 ] || usage
    T0=$(date +%s%N)
    check_tools
    DIR=$(resolve_dir "$1")
    NS=$(netns_name "$DIR")
    SAMBA_PID='' KDC_PID=''
    export KRB5_CONFIG="$DIR/krb5.conf" KRB5_KDC_PROFILE="$DIR/kdc.conf"

    if netns_exists "$NS" || [ -e "$DIR/env" ] || [ -e "$DIR/run" ]; then
        log "tearing down the previous bed in $DIR"
        do_down "$DIR"
    fi
    clean_dir
    trap on_up_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    mkdir -p "$DIR/ad/etc" "$DIR/mit" "$DIR/ccache" "$DIR/log" "$DIR/run" "$DIR/secrets"
    chmod 0700 "$DIR/secrets"

    log "creating network namespace $NS (lo: 127.0.0.1, $AD_IP, $LOCAL_IP)"
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    ip -n "$NS" addr add "$AD_IP/8" dev lo
    ip -n "$NS" addr add "$LOCAL_IP/8" dev lo

    # throw-away secrets, files 0600, never printed
    rand_pw >"$DIR/secrets/admin.pw"
    rand_pw >"$DIR/secrets/trust.pw"
    for u in "${DEMO_USERS[@]}"; do
        printf '%s %s\n' "$u" "$(rand_pw)"
    done >"$DIR/secrets/users.pw"

    write_krb5_conf
    write_kdc_conf

    log "provisioning $AD_REALM (samba-tool domain provision)"
    : >"$DIR/ad/etc/smb.conf"   # keeps the host's /etc/samba/smb.conf out
    # no --adminpass (it would show in ps): provision draws a random one, which
    # tb_ad.py replaces with the one in secrets/admin.pw
    if ! in_ns samba-tool domain provision \
            -s "$DIR/ad/etc/smb.conf" \
            --targetdir="$DIR/ad" \
            --realm="$AD_REALM" --domain="$AD_NETBIOS" \
            --server-role=dc --dns-backend=SAMBA_INTERNAL \
            --host-name="$AD_HOST" --host-ip="$AD_IP" \
            --domain-sid="$AD_DOMAIN_SID" \
            --option="interfaces = $AD_IP" \
            --option="bind interfaces only = yes" \
            --option="log file = $DIR/log/samba.log" \
            --option="pid directory = $DIR/ad/run" \
            --option="ncalrpc dir = $DIR/ad/run/ncalrpc" \
            --option="winbindd socket directory = $DIR/ad/run/winbindd" \
            --option="ntp signd socket directory = $DIR/ad/run/ntp_signd" \
            >"$DIR/log/provision.log" 2>&1; then
        sed -i '/Admin password:/d' "$DIR/log/provision.log"
        die "provision failed; see $DIR/log/provision.log"
    fi
    sed -i '/Admin password:/d' "$DIR/log/provision.log"
    # no DNS forwarding off the machine; fewer services than a real DC needs
    sed -i '/^[[:space:]]*dns forwarder[[:space:]]*=/d' "$DIR/ad/etc/smb.conf"
    sed -i "s/^\[global\]\$/[global]\n\tserver services = -nbt, -wrepl, -kcc, -drepl, -dnsupdate, -ntp_signd\n\tlog level = 1/" \
        "$DIR/ad/etc/smb.conf"
    ! grep -qi 'dns forwarder' "$DIR/ad/etc/smb.conf" || die "dns forwarder still set"

    log "creating demo groups, users (alice bob carol dave erin frank), 320 bulk groups, sIDHistory"
    in_ns "$SYS_PY" "$TB_HOME/tb_ad.py" populate "$DIR" 2>"$DIR/log/populate.log" \
        || die "populating AD failed; see $DIR/log/populate.log"
    grep '^testbed:' "$DIR/log/populate.log" >&2 || true

    start_samba
    log "creating the MIT realm $LOCAL_REALM (trust principals at kvno $TRUST_KVNO)"
    setup_mit
    start_kdc

    wait_port t "$AD_IP" 88 samba "$SAMBA_PID"
    wait_port t "$AD_IP" 389 samba "$SAMBA_PID"
    wait_port t "$AD_IP" 445 samba "$SAMBA_PID"
    wait_port t "$LOCAL_IP" 88 krb5kdc "$KDC_PID"
    wait_port u "$LOCAL_IP" 88 krb5kdc "$KDC_PID"
    log "samba and krb5kdc are listening"

    log "creating the trust $AD_REALM -> $LOCAL_REALM (LSA CreateTrustedDomainEx2, UPLEVEL, two-way, AES)"
    TB_TRUST_KVNO=$TRUST_KVNO in_ns "$SYS_PY" "$TB_HOME/tb_ad.py" trust "$DIR" \
        2>"$DIR/log/trust.log" || die "creating the trust failed; see $DIR/log/trust.log"

    write_env
    do_tickets "${DEMO_USERS[@]}"

    UP_OK=1
    log "up: ready; source $DIR/env for the paths"
}

# ---------------------------------------------------------------- tickets --

load_env() {
    DIR=$(resolve_dir "$1")
    [ -f "$DIR/env" ] || die "no bed in $DIR (run: testbed.sh up $DIR)"
    set -a
    # shellcheck disable=SC1091
    . "$DIR/env"
    set +a
    NS=$NETNS
    netns_exists "$NS" || die "namespace $NS is not there (bed is down?)"
}

user_password() {
    local u=$1
    awk -v u="$u" '$1 == u { sub(/^[^ ]+ /, ""); print; exit }' "$DIR/secrets/users.pw"
}

do_tickets() {
    local u pw cc out
    mkdir -p "$DIR/ccache"
    for u in "$@"; do
        pw=$(user_password "$u")
        [ -n "$pw" ] || die "no password for user $u in $DIR/secrets/users.pw"
        cc=$DIR/ccache/$u
        rm -f "$cc"
        if ! printf '%s\n' "$pw" | KRB5CCNAME="FILE:$cc" in_ns kinit "$u@$AD_REALM" \
                >>"$DIR/log/tickets.log" 2>&1; then
            die "kinit $u@$AD_REALM failed; see $DIR/log/tickets.log and $DIR/log/samba.log"
        fi
        if ! KRB5CCNAME="FILE:$cc" in_ns kvno "$DEVICE_PRINC" >>"$DIR/log/tickets.log" 2>&1; then
            die "kvno $DEVICE_PRINC as $u failed; see $DIR/log/tickets.log and $DIR/log/krb5kdc.log"
        fi
        out=$(KRB5CCNAME="FILE:$cc" klist 2>/dev/null) || die "klist $cc failed"
        grep -qF "krbtgt/$LOCAL_REALM@$AD_REALM" <<<"$out" \
            || die "$cc holds no krbtgt/$LOCAL_REALM@$AD_REALM"
        chmod 0600 "$cc"
        log "tickets: $u -> $cc"
    done
}

cmd_tickets() {
    [ $# -ge 2 ] || usage
    load_env "$1"
    shift
    export KRB5_CONFIG KRB5_KDC_PROFILE
    do_tickets "$@"
}

# ------------------------------------------------------------------- exec --

cmd_exec() {
    [ $# -ge 2 ] || usage
    load_env "$1"
    shift
    exec ip netns exec "$NS" "$@"
}

# ------------------------------------------------------------------- main --

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    tickets) cmd_tickets "$@" ;;
    exec) cmd_exec "$@" ;;
    -h|--help|help) usage ;;
    *) usage ;;
esac
