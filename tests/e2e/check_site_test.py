#!/usr/bin/python3
"""Self-test of check_site.py: a tiny hand-made site that is clean must pass,
and a copy with one broken link, one invalid page and a few sitemap/feed/robots
mistakes must fail with each mistake named.

    check_site_test.py [--vnu PATH]     (default: REPO/node_modules/vnu-jar/build/dist/vnu.jar)

Prints '<n> passed, <m> failed' and exits 1 on any failure.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CHECK = os.path.join(HERE, "check_site.py")
BASE = "https://mag.example.test"


def page(title, body, extra_head=""):
    return textwrap.dedent("""\
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>%s</title>
        <link rel="stylesheet" href="/assets/site.3f2a91c0.css">
        <link rel="alternate" type="application/rss+xml" title="Feed" href="/feed.xml">
        <link rel="canonical" href="%s/">
        <meta property="og:image" content="https://mag.example.test/images/a-film-2x.jpg">
        <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "BreadcrumbList", "itemListElement": []}]}</script>
        %s
        </head>
        <body>
        <header><a href="/">Home</a> <a href="/reviews/">Reviews</a> <a href="/about">About</a></header>
        <main>
        %s
        </main>
        <footer><a href="mailto:editors@mag.example.test">Write to us</a>
        <a href="https://example.org/elsewhere">Elsewhere</a> <a href="#top">Top</a></footer>
        </body>
        </html>
        """) % (title, BASE, extra_head, body)


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Mag</title><link>%(base)s/</link><description>A film magazine</description>
<atom:link href="%(base)s/feed.xml" rel="self" type="application/rss+xml"/>
<item><title>A Film review</title><link>%(base)s/reviews/a-film/</link>
<guid>%(base)s/reviews/a-film/</guid><pubDate>Wed, 06 Oct 2021 05:00:34 +0000</pubDate>
<description>&lt;p&gt;Good.&lt;/p&gt;</description></item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<!-- the newest reviews -->
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Mag: Reviews</title><id>%(base)s/reviews/</id>
<link rel="self" href="%(base)s/reviews/atom.xml"/><updated>2021-10-06T05:00:34Z</updated>
<author><name>Mag</name></author>
<entry><title>A Film review</title><id>%(base)s/reviews/a-film/</id>
<link href="%(base)s/reviews/a-film/"/><updated>2021-10-06T05:00:34Z</updated>
<summary>Good.</summary></entry>
</feed>
"""

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>%(base)s/</loc><lastmod>2021-10-06T05:00:34+00:00</lastmod></url>
<url><loc>%(base)s/reviews/</loc><lastmod>2021-10-06</lastmod></url>
<url><loc>%(base)s/reviews/a-film/</loc><lastmod>2021-10-06T05:00:34Z</lastmod></url>
<url><loc>%(base)s/about/</loc><lastmod>2021-01-01</lastmod></url>
</urlset>
"""


def write(root, rel, text, mode="w"):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


def make_clean(root):
    pub, corpus = os.path.join(root, "public"), os.path.join(root, "corpus")
    write(pub, "index.html", page("Mag", """
        <h1>Mag</h1>
        <a href="reviews/a-film/"><img src="/images/a%20film.jpg"
           srcset="/images/a%20film.jpg 1x, images/a-film-2x.jpg?v=2 2x" alt="A still"></a>
        <a href="/reviews/a-film/#comments">Comments</a> <a href="?page=1">This page</a>
        <a href="https://mag.example.test/about/">About (absolute)</a>"""))
    write(pub, "reviews/index.html", page("Reviews", """
        <h1>Reviews</h1><a href="a-film/">A Film</a> <a href="../">Home</a>
        <a href="//mag.example.test/reviews/a-film/index.html">again</a>"""))
    write(pub, "reviews/a-film/index.html", page("A Film", """
        <article><h1>A Film</h1>
        <figure><img src="../../images/a%20film.jpg" alt="A still"><figcaption>Still.</figcaption></figure>
        <p>Back to <a href="/reviews/">reviews</a>.</p></article>""",
        '<link rel="alternate" type="application/atom+xml" href="/reviews/atom.xml">'))
    write(pub, "about/index.html", page("About", "<h1>About</h1><p>We write.</p>"))
    write(pub, "404.html", page("Not found", "<h1>Not found</h1>"))
    write(pub, "assets/site.3f2a91c0.css", "body{margin:0}\n")
    write(pub, "images/a film.jpg", b"\xff\xd8\xff\xd9", "wb")
    write(pub, "images/a-film-2x.jpg", b"\xff\xd8\xff\xd9", "wb")
    write(pub, "feed.xml", RSS % {"base": BASE})
    write(pub, "reviews/atom.xml", ATOM % {"base": BASE})
    write(pub, "sitemap.xml", SITEMAP % {"base": BASE})
    write(pub, "robots.txt", "User-agent: *\nAllow: /\n\nSitemap: %s/sitemap.xml\n" % BASE)
    write(corpus, "content/_index.md", "---\ntitle: Mag\n---\n")
    write(corpus, "content/about.md", "---\ntitle: About\n---\nWe write.\n")
    write(corpus, "content/reviews/_index.md", "---\ntitle: Reviews\n---\n")
    # the slug comes from front matter, not from the file name
    write(corpus, "content/reviews/2021-a-film.md",
          '---\ntitle: "A Film"\nslug: "a-film"\ndate: 2021-10-06\n---\nGood.\n')
    write(corpus, "content/reviews/unfinished.md",
          '---\ntitle: "Unfinished"\ndraft: true\ndate: 2021-10-06\n---\nSoon.\n')
    return pub, corpus


def break_site(pub, corpus):
    # one broken link and one broken image on an otherwise valid page
    path = os.path.join(pub, "about/index.html")
    with open(path) as f:
        text = f.read()
    text = text.replace("<p>We write.</p>",
                        '<p>We write. <a href="/reviews/no-such-film/">Lost</a>'
                        ' <img src="../images/missing.jpg" alt="x"></p>')
    with open(path, "w") as f:
        f.write(text)
    # one invalid page: stray end tag, img without alt, duplicate id
    write(pub, "reviews/bad/index.html", page("Bad", """
        <h1 id="x">Bad</h1><p id="x">Unclosed <span>span</div>
        <img src="/images/a-film-2x.jpg">"""))
    # an article of the corpus missing from the sitemap; a <url> without <lastmod>
    write(corpus, "content/essays/on-waiting.md", '---\ntitle: "On Waiting"\n---\nLong.\n')
    sm = os.path.join(pub, "sitemap.xml")
    with open(sm) as f:
        text = f.read()
    text = text.replace("<lastmod>2021-01-01</lastmod>", "")
    with open(sm, "w") as f:
        f.write(text)
    # a feed that is not well-formed and one with an entry without a date
    write(pub, "essays/feed.xml", (RSS % {"base": BASE}).replace("</channel>", ""))
    write(pub, "atom.xml", (ATOM % {"base": BASE}).replace(
        "<updated>2021-10-06T05:00:34Z</updated>\n<summary>", "<summary>"))
    write(pub, "robots.txt", "User-agent: *\nAllow: /\n")
    # an OpenGraph image that does not exist
    path = os.path.join(pub, "reviews/a-film/index.html")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace('<link rel="alternate" type="application/atom+xml"',
                             '<meta property="og:image" content="%s/images/gone.jpg">\n'
                             '<link rel="alternate" type="application/atom+xml"' % BASE))
    os.remove(os.path.join(pub, "404.html"))


def run_check(pub, corpus, vnu):
    cmd = ["/usr/bin/python3", CHECK, "--public", pub, "--corpus", corpus, "--base-url", BASE]
    if vnu:
        cmd += ["--vnu", vnu]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def main():
    vnu = os.path.join(REPO, "node_modules/vnu-jar/build/dist/vnu.jar")
    if len(sys.argv) == 3 and sys.argv[1] == "--vnu":
        vnu = sys.argv[2]
    if not os.path.isfile(vnu):
        print("check_site_test: %s missing (run scripts/setup.sh --test)" % vnu)
        return 1
    passed = failed = 0

    def expect(name, cond, output):
        nonlocal passed, failed
        if cond:
            passed += 1
            print("ok    %s" % name)
        else:
            failed += 1
            print("FAIL  %s\n%s" % (name, textwrap.indent(output, "      | ")))

    tmp = tempfile.mkdtemp(prefix="check-site-test.")
    try:
        pub, corpus = make_clean(tmp)
        rc, out = run_check(pub, corpus, vnu)
        expect("clean site passes (exit 0)", rc == 0, out)
        expect("clean site summary",
               out.rstrip().endswith("check_site: 5 pages, 0 HTML errors, 0 broken links, "
                                     "2 feeds ok, sitemap 1/1, JSON-LD on every page (0 reviews)"),
               out)

        break_site(pub, corpus)
        rc, out = run_check(pub, corpus, vnu)
        expect("broken site fails (exit 1)", rc == 1, out)
        checks = [
            ("broken link named with page and target",
             r'LINKS +about/index.html:\d+: href="/reviews/no-such-film/" -> no file for /reviews/no-such-film/'),
            ("broken relative image named",
             r'LINKS +about/index.html:\d+: src="../images/missing.jpg" -> no file for /images/missing.jpg'),
            ("missing og:image named",
             r'LINKS +reviews/a-film/index.html:\d+: og:image="%s/images/gone.jpg" -> no file for /images/gone.jpg' % re.escape(BASE)),
            ("invalid page: stray end tag", r'HTML +reviews/bad/index.html:\d+:\d+: error: .*[Ss]tray end tag'),
            ("invalid page: img without alt", r'HTML +reviews/bad/index.html:\d+:\d+: error: .*alt'),
            ("invalid page: duplicate id", r'HTML +reviews/bad/index.html:\d+:\d+: error: .*[Dd]uplicate ID'),
            ("article missing from sitemap", r'SITEMAP +article /essays/on-waiting/ is not in the sitemap'),
            ("url without lastmod", r'SITEMAP +sitemap.xml: %s/about/ has no <lastmod>' % re.escape(BASE)),
            ("malformed feed", r'FEEDS +essays/feed.xml: not well-formed \(bozo\)'),
            ("feed entry without date", r'FEEDS +atom.xml: entry 1 \(A Film review\): missing date'),
            ("robots.txt without sitemap", r'MISC +robots.txt does not name the sitemap'),
            ("404.html missing", r'MISC +404.html is missing'),
            ("summary counts", r'(?m)^check_site: 5 pages, [1-9]\d* HTML errors, 3 broken links, '
                               r'2/4 feeds ok, sitemap 1/2, JSON-LD on every page \(0 reviews\), 3 other problems$'),
        ]
        for name, pattern in checks:
            expect(name, re.search(pattern, out), out)

        rc, out = run_check(pub, corpus, None)
        expect("without --vnu HTML is skipped",
               "HTML not validated (no --vnu)" in out and "HTML " not in out.replace(
                   "HTML not validated", ""), out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("check_site_test: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
