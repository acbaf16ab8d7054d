#!/usr/bin/python3
"""`cinepress workshops` end to end on the demo magazine: its two workshops are imported (an
upcoming online one, a past one), a workshop file with bad fields refuses the whole import naming
each file, line and field, and `workshops registrants` lists a workshop's registrations (and
--csv) as the store keeps them; an unknown workshop exits 1 saying so.

    /usr/bin/python3 tests/e2e/workshops_cli_test.py build/cinepress
"""

import csv
import io
import os
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

check = nc.Checks("workshops_cli")

BAD = """---
title: "Bad"
teachers: [nobody-we-know]
sessions:
  - {starts: "someday", minutes: 60}
online: true
seats: 0
price: 100
currency: eur
---
"""


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-workshops-")
    site = os.path.join(root, "site")
    p = nc.run([binary, "demo", site])
    check("the demo's workshops are imported", "import: workshops 2 saved" in p.stdout,
          p.stdout)

    def cli(*args, code=0):
        p = nc.run([binary, *args, "--site", site], check=False)
        if p.returncode != code:
            print(f"  {args}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
        return p

    p = cli("workshops", "registrants", "writing-the-apartment-film")
    check("no registrations yet", p.stdout.strip() == "no registrations", p.stdout)
    p = cli("workshops", "registrants", "no-such-workshop", code=1)
    check("an unknown workshop is refused", p.returncode == 1
          and "no workshop no-such-workshop" in p.stderr, p.stderr)

    db = sqlite3.connect(os.path.join(site, "cinepress.db"))
    row = db.execute("SELECT seats, seats_left FROM workshops"
                     " WHERE slug = 'writing-the-apartment-film'").fetchone()
    check("seats as the file says", row == (24, 24), row)
    media = db.execute("SELECT count(*) FROM media WHERE path LIKE '%reading-list%'").fetchone()
    check("a workshop's materials are not public media", media == (0,), media)
    db.execute(
        "INSERT INTO workshop_registrations (workshop, reference, session_id, status, email,"
        " member_id, name, amount, currency, payment_intent, created, expires_at, updated)"
        " VALUES ('writing-the-apartment-film', 'r1', 'cs_1', 'paid', 'ada@example.org', 0,"
        " 'Ada, \"the critic\"', 9000, 'usd', 'pi_1', 1000, 2800, 1000),"
        " ('writing-the-apartment-film', 'r2', NULL, 'free', 'pat@example.org', 3, 'Pat',"
        " 0, 'usd', '', 2000, 0, 2000)")
    db.commit()
    db.close()
    p = cli("workshops", "registrants", "writing-the-apartment-film")
    lines = p.stdout.splitlines()
    check("both listed, oldest first", len(lines) == 2 and "paid  ada@example.org" in lines[0]
          and "free  pat@example.org" in lines[1], p.stdout)
    p = cli("workshops", "registrants", "writing-the-apartment-film", "--csv")
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    check("the CSV reads back", len(rows) == 2 and rows[0]["name"] == 'Ada, "the critic"'
          and rows[0]["amount"] == "9000" and rows[0]["payment"] == "pi_1"
          and rows[1]["status"] == "free", p.stdout)

    with open(os.path.join(site, "content", "workshops", "bad.md"), "w",
              encoding="utf-8") as f:
        f.write(BAD)
    p = cli("import", code=1)
    for expected in ("content/workshops/bad.md:3: teachers:",
                     "content/workshops/bad.md:5: sessions.starts:",
                     "content/workshops/bad.md:1: joining_link:",
                     "content/workshops/bad.md:7: seats:"):
        check(f"the import names {expected}", expected in p.stderr, p.stderr)
    check("nothing was written", "nothing was written" in p.stderr, p.stderr)
    check.finish(root)


if __name__ == "__main__":
    main()
