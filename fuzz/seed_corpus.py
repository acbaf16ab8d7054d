#!/usr/bin/env python3
"""Makes the seed corpora in fuzz/corpus/NAME/ from the inputs the unit tests already use: every
string literal (adjacent literals joined, raw strings included) of the listed test files, plus
listed files of the repository. Run once by hand when tests gain new inputs; the corpus is
committed. Beside these (seed-HASH) are inputs written by hand (seed-NAME: requests, an excerpt
of the WordPress test export) and regression inputs (regression-WHAT: crashes found and fixed),
which this script leaves alone.

    python3 fuzz/seed_corpus.py
"""
import hashlib
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"

# harness: (test files whose literals are inputs, other files taken whole)
SOURCES = {
    "front_matter": (["src/ingest/markdown_folder_test.cc", "tests/site/site_test.cc"],
                     ["demo/content/reviews/*.md", "demo/content/interviews/*.md",
                      "demo/content/about.md", "demo/content/collections/*.md"]),
    "markdown": (["src/render/markdown_test.cc"], ["demo/content/essays/*.md"]),
    "site_config": (["src/core/config_test.cc"], ["demo/cinepress.toml"]),
    "wxr": (["src/ingest/wxr_reader_test.cc", "src/ingest/wordpress_test.cc"], []),
    "wp_content": (["src/ingest/wp_content_test.cc"], []),
    "query": (["src/web/live_site_test.cc", "src/content/search_test.cc"], []),
    "subscriber_csv": (["src/newsletter/subscriber_csv_test.cc"], []),
    "member_csv": (["src/members/member_csv_test.cc"], []),
    "dsn": (["src/mail/dsn_test.cc"], []),
    "http": (["src/http/http_server_test.cc"], []),
}

LITERAL = re.compile(r'R"([^(\s]*)\((.*?)\)\1"|"((?:[^"\\\n]|\\.)*)"', re.S)
ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x":
                m = re.match(r"[0-9a-fA-F]{1,2}", s[i + 2:])
                out.append(chr(int(m.group(0), 16)) if m else "x")
                i += 2 + (len(m.group(0)) if m else 0)
                continue
            out.append(ESCAPES.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def literals(text):
    """Each run of adjacent string literals, joined, as the compiler would."""
    runs, current, last_end = [], [], None
    for m in LITERAL.finditer(text):
        value = m.group(2) if m.group(2) is not None else unescape(m.group(3))
        if last_end is not None and text[last_end:m.start()].strip() == "":
            current.append(value)
        else:
            if current:
                runs.append("".join(current))
            current = [value]
        last_end = m.end()
    if current:
        runs.append("".join(current))
    return runs


def main():
    for name, (tests, files) in SOURCES.items():
        folder = CORPUS / name
        folder.mkdir(parents=True, exist_ok=True)
        inputs = []
        for t in tests:
            path = ROOT / t
            if path.exists():
                inputs += [s for s in literals(path.read_text("latin-1")) if len(s) >= 6]
        for pattern in files:
            inputs += [p.read_text("latin-1") for p in sorted(ROOT.glob(pattern))]
        kept = 0
        for data in inputs:
            raw = data.encode("latin-1")  # read as latin-1: one character per byte
            if len(raw) > 16384:
                continue
            digest = hashlib.sha1(raw).hexdigest()[:16]
            (folder / f"seed-{digest}").write_bytes(raw)
            kept += 1
        print(f"{name}: {kept} inputs")


if __name__ == "__main__":
    main()
