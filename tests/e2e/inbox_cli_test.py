#!/usr/bin/python3
"""`cinepress inbox` end to end: list (and --status), show (and --file), reply (from a file and
from standard input: the reply goes through a real SMTP server, aiosmtpd, to the sender, is
parsed with Python's `email`, and stays in the thread), close and reopen, and list's --kind, on
submissions written into the store as the contact and pitch forms keep them — one with CR/LF in
its name and subject.

    /usr/bin/python3 tests/e2e/inbox_cli_test.py build/cinepress
"""

import os
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

check = nc.Checks("inbox_cli")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-inbox-")
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    try:
        site = os.path.join(root, "site")
        nc.run([binary, "init", site])
        with open(os.path.join(site, "cinepress.toml"), "a", encoding="utf-8") as f:
            f.write(f'\n[smtp]\nurl = "smtp://127.0.0.1:{smtp.port}"\nstarttls = "none"\n'
                    '\n[contact]\nforward_to = "Editors <editors@example.org>"\n')

        def cli(*args, code=0, stdin=None):
            p = nc.run([binary, *args, "--site", site], check=False, input=stdin)
            if p.returncode != code:
                print(f"  {args}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
            return p

        p = cli("inbox", "list")
        check("an empty inbox says so", "the inbox is empty" in p.stdout, p.stdout)
        db = sqlite3.connect(os.path.join(site, "cinepress.db"))
        db.execute(
            "INSERT INTO inbox_submissions (kind, name, email, subject, message, links, created,"
            " updated, ip) VALUES ('contact', 'Mallory  Bcc: victim@example.com',"
            " 'mallory@example.org', 'Hi  Content-Type: text/html', 'Line one\nLine two', '',"
            " 1000, 1000, '192.0.2.9')")
        db.execute(
            "INSERT INTO inbox_submissions (kind, name, email, message, links, created, updated,"
            " file_name, file_type, file_size, file) VALUES ('pitch', 'Ada', 'ada@example.org',"
            " 'On Ozu''s trains', 'https://ada.example/', 2000, 2000, 'pitch.pdf',"
            " 'application/pdf', ?, ?)", (len(PDF), PDF))
        db.commit()
        db.close()

        p = cli("inbox", "list")
        lines = p.stdout.splitlines()
        check("list shows both, newest first", len(lines) == 2 and lines[0].startswith("2\topen\tpitch")
              and lines[1].startswith("1\topen\tcontact"), p.stdout)
        p = cli("inbox", "show", "2", "--file", os.path.join(root, "out.pdf"))
        with open(os.path.join(root, "out.pdf"), "rb") as f:
            check("show --file writes the attached file as it was sent", f.read() == PDF)
        check("show names the file and its type",
              "File: pitch.pdf (application/pdf" in p.stdout and "On Ozu's trains" in p.stdout,
              p.stdout)
        cli("inbox", "show", "1", "--file", os.path.join(root, "none"), code=1)
        check("show --file of a submission without a file is refused",
              not os.path.exists(os.path.join(root, "none")))
        p = cli("inbox", "show", "9", code=1)
        check("an unknown id is refused by name", "no submission 9" in p.stderr, p.stderr)

        reply = os.path.join(root, "reply.txt")
        with open(reply, "w", encoding="utf-8") as f:
            f.write("Thank you, Mallory.\nWe will write again.\n")
        p = cli("inbox", "reply", "1", "--message-file", reply)
        check("reply from a file", p.returncode == 0 and "replied to #1" in p.stdout, p.stderr)
        p = cli("inbox", "reply", "2", stdin="Commissioned: 1,500 words by Friday.\n")
        check("reply from standard input", p.returncode == 0, p.stderr)
        cli("inbox", "reply", "2", stdin="  \n", code=1)
        msgs = nc.wait_for_mail(smtp, 2)
        check("two replies reached the relay", len(msgs) == 2, [n for n, _ in msgs])
        by_to = {m["To"].addresses[0].addr_spec: m for _, m in msgs}
        m = by_to.get("mallory@example.org")
        check("the reply goes to the sender, Reply-To the editors",
              m is not None and m["Reply-To"].addresses[0].addr_spec == "editors@example.org",
              m and str(m))
        if m is not None:
            body = m.get_body(preferencelist=("plain",)).get_content()
            check("the reply quotes what the sender wrote",
                  "Thank you, Mallory." in body and "> Line one\n> Line two" in body, body)
            check("no header was injected from the sender's name or subject",
                  m["Bcc"] is None and m.get_content_type() == "multipart/mixed"
                  and [a.addr_spec for a in m["To"].addresses] == ["mallory@example.org"]
                  and m["X-Envelope-To"] == "mallory@example.org", str(m))
        p = cli("inbox", "show", "2")
        check("the reply stays in the thread",
              "--- reply," in p.stdout and "Commissioned: 1,500 words" in p.stdout, p.stdout)

        p = cli("inbox", "close", "1")
        check("close", "closed #1" in p.stdout, p.stdout)
        p = cli("inbox", "list", "--status", "open")
        check("--status open leaves the closed one out",
              p.stdout.splitlines() == [l for l in p.stdout.splitlines() if l.startswith("2\t")]
              and p.stdout.strip() != "", p.stdout)
        p = cli("inbox", "list", "--status", "closed")
        check("--status closed", p.stdout.startswith("1\tclosed"), p.stdout)
        cli("inbox", "list", "--status", "spam", code=2)
        p = cli("inbox", "list", "--kind", "pitch")
        check("--kind pitch", p.stdout.splitlines() == [l for l in p.stdout.splitlines()
                                                         if l.startswith("2\t")] and p.stdout.strip(),
              p.stdout)
        cli("inbox", "list", "--kind", "letter", code=2)
        p = cli("inbox", "reopen", "1")
        check("reopen", "reopened #1" in p.stdout, p.stdout)
        p = cli("inbox", "list", "--status", "open")
        check("the reopened one is open again", "1\topen\tcontact" in p.stdout, p.stdout)
        cli("inbox", "reopen", "99", code=1)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        check.finish(root, smtp)


if __name__ == "__main__":
    main()
