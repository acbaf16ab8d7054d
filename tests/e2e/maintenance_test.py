#!/usr/bin/python3
"""`cinepress backup`, `restore` and `check` through the real binary, with `serve` running.

    /usr/bin/python3 tests/e2e/maintenance_test.py BINARY

- backup while serve runs and an import writes: the copy is one sound SQLite file with every
  article of a committed state;
- restore: refuses a file that is not a cinepress store (the store untouched), puts a backup in
  place while serve runs (serve follows: an article added after the backup is gone), and keeps
  the replaced store beside it;
- check: 0 on a clean store; 1 with `missing media`, `unused media` and `collection entry` lines; 1 with `store:`
  lines on a damaged store; 1 (and why) when there is no store.
Prints `maintenance_test: N passed, N failed`.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

check = nc.Checks("maintenance_test")


def articles(db):
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-maint-")
    server = None
    try:
        site = os.path.join(root, "site")
        nc.run([binary, "demo", site], timeout=300)
        db = os.path.join(site, "cinepress.db")
        before = articles(db)
        port = nc.free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([binary, "serve", "--site", site, "--listen",
                                   f"127.0.0.1:{port}", "--threads", "1", "--no-pin",
                                   "--access-log", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        check("serve starts", "listening" in server.stdout.readline())

        # check on the demo: clean.
        p = nc.run([binary, "check", "--site", site], check=False)
        check("check: the demo is clean (exit 0)", p.returncode == 0, p.stdout + p.stderr)

        # A backup of the state before the import, for the restore below.
        older = os.path.join(root, "older.db")
        nc.run([binary, "backup", older, "--site", site])
        # backup while serve runs and an import writes a new article.
        folder = os.path.join(root, "more")
        shutil.copytree(os.path.join(site, "content"), os.path.join(folder, "content"))
        shutil.copytree(os.path.join(site, "data"), os.path.join(folder, "data"))
        shutil.copytree(os.path.join(site, "static"), os.path.join(folder, "static"))
        with open(os.path.join(folder, "content", "reviews", "after-the-backup.md"), "w") as f:
            f.write('---\ntitle: "After The Backup"\ndate: 2026-01-04\nauthors: []\n---\n\nNew.\n')
        importer = subprocess.Popen([binary, "import", folder, "--site", site],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        backup = os.path.join(root, "monday.db")
        p = nc.run([binary, "backup", backup, "--site", site])
        check("backup says where it wrote", backup in p.stdout, p.stdout)
        importer.communicate(timeout=300)
        check("the import beside it finished", importer.returncode == 0)
        n = articles(backup)
        check(f"the backup is a sound store with a committed state ({n} articles)",
              n in (before, before + 1))
        check("the backup is one file", not os.path.exists(backup + "-wal"))
        p = nc.run([binary, "backup", backup, "--site", site])  # replaced whole
        check("a second backup replaces the first", articles(backup) == before + 1)
        after = articles(db)
        check("the import added one article", after == before + 1, (before, after))
        url = base + "/reviews/after-the-backup/"
        deadline = time.monotonic() + 5
        while status_of(url) != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        check("serve shows the new article", status_of(url) == 200)

        # restore: refuses what is not a store.
        bogus = os.path.join(root, "notes.db")
        with open(bogus, "w") as f:
            f.write("not a database\n")
        p = nc.run([binary, "restore", bogus, "--site", site], check=False)
        check("restore refuses a file that is not a store",
              p.returncode != 0 and "not a cinepress store" in p.stderr, p.stderr)
        check("and the store is untouched", articles(db) == after)
        asides = [n for n in os.listdir(site) if n.startswith("cinepress.db.before-restore")]
        check("and keeps nothing aside", not asides, asides)

        # restore an older backup while serve runs.
        p = nc.run([binary, "restore", older, "--site", site], check=False)
        check("restore succeeds", p.returncode == 0, p.stdout + p.stderr)
        m = re.search(r"the store it replaced is (\S+)", p.stdout)
        check("restore names the store it kept aside", m and os.path.exists(m.group(1)), p.stdout)
        if m:
            check("the kept store is the one replaced", articles(m.group(1)) == after)
        check("the store is the backup's", articles(db) == before)
        deadline = time.monotonic() + 5
        while status_of(url) != 404 and time.monotonic() < deadline:
            time.sleep(0.2)
        check("serve follows the restore (the later article is gone)", status_of(url) == 404)
        check("serve still serves the rest", status_of(base + "/") == 200)

        # check: missing and unused media, then a damaged store, then no store.
        con = sqlite3.connect(db)
        lead = con.execute("SELECT path FROM media WHERE path LIKE 'images/%' ORDER BY path "
                           "LIMIT 1").fetchone()[0]
        con.execute("DELETE FROM media WHERE path = ?", (lead,))
        h = con.execute("SELECT hash FROM media_blobs LIMIT 1").fetchone()[0]
        con.execute("INSERT INTO media (path, hash, size) VALUES ('images/orphan.png', ?, 1)", (h,))
        con.commit()
        con.close()
        p = nc.run([binary, "check", "--site", site], check=False)
        check("check: exit 1 when media are missing or unused", p.returncode == 1, p.stdout)
        check("check names the missing file", f"missing media: " in p.stdout and lead in p.stdout,
              p.stdout)
        check("check names the unused file", "unused media: /images/orphan.png" in p.stdout,
              p.stdout)
        # A collection's entry that names nothing on the site (a typo here) is left out of its
        # page by the build; check names it.
        films = os.path.join(site, "content", "collections", "films-we-love.md")
        text = open(films, encoding="utf-8").read()
        with open(films, "w", encoding="utf-8") as f:
            f.write(text.replace("items:\n", 'items:\n  - "/reviews/no-such-review/"\n', 1))
        nc.run([binary, "import", "--site", site])
        p = nc.run([binary, "check", "--site", site], check=False)
        check("check names a collection entry that is not on the site",
              p.returncode == 1 and 'collection entry: content/collections/films-we-love.md lists '
              '"/reviews/no-such-review/", which is not on the site' in p.stdout, p.stdout)
        check("and no other collection entry", p.stdout.count("collection entry: ") == 1, p.stdout)
        server.terminate()
        server.wait(10)
        damaged = os.path.join(root, "damaged")
        shutil.copytree(site, damaged, ignore=shutil.ignore_patterns("public"))
        con = sqlite3.connect(os.path.join(damaged, "cinepress.db"))
        con.execute("PRAGMA writable_schema=ON")
        con.execute("UPDATE sqlite_master SET sql = replace(sql, 'articles (date)', "
                    "'articles (title)') WHERE name = 'articles_date'")
        con.commit()
        con.close()
        p = nc.run([binary, "check", "--site", damaged], check=False)
        check("check: exit 1 and store: lines on a damaged store",
              p.returncode == 1 and "store: " in p.stdout, p.stdout + p.stderr)
        os.remove(os.path.join(damaged, "cinepress.db"))
        p = nc.run([binary, "check", "--site", damaged], check=False)
        check("check: exit 1 when there is no store, saying so", p.returncode == 1 and p.stderr,
              p.stdout + p.stderr)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        check.finish(root, server)


if __name__ == "__main__":
    main()
