#!/usr/bin/python3
"""Mixed search queries for bench/search.sh, from a generated corpus (stdlib only).

    search_queries.py CORPUS_DIR N SEED > queries.txt

One query string a line (URL query, already encoded): single words, two words, prefixes of
names (as typed), quoted phrases, and each of those with a filter now and then.
"""

import pathlib
import random
import re
import sys
import urllib.parse


def main():
    corpus, n, seed = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    titles, names, words = [], [], []
    files = sorted(corpus.glob("content/*/*.md"))
    for path in rng.sample(files, min(600, len(files))):
        text = path.read_text(encoding="utf-8")
        if m := re.search(r'^title: "(.*)"$', text, re.M):
            titles.append(m.group(1))
        for m in re.finditer(r'^ *(?:directors|authors): \[(.*)\]$', text, re.M):
            names += re.findall(r'"([^"]+)"', m.group(1))
        body = text.split("\n---\n", 1)[-1]
        words += [w for w in re.findall(r"[A-Za-z]{4,}", body)[:200]]
    titles = [t for t in titles if t and not t.startswith(("Reviews", "Interviews", "Essays"))]
    kinds = ["reviews", "interviews", "essays", "festivals"]
    out = []
    for i in range(n):
        r = rng.random()
        if r < 0.3:
            q = rng.choice(words).lower()
        elif r < 0.5:
            q = rng.choice(words).lower() + " " + rng.choice(words).lower()
        elif r < 0.7:
            name = rng.choice(names).split()[-1]
            q = name[: rng.randint(3, max(3, len(name) - 1))]
        elif r < 0.85:
            t = rng.choice(titles).split()
            k = rng.randint(0, max(0, len(t) - 2))
            q = '"' + " ".join(t[k : k + 2]) + '"'
        else:
            q = rng.choice(titles).split()[-1]
        params = {"q": q}
        if rng.random() < 0.2:
            params["kind"] = rng.choice(kinds)
        if rng.random() < 0.1:
            params["year"] = str(rng.randint(2012, 2025))
        out.append(urllib.parse.urlencode(params))
    print("\n".join(out))


if __name__ == "__main__":
    main()
