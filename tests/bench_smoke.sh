#!/usr/bin/env bash
# Runs one benchmark script of bench/ at a tiny size, so that a benchmark cannot break silently:
# it must exit 0 and print the line its figures end with (PATTERN, an extended regex). The
# figures themselves are not looked at: speed is measured by hand, never asserted in tests.
#
#   tests/bench_smoke.sh PATTERN WORK_DIR COMMAND [ARGS...]
set -euo pipefail
pattern="$1" work="$2"
shift 2
rm -rf "$work"
mkdir -p "$work"
log="$work/output.txt"
if ! BENCH_WORK="$work/bench" "$@" >"$log" 2>&1; then
  cat "$log"
  echo "bench smoke: '$*' failed (exit code above the output)" >&2
  exit 1
fi
if ! grep -Eq "$pattern" "$log"; then
  cat "$log"
  echo "bench smoke: '$*' did not print /$pattern/" >&2
  exit 1
fi
tail -n 3 "$log"
rm -rf "$work"
