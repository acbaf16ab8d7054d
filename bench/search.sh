#!/usr/bin/env bash
# Search on the standard 10,000-article corpus (seed 42), in one run:
#   - import time and store size (the full-text index is made in the import's transaction),
#   - build time and the static index's size and number of files,
#   - p50/p90/p99 latency of 1,000 mixed queries (single words, two words, name prefixes as
#     typed, quoted phrases, a fifth with a kind filter, a tenth with a year) against
#     `cinepress serve`: the search page (/search/, HTML with snippets) and the suggestions
#     (/search/suggest.json), one request at a time on one kept-alive loopback connection,
#   - bytes the browser fetches per query from the static index (the theme's own search.js).
#
#   bench/search.sh [BINARY]       (default build/cinepress; scratch in $BENCH_WORK or /tmp;
#                                   SIZE=N articles instead of 10,000)
#
# The machine may be shared: the load average is printed beside the figures.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bin="$(realpath "${1:-$repo/build/cinepress}")"
shared="${CINEPRESS_SHARED:-$repo/../shared}"
work="${BENCH_WORK:-${TMPDIR:-/tmp}/cinepress-bench}/search"
mkdir -p "$work"
size="${SIZE:-10000}"
corpus="$work/corpus-$size"
if [[ ! -f "$corpus/corpus.json" ]]; then
  python3 "$shared/bench/gen_corpus.py" --articles "$size" --seed 42 --out "$corpus" > /dev/null
fi
site="$work/site"
rm -rf "$site"
"$bin" init "$site" > /dev/null
seconds() {
  python3 -c 'import subprocess, sys, time
t = time.monotonic(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(f"{time.monotonic() - t:.2f}")' "$@"
}
echo "search bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before"
t_import=$(seconds "$bin" import "$corpus" --site "$site")
echo "import: ${t_import} s; store $(du -m "$site/cinepress.db" | cut -f1) MiB (with its full-text index)"
t_build=$(seconds "$bin" build --site "$site")
index="$site/public/search/index"
# MiB written (the files' bytes) and, in brackets, on disk (whole blocks: small files cost more).
mib() { printf '%s (%s on disk)' "$(du -sm --apparent-size "$1" | cut -f1)" "$(du -sm "$1" | cut -f1)"; }
echo "build: ${t_build} s; static index $(mib "$index") MiB in $(find "$index" -type f | wc -l) files" \
  "(words $(mib "$index/words") MiB in $(ls "$index/words" | wc -l) chunks," \
  "fragments $(mib "$index/doc") MiB, manifest $(stat -c %s "$index/manifest.json") bytes)"

queries="$work/queries.txt"
python3 "$here/search_queries.py" "$corpus" 1000 7 > "$queries"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --site "$site" --listen "127.0.0.1:$port" --access-log off > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done
python3 "$here/search_client.py" "$port" /search/suggest.json "$queries" "$server"
python3 "$here/search_client.py" "$port" /search/ "$queries" "$server"
node "$here/search_static.js" "$site/public" "$queries"
echo "search bench: load average $(cut -d' ' -f1-3 /proc/loadavg) after"
