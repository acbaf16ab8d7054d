#!/usr/bin/env python3
"""A local test double of the Stripe endpoints cinepress calls, answering with Stripe's own
example objects (../shared/data/stripe/fixtures3.json, or $CINEPRESS_SHARED/data/stripe/…),
their ids and fields changed as each request asks.

  API        (line_items may carry price_data: an inline price is made for it, as Stripe does)
             POST /v1/products, GET /v1/products/ID, GET|POST /v1/prices, POST /v1/customers,
             GET /v1/customers/ID, POST /v1/checkout/sessions, GET /v1/checkout/sessions/ID,
             GET /v1/subscriptions (list), GET /v1/subscriptions/ID,
             POST /v1/billing_portal/sessions, POST /v1/refunds {payment_intent, amount?}
               (a payment-mode payment refunded in full or by `amount`; charge.refunded is sent
               after the answer, as Stripe sends it; an unknown or fully refunded payment is
               refused as Stripe refuses it)
  pages      GET /checkout/ID: a checkout page a browser can "pay" on (POST /checkout/ID/pay):
             the customer, subscription (or payment) and invoice are made, and the events
             checkout.session.completed, customer.subscription.created, invoice.paid and
             invoice_payment.paid (the invoice's payment intent: as in Stripe's 2025 API, neither
             the invoice nor its charge names the other) are sent to the program's webhook
             signed as Stripe signs; then 303 to the success URL.
             GET /portal/ID: the customer portal (a button cancels at period end).
  control    (JSON, for tests) GET /_double/requests, GET /_double/events;
             POST /_double/subscription {"id", "status"?, "cancel_at_period_end"?, "send"?}
               changes a subscription and sends customer.subscription.updated (deleted when
               canceled);
             POST /_double/event {"type", "object"} sends any event built on a fixture object;
             POST /_double/hold {"hold": true|false}: keep events instead of sending them;
             POST /_double/flush {"order": "forward"|"reverse"}: send the kept events;
             POST /_double/resend {"id"}: deliver an event again (Stripe's duplicate delivery);
             POST /_double/refund {"payment_intent", "amount"?}: refunds a payment's charge (a
               payment-mode session's or an invoice's; in full by default) and sends
               charge.refunded;
             POST /_double/retry: deliver again every event whose delivery failed (Stripe's
               retries);
             POST /_double/expire {"id"}: an open session expires (checkout.session.expired);
  payment mode  lines with price_data, the session's expires_at, shipping address collection
             (the buyer's address is a test one in the first allowed country) and the first
             shipping option, added to amount_total.

Every API request is recorded: method, path, form parameters (flat, as sent: "a[b][0]") and the
Idempotency-Key; a POST with a key seen before answers the first answer again, as Stripe does.

Usage: stripe_double.py --webhook URL --secret whsec_… [--port 0] [--port-file FILE]
"""
import argparse
import copy
import hashlib
import hmac
import html
import itertools
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("CINEPRESS_SHARED", os.path.join(os.path.dirname(REPO), "shared"))
FIXTURES = os.path.join(SHARED, "data", "stripe", "fixtures3.json")


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def nest(flat):
    """Stripe's form keys ("a[b][0]=x") as nested dicts and lists."""
    root = {}
    for key, value in flat:
        parts = [key.split("[", 1)[0]] + [p.rstrip("]") for p in key.split("[")[1:]]
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return listify(root)


def listify(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [listify(node[k]) for k in sorted(node, key=int)]
        return {k: listify(v) for k, v in node.items()}
    return node


class Stripe:
    def __init__(self, fixtures, webhook, secret, base):
        self.fx = fixtures
        self.webhook, self.secret, self.base = webhook, secret, base
        self.lock = threading.RLock()
        self.ids = itertools.count(1)
        self.clock = int(time.time())
        self.requests, self.events, self.held = [], [], []
        self.hold = False
        self.idempotent = {}
        self.products, self.prices, self.customers = {}, {}, {}
        self.sessions, self.subscriptions, self.invoices = {}, {}, {}
        self.payment_intents, self.charges = {}, {}

    def new_id(self, prefix):
        return f"{prefix}_test{next(self.ids):06d}"

    def now(self):
        # Stripe's timestamps are seconds; each object and event made here gets a later one than
        # the last, so that tests can tell their order apart.
        with self.lock:
            self.clock = max(self.clock + 1, int(time.time()))
            return self.clock

    def fixture(self, kind, **fields):
        obj = copy.deepcopy(self.fx[kind])
        obj.update(fields)
        return obj

    # --- API -------------------------------------------------------------------------------

    def create_product(self, p):
        pid = p.get("id") or self.new_id("prod")
        if pid in self.products:
            return 400, error(f"Product already exists.", "id")
        prod = self.fixture("product", id=pid, name=p.get("name", ""),
                            description=p.get("description"), metadata=p.get("metadata", {}),
                            created=self.now(), updated=self.clock, default_price=None)
        self.products[pid] = prod
        return 200, prod

    def create_price(self, p):
        if p.get("product") not in self.products:
            return 400, error(f"No such product: '{p.get('product')}'", "product")
        recurring = p.get("recurring")
        price = self.fixture("price", id=self.new_id("price"), product=p["product"],
                             unit_amount=int(p["unit_amount"]),
                             unit_amount_decimal=str(p["unit_amount"]),
                             currency=p["currency"], lookup_key=p.get("lookup_key"),
                             metadata=p.get("metadata", {}), created=self.now(),
                             type="recurring" if recurring else "one_time")
        price["recurring"] = ({**self.fx["price"]["recurring"], "interval": recurring["interval"]}
                              if recurring else None)
        self.prices[price["id"]] = price
        return 200, price

    def inline_price(self, data):
        pid = data.get("product") or self.new_id("prod")
        if pid not in self.products:
            self.products[pid] = self.fixture("product", id=pid, created=self.now(),
                                              name=(data.get("product_data") or {}).get("name", ""),
                                              metadata={}, default_price=None)
        return self.create_price({"product": pid, "unit_amount": data["unit_amount"],
                                  "currency": data["currency"], "recurring": data.get("recurring")})[1]

    def list_prices(self, q):
        keys = q.get("lookup_keys", [])
        data = [p for p in self.prices.values() if not keys or p.get("lookup_key") in keys]
        return 200, {"object": "list", "data": data, "has_more": False, "url": "/v1/prices"}

    def create_customer(self, p):
        cus = self.fixture("customer", id=self.new_id("cus"), email=p.get("email"),
                           name=p.get("name"), metadata=p.get("metadata", {}), created=self.now())
        self.customers[cus["id"]] = cus
        return 200, cus

    def create_session(self, p):
        mode = p.get("mode")
        items = p.get("line_items") or []
        if mode not in ("subscription", "payment", "setup"):
            return 400, error("Invalid mode: must be one of payment, setup, or subscription", "mode")
        if mode != "setup" and not items:
            return 400, error("Missing required param: line_items.", "line_items")
        for i, item in enumerate(items):
            if "price_data" in item:
                # An inline price (Stripe makes a price object of it for this session alone).
                item["price"] = self.inline_price(item["price_data"])["id"]
            if "price" in item and item["price"] not in self.prices:
                return 400, error(f"No such price: '{item['price']}'", "line_items[0][price]")
        if p.get("customer") and p["customer"] not in self.customers:
            return 400, error(f"No such customer: '{p['customer']}'", "customer")
        sid = self.new_id("cs")
        s = self.fixture("checkout.session", id=sid, mode=mode, status="open",
                         payment_status="unpaid", created=self.now(),
                         expires_at=self.clock + 86400, customer=p.get("customer"),
                         customer_email=p.get("customer_email"),
                         client_reference_id=p.get("client_reference_id"),
                         metadata=p.get("metadata", {}), success_url=p.get("success_url"),
                         cancel_url=p.get("cancel_url"), url=f"{self.base}/checkout/{sid}",
                         subscription=None, payment_intent=None, invoice=None)
        s["_line_items"] = items
        s["_subscription_data"] = p.get("subscription_data", {})
        s["_payment_intent_data"] = p.get("payment_intent_data", {})
        s["amount_total"] = sum(int(self.prices[i["price"]]["unit_amount"]) * int(i.get("quantity", 1))
                                for i in items if "price" in i)
        s["currency"] = (self.prices[items[0]["price"]]["currency"]
                         if items and "price" in items[0] else None)
        self.payment_mode_session(s, p)
        self.sessions[sid] = s
        return 200, public(s)

    def payment_mode_session(self, s, p):
        """The shop's sessions: the session's own expiry, shipping addresses and rates (the first
        rate is the one the buyer picks). Lines priced inline (price_data) are priced above."""
        if p.get("expires_at"):
            s["expires_at"] = int(p["expires_at"])
        s["_shipping"] = p.get("shipping_address_collection")
        options = p.get("shipping_options") or []
        if options:
            s["amount_total"] += int(options[0]["shipping_rate_data"]["fixed_amount"]["amount"])

    def expire(self, sid):
        """The session ended unpaid: checkout.session.expired."""
        with self.lock:
            s = self.sessions[sid]
            if s["status"] != "open":
                return None
            s["status"] = "expired"
        return self.send("checkout.session.expired", public(s))

    def list_subscriptions(self, q):
        subs = sorted(self.subscriptions.values(), key=lambda s: s["id"])
        if q.get("customer"):
            subs = [s for s in subs if s["customer"] == q["customer"]]
        if q.get("status", "all") != "all":
            subs = [s for s in subs if s["status"] == q["status"]]
        if q.get("starting_after"):
            subs = [s for s in subs if s["id"] > q["starting_after"]]
        limit = int(q.get("limit", 10))
        return 200, {"object": "list", "data": subs[:limit], "has_more": len(subs) > limit,
                     "url": "/v1/subscriptions"}

    def create_portal(self, p):
        if p.get("customer") not in self.customers:
            return 400, error(f"No such customer: '{p.get('customer')}'", "customer")
        pid = self.new_id("bps")
        portal = self.fixture("billing_portal.session", id=pid, customer=p["customer"],
                              return_url=p.get("return_url"), created=self.now(),
                              url=f"{self.base}/portal/{pid}", flow=None)
        self.sessions[pid] = portal
        return 200, portal

    def api(self, method, path, params):
        parts = path.strip("/").split("/")[1:]  # after v1
        one = lambda table, kind: (200, table[parts[-1]]) if parts[-1] in table else (
            404, error(f"No such {kind}: '{parts[-1]}'", "id"))
        routes = {
            ("POST", "products"): lambda: self.create_product(params),
            ("GET", "products", 1): lambda: one(self.products, "product"),
            ("POST", "prices"): lambda: self.create_price(params),
            ("GET", "prices"): lambda: self.list_prices(params),
            ("POST", "customers"): lambda: self.create_customer(params),
            ("GET", "customers", 1): lambda: one(self.customers, "customer"),
            ("POST", "checkout/sessions"): lambda: self.create_session(params),
            ("GET", "checkout/sessions", 1): lambda: (200, public(self.sessions[parts[-1]]))
            if parts[-1] in self.sessions else (404, error("No such checkout.session", "id")),
            ("GET", "subscriptions"): lambda: self.list_subscriptions(params),
            ("GET", "subscriptions", 1): lambda: one(self.subscriptions, "subscription"),
            ("POST", "billing_portal/sessions"): lambda: self.create_portal(params),
            ("POST", "refunds"): lambda: self.create_refund(params),
        }
        for key, handler in routes.items():
            if key[0] != method:
                continue
            base = key[1].split("/")
            if parts[:len(base)] == base and len(parts) == len(base) + (key[2] if len(key) > 2 else 0):
                return handler()
        return 404, error(f"Unrecognized request URL ({method}: {path})", None)

    # --- paying ------------------------------------------------------------------------------

    def pay(self, sid):
        """The reader paid on the checkout page: what Stripe makes, and the events it sends."""
        with self.lock:
            s = self.sessions[sid]
            if s["status"] != "open":
                return s
            if not s["customer"]:
                _, cus = self.create_customer({"email": s["customer_email"]})
                s["customer"] = cus["id"]
            email = self.customers[s["customer"]].get("email") or s["customer_email"]
            s.update(status="complete", payment_status="paid",
                     customer_details={**(self.fx["checkout.session"].get("customer_details") or {}),
                                       "email": email})
            events = []
            if s["mode"] == "subscription":
                sub = self.make_subscription(s)
                s["subscription"] = sub["id"]
                inv = self.make_invoice(sub)
                s["invoice"] = inv["id"]
                pi = self.make_payment_intent(inv["amount_paid"], inv["currency"],
                                              sub["customer"], sub["metadata"])
                paid = self.fixture("invoice_payment", id=self.new_id("inpay"),
                                    invoice=inv["id"], amount_paid=inv["amount_paid"],
                                    amount_requested=inv["amount_paid"], currency=inv["currency"],
                                    status="paid", created=self.now(), livemode=False,
                                    payment={"type": "payment_intent", "payment_intent": pi["id"]})
                events = [("checkout.session.completed", public(s)),
                          ("customer.subscription.created", sub),
                          ("invoice.paid", inv),
                          ("invoice_payment.paid", paid)]
            else:
                pi = self.make_payment_intent(s["amount_total"], s["currency"], s["customer"],
                                              s["_payment_intent_data"].get("metadata", {}))
                s["payment_intent"] = pi["id"]
                if s.get("_shipping"):
                    country = s["_shipping"]["allowed_countries"][0]
                    s["collected_information"] = {"shipping_details": {
                        "name": "Test Buyer",
                        "address": {"line1": "1 Test Street", "line2": None, "city": "Testville",
                                    "postal_code": "12345", "state": None, "country": country}}}
                events = [("checkout.session.completed", public(s))]
        for kind, obj in events:
            self.send(kind, obj)
        return s

    def make_payment_intent(self, amount, currency, customer, metadata):
        """A payment (a payment-mode session's or an invoice's): its intent and the charge that
        refunds find."""
        pi = self.fixture("payment_intent", id=self.new_id("pi"), amount=amount,
                          amount_received=amount, currency=currency, customer=customer,
                          status="succeeded", created=self.now(), metadata=metadata)
        charge = self.fixture("charge", id=self.new_id("ch"), amount=amount,
                              amount_captured=amount, amount_refunded=0,
                              refunded=False, captured=True, paid=True, status="succeeded",
                              currency=currency, customer=customer,
                              payment_intent=pi["id"], metadata=pi["metadata"],
                              created=self.clock)
        pi["latest_charge"] = charge["id"]
        self.payment_intents[pi["id"]] = pi
        self.charges[charge["id"]] = charge
        return pi

    def create_refund(self, p):
        """POST /v1/refunds: the API's refund (workshops cancelled, say). The event goes after
        the answer, from a thread of its own: the program's webhook may call the API again."""
        with self.lock:
            charge = next((ch for ch in self.charges.values()
                           if ch["payment_intent"] == p.get("payment_intent")), None)
            if charge is None:
                return 404, error(f"No such payment_intent: '{p.get('payment_intent')}'",
                                  "payment_intent")
            left = charge["amount"] - charge["amount_refunded"]
            amount = int(p.get("amount", left))
            if left <= 0 or amount > left:
                return 400, error(f"Charge {charge['id']} has already been refunded.", None)
            charge.update(amount_refunded=charge["amount_refunded"] + amount,
                          refunded=charge["amount_refunded"] + amount >= charge["amount"])
            refund = self.fixture("refund", id=self.new_id("re"), amount=amount,
                                  charge=charge["id"], currency=charge["currency"],
                                  payment_intent=charge["payment_intent"], status="succeeded",
                                  created=self.now())
            snapshot = copy.deepcopy(charge)
        threading.Thread(target=self.send, args=("charge.refunded", snapshot), daemon=True).start()
        return 200, refund

    def refund(self, c):
        """A refund made in the dashboard: the charge of a payment intent, refunded in full
        (or by `amount`), and charge.refunded sent."""
        with self.lock:
            charge = next(ch for ch in self.charges.values()
                          if ch["payment_intent"] == c["payment_intent"])
            amount = int(c.get("amount", charge["amount"]))
            charge.update(amount_refunded=charge["amount_refunded"] + amount,
                          refunded=charge["amount_refunded"] + amount >= charge["amount"])
            snapshot = copy.deepcopy(charge)
        return self.send("charge.refunded", snapshot)

    def make_subscription(self, s):
        price = self.prices[s["_line_items"][0]["price"]]
        now = self.now()
        end = now + (365 if price["recurring"]["interval"] == "year" else 30) * 86400
        item = copy.deepcopy(self.fx["subscription"]["items"]["data"][0])
        sid = self.new_id("sub")
        item.update(id=self.new_id("si"), price=price, subscription=sid, created=now,
                    current_period_start=now, current_period_end=end, quantity=1)
        sub = self.fixture("subscription", id=sid, customer=s["customer"], status="active",
                           created=now, start_date=now, cancel_at_period_end=False,
                           cancel_at=None, canceled_at=None, ended_at=None,
                           metadata=s["_subscription_data"].get("metadata", {}),
                           currency=price["currency"], current_period_start=now,
                           current_period_end=end, latest_invoice=None)
        sub["items"] = {**sub["items"], "data": [item], "url": f"/v1/subscription_items?subscription={sid}"}
        self.subscriptions[sid] = sub
        return sub

    def make_invoice(self, sub):
        price = sub["items"]["data"][0]["price"]
        inv = self.fixture("invoice", id=self.new_id("in"), customer=sub["customer"],
                           subscription=sub["id"], status="paid", amount_due=price["unit_amount"],
                           amount_paid=price["unit_amount"], amount_remaining=0,
                           currency=price["currency"], created=self.now(),
                           period_end=sub["current_period_end"],
                           customer_email=self.customers[sub["customer"]].get("email"),
                           customer_name=self.customers[sub["customer"]].get("name"))
        inv["parent"] = {"type": "subscription_details", "quote_details": None,
                         "subscription_details": {"metadata": sub["metadata"], "subscription": sub["id"]}}
        line = inv["lines"]["data"][0]
        line.update(amount=price["unit_amount"], currency=price["currency"], invoice=inv["id"],
                    period={"start": sub["current_period_start"], "end": sub["current_period_end"]})
        sub["latest_invoice"] = inv["id"]
        self.invoices[inv["id"]] = inv
        return inv

    def change_subscription(self, c):
        with self.lock:
            sub = self.subscriptions[c["id"]]
            for key in ("status", "cancel_at_period_end"):
                if key in c:
                    sub[key] = c[key]
            if sub["status"] == "canceled":
                sub["canceled_at"] = sub["ended_at"] = self.now()
            if c.get("cancel_at_period_end"):
                sub["cancel_at"] = sub["current_period_end"]
                sub["canceled_at"] = self.now()
            snapshot = copy.deepcopy(sub)
        kind = "customer.subscription.deleted" if sub["status"] == "canceled" else \
            "customer.subscription.updated"
        return self.send(kind, snapshot) if c.get("send", True) else None

    # --- events ------------------------------------------------------------------------------

    def send(self, kind, obj):
        event = self.fixture("event", id=self.new_id("evt"), type=kind, created=self.now(),
                             data={"object": copy.deepcopy(obj)}, api_version="2025-03-31.basil",
                             livemode=False, pending_webhooks=1)
        with self.lock:
            self.events.append({"event": event, "deliveries": []})
            if self.hold:
                self.held.append(event)
                return event
        self.deliver(event)
        return event

    def deliver(self, event):
        payload = json.dumps(event).encode()
        req = urllib.request.Request(self.webhook, data=payload, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": sign(payload, self.secret, int(time.time())),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError:
            status = 0  # no connection: Stripe tries again later
        with self.lock:
            for e in self.events:
                if e["event"]["id"] == event["id"]:
                    e["deliveries"].append(status)
        return status

    def flush(self, order):
        with self.lock:
            held, self.held = self.held, []
        for event in (reversed(held) if order == "reverse" else held):
            self.deliver(event)

    def retry(self):
        with self.lock:
            failed = [e["event"] for e in self.events
                      if e["deliveries"] and not 200 <= e["deliveries"][-1] < 300]
        return [self.deliver(e) for e in failed]

    def event_by_id(self, eid):
        with self.lock:
            return next(e["event"] for e in self.events if e["event"]["id"] == eid)


def public(s):
    return {k: v for k, v in s.items() if not k.startswith("_")}


def error(message, param):
    return {"error": {"type": "invalid_request_error", "message": message, "param": param}}


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


def make_handler(stripe):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body, ctype="application/json", headers=()):
            data = body if isinstance(body, bytes) else (
                json.dumps(body) if ctype == "application/json" else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n).decode() if n else ""

        def do_GET(self):
            self.route("GET")

        def do_POST(self):
            self.route("POST")

        def route(self, method):
            url = urllib.parse.urlsplit(self.path)
            raw = self.body() if method == "POST" else url.query
            if url.path.startswith("/v1/"):
                return self.api(method, url.path, raw)
            if url.path.startswith("/_double/"):
                return self.control(method, url.path, raw)
            parts = url.path.strip("/").split("/")
            if parts[0] == "checkout" and len(parts) >= 2 and parts[1] in stripe.sessions:
                return self.checkout(method, parts)
            if parts[0] == "portal" and len(parts) >= 2 and parts[1] in stripe.sessions:
                return self.portal(method, parts, raw)
            self.answer(404, "not found\n", "text/plain")

        def api(self, method, path, raw):
            if self.headers.get("Authorization", "")[:15] != "Bearer sk_test_":
                return self.answer(401, {"error": {"type": "invalid_request_error",
                                                   "message": "Invalid API Key provided"}})
            flat = urllib.parse.parse_qsl(raw, keep_blank_values=True)
            key = self.headers.get("Idempotency-Key")
            with stripe.lock:
                stripe.requests.append({"method": method, "path": path, "params": dict(flat),
                                        "idempotency_key": key})
                if method == "POST" and key and key in stripe.idempotent:
                    return self.answer(*stripe.idempotent[key])
                status, obj = stripe.api(method, path, nest(flat))
                if method == "POST" and key:
                    stripe.idempotent[key] = (status, obj)
            self.answer(status, obj)

        def checkout(self, method, parts):
            s = stripe.sessions[parts[1]]
            if method == "POST" and parts[2:] == ["pay"]:
                s = stripe.pay(parts[1])
                target = (s["success_url"] or "").replace("{CHECKOUT_SESSION_ID}", s["id"])
                return self.answer(303, "", "text/plain", [("Location", target)])
            items = "".join(
                f"<li>{html.escape(stripe.prices[i['price']]['product'])}: "
                f"{stripe.prices[i['price']]['unit_amount']} "
                f"{html.escape(stripe.prices[i['price']]['currency'])}</li>"
                for i in s["_line_items"] if "price" in i)
            body = (f"<p>Paying as {html.escape(s.get('customer_email') or s.get('customer') or '')}"
                    f"</p><ul>{items}</ul><form method=\"post\" action=\"/checkout/{s['id']}/pay\">"
                    f"<button type=\"submit\">Pay</button></form>"
                    f"<p><a href=\"{html.escape(s['cancel_url'] or '')}\">Back</a></p>")
            self.answer(200, PAGE.format(title="Test checkout", body=body), "text/html; charset=utf-8")

        def portal(self, method, parts, raw):
            p = stripe.sessions[parts[1]]
            subs = [s for s in stripe.subscriptions.values() if s["customer"] == p["customer"]]
            if method == "POST" and parts[2:] == ["cancel"]:
                for s in subs:
                    stripe.change_subscription({"id": s["id"], "cancel_at_period_end": True})
                return self.answer(303, "", "text/plain", [("Location", p["return_url"] or "/")])
            body = "".join(f"<p>{html.escape(s['id'])}: {html.escape(s['status'])}</p>" for s in subs)
            body += (f"<form method=\"post\" action=\"/portal/{p['id']}/cancel\"><button type=\"submit\">"
                     f"Cancel at the end of the period</button></form>"
                     f"<p><a href=\"{html.escape(p['return_url'] or '')}\">Return</a></p>")
            self.answer(200, PAGE.format(title="Test billing portal", body=body), "text/html; charset=utf-8")

        def control(self, method, path, raw):
            c = json.loads(raw) if method == "POST" and raw else {}
            name = path[len("/_double/"):]
            if name == "requests":
                with stripe.lock:
                    return self.answer(200, stripe.requests)
            if name == "events":
                with stripe.lock:
                    return self.answer(200, stripe.events)
            if name == "subscription":
                return self.answer(200, stripe.change_subscription(c) or {})
            if name == "event":
                obj = stripe.fixture(c.get("fixture", "event"))
                obj.update(c.get("object", {}))
                return self.answer(200, stripe.send(c["type"], obj))
            if name == "hold":
                stripe.hold = bool(c.get("hold", True))
                return self.answer(200, {"hold": stripe.hold})
            if name == "flush":
                stripe.flush(c.get("order", "forward"))
                return self.answer(200, {})
            if name == "resend":
                return self.answer(200, {"status": stripe.deliver(stripe.event_by_id(c["id"]))})
            if name == "expire":
                return self.answer(200, stripe.expire(c["id"]) or {})
            if name == "refund":
                return self.answer(200, stripe.refund(c))
            if name == "retry":
                return self.answer(200, {"statuses": stripe.retry()})
            self.answer(404, {"error": "unknown control"})

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--webhook", required=True, help="the program's webhook URL")
    ap.add_argument("--secret", required=True, help="the webhook signing secret (whsec_…)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--fixtures", default=FIXTURES)
    args = ap.parse_args()
    with open(args.fixtures) as f:
        fixtures = json.load(f)["resources"]
    server = ThreadingHTTPServer(("127.0.0.1", args.port), None)
    port = server.server_address[1]
    stripe = Stripe(fixtures, args.webhook, args.secret, f"http://127.0.0.1:{port}")
    server.RequestHandlerClass = make_handler(stripe)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
    print(f"stripe double on http://127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
