#!/usr/bin/python3
"""End-to-end: `cinepress import-wordpress` on the WordPress theme test data, with the real binary.

    /usr/bin/python3 tests/e2e/wordpress_e2e.py BINARY

Imports ../shared/data/wordpress/themeunittestdata.wordpress.xml (or $CINEPRESS_SHARED/data/…)
into a fresh site with an uploads folder that we make (a small PNG for every attachment but
one), then checks: the counts its README gives, in the report and in the store; the built site
with check_site.py (Nu Html Checker, every link and image, every feed); a nested page's
address; a caption and a gallery; the scheduled, draft and password-protected posts nowhere;
301s from old addresses via `cinepress serve`; a second import changing nothing; a malformed
export refused with its line and column and the store untouched; a file fetched over HTTP
(libcurl) from a local server. Standard library only; prints `wordpress_e2e: N passed, N failed`.
"""

import http.client
import http.server
import json
import os
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import xml.etree.ElementTree as ET
import zlib

BINARY = None
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("CINEPRESS_SHARED", os.path.join(os.path.dirname(REPO), "shared"))
EXPORT = os.path.join(SHARED, "data", "wordpress", "themeunittestdata.wordpress.xml")
VNU = os.path.join(REPO, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
WP = "{https://wordpress.org/export/1.2/}"
CONFIG = 'title = "Theme Unit Test"\nbase_url = "http://127.0.0.1:8080"\ntimezone = "UTC"\n'
MISSING = "2008/06/canola2.jpg"  # the one attachment left out of the uploads folder


def png(r, g, b, w=48, h=32):
    """A small solid-colour PNG, written by hand (zlib + CRC), so the test needs no imaging library."""
    raw = b"".join(b"\x00" + bytes((r, g, b)) * w for _ in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def run(*args, check=True, cwd=None):
    p = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=120, cwd=cwd)
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s\n%s" % (args, p.returncode, p.stdout, p.stderr))
    return p


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dump(db):
    """Every row of every table, in order. The full-text indexes' own tables (article_search…,
    headline_search…) need the program's tokenizer to be read; search_docs stands for them."""
    con = sqlite3.connect(db)
    try:
        out = []
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'article_search%'"
            " AND name NOT LIKE 'headline_search%'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for t in tables:
            out.append(f"-- {t}")
            out.extend(repr(row) for row in con.execute(f'SELECT * FROM "{t}" ORDER BY 1'))
        return "\n".join(out)
    finally:
        con.close()


class WordPressImport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="cinepress-wp-e2e.")
        cls.site = os.path.join(cls.tmp, "site")
        run("init", cls.site)
        with open(os.path.join(cls.site, "cinepress.toml"), "w") as f:
            f.write(CONFIG)  # no menus of its own: the WordPress main menu is used
        os.remove(os.path.join(cls.site, "cinepress.db"))  # a store with nothing but WordPress's
        # The export, read with a real XML parser: what it holds, by id.
        cls.tree = ET.parse(EXPORT)
        cls.items = {}
        cls.uploads = os.path.join(cls.tmp, "uploads")
        for n, item in enumerate(cls.tree.getroot().iter("item")):
            pid = item.findtext(WP + "post_id")
            cls.items[pid] = item
            url = item.findtext(WP + "attachment_url")
            if url:
                rel = url.split(".files.wordpress.com/", 1)[-1].split("/wp-content/uploads/")[-1]
                if rel == MISSING:
                    continue
                path = os.path.join(cls.uploads, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(png(40 + n * 5 % 200, 90, 160 - n * 3 % 120))
        cls.db = os.path.join(cls.site, "cinepress.db")
        p = run("import-wordpress", EXPORT, "--site", cls.site, "--uploads", cls.uploads,
                "--no-fetch", "--json")
        cls.report = json.loads(p.stdout)
        run("build", "--site", cls.site)
        cls.public = os.path.join(cls.site, "public")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def by_slug(self, slug):
        for pid, item in self.items.items():
            if item.findtext(WP + "post_name") == slug:
                return pid
        raise KeyError(slug)

    def read(self, rel):
        with open(os.path.join(self.public, rel), encoding="utf-8") as f:
            return f.read()

    def query(self, sql):
        con = sqlite3.connect(self.db)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    # -- the counts of the export's README

    def test_report_counts_everything_in_the_readme(self):
        r = self.report
        self.assertEqual(r["authors"]["found"], 2)
        self.assertEqual(r["categories"]["found"], 68)
        self.assertEqual(r["tags"]["found"], 110)
        self.assertEqual(r["menus"]["found"], 6)
        self.assertEqual(r["menu_items"]["found"], 70)
        self.assertEqual(r["posts"]["found"], 58)
        self.assertEqual(r["posts"]["added"], 58)
        self.assertEqual(r["pages"]["found"], 21)
        self.assertEqual(r["nested_pages"], 13)
        self.assertEqual(r["attachments"]["found"], 37)
        self.assertEqual(r["comments"]["found"], 33)
        self.assertEqual(r["comments"]["added"], 33)
        self.assertEqual(r["scheduled"], 1)
        self.assertEqual(r["drafts"], 1)
        self.assertEqual(r["sticky"], 1)
        self.assertEqual(r["password_protected"], 1)
        self.assertEqual(r["published"], 56 - 1 + 21)  # the protected post is not published
        self.assertEqual(r["comments_pending"], 3)
        self.assertEqual(r["pingbacks"], 4)
        self.assertGreaterEqual(r["shortcodes_converted"], 20)
        self.assertGreater(r["block_comments_removed"], 500)
        # Every attachment but the one we left out came from the uploads folder.
        self.assertEqual(r["media_from_uploads"], 36)
        self.assertEqual(r["attachments"]["added"], 36)
        # ... and the one file a body links to that is no attachment (a file block's PDF) is
        # listed too, with its reason: nothing a post uses is left on the old site unsaid.
        self.assertEqual(len(r["missing_media"]), 2, r["missing_media"])
        self.assertIn(MISSING, r["missing_media"][0])
        self.assertIn("2018/11/file_block.pdf: used in a post's body", r["missing_media"][1])
        self.assertEqual(r["wordpress_permalinks"], "/{year}/{month}/{day}/{slug}/")

    def test_store_holds_everything(self):
        q = self.query
        self.assertEqual(q("SELECT count(*) FROM articles WHERE kind = 'article'")[0][0], 58)
        self.assertEqual(q("SELECT count(*) FROM articles WHERE kind = 'page'")[0][0], 21)
        # Two writers: the misspelt creator ">themereviewteam" is the declared one.
        self.assertEqual(q("SELECT id, name FROM authors ORDER BY id"),
                         [("themedemos", "Theme Buster"), ("themereviewteam", "Theme Reviewer")])
        self.assertEqual(q("SELECT count(*) FROM terms WHERE taxonomy = 'category'")[0][0], 68)
        self.assertEqual(
            q("SELECT count(*) FROM terms WHERE taxonomy = 'category' AND parent != ''")[0][0], 10)
        self.assertEqual(q("SELECT count(*) FROM terms WHERE taxonomy = 'post_tag'")[0][0], 110)
        self.assertEqual(q("SELECT count(*) FROM menus")[0][0], 6)
        self.assertEqual(q("SELECT count(*) FROM comments")[0][0], 33)
        self.assertEqual(q("SELECT count(*) FROM comments WHERE status = 'approved'")[0][0], 30)
        # Threads: replies keep their parents.
        self.assertGreater(q("SELECT count(*) FROM comments WHERE parent_source_id != ''")[0][0], 0)
        self.assertEqual(q("SELECT count(*) FROM media WHERE path LIKE 'wp-content/uploads/%'")[0][0],
                         36)
        # The sticky post is featured; formats and HTML bodies are kept.
        self.assertEqual(q("SELECT slug FROM articles WHERE featured = 1"), [("template-sticky",)])
        self.assertEqual(
            q("SELECT json_extract(meta, '$.format') FROM articles WHERE slug = 'post-format-gallery'"),
            [("gallery",)])
        self.assertEqual(q("SELECT count(*) FROM articles WHERE body_md LIKE '%<!-- wp:%'")[0][0], 0)
        self.assertEqual(q("SELECT count(*) FROM articles WHERE body_md LIKE '%<script%'")[0][0], 0)

    # -- the site

    def test_site_is_valid_and_whole(self):
        corpus = os.path.join(self.tmp, "no-corpus")
        os.makedirs(os.path.join(corpus, "content"), exist_ok=True)
        args = ["/usr/bin/python3", os.path.join(HERE, "check_site.py"), "--public", self.public,
                "--corpus", corpus, "--base-url", "http://127.0.0.1:8080"]
        if os.path.exists(VNU):
            args += ["--vnu", VNU]
        p = subprocess.run(args, capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr[-2000:])
        self.assertIn("0 HTML errors, 0 broken links", p.stdout)

    def test_nested_page_lives_under_its_parents(self):
        html = self.read("level-1/level-2/level-3/index.html")
        self.assertIn("Level 3", html)
        self.assertTrue(os.path.exists(os.path.join(self.public, "about/clearing-floats/index.html")))

    def test_caption_and_gallery(self):
        html = self.read("articles/markup-image-alignment/index.html")
        self.assertRegex(html, r'<figure class="wp-caption aligncenter"><img [^>]*src="/wp-content/uploads/')
        self.assertIn("<figcaption>", html)
        self.assertNotIn("[caption", html)
        html = self.read("articles/post-format-gallery/index.html")
        self.assertRegex(html, r'<div class="gallery gallery-columns-\d">')
        self.assertGreaterEqual(html.count('class="gallery-item"'), 5)
        self.assertNotIn("[gallery", html)
        # The file we left out keeps its old address; the others are the site's own.
        self.assertIn("https://wpthemetestdata.files.wordpress.com/" + MISSING, html)
        self.assertIn('src="/wp-content/uploads/2008/06/dsc20050727_091048_222.jpg"', html)
        self.assertTrue(os.path.exists(
            os.path.join(self.public, "wp-content/uploads/2008/06/dsc20050727_091048_222.jpg")))

    def test_video_audio_and_embeds(self):
        html = self.read("articles/post-format-video-youtube/index.html")
        self.assertIn('src="https://www.youtube-nocookie.com/embed/', html)
        html = self.read("articles/post-format-audio/index.html")
        self.assertIn("<audio controls", html)

    def test_approved_comments_are_shown_in_threads(self):
        html = self.read("articles/template-comments/index.html")
        self.assertIn('<section class="comments"', html)
        self.assertGreaterEqual(html.count('<li class="comment comment--depth-0'), 5)
        self.assertIn('class="comment comment--depth-1"', html)  # a reply under its parent
        self.assertIn('class="comment comment--depth-2"', html)
        pending = [c.findtext(WP + "comment_content") for c in self.tree.getroot().iter(WP + "comment")
                   if c.findtext(WP + "comment_approved") == "0"]
        self.assertEqual(len(pending), 3)
        trackback = "Trackback test."
        for root, _, files in os.walk(self.public):
            for name in files:
                if name.endswith((".html", ".xml")):
                    with open(os.path.join(root, name), encoding="utf-8") as f:
                        text = f.read()
                    for p in pending:
                        self.assertNotIn(p.strip(), text, name)
                    self.assertNotIn(trackback, text, name)
        self.assertNotIn('class="comments"', self.read("articles/template-sticky/index.html"))

    def test_unpublished_posts_appear_nowhere(self):
        protected = self.items[self.by_slug("template-password-protected")]
        secret = protected.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")[:60]
        draft_title = self.items["1164"].findtext("title")
        for root, _, files in os.walk(self.public):
            for name in files:
                if not name.endswith((".html", ".xml")):
                    continue
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    text = f.read()
                self.assertNotIn(secret, text, name)
                self.assertNotIn("/articles/scheduled/", text, name)
                self.assertNotIn(draft_title, text, name)
        for slug in ("scheduled", "template-password-protected"):
            self.assertFalse(os.path.exists(os.path.join(self.public, "articles", slug)), slug)
        rows = self.query("SELECT slug, draft, json_extract(meta, '$.status'), "
                          "json_extract(meta, '$.protected') FROM articles WHERE slug IN "
                          "('scheduled', 'template-password-protected')")
        self.assertIn(("scheduled", 0, "future", None), rows)  # publishes itself in 2030
        self.assertIn(("template-password-protected", 0, None, 1), rows)

    def test_static_build_lists_old_addresses_for_static_hosts(self):
        lines = self.read("_redirects").splitlines()
        self.assertIn("/2010/09/10/post-format-gallery/ /articles/post-format-gallery/ 301", lines)
        gallery = self.by_slug("post-format-gallery")
        self.assertIn("/ p=%s /articles/post-format-gallery/ 301" % gallery, lines)
        self.assertFalse(any("/scheduled/" in l for l in lines))
        self.assertIn("/ s=:s /search/?q=:s 301", lines)  # WordPress's search address

    def test_old_addresses_redirect_when_served(self):
        port = free_port()
        server = subprocess.Popen([BINARY, "serve", "--site", self.site, "--listen",
                                   "127.0.0.1:%d" % port, "--threads", "1", "--access-log", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 15
            while "listening" not in server.stdout.readline():
                self.assertLess(time.time(), deadline, "serve did not start")

            def get(path):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", path)
                r = c.getresponse()
                r.read()
                c.close()
                return r.status, r.getheader("Location")

            gallery = self.by_slug("post-format-gallery")
            self.assertEqual(get("/2010/09/10/post-format-gallery/"),
                             (301, "/articles/post-format-gallery/"))
            self.assertEqual(get("/?p=" + gallery), (301, "/articles/post-format-gallery/"))
            self.assertEqual(get("/category/parent/child-1/"), (301, "/category/child-1/"))
            self.assertEqual(get("/category/parent/child-1/feed/"),
                             (301, "/category/child-1/feed.xml"))
            # An attachment's own page: to the file.
            self.assertEqual(get("/2010/09/10/post-format-gallery/dsc20050604_133440_34211/"),
                             (301, "/wp-content/uploads/2013/09/dsc20050604_133440_34211.jpg"))
            self.assertEqual(get("/wp-content/uploads/2013/09/dsc20050604_133440_34211.jpg")[0],
                             200)
            self.assertEqual(get("/articles/post-format-gallery/")[0], 200)
            self.assertEqual(get("/level-1/level-2/")[0], 200)
            self.assertEqual(get("/2020/01/01/scheduled/")[0], 404)
            self.assertEqual(get("/2012/01/04/template-password-protected/")[0], 404)
            self.assertEqual(get("/articles/template-password-protected/")[0], 404)
            # By number, as WordPress answers a visitor: not found, not the home page.
            self.assertEqual(get("/?p=" + self.by_slug("template-password-protected"))[0], 404)
            self.assertEqual(get("/?p=1164")[0], 404)  # a draft
            # WordPress's search address: ours.
            self.assertEqual(get("/?s=gallery"), (301, "/search/?q=gallery"))
        finally:
            server.terminate()
            server.wait(timeout=15)

    def test_reimport_changes_nothing(self):
        before = dump(self.db)
        p = run("import-wordpress", EXPORT, "--site", self.site, "--uploads", self.uploads,
                "--no-fetch", "--json")
        r = json.loads(p.stdout)
        for kind in ("posts", "pages", "attachments", "comments", "authors", "categories", "tags",
                     "menus", "menu_items", "redirects"):
            self.assertEqual((r[kind]["added"], r[kind]["updated"]), (0, 0), kind)
        self.assertEqual(r["posts"]["unchanged"], 58)
        self.assertEqual(r["menu_items"]["unchanged"], 70)
        self.assertEqual(dump(self.db), before)

    def test_malformed_export_is_refused_and_the_store_untouched(self):
        with open(EXPORT, encoding="utf-8") as f:
            lines = f.read().split("\n")
        lines[3000] = lines[3000] + "<broken"
        bad = os.path.join(self.tmp, "bad.xml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        before = dump(self.db)
        p = run("import-wordpress", bad, "--site", self.site, "--no-fetch", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertRegex(p.stderr, r"bad\.xml:30\d\d: not well-formed XML at line 30\d\d, column \d+")
        self.assertEqual(dump(self.db), before)

    def test_keep_permalinks_writes_the_pattern_and_posts_keep_their_addresses(self):
        site = os.path.join(self.tmp, "kept-site")
        run("init", site)  # the starter cinepress.toml, with its [permalinks] and menus
        p = run("import-wordpress", EXPORT, "--site", site, "--no-fetch", "--keep-permalinks")
        self.assertIn('[permalinks] article = "/{year}/{month}/{day}/{slug}/"', p.stderr)
        self.assertIn("rather than the WordPress menus", p.stderr)
        with open(os.path.join(site, "cinepress.toml")) as f:
            config = f.read()
        self.assertEqual(config.count('article = "/{year}/{month}/{day}/{slug}/"'), 1, config)
        self.assertNotIn('article = "/{section}/{slug}/"', config)
        self.assertIn("[[menus.main]]", config)  # the rest is as it was
        run("build", "--site", site)
        html = open(os.path.join(site, "public/2010/09/10/post-format-gallery/index.html")).read()
        self.assertIn("Post Format: Gallery", html)
        # A second import finds the pattern in place and changes nothing.
        p = run("import-wordpress", EXPORT, "--site", site, "--no-fetch", "--keep-permalinks",
                "--json")
        self.assertEqual(json.loads(p.stdout)["posts"]["unchanged"], 58)

    def test_attachment_fetched_over_http(self):
        site = os.path.join(self.tmp, "fetch-site")
        run("init", site)
        served = os.path.join(self.tmp, "served")
        os.makedirs(os.path.join(served, "wp-content/uploads/2024/05"))
        with open(os.path.join(served, "wp-content/uploads/2024/05/still.png"), "wb") as f:
            f.write(png(200, 30, 30))
        handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=served, **k)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.RequestHandlerClass.log_message = lambda *a: None
        port = httpd.server_address[1]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = "http://127.0.0.1:%d" % port
        wxr = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.1/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Small</title><link>{base}</link><wp:wxr_version>1.1</wp:wxr_version>
<item><title>still</title><wp:post_id>9</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:status>inherit</wp:status><wp:post_parent>8</wp:post_parent>
<wp:attachment_url>{base}/wp-content/uploads/2024/05/still.png</wp:attachment_url></item>
<item><title>Gone</title><wp:post_id>10</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:status>inherit</wp:status>
<wp:attachment_url>{base}/wp-content/uploads/2024/05/gone.png</wp:attachment_url></item>
<item><title>A review</title><link>{base}/2024/05/06/a-review/</link><dc:creator>ed</dc:creator>
<content:encoded><![CDATA[<img src="{base}/wp-content/uploads/2024/05/still.png" alt="A still">
See <a href="{base}/2024/05/06/a-review/">this very review</a>.]]></content:encoded>
<wp:post_id>8</wp:post_id><wp:post_date>2024-05-06 10:00:00</wp:post_date>
<wp:post_name>a-review</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>9</wp:meta_value></wp:postmeta>
</item></channel></rss>
"""
        path = os.path.join(self.tmp, "small.xml")
        with open(path, "w") as f:
            f.write(wxr)
        try:
            p = run("import-wordpress", path, "--site", site, "--json", "--fetch-timeout", "5")
        finally:
            httpd.shutdown()
        r = json.loads(p.stdout)
        self.assertEqual(r["media_fetched"], 1)
        self.assertEqual(len(r["missing_media"]), 1)
        self.assertIn("gone.png", r["missing_media"][0])
        self.assertEqual(r["links_rewritten"], 1)
        con = sqlite3.connect(os.path.join(site, "cinepress.db"))
        body, meta = con.execute("SELECT body_md, meta FROM articles WHERE slug = 'a-review'").fetchone()
        con.close()
        self.assertIn('<img src="/wp-content/uploads/2024/05/still.png" alt="A still">', body)
        self.assertIn('href="/articles/a-review/"', body)
        self.assertEqual(json.loads(meta)["image"]["src"], "/wp-content/uploads/2024/05/still.png")


def main():
    global BINARY
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print("usage: wordpress_e2e.py BINARY", file=sys.stderr)
        return 2
    BINARY = os.path.abspath(sys.argv[1])
    if not os.path.exists(EXPORT):
        print("wordpress_e2e: %s not found (set CINEPRESS_SHARED)" % EXPORT, file=sys.stderr)
        return 1
    result = unittest.TextTestRunner(verbosity=2).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(WordPressImport))
    failed = len(result.failures) + len(result.errors)
    print("wordpress_e2e: %d passed, %d failed" % (result.testsRun - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
