#!/bin/sh
# Makes the demo show's files at build time (src/bundle/CMakeLists.txt), so that no audio or
# artwork is committed: each episode's speech synthesised by espeak-ng from
# demo/tools/podcast/NAME.txt and encoded as MP3 by lame, and the show's artwork drawn by
# make_artwork.py. The same input always gives the same bytes.
#
#   demo/tools/make_podcast.sh OUT_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
for text in "$here"/podcast/*.txt; do
  name=$(basename "$text" .txt)
  espeak-ng -v en-us -s 165 -f "$text" -w "$out/$name.wav"
  lame --quiet --preset cbr 64 -m m --resample 22.05 "$out/$name.wav" "$out/$name.mp3.tmp"
  mv "$out/$name.mp3.tmp" "$out/$name.mp3"
  rm -f "$out/$name.wav"
done
/usr/bin/python3 "$here/make_artwork.py" "$out/cover.png"
