#!/usr/bin/python3
"""Stills through the real binary (issue #19): a demo magazine whose review has a JPEG lead still
and a JPEG figure, both made here with libvips' own `vips` from the demo's drawings.

    /usr/bin/python3 tests/e2e/stills_e2e_test.py BINARY [vnu.jar]

- the program does not link libvips; without its module (cinepress-stills.so) an import goes on,
  naming it for each image; with it,
- `import` makes the stills once (a second import makes none); `build` writes them under
  /_stills/ and keeps the manifests out;
- the review's page: the lead and the figure are <picture>s with AVIF and WebP srcsets and sizes,
  the fallback <img> has srcset, width, height, a tint class and its alt; the lead has
  fetchpriority=high, the figure loading=lazy; every <img> of every built page has width and
  height;
- every variant URL of the page is in the build and is served live (200, its image type, the
  same bytes); no variant is wider than the image;
- the review's page is valid HTML (the Nu Html Checker), when the jar is given.
Prints `stills_e2e_test: N passed, N failed`.
"""

import html.parser
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

check = nc.Checks("stills_e2e_test")
TYPES = {".avif": "image/avif", ".webp": "image/webp", ".jpg": "image/jpeg", ".png": "image/png"}


class Images(html.parser.HTMLParser):
    """The <img> and <source> tags of a page, as attribute dicts, with the <picture> they are in."""

    def __init__(self):
        super().__init__()
        self.imgs, self.sources, self.in_picture = [], [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "picture":
            self.in_picture = True
        elif tag == "source":
            self.sources.append(a)
        elif tag == "img":
            a["_in_picture"] = self.in_picture
            self.imgs.append(a)

    def handle_endtag(self, tag):
        if tag == "picture":
            self.in_picture = False


def parse(page):
    p = Images()
    p.feed(page)
    return p


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Content-Type", ""), body


def srcset_urls(srcset):
    return [part.strip().split(" ")[0] for part in srcset.split(",") if part.strip()]


def main():
    binary = os.path.abspath(sys.argv[1])
    vnu = sys.argv[2] if len(sys.argv) > 2 else ""
    root = tempfile.mkdtemp(prefix="cinepress-stills-")
    server = None
    try:
        site = os.path.join(root, "site")
        nc.run([binary, "demo", site], timeout=300)
        folder = os.path.join(root, "import")
        for part in ("content", "data", "static"):
            shutil.copytree(os.path.join(site, part), os.path.join(folder, part))
        images = os.path.join(folder, "static", "images")
        # A 2,600 px lead (wider than the widest variant) and a 1,000 px figure, drawn from the
        # demo's own SVGs.
        nc.run(["vips", "thumbnail", os.path.join(images, "after-dinner.svg"),
                os.path.join(images, "after-dinner.jpg[Q=92]"), "2600"])
        nc.run(["vips", "thumbnail", os.path.join(images, "low-water.svg"),
                os.path.join(images, "after-dinner-2.jpg[Q=92]"), "1000"])
        review = os.path.join(folder, "content", "reviews", "after-dinner.md")
        with open(review) as f:
            text = f.read().replace("/images/after-dinner.svg", "/images/after-dinner.jpg")
        text += '\n\n![Water low under a bridge](/images/after-dinner-2.jpg "A second still.")\n'
        with open(review, "w") as f:
            f.write(text)

        # The program does not link libvips: it loads cinepress-stills.so when it encodes.
        ldd = subprocess.run(["ldd", binary], capture_output=True, text=True)
        check("the program itself does not load libvips", ldd.returncode == 0 and
              "libvips" not in ldd.stdout, ldd.stdout)
        # Without the module, the import goes on: each image is reported, naming the module, and
        # is published as it is; the next import (with it) makes the stills.
        env = dict(os.environ, CINEPRESS_STILLS_MODULE=os.path.join(root, "cinepress-stills.so"))
        alone = subprocess.run([binary, "import", folder, "--site", site], capture_output=True,
                               text=True, timeout=300, env=env)
        said = alone.stdout + alone.stderr
        check("without the module the import goes on and names it", alone.returncode == 0 and
              "cinepress-stills.so cannot be loaded" in said and "stills: 2 images made" not in
              said, said)
        first = nc.run([binary, "import", folder, "--site", site], timeout=300)
        check("import makes the new images' stills", "stills: 2 images made" in first.stdout,
              first.stdout)
        again = nc.run([binary, "import", folder, "--site", site], timeout=300)
        check("a second import encodes nothing", "stills:" not in again.stdout, again.stdout)

        built = nc.run([binary, "build", "--site", site], timeout=300)
        check("build encodes nothing the import made", "stills:" not in built.stdout, built.stdout)
        public = os.path.join(site, "public")
        page_file = None
        for dirpath, _, files in os.walk(public):
            if dirpath.endswith("/after-dinner") and "index.html" in files and "/_stills" not in dirpath:
                page_file = os.path.join(dirpath, "index.html")
        if not check("the review is built", page_file is not None):
            return
        page_path = "/" + os.path.relpath(os.path.dirname(page_file), public) + "/"
        with open(page_file) as f:
            page = f.read()
        p = parse(page)
        lead = [i for i in p.imgs if i.get("alt", "").startswith("A long dining table")]
        figure = [i for i in p.imgs if i.get("alt") == "Water low under a bridge"]
        check("the lead and the figure are on the page", len(lead) == 1 and len(figure) == 1,
              [i.get("alt") for i in p.imgs])
        for name, img, want in (("lead", lead[0], "fetchpriority"), ("figure", figure[0], "loading")):
            check(f"the {name} is in a <picture>", img["_in_picture"])
            check(f"the {name} has width, height, srcset, sizes and a tint",
                  all(img.get(k) for k in ("width", "height", "srcset", "sizes")) and
                  re.search(r"\btint-[0-3]{3}\b", img.get("class", "")), img)
            check(f"the {name}'s fallback is a JPEG variant", img["src"].startswith("/_stills/") and
                  img["src"].endswith(".jpg"), img["src"])
        check("the lead is fetched first", lead[0].get("fetchpriority") == "high" and
              "loading" not in lead[0], lead[0])
        check("the figure loads lazily", figure[0].get("loading") == "lazy", figure[0])
        check("the lead is published at most 2400 px wide",
              lead[0]["width"] == "2400" and lead[0]["height"] == str(round(900 * 2400 / 1600)),
              lead[0])
        check("the figure keeps its own width", figure[0]["width"] == "1000", figure[0])
        types = sorted({s.get("type") for s in p.sources})
        check("AVIF and WebP sources", types == ["image/avif", "image/webp"], types)

        missing = []
        for dirpath, _, files in os.walk(public):
            for name in files:
                if name.endswith(".html"):
                    with open(os.path.join(dirpath, name)) as f:
                        for img in parse(f.read()).imgs:
                            if not img.get("width") or not img.get("height"):
                                missing.append((os.path.join(dirpath, name), img.get("src")))
        check("every <img> of the built site has width and height", not missing, missing[:5])
        manifests = [f for d, _, fs in os.walk(os.path.join(public, "_stills")) for f in fs
                     if f == "still.json"]
        check("the stills' manifests are not published", not manifests, manifests[:3])

        urls = set()
        for s in p.sources + lead + figure:
            urls.update(srcset_urls(s.get("srcset", "")))
        widths = [int(re.search(r"/(\d+)\.\w+$", u).group(1)) for u in urls]
        check("the page offers widths 480 to 2400 and 1000, no wider", max(widths) == 2400 and
              {480, 800, 1000, 1200, 1600}.issubset(widths), sorted(set(widths)))
        port = nc.free_port()
        server = subprocess.Popen([binary, "serve", "--site", site, "--listen",
                                   f"127.0.0.1:{port}", "--threads", "2", "--no-pin",
                                   "--access-log", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        check("serve starts", "listening" in server.stdout.readline())
        status, _, live_page = get(port, page_path)
        check("the live page is the built page", status == 200 and live_page.decode() == page,
              status)
        bad = []
        for u in sorted(urls):
            status, ctype, body = get(port, u)
            with open(os.path.join(public, u.lstrip("/")), "rb") as f:
                built_bytes = f.read()
            ext = os.path.splitext(u)[1]
            if status != 200 or ctype != TYPES[ext] or body != built_bytes:
                bad.append((u, status, ctype))
        check(f"all {len(urls)} variants are built and served live", not bad and len(urls) >= 15,
              bad[:5])
        if vnu:
            v = subprocess.run(["java", "-Xss2m", "-jar", vnu, "--errors-only", page_file],
                               capture_output=True, text=True, timeout=300)
            check("the review's page is valid HTML (vnu)", v.returncode == 0, v.stderr)
    finally:
        check.finish(root, server)


if __name__ == "__main__":
    main()
