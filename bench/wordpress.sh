#!/usr/bin/env bash
# bench/wordpress.sh — `cinepress import-wordpress` on generated exports of growing size.
#
#   bench/wordpress.sh [SIZES]         (default "10000 50000 10000x5" posts)
#
# A size NxK is N posts with K times as much text each: the same index, a K times larger file.
# For each size, bench/gen_wxr.py writes a WordPress export of a film magazine (seed 42; cached
# in BENCH_WORK), then `cinepress init` makes a fresh site and `cinepress import-wordpress` runs
# once under /usr/bin/time -v: wall time, peak RSS, export size, and the store's size. The last
# lines compare the largest run with the smallest: the file grows N times, the memory should not
# (the export is read twice with a streaming reader; only a small index per post is kept).
# There is no peer to run beside it here: WordPress's own importer needs PHP and MySQL.
#
# Environment: CINEPRESS=build/cinepress, BENCH_WORK=/tmp/cinepress-bench-wp.
# Speed is measured here, never asserted in tests: the machine is shared and noisy.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SIZES=${1:-"10000 50000 10000x5"}
CINEPRESS=${CINEPRESS:-$REPO/build/cinepress}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/cinepress-bench-wp}
PY=/usr/bin/python3

log() { printf '[bench] %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { log "installing time"; apt-get install -y -qq time >/dev/null; }
[ -x "$CINEPRESS" ] || { log "no $CINEPRESS: run 'make build' first"; exit 1; }
mkdir -p "$WORK"

printf '%-8s %10s %10s %10s %12s %10s\n' posts export_MB wall_s peak_MB posts_per_s store_MB
results=()
for size in $SIZES; do
  n=${size%%x*}
  scale=1
  [[ $size == *x* ]] && scale=${size#*x}
  export_file="$WORK/export-$size.xml"
  if [ ! -s "$export_file" ]; then
    log "generating $n posts ($scale times the text)"
    $PY "$HERE/gen_wxr.py" "$n" "$export_file.tmp" --text-scale "$scale" &&
      mv "$export_file.tmp" "$export_file"
  fi
  site="$WORK/site-$size"
  rm -rf "$site"
  "$CINEPRESS" init "$site" >/dev/null
  printf 'title = "Bench"\nbase_url = "http://127.0.0.1:8080"\ntimezone = "UTC"\n' >"$site/cinepress.toml"
  rm -f "$site/cinepress.db"
  sync
  /usr/bin/time -v -o "$WORK/time-$size.txt" "$CINEPRESS" import-wordpress "$export_file" \
    --site "$site" --no-fetch --json >"$WORK/report-$size.json"
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); s = 0;
    for (i = 1; i <= length(t); i++) s = s * 60 + t[i]; printf "%.2f", s}' "$WORK/time-$size.txt")
  rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time-$size.txt")
  mb=$(awk -v b="$(stat -c %s "$export_file")" 'BEGIN {printf "%.1f", b / 1048576}')
  db_mb=$(awk -v b="$(stat -c %s "$site/cinepress.db")" 'BEGIN {printf "%.1f", b / 1048576}')
  posts=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["posts"]["added"])' "$WORK/report-$size.json")
  [ "$posts" = "$n" ] || { log "expected $n posts imported, got $posts"; exit 1; }
  rate=$(awk -v n="$n" -v s="$wall" 'BEGIN {printf "%.0f", n / s}')
  printf '%-8s %10s %10s %10.1f %12s %10s\n' "$size" "$mb" "$wall" "$(echo "$rss_kb / 1024" | bc -l)" "$rate" "$db_mb"
  results+=("$size $mb $rss_kb")
done
# Each run against the first: how much larger the file, how much more memory.
read -r s0 mb0 rss0 <<<"${results[0]}"
for r in "${results[@]:1}"; do
  read -r s1 mb1 rss1 <<<"$r"
  awk -v s0="$s0" -v s1="$s1" -v m0="$mb0" -v m1="$mb1" -v r0="$rss0" -v r1="$rss1" 'BEGIN {
    printf "%s -> %s: file x%.2f, peak RSS x%.2f (%.1f MB -> %.1f MB)\n",
      s0, s1, m1 / m0, r1 / r0, r0 / 1024, r1 / 1024 }'
done
