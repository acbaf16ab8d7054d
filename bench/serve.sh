#!/usr/bin/env bash
# bench/serve.sh — `cinepress serve` beside nginx serving the static build of the same site,
# in one run, with wrk on loopback (wrk and the servers share the machine's cores).
#
#   bench/serve.sh [SIZE]          (default 10000 articles, seed 42)
#
# For an article page, the home page and a tag page, with access logs off and then on:
# requests/s (median of REPS runs of `wrk -t2 -c64 -d${DURATION}s`) and the ratio to nginx.
# Environment: REPS=3, DURATION=10, CINEPRESS=build/cinepress, BENCH_WORK=/tmp/cinepress-bench,
#              SHARED=../shared.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SIZE=${1:-10000}
REPS=${REPS:-3}
DURATION=${DURATION:-10}
SEED=${SEED:-42}
CINEPRESS=${CINEPRESS:-$REPO/build/cinepress}
SHARED=${SHARED:-$REPO/../shared}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/cinepress-bench}
PY=/usr/bin/python3
CP_PORT=18491
NGINX_PORT=18481

log() { printf '[bench/serve] %s\n' "$*" >&2; }
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx)
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x "$CINEPRESS" ] || { log "no $CINEPRESS: run 'make build' first"; exit 1; }

mkdir -p "$WORK"
CORPUS="$WORK/corpus-$SIZE"
SITE="$WORK/serve-site-$SIZE"
if [ ! -f "$CORPUS/corpus.json" ]; then
  log "generating $SIZE articles (seed $SEED)"
  $PY "$SHARED/bench/gen_corpus.py" --articles "$SIZE" --seed "$SEED" --out "$CORPUS" >/dev/null
fi
if [ ! -f "$SITE/public/index.html" ]; then
  rm -rf "$SITE"
  "$CINEPRESS" init "$SITE" >/dev/null
  "$CINEPRESS" import "$CORPUS" --site "$SITE" >/dev/null
  "$CINEPRESS" build --site "$SITE" >/dev/null
fi
ARTICLE=$(cd "$SITE/public" && ls -d reviews/*/ | grep -v '^reviews/page/' | head -1)
TAG=$(cd "$SITE/public" && ls -d tag/*/ | head -1)
TARGETS=("/$ARTICLE" "/" "/$TAG")
NAMES=(article home tag)

NGINX_CONF="$WORK/nginx-bench.conf"
start_nginx() {  # $1: on|off (access log)
  local logline="access_log off;"
  [ "$1" = on ] && logline="access_log $WORK/nginx-access.log;"
  cat > "$NGINX_CONF" <<CONF
worker_processes 2;
pid $WORK/nginx-bench.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  $logline
  sendfile on; tcp_nopush on; keepalive_requests 1000000;
  include /etc/nginx/mime.types;
  server { listen 127.0.0.1:$NGINX_PORT; root $SITE/public; }
}
CONF
  nginx -c "$NGINX_CONF"
}
stop_nginx() { nginx -c "$NGINX_CONF" -s stop 2>/dev/null || true; sleep 0.5; }
CP_PID=
start_cinepress() {  # $1: on|off
  local log=off
  [ "$1" = on ] && log="$WORK/cinepress-access.log"
  "$CINEPRESS" serve --site "$SITE" --listen "127.0.0.1:$CP_PORT" --access-log "$log" \
    > "$WORK/serve.out" 2>&1 &
  CP_PID=$!
  for _ in $(seq 1 50); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
}
stop_cinepress() { kill -TERM "$CP_PID" 2>/dev/null; wait "$CP_PID" 2>/dev/null || true; }
trap 'stop_cinepress; stop_nginx' EXIT

rps() {  # $1: url → requests/s (median of REPS)
  local runs=()
  curl -s -o /dev/null "$1"  # warm: the page is rendered and cached
  for _ in $(seq 1 "$REPS"); do
    runs+=("$(wrk -t2 -c64 -d"${DURATION}s" "$1" | awk '/Requests\/sec/ {print $2}')")
  done
  printf '%s\n' "${runs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

RESULTS="$WORK/serve-results.tsv"
: > "$RESULTS"
for logs in off on; do
  start_nginx "$logs"
  start_cinepress "$logs"
  for i in "${!TARGETS[@]}"; do
    t=${TARGETS[$i]}
    n=$(rps "http://127.0.0.1:$NGINX_PORT$t")
    c=$(rps "http://127.0.0.1:$CP_PORT$t")
    printf '%s\t%s\t%s\t%s\n' "$logs" "${NAMES[$i]}" "$n" "$c" >> "$RESULTS"
    log "logs $logs, ${NAMES[$i]} ($t): nginx $n req/s, cinepress $c req/s"
  done
  stop_cinepress
  stop_nginx
done

echo "cinepress serve vs nginx (static build of the same $SIZE-article site), wrk -t2 -c64 -d${DURATION}s, median of $REPS"
printf '%-6s %-8s %12s %12s %8s\n' logs page nginx cinepress ratio
while IFS=$'\t' read -r logs name n c; do
  awk -v l="$logs" -v p="$name" -v n="$n" -v c="$c" \
    'BEGIN { printf "%-6s %-8s %12.0f %12.0f %8.2f\n", l, p, n, c, c / n }' 
done < "$RESULTS"
