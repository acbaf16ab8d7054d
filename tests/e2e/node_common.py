"""What the end-to-end tests of `cinepress serve` nodes share: the demo magazine moved into
PostgreSQL, HTTP requests that keep cookies and follow no redirect, a running node whose output
is read as it comes, and a reader's sign-in through the form, the message and its link."""
import os
import re
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request

import newsletter_common as nc

TIMEOUT = 30


def demo_in_postgres(run, binary, site, url, base_url, smtp_port, moved_to):
    """`cinepress demo` made in `site` and copied into the PostgreSQL at `url` with `run` (the
    SQLite file moved to `moved_to`); its config's text, pointed at `base_url` and the SMTP
    server on `smtp_port`, without a [store] (each node adds its own)."""
    run(binary, "demo", site)
    db = os.path.join(site, "cinepress.db")
    run(binary, "store", "copy", "--from", db, "--to", url)
    os.rename(db, moved_to)
    return nc.demo_config(site, base_url, smtp_port)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(url, data=None, cookies=None, origin=None):
    """(status, headers, body); cookies (a dict) is updated from Set-Cookie."""
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = origin
        headers["Sec-Fetch-Site"] = "same-origin"
    req = urllib.request.Request(url, data=body, headers=headers,
                                 method="POST" if body is not None else "GET")
    try:
        with OPENER.open(req, timeout=TIMEOUT) as r:
            status, hdrs, raw = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, hdrs, raw = e.code, e.headers, e.read()
    except OSError as e:
        return 0, {}, str(e)
    if cookies is not None:
        for c in hdrs.get_all("Set-Cookie") or []:
            name, _, rest = c.partition("=")
            cookies[name] = rest.split(";")[0]
    return status, hdrs, raw.decode("utf-8", "replace")


class Node:
    """One `cinepress serve`, its output read line by line as it comes."""

    def __init__(self, binary, site, port, env):
        self.address = f"http://127.0.0.1:{port}"
        self.lines = []
        self.proc = subprocess.Popen(
            [binary, "serve", "--site", site, "--listen", f"127.0.0.1:{port}", "--threads", "1",
             "--access-log", "off"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=env)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def said(self, text):
        return any(text in line for line in self.lines)

    def get(self, path):
        return request(self.address + path)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def answers(node, path, cookies=None):
    """(status, Retry-After, body) of a GET of `path` on `node`."""
    status, headers, body = request(node.address + path, cookies=cookies)
    return status, (headers.get("Retry-After") if headers else None), body


def sign_in(node, smtp, email, cookies, confirm_on=None):
    """The sign-in form on `node`, the message, its link's button (on `confirm_on`, another
    node, when given): the session cookie in `cookies`. "" when it worked, else what failed."""
    confirm_on = confirm_on or node
    before = len(smtp.messages())
    _, _, page = request(node.address + "/account/sign-in/", cookies=cookies)
    fields = nc.form_fields(page)
    status, _, page = request(node.address + "/account/sign-in/",
                              {"email": email, "csrf": fields.get("csrf", ""), "website": ""},
                              cookies, node.address)
    if status != 200:
        return f"the sign-in form answered {status}"
    msgs = nc.wait_for_mail(smtp, before + 1)
    if len(msgs) <= before:
        return "no sign-in message came"
    text = msgs[-1][1].get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+(/account/sign-in/confirm/\?token=\S+)", text)
    if not link:
        return "the sign-in message has no link"
    _, _, page = request(confirm_on.address + link.group(1), cookies=cookies)
    status, _, _ = request(confirm_on.address + "/account/sign-in/confirm/", nc.form_fields(page),
                           cookies, confirm_on.address)
    return "" if status == 303 else f"confirming the sign-in answered {status}"
