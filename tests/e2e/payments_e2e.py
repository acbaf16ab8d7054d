#!/usr/bin/python3
"""Paid memberships end to end: the real `cinepress serve`, the local Stripe double
(tests/stripe/stripe_double.py, Stripe's own example objects) and a real SMTP server.

    /usr/bin/python3 tests/e2e/payments_e2e.py BINARY

`payments sync` twice (made, then found: nothing made twice); a reader without an account pays
through the membership page's button → the double's checkout page → the signed events reach the
webhook → the reader is a member with a sign-in link in their mail, and the paid article opens;
the exact form parameters and Idempotency-Key the program sent; a duplicate delivery, a bad
signature, a stale one, an unknown event type; events delivered in reverse order; a SIGKILL of
serve while an event waits on the store (received, not committed): Stripe's retry applies it
once; the customer portal from My Account; past_due (a mail, access kept for the grace period);
reconcile (reported, then fixed with --apply); the report and /metrics. Prints
`payments_e2e: N passed, N failed`.
"""

import hashlib
import hmac
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import members_web_test as mw  # noqa: E402  (a reader with cookies, signing in, locked articles)
import newsletter_common as nc  # noqa: E402

DOUBLE = os.path.join(os.path.dirname(HERE), "stripe", "stripe_double.py")
SECRET = "whsec_e2e_payments_secret"
check = nc.Checks("payments_e2e")


def post_json(url, data):
    req = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST")
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"{}")


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def signed_post(base, payload, header):
    req = urllib.request.Request(base + "/payments/stripe/webhook", data=payload, method="POST",
                                 headers={"Content-Type": "application/json",
                                          "Stripe-Signature": header})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def sign(payload, t):
    return f"t={t},v1=" + hmac.new(SECRET.encode(), f"{t}.".encode() + payload,
                                   hashlib.sha256).hexdigest()


def wait_until(what, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(0.1)
    return what()


class Serve:
    def __init__(self, binary, site, port, env):
        self.args = [binary, "serve", "--site", site, "--listen", f"127.0.0.1:{port}",
                     "--threads", "2", "--access-log", "off"]
        self.env = env
        self.proc = None
        self.log = []

    def start(self):
        self.proc = subprocess.Popen(self.args, env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        threading.Thread(target=lambda: self.log.extend(self.proc.stderr), daemon=True).start()
        return "listening" in line

    def kill(self):
        self.proc.kill()
        self.proc.wait()


def start_double(root, base, secret=SECRET):
    """The Stripe double sending its events to `base`'s webhook: (process, its URL), the URL ""
    when it did not start."""
    port_file = os.path.join(root, "double-port")
    double = subprocess.Popen([sys.executable, DOUBLE, "--webhook",
                               base + "/payments/stripe/webhook", "--secret", secret,
                               "--port-file", port_file], stdout=subprocess.DEVNULL)
    if not wait_until(lambda: os.path.exists(port_file)):
        return double, ""
    return double, "http://127.0.0.1:" + open(port_file).read()


def payments_demo(binary, root, base, smtp, payments=""):
    """The Stripe double and a demo magazine in root/site served at `base`, mailing through
    `smtp`, paying through the double ([payments] gets `payments` too): (double's process, its
    URL, the site folder); the URL is "" when the double did not start."""
    double, stripe = start_double(root, base)
    site = os.path.join(root, "site")
    if stripe:
        nc.run([binary, "demo", site], timeout=300)
        nc.point_demo(site, base, smtp.port,
                      f'\n[payments]\nprovider = "stripe"\napi_base = "{stripe}"\n{payments}')
    return double, stripe, site


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-payments-")
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    port = nc.free_port()
    base = f"http://127.0.0.1:{port}"
    mw.BASE = base
    double = serve = None
    try:
        double, stripe, site = payments_demo(binary, root, base, smtp, "grace_days = 3\n")
        if not stripe:
            check("the Stripe double starts (../shared/data/stripe/fixtures3.json?)", False)
            return
        mw.write_articles(site)
        nc.run([binary, "import", site, "--site", site])
        env = dict(os.environ, STRIPE_SECRET_KEY="sk_test_e2e", STRIPE_WEBHOOK_SECRET=SECRET)

        # The catalogue: made once, found the second time.
        first = nc.run([binary, "payments", "sync", "--site", site], env=env).stdout
        check("sync makes a product and prices for each paid tier",
              first.count("(made)") == 4 and "supporter month $5.00: price_" in first, first)
        posts = [r for r in get_json(stripe + "/_double/requests") if r["method"] == "POST"]
        second = nc.run([binary, "payments", "sync", "--site", site], env=env).stdout
        posts_after = [r for r in get_json(stripe + "/_double/requests") if r["method"] == "POST"]
        check("sync again finds everything and makes nothing",
              second.count("(found)") == 4 and len(posts_after) == len(posts), second)
        check("sync's posts carry idempotency keys",
              all(r["idempotency_key"] for r in posts), posts[:2])
        no_key = nc.run([binary, "payments", "sync", "--site", site], check=False,
                        env=dict(env, STRIPE_SECRET_KEY=""))
        check("without STRIPE_SECRET_KEY, sync says so", no_key.returncode == 1 and
              "STRIPE_SECRET_KEY" in no_key.stderr, no_key.stderr)

        serve = Serve(binary, site, port, env)
        check("serve starts", serve.start())

        # A reader without an account pays on the membership page.
        reader = mw.Reader("new")
        status, _, page = reader.request("/membership/")
        check("the membership page offers monthly and yearly checkout",
              'action="/membership/checkout/"' in page and 'value="month"' in page and
              'value="year"' in page, page[:300])
        status, headers, _ = reader.request("/membership/checkout/", {
            "tier": "supporter", "interval": "month", "email": "new@reader.example"})
        location = headers.get("Location", "")
        check("checkout answers 303 to Stripe's page", status == 303 and
              location.startswith(stripe + "/checkout/cs_"), (status, location))
        sent = [r for r in get_json(stripe + "/_double/requests")
                if r["path"] == "/v1/checkout/sessions"][-1]
        p = sent["params"]
        check("the session is a subscription for the tier's price, for that address",
              p.get("mode") == "subscription" and p.get("line_items[0][price]", "").startswith("price_")
              and p.get("line_items[0][quantity]") == "1" and
              p.get("customer_email") == "new@reader.example" and
              p.get("subscription_data[metadata][tier]") == "supporter" and
              p.get("success_url") == base + "/membership/welcome/?session={CHECKOUT_SESSION_ID}" and
              p.get("cancel_url") == base + "/membership/?checkout=cancelled", p)
        check("the session's POST has an Idempotency-Key", len(sent["idempotency_key"] or "") == 32)
        status, _, _ = reader.request("/membership/checkout/", {"tier": "supporter",
                                                                "interval": "month"})
        check("without an address or a session, no checkout", status == 400)
        status, _, _ = reader.request("/membership/checkout/", {
            "tier": "supporter", "interval": "month", "email": "x@reader.example"},
            headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
        check("a checkout posted from another site is refused", status == 403)

        session_id = location.rsplit("/", 1)[1]
        req = urllib.request.Request(location + "/pay", data=b"", method="POST")
        try:
            mw.OPENER.open(req, timeout=60)
            paid_to = ""
        except urllib.error.HTTPError as e:
            paid_to = e.headers.get("Location", "")
        check("paying returns to the welcome page",
              paid_to == f"{base}/membership/welcome/?session={session_id}", paid_to)
        events = get_json(stripe + "/_double/events")
        check("the four events were accepted (200)",
              [e["event"]["type"] for e in events] == ["checkout.session.completed",
                                                      "customer.subscription.created",
                                                      "invoice.paid", "invoice_payment.paid"] and
              all(e["deliveries"] == [200] for e in events), events and [e["deliveries"] for e in events])
        msg, status, page = mw.sign_in(reader, smtp, "new@reader.example")
        mails = [m for _, m in smtp.messages() if m["To"] == "new@reader.example"]
        check("the new member got a sign-in link by mail", len(mails) >= 1)
        status, _, page = reader.request("/account/")
        check("My account shows the tier and Manage billing",
              "Supporter" in page and "Manage billing" in page, page[-1500:])
        _, _, article = reader.request("/reviews/locked-paid/")
        check("the paid article is readable now", mw.SECRETS["paid"] in article)
        _, _, other = mw.Reader("stranger").request("/reviews/locked-paid/")
        check("and still locked for others", mw.SECRETS["paid"] not in other)

        # Deliveries: duplicate, forged, stale, unknown.
        sub_event = events[1]["event"]
        payload = json.dumps(sub_event).encode()
        status, body = signed_post(base, payload, sign(payload, int(time.time())))
        check("a duplicate delivery is acknowledged and changes nothing",
              status == 200 and '"duplicate":true' in body, body)
        status, _ = signed_post(base, payload, sign(payload + b" ", int(time.time())))
        check("a bad signature is refused (400)", status == 400)
        status, _ = signed_post(base, payload, sign(payload, int(time.time()) - 600))
        check("a stale signature is refused (400)", status == 400)
        unknown = post_json(stripe + "/_double/event",
                            {"type": "customer.tax_id.created", "fixture": "tax_id"})
        check("an unknown event type is acknowledged (200)",
              get_json(stripe + "/_double/events")[-1]["deliveries"] == [200], unknown.get("id"))

        # The portal from My Account: cancel at period end.
        _, _, page = reader.request("/account/")
        csrf = nc.form_fields(page)["csrf"]
        status, headers, _ = reader.request("/account/billing/", {"csrf": csrf})
        portal = headers.get("Location", "")
        check("Manage billing opens the portal", status == 303 and
              portal.startswith(stripe + "/portal/"), (status, portal))
        req = urllib.request.Request(portal + "/cancel", data=b"", method="POST")
        try:
            mw.OPENER.open(req, timeout=60)
        except urllib.error.HTTPError:
            pass
        shown = nc.run([binary, "members", "show", "new@reader.example", "--site", site]).stdout
        sub = get_json(stripe + "/_double/events")[-1]["event"]["data"]["object"]
        period_end = sub["items"]["data"][0]["current_period_end"]
        until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(period_end))
        check("cancelled at period end: the tier ends with the period", until in shown, shown)

        # Past due: mail, and access kept for the grace period.
        before = len(smtp.messages())
        post_json(stripe + "/_double/subscription", {"id": sub["id"], "status": "past_due",
                                                     "cancel_at_period_end": False})
        mails = nc.wait_for_mail(smtp, before + 1)
        check("past_due mails the reader", len(mails) > before and
              "did not go through" in str(mails[-1][1]["Subject"]))
        _, _, article = reader.request("/reviews/locked-paid/")
        check("past_due keeps access for the grace period", mw.SECRETS["paid"] in article)

        # Out of order: the cancellation arrives before an older update.
        post_json(stripe + "/_double/hold", {"hold": True})
        post_json(stripe + "/_double/subscription", {"id": sub["id"], "status": "active"})
        post_json(stripe + "/_double/subscription", {"id": sub["id"], "status": "canceled"})
        post_json(stripe + "/_double/flush", {"order": "reverse"})
        post_json(stripe + "/_double/hold", {"hold": False})
        locked = wait_until(lambda: mw.SECRETS["paid"] not in reader.request("/reviews/locked-paid/")[2])
        check("events in reverse order end cancelled, access gone", locked)

        # SIGKILL while an event waits on the store (received, not committed).
        reader2 = mw.Reader("second")
        _, headers, _ = reader2.request("/membership/checkout/", {
            "tier": "patron", "interval": "year", "email": "second@reader.example"})
        second_url = headers.get("Location", "")
        db = sqlite3.connect(_db(site), timeout=30, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")  # the store is busy: the webhook waits inside its transaction
        payer = threading.Thread(target=_quiet_pay, args=(second_url,))
        payer.start()
        time.sleep(1.0)  # let the first delivery reach serve and wait on the store
        serve.kill()
        db.execute("ROLLBACK")
        db.close()
        payer.join(120)
        delivered = get_json(stripe + "/_double/events")
        failed = [e for e in delivered if e["deliveries"] and e["deliveries"][-1] != 200]
        check("the deliveries during the kill failed (Stripe will retry)", len(failed) >= 1,
              [e["deliveries"] for e in delivered[-3:]])
        check("serve starts again", serve.start())
        statuses = post_json(stripe + "/_double/retry", {})["statuses"]
        check("Stripe's retries are accepted", statuses and all(s == 200 for s in statuses), statuses)
        statuses = post_json(stripe + "/_double/retry", {})["statuses"]
        shown = nc.run([binary, "members", "show", "second@reader.example", "--site", site]).stdout
        check("the killed event was applied once: the second reader holds Patron",
              "patron" in shown, shown)
        conn = sqlite3.connect(_db(site))
        n = conn.execute("SELECT COUNT(*) FROM stripe_subscriptions").fetchone()[0]
        dup = conn.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM stripe_events").fetchone()
        conn.close()
        check("two subscriptions, each event recorded once", n == 2 and dup[0] == dup[1], (n, dup))

        # Reconcile: Stripe changed while the webhooks were down.
        subs = _list_subs(stripe)
        second_id = [s["id"] for s in subs if s["id"] != sub["id"]][0]
        post_json(stripe + "/_double/subscription", {"id": second_id, "status": "unpaid",
                                                     "send": False})
        report = nc.run([binary, "payments", "reconcile", "--site", site], env=env).stdout
        check("reconcile reports the difference", f"{second_id}: status active -> unpaid" in report,
              report)
        fixed = nc.run([binary, "payments", "reconcile", "--apply", "--site", site], env=env).stdout
        shown = nc.run([binary, "members", "show", "second@reader.example", "--site", site]).stdout
        check("reconcile --apply fixes it", "(fixed)" in fixed and "patron" not in shown.lower()
              .split("tiers")[-1], fixed + shown)
        again = nc.run([binary, "payments", "reconcile", "--site", site], env=env).stdout
        check("and then nothing differs", again.strip().endswith("0 difference(s)"), again)

        # The report and /metrics.
        report = nc.run([binary, "payments", "report", "--site", site], env=env).stdout
        check("the report counts new and cancelled this month",
              "new this month: 2" in report and "cancelled this month: 1" in report, report)
        with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
            metrics = r.read().decode()
        check("/metrics has the payments gauges",
              "cinepress_subscriptions_new_this_month 2" in metrics and
              "cinepress_mrr_minor_units" in metrics, metrics[-800:])

        # Refunds and disputes of a membership's charge (Stripe's 2025 API: the charge names no
        # invoice; invoice_payment.paid told which payment intent paid it).
        refunded = mw.Reader("refunded")
        intent = _subscribe(refunded, smtp, stripe, "refunded@reader.example")
        check("a third reader subscribes and reads",
              intent and mw.SECRETS["paid"] in refunded.request("/reviews/locked-paid/")[2])
        post_json(stripe + "/_double/refund", {"payment_intent": intent, "amount": 100})
        check("a partial refund keeps access",
              mw.SECRETS["paid"] in refunded.request("/reviews/locked-paid/")[2])
        post_json(stripe + "/_double/refund", {"payment_intent": intent})
        check("a full refund of the membership's charge ends access",
              wait_until(lambda: mw.SECRETS["paid"] not in
                         refunded.request("/reviews/locked-paid/")[2]))
        disputed = mw.Reader("disputed")
        intent = _subscribe(disputed, smtp, stripe, "disputed@reader.example")
        dispute = {"id": "dp_e2e", "charge": "ch_unseen", "payment_intent": intent,
                   "status": "needs_response"}
        post_json(stripe + "/_double/event", {"type": "charge.dispute.created",
                                              "fixture": "dispute", "object": dispute})
        check("a dispute of the membership's charge suspends access",
              wait_until(lambda: mw.SECRETS["paid"] not in
                         disputed.request("/reviews/locked-paid/")[2]))
        post_json(stripe + "/_double/event", {"type": "charge.dispute.closed", "fixture": "dispute",
                                              "object": dict(dispute, status="won")})
        check("a dispute won gives it back",
              wait_until(lambda: mw.SECRETS["paid"] in
                         disputed.request("/reviews/locked-paid/")[2]))
    finally:
        check.finish(root, serve.proc if serve else None, double, smtp)


def _db(site):
    return os.path.join(site, "cinepress.db")


def _subscribe(reader, smtp, stripe, email):
    """A reader pays a monthly supporter membership and signs in; the payment intent that paid
    its first invoice (from invoice_payment.paid), or "" when something failed."""
    _, headers, _ = reader.request("/membership/checkout/", {
        "tier": "supporter", "interval": "month", "email": email})
    _quiet_pay(headers.get("Location", ""))
    mw.sign_in(reader, smtp, email)
    paid = [e["event"]["data"]["object"] for e in get_json(stripe + "/_double/events")
            if e["event"]["type"] == "invoice_payment.paid"]
    return paid[-1]["payment"]["payment_intent"] if paid else ""


def _quiet_pay(url):
    try:
        mw.OPENER.open(urllib.request.Request(url + "/pay", data=b"", method="POST"), timeout=120)
    except Exception:  # noqa: BLE001 — the redirect (or the killed server) is not the point here
        pass


def _list_subs(stripe):
    req = urllib.request.Request(stripe + "/v1/subscriptions?status=all&limit=100",
                                 headers={"Authorization": "Bearer sk_test_e2e"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())["data"]


if __name__ == "__main__":
    main()
