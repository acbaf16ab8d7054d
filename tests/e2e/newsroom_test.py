#!/usr/bin/python3
"""The newsroom (/admin/) end to end: the real `cinepress serve` on the demo magazine.

    /usr/bin/python3 tests/e2e/newsroom_test.py BINARY

`staff add` prints an invitation; its link sets a password; an admin must then set up TOTP (the
codes are computed here with Python's hmac, RFC 6238) and gets recovery codes; the dashboard and
the articles list (filters, search, pages) answer; signing in again asks for a code; a missing
CSRF token is refused with 403; a contributor gets 403 on the staff pages and forms; wrong
passwords lock an account with a clear message; `staff list/role/remove` do what they say; an
editor deletes a piece it published (asked first, CSRF-checked): gone from serve and the next
build.
Prints `newsroom_test: N passed, N failed`.
"""

import base64
import hashlib
import hmac
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import members_web_test as mw  # noqa: E402  (its Reader: a browser's cookies over urllib)
import newsletter_common as nc  # noqa: E402

check = nc.Checks("newsroom_test")
PASSWORD = "a long enough password"


def totp(secret_text, at):
    """RFC 6238's code (HMAC-SHA1, 6 digits, 30 s) for the base32 secret at Unix time `at`."""
    key = base64.b32decode(secret_text + "=" * (-len(secret_text) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 15
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1000000:06d}"


def staff(binary, site, *args):
    return nc.run([binary, "staff", *args, "--site", site])


def accept(browser, link, password=PASSWORD):
    status, _, page = browser.request(link)
    fields = nc.form_fields(page)
    return status, browser.request("/admin/invitation/", {
        "csrf": fields.get("csrf", ""), "token": fields.get("token", ""),
        "password": password, "password_again": password})


def sign_in(browser, email, password=PASSWORD):
    _, _, page = browser.request("/admin/sign-in/")
    fields = nc.form_fields(page)
    return browser.request("/admin/sign-in/", {"csrf": fields.get("csrf", ""), "email": email,
                                               "password": password})


def csrf_of(browser, path):
    return nc.form_fields(browser.request(path)[2]).get("csrf", "")


def delete_a_piece(binary, site, editor, base):
    """An editor (here the admin) publishes a piece of its own, then deletes it from the editor:
    asked first, then the form's POST; the page leaves `serve` (404, as after the Admin API's
    delete) and the next static build."""
    status, headers, _ = editor.request("/admin/articles/save/", {
        "csrf": csrf_of(editor, "/admin/articles/new/"), "id": "0", "revision": "0",
        "title": "A Piece To Delete", "section": "reviews", "body": "Soon gone.",
        "action": "publish"})
    location = headers.get("Location", "") if headers else ""
    found = re.search(r"/admin/articles/(\d+)/edit/", location)
    check("an editor publishes a piece", status == 303 and found, (status, location))
    if not found:
        return
    piece = found.group(1)
    _, _, page = editor.request(f"/admin/articles/{piece}/edit/")
    link = re.search(r'<a href="([^"]+)">the page on the site</a>', page)
    check("the editor links to its page and its delete", link and
          f'href="/admin/articles/{piece}/delete/"' in page, page[:400])
    if not link:
        return
    url = link.group(1)
    path = url[len(base):] if url.startswith(base) else url
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and mw.Reader("x@x.example").request(path)[0] != 200:
        time.sleep(0.1)
    check("its page is on the site", mw.Reader("x@x.example").request(path)[0] == 200, url)
    status, _, page = editor.request(f"/admin/articles/{piece}/delete/")
    check("the delete asks first", status == 200 and "This cannot be undone" in page, status)
    status, _, _ = editor.request(f"/admin/articles/{piece}/delete/", {"csrf": ""})
    check("a delete without the CSRF token is refused (403)", status == 403, status)
    fields = nc.form_fields(page)
    status, headers, _ = editor.request(f"/admin/articles/{piece}/delete/",
                                        {"csrf": fields.get("csrf", "")})
    check("the form deletes it (303 to the list)", status == 303 and
          "/admin/articles/?deleted=1" in str(headers), (status, headers))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and mw.Reader("x@x.example").request(path)[0] != 404:
        time.sleep(0.1)
    check("its page is gone from serve (404, polled)",
          mw.Reader("x@x.example").request(path)[0] == 404, path)
    check("the editor has nothing to open", editor.request(f"/admin/articles/{piece}/edit/")[0]
          == 404)
    done = nc.run([binary, "build", "--site", site], timeout=300, check=False)
    check("the site builds", done.returncode == 0, done.stderr[-800:])
    built = os.path.join(site, "public", path.strip("/"), "index.html")
    check("the next static build does not have it", not os.path.exists(built), built)


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-newsroom-")
    port = nc.free_port()
    base = f"http://127.0.0.1:{port}"
    mw.BASE = base
    server = None
    try:
        site = os.path.join(root, "site")
        nc.run([binary, "demo", site], timeout=300)
        path = os.path.join(site, "cinepress.toml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r'(?m)^base_url = .*$', f'base_url = "{base}"', text)
        text += "\n[staff]\nmax_failed_sign_ins = 3\nlockout_minutes = 10\n"
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

        out = staff(binary, site, "add", "chief@mag.example", "--role", "admin").stdout
        links = re.findall(r"^(http\S+/admin/invitation/\?token=\S+)$", out, re.M)
        check("staff add prints an invitation link", len(links) == 1, out)
        admin_link = links[0][len(base):] if links else "/"
        out = staff(binary, site, "add", "writer@mag.example", "--role", "contributor").stdout
        writer_link = re.findall(r"/admin/invitation/\?token=\S+", out)[0]
        bad = nc.run([binary, "staff", "add", "x@mag.example", "--role", "owner", "--site", site],
                     check=False)
        check("an unknown role is refused by name", bad.returncode == 1 and "owner" in bad.stderr,
              bad.stderr)

        server = subprocess.Popen([binary, "serve", "--site", site, "--listen",
                                   f"127.0.0.1:{port}", "--threads", "2", "--access-log", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        check("serve starts", "listening" in line, line)

        admin = mw.Reader("admin")
        status, _, page = admin.request("/admin/")
        check("the newsroom sends a stranger to sign in", status == 303, status)
        status, (status2, _, page) = accept(admin, admin_link, "short")
        check("the invitation page opens", status == 200)
        check("a short password is refused, saying why",
              status2 == 400 and "at least 12 characters" in page, (status2, page[-400:]))
        _, (status, _, page) = accept(admin, admin_link)
        check("the invitation sets the password", status == 200 and "Password set" in page, status)
        status, _, page = admin.request(admin_link)
        check("an invitation works once", status == 404 and "used" in page, status)

        status, headers, _ = sign_in(admin, "chief@mag.example")
        check("an admin's password leads to the two-factor set-up",
              status == 303 and headers["Location"] == "/admin/two-factor/setup/", status)
        cookie = headers.get("Set-Cookie", "")
        check("the staff cookie is HttpOnly and SameSite=Strict",
              cookie.startswith("cp_staff=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie,
              cookie)
        status, _, _ = admin.request("/admin/")
        check("the dashboard waits for the second factor", status == 303, status)
        status, _, page = admin.request("/admin/two-factor/setup/")
        secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
        check("the set-up shows the secret as text and as an otpauth:// link",
              status == 200 and secret and "otpauth://totp/" in page, page[-600:])
        secret = secret.group(1) if secret else "A" * 32
        now = time.time()
        status, _, page = admin.request("/admin/two-factor/setup/", {
            "csrf": nc.form_fields(page).get("csrf", ""), "code": totp(secret, now)})
        codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)
        check("a first code turns TOTP on and shows ten recovery codes", status == 200 and
              len(codes) == 10, (status, page[-500:]))
        status, _, page = admin.request("/admin/")
        check("then the dashboard opens", status == 200 and "waiting for review" in page, status)

        status, _, page = admin.request("/admin/articles/")
        total = re.search(r"(\d+) articles · page 1 of 1", page)
        status, _, page = admin.request("/admin/articles/?section=interviews")
        sections = re.findall(r"</a></td><td>([a-z-]+)</td>", page)
        narrowed = re.search(r"(\d+) articles · page 1 of 1", page)
        check("the articles list filters by section",
              status == 200 and total and narrowed and sections and set(sections) == {"interviews"}
              and int(narrowed.group(1)) < int(total.group(1)), page[-800:])
        status, _, page = admin.request("/admin/articles/?q=festival")
        rows = re.findall(r"<tr><td><a href=", page)
        check("the articles list searches with the store's search", status == 200 and rows, status)
        delete_a_piece(binary, site, admin, base)

        status, _, page = admin.request("/admin/staff/add/", {"email": "new@mag.example",
                                                              "role": "author"})
        check("a form without its CSRF token is refused with 403", status == 403, status)
        status, _, page = admin.request("/admin/staff/add/", {
            "csrf": csrf_of(admin, "/admin/staff/"), "email": "new@mag.example", "role": "author"})
        check("an admin invites from the staff page",
              status == 200 and "/admin/invitation/?token=" in page, status)

        # Out and in again: now a code is asked for; a recovery code stands in once.
        status, _, _ = admin.request("/admin/sign-out/", {"csrf": csrf_of(admin, "/admin/")})
        check("sign out", status == 303 and admin.request("/admin/")[0] == 303, status)
        status, headers, _ = sign_in(admin, "chief@mag.example")
        check("signing in again asks for a code",
              status == 303 and headers["Location"] == "/admin/two-factor/", status)
        form = nc.form_fields(admin.request("/admin/two-factor/")[2])
        status, _, page = admin.request("/admin/two-factor/", {"csrf": form.get("csrf", ""),
                                                               "code": "000000"})
        check("a wrong code is refused", status == 401, status)
        status, headers, _ = admin.request("/admin/two-factor/", {
            "csrf": form.get("csrf", ""), "code": totp(secret, time.time() + 30)})
        check("the next code lets the admin in",
              status == 303 and admin.request("/admin/")[0] == 200, status)

        # A contributor.
        writer = mw.Reader("writer")
        accept(writer, writer_link)
        status, headers, _ = sign_in(writer, "writer@mag.example")
        check("a contributor without TOTP goes straight in",
              status == 303 and headers["Location"] == "/admin/", status)
        check("a contributor sees the dashboard", writer.request("/admin/")[0] == 200)
        check("a contributor gets 403 on the staff page", writer.request("/admin/staff/")[0] == 403)
        status, _, _ = writer.request("/admin/staff/role/", {
            "csrf": csrf_of(writer, "/admin/"), "email": "writer@mag.example", "role": "admin"})
        check("a contributor cannot make themself admin (403)", status == 403, status)

        # Lockout: three wrong passwords, then even the right one waits.
        thief = mw.Reader("thief")
        statuses = [sign_in(thief, "writer@mag.example", f"guess number {i}")[0] for i in range(3)]
        status, _, page = sign_in(thief, "writer@mag.example")
        check("wrong passwords lock the account, saying until when",
              statuses == [401, 401, 429] and status == 429 and "locked until" in page,
              (statuses, status))
        listed = staff(binary, site, "list").stdout
        check("staff list shows roles, 2fa and the lockout",
              "chief@mag.example\tadmin\tactive\t2fa" in listed and "locked until" in listed,
              listed)

        staff(binary, site, "role", "writer@mag.example", "editor")
        staff(binary, site, "remove", "writer@mag.example")
        check("a removed member is signed out at once", writer.request("/admin/")[0] == 303)
        check("staff list after remove", "writer@" not in staff(binary, site, "list").stdout)
    finally:
        check.finish(root, server)


if __name__ == "__main__":
    main()
