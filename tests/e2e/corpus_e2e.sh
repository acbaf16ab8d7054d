#!/usr/bin/env bash
# End-to-end: the real binary imports the shared 300-article benchmark corpus
# (with images), builds the site, and tests/e2e/check_site.py checks what came
# out (valid HTML5, no broken links, feeds, sitemap, robots.txt, 404.html). A
# second import of the same folder must change nothing.
#
#   tests/e2e/corpus_e2e.sh BINARY
#
# Needs java, node_modules/vnu-jar (scripts/setup.sh --test) and /usr/bin/python3
# with feedparser. Finds shared/ at $CINEPRESS_SHARED, else REPO/../shared.
# Keeps its temp dir when it fails, and says where.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BINARY" >&2
  exit 2
fi
[[ -f "$1" && -x "$1" ]] || { echo "corpus_e2e: $1 is not an executable" >&2; exit 2; }
bin="$(realpath "$1")"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd))"
shared="${CINEPRESS_SHARED:-$repo/../shared}"
gen="$shared/bench/gen_corpus.py"
vnu="$repo/node_modules/vnu-jar/build/dist/vnu.jar"
py=/usr/bin/python3

step() { echo "corpus_e2e: $*"; }
die() { echo "corpus_e2e: $*" >&2; exit 1; }

[[ -f "$gen" ]] || die "$gen not found (set CINEPRESS_SHARED to the shared/ folder)"
[[ -f "$vnu" ]] || die "$vnu not found (run scripts/setup.sh --test)"
command -v java >/dev/null || die "java not found (run scripts/setup.sh --test)"
"$py" -c 'import feedparser' 2>/dev/null || die "$py has no feedparser (run scripts/setup.sh --test)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/cinepress-e2e.XXXXXX")"
ok=0
cleanup() {
  if [[ $ok -eq 1 ]]; then rm -rf "$tmp"; else echo "corpus_e2e: FAILED; files kept in $tmp" >&2; fi
}
trap cleanup EXIT

# Runs "$@", shows its output (indented), and keeps it in $tmp/$name.log.
run() {
  local name="$1"
  shift
  local rc=0
  "$@" >"$tmp/$name.log" 2>&1 || rc=$?
  sed 's/^/    /' "$tmp/$name.log"
  return $rc
}

step "generating the corpus (300 articles, seed 42, images) in $tmp/corpus"
run gen "$py" "$gen" --articles 300 --seed 42 --images --out "$tmp/corpus" ||
  die "gen_corpus.py failed"

step "cinepress init $tmp/site"
run init "$bin" init "$tmp/site" || die "init failed"

# The corpus's festival tags (TIFF21, Cannes2019…) become editions by rules in cinepress.toml:
# one rule per festival of the generator's own list.
step "festival rules for the corpus in cinepress.toml"
"$py" - "$(dirname "$gen")" >> "$tmp/site/cinepress.toml" <<'PY' || die "could not write the rules"
import sys
sys.path.insert(0, sys.argv[1])
import gen_corpus
for name, prefix, digits in gen_corpus.FESTIVALS:
    year = "{yyyy}" if digits == 4 else "{yy}"
    print('\n[[festivals]]\nname = "%s"\nshort_name = "%s"\ntag = "%s%s"' % (name, prefix, prefix, year))
PY

step "cinepress import (first)"
run import1 "$bin" import "$tmp/corpus" --site "$tmp/site" || die "import failed"

step "cinepress build"
start=$SECONDS
run build "$bin" build --site "$tmp/site" || die "build failed"
step "build took $((SECONDS - start)) s"

toml="$tmp/site/cinepress.toml"
base_url="$(sed -nE 's/^[[:space:]]*base_url[[:space:]]*=[[:space:]]*"([^"]*)".*/\1/p' "$toml" | head -n1)"
[[ -n "$base_url" ]] || die "no base_url = \"…\" in $toml"

failures=0

step "check_site.py (base URL $base_url)"
if ! "$py" "$here/check_site.py" --public "$tmp/site/public" --corpus "$tmp/corpus" \
  --base-url "$base_url" --vnu "$vnu"; then
  failures=$((failures + 1))
fi

step "festival editions from the corpus's tags"
editions=$(find "$tmp/site/public/festivals" -mindepth 2 -maxdepth 2 -type d -regex '.*/[0-9][0-9][0-9][0-9]' | wc -l)
tagged=$(grep -l 'tags: \[.*"TIFF[0-9][0-9]"' "$tmp"/corpus/content/reviews/*.md | head -1 || true)
if [[ $editions -lt 10 ]]; then
  echo "corpus_e2e: FAIL: only $editions festival edition hubs were made" >&2
  failures=$((failures + 1))
elif [[ -n "$tagged" ]]; then
  slug=$(sed -nE 's/^slug: "(.*)"/\1/p' "$tagged")
  year=$(grep -oE '"TIFF[0-9]{2}"' "$tagged" | head -1 | tr -dc '0-9' || true)
  if ! grep -q "/reviews/$slug/" "$tmp/site/public/festivals/tiff/20$year/index.html"; then
    echo "corpus_e2e: FAIL: the review $slug tagged TIFF$year is not on /festivals/tiff/20$year/" >&2
    failures=$((failures + 1))
  fi
fi
step "$editions festival edition hubs"

step "cinepress import (second, same folder: nothing may change)"
if ! run import2 "$bin" import "$tmp/corpus" --site "$tmp/site"; then
  echo "corpus_e2e: FAIL: the second import exited non-zero" >&2
  failures=$((failures + 1))
elif ! grep -q '0 added, 0 updated' "$tmp/import2.log"; then
  echo "corpus_e2e: FAIL: the second import changed something (expected '0 added, 0 updated')" >&2
  failures=$((failures + 1))
fi

if [[ $failures -ne 0 ]]; then
  echo "corpus_e2e: $failures of 3 checks failed" >&2
  exit 1
fi
ok=1
step "all checks passed"
