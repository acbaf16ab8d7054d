#!/usr/bin/python3
"""`cinepress workshops` end to end on the demo magazine: its two workshops are imported (an
upcoming online one, a past one), a workshop file with bad fields refuses the whole import naming
each file, line and field, and `workshops registrants` lists a workshop's registrations (and
--csv) as the store keeps them; an unknown workshop exits 1 saying so. `workshops cancel`
refunds a payment made on the Stripe double (tests/stripe/stripe_double.py) through its refunds
API, once (a second run refunds nothing), and queues a message for every registrant.

    /usr/bin/python3 tests/e2e/workshops_cli_test.py build/cinepress
"""

import csv
import io
import json
import os
import sqlite3
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402
from payments_e2e import start_double  # noqa: E402

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
    media = db.execute("SELECT path FROM media WHERE path LIKE '%reading-list%'").fetchall()
    check("a workshop's materials are private media of the store, never public ones",
          media == [("_workshops/writing-the-apartment-film/reading-list.txt",)], media)
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
    os.remove(os.path.join(site, "content", "workshops", "bad.md"))

    double = cancel_with_refunds(binary, root, site, cli)
    check.finish(root, double)


def stripe_call(stripe, method, path, params=None, key=None):
    data = urllib.parse.urlencode(params or {}).encode() if method == "POST" else None
    req = urllib.request.Request(stripe + path, data=data, method=method,
                                 headers={"Authorization": "Bearer sk_test_e2e"})
    if key:
        req.add_header("Idempotency-Key", key)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def cancel_with_refunds(binary, root, site, cli):
    """A paid registration (its payment made on the double) and a free one; the workshop is
    cancelled twice. The double's process, for finish() to stop."""
    base = f"http://127.0.0.1:{nc.free_port()}"  # no server: the double's events go nowhere
    double, stripe = start_double(root, base)
    if not check("the Stripe double starts (../shared/data/stripe/fixtures3.json?)", stripe):
        return double
    nc.point_demo(site, base, nc.free_port(),
                  f'\n[payments]\nprovider = "stripe"\napi_base = "{stripe}"\n')
    session = stripe_call(stripe, "POST", "/v1/checkout/sessions", {
        "mode": "payment", "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "9000",
        "line_items[0][price_data][product_data][name]": "Writing the Apartment Film",
        "customer_email": "ada@example.org",
        "success_url": "http://127.0.0.1:1/ok", "cancel_url": "http://127.0.0.1:1/"})
    try:
        urllib.request.urlopen(urllib.request.Request(session["url"] + "/pay", data=b"",
                                                      method="POST"))
    except (urllib.error.URLError, OSError):
        pass  # the success URL is nowhere
    intent = stripe_call(stripe, "GET", "/v1/checkout/sessions/" + session["id"])["payment_intent"]
    db = sqlite3.connect(os.path.join(site, "cinepress.db"))
    db.execute("UPDATE workshop_registrations SET payment_intent = ? WHERE reference = 'r1'",
               (intent,))
    # The two registrations written into the store above hold two seats.
    db.execute("UPDATE workshops SET seats_left = 22 WHERE slug = 'writing-the-apartment-film'")
    db.commit()

    os.environ["STRIPE_SECRET_KEY"] = "sk_test_e2e"
    p = cli("workshops", "cancel", "writing-the-apartment-film")
    check("cancel says what it did", p.returncode == 0 and
          "2 registrations cancelled, 1 refunded, 2 registrants will be told" in p.stdout,
          p.stdout + p.stderr)
    statuses = db.execute("SELECT reference, status FROM workshop_registrations"
                          " ORDER BY id").fetchall()
    check("the paid one refunded, the free one cancelled",
          statuses == [("r1", "refunded"), ("r2", "cancelled")], statuses)
    seats = db.execute("SELECT seats_left FROM workshops"
                       " WHERE slug = 'writing-the-apartment-film'").fetchone()
    check("their seats are free again", seats == (24,), seats)
    refunds = [r for r in stripe_call(stripe, "GET", "/_double/requests")
               if r["path"] == "/v1/refunds"]
    check("one refund asked of Stripe, with the registration's key",
          len(refunds) == 1 and refunds[0]["params"]["payment_intent"] == intent
          and refunds[0]["idempotency_key"] == "workshop-refund-r1", refunds)
    outbox = sorted(json.loads(m)["to"]["email"]
                    for (m,) in db.execute("SELECT message FROM mail_outbox"))
    check("every registrant is told (queued for the outbox)",
          outbox == ["ada@example.org", "pat@example.org"], outbox)

    p = cli("workshops", "cancel", "writing-the-apartment-film")
    check("cancelling again does nothing more",
          "0 registrations cancelled, 0 refunded, 0 registrants will be told" in p.stdout,
          p.stdout + p.stderr)
    refunds = [r for r in stripe_call(stripe, "GET", "/_double/requests")
               if r["path"] == "/v1/refunds"]
    check("and asks Stripe for no refund", len(refunds) == 1, refunds)
    db.close()
    return double


if __name__ == "__main__":
    main()
