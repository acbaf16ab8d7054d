"""What the end-to-end tests on PostgreSQL share: failing with the test's name, running a command
that must work, and finding the test PostgreSQL (the URL file CTest's fixture `postgresql`
writes, or CINEPRESS_TEST_PG_URL; without either, fail under CI=true and skip, exit 77,
elsewhere), SQL through psql, a schema of the test's own, and waiting for something to come
true."""
import os
import subprocess
import sys
import time
import urllib.parse

# The throwaway PostgreSQL's script (start, stop, down, up, replica, promote).
SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pg", "pg_test_server.sh")


def wait_until(predicate, seconds, step=0.02):
    """Whether `predicate` came true within `seconds` (asked every `step` seconds)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class PgScript:
    @staticmethod
    def with_params(url, **params):
        """`url` with libpq parameters added to its query."""
        return url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params)

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
        self.unavailable()

    def unavailable(self):
        """No PostgreSQL here: fails under CI=true, else skips (exit 77)."""
        message = ("no PostgreSQL to test against (run with ctest; scripts/setup.sh --test "
                   "installs it)")
        if os.environ.get("CI") == "true":
            self.fail(message)
        print(f"{self.name}: skipped: {message}")
        sys.exit(77)

    def private_server(self, state, *replica_of):
        """The URL of a PostgreSQL of the test's own, its state in `state` (skips or fails
        without PostgreSQL); with `replica_of` (a state folder), a streaming replica of that."""
        self.run(SERVER, "replica" if replica_of else "start", state, *replica_of)
        with open(os.path.join(state, "url")) as f:
            url = f.read().strip()
        if not url:
            subprocess.run([SERVER, "stop", state], capture_output=True)
            self.unavailable()
        return url

    def psql(self, url, sql):
        return self.run("psql", url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql).strip()

    def fresh_schema(self, base, schema):
        """Makes `schema` anew in the test server at `base`; the URL whose tables live there."""
        self.psql(base, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        return self.with_params(base, options=f"-csearch_path={schema}")
