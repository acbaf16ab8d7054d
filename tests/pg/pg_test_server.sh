#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: a cluster made with initdb in a temporary folder, run by
# an unprivileged user on a unix socket of its own (no TCP), removed by `stop`.
#
#   tests/pg/pg_test_server.sh start STATE_DIR   start one; writes STATE_DIR/url (a libpq URL)
#   tests/pg/pg_test_server.sh stop STATE_DIR    stop it and remove its folder
#   tests/pg/pg_test_server.sh url STATE_DIR     print the URL of the running one
#   tests/pg/pg_test_server.sh down STATE_DIR    stop the server, keeping its cluster (a restart's
#   tests/pg/pg_test_server.sh up STATE_DIR      first half), and start it again (the second)
#   tests/pg/pg_test_server.sh replica STATE_DIR PRIMARY_STATE_DIR
#                                                start a streaming replica of the running server
#                                                of PRIMARY_STATE_DIR (pg_basebackup -R), read-only
#   tests/pg/pg_test_server.sh promote STATE_DIR the replica made the primary (pg_ctl promote)
#
# CTest runs start and stop as the fixture `postgresql` (tests/CMakeLists.txt); every test that
# needs PostgreSQL reads the URL from the file named by CINEPRESS_TEST_PG_URL_FILE. Each build
# folder has its own STATE_DIR, so two test runs (release and sanitizer builds) never share a
# cluster. PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user
# (Debian's package makes it). When PostgreSQL is not installed, `start` fails under CI=true and
# otherwise writes an empty URL: the tests then skip, saying why.
set -euo pipefail

cmd="${1:-}"
state="${2:-}"
[[ -n "$cmd" && -n "$state" ]] || { sed -n '2,13s/^# \{0,1\}//p' "$0" >&2; exit 2; }
mkdir -p "$state"

log() { echo "pg_test_server: $*" >&2; }

bindir() {
  local initdb
  initdb="$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || true)"
  [[ -n "$initdb" ]] && dirname "$initdb"
}

# Runs a PostgreSQL program as the cluster's owner.
as_owner() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop() {
  local dir bin
  dir="$(cat "$state/dir" 2>/dev/null || true)"
  rm -f "$state/dir" "$state/url"
  [[ -n "$dir" && -d "$dir" ]] || return 0
  bin="$(bindir || true)"
  if [[ -n "$bin" && -f "$dir/data/postmaster.pid" ]]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

# Starts the server of the cluster in $2 with the programs in $1.
run_server() {
  # No TCP; the socket in the cluster's own folder. Durability is not wanted from a test cluster.
  if ! as_owner "$1/pg_ctl" -D "$2/data" -l "$2/server.log" -w -t 60 \
    -o "-c listen_addresses= -k $2 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null; then
    cat "$2/server.log" >&2 || true
    log "pg_ctl start failed"
    exit 1
  fi
}

# The server stopped (fast: sessions ended, as in a restart) or started again; the cluster kept.
down() { as_owner "$(bindir)/pg_ctl" -D "$(cat "$state/dir")/data" -m fast -w stop >/dev/null; }
up() { run_server "$(bindir)" "$(cat "$state/dir")"; }

# A folder for a cluster, owned by the user that runs PostgreSQL; recorded in $state/dir.
new_dir() {
  local dir
  dir="$(mktemp -d /tmp/cinepress-pg.XXXXXX)"
  echo "$dir" >"$state/dir"
  if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || { log "no user 'postgres' to run PostgreSQL as"; exit 1; }
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"
  echo "$dir"
}

# A streaming replica of the primary whose state folder is $1: a base backup over the primary's
# socket (after a fast checkpoint, not a spread one), written with its standby settings (-R:
# standby.signal and primary_conninfo).
replica() {
  stop
  local bin primary dir
  bin="$(bindir)" || { log "PostgreSQL is not installed"; exit 1; }
  primary="$(cat "$1/dir")"
  dir="$(new_dir)"
  if ! as_owner "$bin/pg_basebackup" -h "$primary" -U postgres -D "$dir/data" -R -X stream -c fast \
    >"$dir/basebackup.log" 2>&1; then
    cat "$dir/basebackup.log" >&2
    log "pg_basebackup failed"
    exit 1
  fi
  run_server "$bin" "$dir"
  echo "postgresql://postgres@/cinepress_test?host=$dir" >"$state/url"
  log "replica of $primary at $(cat "$state/url")"
}

promote() { as_owner "$(bindir)/pg_ctl" -D "$(cat "$state/dir")/data" -w promote >/dev/null; }

start() {
  stop  # a cluster left by an interrupted run
  local bin
  if ! bin="$(bindir)"; then
    if [[ "${CI:-}" == true ]]; then
      log "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); run scripts/setup.sh --test"
      exit 1
    fi
    log "PostgreSQL is not installed: the PostgreSQL tests will skip (scripts/setup.sh --test installs it)"
    : >"$state/url"
    return 0
  fi
  local dir
  dir="$(new_dir)"
  if ! as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale -N \
    >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    log "initdb failed"
    exit 1
  fi
  run_server "$bin" "$dir"
  as_owner "$bin/psql" -h "$dir" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE cinepress_test" >/dev/null
  echo "postgresql://postgres@/cinepress_test?host=$dir" >"$state/url"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $(cat "$state/url")"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  url) cat "$state/url" ;;
  down) down ;;
  up) up ;;
  replica) replica "${3:?PRIMARY_STATE_DIR}" ;;
  promote) promote ;;
  *) log "unknown command: $cmd"; exit 2 ;;
esac
