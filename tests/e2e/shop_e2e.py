#!/usr/bin/python3
"""The shop end to end: the real `cinepress serve` on the demo magazine (an ebook and a T-shirt
whose large black size has one left), the local Stripe double (tests/stripe/stripe_double.py,
Stripe's own example objects) and a real SMTP server.

    /usr/bin/python3 tests/e2e/shop_e2e.py BINARY

A reader buys the ebook (the exact form parameters sent, payment mode, price_data) → pays on the
double's page → the signed checkout.session.completed reaches the webhook → an email with a
signed link → the download is the demo's EPUB; the ebook's large PDF (many stored chunks) downloads
byte-identical whole and by a Range, streamed (the server's peak memory does not grow by the
file's size); a duplicate delivery changes nothing and sends
nothing; the link still downloads six days on and has expired eight days on (serve's clock
moved by CINEPRESS_SCHEDULER_NOW); a refund revokes the link. Two buyers of the last T-shirt at
once: one goes to Stripe, the other is refused; the winner's session expires (checkout.session.expired): the shirt is back
and the next buyer gets it, pays, and `orders ship` emails them. A SIGKILL while a payment's
webhook waits on the store: after the restart and Stripe's retries, one receipt. Prints `shop_e2e: N passed,
N failed`.
"""

import hashlib
import json
import os
import re
import sqlite3
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import members_web_test as mw  # noqa: E402  (a reader with cookies)
import newsletter_common as nc  # noqa: E402
from payments_e2e import (SECRET, Serve, _quiet_pay, get_json, payments_demo,  # noqa: E402
                          post_json, wait_until)

check = nc.Checks("shop_e2e")


def text_of(msg):
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode("utf-8", "replace")
    return ""


def mail_to(smtp, email):
    return [m for _, m in smtp.messages() if email in (m["To"] or "")]


def pay(location):
    try:
        mw.OPENER.open(urllib.request.Request(location + "/pay", data=b"", method="POST"),
                       timeout=60)
        return ""
    except urllib.error.HTTPError as e:
        return e.headers.get("Location", "")


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def vm_hwm(pid):
    """The process's peak resident memory (VmHWM), in bytes."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


LARGE = 40 * 1024 * 1024  # 160 of the store's 256 KiB chunks


def add_large_pdf(binary, site):
    """A 40 MB PDF added to the demo's ebook (written by us: pseudo-random bytes in a PDF's
    frame), imported into the store; its bytes."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 0 >>\nstream\n"
    tail = b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    block = hashlib.sha256(b"quiet rooms").digest() * 32768  # 1 MiB
    body = bytearray(head)
    n = 0
    while len(body) < LARGE - len(tail):
        body += bytes([n % 251]) + block[1:min(len(block), LARGE - len(tail) - len(body))]
        n += 1
    body += tail
    shop = os.path.join(site, "content", "shop")
    with open(os.path.join(shop, "quiet-rooms-large.pdf"), "wb") as f:
        f.write(body)
    md = os.path.join(shop, "quiet-rooms.md")
    text = open(md).read().replace("files: [quiet-rooms.epub]",
                                   "files: [quiet-rooms.epub, quiet-rooms-large.pdf]")
    open(md, "w").write(text)
    nc.run([binary, "import", site, "--site", site], timeout=300)
    return bytes(body)


def download_digest(url, headers=None):
    """Status, headers and the SHA-256 of the body, read a MiB at a time."""
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=120) as r:
            while True:
                piece = r.read(1 << 20)
                if not piece:
                    break
                digest.update(piece)
            return r.status, r.headers, digest.hexdigest()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, ""


def orders(binary, site, status=""):
    args = [binary, "orders", "export", "--site", site] + (["--status", status] if status else [])
    return json.loads(nc.run(args).stdout)


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-shop-")
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
        large = add_large_pdf(binary, site)
        stored = sqlite3.connect(os.path.join(site, "cinepress.db")).execute(
            "SELECT path FROM media WHERE substr(path, 1, 6) = '_shop/' ORDER BY path").fetchall()
        check("the ebook's files are private media of the store",
              stored == [("_shop/quiet-rooms/quiet-rooms-large.pdf",),
                         ("_shop/quiet-rooms/quiet-rooms.epub",)], stored)
        env = dict(os.environ, STRIPE_SECRET_KEY="sk_test_e2e", STRIPE_WEBHOOK_SECRET=SECRET)
        serve = Serve(binary, site, port, env)
        check("serve starts", serve.start())
        check("no private file is served at its path",
              fetch(base + "/_shop/quiet-rooms/quiet-rooms.epub")[0] == 404)

        # The pages: the price a reader sees is the integer Stripe charges.
        status, _, page = mw.Reader("visitor").request("/shop/quiet-rooms/")
        check("the ebook's page shows its price and a Buy form",
              status == 200 and "$9.00" in page and 'action="/shop/buy/"' in page and
              'name="product" value="quiet-rooms"' in page, page[-1500:])
        check("with Product/Offer JSON-LD from the same integer",
              '"@type":"Product"' in page and '"price":"9.00"' in page and
              '"priceCurrency":"USD"' in page and "schema.org/InStock" in page)
        status, _, page = mw.Reader("visitor").request("/shop/")
        check("/shop/ lists both products", status == 200 and "/shop/quiet-rooms/" in page and
              "/shop/demo-tshirt/" in page)
        status, _, page = mw.Reader("visitor").request("/shop/demo-tshirt/")
        check("the shirt's page offers its sizes, the sold-out one disabled",
              'value="LT-L-BLK" required>' in page and
              'value="LT-M-WHT" required disabled>' in page, page[-2500:])

        # The ebook: bought, paid, emailed, downloaded.
        ada = mw.Reader("ada")
        status, headers, _ = ada.request("/shop/buy/", {"product": "quiet-rooms",
                                                        "email": "ada@reader.example"})
        location = headers.get("Location", "")
        check("Buy answers 303 to Stripe's page", status == 303 and
              location.startswith(stripe + "/checkout/cs_"), (status, location))
        sent = [r for r in get_json(stripe + "/_double/requests")
                if r["path"] == "/v1/checkout/sessions"][-1]
        p = sent["params"]
        check("the session is payment mode with the ebook's own price",
              p.get("mode") == "payment" and
              p.get("line_items[0][price_data][unit_amount]") == "900" and
              p.get("line_items[0][price_data][currency]") == "usd" and
              p.get("customer_email") == "ada@reader.example" and
              p.get("metadata[product]") == "quiet-rooms" and
              "shipping_address_collection[allowed_countries][0]" not in p, p)
        paid_to = pay(location)
        check("paying returns to the product's page", paid_to.startswith(base + "/shop/quiet-rooms/"),
              paid_to)
        msgs = wait_until(lambda: mail_to(smtp, "ada@reader.example"), timeout=20)
        check("the buyer gets one email", len(msgs) == 1, [m["Subject"] for m in msgs])
        body = text_of(msgs[0]) if msgs else ""
        link = re.search(re.escape(base) + r"/shop/download/\S+/quiet-rooms\.epub", body)
        check("with a signed download link", link is not None, body)
        epub = open(os.path.join(site, "content", "shop", "quiet-rooms.epub"), "rb").read()
        status, headers, data = fetch(link.group(0)) if link else (0, {}, b"")
        check("the link downloads the EPUB, privately",
              status == 200 and data == epub and
              headers.get("Content-Type") == "application/epub+zip" and
              "no-store" in headers.get("Cache-Control", ""), (status, len(data)))
        # The large PDF: streamed a chunk at a time, whole and by a Range, never whole in memory.
        big = re.search(re.escape(base) + r"/shop/download/\S+/quiet-rooms-large\.pdf", body)
        check("the email links the large PDF too", big is not None, body)
        before = vm_hwm(serve.proc.pid)
        status, headers, digest = download_digest(big.group(0)) if big else (0, {}, "")
        check("the large PDF downloads byte-identical",
              status == 200 and digest == hashlib.sha256(large).hexdigest() and
              headers.get("Content-Length") == str(LARGE) and
              headers.get("Content-Type") == "application/pdf" and
              headers.get("Accept-Ranges") == "bytes", (status, dict(headers or {})))
        status, headers, digest = download_digest(
            big.group(0), {"Range": "bytes=20000000-21048575"}) if big else (0, {}, "")
        check("a Range of it is answered 206 with exactly those bytes",
              status == 206 and
              digest == hashlib.sha256(large[20000000:21048576]).hexdigest() and
              headers.get("Content-Range") == f"bytes 20000000-21048575/{LARGE}",
              (status, dict(headers or {})))
        status, headers, digest = download_digest(big.group(0), {"Range": "bytes=39000000-"})
        check("an open Range to the end too",
              status == 206 and digest == hashlib.sha256(large[39000000:]).hexdigest(), status)
        after = vm_hwm(serve.proc.pid)
        print(f"     server peak memory (VmHWM): {before / 1048576:.1f} MB before, "
              f"{after / 1048576:.1f} MB after downloading the 40 MB PDF whole and in parts")
        check("the server's peak memory did not grow by the file's size",
              after - before < LARGE // 2, (before, after))

        forged = link.group(0).replace("/shop/download/", "/shop/download/9") if link else ""
        check("a forged link is refused", fetch(forged)[0] == 404)

        # The link's 7 days, on serve's clock (CINEPRESS_SCHEDULER_NOW, core/serve_clock.h).
        for days, works in ((6, True), (8, False)):
            serve.proc.terminate()
            serve.proc.wait()
            later = str(int(time.time()) + days * 86400)
            serve = Serve(binary, site, port, dict(env, CINEPRESS_SCHEDULER_NOW=later))
            check(f"serve starts {days} days later", serve.start())
            status, _, data = fetch(link.group(0)) if link else (0, {}, b"")
            if works:
                check("six days on, the link still downloads", status == 200 and data == epub,
                      status)
            else:
                check("eight days on, the link has expired: 404 with a page that says so",
                      status == 404 and b"has expired" in data and b"My Account" in data,
                      (status, data[:300]))
        serve.proc.terminate()
        serve.proc.wait()
        serve = Serve(binary, site, port, env)
        check("serve starts on today's clock", serve.start())

        events = get_json(stripe + "/_double/events")
        completed = [e for e in events if e["event"]["type"] == "checkout.session.completed"]
        post_json(stripe + "/_double/resend", {"id": completed[-1]["event"]["id"]})
        events = get_json(stripe + "/_double/events")
        check("the duplicate delivery is accepted",
              [e["deliveries"] for e in events if e["event"]["id"] == completed[-1]["event"]["id"]]
              == [[200, 200]], events[-1]["deliveries"])
        paid = orders(binary, site, "paid")
        check("one paid order, no second email",
              len(paid) == 1 and len(mail_to(smtp, "ada@reader.example")) == 1, paid)

        # My account: the buyer's ebook with a fresh link; a patron's (free_for) without buying.
        nc.run([binary, "members", "add", "ada@reader.example", "--site", site])
        nc.run([binary, "members", "add", "pat@reader.example", "--tier", "patron", "--site", site])
        mw.sign_in(ada, smtp, "ada@reader.example")
        _, _, account = ada.request("/account/")
        check("My account lists the ebook bought, with a signed link",
              "Your ebooks" in account and
              re.search(r'href="/shop/download/[^"/]+/quiet-rooms\.epub"', account) is not None,
              account[-2000:])
        pat = mw.Reader("pat")
        mw.sign_in(pat, smtp, "pat@reader.example")
        _, _, account = pat.request("/account/")
        member_link = "/shop/download/member/quiet-rooms/quiet-rooms.epub"
        check("a patron's account lists the ebook their tier includes", member_link in account,
              account[-2000:])
        status, headers, _ = pat.request(member_link)
        check("and the patron downloads it", status == 200 and
              headers.get("Content-Type") == "application/epub+zip", status)
        check("that address opens nothing for a stranger",
              mw.Reader("stranger").request(member_link)[0] == 404)

        pi = completed[-1]["event"]["data"]["object"]["payment_intent"]
        post_json(stripe + "/_double/refund", {"payment_intent": pi})
        check("the refunded order is marked refunded",
              wait_until(lambda: orders(binary, site, "refunded"), timeout=10))
        check("and its link no longer downloads", fetch(link.group(0))[0] == 404 if link else False)

        # The last large black T-shirt, two buyers at once.
        results = {}

        def buy(name):
            results[name] = mw.Reader(name).request("/shop/buy/", {"product": "demo-tshirt",
                                                                   "sku": "LT-L-BLK"})
        threads = [threading.Thread(target=buy, args=(n,)) for n in ("bo", "cy")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r[0] for r in results.values())
        check("one buyer goes to Stripe, the other is refused", statuses == [303, 409], statuses)
        size = lambda: mw.Reader("visitor").request("/shop/demo-tshirt/")[2]  # noqa: E731
        check("the live page shows the size sold out once the last one is held",
              wait_until(lambda: 'value="LT-L-BLK" required disabled>' in size()), size()[-2500:])
        winner = next((r[1].get("Location", "") for r in results.values() if r[0] == 303), "")
        p = [r for r in get_json(stripe + "/_double/requests")
             if r["path"] == "/v1/checkout/sessions"][-1]["params"]
        check("merchandise asks for an address and offers the shipping rates",
              p.get("shipping_address_collection[allowed_countries][0]") == "US" and
              p.get("shipping_options[0][shipping_rate_data][fixed_amount][amount]") == "600", p)
        post_json(stripe + "/_double/expire", {"id": winner.rsplit("/", 1)[-1]})
        check("the expired session's order is expired",
              wait_until(lambda: orders(binary, site, "expired"), timeout=10))
        check("and the live page offers the size again",
              wait_until(lambda: 'value="LT-L-BLK" required>' in size()), size()[-2500:])
        status, headers, _ = mw.Reader("dee").request(
            "/shop/buy/", {"product": "demo-tshirt", "sku": "LT-L-BLK",
                           "email": "dee@reader.example"})
        check("its shirt is back for the next buyer", status == 303, status)
        pay(headers.get("Location", ""))
        shirt = wait_until(lambda: [o for o in orders(binary, site, "paid")
                                    if o["email"] == "dee@reader.example"], timeout=10)
        check("the shirt's order is paid with the address Stripe collected",
              shirt and "1 Test Street" in shirt[0]["shipping_address"], shirt)
        if shirt:
            out = nc.run([binary, "orders", "ship", str(shirt[0]["id"]), "--tracking",
                          "LA0001US", "--site", site]).stdout
            check("orders ship says so", "shipped" in out, out)
            told = wait_until(lambda: [m for m in mail_to(smtp, "dee@reader.example")
                                       if "LA0001US" in text_of(m)], timeout=20)
            check("the buyer is told the tracking number", len(told) == 1)
        # SIGKILL while the receipt's payment waits on the store (received, not committed): the
        # receipt is queued in the payment's transaction, so Stripe's retries after the restart
        # pay the order once and send exactly one receipt.
        status, headers, _ = mw.Reader("kim").request("/shop/buy/", {
            "product": "quiet-rooms", "email": "kim@reader.example"})
        kim_url = headers.get("Location", "")
        db = sqlite3.connect(os.path.join(site, "cinepress.db"), timeout=30, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")  # the store is busy: the webhook waits inside its transaction
        payer = threading.Thread(target=_quiet_pay, args=(kim_url,))
        payer.start()
        time.sleep(1.0)  # let the delivery reach serve and wait on the store
        serve.kill()
        db.execute("ROLLBACK")
        db.close()
        payer.join(120)
        check("serve starts again after the kill", serve.start())
        statuses = post_json(stripe + "/_double/retry", {})["statuses"]
        check("Stripe's retries are accepted", statuses and all(s == 200 for s in statuses),
              statuses)
        post_json(stripe + "/_double/retry", {})  # delivered twice: a duplicate

        def outbox_empty():
            conn = sqlite3.connect(os.path.join(site, "cinepress.db"))
            n = conn.execute("SELECT COUNT(*) FROM mail_outbox WHERE failed = 0").fetchone()[0]
            conn.close()
            return n == 0
        receipts = wait_until(lambda: mail_to(smtp, "kim@reader.example"), timeout=20)
        check("the outbox is sent out", wait_until(outbox_empty, timeout=20))
        check("the killed payment's receipt is sent exactly once",
              len(mail_to(smtp, "kim@reader.example")) == 1 and receipts and
              "/shop/download/" in text_of(receipts[0]),
              [m["Subject"] for m in mail_to(smtp, "kim@reader.example")])
        check("and its order is paid once",
              len([o for o in orders(binary, site, "paid") if o["email"] == "kim@reader.example"])
              == 1)

        listed = nc.run([binary, "orders", "list", "--site", site]).stdout
        check("orders list shows every order",
              "refunded" in listed and "shipped" in listed and "expired" in listed, listed)
        csv = nc.run([binary, "orders", "export", "--csv", "--site", site]).stdout
        check("orders export --csv has the shipping address", "1 Test Street" in csv, csv)
    finally:
        check.finish(root, serve.proc if serve else None, double, smtp)


if __name__ == "__main__":
    main()
