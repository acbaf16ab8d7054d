# cinepress — the everyday commands. Works from a fresh clone on Debian 12:
# every target first installs what it needs (scripts/setup.sh, fast when done).
#
#   make demo          build, make a demo magazine, serve it at http://127.0.0.1:8080
#   make test          everything CI runs: Release build + all tests, then ASan/UBSan build + tests
#   make build         Release build -> build/cinepress
#   make format        clang-format every src/**/*.h and *.cc in place
#   make format-check  fail if any of them is not formatted
#   make bench         bench/run.sh against the Release build
#   make clean         remove build/, build-asan/ and demo-site/

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build
MAKEFLAGS += --no-print-directory

JOBS      ?= $(shell nproc)
BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
CINEPRESS := $(BUILD_DIR)/cinepress

DEMO_DIR  ?= demo-site
DEMO_PORT ?= 8080
DEMO_URL  := http://127.0.0.1:$(DEMO_PORT)/
# The demo is served live from its store (the static build in $(DEMO_DIR)/public is made too).
DEMO_SERVE = $(CINEPRESS) serve --site $(DEMO_DIR) --listen 127.0.0.1:$(DEMO_PORT)

CTEST = ctest --output-on-failure --no-tests=error -j $(JOBS)
# Make UBSan findings fail the test that hit them, with a stack.
SANITIZER_ENV = UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                ASAN_OPTIONS=detect_stack_use_after_return=1:strict_string_checks=1

.PHONY: all setup setup-test setup-format configure build configure-asan build-asan \
        demo demo-build demo-serve test test-release test-asan format format-check \
        bench clean distclean help

all: build

help:
	@sed -n '1,/^$$/s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

# --- dependencies -----------------------------------------------------------

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

setup-format:
	@bash scripts/setup.sh --format

# --- builds -----------------------------------------------------------------

configure: setup
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

configure-asan: setup
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCINEPRESS_SANITIZE=ON

build-asan: configure-asan
	cmake --build $(ASAN_DIR) -j $(JOBS)

# --- demo -------------------------------------------------------------------

demo: demo-build
	@$(MAKE) demo-serve

demo-build: build
	rm -rf $(DEMO_DIR)
	$(CINEPRESS) demo $(DEMO_DIR)
	$(CINEPRESS) build --site $(DEMO_DIR)

demo-serve:
	@echo "demo: $(DEMO_URL)  (cinepress serve; Ctrl-C to stop)"
	$(DEMO_SERVE)

# --- tests ------------------------------------------------------------------
# `make test` runs both phases even when the first fails, then prints one line
# per phase and a closing "test: N passed, N failed" over both ctest runs.

test: setup-test
	@rel=passed; asan=passed; \
	$(MAKE) test-release || rel=FAILED; \
	$(MAKE) test-asan || asan=FAILED; \
	summarize() { \
	  local log="$$1/ctest.log" line; \
	  line="$$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$$log" 2>/dev/null | tail -n1 || true)"; \
	  if [[ -z "$$line" ]]; then echo "0 0 -"; return; fi; \
	  local failed total; \
	  failed="$$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$$line")"; \
	  total="$$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$$line")"; \
	  echo "$$((total - failed)) $$failed $$total"; \
	}; \
	read -r rp rf rt < <(summarize $(BUILD_DIR)); \
	read -r ap af at < <(summarize $(ASAN_DIR)); \
	counts() { if [[ $$3 == - ]]; then echo "no ctest run"; else echo "$$1/$$3 tests passed"; fi; }; \
	echo; \
	echo "test: release build, all tests: $$rel ($$(counts $$rp $$rf $$rt));" \
	     "sanitizer build, -LE e2e: $$asan ($$(counts $$ap $$af $$at))"; \
	echo "test: $$((rp + ap)) passed, $$((rf + af)) failed"; \
	[[ $$rel == passed && $$asan == passed ]]

test-release: setup-test
	@rm -f $(BUILD_DIR)/ctest.log
	@$(MAKE) build
	$(CTEST) --test-dir $(BUILD_DIR) 2>&1 | tee $(BUILD_DIR)/ctest.log

test-asan: setup-test
	@rm -f $(ASAN_DIR)/ctest.log
	@$(MAKE) build-asan
	$(SANITIZER_ENV) $(CTEST) --test-dir $(ASAN_DIR) -LE e2e 2>&1 | tee $(ASAN_DIR)/ctest.log

# --- formatting ---------------------------------------------------------------

FORMAT_FILES = find src -type f \( -name '*.h' -o -name '*.cc' \) -print0

format: setup-format
	$(FORMAT_FILES) | xargs -0 -r clang-format -i

format-check: setup-format
	$(FORMAT_FILES) | xargs -0 -r clang-format --dry-run --Werror || \
	  { echo "format-check: files above are not formatted; run 'make format'" >&2; exit 1; }

# --- benchmarks ---------------------------------------------------------------

bench: build
	@[[ -f bench/run.sh ]] || { echo "bench: bench/run.sh does not exist yet" >&2; exit 1; }
	CINEPRESS="$(abspath $(CINEPRESS))" bash bench/run.sh

# --- cleaning -----------------------------------------------------------------

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(DEMO_DIR)

distclean: clean
	rm -rf node_modules
