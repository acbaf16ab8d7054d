#!/usr/bin/env python3
"""The Stripe double's own test: its answers keep Stripe's shapes, it records what it is sent,
a repeated idempotency key gets the first answer, paying sends signed events, and events can be
held and sent in reverse, or sent again."""
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "whsec_double_selftest"
received = []
failures = []


def check(what, ok):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


class Hook(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        received.append((self.headers["Stripe-Signature"], body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def call(base, method, path, params=None, key=None, raw=False):
    data = urllib.parse.urlencode(params or {}).encode() if method == "POST" else None
    url = base + path + ("" if method == "POST" or not params else "?" + urllib.parse.urlencode(params))
    req = urllib.request.Request(url, data=data, method=method)
    if not raw:
        req.add_header("Authorization", "Bearer sk_test_x")
    if key:
        req.add_header("Idempotency-Key", key)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def main():
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        port_file = os.path.join(tmp, "port")
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "stripe_double.py"), "--webhook",
                                 f"http://127.0.0.1:{hook.server_address[1]}/hook", "--secret", SECRET,
                                 "--port-file", port_file], stdout=subprocess.DEVNULL)
        try:
            while not os.path.exists(port_file):
                if proc.poll() is not None:
                    check("the double starts (is ../shared/data/stripe/fixtures3.json there?)", False)
                    return 1
                time.sleep(0.05)
            base = "http://127.0.0.1:" + open(port_file).read()
            run(base)
        finally:
            proc.kill()
            proc.wait()
    print(f"{len(failures)} failed")
    return 1 if failures else 0


def run(base):
    s, prod = call(base, "POST", "/v1/products", {"id": "cinepress-patron", "name": "Patron"})
    check("a product with our id, in Stripe's shape", s == 200 and prod["id"] == "cinepress-patron"
          and prod["object"] == "product" and "livemode" in prod)
    s, price = call(base, "POST", "/v1/prices", {"product": "cinepress-patron", "unit_amount": "500",
                                                 "currency": "jpy", "recurring[interval]": "month",
                                                 "lookup_key": "k1"}, key="price-1")
    check("a recurring price", s == 200 and price["recurring"]["interval"] == "month"
          and price["unit_amount"] == 500 and price["currency"] == "jpy")
    s, again = call(base, "POST", "/v1/prices", {"product": "cinepress-patron", "unit_amount": "500",
                                                 "currency": "jpy", "recurring[interval]": "month",
                                                 "lookup_key": "k1"}, key="price-1")
    check("a repeated idempotency key answers the first answer", again["id"] == price["id"])
    s, found = call(base, "GET", "/v1/prices", {"lookup_keys[0]": "k1"})
    check("prices by lookup key", [p["id"] for p in found["data"]] == [price["id"]])
    s, _ = call(base, "GET", "/v1/products/nope")
    check("an unknown product is 404", s == 404)
    s, err = call(base, "GET", "/v1/products/cinepress-patron", raw=True)
    check("no key is 401", s == 401)
    s, err = call(base, "POST", "/v1/checkout/sessions", {"mode": "subscription"})
    check("Stripe's error for a missing param", s == 400 and err["error"]["param"] == "line_items")
    s, cs = call(base, "POST", "/v1/checkout/sessions", {
        "mode": "subscription", "line_items[0][price]": price["id"], "line_items[0][quantity]": "1",
        "customer_email": "reader@example.org", "client_reference_id": "7",
        "subscription_data[metadata][tier]": "patron",
        "success_url": "http://127.0.0.1:1/ok?s={CHECKOUT_SESSION_ID}", "cancel_url": "http://x/"})
    check("a checkout session with a page to pay on", s == 200 and cs["url"].startswith(base + "/checkout/"))
    _, requests = call(base, "GET", "/_double/requests")
    check("requests recorded with their form and key",
          requests[1]["params"]["recurring[interval]"] == "month"
          and requests[1]["idempotency_key"] == "price-1")
    page = urllib.request.urlopen(cs["url"]).read().decode()
    check("the checkout page has a Pay button", "<button type=\"submit\">Pay</button>" in page)
    req = urllib.request.Request(cs["url"] + "/pay", data=b"", method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a):
            return None
    try:
        urllib.request.build_opener(NoRedirect).open(req)
        location = ""
    except urllib.error.HTTPError as e:
        location = e.headers["Location"]
    check("paying goes to the success URL", location == f"http://127.0.0.1:1/ok?s={cs['id']}")
    types = [json.loads(b)["type"] for _, b in received]
    check("paying sends the four events (the invoice's payment apart, as Stripe's 2025 API)",
          types == ["checkout.session.completed", "customer.subscription.created", "invoice.paid",
                    "invoice_payment.paid"])
    for header, body in received:
        t = header.split(",")[0][2:]
        v1 = header.split("v1=")[1]
        good = hmac.new(SECRET.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
        check("signed as Stripe signs", hmac.compare_digest(good, v1) and abs(int(t) - time.time()) < 60)
    sub = json.loads(received[1][1])["data"]["object"]
    check("the subscription carries the metadata and price",
          sub["metadata"] == {"tier": "patron"} and sub["items"]["data"][0]["price"]["id"] == price["id"])
    created = [json.loads(b)["created"] for _, b in received]
    check("event times increase", created == sorted(set(created)))
    received.clear()
    call(base, "POST", "/_double/hold", None)
    req = lambda p, c: urllib.request.urlopen(urllib.request.Request(base + p, data=json.dumps(c).encode(), method="POST")).read()
    req("/_double/hold", {"hold": True})
    req("/_double/subscription", {"id": sub["id"], "status": "past_due"})
    req("/_double/subscription", {"id": sub["id"], "status": "canceled"})
    check("held events are not sent", received == [])
    req("/_double/flush", {"order": "reverse"})
    check("flushed in reverse", [json.loads(b)["type"] for _, b in received] ==
          ["customer.subscription.deleted", "customer.subscription.updated"])
    first = json.loads(received[0][1])["id"]
    req("/_double/resend", {"id": first})
    check("an event sent again is the same event", json.loads(received[-1][1])["id"] == first)
    s, listed = call(base, "GET", "/v1/subscriptions", {"status": "all", "limit": "1"})
    check("subscriptions listed", [x["id"] for x in listed["data"]] == [sub["id"]] and listed["data"][0]["status"] == "canceled")

    # A payment-mode payment refunded through the API (POST /v1/refunds), once per key.
    req("/_double/hold", {"hold": False})
    received.clear()
    s, ps = call(base, "POST", "/v1/checkout/sessions", {
        "mode": "payment", "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "9000",
        "line_items[0][price_data][product_data][name]": "A workshop",
        "customer_email": "reader@example.org",
        "success_url": "http://127.0.0.1:1/ok", "cancel_url": "http://x/"})
    try:
        urllib.request.build_opener(NoRedirect).open(
            urllib.request.Request(ps["url"] + "/pay", data=b"", method="POST"))
    except urllib.error.HTTPError:
        pass
    _, paid = call(base, "GET", "/v1/checkout/sessions/" + ps["id"])
    s, refund = call(base, "POST", "/v1/refunds", {"payment_intent": paid["payment_intent"]},
                     key="refund-1")
    check("a payment refunded through the API", s == 200 and refund["object"] == "refund"
          and refund["amount"] == 9000 and refund["payment_intent"] == paid["payment_intent"])
    s, again = call(base, "POST", "/v1/refunds", {"payment_intent": paid["payment_intent"]},
                    key="refund-1")
    check("the same key answers the same refund", s == 200 and again["id"] == refund["id"])
    s, twice = call(base, "POST", "/v1/refunds", {"payment_intent": paid["payment_intent"]},
                    key="refund-2")
    check("a refunded payment is not refunded twice", s == 400 and "already been refunded"
          in twice["error"]["message"])
    s, _ = call(base, "POST", "/v1/refunds", {"payment_intent": "pi_nope"}, key="refund-3")
    check("an unknown payment is refused", s == 404)
    deadline = time.time() + 10
    while time.time() < deadline and "charge.refunded" not in [
            json.loads(b)["type"] for _, b in received]:
        time.sleep(0.05)
    refunded = [json.loads(b) for _, b in received if json.loads(b)["type"] == "charge.refunded"]
    check("charge.refunded is sent once", len(refunded) == 1
          and refunded[0]["data"]["object"]["refunded"] is True)


if __name__ == "__main__":
    sys.exit(main())
