#!/usr/bin/env bash
# bench/stills.sh — what stills save a phone: the bytes Chromium (390 px wide, DPR 3) downloads
# for a review of the demo with a camera-sized JPEG lead and two JPEG figures, as pages were
# before stills (each image sent as it was imported) and as they are now (<picture>s of AVIF and
# WebP widths), both served without compression by one static server; and how long the import
# took to make the stills, and a second import (nothing to make).
#
#   bench/stills.sh [WIDTH]      (default 4000: the images' width in pixels)
#
# The images are drawn here with libvips' `vips` from the demo's own SVGs (Q=92, as a camera
# writes), so nothing binary is kept in the repository. "Before" is the same built page with each
# <picture> put back as the plain <img src="/images/…"> that cinepress wrote before stills.
# Environment: CINEPRESS=build/cinepress, BENCH_WORK=/tmp/cinepress-bench.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
WIDTH=${1:-4000}
CINEPRESS=${CINEPRESS:-$REPO/build/cinepress}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/cinepress-bench}/stills
PORT=18537

log() { printf '[bench/stills] %s\n' "$*" >&2; }
[ -x "$CINEPRESS" ] || { log "no $CINEPRESS: run 'make build' first"; exit 1; }
command -v vips >/dev/null || { log "no vips: run scripts/setup.sh --test"; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK"
SITE="$WORK/site"
"$CINEPRESS" demo "$SITE" >/dev/null
mkdir -p "$WORK/import"
cp -r "$SITE/content" "$SITE/data" "$SITE/static" "$WORK/import/"
IMAGES="$WORK/import/static/images"
vips thumbnail "$IMAGES/after-dinner.svg" "$IMAGES/after-dinner.jpg[Q=92]" "$WIDTH"
vips thumbnail "$IMAGES/low-water.svg" "$IMAGES/after-dinner-2.jpg[Q=92]" "$WIDTH"
vips thumbnail "$IMAGES/paper-weather.svg" "$IMAGES/after-dinner-3.jpg[Q=92]" "$WIDTH"
REVIEW="$WORK/import/content/reviews/after-dinner.md"
sed -i 's|/images/after-dinner.svg|/images/after-dinner.jpg|' "$REVIEW"
printf '\n\n![Water low under a bridge](/images/after-dinner-2.jpg "A second still.")\n' >>"$REVIEW"
printf '\nMore words between the stills.\n\n![Paper in the wind](/images/after-dinner-3.jpg "A third still.")\n' >>"$REVIEW"

start=$(date +%s.%N)
"$CINEPRESS" import "$WORK/import" --site "$SITE" >"$WORK/import.txt"
first=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
"$CINEPRESS" import "$WORK/import" --site "$SITE" >"$WORK/import2.txt"
second=$(echo "$(date +%s.%N) - $start" | bc)
"$CINEPRESS" build --site "$SITE" >/dev/null
PAGE=$(cd "$SITE/public" && find . -path ./_stills -prune -o -path '*/after-dinner/index.html' -print | head -1)
PAGE=${PAGE#./}

# Before: the same folder, with the review's <picture>s as the <img>s of the imported files.
cp -rL "$SITE/public" "$WORK/before"  # public is a link to the folder shown
python3 - "$WORK/before/$PAGE" <<'PY'
import re, sys
path = sys.argv[1]
page = open(path).read()
original = {"A long dining table": "/images/after-dinner.jpg",
            "Water low under a bridge": "/images/after-dinner-2.jpg",
            "Paper in the wind": "/images/after-dinner-3.jpg"}
def plain(m):
    img = m.group(1)
    alt = re.search(r'alt="([^"]*)"', img).group(1)
    src = next(v for k, v in original.items() if alt.startswith(k))
    lead = "fetchpriority" in img
    return ('<img src="%s" alt="%s" decoding="async"%s>'
            % (src, alt, ' fetchpriority="high"' if lead else ' loading="lazy"'))
page, n = re.subn(r"<picture>.*?(<img [^>]*>)</picture>", plain, page, flags=re.S)
assert n == 3, n
open(path, "w").write(page)
PY

# One static server per folder (the pages' addresses start at the root), neither compressing.
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK/before" >/dev/null 2>&1 &
before_server=$!
python3 -m http.server $((PORT + 1)) --bind 127.0.0.1 --directory "$SITE/public" >/dev/null 2>&1 &
after_server=$!
trap 'kill $before_server $after_server 2>/dev/null || true' EXIT
for port in "$PORT" $((PORT + 1)); do
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
done
read -r before _ < <(node "$HERE/stills_bytes.js" "http://127.0.0.1:$PORT/$PAGE")
read -r after _ < <(node "$HERE/stills_bytes.js" "http://127.0.0.1:$((PORT + 1))/$PAGE")

grep '^stills:' "$WORK/import.txt" >&2 || true
printf 'import with %s px stills: %.2f s; again (nothing to make): %.2f s\n' "$WIDTH" "$first" "$second"
printf 'a phone (390 px, DPR 3) reading /%s: %d KiB before, %d KiB with stills: %.1f%% (goal: at most 33%%)\n' \
  "$PAGE" $((before / 1024)) $((after / 1024)) "$(echo "100 * $after / $before" | bc -l)"
