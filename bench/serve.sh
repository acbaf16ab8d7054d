#!/usr/bin/env bash
# bench/serve.sh — `cinepress serve` beside nginx serving the static build of the same site,
# in one run, with wrk on loopback (wrk and the servers share the machine's cores).
#
#   bench/serve.sh [SIZE]          (default 10000 articles, seed 42)
#
# For an article page, the home page and a tag page, with access logs off and then on:
# requests/s (median of REPS runs of `wrk -t2 -c64 -d${DURATION}s`) and the ratio to nginx,
# and p99 latency (median of the runs' p99s). nginx's p99 on this 2-core machine is bimodal (about
# 1 ms in some runs, 4-27 ms in others, as the scheduler places its workers and wrk's threads):
# five short runs give a steadier median than three long ones.
# Environment: REPS=5, DURATION=5, CINEPRESS=build/cinepress, BENCH_WORK=/tmp/cinepress-bench,
#              SHARED=../shared.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SIZE=${1:-10000}
REPS=${REPS:-5}
DURATION=${DURATION:-5}
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
first_dir() {  # the first folder matching a glob under public/, other than page/
  local d
  for d in "$SITE"/public/$1/*/; do
    [ "$(basename "$d")" = page ] && continue
    echo "${d#"$SITE"/public/}"
    return
  done
}
ARTICLE=$(first_dir reviews)
TAG=$(first_dir tag)
TARGETS=("/$ARTICLE" "/" "/$TAG")
NAMES=(article home tag)

# A restricted article (access: paid) on a site with members and tiers, for the anonymous reader
# (its free part) and for a signed-in supporter (the whole piece): nginx serves the static page.
if [ ! -f "$SITE/.bench-members" ]; then
  cat >> "$SITE/cinepress.toml" <<TOML

[smtp]
url = "smtp://127.0.0.1:18471"
starttls = "none"

[members]
signup = "open"

[[tiers]]
slug = "supporter"
name = "Supporter"
monthly_price = 500
currency = "usd"
TOML
  mkdir -p "$WORK/locked/content/reviews"
  { printf -- '---\ntitle: "A locked review"\ndate: 2024-01-01T00:00:00Z\naccess: paid\n---\n\n'
    for i in $(seq 1 12); do printf 'Paragraph %d of a long review, long enough to be a paragraph.\n\n' "$i"; done
  } > "$WORK/locked/content/reviews/bench-locked.md"
  "$CINEPRESS" import "$WORK/locked" --site "$SITE" >/dev/null
  "$CINEPRESS" build --site "$SITE" >/dev/null
  "$CINEPRESS" members add bench@example.org --tier supporter --until 2099-01-01 --site "$SITE" >/dev/null
  touch "$SITE/.bench-members"
fi
LOCKED=/reviews/bench-locked/
member_cookie() {  # signs bench@example.org in through the form and the code (a relay on 18471)
  local mail="$WORK/bench-mail"
  rm -rf "$mail"
  $PY "$REPO/tests/e2e/smtp_recorder.py" 18471 "$mail" > "$WORK/smtp.out" 2>&1 &
  local smtp=$!
  for _ in $(seq 1 50); do grep -q ready "$WORK/smtp.out" 2>/dev/null && break; sleep 0.1; done
  $PY - "http://127.0.0.1:$CP_PORT" "$mail" <<'PY'
import glob, re, sys, time, urllib.parse, urllib.request
base, mail = sys.argv[1], sys.argv[2]
class Keep(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
opener = urllib.request.build_opener(Keep)
cookies = {}
def go(path, data=None):
    h = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Sec-Fetch-Site": "same-origin"}
    body = urllib.parse.urlencode(data).encode() if data else None
    req = urllib.request.Request(base + path, data=body, headers=h)
    try:
        r = opener.open(req)
    except urllib.error.HTTPError as e:
        r = e
    for c in r.headers.get_all("Set-Cookie") or []:
        k, _, v = c.partition("=")
        cookies[k] = v.split(";")[0]
    return r.read().decode()
page = go("/account/sign-in/")
csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
go("/account/sign-in/", {"email": "bench@example.org", "csrf": csrf})
for _ in range(100):
    files = sorted(glob.glob(mail + "/*.eml"))
    if files: break
    time.sleep(0.1)
code = re.search(rb"\b(\d{6})\b", open(files[-1], "rb").read()).group(1).decode()
go("/account/sign-in/code/", {"email": "bench@example.org", "code": code, "csrf": csrf})
print(f"cp_session={cookies['cp_session']}")
PY
  kill "$smtp" 2>/dev/null || true
}

NGINX_CONF="$WORK/nginx-bench.conf"
start_nginx() {  # $1: on|off (access log)
  local logline="access_log off;"
  [ "$1" = on ] && logline="access_log $WORK/nginx-access.log;"
  cat > "$NGINX_CONF" <<CONF
worker_processes 2;
worker_rlimit_nofile 65536;
pid $WORK/nginx-bench.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 16384; }
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
    --idle-timeout 600 > "$WORK/serve.out" 2>&1 &
  CP_PID=$!
  for _ in $(seq 1 50); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
}
stop_cinepress() { kill -TERM "$CP_PID" 2>/dev/null || true; wait "$CP_PID" 2>/dev/null || true; }
trap 'stop_cinepress; stop_nginx' EXIT

rps() {  # $1: url [$2: a Cookie header] → "requests/s p99_ms" (medians of REPS runs)
  local runs=() p99s=() cookie=()
  [ -n "${2:-}" ] && cookie=(-H "Cookie: $2")
  curl -s -o /dev/null "${cookie[@]}" "$1"  # warm: the page is rendered and cached
  for _ in $(seq 1 "$REPS"); do
    out=$(wrk -t2 -c64 -d"${DURATION}s" --latency "${cookie[@]}" "$1")
    runs+=("$(awk '/Requests\/sec/ {print $2}' <<<"$out")")
    p99s+=("$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")")
  done
  med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  echo "$(med "${runs[@]}") $(med "${p99s[@]}")"
}

RESULTS="$WORK/serve-results.tsv"
: > "$RESULTS"
for logs in off on; do
  start_nginx "$logs"
  start_cinepress "$logs"
  for i in "${!TARGETS[@]}"; do
    t=${TARGETS[$i]}
    read -r n np <<<"$(rps "http://127.0.0.1:$NGINX_PORT$t")"
    read -r c cp <<<"$(rps "http://127.0.0.1:$CP_PORT$t")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$logs" "${NAMES[$i]}" "$n" "$c" "$np" "$cp" >> "$RESULTS"
    log "logs $logs, ${NAMES[$i]} ($t): nginx $n req/s (p99 $np ms), cinepress $c req/s (p99 $cp ms)"
  done
  if [ "$logs" = off ]; then
    # The restricted article: nginx serves its static (free) page to everyone; cinepress to an
    # anonymous reader and to a signed-in supporter (the whole piece, from its own cache entry).
    read -r n np <<<"$(rps "http://127.0.0.1:$NGINX_PORT$LOCKED")"
    read -r c cp <<<"$(rps "http://127.0.0.1:$CP_PORT$LOCKED")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' off "locked/anon" "$n" "$c" "$np" "$cp" >> "$RESULTS"
    cookie=$(member_cookie)
    read -r c cp <<<"$(rps "http://127.0.0.1:$CP_PORT$LOCKED" "$cookie")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' off "locked/member" "$n" "$c" "$np" "$cp" >> "$RESULTS"
    log "locked article: nginx $n req/s, cinepress member $c req/s"
    # The article page again, with 10,000 idle keep-alive connections held open on each server.
    t=${TARGETS[0]}
    for port in $NGINX_PORT $CP_PORT; do
      $PY "$HERE/idle_clients.py" 127.0.0.1 "$port" 10000 $((REPS * (DURATION + 2) + 5)) \
        > "$WORK/idle-$port.out" 2>&1 &
      idle_pid=$!
      for _ in $(seq 1 300); do grep -q 'open$' "$WORK/idle-$port.out" 2>/dev/null && break; sleep 0.2; done
      read -r r p <<<"$(rps "http://127.0.0.1:$port$t")"
      wait "$idle_pid" || true
      log "idle 10k, port $port: $r req/s (p99 $p ms); $(tail -1 "$WORK/idle-$port.out")"
      eval "idle_$port=\"$r $p\""
    done
    read -r n np <<<"$(eval echo "\$idle_$NGINX_PORT")"
    read -r c cp <<<"$(eval echo "\$idle_$CP_PORT")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "off+10k idle" "article" "$n" "$c" "$np" "$cp" >> "$RESULTS"
    ps -o rss= -p "$CP_PID" | awk '{printf "%d\n", $1/1024}' > "$WORK/cinepress-rss-mib"
  fi
  stop_cinepress
  stop_nginx
done

echo "cinepress serve vs nginx (static build of the same $SIZE-article site), wrk -t2 -c64 -d${DURATION}s, median of $REPS"
printf '%-14s %-14s %12s %12s %8s %12s %12s\n' logs page "nginx req/s" "cinepress" ratio "nginx p99" "cp p99"
while IFS=$'\t' read -r logs name n c np cp; do
  awk -v l="$logs" -v p="$name" -v n="$n" -v c="$c" -v np="$np" -v cp="$cp" \
    'BEGIN { printf "%-14s %-14s %12.0f %12.0f %8.2f %10.2fms %10.2fms\n", l, p, n, c, c / n, np, cp }'
done < "$RESULTS"
echo "cinepress resident memory after the runs (pages cached): $(cat "$WORK/cinepress-rss-mib" 2>/dev/null) MiB"
