#!/usr/bin/env python3
"""End-to-end: one newsletter issue sent from two nodes on one PostgreSQL.

    /usr/bin/python3 tests/e2e/newsletter_nodes_e2e.py BINARY URL_FILE [READERS] [KILLS]

Two site folders (node A and node B: the same files, each [store] url naming its node) share a
schema of the test PostgreSQL holding the demo magazine with a weekly newsletter and READERS
readers (default 1500); a real SMTP server (aiosmtpd) records every message. Each node sends at
most 3,000 messages a minute, so that one issue takes both a few seconds.

1. Split: `newsletter send weekly` on node A composes and sends the issue; node B's, started
   once A has queued it, joins. Both hand messages to the relay, and every reader gets exactly
   one message.
2. Kills: a fresh schema and the same again, but SIGKILL goes to A or B (alternately, at random
   moments, KILLS times, default 6) and the killed node is started again at once (it takes back
   the batch its dead process held). Every reader gets the issue; the only doubles are messages
   in flight at a kill (at most one per connection per kill) and carry the same Message-ID.
3. Schedulers: a fresh schema, and two `serve` nodes whose schedulers find the weekly issue
   due: one node composes it, both send parts of it, every reader gets exactly one message.

Prints `newsletter_nodes_e2e: N passed, N failed`. Without PostgreSQL it fails under CI=true and
skips (exit 77) elsewhere.
"""
import collections
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402
from node_common import Node  # noqa: E402
from pg_common import PgScript, wait_until  # noqa: E402

CONNECTIONS = 2
RATE = 3000  # per node, a minute
SCRIPT = PgScript("newsletter_nodes_e2e")
check = nc.Checks("newsletter_nodes_e2e")


class Sender:
    """One `newsletter send weekly` on one node, its output read as it comes."""

    def __init__(self, binary, site, name):
        self.name = name
        self.lines = []
        self.proc = subprocess.Popen([binary, "newsletter", "send", "weekly", "--site", site],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def said(self, text):
        return any(text in line for line in self.lines)

    def wait(self, timeout=240):
        code = self.proc.wait(timeout=timeout)
        self.reader.join(timeout=10)
        return code

    def handed(self):
        """Messages this run handed to the relay (0 when it did not say)."""
        for line in self.lines:
            m = re.search(r"\((\d+) handed to the relay by this run\)", line)
            if m:
                return int(m.group(1))
        return 0


def make_nodes(binary, root, base, schema, smtp_port, readers):
    """Two site folders on a fresh schema holding the demo, its newsletters and the readers."""
    url = SCRIPT.fresh_schema(base, schema)
    site_a = nc.make_site(binary, root, smtp_port, connections=CONNECTIONS)
    config = os.path.join(site_a, "cinepress.toml")
    with open(config, encoding="utf-8") as f:
        text = f.read().replace("[smtp]\n", f"[smtp]\nrate_per_minute = {RATE}\n", 1)
    db = os.path.join(site_a, "cinepress.db")
    SCRIPT.run(binary, "store", "copy", "--from", db, "--to", url)
    os.rename(db, os.path.join(root, "moved-away.db"))
    site_b = os.path.join(root, "site-b")
    shutil.copytree(site_a, site_b)
    for site, name in ((site_a, "node-a"), (site_b, "node-b")):
        node_url = SCRIPT.with_params(url, application_name=name)
        with open(os.path.join(site, "cinepress.toml"), "w", encoding="utf-8") as f:
            f.write(text + f'\n[store]\nurl = "{node_url}"\n')
    csv = os.path.join(root, "readers.csv")
    with open(csv, "w", encoding="utf-8") as f:
        f.write("email,name,lists,consent_date\n")
        for i in range(readers):
            f.write(f'reader{i}@example.org,"Reader {i}",weekly,2024-05-01\n')
    SCRIPT.run(binary, "subscribers", "import", csv, "--site", site_a)
    return url, site_a, site_b


def finished(url):
    return SCRIPT.psql(url, "SELECT coalesce(min(finished), 0) FROM newsletter_issues") == "1"


def start_both(binary, site_a, site_b):
    """A composes and queues the issue; B, started then, joins it."""
    a = Sender(binary, site_a, "A")
    if not wait_until(lambda: a.said("queued for") or a.proc.poll() is not None, 60):
        SCRIPT.fail("node A did not queue the issue:\n" + "\n".join(a.lines))
    return a, Sender(binary, site_b, "B")


def count(smtp, readers, label):
    """{reader: [messages]}; checks that the messages reached the readers and no one else."""
    by_reader = collections.defaultdict(list)
    bad = []
    for name, msg in smtp.messages():
        to = str(msg["X-Envelope-To"]).strip()
        by_reader[to].append(msg)
        problems = nc.check_message(msg, "weekly", "http://127.0.0.1:8080")
        if problems:
            bad.append(f"{name}: {problems}")
    expected = {f"reader{i}@example.org" for i in range(readers)}
    missing = expected - set(by_reader)
    check(f"{label}: every reader got the issue", not missing,
          f"{len(missing)} missing, e.g. {sorted(missing)[:3]}")
    check(f"{label}: nobody else got it", set(by_reader) <= expected)
    check(f"{label}: every message is a correct newsletter message", not bad, "; ".join(bad[:3]))
    return by_reader


def split(binary, root, base, readers):
    smtp = nc.SmtpRecorder(os.path.join(root, "mail-split"))
    try:
        url, site_a, site_b = make_nodes(binary, os.path.join(root, "split"), base,
                                         f"e2e_nlnodes_split_{os.getpid()}", smtp.port, readers)
        a, b = start_both(binary, site_a, site_b)
        codes = (a.wait(), b.wait())
        print(f"node A: {a.lines[-1] if a.lines else ''}\nnode B: {b.lines[-1] if b.lines else ''}")
        check("split: both nodes' sends ended well", codes == (0, 0),
              f"{codes}: {a.lines[-3:]} {b.lines[-3:]}")
        check("split: node B joined node A's issue", b.said("resuming issue"), b.lines[-3:])
        check(f"split: both nodes handed messages to the relay (A {a.handed()}, B {b.handed()})",
              a.handed() > 0 and b.handed() > 0)
        check("split: the issue is finished", finished(url))
        nc.wait_for_mail(smtp, readers)
        by_reader = count(smtp, readers, "split")
        doubles = {r: len(v) for r, v in by_reader.items() if len(v) > 1}
        check("split: every reader got exactly one message", not doubles,
              f"{len(doubles)} readers got more, e.g. {list(doubles.items())[:3]}")
        check("split: the relay took as many messages as the nodes handed it",
              a.handed() + b.handed() == readers, (a.handed(), b.handed(), readers))
    finally:
        smtp.stop()
        SCRIPT.psql(base, f"DROP SCHEMA IF EXISTS e2e_nlnodes_split_{os.getpid()} CASCADE")


def kills(binary, root, base, readers, kills_wanted, rng):
    smtp = nc.SmtpRecorder(os.path.join(root, "mail-kill"))
    schema = f"e2e_nlnodes_kill_{os.getpid()}"
    try:
        url, site_a, site_b = make_nodes(binary, os.path.join(root, "kill"), base, schema,
                                         smtp.port, readers)
        sites = {"A": site_a, "B": site_b}
        running = dict(zip("AB", start_both(binary, site_a, site_b)))
        killed = collections.Counter()
        deadline = time.monotonic() + 180
        while sum(killed.values()) < kills_wanted and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.2, 0.9))
            if finished(url):
                break
            name = "AB"[sum(killed.values()) % 2]  # either node, in turn
            victim = running[name]
            if victim.proc.poll() is None:
                victim.proc.send_signal(signal.SIGKILL)
                victim.wait()
                killed[name] += 1
            if not finished(url):
                running[name] = Sender(binary, sites[name], name)
        for s in running.values():
            s.wait()
        # A node whose run ended while the other held the last batch leaves the issue to it; if
        # that one was killed last, one more run finishes it.
        if not finished(url):
            last = Sender(binary, site_a, "A")
            last.wait()
        total = sum(killed.values())
        print(f"kills: A {killed['A']}, B {killed['B']}; {len(smtp.messages())} messages for "
              f"{readers} readers")
        check("kills: both nodes were killed mid-send", killed["A"] > 0 and killed["B"] > 0,
              dict(killed))
        check("kills: the issue is finished", finished(url))
        nc.wait_for_mail(smtp, readers)
        by_reader = count(smtp, readers, "kills")
        doubles = sum(len(v) - 1 for v in by_reader.values())
        check(f"kills: doubles ({doubles}) only for messages in flight at a kill (at most "
              f"{total} x {CONNECTIONS})", doubles <= total * CONNECTIONS)
        check("kills: a double carries the same Message-ID",
              all(len({str(m["Message-ID"]) for m in v}) == 1 for v in by_reader.values()))
    finally:
        smtp.stop()
        SCRIPT.psql(base, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def schedulers(binary, root, base, readers):
    """Two `serve` nodes whose schedulers find the weekly issue due: one composes it, both send."""
    smtp = nc.SmtpRecorder(os.path.join(root, "mail-serve"))
    schema = f"e2e_nlnodes_serve_{os.getpid()}"
    nodes = []
    try:
        url, site_a, site_b = make_nodes(binary, os.path.join(root, "serve"), base, schema,
                                         smtp.port, readers)
        # A Friday evening (UTC): the weekly issue (Fridays at 8) is due in the site's zone.
        env = dict(os.environ, CINEPRESS_SCHEDULER_TICK="1",
                   CINEPRESS_SCHEDULER_NOW="2026-03-06T20:00:00Z")
        for site in (site_a, site_b):
            nodes.append(Node(binary, site, nc.free_port(), env))
        done = wait_until(lambda: SCRIPT.psql(url, "SELECT count(*) FROM newsletter_issues") == "1"
                          and finished(url), 180, 0.2)
        check("serve: the nodes' schedulers finished the issue", done)
        time.sleep(1.5)  # the last runs say what they handed over
        handed = []
        for n in nodes:
            runs = [int(m.group(1)) for line in n.lines
                    for m in [re.search(r"\((\d+) handed to the relay by this run\)", line)] if m]
            handed.append(sum(runs))
        print(f"serve: node A handed {handed[0]}, node B {handed[1]}")
        composed = [n.said("queued for") for n in nodes]
        check("serve: one node composed the issue", composed.count(True) == 1, composed)
        check("serve: both nodes' schedulers sent part of it", all(h > 0 for h in handed), handed)
        nc.wait_for_mail(smtp, readers)
        by_reader = count(smtp, readers, "serve")
        doubles = {r: len(v) for r, v in by_reader.items() if len(v) > 1}
        check("serve: every reader got exactly one message", not doubles,
              f"{len(doubles)} readers got more, e.g. {list(doubles.items())[:3]}")
        if check.failed:
            for n, name in zip(nodes, "AB"):
                print(f"--- node {name} said:\n" + "\n".join(n.lines[-20:]))
    finally:
        for n in nodes:
            n.stop()
        smtp.stop()
        SCRIPT.psql(base, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    binary, url_file = os.path.realpath(sys.argv[1]), sys.argv[2]
    readers = int(sys.argv[3]) if len(sys.argv) > 3 else 1500
    kills_wanted = int(sys.argv[4]) if len(sys.argv) > 4 else 6
    base = SCRIPT.server_url(url_file)
    seed = int(os.environ.get("KILL_TEST_SEED", str(int(time.time()))))
    print(f"seed {seed}")
    root = tempfile.mkdtemp(prefix="cinepress-newsletter-nodes.")
    try:
        split(binary, root, base, readers)
        kills(binary, root, base, readers, kills_wanted, random.Random(seed))
        schedulers(binary, root, base, readers)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    check.finish(root)


if __name__ == "__main__":
    main()
