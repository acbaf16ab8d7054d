#!/usr/bin/python3
"""A confirmation message that cannot reach the mail relay, end to end: the real `cinepress
serve` with [smtp] pointing at a port where nothing listens.

    /usr/bin/python3 tests/e2e/newsletter_outbox_test.py BINARY

A reader signs up; serve must say on its standard error that the message could not be sent and
why, count the failed try on /metrics, and `cinepress newsletter status` must show the message
waiting in the outbox with its last error. Prints `newsletter_outbox_test: N passed, N failed`.
"""

import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

check = nc.Checks("newsletter_outbox_test")


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-outbox-")
    port = nc.free_port()
    base = f"http://127.0.0.1:{port}"
    relay_port = nc.free_port()  # nothing listens there
    server = None
    try:
        site = nc.make_site(binary, root, relay_port, base_url=base)
        server = subprocess.Popen([binary, "serve", "--site", site, "--listen", f"127.0.0.1:{port}",
                                   "--threads", "2", "--access-log", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        check("serve starts", "listening" in line, line)
        errors = queue.Queue()
        threading.Thread(target=lambda: [errors.put(l) for l in server.stderr], daemon=True).start()

        body = urllib.parse.urlencode({"email": "zoe@example.org", "list": "weekly",
                                       "website": ""}).encode()
        req = urllib.request.Request(base + "/newsletters/subscribe/", data=body, method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            check("the sign-up is taken", r.status == 200, r.status)

        said = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "could not be sent" not in said:
            try:
                said += errors.get(timeout=1)
            except queue.Empty:
                pass
        check("serve says the message could not be sent, to whom and why",
              "outbox: the message to zoe@example.org" in said and "could not be sent, try 1:" in said
              and "next try in" in said, said)

        with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
            metrics = r.read().decode()
        check("/metrics counts the failed try",
              "cinepress_mail_outbox_send_errors_total 1\n" in metrics
              and "cinepress_mail_outbox_sent_total 0\n" in metrics, metrics[-600:])

        p = nc.run([binary, "newsletter", "status", "--site", site])
        check("newsletter status shows the outbox",
              "outbox: 1 waiting, 0 failed" in p.stdout, p.stdout)
        waiting = [l for l in p.stdout.splitlines() if l.strip().startswith("waiting")]
        check("the waiting message: to whom, how many tries, and its last error",
              len(waiting) == 1 and "zoe@example.org" in waiting[0] and "1 try" in waiting[0]
              and ": Failed to connect to 127.0.0.1" in waiting[0], p.stdout)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    check.finish(root, server)


if __name__ == "__main__":
    main()
