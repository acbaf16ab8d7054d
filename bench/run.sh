#!/usr/bin/env bash
# bench/run.sh — cinepress beside Hugo, in one run, on the standard film-magazine corpus.
#
#   bench/run.sh [SIZE]            (default 10000 articles, seed 42)
#
# Measures, for the same corpus (../shared/bench/gen_corpus.py):
#   cinepress  `cinepress init` + `cinepress import CORPUS` + `cinepress build` from nothing
#              (a cold site: new store, no output folder), twice: as a magazine gets it (with
#              search: the full-text index at import, the static index at build) and with
#              [search] enabled = false, which is like for like (Hugo's site has no search)
#   hugo       `hugo` with ../shared/bench/hugo-site, output and cache folders deleted first
# and prints wall time and peak RSS (median of RUNS runs, /usr/bin/time), then the ratios.
#
# Environment: RUNS=3, SEED=42, CINEPRESS=build/cinepress, BENCH_WORK=/tmp/cinepress-bench,
#              SHARED=../shared (the folder with bench/gen_corpus.py and bench/hugo-site).
# Speed is measured here, never asserted in tests: the machine is shared and noisy.
# BENCH_WORK=/dev/shm/cinepress-bench runs both tools on tmpfs: it measures the programs rather
# than the disk (on a disk worn by many runs, creating 60,000 files can cost seconds).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SIZE=${1:-10000}
RUNS=${RUNS:-3}
SEED=${SEED:-42}
CINEPRESS=${CINEPRESS:-$REPO/build/cinepress}
SHARED=${SHARED:-$REPO/../shared}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/cinepress-bench}
PY=/usr/bin/python3

log() { printf '[bench] %s\n' "$*" >&2; }

need=()
command -v hugo >/dev/null 2>&1 || need+=(hugo)
[ -x /usr/bin/time ] || need+=(time)
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x "$CINEPRESS" ] || { log "no $CINEPRESS: run 'make build' first"; exit 1; }

mkdir -p "$WORK"
CORPUS="$WORK/corpus-$SIZE"
if [ ! -f "$CORPUS/corpus.json" ]; then
  log "generating $SIZE articles (seed $SEED)"
  rm -rf "$CORPUS"
  $PY "$SHARED/bench/gen_corpus.py" --articles "$SIZE" --seed "$SEED" --out "$CORPUS" >/dev/null
fi
HUGO_SITE="$WORK/hugo-$SIZE"
rm -rf "$HUGO_SITE" && mkdir -p "$HUGO_SITE"
cp -r "$CORPUS/content" "$CORPUS/data" "$HUGO_SITE/"
cp -r "$SHARED/bench/hugo-site/config.yaml" "$SHARED/bench/hugo-site/layouts" \
      "$SHARED/bench/hugo-site/static" "$HUGO_SITE/"

# Prints "wall_seconds max_rss_kb" of a /usr/bin/time -v report.
parse_time() {
  $PY - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
secs = 0.0
for part in w.split(":"):
    secs = secs * 60 + float(part)
print("%.3f %s" % (secs, re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)))
PY
}

RAW="$WORK/raw-$SIZE.tsv"
printf 'tool\trun\tstep\twall_s\tmax_rss_kb\n' > "$RAW"
# cinepress: a new site, import, build. $1: the name in the results; $2: on|off, search (the
# full-text index at import, the static index at build). Hugo's site has no search, so "off" is
# the like-for-like comparison; "on" is what a magazine gets by default.
run_cinepress() {
  local tool="$1" search="$2"
  SITE="$WORK/site-$SIZE"
  # Deleting the last run's 60,000 files leaves the file system busy for a while: let it settle
  # before timing, or the build measures the disk's catching up.
  rm -rf "$SITE"
  sync
  sleep 5
  "$CINEPRESS" init "$SITE" >/dev/null
  if [ "$search" = off ]; then printf '\n[search]\nenabled = false\n' >> "$SITE/cinepress.toml"; fi
  sync
  /usr/bin/time -v -o "$WORK/t-import" "$CINEPRESS" import "$CORPUS" --site "$SITE" > "$WORK/import.log"
  /usr/bin/time -v -o "$WORK/t-build" "$CINEPRESS" build --site "$SITE" > "$WORK/build.log"
  read -r iw ir < <(parse_time "$WORK/t-import")
  read -r bw br < <(parse_time "$WORK/t-build")
  printf '%s\t%s\timport\t%s\t%s\n%s\t%s\tbuild\t%s\t%s\n' \
    "$tool" "$i" "$iw" "$ir" "$tool" "$i" "$bw" "$br" >> "$RAW"
  log "$tool #$i: import ${iw}s (${ir} KB), build ${bw}s (${br} KB)"
  sed 's/^/    /' "$WORK/build.log" >&2
}

for i in $(seq 1 "$RUNS"); do
  run_cinepress cinepress on
  run_cinepress cinepress-nosearch off

  # Hugo: output and cache deleted first.
  rm -rf "$WORK/hugo-out" "$WORK/hugo-cache"
  sync
  sleep 5
  /usr/bin/time -v -o "$WORK/t-hugo" hugo --quiet -s "$HUGO_SITE" -d "$WORK/hugo-out" \
    --cacheDir "$WORK/hugo-cache"
  read -r hw hr < <(parse_time "$WORK/t-hugo")
  printf 'hugo\t%s\tbuild\t%s\t%s\n' "$i" "$hw" "$hr" >> "$RAW"
  log "hugo #$i: ${hw}s (${hr} KB)"
done

$PY - "$RAW" "$SIZE" "$(hugo version | cut -d' ' -f2)" "$WORK" <<'PY'
import csv, statistics, sys, os
raw, size, hugo_version, work = sys.argv[1:5]
rows = list(csv.DictReader(open(raw), delimiter="\t"))
def med(tool, step, col):
    return statistics.median(float(r[col]) for r in rows if r["tool"] == tool and r["step"] == step)
def peak(tool):
    return max(int(r["max_rss_kb"]) for r in rows if r["tool"] == tool) / 1024.0
runs = sorted({int(r["run"]) for r in rows})
def total(tool):
    return statistics.median(
        sum(float(r["wall_s"]) for r in rows if r["tool"] == tool and int(r["run"]) == n)
        for n in runs)
hugo = med("hugo", "build", "wall_s")
print("cinepress vs Hugo: import + build of the %s-article corpus (median of %d runs)" % (size, len(runs)))
print("hugo %s, %d cpus" % (hugo_version, os.cpu_count()))
print()
print("%-32s %10s %14s" % ("", "wall s", "peak RSS MiB"))
for tool, label in (("cinepress", "cinepress (search)"), ("cinepress-nosearch", "cinepress (search off)")):
    print("%-32s %10.2f %14.0f" % (label + " import", med(tool, "import", "wall_s"), peak(tool)))
    print("%-32s %10.2f" % (label + " build", med(tool, "build", "wall_s")))
    print("%-32s %10.2f %14.0f" % (label + " total", total(tool), peak(tool)))
print("%-32s %10.2f %14.0f" % ("hugo (no search)", hugo, peak("hugo")))
print()
print("speed, like for like (search off; Hugo's site has none): cinepress is %.1fx faster than Hugo (goal: 10x)"
      % (hugo / total("cinepress-nosearch")))
print("speed with search (full-text index at import, static index at build): %.1fx" % (hugo / total("cinepress")))
print("memory: cinepress peaks at %.1f%% of Hugo's peak (goal: at most 12.5%%)"
      % (100 * max(peak("cinepress"), peak("cinepress-nosearch")) / peak("hugo")))
PY
