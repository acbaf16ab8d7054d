#!/usr/bin/env bash
# End-to-end: `cinepress demo` makes the demo magazine, `cinepress build` builds it, and
# check_site.py checks every page (Nu Html Checker), link, image, feed and the sitemap.
#
#   tests/e2e/demo_e2e.sh BINARY
set -euo pipefail
[[ $# -eq 1 && -x "$1" ]] || { echo "usage: $0 BINARY" >&2; exit 2; }
bin="$(realpath "$1")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
vnu="$repo/node_modules/vnu-jar/build/dist/vnu.jar"
[[ -f "$vnu" ]] || { echo "demo_e2e: $vnu not found (run scripts/setup.sh --test)" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/cinepress-demo-e2e.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

"$bin" demo "$tmp/site"
"$bin" build --site "$tmp/site"
base_url="$(sed -nE 's/^base_url[[:space:]]*=[[:space:]]*"([^"]*)".*/\1/p' "$tmp/site/cinepress.toml")"

# The demo is a whole magazine: about 40 articles of every kind, static pages, two festivals.
count() { find "$tmp/site/public/$1" -mindepth 2 -name index.html -not -path '*/page/*' | wc -l; }
for section in reviews interviews essays festivals; do
  n=$(count "$section")
  [[ $n -ge 5 ]] || { echo "demo_e2e: only $n articles in $section" >&2; exit 1; }
done
total=$(( $(count reviews) + $(count interviews) + $(count essays) + $(count festivals) ))
[[ $total -ge 35 ]] || { echo "demo_e2e: only $total articles" >&2; exit 1; }
for page in about privacy faq contribute contact; do
  [[ -f "$tmp/site/public/$page/index.html" ]] || { echo "demo_e2e: no /$page/" >&2; exit 1; }
done
grep -q 'class="submenu' "$tmp/site/public/index.html" ||
  { echo "demo_e2e: the home page has no submenu" >&2; exit 1; }

/usr/bin/python3 "$here/check_site.py" --public "$tmp/site/public" --corpus "$tmp/site" \
  --base-url "$base_url" --vnu "$vnu"
echo "demo_e2e: $total articles; all checks passed"
