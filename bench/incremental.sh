#!/usr/bin/env bash
# bench/incremental.sh — one changed article on the standard corpus: `import` + `build` after
# the change, beside the whole build of the same site, in one run.
#
#   bench/incremental.sh [SIZE]     (default 10000 articles, seed 42)
#
# Makes a site from the corpus (../shared/bench/gen_corpus.py), builds it whole, then RUNS times:
# appends a sentence to one review, imports and builds again (incremental), and reports the
# median wall time and CPU time (user + system) of each step and the files written; last, the
# same site built whole with `--full`, for the ratio. BENCH_WORK=/dev/shm/... measures on tmpfs.
# Environment: RUNS=3, CINEPRESS=build/cinepress, BENCH_WORK=/tmp/cinepress-bench-inc,
#              SHARED=../shared. Speed is measured here, never asserted in tests.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SIZE=${1:-10000}
RUNS=${RUNS:-3}
CINEPRESS=${CINEPRESS:-$REPO/build/cinepress}
SHARED=${SHARED:-$REPO/../shared}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/cinepress-bench-inc}
log() { printf '[bench/incremental] %s\n' "$*" >&2; }
[ -x "$CINEPRESS" ] || { log "no $CINEPRESS: run 'make build' first"; exit 1; }

mkdir -p "$WORK"
CORPUS="$WORK/corpus-$SIZE"
if [ ! -f "$CORPUS/corpus.json" ]; then
  log "generating $SIZE articles (seed 42)"
  /usr/bin/python3 "$SHARED/bench/gen_corpus.py" --articles "$SIZE" --seed 42 --out "$CORPUS" >/dev/null
fi
SITE="$WORK/site"
rm -rf "$SITE"
"$CINEPRESS" init "$SITE" >/dev/null

# timed NAME COMMAND...: "wall cpu" in seconds into $WORK/NAME.time, output into $WORK/NAME.out
timed() {
  local name=$1
  shift
  /usr/bin/time -f '%e %U %S' -o "$WORK/$name.time" "$@" >"$WORK/$name.out"
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$WORK/$name.time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

log "import and whole build of $SIZE articles"
timed import0 "$CINEPRESS" import "$CORPUS" --site "$SITE" >/dev/null
timed build0 "$CINEPRESS" build --site "$SITE" >/dev/null

# The first review (no `ls | head` here: with pipefail, ls killed by SIGPIPE would end the run).
REVIEW=""
for f in "$CORPUS"/content/reviews/*.md; do
  [ "$(basename "$f")" = _index.md ] && continue
  REVIEW=$f
  break
done
cp "$REVIEW" "$WORK/review.orig"
: >"$WORK/rows"
for run in $(seq 1 "$RUNS"); do
  { cat "$WORK/review.orig"; printf '\nA sentence added for run %s of the benchmark.\n' "$run"; } >"$REVIEW"
  read -r iw ic < <(timed import "$CINEPRESS" import "$CORPUS" --site "$SITE")
  read -r bw bc < <(timed build "$CINEPRESS" build --site "$SITE")
  written=$(sed -nE 's/^build: wrote ([0-9]+) of ([0-9]+) files.*/\1 \2/p' "$WORK/build.out")
  log "run $run: import ${iw} s (CPU ${ic} s), build ${bw} s (CPU ${bc} s), wrote $written"
  echo "$iw $ic $bw $bc $written" >>"$WORK/rows"
done
cp "$WORK/review.orig" "$REVIEW"
read -r fw fc < <(timed full "$CINEPRESS" build --site "$SITE" --full)

col() { awk -v c="$1" '{ print $c }' "$WORK/rows" | median; }
iw=$(col 1) ic=$(col 2) bw=$(col 3) bc=$(col 4) written=$(col 5) files=$(col 6)
echo "one changed article, $SIZE-article site, median of $RUNS (load average $(cut -d' ' -f1 /proc/loadavg))"
printf '%-34s %10s %10s\n' step "wall s" "CPU s"
printf '%-34s %10s %10s\n' "import (one file changed)" "$iw" "$ic"
printf '%-34s %10s %10s\n' "build, incremental" "$bw" "$bc"
printf '%-34s %10.2f %10.2f\n' "import + build" "$(awk -v a="$iw" -v b="$bw" 'BEGIN { print a + b }')" "$(awk -v a="$ic" -v b="$bc" 'BEGIN { print a + b }')"
printf '%-34s %10s %10s\n' "build --full (for comparison)" "$fw" "$fc"
echo "files written by the incremental build: $written of $files"
awk -v b="$bw" -v f="$fw" 'BEGIN { printf "incremental build: %.1fx faster than a whole build (goal: import + build under 1 s)\n", f / b }'
