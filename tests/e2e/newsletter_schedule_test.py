#!/usr/bin/python3
"""The scheduler inside `cinepress serve`, on a clock set by the test.

    /usr/bin/python3 tests/e2e/newsletter_schedule_test.py BINARY

The weekly newsletter is due on Fridays at 08:00 in the site's zone (America/Toronto). `serve`
starts with its scheduler clock at Friday 2026-10-23 08:00:30 Toronto time (12:00:30 UTC) and a
one-second tick: every subscriber must get the issue, dated by that clock, exactly once (the
slot is used), and the manual newsletter must send nothing; a reader the relay refuses for now
waits for a retry, and stopping serve does not wait for it. Then the clock is set to the
Thursday before: nothing is due. Prints `newsletter_schedule_test: N passed, N failed`.
"""

import email.utils
import os
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
        check("the refused one waits for its retry", "waiting 60 s to retry" in out, out)
        check("only the weekly newsletter (the other is manual)",
              all("weekly" in str(m["List-Id"]) for m in msgs), [str(m["List-Id"]) for m in msgs])
        dates = {email.utils.parsedate_to_datetime(str(m["Date"])).timestamp() for m in msgs}
        check("the issue is dated by the scheduler's clock",
              len(dates) == 1 and 1792756830 <= min(dates) < 1792756830 + 30, dates)
        problems = [nc.check_message(m, "weekly", "http://127.0.0.1:8080") for m in msgs]
        check("the messages are correct", not any(problems), problems)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        check.finish(root, smtp)


if __name__ == "__main__":
    main()
