#!/bin/sh
# SPDX-License-Identifier: MIT
# samples/apache/cgi/whoami.cgi - shows the signed-in user's principal and
# right (adbridge-site.conf maps /whoami, /view and /admin here).
#
# mod_auth_gssapi sets REMOTE_USER to the client principal and, through
# "GssapiNameAttributes ADB_IND auth-indicators", the ticket's auth
# indicators base64-encoded (MIT gives them no display value): ADB_IND for
# one value, also ADB_IND_1..ADB_IND_k for several.  The indicators come from the
# ticket the keytab's key decrypted (the CAMMAC the KDC signed); only those
# with adbridge's prefix are rights.
PREFIX=${ADB_INDICATOR_PREFIX:-adbridge-}

html() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }

# decode B64 -> the indicator if it is one of ours (prefix + [a-z0-9_-]),
# stripped of the prefix; anything else is ignored
right_of() {
    case $1 in ''|*[!A-Za-z0-9+/=]*) return 0 ;; esac
    v=$(printf '%s' "$1" | base64 -d 2>/dev/null) || return 0
    case $v in "$PREFIX"*) ;; *) return 0 ;; esac
    r=${v#"$PREFIX"}
    case $r in ''|*[!a-z0-9_-]*) return 0 ;; esac
    printf '%s\n' "$r"
}

rights=
add() {
    [ -n "$1" ] || return 0
    case " $rights " in *" $1 "*) return 0 ;; esac
    rights="$rights $1"
}
# ADB_IND is the first value; with several, ADB_IND_1..ADB_IND_k hold them
# all (ADB_IND_N is not relied on: read until the first one missing)
add "$(right_of "${ADB_IND:-}")"
i=1
while [ "$i" -le 64 ]; do
    # "@" (not base64) marks a missing variable
    b="@"
    eval "b=\${ADB_IND_$i-@}"
    [ "$b" != "@" ] || break
    add "$(right_of "$b")"
    i=$((i + 1))
done
rights=${rights# }

# the strongest right for the headline
role="none"
for r in $rights; do [ "$r" = viewer ] && role="viewer"; done
for r in $rights; do [ "$r" = admin ] && role="admin"; done

case ${AUTH_TYPE:-} in
    Basic) how="password (Basic over HTTPS)" ;;
    Negotiate) how="Kerberos ticket (Negotiate)" ;;
    *) how="${AUTH_TYPE:-unknown}" ;;
esac
page=${REQUEST_URI%%\?*}

printf 'Content-Type: text/html; charset=utf-8\r\n'
printf 'Cache-Control: no-store\r\n\r\n'
cat <<HTML
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>adbridge: $(html "$role")</title></head>
<body>
<h1>adbridge sample: $(html "$page")</h1>
<p id="user">Signed in as: $(html "${REMOTE_USER:-}")</p>
<p id="role">Right: $(html "$role")</p>
<p id="rights">All rights: $(html "${rights:-none}")</p>
<p id="how">Signed in with: $(html "$how")</p>
</body></html>
HTML
