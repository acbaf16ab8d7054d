#!/usr/bin/python3
"""Media streamed by `cinepress serve` from the store, and podcast downloads counted, through the
real binary.

    /usr/bin/python3 tests/e2e/media_e2e_test.py BINARY

- a 50 MB episode (real MP3 frames made here) of the demo's show, imported with a peak memory
  below its size (read and stored a chunk at a time), under /podcasts/close-up/, downloaded
  whole and compared byte for byte; HEAD (the length, no body); Range at the first and the last
  byte, a suffix range, 416 past the end; If-Range with a stale ETag (the whole file) and the
  current one (the part); If-None-Match and If-Modified-Since (304);
- downloads counted (IAB): the same address and user agent twice = 1, a bot = 0, a 2-byte probe
  = 0, a short file fetched whole = 1 — read back with `cinepress podcasts stats` (and --csv,
  --show);
- `cinepress check` names a media file whose stored chunk was changed.
Prints `media_e2e_test: N passed, N failed`.
"""

import csv
import http.client
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

check = nc.Checks("media_e2e_test")
APP = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"


def request(port, method, path, headers=None, ua=APP):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = {"User-Agent": ua}
    h.update(headers or {})
    c.request(method, path, headers=h)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-media-")
    server = None
    try:
        site = os.path.join(root, "site")
        nc.run([binary, "demo", site], timeout=300)
        folder = os.path.join(root, "import")
        for part in ("content", "data", "static"):
            shutil.copytree(os.path.join(site, part), os.path.join(folder, part))
        # A long episode of the demo's own show: real MP3 frames (sox and lame, at 320 kbit/s
        # without a Xing header, so that its length is its size) repeated past 50 MB.
        show = os.path.join(folder, "content", "podcasts", "close-up")
        wav = os.path.join(root, "tone.wav")
        nc.run(["sox", "-n", "-r", "44100", "-c", "2", wav, "synth", "10", "sine", "330"])
        nc.run(["lame", "--quiet", "-t", "--cbr", "-b", "320", wav, os.path.join(root, "t.mp3")])
        with open(os.path.join(root, "t.mp3"), "rb") as f:
            frames = f.read()
        # Written a piece at a time and read back after the import: the importer's peak memory
        # (ru_maxrss) counts this process's own peak when it is spawned.
        with open(os.path.join(show, "long-take.mp3"), "wb") as f:
            for _ in range(50 * 1024 * 1024 // len(frames) + 1):
                f.write(frames)
        size = os.path.getsize(os.path.join(show, "long-take.mp3"))
        with open(os.path.join(show, "long-take.md"), "w") as f:
            f.write('---\ntitle: "The Long Take"\ndate: 2025-10-01T09:00:00-04:00\n'
                    'summary: "A long listen."\naudio: "long-take.mp3"\n---\nA long one.\n')
        with open(os.path.join(show, "trailer.mp3"), "rb") as f:
            trailer = f.read()
        # Imported a chunk at a time: the import's peak memory stays well below the file's size
        # (it held the whole file, and more, before). Memory, not speed, is asserted.
        importer = subprocess.Popen([binary, "import", folder, "--site", site],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(importer.pid, 0)
        peak = usage.ru_maxrss * 1024
        check("import: the 50 MB episode imported", os.waitstatus_to_exitcode(status) == 0,
              importer.stderr.read())
        check("import: peak memory below the episode's size (streamed, not held whole)",
              peak < size, (peak, size))
        with open(os.path.join(show, "long-take.mp3"), "rb") as f:
            episode = f.read()

        port = nc.free_port()
        server = subprocess.Popen([binary, "serve", "--site", site, "--listen",
                                   f"127.0.0.1:{port}", "--threads", "2", "--no-pin",
                                   "--access-log", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        check("serve starts", "listening" in server.stdout.readline())
        path = "/podcasts/close-up/long-take/long-take.mp3"

        status, h, body = request(port, "HEAD", path)
        check("HEAD: 200, the whole length, no body",
              status == 200 and h.get("content-length") == str(size) and body == b"", (status, h))
        check("HEAD: audio/mpeg, ranges accepted, an ETag and a date",
              h.get("content-type") == "audio/mpeg" and h.get("accept-ranges") == "bytes"
              and h.get("etag", "").startswith('"') and "last-modified" in h, h)
        etag, modified = h.get("etag"), h.get("last-modified")

        status, h, body = request(port, "GET", path)
        check("GET: the 50 MB file whole, byte for byte",
              status == 200 and len(body) == size and body == episode, (status, len(body)))
        status, _, body = request(port, "GET", path)  # the same listener again: not counted twice
        check("GET again: whole", status == 200 and body == episode)

        status, h, body = request(port, "GET", path, {"Range": "bytes=0-0"}, ua="Mozilla/5.0 A")
        check("Range at the first byte: 206", status == 206 and body == episode[:1]
              and h.get("content-range") == f"bytes 0-0/{size}", (status, h))
        status, h, body = request(port, "GET", path, {"Range": f"bytes={size - 1}-{size - 1}"},
                                  ua="Mozilla/5.0 A")
        check("Range at the last byte: 206", status == 206 and body == episode[-1:]
              and h.get("content-range") == f"bytes {size - 1}-{size - 1}/{size}", (status, h))
        status, h, body = request(port, "GET", path, {"Range": "bytes=-300000"}, ua="Mozilla/5.0 A")
        check("a suffix range: the last 300,000 bytes", status == 206
              and body == episode[-300000:], (status, len(body)))
        start = 256 * 1024 - 7  # across a stored chunk's end
        status, h, body = request(port, "GET", path, {"Range": f"bytes={start}-{start + 20}"},
                                  ua="Mozilla/5.0 A")
        check("a range across two stored chunks", status == 206
              and body == episode[start:start + 21], (status, len(body)))
        status, h, body = request(port, "GET", path, {"Range": f"bytes={size}-"})
        check("a range past the end: 416", status == 416
              and h.get("content-range") == f"bytes */{size}", (status, h))

        short = "/podcasts/close-up/trailer/trailer.mp3"
        status, h, body = request(port, "GET", short, {"Range": "bytes=10-19",
                                                       "If-Range": '"stale"'}, ua="curl/8.0")
        check("If-Range with a stale ETag: the whole file", status == 200 and body == trailer,
              (status, len(body)))
        status, h, body = request(port, "GET", path, {"Range": "bytes=10-19", "If-Range": etag},
                                  ua="Mozilla/5.0 B")
        check("If-Range with the current ETag: the part", status == 206
              and body == episode[10:20], (status, len(body)))
        status, _, body = request(port, "GET", path, {"If-None-Match": etag})
        check("If-None-Match: 304", status == 304 and body == b"", status)
        status, _, body = request(port, "GET", path, {"If-Modified-Since": modified})
        check("If-Modified-Since: 304", status == 304, status)

        # Counting: a bot fetching the whole file, a 2-byte probe, a short file fetched whole.
        status, _, _ = request(port, "GET", path,
                               ua="Mozilla/5.0 (compatible; Googlebot/2.1; +http://google.com/bot)")
        check("a bot gets the file", status == 200)
        status, _, body = request(port, "GET", path, {"Range": "bytes=0-1"}, ua="AntennaPod/3.2.0")
        check("a 2-byte probe", status == 206 and len(body) == 2)
        status, _, body = request(port, "GET", short, ua="PodcastAddict/v5 (Android podcast app)")
        check("a short file whole", status == 200 and body == trailer)

        # Stopping serve writes what it counted (it also writes once a second while it runs).
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        check("serve stops", server.returncode == 0, server.stderr.read())

        p = nc.run([binary, "podcasts", "stats", "--csv", "--site", site])
        rows = list(csv.reader(io.StringIO(p.stdout)))
        totals = {(r[1], r[2]): int(r[3]) for r in rows[1:] if r[0] == "total"}
        check("stats: the 50 MB episode once (same address and app twice; the bot and the probe"
              " not at all)", totals.get(("close-up", path)) == 1, p.stdout)
        check("stats: the short file fetched whole, once", totals.get(("close-up", short)) == 1,
              p.stdout)
        check("stats: the show's total and the whole total",
              totals.get(("close-up", "")) == 2 and totals.get(("", "")) == 2, p.stdout)
        check("stats: a row per day and episode",
              rows[0] == ["day", "show", "path", "downloads", "public", "private"]
              and sum(1 for r in rows[1:] if r[0] != "total") == 2, p.stdout)
        p = nc.run([binary, "podcasts", "stats", "--show", "other", "--site", site])
        check("stats --show other: nothing", "total: 0 downloads" in p.stdout, p.stdout)
        p = nc.run([binary, "podcasts", "stats", "--show", "close-up", "--site", site])
        check("stats --show close-up: a table", "show close-up: 2" in p.stdout
              and "total: 2 downloads" in p.stdout, p.stdout)
        p = nc.run([binary, "podcasts", "stats", "--show", "a/b", "--site", site], check=False)
        check("stats --show with a slash: a clear error",
              p.returncode != 0 and "--show" in p.stderr, p.stderr)

        # A chunk changed on disk is found by check, with its file named.
        con = sqlite3.connect(os.path.join(site, "cinepress.db"))
        con.execute("UPDATE media_chunks SET data = zeroblob(length(data)) WHERE seq = 0 AND hash ="
                    " (SELECT hash FROM media WHERE path = 'podcasts/close-up/trailer/trailer.mp3')")
        con.commit()
        con.close()
        p = nc.run([binary, "check", "--site", site], check=False)
        check("check: the damaged file is named (exit 1)", p.returncode == 1
              and "damaged media: /podcasts/close-up/trailer/trailer.mp3: its bytes do not match" in p.stdout,
              p.stdout + p.stderr)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    check.finish(root, server)


if __name__ == "__main__":
    main()
