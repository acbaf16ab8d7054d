#!/usr/bin/python3
"""The Content API end to end: the real `cinepress serve` on the demo magazine, asked with a real
HTTP client (urllib).

    /usr/bin/python3 tests/e2e/api_test.py BINARY

`cinepress integrations add` prints the keys once; the API refuses requests without a key, with
a wrong one and with the Admin API key (401, JSON errors with stable codes); answers with CORS for
any origin and to preflights; lists articles in Ghost's shape with filters (tag, author,
section, and, or), pagination (limit, page, all), include and fields; shows a restricted article's
free part only, with its visibility; lists authors, tags, films, people and festivals; answers an
ETag with 304; every path of /api/openapi.json is served; a rotated key stops at once, a removed
integration's too. Prints `api_test: N passed, N failed`.
"""

import hashlib
import hmac
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

check = nc.Checks("api_test")
BASE = ""


def get(path, method="GET", headers=None):
    """(status, headers, body text) of one request."""
    req = urllib.request.Request(BASE + path, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8")


SECRET = "webhook-secret-of-the-test"


def signed(signature, body, secret):
    """Whether `X-Cinepress-Signature: signature` signs `body` (bytes) with `secret`."""
    parts = dict(p.split("=", 1) for p in signature.split(",") if "=" in p)
    expected = hmac.new(secret.encode(), parts.get("t", "").encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


class Receiver(http.server.BaseHTTPRequestHandler):
    """A webhook receiver: records each POST with whether its signature is right; /flaky answers
    500 to each delivery's first try."""

    received = []  # (path, event, delivery id, signature ok, body as JSON, status answered)
    raw = []  # (path, X-Cinepress-Signature, body bytes): for webhooks with secrets of their own
    tried = set()

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        signature = self.headers.get("X-Cinepress-Signature", "")
        Receiver.raw.append((self.path, signature, body))
        delivery = self.headers.get("X-Cinepress-Delivery", "")
        status = 200
        if self.path == "/flaky" and delivery not in Receiver.tried:
            Receiver.tried.add(delivery)
            status = 500
        Receiver.received.append((self.path, self.headers.get("X-Cinepress-Event"), delivery,
                                  signed(signature, body, SECRET),
                                  json.loads(body), status))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def webhooks_toml(port):
    hooks = [("article.published", "ok", ""), ("article.updated", "ok", ""),
             ("article.deleted", "flaky", "first_retry_s = 1\n")]
    return "".join(f'\n[[webhooks]]\nevent = "{event}"\nurl = "http://127.0.0.1:{port}/{path}"\n'
                   f'secret = "{SECRET}"\n{extra}' for event, path, extra in hooks)


def received(event):
    return [r for r in Receiver.received if r[1] == event]


def admin(path, key, method="POST", body=None):
    """(status, JSON body or None) of an Admin API request with `key` as a bearer token."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = "Bearer " + key
    data = json.dumps(body).encode("utf-8") if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode("utf-8")
            return r.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        text = e.read().decode("utf-8")
        return e.code, json.loads(text) if text else None


def eventually(fn, timeout=10):
    """fn()'s first true answer, polling (the live site reloads within a second), or its last."""
    deadline = time.monotonic() + timeout
    while True:
        answer = fn()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(0.1)


def admin_walk(binary, site):
    """The Admin API: create, publish, conflict, a contributor refused, delete."""
    desk, desk_admin = keys_of(integrations(binary, site, "add", "newsdesk").stdout)
    _, free_admin = keys_of(integrations(binary, site, "add", "freelancer", "--role",
                                         "contributor").stdout)
    review = {"title": "The Lantern Keeper", "section": "reviews", "tags": ["Slow Cinema"],
              "authors": ["oisin-delaney"], "custom_excerpt": "A lighthouse, a winter.",
              "markdown": "A patient film about a lighthouse.\n\nIts keeper waits.\n"}
    status, data = admin("/api/admin/articles/", None, body={"posts": [review]})
    check("admin: no key, 401", status == 401 and error_code(data) == "KEY_MISSING", data)
    status, data = admin("/api/admin/articles/", desk, body={"posts": [review]})
    check("admin: a content key is no admin key", status == 401, data)
    status, data = admin("/api/admin/articles/", desk_admin, body={"posts": [{"section": "reviews"}]})
    check("admin: a post without a title, 400 naming it",
          status == 400 and data["errors"][0].get("context") == "title", data)

    status, data = admin("/api/admin/articles/", desk_admin, body={"posts": [review]})
    draft = data["posts"][0] if status == 201 else {}
    check("admin: a draft is created", status == 201 and draft.get("status") == "draft", data)
    status, data = admin(f"/api/admin/articles/{draft.get('id')}/", desk_admin, "PUT",
                         {"posts": [{"status": "published", "updated_at": draft.get("updated_at")}]})
    published = data["posts"][0] if status == 200 else {}
    check("admin: an editor integration publishes it",
          status == 200 and published.get("status") == "published", data)
    url = published.get("url", "/none/")
    check("admin: on the site within a second (polled)",
          eventually(lambda: get(url)[0] == 200 and "The Lantern Keeper" in get(url)[2]), url)
    check("admin: in the Content API",
          eventually(lambda: api("/api/content/articles/slug/the-lantern-keeper/", desk)[0] == 200))

    got = eventually(lambda: received("article.published"))
    check("webhook: article.published received, signed",
          got and got[0][0] == "/ok" and got[0][3] and got[0][4]["data"]["slug"] == "the-lantern-keeper"
          and got[0][4]["id"] == got[0][2], got)
    check("webhook: a draft's save told nobody", not received("article.updated"), Receiver.received)

    status, data = admin(f"/api/admin/articles/{draft.get('id')}/", desk_admin, "PUT",
                         {"posts": [{"title": "Stale", "updated_at": draft.get("updated_at")}]})
    check("admin: an update from an older updated_at is 409 UPDATE_CONFLICT",
          status == 409 and error_code(data) == "UPDATE_CONFLICT", (status, data))
    status, data = admin(f"/api/admin/articles/{draft.get('id')}/", desk_admin, "PUT",
                         {"posts": [{"title": "The Lantern Keeper, Again",
                                     "updated_at": published.get("updated_at")}]})
    check("admin: an update from the current updated_at is saved",
          status == 200 and data["posts"][0]["title"] == "The Lantern Keeper, Again", (status, data))

    got = eventually(lambda: received("article.updated"))
    check("webhook: article.updated received for the live article's change",
          got and got[0][3] and got[0][4]["data"]["title"] == "The Lantern Keeper, Again", got)

    status, data = admin("/api/admin/articles/", free_admin,
                         body={"posts": [dict(review, title="Freelance", status="published")]})
    check("admin: a contributor integration cannot publish (403 NO_PERMISSION)",
          status == 403 and error_code(data) == "NO_PERMISSION", (status, data))
    status, data = admin("/api/admin/articles/", free_admin,
                         body={"posts": [dict(review, title="Freelance Draft")]})
    check("admin: a contributor integration writes a draft", status == 201, (status, data))
    own = data["posts"][0] if status == 201 else {}
    status, data = admin(f"/api/admin/articles/{own.get('id')}/", free_admin, "PUT",
                         {"posts": [{"status": "published", "updated_at": own.get("updated_at")}]})
    check("admin: nor publish its own draft", status == 403, (status, data))
    status, data = admin(f"/api/admin/articles/{draft.get('id')}/", free_admin, "DELETE")
    check("admin: nor delete another's piece", status == 403, (status, data))

    nc.run([binary, "build", "--site", site], timeout=300)
    check("admin: the static build has the article",
          os.path.exists(os.path.join(site, "public", url.strip("/"), "index.html")), url)

    status, _ = admin(f"/api/admin/articles/{draft.get('id')}/", desk_admin, "DELETE")
    check("admin: an editor integration deletes it (204)", status == 204, status)
    check("admin: gone from the site (polled)", eventually(lambda: get(url)[0] == 404), url)
    got = eventually(lambda: [r for r in received("article.deleted") if r[5] == 200], timeout=30)
    tries = received("article.deleted")
    check("webhook: a failing receiver is tried again, with the same delivery id",
          got and len(tries) >= 2 and tries[0][5] == 500 and tries[0][2] == got[0][2]
          and all(t[3] for t in tries), tries)
    log = eventually(lambda: "delivered\t2 tries" in nc.run(
        [binary, "webhooks", "deliveries", "--site", site]).stdout)
    check("webhook: the delivery log shows it delivered on the second try", log,
          nc.run([binary, "webhooks", "deliveries", "--site", site]).stdout)

    status, data = admin(f"/api/admin/articles/{draft.get('id')}/", desk_admin, "DELETE")
    check("admin: deleting it again is 404", status == 404 and error_code(data) == "NOT_FOUND",
          (status, data))


def api(path, key, **params):
    """(status, headers, JSON body) of a Content API request with `key` and `params`."""
    query = dict(params)
    if key is not None:
        query["key"] = key
    status, headers, body = get(path + "?" + urllib.parse.urlencode(query))
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = {"not json": body[:200]}
    return status, headers, data


def error_code(data):
    try:
        return data["errors"][0]["code"]
    except (KeyError, IndexError, TypeError):
        return None


def integrations(binary, site, *args, ok=True):
    return nc.run([binary, "integrations", *args, "--site", site], check=ok)


def keys_of(output):
    content = re.search(r"content API key: (cpc_\S+)", output)
    admin = re.search(r"admin API key: +(cpa_\S+)", output)
    return (content.group(1) if content else None, admin.group(1) if admin else None)


def main():
    global BASE
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-api-")
    port = nc.free_port()
    BASE = f"http://127.0.0.1:{port}"
    server = None
    try:
        site = os.path.join(root, "site")
        nc.run([binary, "demo", site], timeout=300)
        receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        nc.point_demo(site, BASE, nc.free_port(), webhooks_toml(receiver.server_address[1]))

        out = integrations(binary, site, "add", "web-app", "--role", "author").stdout
        key, admin_key = keys_of(out)
        check("integrations add prints both keys", key and admin_key, out)
        bad = integrations(binary, site, "add", "Web App!", ok=False)
        check("a bad name is refused naming it", bad.returncode != 0 and "name" in bad.stderr,
              bad.stderr)
        bad = integrations(binary, site, "add", "other", "--role", "admin", ok=False)
        check("an admin integration is refused", bad.returncode != 0 and "role" in bad.stderr,
              bad.stderr)
        listed = integrations(binary, site, "list").stdout
        check("integrations list names it with its role, never its keys",
              "web-app\tauthor" in listed and key not in listed, listed)

        server = subprocess.Popen([binary, "serve", "--site", site, "--listen",
                                   f"127.0.0.1:{port}", "--threads", "2", "--access-log", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        check("serve starts", "listening" in line, line)

        # Keys.
        status, headers, data = api("/api/content/articles/", None)
        check("no key: 401 KEY_MISSING", status == 401 and error_code(data) == "KEY_MISSING",
              (status, data))
        check("errors carry CORS too", headers.get("Access-Control-Allow-Origin") == "*", headers)
        status, _, data = api("/api/content/articles/", "cpc_" + "x" * 43)
        check("a wrong key: 401 KEY_INVALID", status == 401 and error_code(data) == "KEY_INVALID",
              (status, data))
        status, _, data = api("/api/content/articles/", admin_key)
        check("the Admin API key does not open the Content API", status == 401, (status, data))

        # The articles in Ghost's shape.
        status, headers, data = api("/api/content/articles/", key)
        check("articles: 200 with CORS for any origin",
              status == 200 and headers.get("Access-Control-Allow-Origin") == "*", (status, headers))
        check("articles: cacheable", "public" in headers.get("Cache-Control", "")
              and headers.get("ETag"), headers)
        pagination = data["meta"]["pagination"]
        total = pagination["total"]
        check("articles: Ghost's pagination meta, 15 a page by default",
              len(data["posts"]) == min(15, total) and pagination["page"] == 1
              and pagination["limit"] == 15 and total > 15 and pagination["next"] == 2
              and pagination["prev"] is None, pagination)
        first = data["posts"][0]
        check("a post has Ghost's fields", all(f in first for f in (
            "id", "title", "slug", "html", "excerpt", "feature_image", "visibility",
            "published_at", "updated_at", "url", "reading_time")), sorted(first))
        check("a post's url is absolute", first["url"].startswith(BASE + "/"), first["url"])
        status, _, page2 = api("/api/content/articles/", key, limit=2, page=2)
        status1, _, page1 = api("/api/content/articles/", key, limit=2)
        check("limit and page: the next two, none twice",
              len(page2["posts"]) == 2 and page2["meta"]["pagination"]["prev"] == 1
              and not {p["id"] for p in page2["posts"]} & {p["id"] for p in page1["posts"]}
              and page2["meta"]["pagination"]["pages"] == (total + 1) // 2, page2["meta"])
        _, _, everything = api("/api/content/articles/", key, limit="all", fields="id")
        check("limit=all: every article on one page", len(everything["posts"]) == total,
              (len(everything["posts"]), total))
        _, _, capped = api("/api/content/articles/", key, limit=500, fields="id")
        check("a limit over 100 is 100", capped["meta"]["pagination"]["limit"] == 100,
              capped["meta"])
        _, _, beyond = api("/api/content/articles/", key, page=999)
        check("a page past the end is empty", beyond["posts"] == [], beyond["meta"])
        status, _, data = api("/api/content/articles/", key, limit="ten")
        check("limit=ten: 400 INVALID_PARAMETER naming limit",
              status == 400 and error_code(data) == "INVALID_PARAMETER"
              and data["errors"][0].get("context") == "limit", (status, data))

        # Filters.
        _, _, tagged = api("/api/content/articles/", key, filter="tag:restorations")
        slugs = [p["slug"] for p in tagged["posts"]]
        check("filter tag:", "what-the-restoration-restores" in slugs and len(slugs) < total, slugs)
        _, _, both = api("/api/content/articles/", key,
                         filter="tag:restorations+author:oisin-delaney")
        both_slugs = [p["slug"] for p in both["posts"]]
        check("filter a+b is and", "what-the-restoration-restores" in both_slugs
              and set(both_slugs) <= set(slugs), both_slugs)
        _, _, none = api("/api/content/articles/", key, filter="tag:restorations+section:news")
        _, _, reviews = api("/api/content/articles/", key, filter="section:reviews", limit="all")
        _, _, either = api("/api/content/articles/", key,
                           filter="section:reviews,tag:restorations", limit="all")
        check("filter , is or", either["meta"]["pagination"]["total"] > reviews["meta"][
            "pagination"]["total"] and all(p["section"] == "reviews" for p in reviews["posts"]),
            (either["meta"], reviews["meta"]))
        check("filter and with no match: none", none["posts"] == [], none["posts"])
        status, _, data = api("/api/content/articles/", key, filter="tag:x';drop table articles")
        check("a filter that does not parse: 400 naming filter and where",
              status == 400 and data["errors"][0].get("context") == "filter"
              and "character" in data["errors"][0]["message"], (status, data))
        status, _, data = api("/api/content/articles/", key, filter="colour:red")
        check("an unknown filter key: 400", status == 400 and "colour" in
              data["errors"][0]["message"], (status, data))

        # The paywall: the key sees the public variant.
        status, _, data = api("/api/content/articles/slug/what-the-restoration-restores/", key,
                              include="authors,tags")
        post = data["posts"][0] if status == 200 else {}
        check("one article by slug", status == 200 and post.get("slug") ==
              "what-the-restoration-restores", (status, data))
        check("a members' article says so", post.get("visibility") == "members", post.get(
            "visibility"))
        check("its free part is there", "There is a phrase on the back" in post.get("html", ""),
              post.get("html", "")[:300])
        check("its locked part is not", "Grain is not noise" not in post.get("html", "")
              and "waxy look" not in post.get("html", ""), post.get("html", "")[-300:])
        check("include=authors,tags", [a["slug"] for a in post.get("authors", [])] == [
            "oisin-delaney"] and "restorations" in [t["slug"] for t in post.get("tags", [])]
            and post.get("primary_author", {}).get("slug") == "oisin-delaney", post.get("authors"))
        status, _, by_id = api(f"/api/content/articles/{post.get('id')}/", key, fields="title,slug")
        check("one article by id, with fields",
              status == 200 and by_id["posts"][0] == {"title": post.get("title"),
                                                     "slug": "what-the-restoration-restores"},
              (status, by_id))
        status, _, data = api("/api/content/articles/slug/no-such-piece/", key)
        check("no such article: 404 NOT_FOUND", status == 404 and error_code(data) == "NOT_FOUND",
              (status, data))
        status, _, data = api("/api/content/articles/", key, fields="title,password")
        check("an unknown field: 400 naming fields", status == 400 and data["errors"][0].get(
            "context") == "fields", (status, data))

        # The other resources.
        for resource, sample in (("authors", "oisin-delaney"), ("tags", "restorations"),
                                 ("films", None), ("people", None), ("festivals", None)):
            status, headers, data = api(f"/api/content/{resource}/", key, limit="all",
                                        include="count.posts")
            items = data.get(resource, []) if status == 200 else []
            check(f"{resource}: listed", status == 200 and len(items) > 0
                  and data["meta"]["pagination"]["total"] == len(items), (status, str(data)[:300]))
            if sample:
                check(f"{resource}: {sample} with its count of posts", any(
                    i["slug"] == sample and i["count"]["posts"] >= 1 for i in items),
                    [i["slug"] for i in items][:20])
            if items:
                slug = items[0]["slug"]
                _, _, one = api(f"/api/content/{resource}/", key, filter=f"slug:'{slug}'")
                check(f"{resource}: filter slug:", [i["slug"] for i in one[resource]] == [slug],
                      one)

        # CORS preflight and caching.
        status, headers, _ = get("/api/content/articles/", method="OPTIONS", headers={
            "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"})
        check("a preflight: 204 allowing GET from any origin",
              status == 204 and headers.get("Access-Control-Allow-Origin") == "*"
              and "GET" in headers.get("Access-Control-Allow-Methods", ""), (status, headers))
        _, headers, _ = api("/api/content/tags/", key)
        status, _, _ = get("/api/content/tags/?" + urllib.parse.urlencode({"key": key}),
                           headers={"If-None-Match": headers.get("ETag", "")})
        check("a known ETag: 304", status == 304, status)

        # The OpenAPI document: every path in it is served.
        status, headers, body = get("/api/openapi.json")
        doc = json.loads(body) if status == 200 else {}
        check("the OpenAPI document", status == 200 and doc.get("openapi") == "3.1.0", status)
        for path, methods in doc.get("paths", {}).items():
            concrete = re.sub(r"\{[^}]+\}", "1", path)
            for method in methods:
                # A Content API GET with the content key; the Admin API without a key (401,
                # still the API's JSON).
                public = method == "get" and not path.startswith("/api/admin/")
                target = concrete + ("?" + urllib.parse.urlencode({"key": key}) if public else "")
                status, headers, body = get(target, method=method.upper())
                check(f"{method.upper()} {path} is routed to the API",
                      headers.get("Content-Type", "").startswith("application/json")
                      and status in ((200, 404) if public else (401,)),
                      (status, body[:200]))

        admin_walk(binary, site)

        # Rotation and removal take effect at once.
        new_key, _ = keys_of(integrations(binary, site, "rotate", "web-app").stdout)
        status_old, _, _ = api("/api/content/tags/", key)
        status_new, _, _ = api("/api/content/tags/", new_key)
        check("a rotated key stops, the new one works", status_old == 401 and status_new == 200,
              (status_old, status_new))
        integrations(binary, site, "remove", "web-app")
        status, _, _ = api("/api/content/tags/", new_key)
        check("a removed integration's key stops", status == 401, status)
    except Exception as e:  # noqa: BLE001  (reported as a failure, then the cleanup runs)
        check("the test ran to its end", False, repr(e))
    check.finish(root, server)


if __name__ == "__main__":
    main()
