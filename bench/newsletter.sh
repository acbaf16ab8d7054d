#!/usr/bin/env bash
# bench/newsletter.sh — `cinepress newsletter send` beside Postfix's smtp-source, in one run,
# both delivering into Postfix's smtp-sink on loopback.
#
#   bench/newsletter.sh [COUNTS...]        (default: 20000 100000)
#
# For each COUNT: a demo magazine with COUNT confirmed subscribers of one newsletter; the issue
# is rendered, queued and handed to the sink (personalised: per-recipient unsubscribe links and
# Message-ID) over CONNECTIONS connections; then smtp-source sends COUNT messages of the same
# size over the same number of connections to the same sink. Reports messages/s of both, the
# ratio, and our peak RSS (/usr/bin/time -v), which should not grow with COUNT. Each COUNT is
# sent on each engine of ENGINES: the store in SQLite, and in PostgreSQL (the demo's store
# copied there with `cinepress store copy`; PG_URL: a PostgreSQL of your own, the magazine in a
# schema `cinepress_bench_nl`, made anew; without it, a throwaway cluster on a unix socket,
# tests/pg/pg_test_server.sh, stopped at the end).
# Environment: CONNECTIONS=8, CINEPRESS=build/cinepress, BENCH_WORK=/tmp/cinepress-bench-nl,
#   ENGINES="sqlite postgresql", PG_URL.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
COUNTS=("$@")
[ "${#COUNTS[@]}" -gt 0 ] || COUNTS=(20000 100000)
CONNECTIONS=${CONNECTIONS:-8}
read -r -a ENGINES <<<"${ENGINES:-sqlite postgresql}"
CINEPRESS=${CINEPRESS:-$REPO/build/cinepress}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/cinepress-bench-nl}
SINK_PORT=${SINK_PORT:-18525}

log() { printf '[bench/newsletter] %s\n' "$*" >&2; }
[ -x "$CINEPRESS" ] || { log "no $CINEPRESS: run 'make build' first"; exit 1; }
[ -x /usr/sbin/smtp-sink ] && [ -x /usr/sbin/smtp-source ] || {
  log "needs Postfix's smtp-sink and smtp-source: scripts/setup.sh --test"; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK"
sink_pid=""
pg_started=""
cleanup() {
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  [ -n "$pg_started" ] && "$REPO/tests/pg/pg_test_server.sh" stop "$WORK/pg-state" || true
}
trap cleanup EXIT
# PostgreSQL's URL for the magazine (a schema of its own), when an engine wants it.
pg_url=""
if [[ " ${ENGINES[*]} " == *" postgresql "* ]]; then
  base="${PG_URL:-}"
  if [ -z "$base" ]; then
    pg_started=1
    "$REPO/tests/pg/pg_test_server.sh" start "$WORK/pg-state"
    base="$(cat "$WORK/pg-state/url")"
    [ -n "$base" ] || { log "no PostgreSQL here (scripts/setup.sh --test installs it)"; exit 1; }
  fi
  psql_bin="$(command -v psql || ls -1 /usr/lib/postgresql/*/bin/psql | sort -V | tail -n1)"
  sep="$([[ "$base" == *\?* ]] && echo '&' || echo '?')"
  pg_url="${base}${sep}options=-csearch_path%3Dcinepress_bench_nl"
fi
# smtp-sink: accepts everything and throws it away; 1024 = listen backlog.
/usr/sbin/smtp-sink -u nobody "127.0.0.1:$SINK_PORT" 1024 &
sink_pid=$!
sleep 0.5

now() { date +%s.%N; }
results=()
declare -A ours rss
for COUNT in "${COUNTS[@]}"; do
  for ENGINE in "${ENGINES[@]}"; do
    SITE="$WORK/site-$ENGINE-$COUNT"
    log "making a demo site with $COUNT subscribers in $ENGINE"
    "$CINEPRESS" demo "$SITE" >/dev/null
    if [ "$ENGINE" = postgresql ]; then
      PGOPTIONS="-c client_min_messages=warning" "$psql_bin" "$base" -qAt -v ON_ERROR_STOP=1 \
        -c "DROP SCHEMA IF EXISTS cinepress_bench_nl CASCADE" \
        -c "CREATE SCHEMA cinepress_bench_nl" >/dev/null
      "$CINEPRESS" store copy --from "$SITE/cinepress.db" --to "$pg_url" >/dev/null
      mv "$SITE/cinepress.db" "$SITE/copied-to-postgresql.db"
      printf '\n[store]\nurl = "%s"\n' "$pg_url" >>"$SITE/cinepress.toml"
    fi
    # The demo's own [smtp] and weekly newsletter, pointed at the sink and given every article.
    /usr/bin/python3 - "$SITE/cinepress.toml" "$SINK_PORT" "$CONNECTIONS" <<'PY'
import re, sys
path, port, connections = sys.argv[1:]
text = open(path, encoding="utf-8").read()
smtp = f'[smtp]\nurl = "smtp://127.0.0.1:{port}"\nstarttls = "none"\nconnections = {connections}\n'
text, n = re.subn(r'^\[smtp\]\n(?:[a-z_]+ = .*\n)*', smtp, text, count=1, flags=re.M)
if n != 1:
    sys.exit(f"{path}: no [smtp] table to point at the sink")
start = text.index('slug = "weekly"')
content = text.index("[newsletters.content]", start)
end = text.index("\n\n", content)
text = text[:content] + "[newsletters.content]\nfirst_days = 3650\nmax_articles = 12" + text[end:]
open(path, "w", encoding="utf-8").write(text)
PY
    /usr/bin/python3 - "$SITE/readers.csv" "$COUNT" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("email,name,lists,consent_date\n")
    for i in range(int(sys.argv[2])):
        f.write(f"reader{i}@example.org,Reader {i},weekly,2024-05-01\n")
PY
    "$CINEPRESS" subscribers import "$SITE/readers.csv" --site "$SITE" >/dev/null
    size=$("$CINEPRESS" newsletter preview weekly --site "$SITE" | wc -c)
    text=$("$CINEPRESS" newsletter preview weekly --text --site "$SITE" | wc -c)
    # The message on the wire: both parts quoted-printable (~+8%) and headers (~1 KB).
    bytes=$(( (size + text) * 108 / 100 + 1024 ))

    log "cinepress on $ENGINE: $COUNT messages of ~$bytes bytes over $CONNECTIONS connections"
    t0=$(now)
    /usr/bin/time -v -o "$WORK/time-$ENGINE-$COUNT.txt" \
      "$CINEPRESS" newsletter send weekly --site "$SITE" >"$WORK/send-$ENGINE-$COUNT.txt"
    t1=$(now)
    grep -q "$COUNT sent, 0 failed, 0 pending" "$WORK/send-$ENGINE-$COUNT.txt" ||
      { log "not everything was sent:"; cat "$WORK/send-$ENGINE-$COUNT.txt" >&2; exit 1; }
    ours[$ENGINE]=$(echo "$t0 $t1 $COUNT" | awk '{printf "%.0f", $3 / ($2 - $1)}')
    rss[$ENGINE]=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' \
      "$WORK/time-$ENGINE-$COUNT.txt")
  done

  log "smtp-source: $COUNT messages of $bytes bytes over $CONNECTIONS connections"
  t0=$(now)
  /usr/sbin/smtp-source -s "$CONNECTIONS" -m "$COUNT" -l "$bytes" -f news@changeover.example \
    -t reader@example.org "127.0.0.1:$SINK_PORT"
  t1=$(now)
  peer=$(echo "$t0 $t1 $COUNT" | awk '{printf "%.0f", $3 / ($2 - $1)}')
  for ENGINE in "${ENGINES[@]}"; do
    ratio=$(echo "${ours[$ENGINE]} $peer" | awk '{printf "%.2f", $1 / $2}')
    results+=("$(printf '%8d  %-10s  %6d B  %9s msg/s  %9s msg/s  %5s  %8s MiB' "$COUNT" \
      "$ENGINE" "$bytes" "${ours[$ENGINE]}" "$peer" "$ratio" "${rss[$ENGINE]}")")
  done
done

echo
echo "newsletter delivery into smtp-sink on loopback, $CONNECTIONS connections ($(nproc) cores, shared)"
printf '%8s  %-10s  %8s  %15s  %15s  %5s  %12s\n' messages store size cinepress smtp-source ratio \
  "our peak RSS"
for r in "${results[@]}"; do echo "$r"; done
echo "(cinepress: render once, queue in the store, personalise and hand over each message, mark it sent;"
echo " its time includes loading the site and composing the issue)"
