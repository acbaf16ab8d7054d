"""What the tests of a PostgreSQL going away under a running `cinepress serve` share
(pg_restart_e2e, pg_failover_e2e): the node on the demo magazine copied into PostgreSQL, the
checks while the store is away, and those once it is back."""
import os
import re
import time

import newsletter_common as nc
from node_common import Node, answers, demo_in_postgres, request, sign_in
from pg_common import wait_until

BACK = 30  # seconds the node may take to serve normally again
REVIEW = "/reviews/after-dinner/"  # the page served throughout (from the cache while away)


class Served:
    """The demo magazine copied into PostgreSQL at `copy_to` and served by one node whose
    [store] url is `url` (`env`: the node's environment), with a real SMTP server for its
    messages. `unasked`: the other reviews, for pages never asked for."""

    def __init__(self, script, binary, tmp, copy_to, url, env):
        self.binary = binary
        self.smtp = nc.SmtpRecorder(os.path.join(tmp, "mail"))
        port = nc.free_port()
        self.site = os.path.join(tmp, "site")
        text = demo_in_postgres(script.run, binary, self.site, copy_to,
                                f"http://127.0.0.1:{port}", self.smtp.port,
                                os.path.join(tmp, "moved-away.db"))
        with open(os.path.join(self.site, "cinepress.toml"), "w", encoding="utf-8") as f:
            f.write(text + f'\n[store]\nurl = "{url}"\n')
        self.node = Node(binary, self.site, port, env)
        if not wait_until(lambda: self.node.said("serve: listening on"), 60, 0.1):
            script.fail("the node did not say where it listens:\n" + "\n".join(self.node.lines))
        _, _, sitemap = answers(self.node, "/sitemap.xml")
        reviews = [re.sub(r"^https?://[^/]+", "", u) for u in
                   re.findall(r"<loc>([^<]+/reviews/[^<]+/)</loc>", sitemap)]
        self.unasked = [p for p in reviews if p != REVIEW]

    def check_before(self, check, cookies):
        """A page and a reader's sign-in (its session cookie in `cookies`)."""
        node = self.node
        check("before: /healthz is 200", answers(node, "/healthz")[0] == 200)
        check("before: a review is served", answers(node, REVIEW)[0] == 200)
        problem = sign_in(node, self.smtp, "before@example.org", cookies)
        check("before: a reader signs in", problem == "", problem)
        check("before: the reader's account", answers(node, "/account/", cookies)[0] == 200)

    def check_away(self, check, label):
        """While no store answers: 503 with Retry-After but for the pages cached; no crash."""
        node = self.node
        check(f"{label}: /healthz answers 503",
              wait_until(lambda: answers(node, "/healthz")[0] == 503, 10, 0.1),
              answers(node, "/healthz")[:2])
        status, retry, _ = answers(node, self.unasked[0])
        check(f"{label}: a page never asked for answers 503 with Retry-After",
              status == 503 and retry, (status, retry))
        check(f"{label}: a page served before is still served (the cache)",
              answers(node, REVIEW)[0] == 200)
        browser = {}
        _, _, page = answers(node, "/account/sign-in/", browser)
        status, headers, _ = request(node.address + "/account/sign-in/",
                                     {"email": "during@example.org",
                                      "csrf": nc.form_fields(page).get("csrf", ""),
                                      "website": ""}, browser, node.address)
        check(f"{label}: a sign-in answers 503 with Retry-After",
              status == 503 and headers and headers.get("Retry-After"), status)
        time.sleep(1.5)  # the scheduler and the change waits meet the missing store too
        check(f"{label}: the node is still running", node.proc.poll() is None, node.lines[-5:])

    def check_back(self, check, script, label, cookies, what):
        """Once a store answers again (`what` it was, for the time printed): everything works
        without restarting the node, the session in `cookies` too, and an import reaches the
        page (the change waits listen again)."""
        node = self.node
        started = time.monotonic()
        healthy = wait_until(lambda: answers(node, "/healthz")[0] == 200, BACK, 0.1)
        check(f"{label}: /healthz is 200 again within {BACK} s", healthy)
        if healthy:
            print(f"{script.name}: healthy again {time.monotonic() - started:.2f} s after {what}")
        check(f"{label}: a page never asked for is served",
              wait_until(lambda: answers(node, self.unasked[-1])[0] == 200, BACK, 0.1))
        check(f"{label}: the account of the reader signed in before",
              wait_until(lambda: answers(node, "/account/", cookies)[0] == 200, BACK, 0.1))
        problem = "not tried"
        deadline = time.monotonic() + BACK
        while problem and time.monotonic() < deadline:
            problem = sign_in(node, self.smtp, "after@example.org", {})
        check(f"{label}: a reader signs in", problem == "", problem)
        path = os.path.join(self.site, "content", "reviews", "after-dinner.md")
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"\nA sentence imported after {what}.\n")
        script.run(self.binary, "import", "--site", self.site)
        check(f"{label}: an import reaches the page (the live site listens again)",
              wait_until(lambda: f"imported after {what}" in answers(node, REVIEW)[2], BACK))
