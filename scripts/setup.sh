#!/usr/bin/env bash
# Installs the Debian packages cinepress needs to build (and, with --test, to run
# its end-to-end tests). Idempotent: when everything is already there it only
# asks dpkg, and returns in well under a second.
#
#   scripts/setup.sh            build dependencies
#   scripts/setup.sh --test     + Java, feedparser, Node/npm, PostgreSQL, and `npm ci` (vnu-jar)
#   scripts/setup.sh --format   + clang-format (for `make format` / `make format-check`)
#
# Runs apt-get as root, or through sudo when not root. Prints one line per step.
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libsqlite3-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  libkainjow-mustache-dev nlohmann-json3-dev libtomlplusplus-dev libyaml-cpp-dev
  libcli11-dev libsodium-dev libcurl4-openssl-dev libxml2-dev libgumbo-dev
  libhowardhinnant-date-dev libicu-dev zlib1g-dev libdeflate-dev libbrotli-dev libmimalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev tzdata python3
  # newsletters: libcsv (subscriber CSV), GMime (RFC 2047 header words, bounce reports)
  libcsv-dev libgmime-3.0-dev libmagic-dev
  # the PostgreSQL store ([store] url): libpq, PostgreSQL's own C client
  libpq-dev
  # podcasts: TagLib (audio facts), libpng and libjpeg (artwork headers), libuuid (GUIDs);
  # espeak-ng and lame make the demo show's episodes when the program is built
  libtag1-dev libpng-dev libjpeg-dev uuid-dev espeak-ng lame
  # the newsroom's two-factor sign-in: liboath (RFC 6238 TOTP); revisions' line diffs: dtl
  liboath-dev libdtl-dev
  # stills: libvips (widths, WebP, AVIF through libheif, colour profiles), libwebpmux (in libwebp-dev)
  libvips-dev libwebp-dev
  # workshops: libical (iCalendar files of a workshop's sessions, RFC 5545)
  libical-dev
)
# chromium: the real browser the browser tests drive (playwright-core, from npm).
# python3-aiosmtpd and postfix (for smtp-sink/smtp-source): the real SMTP servers
# the newsletter tests and benchmark deliver to; postfix is installed unconfigured.
# openssl: the self-signed certificate of the SMTP TLS test.
# clang and libclang-rt-14-dev (libFuzzer and the sanitizers' runtimes): the fuzz harnesses.
# hugo, nginx and wrk: the peers and the load generator of bench/, whose scripts the tests run
# at a tiny size so that they cannot break unnoticed.
# haproxy (and nginx): `haproxy -c` and `nginx -t` check the configs in contrib/.
# python3-icalendar: the workshops' tests read our .ics files with another implementation.
# sox and ffmpeg: the podcast tests' real MP3 and M4A files.
# libvips-tools (`vips`): the stills test's and bench's JPEGs, drawn from the demo's SVGs.
# postgresql: the real server the store tests run against (tests/pg/pg_test_server.sh makes a
# throwaway cluster with it; Debian's package does not need its own cluster to be running).
TEST_PACKAGES=(default-jre-headless python3-feedparser python3-yaml nodejs npm chromium
  python3-aiosmtpd postfix openssl clang libclang-rt-14-dev hugo nginx wrk postgresql haproxy
  sox ffmpeg libvips-tools python3-icalendar)
FORMAT_PACKAGES=(clang-format)

usage() { sed -n '2,10s/^# \{0,1\}//p' "$0"; }

want_test=0
want_format=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --format) want_format=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "setup: unknown option: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { echo "setup: $*"; }

# Runs a command quietly; shows its whole output only if it fails.
run_quiet() {
  local out
  out="$(mktemp)"
  if ! "$@" >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    echo "setup: failed: $*" >&2
    exit 1
  fi
  rm -f "$out"
}

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "setup: need root to run '$*' (not root, and sudo is not installed)" >&2
    exit 1
  fi
}

# Names that installed packages provide (virtual packages): e.g. NodeSource's
# nodejs provides (and conflicts with) npm, so npm counts as installed there.
provided=""
provided_loaded=0
is_provided() {
  if [[ $provided_loaded -eq 0 ]]; then
    provided="$(dpkg-query -W -f='${db:Status-Abbrev}\t${Provides}\n' 2>/dev/null |
      awk -F'\t' '$1 ~ /^ii/ && $2 != "" { print $2 }' |
      tr ',' '\n' | sed -e 's/([^)]*)//g' -e 's/[[:space:]]//g' -e 's/:any$//' | sort -u)"
    provided_loaded=1
  fi
  grep -qxF -- "$1" <<<"$provided"
}

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]] ||
    is_provided "$1"
}

wanted=("${BUILD_PACKAGES[@]}")
groups="build"
if [[ $want_test -eq 1 ]]; then wanted+=("${TEST_PACKAGES[@]}"); groups+=" + test"; fi
if [[ $want_format -eq 1 ]]; then wanted+=("${FORMAT_PACKAGES[@]}"); groups+=" + format"; fi

missing=()
for pkg in "${wanted[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  log "Debian packages ($groups): all ${#wanted[@]} installed"
else
  apt_opts=(-o DPkg::Lock::Timeout=300 -q)
  log "apt-get update (missing: ${missing[*]})"
  run_quiet as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update
  # Postfix asks how to configure itself; we want only its tools, not a mail system.
  if printf '%s\n' "${missing[@]}" | grep -qx postfix; then
    echo "postfix postfix/main_mailer_type select No configuration" |
      as_root debconf-set-selections
  fi
  log "apt-get install ${missing[*]}"
  run_quiet as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"
fi

if [[ $want_test -eq 1 ]]; then
  cd "$repo_root"
  jar="node_modules/vnu-jar/build/dist/vnu.jar"
  stamp="node_modules/.package-lock.json" # npm rewrites it on every install
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm is not on PATH after installing nodejs/npm; cannot install vnu-jar" >&2
    exit 1
  elif [[ ! -f "$jar" ]]; then
    log "npm ci (node_modules/vnu-jar is missing)"
    # --ignore-scripts: vnu-jar's postinstall only downloads a Java runtime when
    # none is installed; we use Debian's. The jar itself is in the package.
    run_quiet npm ci --ignore-scripts --no-audit --no-fund
  elif [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
    log "npm ci (package-lock.json is newer than node_modules)"
    run_quiet npm ci --ignore-scripts --no-audit --no-fund
  else
    log "node_modules: up to date ($jar)"
  fi
  [[ -f "$jar" ]] || { echo "setup: npm ci did not produce $jar" >&2; exit 1; }
fi
