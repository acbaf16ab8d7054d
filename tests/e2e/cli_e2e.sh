#!/usr/bin/env bash
# End-to-end: the `cinepress` commands as a user types them — help, init, import with its
# problems, --skip-invalid and --prune, build into a folder that is swapped in whole, and clear
# errors for a broken config or template that change nothing.
#
#   tests/e2e/cli_e2e.sh BINARY
set -uo pipefail
[[ $# -eq 1 && -x "$1" ]] || { echo "usage: $0 BINARY" >&2; exit 2; }
bin="$(realpath "$1")"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/cinepress-cli-e2e.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() {  # check NAME COMMAND...: the command must succeed
  local name="$1"
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name" >&2; fi
}
has() { grep -qF -- "$2" "$1" || { echo "  '$2' not in $1:" >&2; sed 's/^/    /' "$1" >&2; return 1; }; }
hasnt() { ! grep -qF -- "$2" "$1" || { echo "  '$2' unexpectedly in $1" >&2; return 1; }; }

# Help for every command, naming --site.
for cmd in init demo import build; do
  "$bin" "$cmd" --help > "$tmp/help.txt" 2>&1
  check "$cmd --help" has "$tmp/help.txt" "--site"
done

# init makes a site that builds whole at once; a second init refuses.
"$bin" init "$tmp/site" > "$tmp/init.txt"
check "init config" test -f "$tmp/site/cinepress.toml"
check "init theme" test -f "$tmp/site/themes/default/templates/article.mustache"
check "init store" test -f "$tmp/site/cinepress.db"
"$bin" init "$tmp/site" > "$tmp/init2.txt" 2>&1
check "second init fails" test $? -ne 0
check "second init says why" has "$tmp/init2.txt" "already a site"
"$bin" build --site "$tmp/site" > "$tmp/build0.txt"
check "new site builds with its About page" test -f "$tmp/site/public/about/index.html"

# A content folder with one good review.
src="$tmp/src"
mkdir -p "$src/content/reviews" "$src/data" "$src/static/images"
cat > "$src/data/authors.yaml" <<'YAML'
nia:
  name: "Nia Bianchi"
  bio: "Nia writes."
YAML
good() {
  printf -- '---\ntitle: "%s"\ndate: 2021-10-06\nauthor_id: nia\ntags: ["Noir"]\nimage:\n  src: /images/still.jpg\n  alt: "A still"\n---\n\n%s\n' "$1" "$2"
}
good "Good Film" "A good body." > "$src/content/reviews/good-film.md"
printf 'JPEGDATA' > "$src/static/images/still.jpg"
"$bin" import "$src" --site "$tmp/site" > "$tmp/import1.txt" 2>&1
check "first import succeeds" test $? -eq 0
check "first import counts" has "$tmp/import1.txt" "1 added, 0 updated"

# Broken files: every problem at once, file:line: field, exit 1, nothing written.
printf -- '---\ntitle: "Bad date"\ndate: someday\nauthor_id: nia\n---\nx\n' > "$src/content/reviews/bad-date.md"
printf -- '---\ntitle: [unclosed\n---\nx\n' > "$src/content/reviews/bad-yaml.md"
printf -- '---\ntitle: "Stranger"\ndate: 2021-01-01\nauthor_id: nobody\n---\nx\n' > "$src/content/reviews/stranger.md"
good "Good Film" "Changed body that must not land." > "$src/content/reviews/good-film.md"
"$bin" import "$src" --site "$tmp/site" > "$tmp/import2.txt" 2>&1
check "import with problems exits 1" test $? -eq 1
check "bad date named" has "$tmp/import2.txt" "content/reviews/bad-date.md:3: date: \"someday\" is not a date"
check "bad yaml named" has "$tmp/import2.txt" "content/reviews/bad-yaml.md:3: invalid YAML"
check "unknown author named" has "$tmp/import2.txt" "content/reviews/stranger.md:4: author: unknown author \"nobody\""
check "nothing written" has "$tmp/import2.txt" "nothing was written"
"$bin" build --site "$tmp/site" > /dev/null
check "old body kept" has "$tmp/site/public/reviews/good-film/index.html" "A good body."

# --skip-invalid imports the valid change and leaves the rest.
"$bin" import "$src" --site "$tmp/site" --skip-invalid > "$tmp/import3.txt" 2>&1
check "skip-invalid updates" has "$tmp/import3.txt" "0 added, 1 updated"
check "skip-invalid counts the skipped" has "$tmp/import3.txt" "3 skipped"
"$bin" import "$src" --site "$tmp/site" --skip-invalid > /dev/null 2>&1
check "skip-invalid did what was asked: exit 0" test $? -eq 0
"$bin" build --site "$tmp/site" > /dev/null
check "new body built" has "$tmp/site/public/reviews/good-film/index.html" "Changed body that must not land."

# One run reports every problem: a file's field problems do not hide its unknown author or its
# film described differently elsewhere; an unclosed quote is a YAML problem at its line.
every="$tmp/every"
mkdir -p "$every/content/reviews" "$every/data"
cp "$src/data/authors.yaml" "$every/data/"
printf -- '---\ntitle: "Aloners\ndate: 2021-01-01\nauthor_id: nia\n---\nx\n' > "$every/content/reviews/quote.md"
printf -- '---\ntitle: T\nauthor_id: nobody\nfilm:\n  title: Tide\n  year: 2020\n  runtime_min: 100\n---\nx\n' > "$every/content/reviews/one.md"
printf -- '---\ntitle: U\ndate: 2021-01-01\nauthor_id: nia\nfilm:\n  title: Tide\n  year: 2020\n  runtime_min: 90\n---\nx\n' > "$every/content/reviews/two.md"
"$bin" import "$every" --site "$tmp/site" > "$tmp/every.txt" 2>&1
check "every problem: exit 1" test $? -eq 1
check "every problem: the unclosed quote at its line" has "$tmp/every.txt" "content/reviews/quote.md:2: title: invalid YAML: a quoted value is never closed"
check "every problem: not a missing date" hasnt "$tmp/every.txt" "quote.md:2: date:"
check "every problem: the missing date" has "$tmp/every.txt" "content/reviews/one.md:2: date: an article needs a date"
check "every problem: the unknown author of the same file" has "$tmp/every.txt" "content/reviews/one.md:3: author: unknown author \"nobody\""
check "every problem: the film described two ways" has "$tmp/every.txt" "film.runtime_min: the film \"Tide\" (2020) is"
check "every problem: four" has "$tmp/every.txt" "import: 4 problems"

# Without FOLDER, import reads the site folder itself (its content/, data/, static/).
"$bin" init "$tmp/own" > /dev/null
good "Own Review" "Written in the site." > "$tmp/own/content/own-review.md"
mkdir -p "$tmp/own/content/reviews" && mv "$tmp/own/content/own-review.md" "$tmp/own/content/reviews/"
"$bin" import --site "$tmp/own" > "$tmp/own.txt" 2>&1
check "import without FOLDER: exit 0" test $? -eq 0
check "import without FOLDER reads the site's content/" has "$tmp/own.txt" "1 added, 0 updated, 1 unchanged"
check "init says how to import" has "$tmp/init.txt" "cinepress import --site $tmp/site"

# Usage errors exit 2, for every command (CLI11); --help exits 0.
"$bin" import --no-such-option --site "$tmp/own" > /dev/null 2>&1
check "unknown option: exit 2" test $? -eq 2
"$bin" subscribers import > /dev/null 2>&1
check "missing argument: exit 2" test $? -eq 2
"$bin" > /dev/null 2>&1
check "no command: exit 2" test $? -eq 2
"$bin" build --help > /dev/null 2>&1
check "--help: exit 0" test $? -eq 0

# --prune removes what is gone; the build is swapped in whole (old pages disappear).
rm "$src"/content/reviews/{bad-date,bad-yaml,stranger}.md
good "Second Film" "Another." > "$src/content/reviews/second-film.md"
"$bin" import "$src" --site "$tmp/site" > /dev/null 2>&1
rm "$src/content/reviews/good-film.md" "$src/static/images/still.jpg"
"$bin" import "$src" --site "$tmp/site" --prune > "$tmp/import4.txt" 2>&1
check "prune removes" has "$tmp/import4.txt" "1 removed"
"$bin" build --site "$tmp/site" > "$tmp/build.txt"
check "build reports" has "$tmp/build.txt" "build: wrote"
check "pruned page gone" test ! -e "$tmp/site/public/reviews/good-film/index.html"
check "pruned media gone" test ! -e "$tmp/site/public/images/still.jpg"
check "new page there" test -f "$tmp/site/public/reviews/second-film/index.html"
check "no build folder left" test -z "$(ls -A "$tmp/site" | grep building)"
"$bin" build --site "$tmp/site" --out "$tmp/elsewhere" > /dev/null
check "build --out" test -f "$tmp/elsewhere/reviews/second-film/index.html"

# Progress on a terminal.
if command -v script > /dev/null; then
  script -qec "$bin import $src --site $tmp/site" /dev/null > "$tmp/tty.txt" 2>&1
  check "progress on a terminal" has "$tmp/tty.txt" "reading files"
fi

# A broken template: an error naming file and line; public/ untouched.
before=$(md5sum "$tmp/site/public/index.html")
printf '{{#site.title}}\nunclosed\n' > "$tmp/site/themes/default/partials/footer.mustache"
"$bin" build --site "$tmp/site" > "$tmp/tmpl.txt" 2>&1
check "template error exits 1" test $? -eq 1
check "template error names file:line" has "$tmp/tmpl.txt" "themes/default/partials/footer.mustache:1:"
check "public untouched" test "$before" = "$(md5sum "$tmp/site/public/index.html")"

# A broken config names its line.
printf 'title = "x"\ntimezone = "Nowhere/Land"\n' > "$tmp/site/cinepress.toml"
"$bin" build --site "$tmp/site" > "$tmp/cfg.txt" 2>&1
check "config error exits 1" test $? -eq 1
check "config error names line" has "$tmp/cfg.txt" "cinepress.toml:2: timezone: unknown time zone"

echo "cli_e2e: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
