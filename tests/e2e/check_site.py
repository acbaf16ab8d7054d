#!/usr/bin/python3
"""Checks a built cinepress site folder the way a browser, a feed reader and a
search engine would see it. Standard library + feedparser only.

    check_site.py --public DIR --corpus CORPUS_DIR --base-url URL [--vnu vnu.jar]

Checks, reporting every failure (exit 1 if there is any):
  html      every .html file is valid HTML5 per the Nu Html Checker (one JVM run);
            skipped when --vnu is not given
  links     every href/src/srcset (and og:image/og:url/twitter:image) of every
            page that is relative or under the base URL resolves to a file in
            DIR; so do the entry links of every feed and every <loc> of the sitemap
  feeds     every .xml file that is an RSS or Atom feed parses with feedparser
            without bozo, has entries, and each entry has a title, link and date
  sitemap   sitemap.xml is well-formed, every <url> has a <loc> under the base
            URL and a W3C-datetime <lastmod>, and every article of the corpus
            (content/<section>/<slug>.md) is listed as BASE/<section>/<slug>/
  misc      robots.txt names BASE/sitemap.xml; 404.html exists

Ends with one summary line:
  check_site: 712 pages, 0 HTML errors, 0 broken links, 845 feeds ok, sitemap 300/300
"""

import argparse
import collections
import concurrent.futures
import html.parser
import json
import os
import posixpath
import re
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET

import feedparser

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# W3C Datetime as sitemaps.org allows it: YYYY, YYYY-MM, YYYY-MM-DD, or a full
# date and time (minutes required, seconds and fractions optional) with a zone.
W3C_DATETIME = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$")
META_URL_KEYS = {"og:url", "og:image", "og:image:url", "og:image:secure_url", "og:audio",
                 "og:video", "twitter:image", "twitter:image:src"}
IGNORED_SCHEMES = {"mailto", "tel", "javascript", "data", "sms", "geo", "about", "blob"}


class Report:
    """Collects failures by check; prints each as it is found."""

    def __init__(self):
        self.counts = collections.Counter()

    def fail(self, check, message):
        self.counts[check] += 1
        print("%-7s %s" % (check.upper(), message), flush=True)

    def total(self):
        return sum(self.counts.values())


# --------------------------------------------------------------------------
# HTML validity (Nu Html Checker)
# --------------------------------------------------------------------------

def start_vnu(vnu_jar, public):
    cmd = ["java", "-Xss2m", "-jar", vnu_jar, "--errors-only", "--format", "json",
           "--skip-non-html", public]
    try:
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        print("check_site: cannot run java: %s (run scripts/setup.sh --test)" % e,
              file=sys.stderr)
        sys.exit(2)


def finish_vnu(proc, public, report):
    """Returns the number of HTML errors (each reported)."""
    out, err = proc.communicate()
    # vnu writes its JSON report to stderr unless --stdout is given.
    text = (err or b"").decode("utf-8", "replace").strip()
    if not text:
        text = (out or b"").decode("utf-8", "replace").strip()
    try:
        messages = json.loads(text).get("messages", [])
    except ValueError:
        report.fail("html", "vnu exited %d with output that is not JSON: %s"
                    % (proc.returncode, text[:2000]))
        return 1
    errors = 0
    found = []
    for m in messages:
        if m.get("type") == "info":  # only with --errors-only off; be safe
            continue
        url = m.get("url", "")
        path = urllib.parse.unquote(urllib.parse.urlparse(url).path) if url else "?"
        rel = os.path.relpath(path, public) if path.startswith("/") else path
        found.append((rel, m.get("lastLine", m.get("firstLine", 0)),
                      m.get("firstColumn", m.get("lastColumn", 0)), m))
    found.sort(key=lambda t: (t[0], t[1] or 0, t[2] or 0))
    for rel, line, col, m in found:
        errors += 1
        kind = m.get("type", "error")
        if m.get("subType"):
            kind += "/" + m["subType"]
        extract = (m.get("extract") or "").replace("\n", "\\n")
        msg = "%s:%s:%s: %s: %s" % (rel, line, col, kind, m.get("message", ""))
        if extract:
            msg += "  [%s]" % extract.strip()[:160]
        report.fail("html", msg)
    if errors == 0 and proc.returncode != 0:
        report.fail("html", "vnu exited %d without reporting an error" % proc.returncode)
        errors = 1
    return errors


# --------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------

def parse_srcset(value):
    """URLs of a srcset attribute (HTML's 'parse a srcset attribute', simplified)."""
    urls, i, n = [], 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        elif url:
            # skip descriptors up to the next comma outside parentheses
            depth = 0
            while i < n:
                c = value[i]
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth = max(0, depth - 1)
                elif c == "," and depth == 0:
                    break
                i += 1
        if url:
            urls.append(url)
    return urls


class LinkCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs = []  # (line, attr, url)
        self.base_href = None

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            # OpenGraph / Twitter card URLs are references to our pages and images too
            a = dict(attrs)
            key = (a.get("property") or a.get("name") or "").lower()
            if key in META_URL_KEYS and a.get("content"):
                self.refs.append((self.getpos()[0], key, a["content"].strip()))
            return
        for name, value in attrs:
            if value is None:
                continue
            if tag == "base" and name == "href" and self.base_href is None:
                self.base_href = value.strip()
            elif name in ("href", "src"):
                self.refs.append((self.getpos()[0], name, value.strip()))
            elif name in ("srcset", "imagesrcset"):
                for url in parse_srcset(value):
                    self.refs.append((self.getpos()[0], name, url))

    handle_startendtag = handle_starttag


class Site:
    """Maps site URLs to files of the public folder."""

    def __init__(self, public, base_url):
        self.public = os.path.realpath(public)
        self.base = base_url.rstrip("/")
        parsed = urllib.parse.urlsplit(self.base)
        self.base_netloc = parsed.netloc.lower()
        self.base_path = parsed.path.rstrip("/")  # "" or "/mag"
        self._exists = {}

    def page_path(self, rel_file):
        """URL path of a file in the public folder (site-relative, leading /)."""
        return "/" + rel_file.replace(os.sep, "/")

    def internal_path(self, url, page_path):
        """The site path a reference points to, or None when it is not ours
        to check (other host, mailto:, #fragment, empty)."""
        if not url or url.startswith("#"):
            return None
        parts = urllib.parse.urlsplit(url)
        if parts.scheme:
            if parts.scheme.lower() in IGNORED_SCHEMES:
                return None
            if not (url == self.base or url.startswith(self.base + "/")
                    or url.startswith(self.base + "?") or url.startswith(self.base + "#")):
                return None  # another host (or another scheme/prefix)
            path = parts.path or "/"
            path = path[len(self.base_path):] or "/"
        elif parts.netloc:  # //host/path
            if parts.netloc.lower() != self.base_netloc:
                return None
            path = parts.path or "/"
            if self.base_path and path.startswith(self.base_path + "/"):
                path = path[len(self.base_path):]
        else:
            if not parts.path:  # "?q" only: the page itself
                return None
            path = urllib.parse.urljoin(page_path, parts.path)
            if self.base_path and path.startswith(self.base_path + "/"):
                path = path[len(self.base_path):]
        return urllib.parse.unquote(path)

    def resolve(self, path):
        """The file a site path maps to, or None when there is none."""
        if path in self._exists:
            return self._exists[path]
        trailing = path.endswith("/")
        norm = posixpath.normpath("/" + path.lstrip("/"))
        rel = norm.lstrip("/")
        candidates = []
        if trailing or rel == "":
            candidates.append(os.path.join(rel, "index.html"))
        else:
            candidates.append(rel)
            candidates.append(os.path.join(rel, "index.html"))
        found = None
        if ".." not in norm.split("/"):
            for cand in candidates:
                full = os.path.join(self.public, cand)
                if os.path.isfile(full):
                    found = cand
                    break
        self._exists[path] = found
        return found


def check_links(site, html_files, report):
    """Checks every page's references. Returns (broken pairs, Counter of targets)."""
    broken = 0
    by_target = collections.Counter()
    for rel in html_files:
        full = os.path.join(site.public, rel)
        with open(full, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        parser = LinkCollector()
        try:
            parser.feed(text)
            parser.close()
        except Exception as e:  # html.parser is lenient; this is unexpected
            report.fail("links", "%s: could not parse HTML: %s" % (rel, e))
            broken += 1
            continue
        page = site.page_path(rel)
        if parser.base_href:  # <base href> changes what relative URLs mean
            page = site.internal_path(parser.base_href, page) or page
        seen = set()
        for line, attr, url in parser.refs:
            path = site.internal_path(url, page)
            if path is None or site.resolve(path) is not None:
                continue
            if url in seen:
                continue
            seen.add(url)
            broken += 1
            by_target[path] += 1
            report.fail("links", "%s:%d: %s=\"%s\" -> no file for %s"
                        % (rel, line, attr, url, path))
    return broken, by_target


def check_absolute_urls(site, source, urls, report, by_target):
    """Checks absolute URLs found outside pages (feed entries, sitemap)."""
    broken = 0
    for url in urls:
        path = site.internal_path(url, "/")
        if path is None or site.resolve(path) is not None:
            continue
        broken += 1
        by_target[path] += 1
        report.fail("links", "%s: %s -> no file for %s" % (source, url, path))
    return broken


# --------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------

def looks_like_feed(full):
    with open(full, "rb") as f:
        head = f.read(4096)
    # Skip the XML declaration, comments and processing instructions.
    head = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", head, flags=re.S)
    m = re.search(rb"<([A-Za-z_][\w.:-]*)", head)
    if not m:
        return False
    name = m.group(1).split(b":")[-1]
    return name in (b"rss", b"feed")


def parse_feed(full):
    """Runs in a worker process: returns (problems, entry links, entry count)."""
    d = feedparser.parse(full)
    problems = []
    if d.get("bozo"):
        problems.append("not well-formed (bozo): %s" % d.get("bozo_exception"))
    entries = d.get("entries", [])
    if not entries:
        problems.append("has no entries")
    links = []
    for i, e in enumerate(entries, 1):
        title = (e.get("title") or "").strip()
        link = (e.get("link") or "").strip()
        date = e.get("published_parsed") or e.get("updated_parsed")
        missing = [n for n, v in (("title", title), ("link", link), ("date", date)) if not v]
        if missing:
            problems.append("entry %d (%s): missing %s"
                            % (i, title[:60] or link or "?", ", ".join(missing)))
        if link:
            links.append(link)
    return problems, links, len(entries)


def check_feeds(site, xml_files, report, by_target):
    feeds = [rel for rel in xml_files if looks_like_feed(os.path.join(site.public, rel))]
    ok = 0
    broken_links = 0
    workers = max(1, min(len(feeds), os.cpu_count() or 1))
    if not feeds:
        report.fail("feeds", "no RSS or Atom feed (*.xml) found")
        return 0, 0, 0
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(parse_feed, [os.path.join(site.public, r) for r in feeds],
                           chunksize=8)
        for rel, (problems, links, _) in zip(feeds, results):
            for p in problems:
                report.fail("feeds", "%s: %s" % (rel, p))
            if not problems:
                ok += 1
            broken_links += check_absolute_urls(site, rel, links, report, by_target)
    return ok, len(feeds), broken_links


# --------------------------------------------------------------------------
# Sitemap, robots.txt, 404
# --------------------------------------------------------------------------

def read_slug(md_path):
    """slug: from the YAML front matter, if present (top-level key only)."""
    with open(md_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for line in lines[1:]:
        if line.strip() in ("---", "..."):
            break
        m = re.match(r"^slug:\s*(.*?)\s*$", line)
        if m:
            v = m.group(1)
            if v.startswith('"') and v.endswith('"') and len(v) >= 2:
                v = v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            elif v.startswith("'") and v.endswith("'") and len(v) >= 2:
                v = v[1:-1].replace("''", "'")
            else:
                v = re.sub(r"\s+#.*$", "", v)
            return v or None
    return None


def is_draft(md_path):
    with open(md_path, encoding="utf-8") as f:
        text = f.read()
    m = re.match(r"---\n(.*?)\n---", text, flags=re.S)
    return bool(m and re.search(r"^draft:\s*(true|yes|on)\s*$", m.group(1), flags=re.M | re.I))


def corpus_articles(corpus):
    """Expected article URL paths: /<section>/<slug>/ (drafts excluded)."""
    content = os.path.join(corpus, "content")
    expected = []
    for section in sorted(os.listdir(content)):
        sdir = os.path.join(content, section)
        # Workshops are not articles (src/workshops reads them; docs/WORKSHOPS.md).
        if not os.path.isdir(sdir) or section == "workshops":
            continue
        for name in sorted(os.listdir(sdir)):
            if not name.endswith(".md") or name == "_index.md":
                continue
            path = os.path.join(sdir, name)
            if is_draft(path):
                continue
            slug = read_slug(path) or name[:-3]
            expected.append("/%s/%s/" % (section, slug))
    return expected


def check_sitemap(site, corpus, report, by_target):
    """Returns (articles found, articles expected, broken loc links)."""
    expected = corpus_articles(corpus)
    locs = []
    path = os.path.join(site.public, "sitemap.xml")
    if not os.path.isfile(path):
        report.fail("sitemap", "sitemap.xml is missing")
        return 0, len(expected), 0
    todo, done = ["sitemap.xml"], set()
    while todo:
        rel = todo.pop(0)
        if rel in done:
            continue
        done.add(rel)
        try:
            root = ET.parse(os.path.join(site.public, rel)).getroot()
        except (ET.ParseError, OSError) as e:
            report.fail("sitemap", "%s: not well-formed XML: %s" % (rel, e))
            continue
        if root.tag == SITEMAP_NS + "sitemapindex":
            for sm in root.findall(SITEMAP_NS + "sitemap"):
                loc = (sm.findtext(SITEMAP_NS + "loc") or "").strip()
                child = site.internal_path(loc, "/")
                if not loc.startswith(site.base + "/") or child is None:
                    report.fail("sitemap", "%s: <sitemap><loc>%s</loc> is not under %s"
                                % (rel, loc, site.base))
                elif site.resolve(child) is None:
                    report.fail("sitemap", "%s: child sitemap %s does not exist" % (rel, loc))
                else:
                    todo.append(site.resolve(child))
            continue
        if root.tag != SITEMAP_NS + "urlset":
            report.fail("sitemap", "%s: root element is %s, not {%s}urlset"
                        % (rel, root.tag, SITEMAP_NS[1:-1]))
            continue
        urls = root.findall(SITEMAP_NS + "url")
        if not urls:
            report.fail("sitemap", "%s: has no <url>" % rel)
        for i, u in enumerate(urls, 1):
            loc = (u.findtext(SITEMAP_NS + "loc") or "").strip()
            lastmod = u.findtext(SITEMAP_NS + "lastmod")
            if not loc:
                report.fail("sitemap", "%s: <url> #%d has no <loc>" % (rel, i))
                continue
            if not loc.startswith(site.base + "/"):
                report.fail("sitemap", "%s: <loc>%s</loc> does not start with %s/"
                            % (rel, loc, site.base))
            if lastmod is None or not lastmod.strip():
                report.fail("sitemap", "%s: %s has no <lastmod>" % (rel, loc))
            elif not W3C_DATETIME.match(lastmod.strip()):
                report.fail("sitemap", "%s: %s: <lastmod>%s</lastmod> is not a W3C datetime"
                            % (rel, loc, lastmod.strip()))
            locs.append(loc)
    broken = check_absolute_urls(site, "sitemap.xml", locs, report, by_target)
    listed = {urllib.parse.unquote(l) for l in locs}
    found = 0
    missing = []
    for p in expected:
        if urllib.parse.unquote(site.base + p) in listed:
            found += 1
        else:
            missing.append(p)
    for p in missing:
        report.fail("sitemap", "article %s is not in the sitemap (expected <loc>%s%s</loc>)"
                    % (p, site.base, p))
    return found, len(expected), broken


def check_misc(site, report):
    robots = os.path.join(site.public, "robots.txt")
    want = site.base + "/sitemap.xml"
    if not os.path.isfile(robots):
        report.fail("misc", "robots.txt is missing")
    else:
        with open(robots, encoding="utf-8", errors="replace") as f:
            named = [l.split(":", 1)[1].strip() for l in f
                     if l.lower().startswith("sitemap:")]
        if want not in named:
            report.fail("misc", "robots.txt does not name the sitemap (want 'Sitemap: %s'; has %s)"
                        % (want, named or "no Sitemap: line"))
    if not os.path.isfile(os.path.join(site.public, "404.html")):
        report.fail("misc", "404.html is missing")


_JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def check_jsonld(site, html_files, report):
    """Every page carries schema.org JSON-LD that parses, with a BreadcrumbList. Returns the
    number of pages checked and of Review items seen."""
    reviews = 0
    for rel in html_files:
        with open(os.path.join(site.public, rel), encoding="utf-8", errors="replace") as f:
            text = f.read()
        blocks = _JSONLD.findall(text)
        if not blocks:
            report.fail("jsonld", "%s: no JSON-LD" % rel)
            continue
        for block in blocks:
            try:
                doc = json.loads(block)
            except ValueError as e:
                report.fail("jsonld", "%s: JSON-LD does not parse: %s" % (rel, e))
                continue
            if doc.get("@context") != "https://schema.org":
                report.fail("jsonld", "%s: JSON-LD without the schema.org @context" % rel)
            graph = doc.get("@graph", [doc])
            types = [node.get("@type") for node in graph if isinstance(node, dict)]
            if "BreadcrumbList" not in types:
                report.fail("jsonld", "%s: no BreadcrumbList" % rel)
            for node in graph:
                if isinstance(node, dict) and node.get("@type") == "Review":
                    reviews += 1
                    item = node.get("itemReviewed", {})
                    if item.get("@type") != "Movie" or not item.get("name"):
                        report.fail("jsonld", "%s: a Review without its Movie" % rel)
    return reviews


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--public", required=True, help="the built site folder")
    ap.add_argument("--corpus", required=True, help="the content folder it was built from")
    ap.add_argument("--base-url", required=True, help="the site's base_url")
    ap.add_argument("--vnu", help="path to vnu.jar (HTML validation is skipped without it)")
    args = ap.parse_args()

    if not os.path.isdir(args.public):
        print("check_site: %s is not a folder" % args.public, file=sys.stderr)
        return 2
    if not os.path.isdir(os.path.join(args.corpus, "content")):
        print("check_site: %s has no content/ folder" % args.corpus, file=sys.stderr)
        return 2
    if args.vnu and not os.path.isfile(args.vnu):
        print("check_site: %s does not exist (run scripts/setup.sh --test)" % args.vnu,
              file=sys.stderr)
        return 2

    site = Site(args.public, args.base_url)
    report = Report()
    html_files, xml_files = [], []
    for dirpath, dirnames, filenames in os.walk(site.public):
        dirnames.sort()
        for name in sorted(filenames):
            rel = os.path.relpath(os.path.join(dirpath, name), site.public)
            if name.endswith(".html"):
                html_files.append(rel)
            elif name.endswith(".xml"):
                xml_files.append(rel)

    # The JVM runs while Python checks links, feeds and the sitemap.
    vnu = start_vnu(args.vnu, site.public) if args.vnu else None

    by_target = collections.Counter()
    broken, by_target = check_links(site, html_files, report)
    feeds_ok, feeds_total, feed_broken = check_feeds(site, xml_files, report, by_target)
    found, expected, sitemap_broken = check_sitemap(site, args.corpus, report, by_target)
    broken += feed_broken + sitemap_broken
    check_misc(site, report)
    reviews = check_jsonld(site, html_files, report)

    if vnu is not None:
        html_errors = finish_vnu(vnu, site.public, report)
        html_part = "%d HTML errors" % html_errors
    else:
        html_part = "HTML not validated (no --vnu)"

    if by_target:
        print("Most-referenced missing targets:")
        for path, n in by_target.most_common(15):
            print("  %5d  %s" % (n, path))

    if feeds_total == 0:
        feeds_part = "no feeds"
    elif feeds_ok == feeds_total:
        feeds_part = "%d feeds ok" % feeds_ok
    else:
        feeds_part = "%d/%d feeds ok" % (feeds_ok, feeds_total)
    summary = "check_site: %d pages, %s, %d broken links, %s, sitemap %d/%d" % (
        len(html_files), html_part, broken, feeds_part, found, expected)
    summary += ", JSON-LD on every page (%d reviews)" % reviews if not report.counts["jsonld"] \
        else ", %d JSON-LD problems" % report.counts["jsonld"]
    other = report.counts["sitemap"] + report.counts["misc"] - (expected - found)
    if other:
        summary += ", %d other problems" % other
    print(summary)
    return 1 if report.total() else 0


if __name__ == "__main__":
    sys.exit(main())
