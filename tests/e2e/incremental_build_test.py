#!/usr/bin/python3
"""The incremental build (issue #19): after a change, `cinepress build` writes only the files
whose content changed, keeps every other file as it was (same inode: rsync and CDN uploads skip
it), and the result is exactly what a whole build makes.

    /usr/bin/python3 tests/e2e/incremental_build_test.py BINARY

For each change an editor makes — a body, a title (lists, feeds and indexes show it), a new
article, a deleted one, the theme's stylesheet, the config — the demo magazine is imported and
built incrementally, then built whole (`--full`) into another folder; the two trees must be the
same file for file, and the files the change could not touch must keep their inodes.
"""

import gzip
import json
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import newsletter_common as nc  # noqa: E402
from site_state import tree as files_of  # noqa: E402

check = nc.Checks("incremental_build")
MANIFEST = ".cinepress-build"


def tree(folder):
    """{relative path: (digest, inode)} of every file."""
    return files_of(folder, inodes=True)


def gunzip_text(path):
    with open(path, "rb") as f:
        return gzip.decompress(f.read()).decode("utf-8")


def fnv1a(word):
    h = 14695981039346656037
    for c in word.encode("utf-8"):
        h = ((h ^ c) * 1099511628211) % (1 << 64)
    return h


def small_hash_suffix():
    """Letters that make "000" + them a word of very small FNV-1a hash (the static index's chunks
    start at the words of smallest hash)."""
    import itertools
    for letters in itertools.product("abcdefghijklmnopqrstuvwxyz", repeat=4):
        word = "".join(letters)
        if fnv1a("000" + word) < (1 << 64) >> 14:
            return word
    raise AssertionError("no word of small hash")


SMALL_HASH_SUFFIX = small_hash_suffix()


def build_line(p):
    m = re.search(r"build: wrote (\d+) of (\d+) files.*?; (\d+) unchanged(.*)", p.stdout)
    assert m, p.stdout
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-incremental-")
    try:
        site = os.path.join(root, "site")
        nc.run([binary, "demo", site], timeout=300)
        public = os.path.join(site, "public")
        whole = os.path.join(root, "whole")

        last = {}  # the last step's build output

        def step(name, change, expect_all=False, gone=(), most=0.25):
            before = tree(public)
            change()
            nc.run([binary, "import", site, "--prune", "--site", site], timeout=300)
            p = nc.run([binary, "build", "--site", site], timeout=300)
            last["out"] = p.stdout
            written, files, unchanged, note = build_line(p)
            after = tree(public)
            shutil.rmtree(whole, ignore_errors=True)
            nc.run([binary, "build", "--site", site, "--full", "--out", whole], timeout=300)
            reference = tree(whole)
            differ = sorted(k for k in set(after) | set(reference)
                            if after.get(k, (None,))[0] != reference.get(k, (None,))[0])
            check(f"{name}: the incremental build is the whole build, file for file "
                  f"({len(after)} files)", not differ, differ[:5])
            # The search words kept beside each folder for the next build: the same text,
            # whether made whole or from the last build's (its unchanged lines used in place).
            with open(os.path.join(site, ".public.search-words"), "rb") as f:
                words = f.read()
            with open(os.path.join(root, ".whole.search-words"), "rb") as f:
                whole_words = f.read()
            check(f"{name}: the search words kept are the whole build's ({len(words)} bytes)",
                  words == whole_words and len(words) > 1000)
            changed = {k for k in after if k not in before or before[k][0] != after[k][0]}
            kept = {k for k in after if k in before and before[k][1] == after[k][1]}
            same_bytes = {k for k in after if k in before and before[k][0] == after[k][0]}
            check(f"{name}: every file with the same bytes keeps its inode "
                  f"({len(kept)} kept, {len(changed)} changed)",
                  same_bytes == kept, sorted(same_bytes - kept)[:5])
            if expect_all:
                # Every page is made again (media files, made from their bytes alone, are not).
                pages = sum(1 for k in after if k.endswith(".html"))
                check(f"{name}: every page is rendered again (wrote {written} of {files}; "
                      f"{pages} pages)", written >= pages, note)
            else:
                check(f"{name}: only what changed is rendered (wrote {written} of {files}, "
                      f"{unchanged} unchanged)", 0 < written < files * most and changed, note)
            for path in gone:
                check(f"{name}: {path} is gone", path not in after)
            return changed

        # The first build has no manifest: a whole build. The second changes nothing.
        written, files, _, note = build_line(nc.run([binary, "build", "--site", site]))
        check(f"first build: whole ({written} of {files})", written == files and "whole" in note)
        first = tree(public)
        check("the manifest is in the published folder", MANIFEST in first)
        # public/ is a link to one of two folders beside it, swapped by rename(2) (a web server
        # pointed at public/ sees one build whole); nothing of a build in progress is left.
        check("public/ is a link to one of the build's two folders",
              os.path.islink(public) and os.readlink(public) in (".public.a", ".public.b"),
              os.path.islink(public) and os.readlink(public))
        shown = os.readlink(public)
        written, files, unchanged, _ = build_line(nc.run([binary, "build", "--site", site]))
        again = tree(public)
        check("the next build shows the other folder, and the first build stays whole in its own",
              os.readlink(public) != shown and
              {k: v[0] for k, v in tree(os.path.join(site, shown)).items()} ==
              {k: v[0] for k, v in first.items()})
        check("no folder of a build in progress is left",
              not [n for n in os.listdir(site) if ".building-" in n])
        check(f"a build with nothing changed writes nothing ({written} written)", written == 0)
        check("...and keeps every file's inode",
              all(again[k][1] == first[k][1] for k in first if k != MANIFEST))
        # --full renders everything again; the same bytes are kept, and not counted as written.
        written, files, _, note = build_line(
            nc.run([binary, "build", "--site", site, "--full"]))
        full = tree(public)
        check(f"--full with nothing changed: every page rendered, none written ({written} of "
              f"{files}){note}", written == 0 and "as asked" in note)
        check("...and every file keeps its inode",
              all(full[k][1] == first[k][1] for k in first if k != MANIFEST))

        review = os.path.join(site, "content", "reviews", "hollow-season.md")

        with open(review, encoding="utf-8") as f:
            review_text = f.read()
        # A word no other document has (its postings come and go with this sentence), whose hash
        # is not among the smallest (it does not start a chunk of the index's words).
        added_sentence = "A sentence the editor added after publication, quizzaciously."

        def edit_body():
            with open(review, "w", encoding="utf-8") as f:
                f.write(review_text.rstrip("\n") + "\n\n" + added_sentence + "\n")

        def index_mode():
            m = re.search(r"build: static search index: (.*)", last["out"])
            return m.group(1) if m else last["out"]

        changed = step("a body edited", edit_body)
        check("a body edited: its page changed",
              "reviews/hollow-season/index.html" in changed, sorted(changed)[:10])
        check("a body edited: the home page did not", "index.html" not in changed)
        # The static index is the last build's with this document's words applied to the chunks
        # that hold them (the step checked it is the whole build's, byte for byte).
        check("a body edited: the search index is made from the last one, one document applied",
              index_mode() == "changed documents: 1", index_mode())
        check("a body edited: the new word is in the index",
              any("quizzaciously" in gunzip_text(os.path.join(public, k))
                  for k in changed if k.startswith("search/index/words/")), sorted(changed)[:10])

        def remove_sentence():
            with open(review, "w", encoding="utf-8") as f:
                f.write(review_text)

        changed = step("a sentence removed (a word leaves the index)", remove_sentence)
        check("a sentence removed: the index made from the last one",
              index_mode() == "changed documents: 1", index_mode())
        check("a sentence removed: the word is gone from the index",
              not any("quizzaciously" in gunzip_text(os.path.join(public, k))
                      for k in tree(public) if k.startswith("search/index/words/")))

        def starting_word():
            # A new word of smaller hash than any chunk's first word, and first in the sorted
            # list: the chunks' boundaries move, and the index is made whole.
            with open(review, "w", encoding="utf-8") as f:
                f.write(review_text.rstrip("\n") + "\n\nSee 000" + SMALL_HASH_SUFFIX + ".\n")

        with open(os.path.join(public, "search", "index", "manifest.json"), encoding="utf-8") as f:
            starts = [c[0] for c in json.load(f)["chunks"]]
        step("a word that starts a chunk of the index", starting_word)
        # With one chunk only a new first word moves a boundary.
        if len(starts) > 1 or "000" + SMALL_HASH_SUFFIX < starts[0]:
            check(f"a word that starts a chunk: the index is made whole ({len(starts)} chunks)",
                  index_mode() == "whole", index_mode())
        step("the word that started a chunk removed", remove_sentence)
        edit_body()

        def edit_title():
            with open(review, encoding="utf-8") as f:
                text = f.read()
            text = re.sub(r'(?m)^title: .*$', 'title: "Hollow Season, Revisited"', text, count=1)
            with open(review, "w", encoding="utf-8") as f:
                f.write(text)

        changed = step("a title edited", edit_title)
        check("a title edited: the lists showing it changed too",
              any(k.startswith("reviews/") and k.endswith("index.html")
                  and k != "reviews/hollow-season/index.html" for k in changed) or
              "reviews/index.html" in changed, sorted(changed)[:10])
        # The static search: the index has the new title's word, from this build's words of the
        # one changed document (the others' kept beside the folder, .public.search-words).
        check("a title edited: the search index's words changed",
              any(k.startswith("search/index/words/") for k in changed), sorted(changed)[:10])
        check("the documents' search words are kept beside the published folder, not in it",
              os.path.isfile(os.path.join(site, ".public.search-words")) and
              not any("search-words" in k for k in tree(public)))

        def move_back():
            # An earlier date: the article moves down the lists that show it newest first.
            with open(review, encoding="utf-8") as f:
                text = f.read()
            text = re.sub(r'(?m)^date: .*$', 'date: 2019-02-11T20:00:00-04:00', text, count=1)
            text = re.sub(r'(?m)^title: .*$', 'title: "Zeitgeist of a Hollow Season"', text,
                          count=1)
            with open(review, "w", encoding="utf-8") as f:
                f.write(text)

        changed = step("a title and date edited (the article moves in lists and search)",
                       move_back, most=0.5)
        check("a title and date edited: the lists it left and joined changed",
              "reviews/index.html" in changed and
              any(k.startswith("search/index/words/") for k in changed), sorted(changed)[:10])

        added = os.path.join(site, "content", "reviews", "incremental-new-review.md")

        def add_article():
            with open(added, "w", encoding="utf-8") as f:
                f.write('---\ntitle: "A Review Written Between Builds"\ndate: 2026-03-01\n'
                        'authors: []\n---\n\nIts first and only paragraph.\n')

        changed = step("an article added", add_article)
        check("an article added: its page is there",
              "reviews/incremental-new-review/index.html" in changed)

        step("an article removed (import --prune)", lambda: os.remove(added),
             gone=("reviews/incremental-new-review/index.html",))

        authors = os.path.join(site, "data", "authors.yaml")

        def edit_bio():
            with open(authors, encoding="utf-8") as f:
                text = f.read()
            with open(authors, "w", encoding="utf-8") as f:
                f.write(text.replace('bio: "Maren Solheim founded', 'bio: "Maren Solheim, who '
                                     'founded', 1))

        # Her author box is on every article of hers: those are made again.
        changed = step("a writer's bio edited", edit_bio, most=0.5)
        check("a writer's bio edited: her page changed",
              any(k.startswith("author/") for k in changed), sorted(changed)[:10])

        people = os.path.join(site, "data", "people.yaml")

        def edit_person():
            with open(people, encoding="utf-8") as f:
                text = f.read()
            with open(people, "w", encoding="utf-8") as f:
                f.write(text.replace("is her first feature.",
                                     "is her first feature; a second is being edited.", 1))

        changed = step("a person's bio edited (data/people.yaml)", edit_person)
        check("a person's bio edited: her page changed",
              "people/elise-fournaud/index.html" in changed, sorted(changed)[:10])

        images = os.path.join(site, "static", "images")

        def reshape(name):
            # The same drawing at another size: its still (width, height) changes.
            def change():
                path = os.path.join(images, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text.replace('width="1600" height="900"', 'width="1600" height="1000"',
                                         1))
            return change

        # A figure in a body: the pages that place it are made again, and no other page.
        changed = step("a body's figure changed", reshape("the-tenant-upstairs-2.svg"))
        pages = sorted(k for k in changed if k.endswith(".html"))
        check("a body's figure changed: its article's page changed",
              "reviews/the-tenant-upstairs/index.html" in pages, pages[:10])
        check(f"a body's figure changed: no page but those showing the body ({pages})",
              all(k == "reviews/the-tenant-upstairs/index.html" for k in pages), pages[:10])

        # A lead image: its article's page, and the lists, feeds and neighbours that show its card.
        changed = step("a lead image changed", reshape("after-dinner.svg"))
        pages = sorted(k for k in changed if k.endswith(".html"))
        check(f"a lead image changed: its article's page changed ({len(pages)} pages did)",
              "reviews/after-dinner/index.html" in pages, pages[:10])

        config = os.path.join(site, "cinepress.toml")

        def edit_config():
            with open(config, encoding="utf-8") as f:
                text = f.read()
            with open(config, "w", encoding="utf-8") as f:
                f.write(re.sub(r'(?m)^title = "(.*)"$', r'title = "\1 Magazine"', text, count=1))

        step("the magazine's title changed", edit_config, expect_all=True)

        css = [os.path.join(b, n) for b, _, fs in os.walk(os.path.join(site, "themes"))
               for n in fs if n.endswith(".css")]

        def edit_theme():
            with open(css[0], "a", encoding="utf-8") as f:
                f.write("\n/* a change to the theme */\n")

        if css:
            step("the theme changed", edit_theme, expect_all=True)
        else:
            check("the site has its theme's stylesheet", False)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        check.finish(root)


if __name__ == "__main__":
    main()
