#!/usr/bin/env bash
# bench/lighthouse.sh — Lighthouse's mobile scores (the npm package pinned in package.json, on
# Debian's /usr/bin/chromium, headless) for the demo served by `cinepress serve`: the home page, a
# review with a camera-sized JPEG lead still (drawn with vips from the demo's SVG), the Review
# Index and a search. Prints one line per page and category; the figures are not asserted
# (Performance depends on the machine: Lighthouse simulates a slow phone from what it measures).
#
#   bench/lighthouse.sh [PAGES]      (default: all four; e.g. "/ /review-index/")
#
# Environment: CINEPRESS=build/cinepress, BENCH_WORK=/tmp/cinepress-bench. Each page's whole
# report is kept as JSON in $BENCH_WORK/lighthouse/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CINEPRESS=${CINEPRESS:-$REPO/build/cinepress}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/cinepress-bench}/lighthouse
LIGHTHOUSE=$REPO/node_modules/.bin/lighthouse
PORT=18541

log() { printf '[bench/lighthouse] %s\n' "$*" >&2; }
[ -x "$CINEPRESS" ] || { log "no $CINEPRESS: run 'make build' first"; exit 1; }
[ -x "$LIGHTHOUSE" ] || { log "no $LIGHTHOUSE: run scripts/setup.sh --test"; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK"
SITE="$WORK/site"
"$CINEPRESS" demo "$SITE" >/dev/null
mkdir -p "$WORK/import"
cp -r "$SITE/content" "$SITE/data" "$SITE/static" "$WORK/import/"
vips thumbnail "$WORK/import/static/images/after-dinner.svg" \
  "$WORK/import/static/images/after-dinner.jpg[Q=92]" 3000
sed -i 's|/images/after-dinner.svg|/images/after-dinner.jpg|' "$WORK/import/content/reviews/after-dinner.md"
"$CINEPRESS" import "$WORK/import" --site "$SITE" >/dev/null

"$CINEPRESS" serve --site "$SITE" --listen "127.0.0.1:$PORT" --access-log off >"$WORK/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done

PAGES=${1:-"/ /reviews/after-dinner/ /review-index/ /search/?q=water"}
for page in $PAGES; do
  name=$(echo "$page" | tr -c 'a-z0-9\n' '_')
  CHROME_PATH=/usr/bin/chromium "$LIGHTHOUSE" "http://127.0.0.1:$PORT$page" --quiet \
    --chrome-flags="--headless --no-sandbox" --output json --output-path "$WORK/$name.json" \
    --form-factor mobile >/dev/null 2>"$WORK/$name.log" || { cat "$WORK/$name.log" >&2; exit 1; }
  node -e '
    const r = require(process.argv[1]);
    const c = r.categories;
    const score = (k) => Math.round(100 * (c[k].score ?? 0));
    const failing = Object.values(r.audits)
      .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== "informative" &&
        a.scoreDisplayMode !== "manual" && a.scoreDisplayMode !== "notApplicable")
      .map((a) => a.id);
    console.log(`${process.argv[2]}: performance ${score("performance")}, accessibility ` +
      `${score("accessibility")}, best practices ${score("best-practices")}, seo ${score("seo")}` +
      (failing.length ? `; below 90: ${failing.join(" ")}` : ""));' "$WORK/$name.json" "$page"
done
