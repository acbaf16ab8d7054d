#!/usr/bin/env bash
# The newsroom's articles list on a big magazine: generates SIZE articles (default 10,000; seed
# 42) with ../shared/bench/gen_corpus.py, imports them, serves the site and times the dashboard
# and the list with filters, search and a deep page (bench/newsroom_lists.py).
#
#   bench/newsroom.sh [BINARY] [SIZE]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CINEPRESS="$(realpath "${1:-$repo/build/cinepress}")"
SIZE="${2:-10000}"
SHARED="${CINEPRESS_SHARED:-$repo/../shared}"
WORK="$(mktemp -d /tmp/cinepress-newsroom-bench.XXXXXX)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
/usr/bin/python3 "$SHARED/bench/gen_corpus.py" --articles "$SIZE" --seed 42 --out "$WORK/corpus" \
  >/dev/null
"$CINEPRESS" init "$WORK/site" >/dev/null
"$CINEPRESS" import "$WORK/corpus" --site "$WORK/site" >/dev/null
LINK="$("$CINEPRESS" staff add editor@mag.example --role editor --site "$WORK/site" |
  grep -o '/admin/invitation/?token=.*')"
PORT="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$CINEPRESS" serve --site "$WORK/site" --listen "127.0.0.1:$PORT" --access-log off >"$WORK/serve.out" 2>&1 &
SERVER=$!
for _ in $(seq 100); do grep -q listening "$WORK/serve.out" && break; sleep 0.1; done
echo "newsroom: $SIZE articles"
/usr/bin/python3 "$repo/bench/newsroom_lists.py" "http://127.0.0.1:$PORT" "$LINK" 20
