#!/usr/bin/python3
"""A full disk during import, build and serve: a clear error, nothing half-written, and the server
keeps serving what it has.

    /usr/bin/python3 tests/e2e/full_disk_test.py BINARY

The site lives on a small tmpfs mounted for the test (`mount -t tmpfs -o size=64m`; needs root or
CAP_SYS_ADMIN). A ballast file then fills it to a few hundred KiB from full before each command.
Where mounting is not permitted the test prints why and exits 77 (ctest: skipped).

- import of a folder with a 2 MiB file: exits non-zero, says the disk is full and names the store;
  the store holds exactly what it held (every row of every table), and passes integrity_check;
- build: exits non-zero, names what it could not write; public/ is the old site file for file,
  and no unfinished build folder is left to keep the disk full;
- serve, started before the disk filled: pages, feeds and search still answer 200; a sign-up
  (a write) is refused with an error page, and the server answers after it as before.
Prints `full_disk_test: N passed, N failed`.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402
from site_state import open_store, store_problems, store_rows, tree  # noqa: E402

SKIP = 77
check = nc.Checks("full_disk_test")


def dump(db):
    con = open_store(db)
    try:
        return store_rows(con), store_problems(con)
    finally:
        con.close()


def fill(mount, leave_kib):
    """Grows the ballast file until only `leave_kib` KiB are free on the mount."""
    ballast = os.path.join(mount, "ballast")
    st = os.statvfs(mount)
    free = st.f_bavail * st.f_frsize
    want = max(0, free - leave_kib * 1024)
    # Unbuffered, so that the write that finds the disk full fails here and not at close.
    with open(ballast, "ab", buffering=0) as f:
        chunk = b"\0" * (1 << 20)
        while want > 0:
            try:
                n = f.write(chunk[:min(want, len(chunk))])
            except OSError:
                break
            if not n:
                break
            want -= n


def empty(mount):
    if os.path.exists(os.path.join(mount, "ballast")):
        os.remove(os.path.join(mount, "ballast"))


def get(url, data=None):
    try:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data else None
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError as e:
        return 0, str(e).encode()


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-full-disk-")
    mount = os.path.join(root, "disk")
    os.makedirs(mount)
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount],
                       capture_output=True, text=True)
    if m.returncode != 0:
        print(f"full_disk_test: SKIPPED: cannot mount a tmpfs here ({m.stderr.strip()}); "
              "run as root, or where mounting is permitted")
        shutil.rmtree(root, ignore_errors=True)
        sys.exit(SKIP)
    server = None
    try:
        site = os.path.join(mount, "site")
        nc.run([binary, "demo", site], timeout=300)
        nc.run([binary, "build", "--site", site], timeout=300)
        db = os.path.join(site, "cinepress.db")
        public = os.path.join(site, "public")
        old_public = tree(public)

        # The content to import: the demo's, plus a new review and a file too big to fit.
        folder = os.path.join(root, "content-folder")
        for part in ("content", "data", "static"):
            shutil.copytree(os.path.join(site, part), os.path.join(folder, part))
        with open(os.path.join(folder, "content", "reviews", "full-disk.md"), "w") as f:
            f.write('---\ntitle: "Written On A Full Disk"\ndate: 2026-01-03\nauthors: []\n---\n\n'
                    '![A still](/images/big.png)\n')
        with open(os.path.join(folder, "static", "images", "big.png"), "wb") as f:
            f.write(os.urandom(2 << 20))

        # --- import ---------------------------------------------------------------------------
        before, problems = dump(db)
        fill(mount, 300)
        p = nc.run([binary, "import", folder, "--site", site], check=False)
        said = p.stdout + p.stderr
        check("import on a full disk fails", p.returncode != 0, said[-300:])
        print("     import said: " + said.strip().splitlines()[-1][:300])
        check("import says the disk is full and names what it was writing",
              ("full" in said.lower() or "no space" in said.lower()) and "big.png" in said,
              said[-400:])
        after, problems = dump(db)
        check("the store holds what it held", after == before)
        check("the store passes integrity_check", not problems, problems[:3])

        # --- build ----------------------------------------------------------------------------
        empty(mount)
        # A change the next build must write (pages, lists, feeds) …
        with open(os.path.join(folder, "static", "images", "big.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n")
        nc.run([binary, "import", folder, "--site", site])
        # … and then no room to write it.
        fill(mount, 200)
        p = nc.run([binary, "build", "--site", site], check=False, timeout=300)
        said = p.stdout + p.stderr
        check("build on a full disk fails", p.returncode != 0, said[-300:])
        print("     build said: " + said.strip().splitlines()[-1][:300])
        check("build says what it could not write",
              "space" in said.lower() or "full" in said.lower() or "cannot write" in said.lower(),
              said[-400:])
        check("public/ is the old site, file for file", tree(public) == old_public)
        leftovers = [n for n in os.listdir(site) if n.startswith(".public.building")]
        check("no unfinished build folder is left", not leftovers, leftovers)

        # --- serve ----------------------------------------------------------------------------
        empty(mount)
        port = nc.free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([binary, "serve", "--site", site, "--listen",
                                   f"127.0.0.1:{port}", "--threads", "1", "--no-pin",
                                   "--access-log", os.path.join(site, "access.log")],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        check("serve starts", "listening" in line, line)
        status, _ = get(base + "/")
        check("the home page before the disk fills", status == 200, status)
        fill(mount, 0)
        pages = ["/", "/reviews/", "/feed.xml", "/search/?q=film", "/sitemap.xml"]
        answers = {p: get(base + p)[0] for p in pages}
        check("pages, feeds and search answer 200 on a full disk",
              all(s == 200 for s in answers.values()), answers)
        status, body = get(base + "/newsletters/subscribe/",
                           {"email": "full@example.org", "list": "weekly", "website": ""})
        print(f"     a sign-up on the full disk: {status}")
        check("a sign-up on a full disk is answered, not a crash",
              status != 0, (status, body[:200]))
        time.sleep(0.3)
        check("serve is still running", server.poll() is None,
              server.stderr.read() if server.poll() is not None else "")
        answers = {p: get(base + p)[0] for p in pages}
        check("and still answers afterwards", all(s == 200 for s in answers.values()), answers)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        if server and server.poll() is None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        empty(mount)
        subprocess.run(["umount", "-l", mount], capture_output=True)
        check.finish(root)


if __name__ == "__main__":
    main()
