#!/usr/bin/env bash
# Runs one libFuzzer harness: first every input of its seed corpus (the regression inputs among
# them), then new inputs for SECONDS. New interesting inputs go to a temporary folder, never into
# the repository's corpus; a crash leaves its input in ARTIFACTS (default: a temporary folder)
# and fails the run.
#
#   fuzz/run.sh HARNESS CORPUS_DIR SECONDS [ARTIFACTS_DIR]
set -euo pipefail
harness="$1" corpus="$2" seconds="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
artifacts="${4:-$work/artifacts}"
mkdir -p "$artifacts" "$work/new"
# A slow input is a finding too (a stranger's request that takes seconds is a denial of service).
exec_opts=(-timeout=25 -rss_limit_mb=2048 -max_len=65536 "-artifact_prefix=$artifacts/"
  -print_final_stats=1)
# A dictionary beside the corpus (fuzz/corpus/NAME.dict) gives the mutator the input's words.
if [[ -f "${corpus%/}.dict" ]]; then exec_opts+=("-dict=${corpus%/}.dict"); fi
# First pass: every committed input once (libFuzzer runs a file argument and exits).
mapfile -t seeds < <(find "$corpus" -type f | sort)
if ((${#seeds[@]})); then
  "$harness" "${exec_opts[@]}" "${seeds[@]}" 2>"$work/replay.log" || {
    cat "$work/replay.log" >&2
    echo "fuzz: $(basename "$harness"): a corpus input fails (see above)" >&2
    exit 1
  }
fi
echo "fuzz: $(basename "$harness"): ${#seeds[@]} corpus inputs pass; fuzzing for ${seconds}s"
"$harness" "${exec_opts[@]}" -max_total_time="$seconds" "$work/new" "$corpus" 2>"$work/fuzz.log" || {
  tail -n 80 "$work/fuzz.log" >&2
  echo "fuzz: $(basename "$harness"): found a crash; its input is in $artifacts" >&2
  exit 1
}
grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE' "$work/fuzz.log" || true
