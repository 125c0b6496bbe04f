#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# tests/e2e/apache_browser.py URL SCREENSHOT MODE [PASSWORD_FILE USER]
# Debian's headless Chromium (through chromedriver and python3-selenium)
# loads URL from the Apache sample and prints the rendered text of the
# page's #user, #role, #rights and #how elements, one "id: text" per line;
# a screenshot of the page goes to SCREENSHOT.
#   MODE negotiate: the server is allow-listed for Negotiate; the ticket
#        comes from $KRB5CCNAME (set by the caller); the profile's Local
#        State has GSSAPI enabled and the SPN's CNAME lookup off;
#   MODE basic: no allow-list (Chromium will not do Negotiate) and the
#        password (first line of PASSWORD_FILE) and USER are given as the
#        URL's userinfo, which Chromium answers the Basic challenge with.
# Runs inside the bed's namespace; the host name is mapped to the server's
# loopback address with --host-resolver-rules (ADB_RESOLVE "HOST ADDR");
# only the server's own certificate is accepted (ADB_SPKI, its SPKI hash).
import json
import os
import sys
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def main():
    url, shot, mode = sys.argv[1:4]
    host, addr = os.environ["ADB_RESOLVE"].split()
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/lib/chromium/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--no-first-run",
              "--disable-background-networking", "--disable-crash-reporter", "--window-size=900,500",
              "--user-data-dir=" + os.environ["ADB_PROFILE"],
              "--host-resolver-rules=MAP %s %s" % (host, addr),
              "--ignore-certificate-errors-spki-list=" + os.environ["ADB_SPKI"]):
        opts.add_argument(a)
    # the net log (default capture mode: no cookies or credentials) for a
    # failed Negotiate; never with a password in the URL
    if os.environ.get("ADB_NETLOG") and mode == "negotiate":
        opts.add_argument("--log-net-log=" + os.environ["ADB_NETLOG"])
    if mode == "negotiate":
        opts.add_argument("--auth-server-allowlist=" + host)
        # Chromium on Linux loads the GSSAPI library only once a Negotiate
        # challenge has been seen (the local-state pref below; it then
        # restarts its network service), so a fresh profile's first
        # challenge would go unanswered. And it asks for HTTP@<canonical
        # name>, which --host-resolver-rules makes the address: the SPN
        # is to be the URL's host name.
        with open(os.path.join(os.environ["ADB_PROFILE"], "Local State"), "w",
                  encoding="utf-8") as f:
            json.dump({"net": {"received_http_auth_negotiate_headers": True},
                       "auth": {"disable_negotiate_cname_lookup": True}}, f)
    elif mode == "basic":
        with open(sys.argv[4], encoding="utf-8") as f:
            pw = f.readline().rstrip("\n")
        p = urllib.parse.urlsplit(url)
        cred = "%s:%s@" % (urllib.parse.quote(sys.argv[5], safe=""),
                           urllib.parse.quote(pw, safe=""))
        url = urllib.parse.urlunsplit((p.scheme, cred + p.netloc, p.path,
                                       p.query, p.fragment))
    else:
        raise SystemExit("mode must be negotiate or basic")
    drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        drv.set_page_load_timeout(30)
        drv.get(url)
        drv.save_screenshot(shot)
        print("title: " + drv.title)
        for i in ("user", "role", "rights", "how"):
            els = drv.find_elements(By.ID, i)
            print("%s: %s" % (i, els[0].text if els else "(absent)"))
    finally:
        drv.quit()


if __name__ == "__main__":
    main()
