#!/usr/bin/env python3
"""End-to-end: a demo magazine moved to PostgreSQL and served from there.

    /usr/bin/python3 tests/e2e/store_pg_e2e.py BINARY URL_FILE

Makes the demo magazine (`BINARY demo`, SQLite), copies it into a schema of its own in the test
PostgreSQL (`BINARY store copy`; a second copy must write nothing), points cinepress.toml's
[store] url at it, moves the SQLite file away, and serves the site with `BINARY serve`: an
article page and a search must come from PostgreSQL. The PostgreSQL URL is read from URL_FILE
(written by CTest's fixture `postgresql`) or CINEPRESS_TEST_PG_URL. Without PostgreSQL it fails
under CI=true and skips (exit 77) elsewhere.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pg_common import PgScript  # noqa: E402

TIMEOUT = 30


SCRIPT = PgScript("store_pg_e2e")
fail, run, server_url = SCRIPT.fail, SCRIPT.run, SCRIPT.server_url


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def get(url):
    with urllib.request.urlopen(url, timeout=TIMEOUT) as r:
        return r.status, r.read().decode("utf-8", "replace")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    binary, url_file = os.path.realpath(sys.argv[1]), sys.argv[2]
    base = server_url(url_file)
    schema = f"e2e_copy_{os.getpid()}"
    url = SCRIPT.fresh_schema(base, schema)
    tmp = tempfile.mkdtemp(prefix="cinepress-store-pg-e2e.")
    server = None
    try:
        site = os.path.join(tmp, "site")
        run(binary, "demo", site)
        db = os.path.join(site, "cinepress.db")
        out = run(binary, "store", "copy", "--from", db, "--to", url)
        if "copied" not in out or "verified" not in out:
            fail(f"the first copy did not copy and verify:\n{out}")
        out = run(binary, "store", "copy", "--from", db, "--to", url)
        if "already the same" not in out:
            fail(f"a second copy wrote something:\n{out}")

        # From now on the site has only PostgreSQL.
        with open(os.path.join(site, "cinepress.toml"), "a") as f:
            f.write(f'\n[store]\nurl = "{url}"\n')
        os.rename(db, os.path.join(tmp, "moved-away.db"))

        server = subprocess.Popen(
            [binary, "serve", "--site", site, "--listen", f"127.0.0.1:{free_port()}", "--threads",
             "1", "--access-log", "off"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + TIMEOUT
        address = None
        for line in server.stdout:
            m = re.search(r"serve: listening on (http://\S+)", line)
            if m:
                address = m.group(1).rstrip("/")
                break
            if time.monotonic() > deadline:
                break
        if not address:
            fail("`cinepress serve` did not say where it listens")

        status, page = get(address + "/reviews/after-dinner/")
        if status != 200 or "After Dinner" not in page:
            fail(f"/reviews/after-dinner/ answered {status} without its title")
        status, page = get(address + "/search/?q=anzures")
        if status != 200 or "After Dinner" not in page:
            fail(f"/search/?q=anzures answered {status} without the review")
        # The copy's index was made again with the podcast episodes (issue #16): a transcript's
        # words find the episode, named by its show and number, and the Podcasts kind holds it.
        status, page = get(address + "/search/?q=lock+keeper&kind=podcasts")
        if (status != 200 or '<a href="/podcasts/close-up/low-water/">' not in page
                or "Changeover Close-Up · Season 1, Episode 1" not in page
                or page.count('class="search-hit__title"><a href="/podcasts/') != page.count(
                    'class="search-hit__title">')):
            fail(f"/search/?q=lock+keeper&kind=podcasts answered {status} without the episode alone")
        if os.path.exists(db):
            fail("serving made a SQLite file: it did not use PostgreSQL")
        print("store_pg_e2e: copied to PostgreSQL twice (the second wrote nothing), served a page "
              "and searches (an article, an episode) from it; all checks passed")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                server.kill()
        subprocess.run(["psql", base, "-qAt", "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
