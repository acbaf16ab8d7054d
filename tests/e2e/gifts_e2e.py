#!/usr/bin/python3
"""Gift memberships end to end: the real `cinepress serve`, the local Stripe double (Stripe's own
example objects) and a real SMTP server.

    /usr/bin/python3 tests/e2e/gifts_e2e.py BINARY

A buyer gives 3 months of Supporter from /gift/ (the exact Checkout parameters: payment mode,
price_data at 3 × the monthly price) → the double's checkout → the thank-you page, and gets a
receipt; the recipient's day is three days ahead: the scheduler (ticking every second on the real
clock) sends nothing; serve again with the scheduler's clock on that day (CINEPRESS_SCHEDULER_NOW,
as the newsletter scheduler's tests do): the recipient gets the link. The recipient, a member
whose comp Supporter runs for a while yet, redeems it: the gift grant ends three calendar months
after the comp's end; the link a second time is refused. A second gift refunded in full before
its day is void. Prints `gifts_e2e: N passed, N failed`.
"""

import calendar
import csv
import datetime
import io
import os
import re
import sqlite3
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import members_web_test as mw  # noqa: E402  (a reader with cookies)
import newsletter_common as nc  # noqa: E402
from payments_e2e import (SECRET, Serve, get_json, payments_demo, post_json,  # noqa: E402
                          wait_until)

check = nc.Checks("gifts_e2e")


def add_months(t, months):
    """`months` calendar months after Unix time `t` (UTC), as payments/gifts.h counts them."""
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return int(d.replace(year=year, month=month, day=day).timestamp())


def buy(reader, stripe, choice, recipient, day):
    _, _, page = reader.request("/gift/")
    csrf = nc.form_fields(page).get("csrf", "")
    status, headers, _ = reader.request("/gift/checkout/", {
        "csrf": csrf, "choice": choice, "recipient_name": "Zoë Reader",
        "recipient_email": recipient, "message": "For the long winter", "notify_day": day,
        "buyer_email": "buyer@reader.example"})
    location = headers.get("Location", "")
    params = [r for r in get_json(stripe + "/_double/requests")
              if r["path"] == "/v1/checkout/sessions"][-1]["params"]
    req = urllib.request.Request(location + "/pay", data=b"", method="POST")
    try:
        mw.OPENER.open(req, timeout=60)
        back = ""
    except urllib.error.HTTPError as e:
        back = e.headers.get("Location", "")
    return status, location, params, back


def mail_to(smtp, address):
    return [m for _, m in smtp.messages() if address in str(m["To"])]


def body_of(message):
    part = message.get_body(("plain",))
    return part.get_content() if part is not None else ""


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-gifts-")
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    port = nc.free_port()
    base = f"http://127.0.0.1:{port}"
    mw.BASE = base
    double = serve = None
    try:
        double, stripe, site = payments_demo(binary, root, base, smtp)
        if not stripe:
            check("the Stripe double starts (../shared/data/stripe/fixtures3.json?)", False)
            return
        nc.run([binary, "import", site, "--site", site])
        env = dict(os.environ, STRIPE_SECRET_KEY="sk_test_e2e", STRIPE_WEBHOOK_SECRET=SECRET,
                   CINEPRESS_SCHEDULER_TICK="1")
        # The recipient holds a comp Supporter that ends in 20 days: the gift comes after it.
        comp_end = datetime.date.today() + datetime.timedelta(days=20)
        nc.run([binary, "members", "add", "zoe@reader.example", "--tier", "supporter",
                "--until", comp_end.isoformat(), "--site", site])
        serve = Serve(binary, site, port, env)
        check("serve starts", serve.start())

        buyer = mw.Reader("buyer")
        status, _, page = buyer.request("/gift/")
        check("/gift/ offers 3, 6 and 12 months of each paid tier with their prices",
              status == 200 and 'value="supporter:3"' in page and 'value="patron:12"' in page
              and "3 months of Supporter · $15.00" in page and 'name="notify_day"' in page,
              page[:500])
        day = (datetime.datetime.now(datetime.timezone.utc).date() +
               datetime.timedelta(days=3)).isoformat()
        status, location, p, back = buy(buyer, stripe, "supporter:3", "zoe@reader.example", day)
        check("the gift's checkout is payment mode at 3 × the monthly price",
              status == 303 and location.startswith(stripe + "/checkout/cs_") and
              p.get("mode") == "payment" and p.get("line_items[0][price_data][unit_amount]") ==
              "1500" and p.get("line_items[0][price_data][currency]") == "usd" and
              p.get("metadata[purpose]") == "gift" and p.get("metadata[gift_id]") and
              p.get("customer_email") == "buyer@reader.example", p)
        check("paying returns to the gift's thank-you page",
              back.startswith(base + "/gift/thanks/"), back)
        receipts = wait_until(lambda: mail_to(smtp, "buyer@reader.example"))
        check("the buyer gets a receipt", receipts and "3 months of Supporter" in
              body_of(receipts[0]), receipts and body_of(receipts[0]))

        # Three days early: ticks pass, nothing goes to the recipient.
        ticks = len(serve.log)
        time.sleep(3)
        check("before the day, the recipient gets nothing",
              not mail_to(smtp, "zoe@reader.example"), serve.log[ticks:])
        serve.proc.terminate()
        serve.proc.wait()

        # The scheduler's clock on the day: the link goes out.
        serve = Serve(binary, site, port, dict(env, CINEPRESS_SCHEDULER_NOW=day + "T18:00:00Z"))
        check("serve starts again, its scheduler on the day", serve.start())
        notices = wait_until(lambda: mail_to(smtp, "zoe@reader.example"), timeout=30)
        text = body_of(notices[0]) if notices else ""
        link = (re.findall(r"https?://\S+/gift/redeem/\?gift=\w+&token=[\w-]+", text) or [""])[0]
        check("on the day, the recipient gets the link and the message",
              link and "For the long winter" in text, text)

        recipient = mw.Reader("recipient")
        status, _, page = recipient.request(link)
        check("the link shows a button (scanners follow links, people press buttons)",
              status == 200 and 'action="/gift/redeem/"' in page, page[:300])
        form = nc.form_fields(page)
        status, _, page = recipient.request("/gift/redeem/", form)
        check("redeeming grants the tier", status == 200 and "is yours until" in page,
              page[-600:])
        db = sqlite3.connect(os.path.join(site, "cinepress.db"))
        rows = dict(db.execute("SELECT source, until FROM member_grants g JOIN members m ON"
                               " m.id = g.member_id WHERE m.email = 'zoe@reader.example'"
                               " AND g.tier = 'supporter'").fetchall())
        check("the gift extends the comp: three calendar months after its end",
              "gift" in rows and rows["gift"] == add_months(rows.get("comp", 0), 3), rows)
        status, _, page = recipient.request("/gift/redeem/", form)
        check("the link a second time is refused", status == 409, (status, page[-300:]))

        # A second gift, refunded in full before its day: void, never sent.
        later = (datetime.date.fromisoformat(day) + datetime.timedelta(days=30)).isoformat()
        buy(buyer, stripe, "patron:6", "other@reader.example", later)
        gift_id = [r for r in get_json(stripe + "/_double/requests")
                   if r["path"] == "/v1/checkout/sessions"][-1]["params"]["metadata[gift_id]"]
        intent = [e["event"]["data"]["object"]["payment_intent"]
                  for e in get_json(stripe + "/_double/events")
                  if e["event"]["type"] == "checkout.session.completed"][-1]
        post_json(stripe + "/_double/refund", {"payment_intent": intent})
        status_of = lambda: db.execute("SELECT status FROM gifts WHERE id = ?",  # noqa: E731
                                       (gift_id,)).fetchone()
        check("a gift refunded before its day is void",
              wait_until(lambda: status_of() == ("void",)), status_of())
        db.close()

        # The editors' list: both gifts, who to whom, the day, redeemed or not.
        listed = nc.run([binary, "payments", "gifts", "--csv", "--site", site], env=env).stdout
        rows = list(csv.DictReader(io.StringIO(listed)))
        check("payments gifts --csv lists the gifts bought, their day and state",
              [(r["tier"], r["months"], r["amount"], r["buyer"], r["recipient_email"],
                r["delivery_day"], r["status"], bool(r["redeemed"])) for r in rows] ==
              [("supporter", "3", "15.00", "buyer@reader.example", "zoe@reader.example", day,
                "redeemed", True),
               ("patron", "6", rows[1]["amount"] if len(rows) > 1 else "", "buyer@reader.example",
                "other@reader.example", later, "void", False)], rows)
        text = nc.run([binary, "payments", "gifts", "--site", site], env=env).stdout
        check("payments gifts lists them for people",
              "$15.00" in text and "void (refunded)" in text and "2 gift(s)" in text, text)
    finally:
        check.finish(root, serve.proc if serve else None, double, smtp)


if __name__ == "__main__":
    main()
