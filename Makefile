# cinepress — the everyday commands. Works from a fresh clone on Debian 12:
# every target first installs what it needs (scripts/setup.sh, fast when done).
#
#   make demo          build, make a demo magazine, serve it at http://127.0.0.1:8080
#   make test          everything CI runs: Release build + all tests, ASan/UBSan build + tests,
#                      then the fuzz harnesses (clang) over their corpora, 20 s each
#   make fuzz          the fuzz harnesses, FUZZ_SECONDS (default 60) each, one after another
#   make build         Release build -> build/cinepress
#   make format        clang-format every .h and .cc under src/, tests/ and fuzz/ in place
#   make format-check  fail if any of them is not formatted
#   make bench         bench/run.sh against the Release build
#   make clean         remove build/, build-asan/, build-fuzz/ and demo-site/

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build
MAKEFLAGS += --no-print-directory

JOBS      ?= $(shell nproc)
BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
FUZZ_DIR  ?= build-fuzz
FUZZ_SECONDS ?= 60
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
        configure-fuzz build-fuzz fuzz test-fuzz \
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

# The libFuzzer harnesses (fuzz/): clang, every library with coverage and ASan/UBSan.
configure-fuzz: setup-test
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++ -DCINEPRESS_FUZZ=ON

build-fuzz: configure-fuzz
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers

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
	@rel=passed; asan=passed; fz=passed; \
	$(MAKE) test-release || rel=FAILED; \
	$(MAKE) test-asan || asan=FAILED; \
	$(MAKE) test-fuzz || fz=FAILED; \
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
	read -r fp ff ft < <(summarize $(FUZZ_DIR)); \
	counts() { if [[ $$3 == - ]]; then echo "no ctest run"; else echo "$$1/$$3 tests passed"; fi; }; \
	echo; \
	echo "test: release build, all tests: $$rel ($$(counts $$rp $$rf $$rt));" \
	     "sanitizer build, -LE e2e: $$asan ($$(counts $$ap $$af $$at));" \
	     "fuzz harnesses: $$fz ($$(counts $$fp $$ff $$ft))"; \
	echo "test: $$((rp + ap + fp)) passed, $$((rf + af + ff)) failed"; \
	[[ $$rel == passed && $$asan == passed && $$fz == passed ]]

test-release: setup-test
	@rm -f $(BUILD_DIR)/ctest.log
	@$(MAKE) build
	$(CTEST) --test-dir $(BUILD_DIR) 2>&1 | tee $(BUILD_DIR)/ctest.log

test-asan: setup-test
	@rm -f $(ASAN_DIR)/ctest.log
	@$(MAKE) build-asan
	$(SANITIZER_ENV) $(CTEST) --test-dir $(ASAN_DIR) -LE e2e 2>&1 | tee $(ASAN_DIR)/ctest.log

# Each harness replays its whole corpus (the regression inputs), then fuzzes for 20 s.
test-fuzz: setup-test
	@rm -f $(FUZZ_DIR)/ctest.log
	@$(MAKE) build-fuzz
	$(CTEST) --test-dir $(FUZZ_DIR) -L fuzz 2>&1 | tee $(FUZZ_DIR)/ctest.log

# Every harness for FUZZ_SECONDS, one after another; a crash's input is kept in fuzz-artifacts/.
fuzz: build-fuzz
	@failed=(); for corpus in fuzz/corpus/*/; do \
	  name="$$(basename "$$corpus")"; \
	  fuzz/run.sh "$(FUZZ_DIR)/fuzz/fuzz_$$name" "$$corpus" $(FUZZ_SECONDS) fuzz-artifacts/$$name \
	    || failed+=("$$name"); \
	done; \
	if (($${#failed[@]})); then echo "fuzz: crashes in: $${failed[*]} (fuzz-artifacts/)"; exit 1; fi; \
	echo "fuzz: every harness ran $(FUZZ_SECONDS) s and found nothing"

# --- formatting ---------------------------------------------------------------

FORMAT_FILES = find src tests fuzz -type f \( -name '*.h' -o -name '*.cc' \) -print0

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
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR) $(DEMO_DIR) fuzz-artifacts

distclean: clean
	rm -rf node_modules
