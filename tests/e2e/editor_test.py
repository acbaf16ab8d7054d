#!/usr/bin/python3
"""The newsroom's editor end to end: the real `cinepress serve` on the demo magazine.

    /usr/bin/python3 tests/e2e/editor_test.py BINARY

An editor writes a review with a film (the form without JavaScript), previews it (the theme's own
article page), schedules it a few seconds ahead and sees it appear on the site at its time; every
save is a revision, two of them compare as a line diff, one is restored; two people saving from
the same revision: the second gets the conflict page with both versions and nothing is
overwritten; a contributor saves and submits their own draft but their publish and schedule
posts get 403, and they cannot open others' pieces; validation errors name the field; an import
of the content folder refuses to overwrite a piece edited in the newsroom unless --force.
Prints `editor_test: N passed, N failed`.
"""

import html
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import members_web_test as mw  # noqa: E402  (its Reader: a browser's cookies over urllib)
import newsletter_common as nc  # noqa: E402
from newsroom_test import PASSWORD, accept, sign_in, staff  # noqa: E402

check = nc.Checks("editor_test")


def review_form(csrf, **over):
    form = {"csrf": csrf, "id": "0", "revision": "0", "action": "save",
            "title": "The Quiet Orchard", "slug": "", "section": "reviews",
            "dek": "A patient film about *trees*.",
            "body": "First paragraph about the orchard.\n\nSecond paragraph.\n",
            "writers": ["maren-solheim"], "categories": "Film Reviews", "tags": "Slow Cinema",
            "festival": "", "film_title": "The Quiet Orchard", "film_original_title": "",
            "film_year": "2026", "film_directors": "Ines Varga", "film_countries": "Hungary",
            "film_runtime": "97", "film_cast": "", "interviewee_name": "",
            "interviewee_job_title": "", "image_src": "", "image_alt": "", "image_caption": "",
            "access": "", "publish_at": ""}
    form.update(over)
    return form


def page_with(browser, path, text, timeout=15):
    """The page at `path` once it holds `text` (the live site reloads within a second), or as
    it is at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        status, _, page = browser.request(path)
        if (status == 200 and text in page) or time.monotonic() > deadline:
            return status, page
        time.sleep(0.2)


def hidden(page):
    return nc.form_fields(page)


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-editor-")
    port = nc.free_port()
    base = f"http://127.0.0.1:{port}"
    mw.BASE = base
    server = None
    try:
        site = os.path.join(root, "site")
        nc.run([binary, "demo", site], timeout=300)
        nc.point_demo(site, base, nc.free_port())  # no mail is sent
        links = {}
        for email, role in (("ed@mag.example", "editor"), ("bo@mag.example", "editor"),
                            ("writer@mag.example", "contributor")):
            out = staff(binary, site, "add", email, "--role", role).stdout
            links[email] = re.findall(r"/admin/invitation/\?token=\S+", out)[0]

        server = subprocess.Popen([binary, "serve", "--site", site, "--listen",
                                   f"127.0.0.1:{port}", "--threads", "2", "--access-log", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        check("serve starts", "listening" in line, line)
        people = {}
        for email in links:
            b = mw.Reader(email)
            accept(b, links[email])
            status, headers, _ = sign_in(b, email)
            check(f"{email} signs in", status == 303 and headers["Location"] == "/admin/", status)
            people[email] = b
        ed, bo, writer = people["ed@mag.example"], people["bo@mag.example"], people["writer@mag.example"]

        # The form, without JavaScript.
        status, headers, page = ed.request("/admin/articles/new/")
        check("the editor opens", status == 200 and 'name="film_title"' in page, status)
        check("the film title is suggested from the film records",
              '<datalist id="film-records">' in page and 'value="After Dinner"' in page)
        check("the editor may frame its preview", "frame-src 'self'" in headers.get(
            "Content-Security-Policy", ""), headers.get("Content-Security-Policy"))
        csrf = hidden(page)["csrf"]

        status, _, page = ed.request("/admin/articles/save/", review_form(
            csrf, image_src="/images/after-dinner.svg"))
        check("an image without alt text is refused naming the field",
              status == 400 and "alt text" in page and 'id="image_alt" name="image_alt" type="text" value="" aria-invalid="true"' in page,
              (status, re.findall(r'class="error"[^<]*', page)))
        status, _, page = ed.request("/admin/articles/save/", review_form(csrf, film_year="20x6"))
        check("a film year that is not a year is refused naming the field",
              status == 400 and "year" in page and 'href="#film_year"' in page, status)

        # Preview: the theme's article page, made from the form.
        status, headers, page = ed.request("/admin/articles/preview/", review_form(csrf))
        check("the preview is the theme's article page",
              status == 200 and "The Quiet Orchard" in page and "<em>trees</em>" in page
              and "First paragraph about the orchard." in page and "/assets/" in page,
              (status, page[:300]))
        check("the preview may be framed by the newsroom only",
              headers.get("X-Frame-Options") == "SAMEORIGIN", headers.get("X-Frame-Options"))

        # Save a draft: a revision, not on the site.
        status, headers, _ = ed.request("/admin/articles/save/", review_form(csrf))
        check("saving a draft leads to its editor", status == 303 and "/edit/" in headers["Location"],
              (status, headers.get("Location")))
        edit_url = headers.get("Location", "/").split("?")[0]
        article_id = re.findall(r"/admin/articles/(\d+)/", edit_url)[0]
        status, _, page = ed.request(edit_url)
        fields = hidden(page)
        check("the editor shows the saved draft", status == 200 and 'value="The Quiet Orchard"' in page
              and fields.get("revision", "0") != "0", status)
        status, _, _ = ed.request("/reviews/the-quiet-orchard/")
        check("a draft is not on the site", status == 404, status)

        # Schedule it a few seconds ahead, in the site's time zone.
        tz = re.search(r"\(to schedule; ([^ ]+) time\)", page).group(1)
        os.environ["TZ"] = tz
        time.tzset()
        at = time.time() + 4
        local = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(at))
        status, headers, page = ed.request("/admin/articles/save/", review_form(
            fields["csrf"], id=article_id, revision=fields["revision"], action="schedule",
            publish_at=local))
        check("scheduling is accepted", status == 303, (status, re.findall(r'class="error"[^<]*', page)))
        status, _, _ = ed.request("/reviews/the-quiet-orchard/")
        check("a scheduled piece is not on the site before its time", status == 404 or time.time() >= at,
              status)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status, _, page = ed.request("/reviews/the-quiet-orchard/")
            if status == 200:
                break
            time.sleep(0.25)
        check("the scheduled piece appears on the site at its time",
              status == 200 and "The Quiet Orchard" in page and time.time() >= at - 1, status)

        # Two people edit it: the second save is refused with both versions.
        _, _, page = ed.request(edit_url)
        f_ed = hidden(page)
        _, _, page = bo.request(edit_url)
        f_bo = hidden(page)
        check("both open the same revision", f_ed["revision"] == f_bo["revision"])
        status, _, _ = ed.request("/admin/articles/save/", review_form(
            f_ed["csrf"], id=article_id, revision=f_ed["revision"], title="The Quiet Orchard (ed)"))
        check("the first save is made", status == 303, status)
        status, _, page = bo.request("/admin/articles/save/", review_form(
            f_bo["csrf"], id=article_id, revision=f_bo["revision"], title="The Quiet Orchard (bo)"))
        check("the second save is a conflict", status == 409, status)
        check("the conflict page shows theirs, yours and the diff",
              "ed@mag.example" in page and "title: The Quiet Orchard (ed)" in page
              and "title: The Quiet Orchard (bo)" in page and 'class="removed"' in page
              and 'class="added"' in page, page[:600])
        status, page = page_with(ed, "/reviews/the-quiet-orchard/", "The Quiet Orchard (ed)")
        check("the first save is live and nothing was overwritten",
              "The Quiet Orchard (ed)" in page and "(bo)" not in page, status)

        # The script's autosave: a revision only, answered in JSON; from an old revision, 409.
        _, _, page = ed.request(edit_url)
        f_ed = hidden(page)
        status, headers, body = ed.request("/admin/articles/save/", review_form(
            f_ed["csrf"], id=article_id, revision=f_ed["revision"], action="autosave",
            title="Typing in progress"), {"Accept": "application/json"})
        check("an autosave answers its revision in JSON", status == 200
              and headers.get("Content-Type") == "application/json" and '"revision":' in body,
              (status, body[:200]))
        status, _, body = ed.request("/admin/articles/save/", review_form(
            f_ed["csrf"], id=article_id, revision=f_ed["revision"], action="autosave"),
            {"Accept": "application/json"})
        check("an autosave from an old revision is a conflict", status == 409, (status, body[:200]))
        status, page = page_with(ed, "/reviews/the-quiet-orchard/", "The Quiet Orchard (ed)")
        check("an autosave leaves the published page alone", "Typing in progress" not in page, status)
        _, _, page = ed.request(edit_url)
        check("the editor opens on the autosaved text, saying so",
              'value="Typing in progress"' in page and "autosaved" in page)

        # Revisions: listed, compared, one restored.
        status, _, page = ed.request(f"/admin/articles/{article_id}/revisions/")
        ids = re.findall(r'name="b" value="(\d+)"', page)
        check("the revisions list who and when", status == 200 and len(ids) == 4
              and page.count("ed@mag.example") >= 3, (status, ids))
        status, _, page = ed.request(f"/admin/articles/{article_id}/compare/?a={ids[-1]}&b={ids[0]}")
        check("two revisions compare as a line diff", status == 200
              and "− title: The Quiet Orchard" in html.unescape(page)
              and "+ title: Typing in progress" in html.unescape(page), status)
        fields = hidden(page)
        status, headers, _ = ed.request(f"/admin/articles/{article_id}/restore/", {
            "csrf": csrf, "revision": ids[-1], "based_on": ids[0]})
        check("a revision is restored as a new one", status == 303, status)
        _, _, page = ed.request(f"/admin/articles/{article_id}/revisions/")
        check("the restore is the newest revision", len(re.findall(r'name="b" value="(\d+)"', page)) == 5
              and "restore" in page)
        status, page = page_with(ed, "/reviews/the-quiet-orchard/", "The Quiet Orchard</h1>")
        check("the restored text is on the site", "The Quiet Orchard</h1>" in page
              and "(ed)" not in page, status)

        # A contributor: their own drafts only, never publishing.
        status, _, page = writer.request("/admin/articles/new/")
        check("a contributor's editor has no publish button", status == 200
              and 'value="publish"' not in page and 'value="schedule"' not in page
              and 'value="submit"' in page, status)
        wcsrf = hidden(page)["csrf"]
        status, headers, _ = writer.request("/admin/articles/save/", review_form(
            wcsrf, title="A Contributor's Draft", film_title="", film_year="", film_directors="",
            film_countries="", film_runtime=""))
        check("a contributor saves a draft", status == 303, status)
        wurl = headers.get("Location", "/").split("?")[0]
        wid = re.findall(r"/admin/articles/(\d+)/", wurl)[0]
        _, _, page = writer.request(wurl)
        wf = hidden(page)
        for action in ("publish", "schedule", "unpublish"):
            status, _, page = writer.request("/admin/articles/save/", review_form(
                wcsrf, id=wid, revision=wf["revision"], action=action, title="Mine",
                publish_at="2099-01-01T10:00"))
            check(f"a contributor's {action} post is refused with 403", status == 403
                  and "contributor" in page, status)
        status, _, _ = writer.request("/admin/articles/save/", review_form(
            wcsrf, id=wid, revision=wf["revision"], action="submit", title="Mine"))
        check("a contributor submits their draft for review", status == 303, status)
        status, _, _ = writer.request(edit_url)
        check("a contributor cannot open another's piece", status == 403, status)
        status, _, _ = writer.request("/admin/articles/save/", review_form(
            wcsrf, id=article_id, revision="0", title="Taken"))
        check("a contributor cannot save another's piece", status == 403, status)
        status, _, _ = writer.request("/admin/articles/save/", review_form(
            "", title="No token"))
        check("a save without the CSRF token is refused", status == 403, status)

        # A demo article edited in the browser, then its file changed: import refuses by name.
        status, _, page = ed.request("/admin/articles/?q=After+Dinner")
        found = re.search(r'href="(/admin/articles/(\d+)/edit/)">Edit<span class="visually-hidden">'
                          r' After Dinner</span>', page)
        check("the articles list links each piece to its editor", status == 200 and found, status)
        dinner = found.group(1) if found else "/"
        _, _, page = ed.request(dinner)
        fields = hidden(page)
        form = review_form(fields.get("csrf", ""), id=found.group(2) if found else "0",
                           revision=fields.get("revision", ""), title="After Dinner",
                           slug="after-dinner", film_title="", film_year="", film_directors="",
                           film_countries="", film_runtime="")
        form["body"] = "Rewritten in the newsroom.\n"
        status, _, _ = ed.request("/admin/articles/save/", form)
        check("a demo article is edited in the browser", status == 303, status)
        md = os.path.join(site, "content", "reviews", "after-dinner.md")
        with open(md, encoding="utf-8") as f:
            text = f.read()
        with open(md, "w", encoding="utf-8") as f:
            f.write(text + "\nA line added to the file.\n")
        out = nc.run([binary, "import", "--site", site], check=False)
        check("import refuses to overwrite it, naming the file and --force",
              out.returncode != 0 and "content/reviews/after-dinner.md" in out.stderr
              and "--force" in out.stderr, (out.returncode, out.stderr[-400:]))
        status, page = page_with(ed, "/reviews/after-dinner/", "Rewritten in the newsroom.")
        check("the newsroom's text stays on the site", "Rewritten in the newsroom." in page, status)
        out = nc.run([binary, "import", "--force", "--site", site], check=False)
        check("import --force overwrites it", out.returncode == 0, out.stderr[-400:])
        status, page = page_with(ed, "/reviews/after-dinner/", "A line added to the file.")
        check("the file's text is on the site after --force", "A line added to the file." in page,
              status)
    finally:
        check.finish(root, server)


if __name__ == "__main__":
    main()
