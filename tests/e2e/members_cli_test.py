#!/usr/bin/python3
"""The members and institutions commands end to end, through the real binary: members add, list,
show, remove, import (Ghost's CSV, with a bad row) and export; institutions add, list, show,
report (usage rows written as the server would) and remove; exit codes 0/1/2.

    /usr/bin/python3 tests/e2e/members_cli_test.py BINARY

Prints `members_cli_test: N passed, N failed`.
"""

import csv
import io
import os
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

check = nc.Checks("members_cli_test")

TIERS = """

[[tiers]]
slug = "supporter"
name = "Supporter"
monthly_price = 500
currency = "usd"

[[tiers]]
slug = "library"
name = "Library Access"
"""

GHOST = (
    "id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,"
    "deleted_at,labels,tiers\n"
    "1,ann@example.org,Ann,\"likes Ozu, Naruse\",true,false,cus_1,2023-01-05T10:00:00.000Z,,"
    "\"vip, press\",Supporter\n"
    "2,bo@example.org,Bo,,false,true,,2023-02-01T00:00:00.000Z,,,\n"
    "3,not-an-address,X,,true,false,,,,,\n"
    "4,cy@example.org,Cy,,true,false,,,,,platinum\n")


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-members-")
    try:
        site = os.path.join(root, "site")
        nc.run([binary, "init", site])
        with open(os.path.join(site, "cinepress.toml"), "a", encoding="utf-8") as f:
            f.write(TIERS)

        def cli(*args, code=0):
            p = nc.run([binary, *args, "--site", site], check=False)
            if p.returncode != code:
                print(f"  {args}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
            return p

        def export():
            return list(csv.reader(io.StringIO(cli("members", "export").stdout)))

        p = cli("members", "add", "Zoe@Example.org", "--name", "Zoë", "--tier", "supporter",
                "--until", "2099-12-31", "--note", "press comp")
        check("members add grants a comp", p.returncode == 0 and "added Zoe@Example.org" in p.stdout
              and "supporter" in p.stdout, p.stdout + p.stderr)
        p = cli("members", "add", "zoe@example.org", "--name", "Zoë M.")
        check("adding the same address (another case) updates it",
              p.returncode == 0 and p.stdout.startswith("updated"), p.stdout)
        p = cli("members", "add", "kim@example.org", "--tier", "platinum", code=1)
        check("an unknown tier is refused naming the known ones",
              p.returncode == 1 and "supporter" in p.stderr and "library" in p.stderr, p.stderr)
        p = cli("members", "add", "not an address", code=1)
        check("a bad address is refused", p.returncode == 1, p.returncode)
        p = cli("members", "add", "kim@example.org", "--tier", "supporter", "--until", "soon",
                code=1)
        check("a bad date is refused", p.returncode == 1 and "until" in p.stderr, p.stderr)
        p = cli("members", "add", code=2)
        check("a usage error exits 2", p.returncode == 2, p.returncode)
        p = cli("members", "frobnicate", code=2)
        check("an unknown subcommand exits 2", p.returncode == 2, p.returncode)

        p = cli("members", "show", "ZOE@example.org")
        check("members show: name, tiers, the grant and its end",
              p.returncode == 0 and "Zoë M." in p.stdout and "members, supporter" in p.stdout
              and "supporter (comp) until 2100-01-01" in p.stdout and "press comp" in p.stdout,
              p.stdout)
        p = cli("members", "show", "nobody@example.org", code=1)
        check("showing an unknown address exits 1", p.returncode == 1, p.returncode)

        ghost = os.path.join(root, "ghost.csv")
        with open(ghost, "w", encoding="utf-8") as f:
            f.write(GHOST)
        p = cli("members", "import", ghost, code=1)
        check("a Ghost CSV with bad rows is refused", p.returncode == 1, p.returncode)
        check("every bad row is reported as file:line: field: message",
              "ghost.csv:4: email:" in p.stderr and "ghost.csv:5: tiers:" in p.stderr, p.stderr)
        check("nothing is imported from it", len(export()) == 2, export())
        p = cli("members", "import", ghost, "--skip-invalid")
        check("--skip-invalid imports the good rows",
              p.returncode == 0 and "2 added" in p.stdout, p.stdout + p.stderr)

        p = cli("members", "list")
        check("members list shows everyone with their tiers",
              "3 members" in p.stdout and "ann@example.org" in p.stdout
              and "bo@example.org" in p.stdout, p.stdout)
        p = cli("members", "list", "--tier", "supporter")
        check("members list --tier filters", "3 members" in p.stdout, p.stdout)
        cli("members", "add", "dee@example.org")
        p = cli("members", "list", "--tier", "supporter")
        check("a free member is not a supporter",
              "3 members" in p.stdout and "dee@example.org" not in p.stdout, p.stdout)

        rows = export()
        by_email = {r[0]: r for r in rows[1:]}
        check("export writes Ghost's columns", rows[0] == [
            "email", "name", "note", "subscribed_to_emails", "complimentary_plan",
            "stripe_customer_id", "created_at", "labels", "tiers"], rows[0])
        ann = by_email.get("ann@example.org", [])
        check("export keeps what was imported",
              ann[1:] == ["Ann", "likes Ozu, Naruse", "true", "false", "cus_1",
                          "2023-01-05T10:00:00Z", "vip,press", "supporter"], ann)
        check("a comp exports as complimentary_plan",
              by_email.get("bo@example.org", [])[4:5] == ["true"], by_email.get("bo@example.org"))
        again = os.path.join(root, "again.csv")
        with open(again, "w", encoding="utf-8") as f:
            f.write(cli("members", "export").stdout)
        p = cli("members", "import", again)
        check("an export imports again", p.returncode == 0 and "0 added" in p.stdout,
              p.stdout + p.stderr)
        p = cli("members", "show", "zoe@example.org")
        check("importing an export keeps a comp's end (the CSV has none)",
              "supporter (comp) until 2100-01-01" in p.stdout, p.stdout)

        p = cli("members", "remove", "ann@example.org")
        check("members remove erases the member",
              p.returncode == 0 and "ann@example.org" not in cli("members", "list").stdout,
              p.stdout + p.stderr)
        p = cli("members", "show", "ann@example.org", code=1)
        check("a removed member is gone", p.returncode == 1, p.stdout)

        p = cli("institutions", "add", "City Library", "--ip", "192.0.2.0/24", "--ip",
                "2001:db8:10::/48", "--domain", "city.example", "--tier", "library", "--seats",
                "2", "--until", "2099-08-31")
        check("institutions add", p.returncode == 0 and "city-library" in p.stdout
              and "2 networks" in p.stdout, p.stdout + p.stderr)
        p = cli("institutions", "add", "Bad", "--ip", "192.0.2.7/24", "--tier", "gold", code=1)
        check("a bad network and tier are refused, both named",
              p.returncode == 1 and "192.0.2.7/24" in p.stderr and "gold" in p.stderr, p.stderr)
        cli("institutions", "add", "Film School", "--domain", "school.example", "--tier",
            "library", "--seats", "1")
        cli("members", "add", "a@city.example")
        p = cli("institutions", "show", "City Library")
        check("institutions show: seats taken by domain members",
              "1 of 2 taken" in p.stdout and "192.0.2.0/24 2001:db8:10::/48" in p.stdout, p.stdout)
        p = cli("institutions", "list")
        check("institutions list", "2 institutions" in p.stdout and "film-school" in p.stdout,
              p.stdout)

        # What the server records as institution readers read: written straight into the store.
        db = sqlite3.connect(os.path.join(site, "cinepress.db"))
        (lib,) = db.execute("SELECT id FROM institutions WHERE slug = 'city-library'").fetchone()
        db.executemany(
            "INSERT INTO institution_usage (month, institution_id, path, kind, count)"
            " VALUES (?, ?, ?, ?, ?)",
            [("2026-11", lib, "/reviews/a/", "view", 5), ("2026-11", lib, "/reviews/b/", "view", 2),
             ("2026-11", lib, "/reviews/c/", "refusal", 3),
             ("2026-10", lib, "/reviews/d/", "view", 9)])
        db.commit()
        db.close()
        p = cli("institutions", "report", "--month", "2026-11", "--csv")
        report = list(csv.reader(io.StringIO(p.stdout)))
        check("the report per institution: views, distinct articles, refusals",
              ["City Library", "2026-11", "7", "2", "3", "1", "2"] in report
              and ["Film School", "2026-11", "0", "0", "0", "0", "1"] in report, report)
        p = cli("institutions", "report", "--month", "2026-11")
        check("the report as a table", "City Library" in p.stdout and "Usage in 2026-11" in p.stdout,
              p.stdout)
        p = cli("institutions", "report", "--month", "November", code=1)
        check("a bad month is refused", p.returncode == 1, p.returncode)
        p = cli("institutions", "remove", "film-school")
        check("institutions remove", p.returncode == 0
              and "1 institution" in cli("institutions", "list").stdout, p.stdout)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        check.finish(root)


if __name__ == "__main__":
    main()
