#!/usr/bin/python3
"""The newsletter commands end to end: subscribers import/export, send with a refused
recipient, preview, --test-to, and bounces (DSN) — the real binary and a real SMTP server.

    /usr/bin/python3 tests/e2e/newsletter_cli_test.py BINARY

Prints `newsletter_cli_test: N passed, N failed`.
"""

import csv
import io
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402


DSN = """From: MAILER-DAEMON@relay.example
To: news@changeover.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example

Final-Recipient: rfc822; {hard}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

Final-Recipient: rfc822; {soft}
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp; 452 4.2.2 mailbox full

--B--
"""

COMPLAINT = """From: fbl@provider.example
Subject: complaint
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="F"

--F
Content-Type: text/plain

An abuse report.
--F
Content-Type: message/feedback-report

Feedback-Type: abuse
Version: 1

--F
Content-Type: message/rfc822

From: Changeover <news@changeover.example>
To: Ok <{who}>
Subject: Changeover Weekly

The issue.
--F--
"""



check = nc.Checks("newsletter_cli_test")


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-nlcli-")
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"),
                           ["--fail-rcpt", "refused@example.org=550"])
    try:
        site = nc.make_site(binary, root, smtp.port)

        def export():
            out = nc.run([binary, "subscribers", "export", "--site", site]).stdout
            return list(csv.reader(io.StringIO(out)))

        bad = os.path.join(root, "bad.csv")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("email,name,lists,consent_date\n"
                    "ok@example.org,Ok,weekly,2024-05-01\n"
                    "not-an-address,,weekly,2024-05-01\n"
                    "x@example.org,,monthly,2024-05-01\n"
                    "y@example.org,,weekly,someday\n")
        p = nc.run([binary, "subscribers", "import", bad, "--site", site], check=False)
        check("a file with bad rows is refused", p.returncode == 1, p.returncode)
        check("every bad row is named with its line and field",
              "bad.csv:3: email:" in p.stderr and "bad.csv:4: lists:" in p.stderr
              and "bad.csv:5: consent_date:" in p.stderr, p.stderr)
        check("nothing is imported from it", len(export()) == 1, export())
        p = nc.run([binary, "subscribers", "import", bad, "--skip-invalid", "--site", site],
                   check=False)
        check("--skip-invalid imports the good rows", [r[0] for r in export()[1:]] == ["ok@example.org"],
              export())
        check("--skip-invalid did what was asked: exit 0, the bad rows named",
              p.returncode == 0 and "bad.csv:3: email:" in p.stderr, (p.returncode, p.stderr))

        good = os.path.join(root, "good.csv")
        with open(good, "w", encoding="utf-8") as f:
            f.write("email,name,lists,consent_date\n"
                    '"refused@example.org","Refused, Rita",weekly,2024-05-01\n'
                    "gone@example.org,Gone,weekly daily,2024-05-01\n"
                    "full@example.org,Full,weekly,2024-05-01\n")
        nc.run([binary, "subscribers", "import", good, "--site", site])
        rows = export()
        check("export writes the import's format", rows[0] == ["email", "name", "lists", "consent_date"]
              and ["refused@example.org", "Refused, Rita", "weekly", "2024-05-01T04:00:00Z"] in rows,
              rows)
        again = os.path.join(root, "again.csv")
        with open(again, "w", encoding="utf-8") as f:
            f.write(nc.run([binary, "subscribers", "export", "--site", site]).stdout)
        p = nc.run([binary, "subscribers", "import", again, "--site", site])
        check("an export imports again unchanged", export() == rows, p.stdout)

        p = nc.run([binary, "newsletter", "preview", "weekly", "--site", site])
        check("preview writes the issue's HTML", p.stdout.startswith("<!DOCTYPE html>")
              and "max-width:600px" in p.stdout)
        p = nc.run([binary, "newsletter", "send", "weekly", "--test-to", "editor@example.org",
                    "--site", site])
        msgs = smtp.messages()
        check("--test-to sends one message and queues nothing",
              len(msgs) == 1 and str(msgs[0][1]["Subject"]).startswith("[Test] ")
              and "editor@example.org" in str(msgs[0][1]["To"]), p.stdout)

        p = nc.run([binary, "newsletter", "send", "weekly", "--site", site])
        check("a refused recipient is recorded, the others sent",
              "3 sent, 1 failed, 0 pending" in p.stdout and "refused@example.org: 550" in p.stderr,
              p.stdout + p.stderr)
        p = nc.run([binary, "newsletter", "status", "--site", site])
        check("status shows the subscribers and the latest issue",
              "weekly (Changeover Weekly, weekly): 4 confirmed" in p.stdout
              and "3 sent, 1 failed, 0 pending" in p.stdout and "daily" in p.stdout, p.stdout)
        p = nc.run([binary, "newsletter", "send", "nope", "--site", site], check=False)
        check("an unknown newsletter is an error naming the known ones",
              p.returncode == 1 and "weekly" in p.stderr, p.stderr)

        dsn = os.path.join(root, "bounce.eml")
        with open(dsn, "w", encoding="utf-8") as f:
            f.write(DSN.format(hard="gone@example.org", soft="full@example.org").replace("\n", "\r\n"))
        p = nc.run([binary, "newsletter", "bounces", dsn, "--site", site])
        check("bounces: one hard, one soft", "1 hard (suppressed), 1 soft (counted)" in p.stdout,
              p.stdout)
        emails = [r[0] for r in export()[1:]]
        check("the hard-bounced address is suppressed", "gone@example.org" not in emails
              and "full@example.org" in emails, emails)
        mbox = os.path.join(root, "complaints.mbox")
        with open(mbox, "w", encoding="utf-8") as f:
            f.write("From fbl@provider.example Wed Nov 25 10:00:00 2026\n")
            f.write(COMPLAINT.format(who="ok@example.org"))
        p = nc.run([binary, "newsletter", "bounces", mbox, "--site", site])
        check("a complaint (ARF) in an mbox", "1 complaints (suppressed)" in p.stdout, p.stdout)
        check("the complaining reader gets nothing more",
              "ok@example.org" not in [r[0] for r in export()[1:]], export())
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        check.finish(root, smtp)


if __name__ == "__main__":
    main()
