#!/usr/bin/python3
"""Donations end to end: the real `cinepress serve`, the local Stripe double
(tests/stripe/stripe_double.py, Stripe's own example objects) and a real SMTP server.

    /usr/bin/python3 tests/e2e/donations_e2e.py BINARY

The /donate/ page (presets, another amount, once or monthly) and the footer's link to it, the
podcast feed's podcast:funding pointing at it; a one-off donation (a preset) and a monthly one
(a typed amount) through the double's checkout: the exact form parameters sent (payment mode and
subscription mode, both with price_data), the thank-you page, each recorded once (a duplicate
delivery changes nothing); `payments donations` and `--csv`; a donation above
donation_grant_minimum grants donation_grants_tier (a sign-in link mailed), and its full refund
marks it refunded and ends the tier. Prints `donations_e2e: N passed, N failed`.
"""

import csv
import io
import json
import os
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import members_web_test as mw  # noqa: E402  (a reader with cookies)
import newsletter_common as nc  # noqa: E402
from payments_e2e import (SECRET, Serve, get_json, payments_demo, post_json, sign,  # noqa: E402
                          signed_post, wait_until)

check = nc.Checks("donations_e2e")


def pay(location):
    """The reader pays on the double's checkout page; where Stripe sends them back."""
    req = urllib.request.Request(location + "/pay", data=b"", method="POST")
    try:
        mw.OPENER.open(req, timeout=60)
        return ""
    except urllib.error.HTTPError as e:
        return e.headers.get("Location", "")


def last_session(stripe):
    return [r for r in get_json(stripe + "/_double/requests")
            if r["path"] == "/v1/checkout/sessions"][-1]["params"]


def donations_csv(binary, site, env):
    out = nc.run([binary, "payments", "donations", "--csv", "--site", site], env=env).stdout
    return list(csv.DictReader(io.StringIO(out)))


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-donations-")
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    port = nc.free_port()
    base = f"http://127.0.0.1:{port}"
    mw.BASE = base
    double = serve = None
    try:
        double, stripe, site = payments_demo(
            binary, root, base, smtp,
            'donation_amounts = [500, 1000, 2500]\ndonation_currency = "usd"\n'
            'donation_grants_tier = "supporter"\ndonation_grant_minimum = 2000\n')
        if not stripe:
            check("the Stripe double starts (../shared/data/stripe/fixtures3.json?)", False)
            return
        nc.run([binary, "import", site, "--site", site])
        env = dict(os.environ, STRIPE_SECRET_KEY="sk_test_e2e", STRIPE_WEBHOOK_SECRET=SECRET)
        serve = Serve(binary, site, port, env)
        check("serve starts", serve.start())

        reader = mw.Reader("donor")
        status, _, page = reader.request("/donate/")
        check("/donate/ offers the presets, another amount, once or monthly",
              status == 200 and 'action="/donate/checkout/"' in page and
              all(f'value="{v}"' in page for v in ("500", "1000", "2500", "other", "monthly"))
              and "$25.00" in page and 'name="custom_amount"' in page, page[:400])
        _, _, home = reader.request("/")
        check("the footer links to /donate/", 'href="/donate/">Donate</a>' in home)
        _, _, feed = reader.request("/podcasts/close-up/feed.xml")
        check("the podcast feed's funding points to /donate/",
              f'<podcast:funding url="{base}/donate/"' in feed, feed[:1500])

        # One-off: a preset.
        status, headers, _ = reader.request("/donate/checkout/", {
            "amount": "2500", "custom_amount": "", "frequency": "once",
            "email": "giver@reader.example"})
        location = headers.get("Location", "")
        check("a one-off donation answers 303 to Stripe's page",
              status == 303 and location.startswith(stripe + "/checkout/cs_"), (status, location))
        p = last_session(stripe)
        check("the session is payment mode with the amount as price_data",
              p.get("mode") == "payment" and p.get("line_items[0][price_data][unit_amount]") == "2500"
              and p.get("line_items[0][price_data][currency]") == "usd" and
              "line_items[0][price_data][recurring][interval]" not in p and
              p.get("metadata[purpose]") == "donation" and
              p.get("payment_intent_data[metadata][purpose]") == "donation" and
              p.get("customer_email") == "giver@reader.example" and
              p.get("success_url") == base + "/donate/thanks/?session={CHECKOUT_SESSION_ID}", p)
        back = pay(location)
        check("paying returns to the thank-you page",
              back.startswith(base + "/donate/thanks/?session=cs_"), back)
        status, _, page = reader.request(back)
        check("the thank-you page thanks", status == 200 and "Thank you" in page)
        events = get_json(stripe + "/_double/events")
        check("the session's event was accepted",
              events[-1]["event"]["type"] == "checkout.session.completed" and
              events[-1]["deliveries"] == [200], events[-1]["deliveries"])
        payload = json.dumps(events[-1]["event"]).encode()
        status, body = signed_post(base, payload, sign(payload, int(time.time())))
        check("a duplicate delivery changes nothing", status == 200 and "duplicate" in body, body)

        # Monthly: a typed amount.
        status, headers, _ = reader.request("/donate/checkout/", {
            "amount": "other", "custom_amount": "7.50", "frequency": "monthly",
            "email": "monthly@reader.example"})
        location = headers.get("Location", "")
        p = last_session(stripe)
        check("a monthly donation is a subscription of a monthly price_data",
              status == 303 and p.get("mode") == "subscription" and
              p.get("line_items[0][price_data][unit_amount]") == "750" and
              p.get("line_items[0][price_data][recurring][interval]") == "month" and
              p.get("subscription_data[metadata][purpose]") == "donation", p)
        pay(location)
        status, _, _ = reader.request("/donate/checkout/", {"amount": "other",
                                                            "custom_amount": "0.50"})
        check("an amount below the minimum is refused", status == 400)
        status, _, _ = reader.request("/donate/checkout/", {"amount": "2500"}, headers={
            "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
        check("a donation posted from another site is refused", status == 403)

        rows = wait_until(lambda: len(donations_csv(binary, site, env)) == 2 and
                          donations_csv(binary, site, env))
        check("payments donations --csv lists both, once each",
              rows and [(r["email"], r["amount"], r["currency"], r["kind"]) for r in rows] ==
              [("giver@reader.example", "25.00", "usd", "one-off"),
               ("monthly@reader.example", "7.50", "usd", "monthly")], rows)
        text = nc.run([binary, "payments", "donations", "--site", site], env=env).stdout
        check("payments donations lists them for people",
              "$25.00" in text and "$7.50" in text and "2 donation(s)" in text, text)
        conn_subs = nc.run([binary, "members", "show", "monthly@reader.example", "--site", site],
                           env=env, check=False)
        check("a monthly donation below the minimum makes no member", conn_subs.returncode != 0,
              conn_subs.stdout)

        # The one-off was above donation_grant_minimum: the donor holds the tier.
        shown = nc.run([binary, "members", "show", "giver@reader.example", "--site", site]).stdout
        check("a donation above the minimum grants the tier", "supporter" in shown and
              "donation" in shown, shown)
        mails = nc.wait_for_mail(smtp, 1)
        check("the new member got a sign-in link", any(
            m["To"] == "giver@reader.example" for _, m in mails), [m["To"] for _, m in mails])

        # A full refund: marked refunded, the tier ends.
        intent = [e["event"]["data"]["object"] for e in get_json(stripe + "/_double/events")
                  if e["event"]["type"] == "checkout.session.completed"][0]["payment_intent"]
        post_json(stripe + "/_double/refund", {"payment_intent": intent, "amount": 500})
        rows = donations_csv(binary, site, env)
        check("a partial refund leaves the donation standing", rows[0]["refunded"] == "", rows)
        post_json(stripe + "/_double/refund", {"payment_intent": intent, "amount": 2000})
        rows = donations_csv(binary, site, env)
        check("a full refund marks it refunded", rows[0]["refunded"].endswith("Z"), rows)
        shown = nc.run([binary, "members", "show", "giver@reader.example", "--site", site]).stdout
        check("and ends the tier it granted", "donation" not in shown, shown)

        # A monthly donation's refund: its charge names no invoice (Stripe's 2025 API); the
        # invoice_payment.paid that paid it tells which.
        monthly = [e["event"]["data"]["object"] for e in get_json(stripe + "/_double/events")
                   if e["event"]["type"] == "invoice_payment.paid"]
        check("the monthly donation's invoice was paid by a payment intent", len(monthly) == 1)
        post_json(stripe + "/_double/refund",
                  {"payment_intent": monthly[0]["payment"]["payment_intent"]})
        rows = donations_csv(binary, site, env)
        check("a monthly donation's full refund marks that month refunded",
              rows[1]["kind"] == "monthly" and rows[1]["refunded"].endswith("Z"), rows)
    finally:
        check.finish(root, serve.proc if serve else None, double, smtp)


if __name__ == "__main__":
    main()
