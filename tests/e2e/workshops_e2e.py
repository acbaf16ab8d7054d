#!/usr/bin/python3
"""Workshops through `cinepress serve`, with the Stripe double (tests/stripe/stripe_double.py)
and a real SMTP server (aiosmtpd): a paid registration at the demo's upcoming workshop (Checkout
in payment mode at the workshop's own price, the confirmation with the joining link once the
webhook says it is paid), a patron's free registration (no Stripe), the last seat of a one-seat
workshop raced by two readers (one goes to Stripe, the other is refused and joins the waitlist),
the winner's checkout expiring (the seat comes back and the scheduler offers it to the waitlist
by email, held for [workshops] offer_hours = 2), the offer lapsing and passing to the next in
line (the scheduler's clock three hours later, CINEPRESS_SCHEDULER_NOW: past the setting, short
of the default day) who takes it, the reminders a day before the sessions (once each), and
`workshops cancel` refunding the paid registration through the double and telling both
registrants.

    /usr/bin/python3 tests/e2e/workshops_e2e.py build/cinepress
"""

import os
import re
import sys
import tempfile
import threading
import time
import email.utils
import urllib.error
import urllib.request

import icalendar

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import members_web_test as mw  # noqa: E402  (a reader with cookies, signing in)
import newsletter_common as nc  # noqa: E402
from payments_e2e import (SECRET, Serve, get_json, payments_demo, post_json,  # noqa: E402
                          wait_until)
from shop_e2e import mail_to, pay, text_of  # noqa: E402

check = nc.Checks("workshops_e2e")
SLUG = "writing-the-apartment-film"

ONE_SEAT = """---
title: "The Last Seat"
teachers: [park-seo-yeon]
sessions:
  - {starts: "2031-06-01 19:00", minutes: 60}
online: true
joining_link: "https://meet.changeover.example/last-seat"
seats: 1
price: 2000
currency: usd
---
A workshop of one.
"""


def raw_get(url, headers=None):
    """The status, headers and bytes of a GET without cookies (a link that travels alone)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=15) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def registrants(binary, site, slug):
    return nc.run([binary, "workshops", "registrants", slug, "--site", site]).stdout


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-workshops-e2e-")
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    port = nc.free_port()
    base = f"http://127.0.0.1:{port}"
    mw.BASE = base
    double = serve = None
    try:
        double, stripe, site = payments_demo(binary, root, base, smtp,
                                             "\n[workshops]\noffer_hours = 2\n")
        if not check("the Stripe double starts (../shared/data/stripe/fixtures3.json?)", stripe):
            return
        with open(os.path.join(site, "content", "workshops", "the-last-seat.md"), "w",
                  encoding="utf-8") as f:
            f.write(ONE_SEAT)
        nc.run([binary, "import", "--site", site])
        nc.run([binary, "members", "add", "pat@example.org", "--tier", "patron", "--site", site])
        env = dict(os.environ, STRIPE_SECRET_KEY="sk_test_e2e", STRIPE_WEBHOOK_SECRET=SECRET,
                   CINEPRESS_SCHEDULER_TICK="1")
        serve = Serve(binary, site, port, env)
        check("serve starts", serve.start())

        # The pages, served live: the workshop's facts and its form, never the joining link.
        ada = mw.Reader("ada")
        status, headers, page = ada.request(f"/workshops/{SLUG}/")
        check("the workshop's page is served with the Register form and no joining link",
              status == 200 and 'action="/workshops/register/"' in page and
              "meet.changeover.example" not in page, status)
        status, headers, ics = ada.request(f"/workshops/{SLUG}.ics")
        check("its public calendar file is text/calendar, without the joining link",
              status == 200 and headers.get("Content-Type", "").startswith("text/calendar") and
              ics.startswith("BEGIN:VCALENDAR") and "meet.changeover.example" not in ics,
              (status, headers.get("Content-Type")))
        status, _, listing = ada.request("/workshops/")
        check("/workshops/ lists it", status == 200 and f"/workshops/{SLUG}/" in listing, status)

        seats = re.search(r"(\d+) seats left", page)
        before = int(seats.group(1)) if seats else -1

        def seats_shown():
            found = re.search(r"(\d+) seats left", ada.request(f"/workshops/{SLUG}/")[2])
            return int(found.group(1)) if found else -1

        # A paid registration: Checkout at the workshop's own price, then the confirmation.
        status, headers, _ = ada.request("/workshops/register/", {
            "workshop": SLUG, "email": "ada@reader.example", "name": "Ada"})
        location = headers.get("Location", "")
        check("Register answers 303 to Stripe's page",
              status == 303 and location.startswith(stripe + "/checkout/cs_"), (status, location))
        p = [r for r in get_json(stripe + "/_double/requests")
             if r["path"] == "/v1/checkout/sessions"][-1]["params"]
        check("in payment mode at the workshop's price",
              p.get("mode") == "payment" and p.get("line_items[0][price_data][unit_amount]") ==
              "9000" and p.get("metadata[workshop]") == SLUG, p)
        check("the live page shows the seat taken (the store's change reassembles the site)",
              wait_until(lambda: seats_shown() == before - 1, timeout=10),
              (before, seats_shown()))
        paid_to = pay(location)
        check("paying returns to the workshop's page",
              paid_to.startswith(base + f"/workshops/{SLUG}/"), paid_to)
        msgs = wait_until(lambda: mail_to(smtp, "ada@reader.example"), timeout=20)
        body = text_of(msgs[0]) if msgs else ""
        check("the registrant gets one confirmation with the joining link",
              len(msgs) == 1 and "You are registered" in body and
              "https://meet.changeover.example/apartment-film" in body, body)
        ics = [p for m in msgs for p in m.walk() if p.get_content_type() == "text/calendar"]
        cal = icalendar.Calendar.from_ical(ics[0].get_payload(decode=True)) if ics else None
        events = cal.walk("VEVENT") if cal else []
        check("the confirmation has the registrant's calendar file attached, read by icalendar: "
              "one event per session, with the joining link",
              len(ics) == 1 and ics[0].get_filename() == f"{SLUG}.ics" and len(events) == 3 and
              all("meet.changeover.example/apartment-film" in str(e.get("DESCRIPTION", "")) +
                  str(e.get("LOCATION", "")) for e in events),
              [str(e.get("UID")) for e in events])
        check("registrants shows it paid", "paid  ada@reader.example" in registrants(
            binary, site, SLUG), registrants(binary, site, SLUG))

        # A patron registers free: no Stripe.
        pat = mw.Reader("pat")
        mw.sign_in(pat, smtp, "pat@example.org")
        sessions_before = len([r for r in get_json(stripe + "/_double/requests")
                               if r["path"] == "/v1/checkout/sessions"])
        status, _, page = pat.request("/workshops/register/", {
            "workshop": SLUG, "email": "pat@example.org"})
        check("a patron is registered at once", status == 200 and "You are registered" in page,
              (status, page[-800:]))
        check("without Stripe", sessions_before == len(
            [r for r in get_json(stripe + "/_double/requests")
             if r["path"] == "/v1/checkout/sessions"]))
        told = wait_until(lambda: [m for m in mail_to(smtp, "pat@example.org")
                                   if "You are registered" in text_of(m)], timeout=20)
        check("and confirmed by email", len(told) == 1)

        # The patron's materials in My Account, at signed links that are theirs alone.
        status, _, account = pat.request("/account/")
        links = re.findall(r'href="(/workshops/materials/[^"]+)"', account)
        check("My Account lists the workshop with its sessions (in the site's time zone), the "
              "joining link and the material at a signed link",
              status == 200 and "Your workshops" in account and
              "Writing the Apartment Film" in account and "(America/Toronto)" in account and
              "https://meet.changeover.example/apartment-film" in account and
              len(links) == 1 and links[0].endswith(f"/{SLUG}/reading-list.txt"),
              (status, links))
        material = base + (links[0] if links else "/workshops/materials/none/x/y")
        with open(os.path.join(site, "content", "workshops", SLUG, "reading-list.txt"),
                  "rb") as f:
            original = f.read()
        status, headers, data = raw_get(material)
        check("the material downloads byte-identical, private, as an attachment",
              status == 200 and data == original and
              "no-store" in headers.get("Cache-Control", "") and
              "attachment" in headers.get("Content-Disposition", ""), (status, len(data)))
        status, headers, data = raw_get(material, {"Range": "bytes=0-9"})
        check("a range of it is 206 with those bytes", status == 206 and data == original[:10],
              (status, data))
        token = material.split("/workshops/materials/")[1].split("/")[0]
        tampered = material.replace(token, token[:-1] + ("B" if token.endswith("A") else "A"))
        check("a tampered link is refused (403)", raw_get(tampered)[0] == 403)
        check("the link opens no other name (403)",
              raw_get(material.replace("reading-list.txt", "notes.txt"))[0] == 403)
        for guess in (f"/_workshops/{SLUG}/reading-list.txt", f"/media/_workshops/{SLUG}/"
                      "reading-list.txt"):
            status, _, data = raw_get(base + guess)
            check(f"the file is not at its store path {guess}",
                  status == 404 and data != original, status)

        # The last seat, two readers at once.
        results = {}

        def register(name):
            results[name] = mw.Reader(name).request("/workshops/register/", {
                "workshop": "the-last-seat", "email": f"{name}@reader.example"})
        threads = [threading.Thread(target=register, args=(n,)) for n in ("bo", "cy")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r[0] for r in results.values())
        check("one goes to Stripe, the other is told it is full", statuses == [303, 409],
              statuses)
        loser = next((n for n, r in results.items() if r[0] == 409), "bo")
        status, _, page = mw.Reader(loser).request("/workshops/waitlist/", {
            "workshop": "the-last-seat", "email": f"{loser}@reader.example"})
        check("the other joins the waitlist", status == 200 and "waitlist" in page, status)
        winner = next((r[1].get("Location", "") for r in results.values() if r[0] == 303), "")
        post_json(stripe + "/_double/expire", {"id": winner.rsplit("/", 1)[-1]})
        check("the winner's expired checkout ends",
              wait_until(lambda: "expired" in registrants(binary, site, "the-last-seat"),
                         timeout=10), registrants(binary, site, "the-last-seat"))
        offer = wait_until(lambda: [m for m in mail_to(smtp, f"{loser}@reader.example")
                                    if "for you" in (m["Subject"] or "")], timeout=20)
        check("the freed seat is offered to the waitlist by email", len(offer) == 1)
        held = re.search(r"holding it for you until (.+?)\.\n", text_of(offer[0])) if offer else None
        until = email.utils.parsedate_to_datetime(held.group(1)).timestamp() if held else 0
        sent = email.utils.parsedate_to_datetime(offer[0]["Date"]).timestamp() if offer else 0
        check("held for offer_hours (2) from the offer", until - sent == 2 * 3600,
              (held.group(1) if held else None, offer[0]["Date"] if offer else None))
        status, _, _ = mw.Reader("dee").request("/workshops/register/", {
            "workshop": "the-last-seat", "email": "dee@reader.example"})
        check("the offered seat is held: the next reader is refused", status == 409, status)
        mw.Reader("dee").request("/workshops/waitlist/", {
            "workshop": "the-last-seat", "email": "dee@reader.example"})
        serve.proc.terminate()
        serve.proc.wait()

        # Three hours later by the scheduler's clock (past offer_hours, short of the default
        # day): the offer lapses and passes on.
        later = str(int(sent or time.time()) + 3 * 3600)
        serve = Serve(binary, site, port, dict(env, CINEPRESS_SCHEDULER_NOW=later))
        check("serve starts again, its scheduler three hours later", serve.start())
        passed = wait_until(lambda: [m for m in mail_to(smtp, "dee@reader.example")
                                     if "for you" in (m["Subject"] or "")], timeout=20)
        link = re.search(r"\?offer=(\d+)", text_of(passed[0])) if passed else None
        check("the lapsed offer passes to the next in line", link is not None)
        status, headers, _ = mw.Reader("dee").request("/workshops/register/", {
            "workshop": "the-last-seat", "email": "dee@reader.example",
            "offer": link.group(1) if link else ""})
        check("who takes the seat with it", status == 303, status)
        status, _, _ = mw.Reader("bo2").request("/workshops/register/", {
            "workshop": "the-last-seat", "email": "x@reader.example", "offer": "1"})
        check("nobody else can use an offer", status == 400, status)
        serve.proc.terminate()
        serve.proc.wait()

        # The day before the first session (2031-05-06 19:00 in Toronto): one reminder each.
        serve = Serve(binary, site, port, dict(env, CINEPRESS_SCHEDULER_NOW="2031-05-06T00:00:00Z"))
        check("serve starts again, its scheduler the day before", serve.start())

        def reminders(email):
            return [m for m in mail_to(smtp, email) if "Reminder" in (m["Subject"] or "")]
        got = wait_until(lambda: reminders("ada@reader.example") and reminders("pat@example.org"),
                         timeout=20)
        check("each registrant is reminded a day before", got and "tomorrow" in
              (reminders("ada@reader.example")[0]["Subject"] or ""))
        check("with the joining link", got and "https://meet.changeover.example/apartment-film"
              in text_of(reminders("ada@reader.example")[0]))
        time.sleep(3)  # several ticks of the scheduler
        check("once", len(reminders("ada@reader.example")) == 1 and
              len(reminders("pat@example.org")) == 1)

        # Cancelled: the payment refunded through Stripe, both registrants told.
        out = nc.run([binary, "workshops", "cancel", SLUG, "--site", site], env=env).stdout
        check("cancel refunds the paid registration", "2 registrations cancelled, 1 refunded"
              in out, out)
        cancelled = wait_until(lambda: [m for m in mail_to(smtp, "ada@reader.example")
                                        if "cancelled" in (m["Subject"] or "")], timeout=20)
        check("the paid registrant is told of the refund",
              len(cancelled) == 1 and "refunded" in text_of(cancelled[0]))
        check("the patron is told too", wait_until(
            lambda: [m for m in mail_to(smtp, "pat@example.org")
                     if "cancelled" in (m["Subject"] or "")], timeout=20))
        check("registrants shows the refund",
              "refunded  ada@reader.example" in registrants(binary, site, SLUG))
        check("the material's link is gone (410) once the registration is cancelled",
              raw_get(material)[0] == 410)
        status, _, account = pat.request("/account/")
        check("My Account says the registration was cancelled, without the joining link or the "
              "materials", status == 200 and "This registration was cancelled" in account and
              "/workshops/materials/" not in account and
              "meet.changeover.example" not in account, status)
        status, _, page = mw.Reader("fay").request("/workshops/register/", {
            "workshop": SLUG, "email": "fay@reader.example"})
        check("a cancelled workshop takes no registration",
              status == 400 and "cancelled" in page, status)
        status, _, _ = mw.Reader("eve").request(
            "/workshops/register/", {"workshop": "the-last-seat", "email": "eve@reader.example"},
            headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
        check("a form from another site is refused", status == 403, status)
    finally:
        check.finish(root, serve.proc if serve else None, double, smtp)


if __name__ == "__main__":
    main()
