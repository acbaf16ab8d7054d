#!/usr/bin/env python3
"""Check the demo magazine (demo/) before it ships.

    /usr/bin/python3 demo/tools/check_demo.py [DEMO_DIR]

Follows docs/CONTENT.md and adds the demo's own editorial rules. Exits 1 and
prints one line per problem (file:line: message) when anything is wrong;
prints a short summary and exits 0 when clean. Warnings are printed but do
not fail the check. Needs PyYAML (apt-get install python3-yaml).
"""

import datetime as dt
import os
import re
import sys
import tomllib
import unicodedata
import xml.etree.ElementTree as ET

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("check_demo.py needs PyYAML: apt-get install -y python3-yaml")

SECTIONS = ["reviews", "interviews", "essays", "festivals"]
SECTION_TITLES = {"reviews": "Reviews", "interviews": "Interviews",
                  "essays": "Essays", "festivals": "Festival Coverage"}
SECTION_CATEGORY = {"reviews": "Film Reviews", "interviews": "Interviews",
                    "essays": "Essays", "festivals": "Film Festivals"}
EDITIONS = {"TIFF25": "Toronto International Film Festival",
            "Berlinale2026": "Berlinale"}
STATIC_PAGES = ["about", "privacy", "faq", "contribute", "contact"]
LAST_DATE = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
FIRST_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
TZ = dt.timezone(dt.timedelta(hours=-5))  # site zone (America/Toronto), close enough
ARTICLE_WORDS = (250, 600)
SVG_MAX_BYTES = 4096

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), ".."))
errors, warnings = [], []


def rel(path):
    return os.path.relpath(path, ROOT)


def err(path, line, msg):
    errors.append("%s:%s: %s" % (rel(path), line, msg))


def warn(path, line, msg):
    warnings.append("%s:%s: warning: %s" % (rel(path), line, msg))


def slugify(text):
    """Lower-case ASCII slug, as used for tag and category URLs."""
    text = unicodedata.normalize("NFKD", text)
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# --------------------------------------------------------------------------
# Front matter
# --------------------------------------------------------------------------

def split_front_matter(path):
    """Return (front matter text, body text, body's first line number)."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    lines = text.split("\n")
    if not lines or lines[0] != "---":
        err(path, 1, "front matter must start with a '---' line")
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i] == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    err(path, 1, "front matter has no closing '---' line")
    return None, text, 1


def field_lines(fm_text):
    """Map each top-level key to its line number in the file."""
    out = {}
    for n, line in enumerate(fm_text.split("\n"), start=2):
        m = re.match(r"^([A-Za-z_]+):", line)
        if m:
            out[m.group(1)] = n
    return out


PLAIN_OK = re.compile(
    r"^(-?\d+|true|false|\d{4}-\d\d-\d\d([T ][0-9:]+([+-]\d\d:\d\d|Z)?)?)$")


def lint_quoting(path, fm_text):
    """Strings are double-quoted: flag bare scalars and single quotes."""
    for n, line in enumerate(fm_text.split("\n"), start=2):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        m = re.match(r"^(?:- |[A-Za-z_]+:\s?)(.*)$", s)
        if not m:
            err(path, n, "cannot read this front matter line: %r" % s)
            continue
        value = m.group(1).strip()
        if value == "" or value.startswith('"') or PLAIN_OK.match(value):
            continue
        if value.startswith("["):
            inner = value[1:-1].strip() if value.endswith("]") else None
            if inner is None:
                err(path, n, "unclosed list")
                continue
            items = re.findall(r'"(?:[^"\\]|\\.)*"|[^,\s][^,]*', inner)
            for it in items:
                it = it.strip()
                if not it.startswith('"') and not PLAIN_OK.match(it):
                    err(path, n, "list item %s is not double-quoted" % it)
            continue
        err(path, n, "string value %s is not double-quoted" % value)


def load_front_matter(path):
    fm_text, body, body_line = split_front_matter(path)
    if fm_text is None:
        return None, body, body_line, {}
    try:
        fm = yaml.safe_load(fm_text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        err(path, (mark.line + 2) if mark else 1, "YAML: %s" %
            str(e).replace("\n", " "))
        return None, body, body_line, {}
    if not isinstance(fm, dict):
        err(path, 1, "front matter is not a map")
        return None, body, body_line, {}
    lint_quoting(path, fm_text)
    return fm, body, body_line, field_lines(fm_text)


def as_datetime(value):
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=TZ)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=TZ)
    if isinstance(value, str):
        for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(value, fmt).replace(tzinfo=TZ)
            except ValueError:
                pass
    return None


def need_str(path, lines, fm, key, where=None):
    value = fm.get(key)
    if not isinstance(value, str) or not value.strip():
        err(path, lines.get(where or key, 1),
            "%s: missing or not a non-empty string" % key)
        return False
    return True


def need_str_list(path, lines, fm, key, lo=1, hi=99):
    value = fm.get(key)
    if not isinstance(value, list) or not all(
            isinstance(v, str) and v.strip() for v in value):
        err(path, lines.get(key, 1), "%s: must be a list of strings" % key)
        return []
    if not lo <= len(value) <= hi:
        err(path, lines.get(key, 1), "%s: %d items, want %d-%d" %
            (key, len(value), lo, hi))
    if len(set(value)) != len(value):
        err(path, lines.get(key, 1), "%s: duplicate items" % key)
    return value


# --------------------------------------------------------------------------
# Body
# --------------------------------------------------------------------------

LINK_RE = re.compile(r"\]\((/[^)\s]*)(?:\s+\"[^\"]*\")?\)")
IMAGE_RE = re.compile(r"/images/[A-Za-z0-9._-]+\.svg")
FIGURE_RE = re.compile(r"^!\[([^\]]+)\]\((/images/[^)\s]+)\s+\"([^\"]+)\"\)$")


def words(body):
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", body)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return len(re.findall(r"[\w’'-]+", text))


def check_body(path, body, body_line):
    for n, line in enumerate(body.split("\n"), start=body_line):
        if "![" in line:
            if not FIGURE_RE.match(line.strip()):
                err(path, n, "in-body image must be alone in its paragraph as "
                    '![alt](/images/x.svg "Caption")')
        if re.search(r"\]\((https?:)?//", line):
            warn(path, n, "external link")
    # footnotes: every reference has a definition and vice versa
    refs = set(re.findall(r"\[\^([^\]]+)\](?!:)", body))
    defs = set(re.findall(r"^\[\^([^\]]+)\]:", body, re.M))
    for r in sorted(refs - defs):
        err(path, body_line, "footnote [^%s] has no definition" % r)
    for d in sorted(defs - refs):
        err(path, body_line, "footnote [^%s] is never referenced" % d)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main():
    content = os.path.join(ROOT, "content")
    images_dir = os.path.join(ROOT, "static", "images")

    # ---- config
    cfg_path = os.path.join(ROOT, "cinepress.toml")
    try:
        with open(cfg_path, "rb") as fh:
            cfg = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as e:
        err(cfg_path, 1, "TOML: %s" % e)
        cfg = {}
    for key in ("title", "description", "base_url", "language", "timezone",
                "theme"):
        if not isinstance(cfg.get(key), str) or not cfg.get(key):
            err(cfg_path, 1, "%s: missing" % key)
    if not isinstance(cfg.get("paginate"), int):
        err(cfg_path, 1, "paginate: missing or not an integer")

    # ---- authors
    authors_path = os.path.join(ROOT, "data", "authors.yaml")
    try:
        with open(authors_path, encoding="utf-8") as fh:
            authors = yaml.safe_load(fh) or {}
    except (OSError, yaml.YAMLError) as e:
        err(authors_path, 1, "YAML: %s" % e)
        authors = {}
    for aid, a in authors.items():
        if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", str(aid)):
            err(authors_path, 1, "author id %r is not a slug" % aid)
        if not isinstance(a, dict):
            err(authors_path, 1, "%s: not a map" % aid)
            continue
        for key in ("name", "role", "city", "handle", "bio"):
            if not isinstance(a.get(key), str) or not a[key].strip():
                err(authors_path, 1, "%s.%s: missing" % (aid, key))
        bio = a.get("bio") or ""
        sentences = len(re.findall(r"[.!?](\s|$)", bio))
        if not 2 <= sentences <= 3:
            err(authors_path, 1, "%s.bio: %d sentences, want 2-3" %
                (aid, sentences))
    name_to_id = {a["name"]: aid for aid, a in authors.items()
                  if isinstance(a, dict) and "name" in a}

    # ---- site and section indexes
    site_index = os.path.join(content, "_index.md")
    if os.path.exists(site_index):
        fm, _, _, lines = load_front_matter(site_index)
        if fm is not None:
            need_str(site_index, lines, fm, "title")
            need_str(site_index, lines, fm, "description")
    else:
        err(site_index, 1, "missing")
    for sec in SECTIONS:
        p = os.path.join(content, sec, "_index.md")
        if not os.path.exists(p):
            err(p, 1, "missing")
            continue
        fm, _, _, lines = load_front_matter(p)
        if fm is None:
            continue
        if fm.get("title") != SECTION_TITLES[sec]:
            err(p, lines.get("title", 1), "title should be %r" %
                SECTION_TITLES[sec])
        need_str(p, lines, fm, "description")

    # ---- articles and pages
    articles = {}       # url -> info
    image_refs = {}     # image path -> first referencing file
    links = []          # (file, line, url, from_date)
    featured = []
    per_section = {s: 0 for s in SECTIONS}
    per_author = {}
    tag_count, cat_count = {}, {}

    def note_images(path, text):
        for ref in IMAGE_RE.findall(text):
            image_refs.setdefault(ref, path)

    def note_links(path, body, body_line, date):
        for n, line in enumerate(body.split("\n"), start=body_line):
            for url in LINK_RE.findall(line):
                if not url.startswith("/images/"):
                    links.append((path, n, url, date))

    for name in sorted(os.listdir(content)):
        p = os.path.join(content, name)
        # Podcasts are checked by the import itself (docs/PODCASTS.md).
        if os.path.isdir(p) and name not in SECTIONS and name != "podcasts":
            err(p, 1, "unexpected folder in content/")
        if not name.endswith(".md") or name == "_index.md":
            continue
        slug = name[:-3]
        fm, body, body_line, lines = load_front_matter(p)
        if fm is None:
            continue
        need_str(p, lines, fm, "title")
        need_str(p, lines, fm, "summary")
        if as_datetime(fm.get("date")) is None:
            err(p, lines.get("date", 1), "date: missing or not a date")
        url = "/%s/" % fm.get("slug", slug)
        if url in articles:
            err(p, 1, "two files with URL %s" % url)
        articles[url] = {"path": p, "date": as_datetime(fm.get("date"))}
        note_images(p, body)
        note_links(p, body, body_line, as_datetime(fm.get("date")))
        check_body(p, body, body_line)
    for page in STATIC_PAGES:
        if "/%s/" % page not in articles:
            err(os.path.join(content, page + ".md"), 1, "static page missing")

    for sec in SECTIONS:
        d = os.path.join(content, sec)
        if not os.path.isdir(d):
            err(d, 1, "section folder missing")
            continue
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            if name == "_index.md":
                continue
            if not name.endswith(".md"):
                err(p, 1, "not a Markdown file")
                continue
            fm, body, body_line, lines = load_front_matter(p)
            if fm is None:
                continue
            slug = fm.get("slug", name[:-3])
            if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", str(slug)):
                err(p, lines.get("slug", 1), "slug %r is not a slug" % slug)
            url = "/%s/%s/" % (sec, slug)
            if url in articles:
                err(p, 1, "two files with URL %s" % url)
            per_section[sec] += 1

            known = {"title", "slug", "date", "updated", "author_id",
                     "authors", "categories", "tags", "summary", "featured",
                     "draft", "festival", "image", "film", "interviewee"}
            for key in fm:
                if key not in known:
                    err(p, lines.get(key, 1), "unknown field %s" % key)

            need_str(p, lines, fm, "title")
            date = as_datetime(fm.get("date"))
            if date is None:
                err(p, lines.get("date", 1), "date: missing or not a date")
            elif not FIRST_DATE <= date < LAST_DATE:
                err(p, lines.get("date", 1),
                    "date %s outside 2024-01-01 .. 2026-11-01" % date)
            if "updated" in fm and as_datetime(fm["updated"]) is None:
                err(p, lines.get("updated", 1), "updated: not a date")

            # authors
            aid = fm.get("author_id")
            if aid not in authors:
                err(p, lines.get("author_id", 1), "author_id %r is not in "
                    "data/authors.yaml" % aid)
            names = need_str_list(p, lines, fm, "authors", 1, 3)
            for n in names:
                if n not in name_to_id and n not in authors:
                    err(p, lines.get("authors", 1), "unknown author %r" % n)
            if aid in authors and authors[aid].get("name") not in names:
                err(p, lines.get("authors", 1), "authors does not include "
                    "%r (author_id %s)" % (authors[aid].get("name"), aid))
            per_author[aid] = per_author.get(aid, 0) + 1

            # taxonomy
            cats = need_str_list(p, lines, fm, "categories", 1, 3)
            if SECTION_CATEGORY[sec] not in cats:
                err(p, lines.get("categories", 1), "categories should include "
                    "%r" % SECTION_CATEGORY[sec])
            tags = need_str_list(p, lines, fm, "tags", 2, 6)
            for t in tags:
                tag_count[t] = tag_count.get(t, 0) + 1
            for c in cats:
                cat_count[c] = cat_count.get(c, 0) + 1

            need_str(p, lines, fm, "summary")
            summary = fm.get("summary") or ""
            if summary.count(". ") > 0 or not summary.rstrip().endswith(
                    (".", "?", "!")):
                warn(p, lines.get("summary", 1), "summary should be one "
                     "sentence ending in a full stop")
            if "featured" in fm:
                if not isinstance(fm["featured"], bool):
                    err(p, lines.get("featured", 1), "featured: not a boolean")
                elif fm["featured"]:
                    featured.append(url)
            if fm.get("draft"):
                err(p, lines.get("draft", 1), "demo articles are not drafts")

            # image
            img = fm.get("image")
            if not isinstance(img, dict):
                err(p, lines.get("image", 1), "image: missing map")
            else:
                want = "/images/%s.svg" % slug
                if img.get("src") != want:
                    err(p, lines.get("image", 1), "image.src should be %s" %
                        want)
                for key in ("alt", "caption"):
                    if not isinstance(img.get(key), str) or not img[key].strip():
                        err(p, lines.get("image", 1), "image.%s: missing" % key)
                if isinstance(img.get("src"), str):
                    image_refs.setdefault(img["src"], p)

            # section-specific maps
            film, iv, fest = fm.get("film"), fm.get("interviewee"), \
                fm.get("festival")
            if sec == "reviews":
                if not isinstance(film, dict):
                    err(p, lines.get("film", 1), "film: missing map")
                else:
                    for key in ("title", "original_title"):
                        if not isinstance(film.get(key), str) or not film[key]:
                            err(p, lines.get("film", 1), "film.%s: missing" % key)
                    for key in ("directors", "country", "cast"):
                        v = film.get(key)
                        if not isinstance(v, list) or not v or not all(
                                isinstance(x, str) and x for x in v):
                            err(p, lines.get("film", 1),
                                "film.%s: must be a non-empty list of strings"
                                % key)
                    for key, lo, hi in (("year", 1895, 2026),
                                        ("runtime_min", 1, 600)):
                        v = film.get(key)
                        if not isinstance(v, int) or isinstance(v, bool) \
                                or not lo <= v <= hi:
                            err(p, lines.get("film", 1), "film.%s: not an "
                                "integer in %d..%d" % (key, lo, hi))
                    if film.get("title") != fm.get("title"):
                        warn(p, lines.get("film", 1), "film.title differs "
                             "from the review's title")
            elif film is not None:
                err(p, lines.get("film", 1), "film: only reviews have one")
            if sec == "interviews":
                if not isinstance(iv, dict):
                    err(p, lines.get("interviewee", 1), "interviewee: missing")
                else:
                    for key in ("name", "job_title", "film"):
                        if not isinstance(iv.get(key), str) or not iv[key]:
                            err(p, lines.get("interviewee", 1),
                                "interviewee.%s: missing" % key)
                if "**" not in body:
                    err(p, body_line, "interview has no bold questions")
            elif iv is not None:
                err(p, lines.get("interviewee", 1),
                    "interviewee: only interviews have one")
            editions = [t for t in tags if t in EDITIONS]
            if sec == "festivals":
                if not isinstance(fest, str) or not fest:
                    err(p, lines.get("festival", 1), "festival: missing")
                if len(editions) != 1:
                    err(p, lines.get("tags", 1), "a dispatch needs exactly one "
                        "edition tag of %s" % ", ".join(EDITIONS))
                elif fest != EDITIONS[editions[0]]:
                    err(p, lines.get("festival", 1), "festival should be %r for "
                        "tag %s" % (EDITIONS[editions[0]], editions[0]))
            elif fest is not None:
                err(p, lines.get("festival", 1), "festival: only dispatches")

            # body
            n_words = words(body)
            if not ARTICLE_WORDS[0] <= n_words <= ARTICLE_WORDS[1]:
                err(p, body_line, "body has %d words, want %d-%d" %
                    ((n_words,) + ARTICLE_WORDS))
            check_body(p, body, body_line)
            note_images(p, body)
            note_links(p, body, body_line, date)
            articles[url] = {"path": p, "date": date, "section": sec,
                             "tags": tags, "categories": cats, "fm": fm}

    # ---- cross-references
    tag_slugs = {slugify(t) for t in tag_count}
    cat_slugs = {slugify(c) for c in cat_count}
    section_urls = {"/%s/" % s for s in SECTIONS}

    def url_exists(url):
        path = url.split("#")[0]
        if path in articles or path in section_urls or path in (
                "/", "/archive/"):
            return True
        m = re.match(r"^/tag/([^/]+)/$", path)
        if m:
            return m.group(1) in tag_slugs
        m = re.match(r"^/category/([^/]+)/$", path)
        if m:
            return m.group(1) in cat_slugs
        return False

    for path, line, url, date in links:
        if not url.endswith("/") and "#" not in url:
            err(path, line, "internal link %s should end with /" % url)
        if not url_exists(url):
            err(path, line, "internal link %s points nowhere" % url)
            continue
        target = articles.get(url.split("#")[0])
        source = articles.get(next((u for u, a in articles.items()
                                    if a["path"] == path), ""), {})
        if target and "section" in target and "section" in source and \
                date and target["date"] and target["date"] > date:
            warn(path, line, "links forward in time to %s" % url)
        if target and target["path"] == path:
            err(path, line, "links to itself")

    for menu in ("main", "footer"):
        for item in cfg.get("menus", {}).get(menu, []):
            for it in [item] + item.get("children", []):
                if not url_exists(it.get("url", "")):
                    err(cfg_path, 1, "menus.%s %r: %s points nowhere" %
                        (menu, it.get("name"), it.get("url")))

    # ---- images
    for ref, src in sorted(image_refs.items()):
        f = os.path.join(images_dir, ref[len("/images/"):])
        if not os.path.exists(f):
            err(src, 1, "image %s does not exist in static/images/" % ref)
    if os.path.isdir(images_dir):
        for name in sorted(os.listdir(images_dir)):
            f = os.path.join(images_dir, name)
            if "/images/" + name not in image_refs:
                warn(f, 1, "image is not referenced by any article")
            if not name.endswith(".svg"):
                continue
            size = os.path.getsize(f)
            if size > SVG_MAX_BYTES:
                err(f, 1, "%d bytes, want at most %d" % (size, SVG_MAX_BYTES))
            try:
                root = ET.parse(f).getroot()
            except ET.ParseError as e:
                err(f, 1, "not valid XML: %s" % e)
                continue
            ns = "{http://www.w3.org/2000/svg}"
            if root.tag != ns + "svg":
                err(f, 1, "root is not <svg> in the SVG namespace")
            for key, want in (("viewBox", "0 0 1600 900"), ("width", "1600"),
                              ("height", "900")):
                if root.get(key) != want:
                    err(f, 1, "%s should be %r" % (key, want))
            title = root.find(ns + "title")
            if title is None or not (title.text or "").strip():
                err(f, 1, "no <title>")

    # ---- totals
    if len(featured) != 3:
        err(content, 1, "%d featured articles, want 3: %s" %
            (len(featured), ", ".join(featured)))
    for t, n in sorted(tag_count.items()):
        if n < 2:
            warn(content, 1, "tag %r is used only once" % t)
    for aid in authors:
        if aid not in per_author:
            warn(authors_path, 1, "author %s has no articles" % aid)

    for w in warnings:
        print(w)
    for e in errors:
        print(e)
    if errors:
        print("%d problem(s)" % len(errors))
        return 1
    total = sum(per_section.values())
    print("demo OK: %d articles (%s), %d pages, %d authors, %d tags, "
          "%d categories, %d images, %d internal links, %d warning(s)" % (
              total, ", ".join("%s %d" % kv for kv in per_section.items()),
              len(STATIC_PAGES), len(authors), len(tag_count), len(cat_count),
              len(image_refs), len(links), len(warnings)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
