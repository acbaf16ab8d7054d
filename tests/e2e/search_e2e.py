#!/usr/bin/python3
"""End-to-end tests of search with the real binary: `cinepress serve` on the demo magazine.

    /usr/bin/python3 tests/e2e/search_e2e.py BINARY

Makes the demo magazine, builds it, serves it on a free 127.0.0.1 port and checks: the search
page and the suggestions (folding, prefixes, Korean and Japanese, phrases, filters), that an
article imported by a second `cinepress import` process is found at once and gone at once when
it is deleted, that drafts and scheduled articles are never found, hostile queries (raw bytes
included), the static index served beside the live search, and the search pages' HTML with the
Nu Html Checker.

Standard library only; every socket has a timeout and only 127.0.0.1 is used. Prints
`search_e2e: N passed, N failed` and exits 1 on any failure.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

BINARY = os.path.realpath(sys.argv[1]) if len(sys.argv) > 1 else None
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
VNU = os.path.join(REPO, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
passed, failed = 0, 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}" + (f": {detail}" if detail else ""), flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, site, port):
        self.port = port
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--site", site, "--listen", f"127.0.0.1:{port}", "--threads", "2",
             "--access-log", "off"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("cinepress serve did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def get(port, target, method="GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        start = time.monotonic()
        conn.request(method, target)
        r = conn.getresponse()
        body = r.read()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), body, time.monotonic() - start
    finally:
        conn.close()


def raw_get(port, target_bytes):
    """A request line with any bytes in it; returns the status code (0: no answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET " + target_bytes + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    m = re.match(rb"HTTP/1\.1 (\d+)", data)
    return int(m.group(1)) if m else 0


def search(port, q, **params):
    query = urllib.parse.urlencode({"q": q, **params})
    status, headers, body, _ = get(port, f"/search/?{query}")
    return status, body.decode("utf-8", "replace")


def suggest(port, q):
    status, headers, body, _ = get(port, "/search/suggest.json?" + urllib.parse.urlencode({"q": q}))
    return status, headers, json.loads(body) if status == 200 else None


def hit_urls(page):
    return re.findall(r'<h3 class="search-hit__title"><a href="([^"]+)"', page)


def count_of(page):
    m = re.search(r'<h2 class="search-results__count">(\d+) results?</h2>', page)
    return int(m.group(1)) if m else -1


def article(title, date, body, extra=""):
    return f'---\ntitle: "{title}"\ndate: {date}\n{extra}---\n\n{body}\n'


def import_site(site):
    r = subprocess.run([BINARY, "import", site, "--site", site, "--prune"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=120)
    check(r.returncode == 0, "cinepress import", r.stdout.decode()[-400:])


def main():
    if not BINARY or not os.access(BINARY, os.X_OK):
        print("usage: search_e2e.py BINARY", file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="cinepress-search-e2e.")
    server = None
    try:
        site = os.path.join(tmp, "site")
        subprocess.run([BINARY, "demo", site], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([BINARY, "build", "--site", site], check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        server = Server(site, port)

        # The page: works without JavaScript, answers from the server.
        status, headers, body, _ = get(port, "/search/")
        page = body.decode()
        check(status == 200 and "data-live" in page and 'name="q"' in page, "GET /search/",
              f"{status}")
        check(headers.get("cache-control") == "no-cache", "search pages are not cached",
              headers.get("cache-control"))
        status, page = search(port, "park seo-yeon")
        check(status == 200 and "/interviews/park-seo-yeon/" in hit_urls(page)[:2],
              "a name finds its interview first", hit_urls(page))
        check("<mark>" in page, "snippets mark the match")
        # Folding: no accents, no capitals.
        for q, url in [("lucja bakowska", "/interviews/lucja-bakowska/"),
                       ("KJAERGAARD", "/interviews/anders-kjaergaard/"),
                       ("kolodziej", "/reviews/winter-quarters/"),
                       ("bakow", "/interviews/lucja-bakowska/"),  # a prefix, while typing
                       ("위층", "/reviews/the-tenant-upstairs/"),  # Korean original title
                       ("박서연", "/interviews/park-seo-yeon/"),
                       ("終電", "/reviews/summer-of-the-last-train/")]:  # Japanese original title
            status, page = search(port, q)
            check(status == 200 and url in hit_urls(page), f"search {q!r} finds {url}",
                  hit_urls(page)[:5])
        # Phrases and filters.
        status, page = search(port, '"sound of an empty room"')
        check(hit_urls(page)[:1] == ["/interviews/park-seo-yeon/"], "a phrase", hit_urls(page))
        status, all_page = search(port, "berlinale")
        status, festivals = search(port, "berlinale", kind="festivals")
        status, essays = search(port, "berlinale", kind="interviews")
        check(count_of(all_page) > count_of(festivals) > 0, "the kind filter narrows",
              f"{count_of(all_page)} {count_of(festivals)}")
        check(all(u.startswith("/festivals/") for u in hit_urls(festivals)),
              "the kind filter keeps its kind", hit_urls(festivals))
        status, edition = search(port, "film", edition="tiff-2025")
        hub = get(port, "/festivals/tiff/2025/")[2].decode()
        check(count_of(edition) > 0 and all(f'href="{u}"' in hub for u in hit_urls(edition)),
              "the festival edition filter keeps the edition's articles", hit_urls(edition))
        # Pagination.
        status, page1 = search(port, "film")
        status, page2 = search(port, "film", page="2")
        check(count_of(page1) > 10 and set(hit_urls(page1)).isdisjoint(hit_urls(page2))
              and hit_urls(page2), "pages of results", f"{count_of(page1)}")
        # Suggestions.
        status, headers, data = suggest(port, "tena")
        check(status == 200 and headers.get("content-type", "").startswith("application/json")
              and any(r["url"] == "/reviews/the-tenant-upstairs/" for r in data["results"]),
              "suggest.json", data)
        for r in (data or {}).get("results", []):
            check(get(port, r["url"])[0] == 200, f"a suggestion's page exists: {r['url']}")

        # A second process imports: found at once; deleted: gone at once.
        new = os.path.join(site, "content", "reviews", "zeppelin-summer.md")
        with open(new, "w") as f:
            f.write(article("Zeppelin Summer", "2024-05-01",
                            "An airship drifts over the zeppelinology museum.",
                            "summary: \"Airships.\"\n"))
        import_site(site)
        status, page = search(port, "zeppelinology")
        check(hit_urls(page) == ["/reviews/zeppelin-summer/"], "found at once after an import",
              hit_urls(page))
        status, headers, data = suggest(port, "zeppelin summ")
        check(data and data["results"] and data["results"][0]["url"] == "/reviews/zeppelin-summer/",
              "suggested at once after an import", data)
        os.remove(new)
        import_site(site)
        status, page = search(port, "zeppelinology")
        check(count_of(page) == 0 and not hit_urls(page), "gone at once after a deletion",
              hit_urls(page))
        # Drafts and scheduled articles are never found, nor quoted.
        with open(os.path.join(site, "content", "reviews", "secret-draft.md"), "w") as f:
            f.write(article("Secret Draft", "2024-05-01", "The quixotiquely embargoed verdict.",
                            "draft: true\n"))
        with open(os.path.join(site, "content", "reviews", "scheduled.md"), "w") as f:
            f.write(article("Scheduled", "2099-05-01", "A quixotiquely early review."))
        import_site(site)
        for q in ("quixotiquely", "embargoed verdict", "secret draft"):
            status, page = search(port, q)
            check(status == 200 and count_of(page) == 0 and "embargoed verdict" not in page.lower()
                  .replace(q, "") and "early review" not in page
                  and "/reviews/secret-draft/" not in page and "/reviews/scheduled/" not in page,
                  f"unpublished text never appears ({q})")
            status, headers, data = suggest(port, q)
            check(data is not None and all("secret" not in r["url"] and "scheduled" not in r["url"]
                                           for r in data["results"]), f"nor in suggestions ({q})")

        # Hostile queries: a page or an empty list, quickly.
        hostile = ['"', '"""', 'title:park', "park AND", "OR OR NEAR(", "NOT park", "park*",
                   "'; DROP TABLE articles; --", "a" * 5000, '"' * 1500, "\u0000park",
                   "{title}: park", "^park", "park -seo"]
        for q in hostile:
            for path in ("/search/?", "/search/suggest.json?"):
                status, headers, body, elapsed = get(port, path + urllib.parse.urlencode({"q": q}))
                check(status == 200 and elapsed < 2.0, f"hostile {q[:20]!r} at {path}",
                      f"{status} in {elapsed:.2f}s")
        for raw in (b"/search/?q=%FF%FE%C0%AF", b"/search/?q=\xff\xfe", b"/search/?q=%",
                    b"/search/?q=%zz&page=-1&year=x", b"/search/?&&==&q",
                    b"/search/suggest.json?q=%ED%A0%80"):
            status = raw_get(port, raw)
            check(status in (200, 400), f"raw {raw!r}", str(status))
        status, _, body, _ = get(port, "/search/?q=%3Cscript%3Ealert(1)%3C/script%3E")
        check(b"<script>alert" not in body and b"&lt;script&gt;" in body, "the query is escaped")
        status, headers, body, _ = get(port, "/search/?q=park", method="HEAD")
        check(status == 200 and body == b"", "HEAD /search/", str(status))
        check(server.proc.poll() is None, "the server is still up")

        # The static index is served too, for the theme's script.
        status, headers, body, _ = get(port, "/search/index/manifest.json")
        check(status == 200 and json.loads(body)["documents"] > 40, "the static index is served")

        # The live search pages are valid HTML.
        pages = {}
        for name, target in [("empty", "/search/"), ("results", "/search/?q=park+seo"),
                             ("filtered", "/search/?q=film&kind=reviews&page=2"),
                             ("none", "/search/?q=qqqqqqqq"), ("hostile", "/search/?q=%22%3C%3E")]:
            pages[name] = get(port, target)[2]
        html_dir = os.path.join(tmp, "html")
        os.makedirs(html_dir)
        for name, body in pages.items():
            with open(os.path.join(html_dir, name + ".html"), "wb") as f:
                f.write(body)
        if os.path.isfile(VNU):
            r = subprocess.run(["java", "-Xss2m", "-jar", VNU, "--errors-only", "--format", "json",
                                html_dir], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=300)
            check(r.stderr.strip().startswith(b"{"), "the Nu Html Checker ran", r.stderr[-300:])
            messages = json.loads(r.stderr or b"{}").get("messages", [])
            errors = [f"{m.get('url', '').rsplit('/', 1)[-1]}: {m.get('message')}" for m in messages
                      if m.get("type") == "error"]
            check(not errors, "the Nu Html Checker finds no errors in live search pages",
                  "; ".join(errors[:5]))
        else:
            check(False, "vnu.jar is missing (run scripts/setup.sh --test)")
    finally:
        if server:
            server.stop()
        if failed == 0:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"search_e2e: kept {tmp}")
    print(f"search_e2e: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
