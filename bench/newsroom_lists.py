#!/usr/bin/python3
"""Times the newsroom's articles list (and its films and people) on a served site: signs an editor in through the invitation
link given, then asks each list URL RUNS times and prints the median and the slowest time per
URL, in ms (client-side on loopback: the server's time plus the loopback round trip).

    /usr/bin/python3 bench/newsroom_lists.py BASE_URL INVITATION_PATH [RUNS]
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import members_web_test as mw  # noqa: E402
import newsletter_common as nc  # noqa: E402

URLS = [
    "/admin/",
    "/admin/articles/",
    "/admin/articles/?page=150",
    "/admin/articles/?section=reviews&status=published",
    "/admin/articles/?tag=drama",
    "/admin/articles/?q=festival",
    "/admin/articles/?q=the+last&section=reviews&page=2",
    "/admin/films/",
    "/admin/films/?q=the",
    "/admin/films/?q=night+fer",
    "/admin/films/lookup/?title=the",
    "/admin/people/?q=an",
]


def main():
    base, invitation = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    mw.BASE = base
    editor = mw.Reader("editor")
    fields = nc.form_fields(editor.request(invitation)[2])
    password = "a long enough password"
    editor.request("/admin/invitation/", {"csrf": fields["csrf"], "token": fields["token"],
                                         "password": password, "password_again": password})
    fields = nc.form_fields(editor.request("/admin/sign-in/")[2])
    status, _, _ = editor.request("/admin/sign-in/", {"csrf": fields["csrf"], "email":
                                                      "editor@mag.example", "password": password})
    if status != 303:
        sys.exit(f"sign-in failed: {status}")
    for url in URLS:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            status, _, page = editor.request(url)
            times.append((time.perf_counter() - start) * 1000)
            if status != 200:
                sys.exit(f"{url}: {status}")
        times.sort()
        total = page.split(" articles · page", 1)[0].rsplit(">", 1)[-1] if "articles/" in url else ""
        print(f"{url:55} median {times[len(times) // 2]:6.1f} ms  max {times[-1]:6.1f} ms  {total}")


if __name__ == "__main__":
    main()
