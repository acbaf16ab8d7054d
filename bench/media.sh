#!/usr/bin/env bash
# bench/media.sh — a large media file (a podcast episode) downloaded whole by many clients at
# once, from `cinepress serve` (streamed from the store, 256 KiB at a time) and from nginx with
# `sendfile` (the same bytes as a file on disk), one after the other on loopback.
#
#   bench/media.sh [SIZE_MB] [CLIENTS]        (default 200 MB, 50 clients)
#
# Each client is a curl downloading the whole file once; throughput is all the bytes over the
# wall time of the slowest client (median of REPS rounds). cinepress's resident memory is
# sampled every 0.1 s during its rounds: the peak beside the idle figure shows what the
# downloads cost (flat: one 256 KiB piece per client, whatever the file's size).
# Environment: REPS=3, CINEPRESS=build/cinepress, BENCH_WORK=/tmp/cinepress-bench.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SIZE_MB=${1:-200}
CLIENTS=${2:-50}
REPS=${REPS:-3}
CINEPRESS=${CINEPRESS:-$REPO/build/cinepress}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/cinepress-bench}/media
CP_PORT=18493
NGINX_PORT=18483

log() { printf '[bench/media] %s\n' "$*" >&2; }
need=()
command -v nginx >/dev/null || need+=(nginx)
command -v curl >/dev/null || need+=(curl)
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x "$CINEPRESS" ] || { log "no $CINEPRESS: run 'make build' first"; exit 1; }

SITE="$WORK/site-$SIZE_MB"
ROOT="$WORK/nginx-root-$SIZE_MB"
# Not under podcasts/: that folder is the podcasts' own (episodes' files, from content/podcasts/).
FILE_PATH=files/bench/episode.mp3
if [ ! -f "$ROOT/$FILE_PATH" ] || [ ! -f "$SITE/cinepress.db" ]; then
  rm -rf "$SITE" "$ROOT" "$WORK/import"
  mkdir -p "$ROOT/files/bench" "$WORK/import/static/files/bench" "$WORK/import/content"
  log "making a $SIZE_MB MB file and importing it"
  head -c "$((SIZE_MB * 1024 * 1024))" /dev/urandom > "$ROOT/$FILE_PATH"
  cp "$ROOT/$FILE_PATH" "$WORK/import/static/$FILE_PATH"
  "$CINEPRESS" init "$SITE" >/dev/null
  "$CINEPRESS" import "$WORK/import" --site "$SITE" >/dev/null
  rm -rf "$WORK/import"
fi
BYTES=$(stat -c %s "$ROOT/$FILE_PATH")

NGINX_CONF="$WORK/nginx-media.conf"
cat > "$NGINX_CONF" <<CONF
worker_processes 2;
worker_rlimit_nofile 65536;
pid $WORK/nginx-media.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on; tcp_nopush on;
  include /etc/nginx/mime.types;
  server { listen 127.0.0.1:$NGINX_PORT; root $ROOT; }
}
CONF
CP_PID=
stop_all() {
  nginx -c "$NGINX_CONF" -s stop 2>/dev/null || true
  [ -n "$CP_PID" ] && { kill -TERM "$CP_PID" 2>/dev/null || true; wait "$CP_PID" 2>/dev/null || true; }
}
trap stop_all EXIT

rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# One round: CLIENTS downloads of URL at once; prints MB/s (all bytes over the wall time).
round() {
  local url=$1 start end got
  start=$(date +%s.%N)
  got=$(for _ in $(seq 1 "$CLIENTS"); do
          curl -s -o /dev/null -w '%{size_download}\n' "$url" &
        done; wait)
  end=$(date +%s.%N)
  local total
  total=$(awk '{s += $1} END {printf "%.0f", s}' <<<"$got")
  if [ "$total" != "$((BYTES * CLIENTS))" ]; then
    log "$url: $total bytes downloaded, not $((BYTES * CLIENTS))"
    exit 1
  fi
  awk -v b="$total" -v s="$start" -v e="$end" 'BEGIN { printf "%.1f\n", b / 1048576 / (e - s) }'
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

nginx -c "$NGINX_CONF"
ng=()
for _ in $(seq 1 "$REPS"); do ng+=("$(round "http://127.0.0.1:$NGINX_PORT/$FILE_PATH")"); done
nginx -c "$NGINX_CONF" -s stop 2>/dev/null || true

"$CINEPRESS" serve --site "$SITE" --listen "127.0.0.1:$CP_PORT" --access-log off \
  > "$WORK/serve.out" 2>&1 &
CP_PID=$!
for _ in $(seq 1 100); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
curl -s -o /dev/null "http://127.0.0.1:$CP_PORT/"  # the site loaded
IDLE=$(rss_mib "$CP_PID")
PEAK_FILE="$WORK/rss-peak"
echo "$IDLE" > "$PEAK_FILE"
( while kill -0 "$CP_PID" 2>/dev/null; do
    r=$(rss_mib "$CP_PID" 2>/dev/null || echo 0)
    awk -v r="$r" -v p="$(cat "$PEAK_FILE")" 'BEGIN { exit !(r > p) }' && echo "$r" > "$PEAK_FILE"
    sleep 0.1
  done ) &
SAMPLER=$!
cp=()
for _ in $(seq 1 "$REPS"); do cp+=("$(round "http://127.0.0.1:$CP_PORT/$FILE_PATH")"); done
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
PEAK=$(cat "$PEAK_FILE")

N=$(median "${ng[@]}")
C=$(median "${cp[@]}")
echo "media: $CLIENTS clients each downloading a $SIZE_MB MB file whole (median of $REPS rounds)"
awk -v n="$N" -v c="$C" 'BEGIN { printf "nginx sendfile %.0f MB/s, cinepress serve (from the store) %.0f MB/s: throughput ratio %.2fx\n", n, c, c / n }'
awk -v i="$IDLE" -v p="$PEAK" -v k="$CLIENTS" -v s="$SIZE_MB" 'BEGIN { printf "cinepress resident memory: idle %.1f MiB, peak during the downloads %.1f MiB (+%.1f MiB for %d clients of a %d MB file: %.2fx the file)\n", i, p, p - i, k, s, (p - i) / s }'
