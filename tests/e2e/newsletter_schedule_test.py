#!/usr/bin/python3
"""The scheduler inside `cinepress serve`, on a clock set by the test.

    /usr/bin/python3 tests/e2e/newsletter_schedule_test.py BINARY

The weekly newsletter is due on Fridays at 08:00 in the site's zone (America/Toronto). `serve`
starts with its scheduler clock at Friday 2026-10-23 08:00:30 Toronto time (12:00:30 UTC) and a
one-second tick: every subscriber must get the issue, dated by that clock, exactly once (the
slot is used), and the manual newsletter must send nothing; a reader the relay refuses for now
waits for a retry, and stopping serve does not wait for it. Then the clock is set to the
Thursday before: nothing is due. Then a send the newsroom scheduled (a row of
newsletter_schedules, as /admin/newsletters/ stores it) for the manual newsletter at Saturday
12:00:02 UTC, with the clock started two seconds before: the scheduler takes it at its time and
sends that newsletter's issue once, and leaves alone the weekly's send scheduled in 2030.
Prints `newsletter_schedule_test: N passed, N failed`.
"""

import email.utils
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402




def serve(binary, site, clock):
    port = nc.free_port()
    env = dict(os.environ, CINEPRESS_SCHEDULER_NOW=clock, CINEPRESS_SCHEDULER_TICK="1")
    proc = subprocess.Popen([binary, "serve", "--site", site, "--listen", f"127.0.0.1:{port}",
                             "--threads", "1", "--access-log", "off"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.readline()
    return proc


def stop(proc):
    proc.terminate()
    try:
        return proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


check = nc.Checks("newsletter_schedule_test")


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-nlsched-")
    # r2 is refused for now (451) every time: its retry is pending when serve is stopped.
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"), ["--fail-rcpt", "r2@example.org=451"])
    try:
        site = nc.make_site(binary, root, smtp.port)
        csv = os.path.join(root, "readers.csv")
        with open(csv, "w", encoding="utf-8") as f:
            f.write("email,name,lists,consent_date\n")
            for i in range(3):
                f.write(f"r{i}@example.org,,weekly daily,2024-01-01\n")
        nc.run([binary, "subscribers", "import", csv, "--site", site])

        proc = serve(binary, site, "2026-10-22T12:00:30Z")  # a Thursday
        time.sleep(3)
        stop(proc)
        check("nothing is due on a Thursday", len(smtp.messages()) == 0, len(smtp.messages()))

        proc = serve(binary, site, "2026-10-23T12:00:30Z")  # Friday 08:00:30 in Toronto
        deadline = time.monotonic() + 30
        while len(smtp.messages()) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # more ticks: the slot is used, nothing more goes
        started = time.monotonic()
        out, err = stop(proc)
        check("serve stops at once though a retry is due in a minute",
              time.monotonic() - started < 8 and proc.returncode == 0, f"{out}\n{err}")
        msgs = [m for _, m in smtp.messages()]
        check("every subscriber the relay takes gets the weekly issue at its hour",
              len(msgs) == 2, f"{len(msgs)} messages\n{out}\n{err}")
        # The wait is counted from the refusal, so a slow machine may print 59 s or less.
        check("the refused one waits for its retry",
              re.search(r"waiting [0-9]+ s to retry temporary failures", out) is not None, out)
        check("only the weekly newsletter (the other is manual)",
              all("weekly" in str(m["List-Id"]) for m in msgs), [str(m["List-Id"]) for m in msgs])
        dates = {email.utils.parsedate_to_datetime(str(m["Date"])).timestamp() for m in msgs}
        check("the issue is dated by the scheduler's clock",
              len(dates) == 1 and 1792756830 <= min(dates) < 1792756830 + 30, dates)
        problems = [nc.check_message(m, "weekly", "http://127.0.0.1:8080") for m in msgs]
        check("the messages are correct", not any(problems), problems)

        # Sends scheduled in the newsroom: the manual newsletter's now due, the weekly's not.
        # (The weekly issue is marked finished first: its refused reader's retry would hold the
        # scheduler's turn a minute.)
        db = sqlite3.connect(os.path.join(site, "cinepress.db"))
        with db:
            db.execute("UPDATE newsletter_issues SET finished = 1")
            db.executemany("INSERT INTO newsletter_schedules (newsletter, send_at, scheduled_by,"
                           " created) VALUES (?, ?, 'ed@changeover.example', 0)",
                           [("daily", 1792843202), ("weekly", 1904000000)])
        db.close()
        before = len(smtp.messages())
        proc = serve(binary, site, "2026-10-24T12:00:00Z")
        deadline = time.monotonic() + 30
        while len(smtp.messages()) < before + 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # more ticks: the scheduled send is used once
        out, err = stop(proc)
        later = [m for _, m in smtp.messages()][before:]
        check("the scheduled send goes out to the manual newsletter's subscribers, once",
              len(later) == 2 and all("daily" in str(m["List-Id"]) for m in later),
              f"{[str(m['List-Id']) for m in later]}\n{out}\n{err}")
        sent_at = {email.utils.parsedate_to_datetime(str(m["Date"])).timestamp() for m in later}
        check("at its time, not before", len(sent_at) == 1 and min(sent_at) >= 1792843202, sent_at)
        db = sqlite3.connect(os.path.join(site, "cinepress.db"))
        left = db.execute("SELECT newsletter FROM newsletter_schedules").fetchall()
        db.close()
        check("the send is taken; the weekly's in 2030 waits", left == [("weekly",)], left)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        check.finish(root, smtp)


if __name__ == "__main__":
    main()
