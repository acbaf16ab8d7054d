"""What the end-to-end tests on PostgreSQL share: failing with the test's name, running a command
that must work, and finding the test PostgreSQL (the URL file CTest's fixture `postgresql`
writes, or CINEPRESS_TEST_PG_URL; without either, fail under CI=true and skip, exit 77,
elsewhere)."""
import os
import subprocess
import sys


class PgScript:
    def __init__(self, name):
        self.name = name

    def fail(self, message):
        print(f"{self.name}: FAILED: {message}", file=sys.stderr)
        sys.exit(1)

    def run(self, *args, **kwargs):
        result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
        if result.returncode != 0:
            self.fail(f"`{' '.join(args)}` exited {result.returncode}:\n"
                      f"{result.stdout}{result.stderr}")
        return result.stdout

    def server_url(self, url_file):
        url = os.environ.get("CINEPRESS_TEST_PG_URL", "")
        if not url and os.path.exists(url_file):
            with open(url_file) as f:
                url = f.read().strip()
        if url:
            return url
        message = ("no PostgreSQL to test against (run with ctest; scripts/setup.sh --test "
                   "installs it)")
        if os.environ.get("CI") == "true":
            self.fail(message)
        print(f"{self.name}: skipped: {message}")
        sys.exit(77)
