#!/usr/bin/env python3
"""End-to-end: PostgreSQL restarts under a running `cinepress serve`.

    /usr/bin/python3 tests/e2e/pg_restart_e2e.py BINARY

Starts a PostgreSQL of its own (tests/pg/pg_test_server.sh: the shared test server is not
restarted under the other tests), copies the demo magazine with its newsletters into it, and
serves it with a real SMTP server (aiosmtpd) for the sign-in and confirmation messages. Then:

- before: /healthz, a page, a reader's sign-in, a newsletter sign-up, the scheduler's lease;
- while the server is stopped (pg_ctl stop -m fast): /healthz answers 503, a page never asked
  for answers 503, the sign-in and the sign-up answer 503, each with Retry-After; a page
  served before is still served from the cache; the node does not crash;
- after it is started again: /healthz is 200 within seconds (the time is printed), pages, the
  account of the reader signed in before, a new sign-in, a new sign-up and its message work,
  an import reaches the page (the change listener listens again), and the scheduler holds its
  lease again.

Prints `pg_restart_e2e: N passed, N failed`. Without PostgreSQL it fails under CI=true and
skips (exit 77) elsewhere.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402
from node_common import Node, demo_in_postgres, request, sign_in  # noqa: E402
from pg_common import PgScript, wait_until  # noqa: E402

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pg", "pg_test_server.sh")
BACK = 30  # seconds the node may take to serve normally again
SCRIPT = PgScript("pg_restart_e2e")
check = nc.Checks("pg_restart_e2e")
REVIEW = "/reviews/after-dinner/"


def private_server(state):
    """The URL of a PostgreSQL of this test's own (skips or fails without PostgreSQL)."""
    SCRIPT.run(SERVER, "start", state)
    with open(os.path.join(state, "url")) as f:
        url = f.read().strip()
    if not url:
        subprocess.run([SERVER, "stop", state], capture_output=True)
        SCRIPT.unavailable()
    return url


def sign_up(node, email):
    """The newsletter form posted on `node`: (status, Retry-After)."""
    status, headers, _ = request(node.address + "/newsletters/subscribe/",
                                 {"email": email, "name": "", "list": "weekly", "website": "",
                                  "from": REVIEW}, {}, node.address)
    return status, headers.get("Retry-After") if headers else None


def answers(node, path, cookies=None):
    status, headers, body = request(node.address + path, cookies=cookies)
    return status, (headers.get("Retry-After") if headers else None), body


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    binary = os.path.realpath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="cinepress-pg-restart.")
    state = os.path.join(tmp, "pg")
    url = private_server(state)
    smtp = nc.SmtpRecorder(os.path.join(tmp, "mail"))
    node = None
    try:
        port = nc.free_port()
        site = os.path.join(tmp, "site")
        text = demo_in_postgres(SCRIPT.run, binary, site, url, f"http://127.0.0.1:{port}",
                                smtp.port, os.path.join(tmp, "moved-away.db"))
        with open(os.path.join(site, "cinepress.toml"), "w", encoding="utf-8") as f:
            f.write(text + f'\n[store]\nurl = "{url}"\n')
        env = dict(os.environ, CINEPRESS_SCHEDULER_TICK="1",
                   CINEPRESS_SCHEDULER_NOW="2026-03-04T03:00:00Z")
        node = Node(binary, site, port, env)
        if not wait_until(lambda: node.said("serve: listening on"), 60, 0.1):
            SCRIPT.fail("the node did not say where it listens:\n" + "\n".join(node.lines))
        _, _, sitemap = answers(node, "/sitemap.xml")
        reviews = [re.sub(r"^https?://[^/]+", "", u) for u in
                   re.findall(r"<loc>([^<]+/reviews/[^<]+/)</loc>", sitemap)]
        unasked = [p for p in reviews if p != REVIEW]

        # Before.
        check("before: /healthz is 200", answers(node, "/healthz")[0] == 200)
        check("before: a review is served", answers(node, REVIEW)[0] == 200)
        cookies = {}
        problem = sign_in(node, smtp, "before@example.org", cookies)
        check("before: a reader signs in", problem == "", problem)
        check("before: the reader's account", answers(node, "/account/", cookies)[0] == 200)
        check("before: a newsletter sign-up", sign_up(node, "early@example.org")[0] == 200)
        check("before: the scheduler holds its lease",
              wait_until(lambda: node.said("scheduler: this node composes"), 20, 0.1))

        # While PostgreSQL is stopped.
        SCRIPT.run(SERVER, "down", state)
        check("down: /healthz answers 503",
              wait_until(lambda: answers(node, "/healthz")[0] == 503, 10, 0.1),
              answers(node, "/healthz")[:2])
        status, retry, _ = answers(node, unasked[0])
        check("down: a page never asked for answers 503 with Retry-After",
              status == 503 and retry, (status, retry))
        check("down: a page served before is still served (the cache)",
              answers(node, REVIEW)[0] == 200)
        browser = {}
        _, _, page = answers(node, "/account/sign-in/", browser)
        status, headers, _ = request(node.address + "/account/sign-in/",
                                     {"email": "during@example.org",
                                      "csrf": nc.form_fields(page).get("csrf", ""),
                                      "website": ""}, browser, node.address)
        check("down: a sign-in answers 503 with Retry-After",
              status == 503 and headers and headers.get("Retry-After"), status)
        status, retry = sign_up(node, "during@example.org")
        check("down: a newsletter sign-up answers 503 with Retry-After",
              status == 503 and retry, (status, retry))
        status, retry, _ = answers(node, "/account/", cookies)
        check("down: the account page answers 503 with Retry-After",
              status == 503 and retry, (status, retry))
        time.sleep(1.5)  # the scheduler and the change waits meet the closed server too
        check("down: the node is still running", node.proc.poll() is None, node.lines[-5:])

        # After.
        SCRIPT.run(SERVER, "up", state)
        started = time.monotonic()
        healthy = wait_until(lambda: answers(node, "/healthz")[0] == 200, BACK, 0.1)
        check(f"after: /healthz is 200 again within {BACK} s", healthy)
        if healthy:
            print(f"pg_restart_e2e: healthy again {time.monotonic() - started:.2f} s after "
                  "PostgreSQL was started")
        check("after: a page never asked for is served",
              wait_until(lambda: answers(node, unasked[-1])[0] == 200, BACK, 0.1))
        check("after: the account of the reader signed in before",
              wait_until(lambda: answers(node, "/account/", cookies)[0] == 200, BACK, 0.1))
        problem = "not tried"
        deadline = time.monotonic() + BACK
        while problem and time.monotonic() < deadline:
            problem = sign_in(node, smtp, "after@example.org", {})
        check("after: a reader signs in", problem == "", problem)
        before = len(smtp.messages())
        check("after: a newsletter sign-up",
              wait_until(lambda: sign_up(node, "late@example.org")[0] == 200, BACK, 0.2))
        msgs = nc.wait_for_mail(smtp, before + 1, BACK)
        check("after: its confirmation message is sent",
              any("late@example.org" in str(m["To"]) for _, m in msgs[before:]))
        path = os.path.join(site, "content", "reviews", "after-dinner.md")
        with open(path, "a", encoding="utf-8") as f:
            f.write("\nA sentence imported after the restart.\n")
        SCRIPT.run(binary, "import", "--site", site)
        check("after: an import reaches the page (the live site listens again)",
              wait_until(lambda: "imported after the restart" in answers(node, REVIEW)[2], BACK))
        said = lambda: [ln for ln in node.lines if ln.startswith("scheduler:")]  # noqa: E731
        check("after: the scheduler holds its lease again",
              wait_until(lambda: said()[-1:] == ["scheduler: this node composes the newsletters"],
                         BACK, 0.1), said()[-3:])
        check("after: the node never stopped", node.proc.poll() is None)
        if check.failed:
            print("--- the node said:\n" + "\n".join(node.lines[-40:]))
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        if node:
            node.stop()
        subprocess.run([SERVER, "stop", state], capture_output=True)
    check.finish(tmp, smtp)


if __name__ == "__main__":
    main()
