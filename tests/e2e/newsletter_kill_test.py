#!/usr/bin/python3
"""The kill test: nothing skipped, nothing doubled beyond what SMTP makes unavoidable.

    /usr/bin/python3 tests/e2e/newsletter_kill_test.py BINARY [SUBSCRIBERS] [KILLS]

Makes the demo magazine with a newsletter, imports SUBSCRIBERS readers (default 3000) from CSV,
starts a real SMTP server (aiosmtpd) that records every message, and runs
`BINARY newsletter send weekly` again and again, killing it with SIGKILL at a random moment
each time (KILLS times, default 25), then lets it finish. Then it counts: every reader got the
issue; the only doubles are messages in flight at a kill (at most one per connection per kill),
and a double has the same Message-ID; every message parses with Python's `email` package and has
its headers, parts and unsubscribe links. Prints `newsletter_kill_test: N passed, N failed`.
"""

import collections
import fcntl
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

CONNECTIONS = 4


check = nc.Checks("newsletter_kill_test")


def main():
    binary = os.path.abspath(sys.argv[1])
    readers = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    kills_wanted = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    seed = int(os.environ.get("KILL_TEST_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    root = tempfile.mkdtemp(prefix="cinepress-kill-")
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    try:
        site = nc.make_site(binary, root, smtp.port, connections=CONNECTIONS)
        csv = os.path.join(root, "readers.csv")
        with open(csv, "w", encoding="utf-8") as f:
            f.write("email,name,lists,consent_date\n")
            for i in range(readers):
                name = "Zoë Ménard" if i % 3 == 0 else f"Reader {i}"
                f.write(f'reader{i}@example.org,"{name}",weekly,2024-05-01\n')
        out = nc.run([binary, "subscribers", "import", csv, "--site", site])
        print(out.stdout.strip())

        # Two senders at once: the second is refused while the first holds the newsletter's lock.
        first = subprocess.Popen([binary, "newsletter", "send", "weekly", "--site", site],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        lock_path = os.path.join(site, ".newsletter-weekly.lock")
        held = False
        deadline = time.monotonic() + 20
        while not held and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.02)
            if os.path.exists(lock_path):
                with open(lock_path) as f:
                    try:
                        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        fcntl.flock(f, fcntl.LOCK_UN)
                    except OSError:
                        held = True
        second = nc.run([binary, "newsletter", "send", "weekly", "--site", site], check=False)
        check("a second sender is refused while one is sending", held and second.returncode == 1
              and "another cinepress is sending" in second.stderr, second.stderr)
        first.send_signal(signal.SIGKILL)
        first.wait()

        kills = 1
        finished = False
        started = time.monotonic()
        runs = 0
        while not finished and runs < kills_wanted + 20 and time.monotonic() - started < 240:
            runs += 1
            proc = subprocess.Popen([binary, "newsletter", "send", "weekly", "--site", site],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if kills < kills_wanted:
                # Early kills hit composing and queueing; later ones hit sending.
                time.sleep(rng.uniform(0.0, 0.15) if kills % 5 == 0 else rng.uniform(0.05, 0.35))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    kills += 1
                    continue
            stdout, stderr = proc.communicate(timeout=120)
            if proc.returncode != 0:
                raise AssertionError(f"send exited {proc.returncode}: {stdout}{stderr}")
            # A run killed after it finished the issue leaves nothing for the next one to send.
            finished = " 0 pending" in stdout or "nothing to send" in stdout
        received = smtp.messages()
        print(f"seed {seed}: {runs} runs, {kills} kills, {len(received)} messages received "
              f"for {readers} readers")

        check("the sender finished", finished)
        check("it was killed many times", kills >= min(kills_wanted, 10), f"{kills} kills")
        by_reader = collections.defaultdict(list)
        bad = []
        for name, msg in received:
            to = str(msg["X-Envelope-To"]).strip()
            by_reader[to].append(msg)
            problems = nc.check_message(msg, "weekly", "http://127.0.0.1:8080")
            if problems:
                bad.append(f"{name}: {problems}")
            if str(msg["To"]).rsplit("<", 1)[-1].rstrip(">") != to:
                bad.append(f"{name}: To {msg['To']} is not the envelope's {to}")
        expected = {f"reader{i}@example.org" for i in range(readers)}
        missing = expected - set(by_reader)
        check("every reader got the issue", not missing, f"{len(missing)} missing, e.g. "
              f"{sorted(missing)[:3]}")
        check("nobody else got it", set(by_reader) <= expected)
        doubles = sum(len(v) - 1 for v in by_reader.values())
        check(f"doubles ({doubles}) at most one per connection per kill ({kills} x {CONNECTIONS})",
              doubles <= kills * CONNECTIONS)
        same_id = all(len({str(m["Message-ID"]) for m in v}) == 1 for v in by_reader.values())
        check("a double carries the same Message-ID", same_id)
        ids = {str(v[0]["Message-ID"]) for v in by_reader.values()}
        check("Message-IDs differ between readers", len(ids) == len(by_reader))
        check("every message is a correct newsletter message", not bad, "; ".join(bad[:3]))
        zoe = by_reader.get("reader0@example.org", [None])[0]
        check("non-ASCII names are encoded words that decode",
              zoe is not None and str(zoe["To"]).startswith("Zoë Ménard"),
              str(zoe and zoe["To"]))
        again = nc.run([binary, "newsletter", "send", "weekly", "--site", site])
        check("a later send finds nothing new", "nothing to send" in again.stdout, again.stdout)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        check.finish(root, smtp)


if __name__ == "__main__":
    main()
