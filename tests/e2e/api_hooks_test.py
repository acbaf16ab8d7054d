#!/usr/bin/python3
"""The Admin API's images and members, the members' and the newsroom's webhooks, and
`cinepress webhooks add/list/remove`, end to end: the real `cinepress serve` on the demo magazine,
asked with a real HTTP client (urllib), a real SMTP server (aiosmtpd) and a webhook receiver that
checks every signature.

    /usr/bin/python3 tests/e2e/api_hooks_test.py BINARY

A PNG uploaded through the API is kept and its URL becomes an article's feature image; a text
file is refused with NOT_AN_IMAGE, a file over the limit with FILE_TOO_LARGE (413), a missing alt
text naming `alt`; members are added (the sign-in link mailed), listed with filters, comped,
changed and deleted by an editor integration and refused to an author integration, searched
(`search=`) and filtered by when they joined (`created_at:>=…`, a bad date 400 naming it);
`webhooks add` while `serve` runs is followed at once: a reader signing up through the site's own
form delivers a signed member.added; an editor's save in the newsroom delivers article.updated
like the API's; `webhooks list` and `remove` do what they say. The newsroom's integrations page
(an admin with two-factor): an integration made there shows its Content API key once, the key
opens /api/content/articles/ (200) until it is revoked after the confirmation page (then 401); a
webhook added there is followed by serve and a publish delivers to it, signed with the secret the
page showed once; removed there, it leaves the rest of cinepress.toml; forms without the CSRF
token are refused (403), a bad URL names `webhooks.url`. Prints
`api_hooks_test: N passed, N failed`.
"""

import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import threading
import time
import http.server
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_test as at  # noqa: E402  (its webhook Receiver and Admin API client)
import members_web_test as mw  # noqa: E402  (its Reader and the site's sign-in)
import newsletter_common as nc  # noqa: E402
from editor_test import review_form  # noqa: E402
from newsroom_test import accept, sign_in, staff, totp  # noqa: E402

check = nc.Checks("api_hooks_test")



def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


# A PNG 2 × 1 pixels (RGB, 8 bits: one black and one white pixel), made with its lengths and
# CRCs right (a hand-written one had a wrong IDAT length, which libvips took or refused by chance).
TINY_PNG = (b"\x89PNG\r\n\x1a\n"
            + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(b"\x00" + b"\x00\x00\x00" + b"\xff\xff\xff"))
            + png_chunk(b"IEND", b""))


def upload(key, file_name, data, **fields):
    """(status, JSON) of a multipart POST to /api/admin/images/upload/."""
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                 f"{value}\r\n").encode()
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
             f'filename="{file_name}"\r\nContent-Type: image/png\r\n\r\n').encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(at.BASE + "/api/admin/images/upload/", data=body, method="POST",
                                 headers={"Authorization": "Bearer " + key,
                                          "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, {"not json": text[:200].decode("utf-8", "replace")}


def fetch(url):
    """(Content-Type, bytes) of a file, or None while it is not served."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError:
        return None


def images_walk(desk_admin):
    status, data = upload(desk_admin, "Lighthouse.png", TINY_PNG, alt="A lighthouse at dusk",
                          purpose="image", ref="lead-1")
    image = data["images"][0] if status == 201 else {}
    check("images: a PNG is uploaded (201, Ghost's shape)",
          status == 201 and image.get("ref") == "lead-1"
          and re.match(re.escape(at.BASE) + r"/uploads/\d{4}/\d{2}/lighthouse\.png$",
                       image.get("url", "")), (status, data))
    served = at.eventually(lambda: fetch(image.get("url", at.BASE + "/none")))
    check("images: its URL serves the image (the live site has it within a second)",
          served and served[0].startswith("image/png") and served[1].startswith(b"\x89PNG"),
          served and served[0])
    status, data = at.admin("/api/admin/articles/", desk_admin, body={"posts": [{
        "title": "The Lamp Room", "section": "reviews", "status": "published",
        "markdown": "A film lit by one lamp.\n", "feature_image": image.get("url"),
        "feature_image_alt": "A lighthouse at dusk"}]})
    check("images: an article takes its URL as the feature image", status == 201, (status, data))
    post = at.eventually(lambda: (lambda r: r[2] if r[0] == 200 else None)(
        at.api("/api/content/articles/slug/the-lamp-room/", CONTENT_KEY)))
    feature = (post or {}).get("posts", [{}])[0].get("feature_image") or ""
    check("images: the Content API shows it as the article's feature image",
          feature.endswith(image.get("url", "?")[len(at.BASE):]), post)

    status, data = upload(desk_admin, "notes.png", b"Not an image at all, only words.\n", alt="x")
    check("images: a text file named .png is 415 NOT_AN_IMAGE",
          status == 415 and at.error_code(data) == "NOT_AN_IMAGE", (status, data))
    status, data = upload(desk_admin, "lamp.png", TINY_PNG)
    check("images: no alt text is 400 naming alt",
          status == 400 and data["errors"][0].get("context") == "alt", (status, data))
    status, data = upload(desk_admin, "big.png", TINY_PNG + b"\0" * (1024 * 1024 + 10), alt="Big")
    check("images: a file over [staff] max_upload_mb is 413 FILE_TOO_LARGE",
          status == 413 and at.error_code(data) == "FILE_TOO_LARGE", (status, data))


def members_walk(desk_admin, author_admin, smtp):
    before = len(smtp.messages())
    status, data = at.admin("/api/admin/members/", desk_admin, body={"members": [{
        "email": "odile@readers.example", "name": "Odile", "labels": ["Festival"],
        "send_email": True}]})
    member = data["members"][0] if status == 201 else {}
    check("members: an editor integration adds one (201)",
          status == 201 and member.get("status") == "free"
          and member.get("labels", [{}])[0].get("slug") == "festival", (status, data))
    mail = nc.wait_for_mail(smtp, before + 1)
    check("members: send_email mails the sign-in link",
          len(mail) > before and "odile@readers.example" in str(mail[-1][1]["To"]), len(mail))
    status, data = at.admin("/api/admin/members/", desk_admin,
                            body={"members": [{"email": "ODILE@readers.example"}]})
    check("members: an address taken is 422 MEMBER_EXISTS",
          status == 422 and at.error_code(data) == "MEMBER_EXISTS", (status, data))
    path = f"/api/admin/members/{member.get('id')}/"
    status, data = at.admin(path, desk_admin, "PUT", {"members": [{
        "name": "Odile Martin", "tiers": [{"slug": "supporter"}]}]})
    check("members: comping a tier (status comped)",
          status == 200 and data["members"][0]["status"] == "comped"
          and data["members"][0]["name"] == "Odile Martin", (status, data))
    status, data = at.admin("/api/admin/members/?filter=status:comped&limit=5", desk_admin, "GET")
    check("members: the list filters by status, with pagination",
          status == 200 and [m["email"] for m in data["members"]] == ["odile@readers.example"]
          and data["meta"]["pagination"]["total"] == 1, (status, data))
    status, data = at.admin("/api/admin/members/?search=MARTIN", desk_admin, "GET")
    check("members: search finds a part of the name, without case",
          status == 200 and [m["email"] for m in data["members"]] == ["odile@readers.example"],
          (status, data))
    since = urllib.parse.quote("created_at:>='2000-01-01'+created_at:<'2100-01-01'")
    status, data = at.admin(f"/api/admin/members/?filter={since}&search=readers.example",
                            desk_admin, "GET")
    check("members: created_at compared with >= and <, with search",
          status == 200 and "odile@readers.example" in [m["email"] for m in data["members"]],
          (status, data))
    status, data = at.admin("/api/admin/members/?filter=" + urllib.parse.quote(
        "created_at:>'soon'"), desk_admin, "GET")
    check("members: a filter date that is not one is 400 naming created_at",
          status == 400 and at.error_code(data) == "INVALID_PARAMETER"
          and "created_at" in data["errors"][0]["message"], (status, data))
    status, data = at.admin(path, desk_admin, "GET")
    check("members: one member", status == 200 and data["members"][0]["id"] == member.get("id"),
          (status, data))
    status, data = at.admin("/api/admin/members/", author_admin, "GET")
    check("members: an author integration is refused (403 NO_PERMISSION)",
          status == 403 and at.error_code(data) == "NO_PERMISSION", (status, data))
    status, _ = at.admin(path, desk_admin, "DELETE")
    check("members: deleted (204)", status == 204, status)
    status, data = at.admin(path, desk_admin, "GET")
    check("members: then 404", status == 404 and at.error_code(data) == "NOT_FOUND", (status, data))


def hooks_walk(binary, site, hook_url, smtp):
    out = nc.run([binary, "webhooks", "add", "member.added", hook_url, "--secret", at.SECRET,
                  "--site", site]).stdout
    check("webhooks add", "added member.added" in out, out)
    listed = nc.run([binary, "webhooks", "list", "--site", site]).stdout
    number = re.search(r"(?m)^(\d+)\tmember\.added\t" + re.escape(hook_url) + "$", listed)
    check("webhooks list shows it, without its secret", number and at.SECRET not in listed, listed)
    bad = nc.run([binary, "webhooks", "add", "member.sneezed", hook_url, "--site", site],
                 check=False)
    check("webhooks add refuses an unknown event naming the field",
          bad.returncode != 0 and "webhooks.event" in bad.stderr, bad.stderr)

    # serve follows cinepress.toml (it reads the file again within a second of a change): a
    # member added through the API is told once it has the new webhook.
    probes = iter(range(1000))

    def probe_told():
        email = f"probe-{next(probes)}@readers.example"
        at.admin("/api/admin/members/", DESK_ADMIN, body={"members": [{"email": email}]})
        return at.eventually(lambda: [r for r in at.received("member.added")
                                      if r[4]["data"]["email"].startswith("probe-")], timeout=1)

    check("serve follows the added webhook without a restart", at.eventually(probe_told, 20))
    # A reader signs up through the site's own form.
    reader = mw.Reader("newcomer")
    msg, status, _ = mw.sign_in(reader, smtp, "newcomer@readers.example")
    check("a reader signs up through the site", msg is not None and status == 303, status)
    got = at.eventually(lambda: [r for r in at.received("member.added")
                                 if r[4]["data"]["email"] == "newcomer@readers.example"])
    check("webhook: member.added delivered for the sign-up, signed",
          got and got[0][3] and got[0][4]["data"]["status"] == "free", got)

    if number:
        out = nc.run([binary, "webhooks", "remove", number.group(1), "--site", site]).stdout
        listed = nc.run([binary, "webhooks", "list", "--site", site]).stdout
        check("webhooks remove", "removed" in out and "member.added" not in listed, (out, listed))
        with open(os.path.join(site, "cinepress.toml"), encoding="utf-8") as f:
            check("the rest of cinepress.toml is kept", "[members]" in f.read())


def save_in_newsroom(ed, article, title, slug):
    """The status of the editor's save of `article` with this title and slug, from its page."""
    fields = nc.form_fields(ed.request(f"/admin/articles/{article}/edit/")[2])
    return ed.request("/admin/articles/save/", review_form(
        fields.get("csrf", ""), id=article, revision=fields.get("revision", "0"),
        title=title, slug=slug))[0]


def newsroom_walk(binary, site):
    out = staff(binary, site, "add", "desk@mag.example", "--role", "editor").stdout
    link = re.findall(r"/admin/invitation/\?token=\S+", out)[0]
    ed = mw.Reader("desk")
    accept(ed, link)
    status, _, _ = sign_in(ed, "desk@mag.example")
    check("an editor signs in to the newsroom", status == 303, status)
    _, data = at.admin("/api/admin/articles/", DESK_ADMIN, body={"posts": [{
        "title": "The Harbour Clock", "section": "reviews", "status": "published",
        "markdown": "Ticking.\n"}]})
    article = data["posts"][0]["id"]
    check("the newsroom saves the published piece",
          save_in_newsroom(ed, article, "The Harbour Clock, Revisited", "the-harbour-clock") == 303)
    got = at.eventually(lambda: [r for r in at.received("article.updated")
                                 if r[4]["data"]["id"] == article])
    check("webhook: the newsroom's save delivered article.updated, signed",
          got and got[0][3] and got[0][4]["data"]["title"] == "The Harbour Clock, Revisited", got)
    # Given another slug, the piece keeps its old address: a 301 to the new one, within a second.
    check("the newsroom saves the piece under a new slug",
          save_in_newsroom(ed, article, "The Harbour Clock, Revisited",
                           "the-harbour-clock-revisited") == 303)
    moved = at.eventually(lambda: (lambda r: r if r[0] == 301 else None)(
        ed.request("/reviews/the-harbour-clock/")))
    check("its old address answers 301 to the new one",
          moved and (moved[1].get("Location") or "").endswith(
              "/reviews/the-harbour-clock-revisited/"), moved and moved[:2])


def admin_signed_in(binary, site):
    """A browser signed in to the newsroom as an admin, the second factor set up."""
    out = staff(binary, site, "add", "chief@mag.example", "--role", "admin").stdout
    chief = mw.Reader("chief")
    accept(chief, re.findall(r"/admin/invitation/\?token=\S+", out)[0])
    sign_in(chief, "chief@mag.example")
    _, _, page = chief.request("/admin/two-factor/setup/")
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
    chief.request("/admin/two-factor/setup/", {"csrf": nc.form_fields(page).get("csrf", ""),
                                               "code": totp(secret.group(1), time.time())})
    return chief


def integrations_walk(binary, site, hook_port):
    chief = admin_signed_in(binary, site)
    status, _, page = chief.request("/admin/integrations/")
    check("an admin opens the integrations page", status == 200 and "<td>desk</td>" in page,
          (status, page[-600:]))
    csrf = nc.form_fields(page).get("csrf", "")
    status, _, _ = chief.request("/admin/integrations/add/", {"name": "widget", "role": "editor"})
    check("integrations: a form without its CSRF token is refused (403)", status == 403, status)
    status, _, page = chief.request("/admin/integrations/add/",
                                    {"csrf": csrf, "name": "widget", "role": "editor"})
    key = re.search(r'id="content-key">(cpc_[A-Za-z0-9_-]+)<', page)
    check("integrations: made in the page, its Content API key shown", status == 200 and key,
          (status, page[-800:]))
    key = key.group(1) if key else "cpc_none"
    status, _, _ = at.api("/api/content/articles/", key)
    check("integrations: the shown key opens /api/content/articles/ (200)", status == 200, status)
    _, _, page = chief.request("/admin/integrations/")
    check("integrations: the list shows it, never its key again",
          "<td>widget</td>" in page and key not in page, page[-800:])
    status, _, page = chief.request("/admin/integrations/revoke/?name=widget")
    check("integrations: revoking asks first", status == 200 and "Revoke “widget”" in page, status)
    status, _, _ = chief.request("/admin/integrations/revoke/", {
        "csrf": nc.form_fields(page).get("csrf", ""), "name": "widget"})
    check("integrations: revoked", status == 303, status)
    check("integrations: the revoked key is refused (401)",
          at.eventually(lambda: at.api("/api/content/articles/", key)[0] == 401))

    hook_url = f"http://127.0.0.1:{hook_port}/from-newsroom"
    status, _, _ = chief.request("/admin/integrations/webhooks/add/",
                                 {"event": "article.published", "url": hook_url})
    check("webhooks page: a form without its CSRF token is refused (403)", status == 403, status)
    status, _, page = chief.request("/admin/integrations/webhooks/add/", {
        "csrf": csrf, "event": "article.published", "url": "ftp://127.0.0.1/x"})
    check("webhooks page: a bad URL is refused naming webhooks.url",
          status == 400 and "webhooks.url" in page, (status, page[-600:]))
    status, _, page = chief.request("/admin/integrations/webhooks/add/", {
        "csrf": csrf, "event": "article.published", "url": hook_url})
    secret = re.search(r'id="hook-secret">([A-Za-z0-9_-]+)<', page)
    check("webhooks page: added, its secret shown once", status == 200 and secret,
          (status, page[-800:]))
    secret = secret.group(1) if secret else "none"
    probes = iter(range(1000))

    def probe_delivered():
        slug = f"newsroom-hook-probe-{next(probes)}"
        at.admin("/api/admin/articles/", DESK_ADMIN, body={"posts": [{
            "title": "Probe " + slug, "slug": slug, "section": "reviews", "status": "published",
            "markdown": "A probe.\n"}]})
        return at.eventually(lambda: [r for r in at.Receiver.raw if r[0] == "/from-newsroom"],
                             timeout=1)

    got = at.eventually(probe_delivered, 20)
    check("webhooks page: serve follows it and a publish delivers to it",
          got and json.loads(got[0][2])["event"] == "article.published", got)
    check("webhooks page: the delivery is signed with the secret the page showed",
          got and at.signed(got[0][1], got[0][2], secret), got)
    _, _, page = chief.request("/admin/integrations/")
    check("webhooks page: listed, never its secret again",
          hook_url in page and secret not in page, page[-800:])
    fields = nc.form_fields(page)  # the last webhook's remove form: the one added here
    status, _, _ = chief.request("/admin/integrations/webhooks/remove/", {
        "csrf": fields.get("csrf", ""), "number": fields.get("number", ""),
        "event": fields.get("event", ""), "url": fields.get("url", "")})
    with open(os.path.join(site, "cinepress.toml"), encoding="utf-8") as f:
        toml = f.read()
    check("webhooks page: removed from cinepress.toml, the rest kept",
          status == 303 and "from-newsroom" not in toml and "[members]" in toml
          and "/flaky" in toml, (status, toml[-600:]))


CONTENT_KEY = None
DESK_ADMIN = None


def main():
    global CONTENT_KEY, DESK_ADMIN
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-api-hooks-")
    port = nc.free_port()
    at.BASE = mw.BASE = f"http://127.0.0.1:{port}"
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    server = None
    try:
        site = os.path.join(root, "site")
        nc.run([binary, "demo", site], timeout=300)
        receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), at.Receiver)
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        hook_port = receiver.server_address[1]
        nc.point_demo(site, at.BASE, smtp.port, at.webhooks_toml(hook_port) +
                      "\n[staff]\nmax_upload_mb = 1\n")
        CONTENT_KEY, DESK_ADMIN = at.keys_of(at.integrations(binary, site, "add", "desk").stdout)
        _, author_admin = at.keys_of(at.integrations(binary, site, "add", "columnist", "--role",
                                                     "author").stdout)
        server = subprocess.Popen([binary, "serve", "--site", site, "--listen",
                                   f"127.0.0.1:{port}", "--threads", "2", "--access-log", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        check("serve starts", "listening" in line, line)

        images_walk(DESK_ADMIN)
        members_walk(DESK_ADMIN, author_admin, smtp)
        hooks_walk(binary, site, f"http://127.0.0.1:{hook_port}/ok", smtp)
        newsroom_walk(binary, site)
        integrations_walk(binary, site, hook_port)
    except Exception as e:  # noqa: BLE001  (reported as a failure, then the cleanup runs)
        check("the test ran to its end", False, repr(e))
    check.finish(root, server, smtp)


if __name__ == "__main__":
    main()
