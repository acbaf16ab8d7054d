"""Shared by the newsletter end-to-end tests: a demo site with newsletters, the recording SMTP
server, and parsing what it received with Python's `email` package."""

import email
import email.utils
import email.policy
import os
import re
import shutil
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's, with aiosmtpd


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, timeout=120, check=True, **kw):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{args} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def demo_config(site, base_url, smtp_port):
    """The text of `site`'s cinepress.toml (a `cinepress demo` folder) pointed at `base_url` and
    the SMTP server on `smtp_port`."""
    with open(os.path.join(site, "cinepress.toml"), encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r'(?m)^base_url = .*$', f'base_url = "{base_url}"', text)
    return re.sub(r'(?m)^url = "smtp://127.0.0.1:\d+"', f'url = "smtp://127.0.0.1:{smtp_port}"',
                  text)


def point_demo(site, base_url, smtp_port, extra=""):
    """Rewrites `site`'s cinepress.toml as demo_config says, with `extra` TOML appended."""
    text = demo_config(site, base_url, smtp_port) + extra
    with open(os.path.join(site, "cinepress.toml"), "w", encoding="utf-8") as f:
        f.write(text)


def make_site(binary, root, smtp_port, connections=4, base_url="http://127.0.0.1:8080"):
    """The demo magazine with a weekly newsletter over the whole archive and a daily one."""
    site = os.path.join(root, "site")
    run([binary, "demo", site], timeout=300)
    path = os.path.join(site, "cinepress.toml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r'(?m)^base_url = .*$', f'base_url = "{base_url}"', text)
    # The demo's own relay and newsletters (at the end of its config) give way to the test's.
    own = re.search(r'(?m)^(#[^\n]*\n)*(\[smtp\]|\[\[newsletters\]\])$', text)
    if own:
        text = text[:own.start()]
    text += f"""

[smtp]
url = "smtp://127.0.0.1:{smtp_port}"
starttls = "none"
connections = {connections}

[[newsletters]]
name = "Changeover Weekly"
slug = "weekly"
from = "Changeover <news@changeover.example>"
reply_to = "editors@changeover.example"
description = "Reviews, interviews and essays of the week."
schedule = "weekly"
day = "friday"
hour = 8
[newsletters.content]
first_days = 3650
max_articles = 12

[[newsletters]]
name = "Le Quotidien du Festival"
slug = "daily"
from = "Changeover <news@changeover.example>"
description = "Chaque matin, le festival de la veille."
[newsletters.content]
first_days = 3650
section = "reviews"
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return site


class SmtpRecorder:
    """tests/e2e/smtp_recorder.py in its own process."""

    def __init__(self, folder, extra=()):
        self.port = free_port()
        self.folder = folder
        self.proc = subprocess.Popen(
            [PYTHON, os.path.join(HERE, "smtp_recorder.py"), str(self.port), folder, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise AssertionError("the SMTP recorder did not start: " + self.proc.stderr.read())

    def messages(self):
        """[(file name, email.message.EmailMessage)] in arrival order."""
        out = []
        for name in sorted(os.listdir(self.folder)):
            if not name.endswith(".eml"):
                continue
            with open(os.path.join(self.folder, name), "rb") as f:
                out.append((name, email.message_from_binary_file(f, policy=email.policy.default)))
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def form_fields(page):
    """The hidden inputs of a page's forms (CSRF tokens, link tokens), by name."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def wait_for_mail(smtp, count, timeout=15):
    """The recorder's messages once there are `count` of them (or all there are at the timeout)."""
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msgs = smtp.messages()
        if len(msgs) >= count:
            return msgs
        time.sleep(0.1)
    return smtp.messages()


def check_message(msg, slug, base_url):
    """Every rule a newsletter message must keep; returns a list of problems (empty when fine)."""
    problems = []
    for h in ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe",
              "List-Unsubscribe-Post", "MIME-Version"):
        if msg[h] is None:
            problems.append("no " + h)
    if problems:
        return problems
    if email.utils.parsedate_to_datetime(str(msg["Date"])) is None:
        problems.append("bad Date")
    if not re.fullmatch(r"<cinepress\.\d+\.\d+@[\w.-]+>", str(msg["Message-ID"]).strip()):
        problems.append("odd Message-ID " + str(msg["Message-ID"]))
    if str(msg["List-Unsubscribe-Post"]) != "List-Unsubscribe=One-Click":
        problems.append("List-Unsubscribe-Post is " + str(msg["List-Unsubscribe-Post"]))
    m = re.fullmatch(r"<(\S+)>", str(msg["List-Unsubscribe"]).strip())
    if not m or not m.group(1).startswith(f"{base_url}/newsletters/{slug}/unsubscribe/"):
        problems.append("List-Unsubscribe is " + str(msg["List-Unsubscribe"]))
        return problems
    unsubscribe = m.group(1)
    kinds = [p.get_content_type() for p in msg.walk()]
    if "multipart/alternative" not in kinds:
        problems.append("no multipart/alternative: " + str(kinds))
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    if plain is None or html is None:
        return problems + ["no text or no HTML part"]
    text, markup = plain.get_content(), html.get_content()
    if unsubscribe not in text:
        problems.append("the text part has no visible unsubscribe link")
    if f'href="{unsubscribe}"' not in markup:
        problems.append("the HTML part has no unsubscribe link")
    if "<script" in markup.lower():
        problems.append("script in the HTML part")
    for img in re.findall(r"<img\b[^>]*>", markup):
        if not re.search(r'\balt="[^"]+"', img):
            problems.append("an image without alt text: " + img)
    if "max-width:600px" not in markup:
        problems.append("the HTML is not width-limited")
    return problems


class Checks:
    """Prints `ok`/`FAIL` per check, then the closing `NAME: N passed, N failed` line."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def __call__(self, label, cond, detail=""):
        if cond:
            self.passed += 1
            print("ok   " + label)
        else:
            self.failed += 1
            print("FAIL " + label + (": " + str(detail)[:600] if detail else ""))
        return cond

    def finish(self, root, *started):
        """Stops what the test started (SmtpRecorder or Popen), removes `root` unless something
        failed (then it is kept for a look), prints the closing line and exits."""
        for thing in started:
            if thing is None:
                continue
            if isinstance(thing, SmtpRecorder):
                thing.stop()
            elif thing.poll() is None:
                thing.terminate()
                try:
                    thing.wait(10)
                except subprocess.TimeoutExpired:
                    thing.kill()
                    thing.wait()
        if self.failed == 0:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("kept " + root)
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        sys.exit(0 if self.failed == 0 else 1)
