"""What a site folder holds, for the crash and full-disk tests: the files of a built site, and the
store as a new process finds it (read with Python's sqlite3: SQLite 3.40's integrity_check reads
the full-text tables' own b-trees without needing the program's tokenizer)."""

import hashlib
import os
import sqlite3


def tree(folder, inodes=False):
    """Every file under `folder` and a digest of its bytes (with `inodes`: (digest, inode))."""
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            out[os.path.relpath(path, folder)] = (digest, os.stat(path).st_ino) if inodes else digest
    return out


def store_problems(con):
    """integrity_check and foreign_key_check findings; empty when the store is sound."""
    problems = [r[0] for r in con.execute("PRAGMA integrity_check")]
    problems = [] if problems == ["ok"] else problems
    return problems + ["foreign key: %r" % (r,) for r in con.execute("PRAGMA foreign_key_check")]


def store_rows(con):
    """Every row of every table but the full-text index's own (search_docs stands for them)."""
    out = []
    for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                            "LIKE 'article_search%' AND name NOT LIKE 'headline_search%' AND "
                            "name NOT LIKE 'sqlite_%' ORDER BY name").fetchall():
        out.append((t, sorted(map(repr, con.execute(f'SELECT * FROM "{t}"')))))
    return out


def open_store(db):
    return sqlite3.connect(db)
