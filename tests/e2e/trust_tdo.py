#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""AD's side of the test bed's trust, for tests/e2e/test_trust_wizard.sh.

  trust_tdo.py reset DIR PWFILE KVNO   delete AD's TDO for LOCAL.EXAMPLE and
                                       create it again (tb_ad.py's way: LSA
                                       CreateTrustedDomainEx2, UPLEVEL,
                                       two-way, AES) with the password in
                                       PWFILE; KVNO "" stamps no version, so
                                       Samba sends kvno 0 as Windows does

Stands in for the Windows side of `netdom trust ... /add /realm`.  The
password is read from a file and never printed.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "testbed"))
import tb_ad  # noqa: E402
from samba.dcerpc import lsa, security  # noqa: E402


def main():
    if len(sys.argv) != 5 or sys.argv[1] != "reset":
        sys.exit("usage: trust_tdo.py reset DIR PWFILE KVNO")
    d = os.path.abspath(sys.argv[2])
    pw = tb_ad.read_secret(sys.argv[3])
    lp = tb_ad.load_lp(d)
    binding = "ncalrpc:%s[,auth_type=ncalrpc_as_system]" % lp.get("netbios name")
    conn = lsa.lsarpc(binding, lp, None)
    attr = lsa.ObjectAttribute()
    attr.sec_qos = lsa.QosInfo()
    policy = conn.OpenPolicy2("", attr, lsa.LSA_POLICY_TRUST_ADMIN
                              | lsa.LSA_POLICY_VIEW_LOCAL_INFORMATION
                              | lsa.LSA_POLICY_CREATE_SECRET)
    try:
        conn.DeleteTrustedDomain(policy, security.dom_sid(tb_ad.LOCAL_SID))
    except Exception as e:  # not there: nothing to delete
        print("no TDO to delete (%s)" % e.args[-1], file=sys.stderr)
    tb_ad.read_secret = lambda path: pw
    os.environ["TB_TRUST_KVNO"] = sys.argv[4]
    tb_ad.trust(d)


if __name__ == "__main__":
    main()
