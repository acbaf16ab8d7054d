#!/usr/bin/env python3
"""Draw the demo magazine's film stills (stdlib only, deterministic).

    /usr/bin/python3 demo/tools/make_stills.py [DEMO_DIR]

Reads every Markdown file under DEMO_DIR/content, finds each reference to
/images/NAME.svg (lead images in front matter and in-body figures) and writes
DEMO_DIR/static/images/NAME.svg: a 1600x900 abstract "still" (sky gradient,
sun or moon, horizon, a silhouette motif, film grain, vignette, sometimes
letterbox bars). Palette, layout and motif come from a hash of NAME, nudged
toward a motif that fits the image's alt text; the alt text becomes the
SVG's <title>. The same input always gives byte-identical files.
"""

import hashlib
import os
import random
import re
import sys
from xml.sax.saxutils import escape

W, H = 1600, 900
MAX_BYTES = 4096

# (sky top, sky middle, horizon glow, ground, accent/light, silhouette)
PALETTES = [
    ("#0b1026", "#2b2d5c", "#e8826a", "#120d1c", "#ffd39a", "#07060c"),  # dusk
    ("#06121c", "#12384d", "#6fb3b8", "#071a22", "#d8f3ef", "#03090d"),  # teal night
    ("#1b0f0a", "#5a2a17", "#f0a04b", "#22130b", "#ffe0a3", "#0d0704"),  # amber
    ("#dfe3e6", "#b9c4cc", "#f4efe6", "#59646b", "#ffffff", "#2a3136"),  # overcast
    ("#0e0b16", "#3a1f3d", "#c2497a", "#150c17", "#ffc2d6", "#070409"),  # neon
    ("#e9d8b4", "#e3b47a", "#f7e7c1", "#8a6a3e", "#fff5dc", "#3b2a17"),  # bleached noon
    ("#08140e", "#1f3b2b", "#8fb77f", "#0c1a12", "#e8f5c8", "#040a06"),  # forest
    ("#101418", "#2c3a47", "#9aa9b5", "#161c22", "#eef3f6", "#07090b"),  # steel
    ("#1a0606", "#4d1010", "#d4452b", "#1c0707", "#ffb199", "#0a0202"),  # red
    ("#0a1530", "#1d4e89", "#f2c14e", "#0c1b33", "#fff1c1", "#050b18"),  # blue gold
]

MOTIF_WORDS = [
    ("trees", r"tree|orchard|forest|field|hill|flock|sheep"),
    ("water", r"water|lake|sea|river|canal|lock|tide|bay|harbour|rain|ice"),
    ("city", r"building|apartment|window|city|courtyard|stairwell|street|"
             r"marquee|greenhouse|lobby|corridor|kitchen"),
    ("tower", r"dish|radio|tower|lighthouse|antenna|station|statuette"),
    ("figures", r"figure|woman|girl|man|boy|crowd|audience|children|queue|"
                r"worker|editor|composer|cinematographer|trapeze"),
    ("vehicle", r"train|tram|bus|truck|car|hatchback|boat|phone"),
]
MOTIFS = ["trees", "water", "city", "tower", "figures", "vehicle"]


# --------------------------------------------------------------------------
# Finding references
# --------------------------------------------------------------------------

REF_RE = re.compile(r"/images/([A-Za-z0-9._-]+)\.svg")
FIG_RE = re.compile(r'!\[([^\]]*)\]\(/images/([A-Za-z0-9._-]+)\.svg')


def unquote(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] == '"':
        s = s[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return s


def find_images(content_dir):
    """Map image name -> alt text (or a fallback), over all content files."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(content_dir):
        dirnames.sort()
        for fn in sorted(filenames):
            if not fn.endswith(".md"):
                continue
            with open(os.path.join(dirpath, fn), encoding="utf-8") as fh:
                text = fh.read()
            # lead image: `src:` then `alt:` inside the image map
            m = re.search(r'^\s+src:\s*"/images/([A-Za-z0-9._-]+)\.svg"\s*\n'
                          r'\s+alt:\s*(.+)$', text, re.M)
            if m:
                found.setdefault(m.group(1), unquote(m.group(2)))
            for alt, name in FIG_RE.findall(text):
                found.setdefault(name, alt)
            for name in REF_RE.findall(text):
                found.setdefault(name, name.replace("-", " "))
    return found


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------

def pick_motif(rng, alt):
    low = alt.lower()
    hits = sorted((m.start(), motif) for motif, pat in MOTIF_WORDS
                  for m in [re.search(r"\b(" + pat + r")", low)] if m)
    if hits and rng.random() < 0.9:
        return hits[0][1]                         # the first thing named
    return rng.choice(MOTIFS)


def hills(rng, y0, amp, color, opacity):
    pts = ["M0 %d" % y0]
    x, y = 0, y0
    while x < W:
        nx = min(W, x + rng.randint(180, 420))
        ny = y0 - rng.randint(0, amp)
        cx = (x + nx) // 2
        pts.append("Q%d %d %d %d" % (cx, ny - rng.randint(0, amp // 2), nx, ny))
        x, y = nx, ny
    pts.append("L%d %d L0 %d Z" % (W, H, H))
    return '<path d="%s" fill="%s" opacity="%s"/>' % (" ".join(pts), color,
                                                      opacity)


def motif_svg(motif, rng, hy, pal):
    sil, light = pal[5], pal[4]
    out = []
    if motif == "trees":
        for _ in range(rng.randint(5, 9)):
            x, h = rng.randint(0, W), rng.randint(90, 260)
            w = h // rng.randint(2, 4)
            if rng.random() < 0.5:
                out.append('<path d="M%d %d l%d %d h%d Z"/>' %
                           (x, hy - h, w // 2, h, -w))
            else:
                out.append('<circle cx="%d" cy="%d" r="%d"/><rect x="%d" '
                           'y="%d" width="8" height="%d"/>' %
                           (x, hy - h + w // 2, w // 2 + 10, x - 4,
                            hy - h + w // 2, h - w // 2))
    elif motif == "water":
        for i in range(rng.randint(5, 8)):
            y = hy + 14 + i * rng.randint(16, 30)
            x = rng.randint(200, 1000)
            out.append('<rect x="%d" y="%d" width="%d" height="3" fill="%s" '
                       'opacity=".%d"/>' % (x, y, rng.randint(120, 460), light,
                                           rng.randint(2, 5)))
        x = rng.randint(200, 1300)
        out.append('<path d="M%d %d h140 l-20 22 h-100 Z"/>' % (x, hy - 4))
    elif motif == "city":
        x, blocks = rng.randint(-60, 40), []
        while x < W:
            w, h = rng.randint(70, 170), rng.randint(90, 330)
            blocks.append('<rect x="%d" y="%d" width="%d" height="%d"/>' %
                          (x, hy - h, w, h))
            x += w + rng.randint(0, 40)
        cells = "".join(
            '<rect x="%d" y="%d" width="12" height="16" opacity=".%d"/>' %
            (cx, cy, rng.choice([1, 3, 8, 9]))
            for cx, cy in ((8, 10), (38, 10), (8, 40), (38, 40)))
        return ('<defs><clipPath id="b">%s</clipPath><pattern id="w" '
                'width="60" height="60" patternUnits="userSpaceOnUse" '
                'fill="%s">%s</pattern></defs><g clip-path="url(#b)">'
                '<rect width="1600" height="900" fill="%s"/>'
                '<rect width="1600" height="900" fill="url(#w)"/></g>'
                % ("".join(blocks), light, cells, sil))
    elif motif == "tower":
        x, h = rng.randint(250, 1350), rng.randint(260, 420)
        out.append('<path d="M%d %d l18 -%d l18 %d Z"/>' % (x, hy, h, h))
        out.append('<circle cx="%d" cy="%d" r="9" fill="%s"/>' %
                   (x + 18, hy - h, light))
        dx = x - rng.choice([220, -260])
        out.append('<path d="M%d %d q85 -70 170 0 Z" transform="rotate(-28 %d '
                   '%d)"/><rect x="%d" y="%d" width="8" height="112"/>' %
                   (dx - 85, hy - 110, dx, hy - 110, dx - 4, hy - 112))
    elif motif == "figures":
        for _ in range(rng.randint(1, 5)):
            x, s = rng.randint(150, 1450), rng.randint(70, 140)
            out.append('<circle cx="%d" cy="%d" r="%d"/><rect x="%d" y="%d" '
                       'width="%d" height="%d" rx="%d"/>' %
                       (x, hy - s - s // 5, s // 7, x - s // 6, hy - s,
                        s // 3, s, s // 8))
    else:  # vehicle
        x, w = rng.randint(100, 900), rng.randint(360, 620)
        out.append('<rect x="0" y="%d" width="%d" height="4"/>' % (hy + 6, W))
        out.append('<rect x="%d" y="%d" width="%d" height="110" rx="14"/>' %
                   (x, hy - 104, w))
        for i in range((w - 40) // 78):
            if rng.random() < 0.8:
                out.append('<rect x="%d" y="%d" width="50" height="34" '
                           'fill="%s" opacity=".%d"/>' %
                           (x + 28 + i * 78, hy - 84, light,
                            rng.choice([5, 7, 8])))
    return '<g fill="%s">%s</g>' % (sil, "".join(out))


def still(name, alt):
    seed = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:12], 16)
    rng = random.Random(seed)
    pal = PALETTES[seed % len(PALETTES)]
    hy = rng.randint(520, 690)                    # horizon
    sx, sy = rng.randint(180, 1420), rng.randint(170, hy - 90)
    sr = rng.randint(40, 120)
    motif = pick_motif(rng, alt)
    letterbox = rng.random() < 0.4
    grain = rng.choice([".16", ".2", ".24"])
    freq = rng.choice([".75", ".85", ".95"])
    leak = rng.randint(0, 1)                      # light leak from left/right
    streaks = "".join(
        '<ellipse cx="%d" cy="%d" rx="%d" ry="%d" fill="url(#l)" opacity=".%d"/>'
        % (rng.randint(0, W), rng.randint(60, hy - 120), rng.randint(260, 700),
           rng.randint(10, 26), rng.randint(2, 5))
        for _ in range(rng.randint(2, 4)))

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900" '
        'viewBox="0 0 1600 900">',
        "<title>%s</title>" % escape(alt),
        "<defs>",
        '<linearGradient id="s" x1="0" y1="0" x2="0" y2="1">'
        '<stop offset="0" stop-color="%s"/><stop offset=".62" stop-color="%s"/>'
        '<stop offset="1" stop-color="%s"/></linearGradient>' % pal[:3],
        '<radialGradient id="l"><stop offset="0" stop-color="%s"/>'
        '<stop offset=".35" stop-color="%s" stop-opacity=".5"/>'
        '<stop offset="1" stop-color="%s" stop-opacity="0"/></radialGradient>'
        % (pal[4], pal[2], pal[2]),
        '<radialGradient id="v" r=".75"><stop offset=".55" stop-opacity="0"/>'
        '<stop offset="1" stop-opacity=".7"/></radialGradient>',
        '<linearGradient id="d" x1="0" y1="0" x2="0" y2="1">'
        '<stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s"/>'
        '</linearGradient>' % (pal[3], pal[5]),
        '<linearGradient id="k" x1="%d" y1="0" x2="%d" y2=".3">'
        '<stop offset="0" stop-color="%s" stop-opacity=".35"/>'
        '<stop offset=".4" stop-color="%s" stop-opacity="0"/></linearGradient>'
        % (leak, 1 - leak, pal[2], pal[2]),
        '<filter id="g"><feTurbulence type="fractalNoise" baseFrequency="%s" '
        'numOctaves="2" seed="%d" stitchTiles="stitch"/>'
        '<feColorMatrix type="saturate" values="0"/></filter>'
        % (freq, seed % 997),
        "</defs>",
        '<rect width="1600" height="%d" fill="url(#s)"/>' % hy,
        '<circle cx="%d" cy="%d" r="%d" fill="url(#l)"/>' % (sx, sy, sr * 4),
        '<circle cx="%d" cy="%d" r="%d" fill="%s" opacity=".9"/>' %
        (sx, sy, sr // 2, pal[4]),
        streaks,
        hills(rng, hy - rng.randint(20, 70), 90, pal[5], ".55"),
        '<rect y="%d" width="1600" height="%d" fill="url(#d)"/>' % (hy, H - hy),
        '<ellipse cx="%d" cy="%d" rx="%d" ry="%d" fill="url(#l)" opacity=".4"/>'
        % (sx, hy + 50, sr * 4, 60),
        '<rect y="%d" width="1600" height="2" fill="%s" opacity=".6"/>' %
        (hy, pal[2]),
        motif_svg(motif, rng, hy, pal),
        '<rect width="1600" height="900" fill="url(#k)"/>',
        '<rect width="1600" height="900" fill="url(#v)"/>',
        '<rect width="1600" height="900" filter="url(#g)" opacity="%s"/>' %
        grain,
    ]
    if letterbox:
        parts.append('<rect width="1600" height="115"/>'
                     '<rect y="785" width="1600" height="115"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), ".."))
    images = find_images(os.path.join(root, "content"))
    out_dir = os.path.join(root, "static", "images")
    os.makedirs(out_dir, exist_ok=True)
    too_big = 0
    for name in sorted(images):
        svg = still(name, images[name])
        data = svg.encode("utf-8")
        if len(data) > MAX_BYTES:
            too_big += 1
            print("warning: %s.svg is %d bytes" % (name, len(data)))
        with open(os.path.join(out_dir, name + ".svg"), "wb") as fh:
            fh.write(data)
    stale = sorted(f for f in os.listdir(out_dir)
                   if f.endswith(".svg") and f[:-4] not in images)
    for f in stale:
        print("note: static/images/%s is not referenced by any content file" % f)
    print("wrote %d stills to %s" % (len(images), os.path.relpath(out_dir)))
    return 1 if too_big else 0


if __name__ == "__main__":
    sys.exit(main())
