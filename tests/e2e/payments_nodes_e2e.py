#!/usr/bin/python3
"""Paid memberships on two `cinepress serve` nodes over one PostgreSQL: Stripe's webhook reaches
node A, the reader reads on node B — and B sees the tier as soon as A commits it (the members'
change notification), with no restart and no request to A.

    /usr/bin/python3 tests/e2e/payments_nodes_e2e.py BINARY PG_URL_FILE

Prints `payments_nodes_e2e: N passed, N failed`; exits 77 (skipped) without a test PostgreSQL.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import members_web_test as mw  # noqa: E402
import newsletter_common as nc  # noqa: E402
import payments_e2e as pe  # noqa: E402
from pg_common import PgScript  # noqa: E402

SCRIPT = PgScript("payments_nodes_e2e")
check = nc.Checks("payments_nodes_e2e")


def main():
    binary, url_file = os.path.realpath(sys.argv[1]), sys.argv[2]
    base_pg = SCRIPT.server_url(url_file)
    url = SCRIPT.fresh_schema(base_pg, f"e2e_payments_{os.getpid()}")
    root = tempfile.mkdtemp(prefix="cinepress-payments-nodes-")
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    ports = [nc.free_port(), nc.free_port()]
    node_a, node_b = f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"
    double = None
    nodes = []
    try:
        port_file = os.path.join(root, "double-port")
        double = subprocess.Popen([sys.executable, pe.DOUBLE, "--webhook",
                                   node_a + "/payments/stripe/webhook", "--secret", pe.SECRET,
                                   "--port-file", port_file], stdout=subprocess.DEVNULL)
        if not pe.wait_until(lambda: os.path.exists(port_file)):
            check("the Stripe double starts", False)
            return
        stripe = "http://127.0.0.1:" + open(port_file).read()
        site_a, site_b = os.path.join(root, "a"), os.path.join(root, "b")
        nc.run([binary, "demo", site_a], timeout=300)
        mw.write_articles(site_a)
        nc.run([binary, "import", site_a, "--site", site_a])
        db = os.path.join(site_a, "cinepress.db")
        nc.run([binary, "store", "copy", "--from", db, "--to", url])
        os.rename(db, os.path.join(root, "moved-away.db"))
        shutil.copytree(site_a, site_b)
        for site, public in ((site_a, node_a), (site_b, node_b)):
            nc.point_demo(site, public, smtp.port,
                          f'\n[payments]\nprovider = "stripe"\napi_base = "{stripe}"\n'
                          f'\n[store]\nurl = "{url}"\n')
        env = dict(os.environ, STRIPE_SECRET_KEY="sk_test_nodes", STRIPE_WEBHOOK_SECRET=pe.SECRET)
        nc.run([binary, "payments", "sync", "--site", site_a], env=env)
        for site, port in ((site_a, ports[0]), (site_b, ports[1])):
            node = pe.Serve(binary, site, port, env)
            nodes.append(node)
            check(f"node on {port} starts", node.start())

        # The reader signs in on node B and pays from there; Stripe's events go to node A.
        mw.BASE = node_b
        reader = mw.Reader("b")
        nc.run([binary, "members", "add", "nodes@reader.example", "--site", site_b])
        _, status, _ = mw.sign_in(reader, smtp, "nodes@reader.example")
        _, _, page = reader.request("/reviews/locked-paid/")
        check("signed in on node B, the paid article is locked", mw.SECRETS["paid"] not in page)
        _, headers, _ = reader.request("/membership/checkout/", {"tier": "supporter",
                                                                 "interval": "year"})
        checkout = headers.get("Location", "")
        check("node B starts the checkout", checkout.startswith(stripe + "/checkout/"), checkout)
        pe._quiet_pay(checkout)
        events = pe.get_json(stripe + "/_double/events")
        check("node A accepted the events", events and all(e["deliveries"] == [200] for e in events),
              [e["deliveries"] for e in events])
        opened = pe.wait_until(
            lambda: mw.SECRETS["paid"] in reader.request("/reviews/locked-paid/")[2], timeout=10)
        check("node B opens the paid article once node A has committed the event", opened)
        with urllib.request.urlopen(node_b + "/metrics", timeout=10) as r:
            metrics = r.read().decode()
        check("node B's /metrics counts the paying member",
              'cinepress_paying_members{tier="supporter"} 1' in metrics, metrics[-600:])
    finally:
        check.finish(root, *[n.proc for n in nodes], double, smtp)


if __name__ == "__main__":
    main()
