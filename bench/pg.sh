#!/usr/bin/env bash
# bench/pg.sh — one magazine on SQLite and on PostgreSQL, side by side, on the standard corpus:
#   - import of the corpus into a new store (`cinepress import`, the full-text index included),
#   - `cinepress build` from that store,
#   - on PostgreSQL, the time `cinepress serve` takes to build its search mirror (from its start),
#   - search over `cinepress serve` (on PostgreSQL, through the mirror): p50 and p99 of the
#     results page (/search/, HTML with snippets) and of the suggestions (/search/suggest.json),
#     QUERIES mixed queries (bench/search_queries.py) one at a time on one kept-alive loopback
#     connection,
# then PostgreSQL's figures as multiples of SQLite's (goals: import within 2x; /search/ p99 under
# 10 ms at 10,000 articles).
#
#   bench/pg.sh [SIZE]          (default 10000 articles, seed 42)
#   IMPORT_ONLY=1 bench/pg.sh   the imports alone (both engines, one after the other)
#
# Environment: CINEPRESS=build/cinepress, QUERIES=1000, BENCH_WORK=/tmp/cinepress-bench,
#   CINEPRESS_SHARED=../shared (the folder with bench/gen_corpus.py), PG_URL: a PostgreSQL of
#   your own (the magazine goes in a schema `cinepress_bench`, made anew); without it, a
#   throwaway cluster on a unix socket (tests/pg/pg_test_server.sh: fsync off, as a test cluster),
#   stopped at the end. The machine may be shared: the load average is printed beside the figures.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bin="$(realpath "${CINEPRESS:-$repo/build/cinepress}")"
shared="${CINEPRESS_SHARED:-${SHARED:-$repo/../shared}}"
size="${1:-${SIZE:-10000}}"
queries_n="${QUERIES:-1000}"
work="${BENCH_WORK:-${TMPDIR:-/tmp}/cinepress-bench}/pg"
mkdir -p "$work"
log() { printf '[bench/pg] %s\n' "$*" >&2; }

corpus="$work/corpus-$size"
if [[ ! -f "$corpus/corpus.json" ]]; then
  log "generating $size articles (seed 42)"
  rm -rf "$corpus"
  python3 "$shared/bench/gen_corpus.py" --articles "$size" --seed 42 --out "$corpus" >/dev/null
fi
queries="$work/queries.txt"
python3 "$here/search_queries.py" "$corpus" "$queries_n" 7 >"$queries"

server=""
cleanup() {
  [[ -n "$server" ]] && { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
  [[ -z "${PG_URL:-}" ]] && "$repo/tests/pg/pg_test_server.sh" stop "$work/pg-state" || true
}
trap cleanup EXIT
base="${PG_URL:-}"
if [[ -z "$base" ]]; then
  "$repo/tests/pg/pg_test_server.sh" start "$work/pg-state"
  base="$(cat "$work/pg-state/url")"
  [[ -n "$base" ]] || { log "no PostgreSQL here (scripts/setup.sh --test installs it)"; exit 1; }
fi
psql_bin="$(command -v psql || ls -1 /usr/lib/postgresql/*/bin/psql | sort -V | tail -n1)"
PGOPTIONS="-c client_min_messages=warning" "$psql_bin" "$base" -qAt -v ON_ERROR_STOP=1 \
  -c "DROP SCHEMA IF EXISTS cinepress_bench CASCADE" -c "CREATE SCHEMA cinepress_bench" >/dev/null
pg_url="$base$([[ "$base" == *\?* ]] && echo '&' || echo '?')options=-csearch_path%3Dcinepress_bench"

seconds() {
  python3 -c 'import subprocess, sys, time
t = time.monotonic(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(f"{time.monotonic() - t:.2f}")' "$@"
}
results="$work/results.txt"
: >"$results"
log "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before"
for engine in sqlite postgresql; do
  site="$work/site-$engine"
  rm -rf "$site"
  "$bin" init "$site" >/dev/null
  if [[ "$engine" == postgresql ]]; then printf '\n[store]\nurl = "%s"\n' "$pg_url" >>"$site/cinepress.toml"; fi
  echo "$engine import $(seconds "$bin" import "$corpus" --site "$site")" >>"$results"
  log "$engine import done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  [[ -n "${IMPORT_ONLY:-}" ]] && continue
  echo "$engine build $(seconds "$bin" build --site "$site")" >>"$results"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  started=$(date +%s.%N)
  "$bin" serve --site "$site" --listen "127.0.0.1:$port" --access-log off >"$work/serve-$engine.log" 2>&1 &
  server=$!
  for _ in $(seq 300); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
    sleep 0.1
  done
  if [[ "$engine" == postgresql ]]; then
    # The node's search mirror is built on a thread of its own from its first store connection
    # (one search opens it); until then PostgreSQL answers. Searches are timed once it says it
    # is ready (its build time is a row of its own).
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/search/?q=film').read()"
    for _ in $(seq 3000); do
      grep -q 'search mirror: ready' "$work/serve-$engine.log" && break
      sleep 0.1
    done
    grep 'search mirror: ready' "$work/serve-$engine.log" >&2 || log "the search mirror did not say it was ready"
    echo "postgresql mirror $(python3 -c "import time; print(f'{time.time() - $started:.2f}')")" >>"$results"
  fi
  for path in /search/ /search/suggest.json; do
    out="$(python3 "$here/search_client.py" "$port" "$path" "$queries" "$server")"
    echo "$out" | sed "s|^|    $engine |" >&2
    echo "$out" | python3 -c '
import re, sys
line = sys.stdin.readline()
m = re.search(r"p50 ([\d.]+) ms, p90 [\d.]+ ms, p99 ([\d.]+) ms", line)
print(sys.argv[1], sys.argv[2] + ":p50", m.group(1)); print(sys.argv[1], sys.argv[2] + ":p99", m.group(2))
' "$engine" "$path" >>"$results"
  done
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
done
log "load average $(cut -d' ' -f1-3 /proc/loadavg) after"

python3 - "$results" "$size" "$queries_n" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    engine, what, value = line.split()
    rows[(engine, what)] = float(value)
size, n = sys.argv[2], sys.argv[3]
print(f"SQLite and PostgreSQL, {size} articles, {n} search queries")
print()
print("%-30s %10s %12s %8s" % ("", "SQLite", "PostgreSQL", "ratio"))
labels = [("import", "import s"), ("build", "build s"),
          ("/search/:p50", "/search/ p50 ms"), ("/search/:p99", "/search/ p99 ms"),
          ("/search/suggest.json:p50", "suggest.json p50 ms"),
          ("/search/suggest.json:p99", "suggest.json p99 ms")]
for key, label in labels:
    if ("sqlite", key) not in rows:
        continue
    s, p = rows[("sqlite", key)], rows[("postgresql", key)]
    print("%-30s %10.2f %12.2f %7.1fx" % (label, s, p, p / s if s else float("inf")))
if ("postgresql", "mirror") in rows:
    print("%-30s %10s %12.2f" % ("search mirror ready s", "", rows[("postgresql", "mirror")]))
print()
print("PostgreSQL import: %.1fx SQLite's (goal: within 2x)"
      % (rows[("postgresql", "import")] / rows[("sqlite", "import")]))
if ("postgresql", "/search/:p99") in rows:
    print("PostgreSQL /search/ p99: %.1f ms (goal: under 10 ms at 10,000 articles)"
          % rows[("postgresql", "/search/:p99")])
PY
