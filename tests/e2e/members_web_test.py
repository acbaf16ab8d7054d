#!/usr/bin/python3
"""Readers' accounts and the paywall, end to end: the real `cinepress serve`, a real SMTP server.

    /usr/bin/python3 tests/e2e/members_web_test.py BINARY

Puts a unique sentence in the locked part of an article of each access level (members, paid, one
tier), then proves it absent from every byte built (`cinepress build`) and every byte served to an
anonymous reader, a free member and a member of the wrong tier — after an entitled reader has
warmed the page cache — and present for the entitled reader: article pages, feeds, the sitemap,
search results and suggestions, JSON-LD. Readers sign in the way people do: the sign-in form,
the message from the SMTP server, its link (a page with a button) or its code. Also: forged,
reused and expired tokens, wrong codes, CSRF and cross-site posts, sign out (here and everywhere),
My Account (name, newsletters, export, delete), and an institution's network. Prints
`members_web_test: N passed, N failed`.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

BINARY = None
BASE = None
check = nc.Checks("members_web_test")

SECRETS = {
    "members": "Marmalade lighthouses whisper to the members alone.",
    "paid": "Copper violins hum only for paying readers tonight.",
    "patron": "Velvet tugboats sing exclusively for patrons at dawn.",
}
FREE_SENTENCE = {
    "members": "Everyone may read this opening about the harbour.",
    "paid": "Everyone may read this opening about the orchard.",
    "patron": "Everyone may read this opening about the quarry.",
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


class Reader:
    """A browser: its own cookies, sent back as a browser would."""

    def __init__(self, name):
        self.name = name
        self.cookies = {}

    def request(self, path, data=None, headers=None):
        url = path if path.startswith("http") else BASE + path
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
            h.setdefault("Origin", BASE)
            h.setdefault("Sec-Fetch-Site", "same-origin")
        req = urllib.request.Request(url, data=body, headers=h,
                                     method="POST" if body is not None else "GET")
        try:
            with OPENER.open(req, timeout=15) as r:
                status, hdrs, raw = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, hdrs, raw = e.code, e.headers, e.read()
        for c in hdrs.get_all("Set-Cookie") or []:
            name, _, rest = c.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in c or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return status, hdrs, raw.decode("utf-8", "replace")


def write_articles(site):
    folder = os.path.join(site, "content", "reviews")
    for level, access in (("members", "members"), ("paid", "paid"), ("patron", "[patron]")):
        paragraphs = [FREE_SENTENCE[level], "A second paragraph everyone reads.",
                      "A third paragraph everyone reads.", SECRETS[level],
                      "A last locked paragraph."]
        with open(os.path.join(folder, f"locked-{level}.md"), "w", encoding="utf-8") as f:
            f.write(f"""---
title: "Locked for {level}"
date: 2026-11-20T10:00:00Z
author_id: "maren-solheim"
summary: "A test piece for {level}."
access: {access}
---

""" + "\n\n".join(paragraphs) + "\n")


def sign_in(reader, smtp, email, use_code=False):
    """The sign-in form, the message, then its link's button or its code. Returns the message."""
    before = len(smtp.messages())
    status, _, page = reader.request("/account/sign-in/")
    fields = nc.form_fields(page)
    status, _, page = reader.request("/account/sign-in/", {"email": email, "csrf": fields["csrf"],
                                                            "website": ""})
    if status != 200 or "Check your email" not in page:
        return None, status, page
    msgs = nc.wait_for_mail(smtp, before + 1)
    if len(msgs) <= before:
        return None, 0, "no message"
    msg = msgs[-1][1]
    text = msg.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/account/sign-in/confirm/\?token=\S+", text)
    code = re.search(r"\b(\d{6})\b", text)
    if use_code:
        fields = nc.form_fields(page)
        status, headers, page = reader.request("/account/sign-in/code/", {
            "csrf": fields["csrf"], "email": email, "code": code.group(1)})
    else:
        status, _, page = reader.request(urllib.parse.urlparse(link.group(0)).path + "?" +
                                         urllib.parse.urlparse(link.group(0)).query)
        fields = nc.form_fields(page)
        status, headers, page = reader.request("/account/sign-in/confirm/", fields)
    return msg, status, page


def leaks(text, allowed):
    return [level for level, s in SECRETS.items() if level not in allowed and s in text]


def main():
    global BINARY, BASE
    BINARY = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-members-")
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    port = nc.free_port()
    BASE = f"http://127.0.0.1:{port}"
    server = None
    try:
        site = os.path.join(root, "site")
        nc.run([BINARY, "demo", site], timeout=300)
        nc.point_demo(site, BASE, smtp.port)
        write_articles(site)
        nc.run([BINARY, "import", site, "--site", site])

        # The static build holds the free parts only.
        nc.run([BINARY, "build", "--site", site], timeout=300)
        public = os.path.join(site, "public")
        built_leaks, free_found = [], 0
        for folder, _, files in os.walk(public):
            for name in files:
                with open(os.path.join(folder, name), "rb") as f:
                    data = f.read().decode("utf-8", "replace")
                for level, s in SECRETS.items():
                    if s in data:
                        built_leaks.append(f"{level} in {os.path.relpath(os.path.join(folder, name), public)}")
                if FREE_SENTENCE["paid"] in data:
                    free_found += 1
        check("no locked sentence anywhere in the static build", not built_leaks, built_leaks[:5])
        check("the free parts are in the static build", free_found >= 2, free_found)
        with open(os.path.join(public, "reviews", "locked-paid", "index.html"), encoding="utf-8") as f:
            built = f.read()
        check("the built page has the paywall box", 'class="paywall"' in built)
        ld = [json.loads(m) for m in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', built, re.S)]
        flat = json.dumps(ld)
        check("JSON-LD says the article is not free, and where the locked part is",
              '"isAccessibleForFree": false' in flat and ".story__locked" in flat, flat[:300])

        # Members, by the command line.
        nc.run([BINARY, "members", "add", "free@example.org", "--name", "Free Reader", "--site", site])
        nc.run([BINARY, "members", "add", "supporter@example.org", "--tier", "supporter",
                "--until", "2099-01-01", "--site", site])
        nc.run([BINARY, "members", "add", "patron@example.org", "--tier", "patron",
                "--until", "2099-01-01", "--site", site])

        server = subprocess.Popen([BINARY, "serve", "--site", site, "--listen", f"127.0.0.1:{port}",
                                   "--threads", "2", "--access-log", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        check("serve starts", "listening" in line, line)

        anonymous = Reader("anonymous")
        status, _, page = anonymous.request("/membership/")
        check("the membership page shows the tiers side by side",
              status == 200 and "Supporter" in page and "Patron" in page and "$5.00" in page, status)
        status, headers, _ = anonymous.request("/account/")
        check("My Account without a session goes to sign-in",
              status == 303 and headers.get("Location") == "/account/sign-in/", status)

        # The entitled reader first, to warm the cache.
        patron = Reader("patron")
        msg, status, _ = sign_in(patron, smtp, "patron@example.org")
        check("a sign-in message arrives, addressed to the reader",
              msg is not None and "patron@example.org" in str(msg["To"]), status)
        check("the link's button signs in (303 to My Account)", status == 303, status)
        cookie_names = list(patron.cookies)
        check("a session cookie is set", "cp_session" in patron.cookies, cookie_names)
        _, _, account = patron.request("/account/")
        check("My Account shows the tier", "Patron" in account and "patron@example.org" in account)
        pages = {level: f"/reviews/locked-{level}/" for level in SECRETS}
        for level, url in pages.items():
            status, headers, page = patron.request(url)
            check(f"the patron reads the {level} piece whole",
                  status == 200 and SECRETS[level] in page and 'class="paywall"' not in page, status)
        check("restricted pages are private to shared caches",
              "private" in (headers.get("Cache-Control") or ""), headers.get("Cache-Control"))

        free = Reader("free")
        msg, status, _ = sign_in(free, smtp, "free@example.org", use_code=True)
        check("the code signs in too", status == 303, status)
        supporter = Reader("supporter")
        sign_in(supporter, smtp, "supporter@example.org")

        outlets = ["/", "/feed.xml", "/atom.xml", "/reviews/", "/reviews/feed.xml", "/sitemap.xml",
                   "/archive/", "/search/?q=lighthouses", "/search/?q=violins",
                   "/search/?q=tugboats", "/search/suggest.json?q=velvet",
                   "/search/?q=%22copper+violins%22", "/404-nothing-here/"]
        for reader, allowed in ((anonymous, set()), (free, {"members"}),
                                (supporter, {"members", "paid"})):
            found = []
            for url in list(pages.values()) + outlets:
                status, _, page = reader.request(url)
                for level in leaks(page, allowed):
                    found.append(f"{level} at {url}")
            check(f"nothing locked reaches the {reader.name} reader, in any outlet", not found, found)
            for level in allowed:
                _, _, page = reader.request(pages[level])
                check(f"the {reader.name} reader reads the {level} piece whole", SECRETS[level] in page)
        _, _, page = anonymous.request(pages["paid"])
        check("the anonymous reader sees the free part and the paywall box",
              FREE_SENTENCE["paid"] in page and 'class="paywall"' in page and "Supporter" in page)
        _, _, results = anonymous.request("/search/?q=violins")
        check("a locked part is still matched by search (not quoted)",
              "Locked for paid" in results, results[-500:])

        # Tokens and forms that must be refused.
        status, _, _ = anonymous.request("/account/sign-in/confirm/", {"token": "forged", "csrf": "x"})
        check("a post without the form's CSRF token is refused", status == 403, status)
        status, _, page = anonymous.request("/account/sign-in/")
        fields = nc.form_fields(page)
        status, _, _ = anonymous.request("/account/sign-in/", {"email": "x@example.org",
                                                               "csrf": fields["csrf"]},
                                         headers={"Origin": "https://evil.example",
                                                  "Sec-Fetch-Site": "cross-site"})
        check("a cross-site post is refused", status == 403, status)
        reused = re.search(r"/account/sign-in/confirm/\?token=(\S+)",
                           smtp.messages()[0][1].get_body(("plain",)).get_content()).group(1)
        _, _, page = anonymous.request("/account/sign-in/confirm/?token=" + reused)
        status, _, page = anonymous.request("/account/sign-in/confirm/", nc.form_fields(page))
        check("a used link is refused, clearly", status == 400 and "used already" in page, status)
        check("a refused link sets no session", "cp_session" not in anonymous.cookies)
        _, _, page = anonymous.request("/account/sign-in/confirm/?token=" + reused[:-3] + "AAA")
        status, _, page = anonymous.request("/account/sign-in/confirm/", nc.form_fields(page))
        check("a forged link is refused", status == 400 and "not valid" in page, status)
        forged = Reader("forged")
        forged.cookies = {"cp_session": "A" * 43}
        _, _, page = forged.request(pages["paid"])
        check("a forged session cookie reads as anonymous", SECRETS["paid"] not in page)
        status, _, page = anonymous.request("/account/sign-in/")
        status, _, page = anonymous.request("/account/sign-in/", {"email": "nobody@example.org",
                                                                   "csrf": nc.form_fields(page)["csrf"]})
        answer_new = re.sub(r"nobody@example.org", "X", page)
        _, _, page2 = anonymous.request("/account/sign-in/")
        _, _, page2 = anonymous.request("/account/sign-in/", {"email": "free@example.org",
                                                               "csrf": nc.form_fields(page2)["csrf"]})
        check("the answer is the same for a new and a known address",
              re.sub(r"free@example.org", "X", page2) == answer_new)
        wrong = 0
        for _ in range(6):
            status, _, page = anonymous.request("/account/sign-in/code/", {
                "csrf": nc.form_fields(page2)["csrf"], "email": "free@example.org", "code": "000000"})
            wrong += status == 400
        latest = smtp.messages()[-1][1].get_body(("plain",)).get_content()
        real_code = re.search(r"\b(\d{6})\b", latest).group(1)
        status, _, _ = anonymous.request("/account/sign-in/code/", {
            "csrf": nc.form_fields(page2)["csrf"], "email": "free@example.org", "code": real_code})
        check("five wrong codes burn the code", wrong == 6 and status == 400, (wrong, status))

        # My Account.
        _, _, account = free.request("/account/")
        status, _, _ = free.request("/account/name/", {"csrf": nc.form_fields(account)["csrf"],
                                                      "name": "Renamed Reader"})
        _, _, account = free.request("/account/")
        check("the name is saved", status == 200 and "Renamed Reader" in account, status)
        status, headers, data = free.request("/account/export.json")
        exported = json.loads(data) if status == 200 else {}
        check("export my data gives JSON with my address",
              status == 200 and "free@example.org" in data, status)
        status, _, _ = free.request("/account/newsletters/", {"csrf": nc.form_fields(account)["csrf"],
                                                             "list": ["weekly", "dispatch"]})
        out = nc.run([BINARY, "subscribers", "export", "--site", site]).stdout
        row = next((l for l in out.splitlines() if "free@example.org" in l), "")
        check("a free member joins the weekly but not the paid members' dispatch",
              status == 303 and "weekly" in row and "dispatch" not in row, (status, row, out))

        # The patron's private full-text feed: a credential in its address, rotated on demand.
        _, _, account = patron.request("/account/")
        _, _, page = patron.request("/account/feed/", {"csrf": nc.form_fields(account)["csrf"]})
        feed_url = re.search(r"(/feeds/private/[A-Za-z0-9_-]+/feed\.xml)", page)
        check("My Account gives a private feed address", feed_url is not None)
        if feed_url:
            status, headers, feed = Reader("feed reader").request(feed_url.group(1))
            check("the private feed carries the patron's locked pieces whole, without a cookie",
                  status == 200 and SECRETS["patron"] in feed and SECRETS["paid"] in feed, status)
            check("the private feed is never kept by a shared cache",
                  "no-store" in (headers.get("Cache-Control") or ""))
            patron.request("/account/feed/", {"csrf": nc.form_fields(account)["csrf"]})
            status, _, _ = Reader("feed reader").request(feed_url.group(1))
            check("a replaced private feed address stops working", status == 404, status)
        status, _, _ = Reader("guesser").request("/feeds/private/" + "B" * 43 + "/feed.xml")
        check("a guessed private feed address is 404", status == 404, status)

        # Sign out here, and everywhere.
        second = Reader("patron-phone")
        sign_in(second, smtp, "patron@example.org", use_code=True)
        _, _, account = patron.request("/account/")
        status, _, _ = patron.request("/account/sign-out/", {"csrf": nc.form_fields(account)["csrf"]})
        _, _, page = patron.request(pages["patron"])
        check("after signing out, the locked part is gone", status == 303 and
              SECRETS["patron"] not in page, status)
        _, _, page = second.request(pages["patron"])
        check("the other device is still signed in", SECRETS["patron"] in page)
        _, _, account = second.request("/account/")
        second.request("/account/sign-out-everywhere/", {"csrf": nc.form_fields(account)["csrf"]})
        phone_cookie = dict(second.cookies)
        sign_in(patron, smtp, "patron@example.org", use_code=True)
        _, _, account = patron.request("/account/")
        patron.request("/account/sign-out-everywhere/", {"csrf": nc.form_fields(account)["csrf"]})
        stale = Reader("stale")
        stale.cookies = phone_cookie
        stale.cookies["cp_session"] = patron.cookies.get("cp_session", "gone")
        _, _, page = stale.request(pages["patron"])
        check("sign out everywhere ends every session", SECRETS["patron"] not in page)

        # Delete my account.
        _, _, account = free.request("/account/")
        status, _, page = free.request("/account/delete/", {"csrf": nc.form_fields(account)["csrf"],
                                                           "confirm": "yes"})
        check("delete my account", status == 200 and "deleted" in page, status)
        shown = nc.run([BINARY, "members", "show", "free@example.org", "--site", site], check=False)
        check("the deleted member's address is gone", shown.returncode != 0, shown.stdout)

        # An institution: its network reads as its tier without signing in.
        nc.run([BINARY, "institutions", "add", "Ridgeway Library", "--ip", "127.0.0.0/8",
                "--tier", "supporter", "--seats", "10", "--until", "2099-01-01", "--site", site])
        deadline, page = time.monotonic() + 5, ""
        while time.monotonic() < deadline:
            _, _, page = Reader("library").request(pages["paid"])
            if SECRETS["paid"] in page:
                break
            time.sleep(0.2)
        check("a reader on the institution's network reads the paid piece",
              SECRETS["paid"] in page and "Access provided by Ridgeway Library" in page)
        _, _, page = Reader("library").request(pages["patron"])
        check("but not what its tier does not open", SECRETS["patron"] not in page)
        time.sleep(1.5)  # usage counts reach the store within a second
        month = time.strftime("%Y-%m", time.gmtime())
        report = nc.run([BINARY, "institutions", "report", "--month", month, "--csv",
                         "--site", site]).stdout
        row = next((l for l in report.splitlines() if "Ridgeway" in l), "")
        numbers = [int(x) for x in re.findall(r"(?<![\w-])(\d+)(?![\w-])", row)]
        check("the institution's report counts its views and its refusal",
              row != "" and len(numbers) >= 3 and numbers[-3] >= 1 and numbers[-1] >= 1,
              report)
    finally:
        check.finish(root, server, smtp)


if __name__ == "__main__":
    main()
