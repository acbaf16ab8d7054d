#!/usr/bin/python3
"""The crash test: SIGKILL at random moments during an import, a WordPress import, a build and a
newsletter send, and after each kill the site is whole.

    /usr/bin/python3 tests/e2e/kill_test.py BINARY [--trials N] [--seed S]

N trials in all (default 100: what CI runs, about 2 minutes on 2 cores; run with --trials 400 or
more by hand), shared between the five phases. Each trial starts the command, kills it with
SIGKILL after a random part of the time it takes whole (measured first), and then checks:

- the store passes `PRAGMA integrity_check` and `foreign_key_check` (read with Python's sqlite3:
  SQLite 3.40 checks the full-text tables' own b-trees without needing our tokenizer), and
  `cinepress check` finds the store sound;
- an import is there whole or not at all: the store holds as many articles as before the import
  or as many as a finished import leaves, nothing between;
- `public/` is the old site or the new one, file for file (compared with both trees, made first),
  and the next build removes the folders killed builds left;
- a newsletter send killed again and again still reaches every reader once it finishes;
- the store's other writers — `members import` and `subscribers import` of large files — leave
  every row of a file or none of them.

The WordPress export is the shared one (../shared/data/wordpress/, or $CINEPRESS_SHARED/data/…).
Prints `kill_test: N passed, N failed`; keeps its temporary folder when something failed.
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import newsletter_common as nc  # noqa: E402
from site_state import open_store, store_problems, tree  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("CINEPRESS_SHARED", os.path.join(os.path.dirname(REPO), "shared"))
EXPORT = os.path.join(SHARED, "data", "wordpress", "themeunittestdata.wordpress.xml")

check = nc.Checks("kill_test")


def db_files(db):
    return [db, db + "-wal", db + "-shm"]


def save_store(db, to):
    """A copy of the store as the files on disk are (no process has it open)."""
    os.makedirs(to, exist_ok=True)
    for f in db_files(db):
        if os.path.exists(f):
            shutil.copy2(f, os.path.join(to, os.path.basename(f)))


def put_store(saved, db):
    for f in db_files(db):
        if os.path.exists(f):
            os.remove(f)
        src = os.path.join(saved, os.path.basename(f))
        if os.path.exists(src):
            shutil.copy2(src, f)


def store_state(db):
    """(problems, number of articles) of the store as a new process finds it after a crash."""
    con = open_store(db)
    try:
        return store_problems(con), con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()


def timed(args):
    start = time.monotonic()
    nc.run(args, timeout=600)
    return time.monotonic() - start


def kill_during(args, seconds, rng):
    """Starts `args`, kills it after a random moment of its `seconds`; True when it was killed
    (False: it finished first)."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # A little past the whole run too, so that kills also land around the commit at its end.
    time.sleep(rng.uniform(0.0, seconds * 1.5))
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


def program_check(binary, site):
    """`cinepress check`: 0 or 1 (media problems are the content's, not the crash's) and no
    `store:` line."""
    p = nc.run([binary, "check", "--site", site], check=False)
    return p.returncode in (0, 1) and "store:" not in p.stdout, p.stdout + p.stderr


def import_phase(name, binary, site, command, trials, rng):
    """Kills `command` (an import into `site`) `trials` times, each from the same store."""
    db = os.path.join(site, "cinepress.db")
    saved = os.path.join(os.path.dirname(site), name + "-store-before")
    save_store(db, saved)
    before = store_state(db)[1]
    seconds = timed(command)
    after = store_state(db)[1]
    check(f"{name}: a whole import adds articles ({before} -> {after}, {seconds:.1f} s)",
          after > before)
    bad, kills, counts = [], 0, set()
    for _ in range(trials):
        put_store(saved, db)
        kills += kill_during(command, seconds, rng)
        problems, count = store_state(db)
        counts.add(count)
        if problems:
            bad.append(f"integrity: {problems[:3]}")
        if count not in (before, after):
            bad.append(f"{count} articles: neither {before} nor {after}")
        ok, out = program_check(binary, site)
        if not ok:
            bad.append("cinepress check: " + out[-300:])
    check(f"{name}: {trials} trials ({kills} killed mid-run): store sound, articles all or none "
          f"(seen: {sorted(counts)})", not bad, "; ".join(bad[:3]))
    nc.run(command, timeout=600)  # the import whole, for what comes next
    return kills


# What a build keeps in the site folder: public/ (a link to one of its two folders) and the two.
BUILD_STATE = ("public", ".public.a", ".public.b")


def save_build_state(site, to):
    os.makedirs(to)
    for name in BUILD_STATE:
        path = os.path.join(site, name)
        if os.path.islink(path):
            os.symlink(os.readlink(path), os.path.join(to, name))
        elif os.path.isdir(path):
            shutil.copytree(path, os.path.join(to, name), symlinks=True)


def put_build_state(saved, site):
    for name in BUILD_STATE:
        path = os.path.join(site, name)
        if os.path.islink(path):
            os.remove(path)
        elif os.path.isdir(path):
            shutil.rmtree(path)
        src = os.path.join(saved, name)
        if os.path.islink(src):
            os.symlink(os.readlink(src), path)
        elif os.path.isdir(src):
            shutil.copytree(src, path, symlinks=True)


def build_phase(binary, site, content, trials, rng):
    """public/ holds tree A (and the folder beside it the build before); the store is changed so
    that a build makes tree B; each trial puts that state back and kills a build."""
    public = os.path.join(site, "public")
    nc.run([binary, "build", "--site", site], timeout=600)
    nc.run([binary, "build", "--site", site], timeout=600)  # both folders in use
    old = tree(public)
    saved = os.path.join(os.path.dirname(site), "public-a")
    save_build_state(site, saved)
    # A change every page shows: a new article (lists, feeds, sitemap change too).
    with open(os.path.join(content, "content", "reviews", "kill-test-extra.md"), "w") as f:
        f.write('---\ntitle: "A Review Added Between Builds"\ndate: 2026-01-02\n'
                'authors: []\n---\n\nA new body.\n')
    nc.run([binary, "import", content, "--site", site])
    seconds = timed([binary, "build", "--site", site])
    new = tree(public)
    check(f"build: the two sites differ ({len(old)} and {len(new)} files, {seconds:.1f} s)",
          old != new)
    bad, kills = [], 0
    for _ in range(trials):
        put_build_state(saved, site)
        kills += kill_during([binary, "build", "--site", site], seconds, rng)
        now = tree(public)
        if now != old and now != new:
            mixed = sum(1 for k in set(now) | set(old) if now.get(k) != old.get(k))
            bad.append(f"public/ is neither: {mixed} files differ from the old site")
    check(f"build: {trials} trials ({kills} killed mid-run): public/ the old site or the new one",
          not bad, "; ".join(bad[:3]))
    # Killed builds leave their folders; the next build removes them (they would fill the disk),
    # and does not trust the folder the killed one was bringing up to date.
    nc.run([binary, "build", "--site", site], timeout=600)
    leftovers = [n for n in os.listdir(site) if n.startswith(".public.building")]
    check("build: the next build removes the folders of killed ones", not leftovers, leftovers)
    check("build: the build after a killed one makes the new site whole", tree(public) == new)
    return kills


def count_rows(db, table):
    con = open_store(db)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def writers_phase(binary, site, root, trials, rng):
    """The store's other writers: `members import` and `subscribers import` of a few thousand
    rows each, killed at random. Each file's rows are in the store whole or not at all."""
    db = os.path.join(site, "cinepress.db")
    rows = 3000
    members_csv = os.path.join(root, "members.csv")
    with open(members_csv, "w", encoding="utf-8") as f:
        f.write("email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,"
                "created_at,labels,tiers\n")
        for i in range(rows):
            tier = "supporter" if i % 3 == 0 else ""
            f.write(f"member{i}@example.org,Member {i},,true,false,,2025-03-01T10:00:00Z,"
                    f"kill-test,{tier}\n")
    readers_csv = os.path.join(root, "writers-readers.csv")
    with open(readers_csv, "w", encoding="utf-8") as f:
        f.write("email,name,lists,consent_date\n")
        for i in range(rows):
            f.write(f"writer-reader{i}@example.org,Reader {i},weekly,2024-05-01\n")
    writers = [("members import", "members",
                [binary, "members", "import", members_csv, "--site", site]),
               ("subscribers import", "subscribers",
                [binary, "subscribers", "import", readers_csv, "--site", site])]
    kills = 0
    for name, table, command in writers:
        saved = os.path.join(root, table + "-store-before")
        save_store(db, saved)
        before = count_rows(db, table)
        seconds = timed(command)
        after = count_rows(db, table)
        check(f"{name}: a whole import adds {rows} rows ({before} -> {after}, {seconds:.1f} s)",
              after == before + rows)
        bad, seen = [], set()
        for _ in range(max(1, trials // 2)):
            put_store(saved, db)
            kills += kill_during(command, seconds, rng)
            problems, _ = store_state(db)
            count = count_rows(db, table)
            seen.add(count)
            if problems:
                bad.append(f"integrity: {problems[:3]}")
            if count not in (before, after):
                bad.append(f"{count} {table}: neither {before} nor {after}")
        check(f"{name}: {max(1, trials // 2)} trials: store sound, rows all or none "
              f"(seen: {sorted(seen)})", not bad, "; ".join(bad[:3]))
        nc.run(command, timeout=600)
    return kills


def newsletter_phase(binary, root, trials, rng):
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    try:
        site = nc.make_site(binary, os.path.join(root, "newsletter"), smtp.port)
        readers = 400
        csv = os.path.join(root, "readers.csv")
        with open(csv, "w", encoding="utf-8") as f:
            f.write("email,name,lists,consent_date\n")
            for i in range(readers):
                f.write(f"reader{i}@example.org,Reader {i},weekly,2024-05-01\n")
        nc.run([binary, "subscribers", "import", csv, "--site", site])
        db = os.path.join(site, "cinepress.db")
        send = [binary, "newsletter", "send", "weekly", "--site", site]
        bad, kills = [], 0
        for _ in range(trials):
            kills += kill_during(send, rng.uniform(0.05, 1.0), rng)
            problems, _ = store_state(db)
            if problems:
                bad.append(f"integrity: {problems[:3]}")
        finished = nc.run(send, timeout=300)
        got = {str(m["X-Envelope-To"]).strip() for _, m in smtp.messages()}
        expected = {f"reader{i}@example.org" for i in range(readers)}
        check(f"newsletter: {trials} trials ({kills} killed mid-run): store sound after each",
              not bad, "; ".join(bad[:3]))
        check("newsletter: after the kills, every reader got the issue",
              expected <= got, f"{len(expected - got)} missing; {finished.stdout[-200:]}")
        return kills
    finally:
        smtp.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--trials", type=int, default=100, help="trials in all (5 phases)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    rng = random.Random(args.seed)
    per_phase = max(1, args.trials // 5)
    print(f"kill_test: seed {args.seed}, {per_phase} trials per phase")
    root = tempfile.mkdtemp(prefix="cinepress-kill-all-")
    total_kills = 0
    try:
        # The content folder: the demo magazine's (made by `cinepress demo`), into an empty store.
        demo = os.path.join(root, "demo")
        nc.run([binary, "demo", demo], timeout=300)
        content = os.path.join(root, "content-folder")
        os.makedirs(content)
        for part in ("content", "data", "static"):
            if os.path.isdir(os.path.join(demo, part)):
                shutil.copytree(os.path.join(demo, part), os.path.join(content, part))
        site = os.path.join(root, "site")
        nc.run([binary, "init", site])
        shutil.copy(os.path.join(demo, "cinepress.toml"), os.path.join(site, "cinepress.toml"))
        total_kills += import_phase("import", binary, site,
                                    [binary, "import", content, "--site", site], per_phase, rng)

        if os.path.exists(EXPORT):
            wp = os.path.join(root, "wp-site")
            nc.run([binary, "init", wp])
            total_kills += import_phase(
                "import-wordpress", binary, wp,
                [binary, "import-wordpress", EXPORT, "--no-fetch", "--site", wp], per_phase, rng)
        else:
            check(f"the WordPress export is at {EXPORT} (set CINEPRESS_SHARED)", False)

        total_kills += build_phase(binary, site, content, per_phase, rng)
        total_kills += writers_phase(binary, site, root, per_phase, rng)
        total_kills += newsletter_phase(binary, root, per_phase, rng)
        print(f"kill_test: {total_kills} kills in {per_phase * 5} trials")
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        check.finish(root)


if __name__ == "__main__":
    main()
