#!/usr/bin/env python3
"""End-to-end: a failover from a PostgreSQL primary to its streaming replica under a running
`cinepress serve`.

    /usr/bin/python3 tests/e2e/pg_failover_e2e.py BINARY

Starts a primary of its own and a streaming replica of it (tests/pg/pg_test_server.sh: initdb,
then pg_basebackup -R), copies the demo magazine into the primary, and serves it with the
multi-host URL of DEPLOY.md (both servers' sockets, target_session_attrs=read-write), with a
real SMTP server (aiosmtpd) for the sign-in messages. Then:

- before: /healthz, a page, a search, a reader's sign-in (the node connects to the primary;
  the replica, read-only, is passed over);
- the primary stopped (pg_ctl stop -m fast), the replica not yet promoted: /healthz answers
  503, a page never asked for, a search never asked for and a sign-in answer 503 with
  Retry-After; a page served before is still served from the cache; the node does not crash;
- the replica promoted (pg_ctl promote): /healthz is 200 within seconds (the time is printed)
  without restarting the node; pages, searches, the account of the reader signed in before (the
  session came over by replication), a new sign-in, and an import reaching the page (the change
  listener listens on the new primary).

Prints `pg_failover_e2e: N passed, N failed`. Without PostgreSQL it fails under CI=true and
skips (exit 77) elsewhere.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402
from node_common import answers  # noqa: E402
from pg_common import SERVER, PgScript, wait_until  # noqa: E402
from pg_outage import BACK, REVIEW, Served  # noqa: E402

SCRIPT = PgScript("pg_failover_e2e")
check = nc.Checks("pg_failover_e2e")


def socket_dir(url):
    """The unix socket folder of a test server's URL (its `host`)."""
    return re.search(r"[?&]host=([^&]+)", url).group(1)


def found(node, query):
    """Whether a search for `query` on `node` answers 200 and lists the review."""
    status, _, body = answers(node, "/search/?q=" + query)
    return status == 200 and REVIEW in body


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    binary = os.path.realpath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="cinepress-pg-failover.")
    primary_state, replica_state = os.path.join(tmp, "primary"), os.path.join(tmp, "replica")
    primary = SCRIPT.private_server(primary_state)
    served = None
    try:
        replica = SCRIPT.private_server(replica_state, primary_state)
        # Both servers, the replica second; libpq takes the first that accepts writes.
        both = re.sub(r"host=[^&]+", f"host={socket_dir(primary)},{socket_dir(replica)}",
                      primary) + "&target_session_attrs=read-write"
        served = Served(SCRIPT, binary, tmp, primary, both, dict(os.environ))
        node = served.node
        check("the demo has reviews besides the one served throughout", len(served.unasked) >= 2)

        cookies = {}
        served.check_before(check, cookies)
        check("before: a search finds the review", found(node, "Anzures"))
        check("before: the replica is read-only and has the reader's session",
              wait_until(lambda: SCRIPT.psql(
                  replica, "SELECT pg_is_in_recovery() AND EXISTS (SELECT 1 FROM member_sessions)")
                  == "t", 10, 0.1))

        SCRIPT.run(SERVER, "down", primary_state)
        status, retry, _ = answers(node, "/search/?q=Berlinale")
        check("primary down: a search never asked for answers 503 with Retry-After",
              status == 503 and retry, (status, retry))
        served.check_away(check, "primary down")

        SCRIPT.run(SERVER, "promote", replica_state)
        served.check_back(check, SCRIPT, "promoted", cookies, "the replica was promoted")
        check("promoted: searches work",
              wait_until(lambda: found(node, "Berlinale"), BACK, 0.1) and found(node, "Anzures"))
        check("promoted: the node never stopped", node.proc.poll() is None)
        if check.failed:
            print("--- the node said:\n" + "\n".join(node.lines[-40:]))
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        if served:
            served.node.stop()
        for state in (replica_state, primary_state):
            subprocess.run([SERVER, "stop", state], capture_output=True)
    check.finish(tmp, served.smtp if served else None)


if __name__ == "__main__":
    main()
