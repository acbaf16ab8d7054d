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
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402
from node_common import answers, request  # noqa: E402
from pg_common import SERVER, PgScript, wait_until  # noqa: E402
from pg_outage import BACK, REVIEW, Served  # noqa: E402

SCRIPT = PgScript("pg_restart_e2e")
check = nc.Checks("pg_restart_e2e")


def sign_up(node, email):
    """The newsletter form posted on `node`: (status, Retry-After)."""
    status, headers, _ = request(node.address + "/newsletters/subscribe/",
                                 {"email": email, "name": "", "list": "weekly", "website": "",
                                  "from": REVIEW}, {}, node.address)
    return status, headers.get("Retry-After") if headers else None


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    binary = os.path.realpath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="cinepress-pg-restart.")
    state = os.path.join(tmp, "pg")
    url = SCRIPT.private_server(state)
    served = None
    try:
        env = dict(os.environ, CINEPRESS_SCHEDULER_TICK="1",
                   CINEPRESS_SCHEDULER_NOW="2026-03-04T03:00:00Z")
        served = Served(SCRIPT, binary, tmp, url, url, env)
        node, smtp = served.node, served.smtp

        cookies = {}
        served.check_before(check, cookies)
        check("before: a newsletter sign-up", sign_up(node, "early@example.org")[0] == 200)
        check("before: the scheduler holds its lease",
              wait_until(lambda: node.said("scheduler: this node composes"), 20, 0.1))

        SCRIPT.run(SERVER, "down", state)
        served.check_away(check, "down")
        status, retry = sign_up(node, "during@example.org")
        check("down: a newsletter sign-up answers 503 with Retry-After",
              status == 503 and retry, (status, retry))
        status, retry, _ = answers(node, "/account/", cookies)
        check("down: the account page answers 503 with Retry-After",
              status == 503 and retry, (status, retry))

        SCRIPT.run(SERVER, "up", state)
        served.check_back(check, SCRIPT, "after", cookies, "PostgreSQL was started")
        before = len(smtp.messages())
        check("after: a newsletter sign-up",
              wait_until(lambda: sign_up(node, "late@example.org")[0] == 200, BACK, 0.2))
        msgs = nc.wait_for_mail(smtp, before + 1, BACK)
        check("after: its confirmation message is sent",
              any("late@example.org" in str(m["To"]) for _, m in msgs[before:]))
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
        if served:
            served.node.stop()
        subprocess.run([SERVER, "stop", state], capture_output=True)
    check.finish(tmp, served.smtp if served else None)


if __name__ == "__main__":
    main()
