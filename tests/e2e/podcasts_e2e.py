#!/usr/bin/python3
"""Podcasts end to end: real MP3 and M4A files, the real binary, feedparser, `cinepress serve`.

    /usr/bin/python3 tests/e2e/podcasts_e2e.py BINARY

Makes a show's audio in the test (a tone from sox, encoded by lame as MP3 and by ffmpeg as
AAC in M4A), imports it beside the demo's own show, and checks: a file that is not the audio
it claims is refused naming file and field; the built feed, parsed by python3-feedparser, tag
by tag against Apple's requirements and the Podcasting 2.0 namespace (durations as ffprobe
measures them, enclosure lengths as the files are, types, GUIDs, podcast:guid as the UUIDv5 of
the feed's URL); the chapters file; a premium episode kept out of the public feed and site;
then on `cinepress serve`, a member's private feeds: entitled, not entitled, and cancelled
(the feed and its files stop); a download through a private feed counted by `cinepress podcasts
stats` as its episode's, in the private column. Prints `podcasts_e2e: N passed, N failed`.
"""

import csv
import gzip
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
import xml.etree.ElementTree as ET

import feedparser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import members_web_test as mw  # noqa: E402  (its Reader and sign_in: readers sign in as people do)
import newsletter_common as nc  # noqa: E402

check = nc.Checks("podcasts_e2e")
APP = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

SHOW = """---
title: "Test Signals"
description: "Tones, for testing."
author: "The Test Desk"
hosts: ["Élise Fournaud"]
owner_name: "Test Owner"
owner_email: "owner@example.org"
category: "Technology"
language: "en"
type: "serial"
image: "art.png"
funding: "/membership/"
---
"""

EPISODES = {
    "tone-mp3.md": """---
title: "An MP3 tone"
date: 2026-01-10T10:00:00Z
audio: "tone.mp3"
season: 2
episode: 3
explicit: true
guests: ["Park Seo-yeon"]
films: ["Low Water (2025)"]
chapters:
  - {start: 0, title: "Start"}
  - {start: "0:02.5", title: "Middle", url: "https://example.org/middle"}
transcript: "tone.srt"
---
An MP3 made by lame.
""",
    "tone-m4a.md": """---
title: "An M4A tone"
date: 2026-01-11T10:00:00Z
audio: "tone.m4a"
season: 2
episode: 4
episode_type: "bonus"
---
An M4A made by ffmpeg.
""",
    "premium.md": """---
title: "A premium tone"
date: 2026-01-12T10:00:00Z
audio: "premium.mp3"
season: 2
episode: 5
access: [patron]
---
For patrons.
""",
}


def ffprobe_seconds(path):
    out = nc.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                  "csv=p=0", path]).stdout
    return float(out.strip())


def make_audio(folder):
    wav = os.path.join(folder, "tone.wav")
    nc.run(["sox", "-n", "-r", "44100", "-c", "1", wav, "synth", "5.3", "sine", "440"])
    nc.run(["lame", "--quiet", "-b", "96", wav, os.path.join(folder, "tone.mp3")])
    nc.run(["lame", "--quiet", "-b", "64", wav, os.path.join(folder, "premium.mp3")])
    nc.run(["ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "aac", "-b:a", "64k",
            os.path.join(folder, "tone.m4a")])
    os.remove(wav)
    with open(os.path.join(folder, "tone.srt"), "w", encoding="utf-8") as f:
        f.write("1\n00:00:00,000 --> 00:00:02,500\nA tone begins.\n\n"
                "2\n00:00:02,500 --> 00:00:05,300\nThe tone goes on.\n")
    # The artwork, as the demo draws its own.
    nc.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "..", "..", "demo",
                                             "tools", "make_artwork.py"),
            os.path.join(folder, "art.png")])


def check_refusal(binary, site, folder):
    real = os.path.join(folder, "tone.m4a")
    os.rename(real, real + ".keep")
    with open(real, "w") as f:
        f.write("This is a text file pretending to be M4A audio.\n")
    p = nc.run([binary, "import", site, "--site", site], check=False)
    check("an import with a file that is not the audio it claims fails", p.returncode != 0,
          p.stdout + p.stderr)
    check("the problem names the file, line and field",
          "content/podcasts/test-signals/tone-m4a.md:4: audio:" in p.stderr
          and "audio/mp4" in p.stderr, p.stderr)
    os.replace(real + ".keep", real)


def check_feed(public, folder, base):
    path = os.path.join(public, "podcasts", "test-signals", "feed.xml")
    d = feedparser.parse(path)
    ch = d.feed
    feed_url = base + "/podcasts/test-signals/feed.xml"
    check("feedparser reads the feed without complaint", not d.bozo, d.get("bozo_exception"))
    check("title, link, description, language", ch.get("title") == "Test Signals" and
          ch.get("link") == base + "/podcasts/test-signals/" and
          ch.get("subtitle") == "Tones, for testing." and ch.get("language") == "en", ch)
    check("itunes:image is the artwork",
          ch.get("image", {}).get("href") == base + "/podcasts/test-signals/art.png", ch.get("image"))
    # feedparser files itunes:author and itunes:owner's name under one key, and reads only the
    # old yes/clean of itunes:explicit: those are read from the XML itself.
    xml = ET.parse(path).getroot()
    channel = xml.find("channel")
    check("itunes:author", channel.findtext(ITUNES + "author") == "The Test Desk")
    check("itunes:owner", ch.get("publisher_detail", {}).get("email") == "owner@example.org" and
          ch.get("publisher_detail", {}).get("name") == "Test Owner", ch.get("publisher_detail"))
    check("itunes:category", any(t.get("term") == "Technology" for t in ch.get("tags", [])),
          ch.get("tags"))
    check("itunes:explicit (true or false, as Apple asks) and itunes:type",
          channel.findtext(ITUNES + "explicit") == "false" and ch.get("itunes_type") == "serial",
          (channel.findtext(ITUNES + "explicit"), ch.get("itunes_type")))
    explicit = {i.findtext("title"): i.findtext(ITUNES + "explicit") for i in channel.iter("item")}
    expected_guid = str(uuid.uuid5(PODCAST_NS, feed_url.split("://", 1)[1].rstrip("/")))
    check("podcast:guid is the UUIDv5 of the feed URL", ch.get("podcast_guid") == expected_guid,
          (ch.get("podcast_guid"), expected_guid))
    check("podcast:locked names the owner",
          ch.get("podcast_locked", {}).get("owner") == "owner@example.org", ch.get("podcast_locked"))
    check("podcast:funding", ch.get("podcast_funding", {}).get("url") == base + "/membership/",
          ch.get("podcast_funding"))
    check("podcast:person for the host", ch.get("podcast_person", {}).get("role") == "host",
          ch.get("podcast_person"))
    by_title = {e.title: e for e in d.entries}
    check("the public feed has the public episodes only",
          sorted(by_title) == ["An M4A tone", "An MP3 tone"], sorted(by_title))
    for title, audio, mime in (("An MP3 tone", "tone.mp3", "audio/mpeg"),
                               ("An M4A tone", "tone.m4a", "audio/mp4")):
        e = by_title.get(title)
        if not e:
            continue
        file = os.path.join(folder, audio)
        enc = e.enclosures[0] if e.enclosures else {}
        check(f"{audio}: enclosure length is the file's", int(enc.get("length", -1)) ==
              os.path.getsize(file), (enc, os.path.getsize(file)))
        check(f"{audio}: enclosure type {mime}", enc.get("type") == mime, enc)
        check(f"{audio}: enclosure URL", enc.get("href", "").startswith(base + "/podcasts/test-signals/")
              and enc.get("href", "").endswith("/" + audio), enc)
        measured = ffprobe_seconds(file)
        check(f"{audio}: itunes:duration in whole seconds is the file's ({measured:.2f} s)",
              abs(int(e.get("itunes_duration", "-100")) - measured) <= 1, e.get("itunes_duration"))
        check(f"{audio}: a GUID that is not a permalink", e.get("id") and not e.get("guidislink"),
              e.get("id"))
        check(f"{audio}: itunes:season", e.get("itunes_season") == "2", e.get("itunes_season"))
        check(f"{audio}: podcast:season and podcast:episode",
              e.get("podcast_season") == "2" and e.get("podcast_episode") in ("3", "4"),
              (e.get("podcast_season"), e.get("podcast_episode")))
        check(f"{audio}: pubDate", e.get("published_parsed") is not None)
    mp3, m4a = by_title.get("An MP3 tone"), by_title.get("An M4A tone")
    if mp3:
        check("itunes:episode and itunes:explicit", mp3.get("itunes_episode") == "3" and
              explicit.get("An MP3 tone") == "true" and explicit.get("An M4A tone") == "false",
              (mp3.get("itunes_episode"), explicit))
        check("podcast:transcript", mp3.get("podcast_transcript", {}).get("type") ==
              "application/x-subrip", mp3.get("podcast_transcript"))
        chapters_url = mp3.get("podcast_chapters", {}).get("url", "")
        check("podcast:chapters", chapters_url.endswith("/chapters.json") and
              mp3.get("podcast_chapters", {}).get("type") == "application/json+chapters",
              mp3.get("podcast_chapters"))
        check("podcast:person for the guest", mp3.get("podcast_person", {}).get("role") == "guest",
              mp3.get("podcast_person"))
        rel = chapters_url[len(base) + 1:]
        with open(os.path.join(public, rel), encoding="utf-8") as f:
            chapters = json.load(f)
        check("the chapters file is the namespace's JSON chapters format",
              chapters.get("version") == "1.2.0" and
              [c.get("startTime") for c in chapters.get("chapters", [])] == [0, 2.5] and
              chapters["chapters"][1].get("url") == "https://example.org/middle", chapters)
    if m4a:
        check("itunes:episodeType bonus", m4a.get("itunes_episodetype") == "bonus",
              m4a.get("itunes_episodetype"))
    return {e.title: e.get("id") for e in d.entries}


def static_search(public, word):
    """The URLs the built site's static search index gives for one folded word, read as the
    theme's search.js reads it: the manifest's chunk, the word's postings, the fragments."""
    index = os.path.join(public, "search", "index")
    with open(os.path.join(index, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    chunk = None
    for first, k in manifest["chunks"]:
        if first <= word:
            chunk = k
    if chunk is None:
        return set()
    with gzip.open(os.path.join(index, "words", f"{chunk}.json.gz"), "rt", encoding="utf-8") as f:
        postings = json.load(f).get(word, [])
    urls, doc = set(), 0
    for k in range(0, len(postings) - 1, 2):
        doc += postings[k]
        with gzip.open(os.path.join(index, "doc", f"{doc}.json.gz"), "rt", encoding="utf-8") as f:
            urls.add(json.load(f)["url"])
    return urls


def check_pages(public):
    def read(*parts):
        with open(os.path.join(public, *parts), encoding="utf-8") as f:
            return f.read()
    page = read("podcasts", "test-signals", "tone-mp3", "index.html")
    check("the episode page has a player that loads nothing until asked",
          '<audio class="player" controls preload="none"' in page and "autoplay" not in page)
    check("the transcript is on the page as text", "The tone goes on." in page)
    check("the film discussed is linked", "/films/low-water" in page)
    premium = read("podcasts", "test-signals", "premium", "index.html")
    check("a premium episode's page has no player and no audio address",
          "<audio" not in premium and "premium.mp3" not in premium)
    check("a premium episode's audio is not published",
          not os.path.exists(os.path.join(public, "podcasts", "test-signals", "premium",
                                          "premium.mp3")))
    film = read("films", "low-water-2025", "index.html") if os.path.exists(
        os.path.join(public, "films", "low-water-2025")) else ""
    check("the film's page lists the episode", "/podcasts/test-signals/tone-mp3/" in film)
    check("the static search index finds an episode by a word of its transcript",
          "/podcasts/test-signals/tone-mp3/" in static_search(public, "goes"),
          static_search(public, "goes"))
    check("the static search index finds a premium episode by its show notes",
          "/podcasts/test-signals/premium/" in static_search(public, "patrons"),
          static_search(public, "patrons"))


def serve_checks(binary, site, smtp, port):
    base = f"http://127.0.0.1:{port}"
    mw.BASE = base
    server = subprocess.Popen([binary, "serve", "--site", site, "--listen", f"127.0.0.1:{port}",
                               "--threads", "2", "--access-log", "off"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    check("serve starts", "listening" in line, line)

    def private_base(email):
        reader = mw.Reader(email)
        mw.sign_in(reader, smtp, email)
        _, _, account = reader.request("/account/")
        _, _, page = reader.request("/account/feed/", {"csrf": nc.form_fields(account)["csrf"]})
        m = re.search(r"(/feeds/private/[A-Za-z0-9_-]+)/podcasts/test-signals/feed\.xml", page)
        return reader, account, (m.group(1) if m else None)

    def feed(prefix):
        status, headers, body = mw.Reader("app").request(prefix + "/podcasts/test-signals/feed.xml")
        return status, headers, feedparser.parse(body) if status == 200 else None

    patron, patron_account, patron_feed = private_base("patron@example.org")
    check("My Account gives the patron a private podcast feed address", patron_feed is not None)
    _, _, free_feed = private_base("free@example.org")
    _, _, cancel_feed = private_base("cancel@example.org")
    premium_audio = None
    if patron_feed:
        status, headers, d = feed(patron_feed)
        titles = [e.title for e in d.entries] if d else []
        check("the entitled member's feed has the premium episode", "A premium tone" in titles,
              (status, titles))
        check("the private feed is never kept by a shared cache",
              "no-store" in (headers.get("Cache-Control") or ""))
        check("apps are asked not to list a private feed",
              d is not None and "<itunes:block>Yes</itunes:block>" in mw.Reader("app").request(
                  patron_feed + "/podcasts/test-signals/feed.xml")[2])
        entry = next((e for e in d.entries if e.title == "A premium tone"), None) if d else None
        premium_audio = entry.enclosures[0]["href"] if entry and entry.enclosures else ""
        check("its enclosure is at the member's own address",
              premium_audio.startswith(base + patron_feed + "/podcasts/"), premium_audio)
        public_one = next((e for e in d.entries if e.title == "An MP3 tone"), None) if d else None
        check("so is a public episode's, in a private feed", public_one is not None and
              public_one.enclosures[0]["href"].startswith(base + patron_feed + "/podcasts/"),
              public_one and public_one.enclosures)
        status, headers, body = mw.Reader("app").request(premium_audio)
        check("the member's enclosure serves the audio", status == 200 and
              headers.get("Content-Type") == "audio/mpeg", (status, headers.get("Content-Type")))
        size = os.path.getsize(os.path.join(site, "content", "podcasts", "test-signals",
                                            "premium.mp3"))
        check("…whole: the file's length", headers.get("Content-Length") == str(size),
              (headers.get("Content-Length"), size))
        status, _, _ = mw.Reader("app").request(premium_audio, headers={"User-Agent": APP})
        check("a podcast app downloads the member's enclosure (counted at the end)", status == 200,
              status)
        status, headers, _ = mw.Reader("app").request(premium_audio,
                                                       headers={"Range": "bytes=100-199"})
        check("…and a part of it, as apps ask (206, streamed from the store)", status == 206 and
              headers.get("Content-Range") == f"bytes 100-199/{size}" and
              headers.get("Content-Length") == "100" and
              "no-store" in (headers.get("Cache-Control") or ""),
              (status, headers.get("Content-Range"), headers.get("Content-Length")))
    status, _, _ = mw.Reader("anyone").request("/podcasts/test-signals/premium/premium.mp3")
    check("the premium audio has no public address", status == 404, status)
    status, _, page = patron.request("/podcasts/test-signals/premium/")
    check("the entitled member's episode page has the player", status == 200 and
          'src="/podcasts/test-signals/premium/premium.mp3"' in page, status)
    status, headers, _ = patron.request("/podcasts/test-signals/premium/premium.mp3")
    check("…and its audio plays for them, kept by no shared cache", status == 200 and
          headers.get("Content-Type") == "audio/mpeg" and
          "no-store" in (headers.get("Cache-Control") or ""), (status, headers.get("Cache-Control")))
    if free_feed:
        status, _, d = feed(free_feed)
        titles = [e.title for e in d.entries] if d else []
        check("a member without the tier gets a feed without the premium episode",
              status == 200 and "A premium tone" not in titles and "An MP3 tone" in titles, titles)
        if premium_audio:
            status, _, _ = mw.Reader("app").request(
                premium_audio.replace(base + patron_feed, free_feed))
            check("…and the premium audio at their own address is refused", status == 403, status)
    if cancel_feed:
        status, _, d = feed(cancel_feed)
        titles = [e.title for e in d.entries] if d else []
        check("before cancelling, the member's feed has the premium episode",
              "A premium tone" in titles, titles)
        audio = premium_audio.replace(base + patron_feed, cancel_feed) if premium_audio else ""
        nc.run([binary, "members", "add", "cancel@example.org", "--tier", "patron", "--until",
                "2020-01-01", "--site", site])
        # The server follows the members' tables; wait for it to see the change (the issue
        # allows a minute), then both the feed and the file are closed.
        closed = False
        for _ in range(600):
            status, _, d = feed(cancel_feed)
            if d is not None and "A premium tone" not in [e.title for e in d.entries]:
                closed = True
                break
            time.sleep(0.1)
        check("after cancelling, the feed leaves the premium episode out", closed)
        if audio:
            status, _, _ = mw.Reader("app").request(audio)
            check("…and its audio at the member's address is refused", status == 403, status)
    _, _, page = patron.request("/account/feed/revoke/",
                                {"csrf": nc.form_fields(patron_account)["csrf"]})
    if patron_feed:
        status, _, _ = feed(patron_feed)
        check("a revoked private feed is 404", status == 404, status)
    return server


def check_private_downloads(binary, site, server):
    """The app's download through the patron's private feed is counted (serve writes what it
    counted when it stops), as its episode's, in the private column, without the token."""
    server.send_signal(signal.SIGTERM)
    server.wait(30)
    out = nc.run([binary, "podcasts", "stats", "--csv", "--show", "test-signals",
                  "--site", site]).stdout
    rows = list(csv.reader(io.StringIO(out)))
    totals = {r[2]: r[3:] for r in rows[1:] if r[0] == "total"}
    check("stats: public and private columns",
          rows and rows[0] == ["day", "show", "path", "downloads", "public", "private"], out)
    check("stats: the private feed's download is its episode's, counted as private",
          totals.get("/podcasts/test-signals/premium/premium.mp3") == ["1", "0", "1"], out)
    check("stats: no member's token is kept", "/feeds/private/" not in out, out)
    out = nc.run([binary, "podcasts", "stats", "--show", "test-signals", "--site", site]).stdout
    check("stats as a table: the show's private downloads",
          "show test-signals: 1 (0 public, 1 private)" in out, out)


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-podcasts-")
    smtp = nc.SmtpRecorder(os.path.join(root, "mail"))
    port = nc.free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    try:
        # The demo as it is (its tiers and members), served at this test's address and relay.
        site = os.path.join(root, "site")
        nc.run([binary, "demo", site], timeout=300)
        nc.point_demo(site, base, smtp.port)
        folder = os.path.join(site, "content", "podcasts", "test-signals")
        os.makedirs(folder)
        with open(os.path.join(folder, "_index.md"), "w", encoding="utf-8") as f:
            f.write(SHOW)
        for name, text in EPISODES.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                f.write(text)
        make_audio(folder)
        check_refusal(binary, site, folder)
        out = nc.run([binary, "import", site, "--site", site]).stdout
        check("the import saves the shows and episodes", "podcasts" in out, out)
        nc.run([binary, "build", "--site", site], timeout=300)
        public = os.path.join(site, "public")
        guids = check_feed(public, folder, base)
        check_pages(public)

        # A new slug keeps the GUID: apps must not download the episode again.
        path = os.path.join(folder, "tone-mp3.md")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace('title: "An MP3 tone"', 'title: "An MP3 tone"\nslug: "renamed"'))
        nc.run([binary, "import", site, "--site", site])
        nc.run([binary, "build", "--site", site], timeout=300)
        d = feedparser.parse(os.path.join(public, "podcasts", "test-signals", "feed.xml"))
        moved = next((e for e in d.entries if e.title == "An MP3 tone"), None)
        check("a slug change keeps the episode's GUID", moved is not None and
              moved.get("id") == guids.get("An MP3 tone") and "/renamed/" in moved.get("link", ""),
              (moved and moved.get("id"), guids.get("An MP3 tone")))

        for email, tier in (("patron@example.org", "patron"), ("free@example.org", ""),
                            ("cancel@example.org", "patron")):
            args = [binary, "members", "add", email, "--site", site]
            if tier:
                args += ["--tier", tier, "--until", "2099-01-01"]
            nc.run(args)
        server = serve_checks(binary, site, smtp, port)
        check_private_downloads(binary, site, server)
    except Exception:  # reported as a failure: finish() below ends the run
        check("the test runs to its end", False, traceback.format_exc())
    finally:
        check.finish(root, server, smtp)


if __name__ == "__main__":
    main()
