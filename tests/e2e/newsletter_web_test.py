#!/usr/bin/python3
"""The reader's side of newsletters, end to end: the real `cinepress serve`, a real SMTP server.

    /usr/bin/python3 tests/e2e/newsletter_web_test.py BINARY

Signs up through the form on an article page, reads the confirmation message from the SMTP
server, follows its link, presses the confirm button (a POST with its CSRF token), sends an
issue with `cinepress newsletter send`, unsubscribes with the message's RFC 8058 one-click POST,
changes lists on the preferences page, and checks the honeypot, the per-IP limit, the single
answer for known and unknown addresses, forged links and CSRF. Prints
`newsletter_web_test: N passed, N failed`.
"""

import html
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



class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(path, data=None, content_type="application/x-www-form-urlencoded", extra_headers=None):
    url = path if path.startswith("http") else BASE + path
    body = None
    headers = dict(extra_headers or {})
    if data is not None:
        body = data.encode() if isinstance(data, str) else urllib.parse.urlencode(data, doseq=True).encode()
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=body, headers=headers, method="POST" if body is not None else "GET")
    try:
        with OPENER.open(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8", "replace")


def exported(site):
    out = nc.run([BINARY, "subscribers", "export", "--site", site]).stdout
    rows = {}
    for line in out.splitlines()[1:]:
        cells = next(iter(__import__("csv").reader([line])))
        rows[cells[0]] = cells[2].split()
    return rows


check = nc.Checks("newsletter_web_test")


def main():
    global BINARY, BASE
    BINARY = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-nlweb-")
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    port = nc.free_port()
    BASE = f"http://127.0.0.1:{port}"
    server = None
    try:
        site = nc.make_site(BINARY, root, smtp.port, base_url=BASE)
        server = subprocess.Popen([BINARY, "serve", "--site", site, "--listen", f"127.0.0.1:{port}",
                                   "--threads", "2", "--access-log", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        check("serve starts", "listening" in line, line + server.stderr.read() if "listening" not in line else "")

        # The newsletter's own page and the form on every article.
        status, headers, page = request("/newsletters/weekly/")
        check("the newsletter page", status == 200 and 'action="/newsletters/subscribe/"' in page
              and "Changeover Weekly" in page, status)
        check("newsletter pages are not cached", headers.get("Cache-Control") == "no-store")
        _, _, sitemap = request("/sitemap.xml")
        article = next(u for u in re.findall(r"<loc>([^<]+)</loc>", sitemap) if "/reviews/" in u and u.count("/") > 4)
        _, _, article_page = request(urllib.parse.urlparse(article).path)
        check("an article page has the sign-up form", 'name="website"' in article_page
              and 'value="weekly" checked' in article_page and 'value="daily"' in article_page)
        status, _, _ = request("/newsletters/nope/")
        check("an unknown newsletter is 404", status == 404)
        status, _, _ = request(urllib.parse.urlparse(article).path, {"email": "x@y.example"})
        check("POST elsewhere is still 405", status == 405, status)

        # Sign-up: the same answer for a new and for a known address; honeypot; bad input.
        form = {"email": "zoe@example.org", "name": "Zoë Ménard", "list": ["weekly", "daily"],
                "website": "", "from": "/reviews/x/"}
        s1, _, first = request("/newsletters/subscribe/", form)
        check("sign-up answers 'check your inbox'", s1 == 200 and "a message is on its way" in first, s1)
        msgs = nc.wait_for_mail(smtp, 1)
        check("a confirmation message arrives", len(msgs) == 1, len(msgs))
        confirm = msgs[0][1]
        text = confirm.get_body(("plain",)).get_content()
        links = re.findall(r"https?://\S+/confirm/\S+/", text)
        check("it has a confirm link per newsletter", len(links) == 2 and BASE in links[0], links)
        check("it is addressed to the reader", "zoe@example.org" in str(confirm["To"]))
        bot = dict(form, email="bot@example.org", website="http://spam.example")
        s2, _, bot_page = request("/newsletters/subscribe/", bot)
        check("a filled honeypot gets the same answer", s2 == 200 and bot_page == first)
        s3, _, bad = request("/newsletters/subscribe/", dict(form, email="not-an-address"))
        check("a bad address is sent back to the form", s3 == 400 and 'name="email"' in bad, s3)

        # Confirm: the link opens a page with a button; the POST needs its CSRF token.
        weekly_link = next(l for l in links if "/weekly/" in l)
        status, headers, page = request(weekly_link)
        fields = nc.form_fields(page)
        check("the confirm link shows a button, not a confirmation",
              status == 200 and "Confirm my subscription" in page and "csrf" in fields, status)
        check("token pages send no referrer", headers.get("Referrer-Policy") == "no-referrer")
        check("nothing is confirmed by opening the link", "zoe@example.org" not in exported(site))
        status, _, _ = request(weekly_link, {"csrf": "forged"})
        check("a POST without the right CSRF token is refused", status == 403, status)
        status, _, done = request(weekly_link, {"csrf": html.unescape(fields["csrf"])})
        check("pressing the button confirms", status == 200 and "You are subscribed" in done, status)
        check("the store has the confirmed list", exported(site).get("zoe@example.org") == ["weekly"],
              exported(site))
        known_before = len(smtp.messages())
        s4, _, again = request("/newsletters/subscribe/", dict(form, list="weekly"))
        check("a known address gets the same answer", s4 == 200 and again == first)
        time.sleep(0.5)
        check("and no message for a list already confirmed", len(smtp.messages()) == known_before)
        forged = weekly_link.replace("/confirm/1-", "/confirm/2-")
        status, _, _ = request(forged)
        check("a forged confirm link is 404", status == 404, status)

        # An issue goes out; its one-click unsubscribe works through the real server.
        sent = nc.run([BINARY, "newsletter", "send", "weekly", "--site", site])
        check("the issue is sent", "1 sent" in sent.stdout, sent.stdout)
        issue = [m for _, m in nc.wait_for_mail(smtp, known_before + 1)
                 if str(m["Message-ID"]).startswith("<cinepress.1.")]
        check("the reader receives it", len(issue) == 1)
        msg = issue[0]
        problems = nc.check_message(msg, "weekly", BASE)
        check("the issue is a correct newsletter message", not problems, problems)
        unsubscribe = str(msg["List-Unsubscribe"]).strip("<>")
        status, _, page = request(unsubscribe)
        check("the visible unsubscribe link shows a button", status == 200 and "Unsubscribe" in page)
        check("opening it unsubscribes nobody", exported(site).get("zoe@example.org") == ["weekly"])
        status, _, _ = request(unsubscribe, "List-Unsubscribe=Nope")
        check("a POST without List-Unsubscribe=One-Click is refused", status == 400, status)
        status, _, page = request(unsubscribe, "List-Unsubscribe=One-Click")
        check("RFC 8058 one-click POST unsubscribes", status == 200 and "unsubscribed" in page, status)
        check("the reader is off the list", "zoe@example.org" not in exported(site), exported(site))

        # Preferences by signed link: choose lists, unsubscribe from all; CSRF enforced.
        prefs = re.search(r'href="(/newsletters/preferences/[^"]+)"', page)
        check("the unsubscribe page links to the preferences page", prefs is not None)
        status, _, page = request(prefs.group(1))
        fields = nc.form_fields(page)
        check("the preferences page lists every newsletter",
              status == 200 and 'value="weekly"' in page and 'value="daily"' in page, status)
        status, _, _ = request(prefs.group(1), {"csrf": "x", "list": "daily", "action": "save"})
        check("preferences without the CSRF token are refused", status == 403, status)
        status, _, page = request(prefs.group(1), {"csrf": html.unescape(fields["csrf"]),
                                                   "list": ["daily", "weekly"], "action": "save"})
        check("choosing lists saves them", status == 200 and "Saved" in page, status)
        check("the store has both lists", sorted(exported(site).get("zoe@example.org", [])) == ["daily", "weekly"])
        status, _, page = request(prefs.group(1), {"csrf": html.unescape(fields["csrf"]),
                                                   "action": "unsubscribe_all"})
        check("unsubscribe from all", status == 200 and "every newsletter" in page, status)
        check("the reader is on no list", "zoe@example.org" not in exported(site))
        old_list = os.path.join(root, "old.csv")
        with open(old_list, "w", encoding="utf-8") as f:
            f.write("email,name,lists,consent_date\nzoe@example.org,,weekly daily,2020-01-01\n")
        p = nc.run([BINARY, "subscribers", "import", old_list, "--site", site])
        check("an old list imported again does not bring back a reader who left",
              "zoe@example.org" not in exported(site) and "2 subscriptions left cancelled" in p.stdout,
              p.stdout)

        # Every kind of newsletter page is valid HTML (the Nu Html Checker, when installed).
        vnu = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "node_modules",
                           "vnu-jar", "build", "dist", "vnu.jar")
        if os.path.exists(vnu):
            pages = {"article": article_page, "newsletter": request("/newsletters/weekly/")[2],
                     "confirm": request(weekly_link)[2], "preferences": request(prefs.group(1))[2],
                     "unsubscribe": request(unsubscribe)[2]}
            folder = os.path.join(root, "pages")
            os.makedirs(folder)
            for name, text in pages.items():
                with open(os.path.join(folder, name + ".html"), "w", encoding="utf-8") as f:
                    f.write(text)
            p = nc.run(["java", "-Xss2m", "-jar", vnu, "--errors-only", folder], check=False)
            check("the newsletter pages and the article form are valid HTML", p.returncode == 0,
                  p.stdout + p.stderr)
        else:
            print("skip HTML validation (no node_modules/vnu-jar: scripts/setup.sh --test)")

        # A reader in a real browser with JavaScript off: the article's form, then the button.
        here = os.path.dirname(os.path.abspath(__file__))
        browser_script = os.path.join(here, "newsletter_browser.mjs")
        if os.path.isdir(os.path.join(here, "..", "..", "node_modules", "playwright-core")) \
                and os.path.exists("/usr/bin/chromium"):
            before = len(smtp.messages())
            p = nc.run(["node", browser_script, "signup", article, "ana@example.org"], check=False,
                       cwd=os.path.join(here, "..", ".."), timeout=90)
            check("a browser without JavaScript signs up with the article's form",
                  p.returncode == 0 and "a message is on its way" in p.stdout, p.stdout + p.stderr)
            msgs = nc.wait_for_mail(smtp, before + 1)
            link = re.search(r"https?://\S+/weekly/confirm/\S+/",
                             msgs[-1][1].get_body(("plain",)).get_content()) if len(msgs) > before else None
            p = nc.run(["node", browser_script, "confirm", link.group(0) if link else BASE], check=False,
                       cwd=os.path.join(here, "..", ".."), timeout=90)
            check("and confirms with the button in the message's page",
                  p.returncode == 0 and "You are subscribed" in p.stdout
                  and exported(site).get("ana@example.org") == ["weekly"], p.stdout + p.stderr)
        else:
            print("skip the browser (no node_modules/playwright-core or /usr/bin/chromium)")

        # The per-IP limit: 5 sign-ups in 10 minutes (all used above), then 429.
        codes = [request("/newsletters/subscribe/", dict(form, email=f"r{i}@example.org"))[0] for i in range(4)]
        check("sign-ups from one address are limited", 429 in codes, codes)
        # No proxy is trusted (serve --trusted-proxy): a stranger's X-Forwarded-For changes nothing.
        forged = request("/newsletters/subscribe/", dict(form, email="forged@example.org"),
                         extra_headers={"X-Forwarded-For": "203.0.113.99"})[0]
        check("a forged X-Forwarded-For does not get around the limit", forged == 429, forged)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        check.finish(root, server, smtp)


if __name__ == "__main__":
    main()
