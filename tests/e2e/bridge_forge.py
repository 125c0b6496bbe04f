#!/usr/bin/python3
"""tests/e2e/bridge_forge.py MODE TICKETER_ARGS...

Runs impacket's ticketer.py (forges a cross-realm TGT with the trust key) and,
for MODE != "plain", damages the PAC before ticketer signs it, so the MIT KDC
verifies the signature and hands the module a PAC it must refuse:

  plain      ticketer's PAC (LOGON_INFO, CLIENT_INFO, signatures) with
             LogonDomainName ADEX, as AD writes it
  truncate   LOGON_INFO cut to half its length (malformed NDR)
  garbage    LOGON_INFO replaced by 0xff bytes of the same length
  rename     CLIENT_INFO names another user than LOGON_INFO (inconsistent)

ticketer.py is read from python3-impacket's examples and run with one line
added at the top of signEncryptTicket(); it writes TARGET.ccache in the
current directory.
"""
import struct
import sys

TICKETER = "/usr/share/doc/python3-impacket/examples/ticketer.py"
NETBIOS = "ADEX"
HOOK = "    def signEncryptTicket(self, kdcRep, encASorTGSRepPart, encTicketPart, pacInfos):\n"


def damage(pac_infos, mode):
    from impacket.krb5.pac import PAC_LOGON_INFO, PAC_CLIENT_INFO_TYPE, VALIDATION_INFO
    # As AD writes it: LogonDomainName is the NetBIOS name (ticketer puts
    # the realm there).
    li = pac_infos[PAC_LOGON_INFO]
    vi = VALIDATION_INFO()
    vi.fromString(li)
    vi.fromStringReferents(li, len(vi.getData()))
    vi["Data"]["LogonDomainName"] = NETBIOS
    li = vi.getData() + vi.getDataReferents()
    # MS-RPCE 2.2.6.2: the object buffer is padded to 8 bytes (impacket
    # does not pad).
    body = li[16:] + b"\0" * (-(len(li) - 16) % 8)
    li = li[:8] + struct.pack("<I", len(body)) + li[12:16] + body
    pac_infos[PAC_LOGON_INFO] = li
    if mode == "truncate":
        pac_infos[PAC_LOGON_INFO] = li[: len(li) // 2]
    elif mode == "garbage":
        pac_infos[PAC_LOGON_INFO] = b"\xff" * len(li)
    elif mode == "rename":
        ci = pac_infos[PAC_CLIENT_INFO_TYPE]
        name = "mallory".encode("utf-16-le")
        pac_infos[PAC_CLIENT_INFO_TYPE] = ci[:8] + struct.pack("<H", len(name)) + name
    elif mode != "plain":
        raise SystemExit("unknown mode " + mode)


def main():
    mode = sys.argv[1]
    src = open(TICKETER).read()
    if HOOK not in src:
        raise SystemExit("ticketer.py has changed: hook point not found")
    src = src.replace(HOOK, HOOK + "        _adb_damage(pacInfos, _adb_mode)\n")
    sys.argv = [TICKETER] + sys.argv[2:]
    code = compile(src, TICKETER, "exec")
    exec(code, {"__name__": "__main__", "__file__": TICKETER,
                "_adb_damage": damage, "_adb_mode": mode})


if __name__ == "__main__":
    main()
