#!/usr/bin/python3
"""The example configs in contrib/ are read by the tools they are for.

    /usr/bin/python3 tests/e2e/contrib_test.py CONTRIB_FOLDER

- `contrib/nginx-cinepress.conf` (a site: included into a minimal nginx.conf of the test's own)
  passes `nginx -t`;
- `contrib/haproxy-cinepress.cfg` passes `haproxy -c`.

Their certificate paths are pointed at a self-signed certificate made here (openssl), and
nothing else is changed, so what is checked is the file a reader copies. A tool that is not
installed (scripts/setup.sh --test installs both) skips its check saying so — or fails under
CI=true; when every tool is missing the test exits 77 (skipped). Prints
`contrib_test: N passed, N failed`.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

check = nc.Checks("contrib_test")
TOOLS = {"nginx": "/usr/sbin/nginx", "haproxy": "/usr/sbin/haproxy", "openssl": "/usr/bin/openssl"}


def tool(name):
    found = shutil.which(name) or (TOOLS[name] if os.access(TOOLS[name], os.X_OK) else None)
    if not found:
        message = f"{name} is not installed (scripts/setup.sh --test installs it)"
        if os.environ.get("CI") == "true":
            check(f"{name} is installed", False, message)
        else:
            print(f"skip {message}")
    return found


def certificate(tmp, openssl):
    """(certificate, key, both in one PEM) for magazine.example, self-signed."""
    crt, key = os.path.join(tmp, "fullchain.pem"), os.path.join(tmp, "privkey.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=magazine.example", "-keyout", key, "-out", crt],
                   check=True, capture_output=True)
    both = os.path.join(tmp, "magazine.example.pem")
    with open(both, "w") as out:
        for part in (crt, key):
            with open(part) as f:
                out.write(f.read())
    return crt, key, both


def copy_with(src, dst, replacements):
    """`src` written to `dst` with each (pattern, text) replaced; fails when a pattern is gone
    (the config changed and this test must follow)."""
    with open(src, encoding="utf-8") as f:
        text = f.read()
    for pattern, repl in replacements:
        text, n = re.subn(pattern, lambda _m, r=repl: r, text)
        if n == 0:
            raise AssertionError(f"{os.path.basename(src)} has no {pattern!r} any more")
    with open(dst, "w", encoding="utf-8") as f:
        f.write(text)


def check_nginx(contrib, tmp, nginx, crt, key):
    site = os.path.join(tmp, "nginx-cinepress.conf")
    copy_with(os.path.join(contrib, "nginx-cinepress.conf"), site,
              [(r"/etc/letsencrypt/live/magazine\.example/fullchain\.pem", crt),
               (r"/etc/letsencrypt/live/magazine\.example/privkey\.pem", key)])
    main = os.path.join(tmp, "nginx.conf")
    with open(main, "w") as f:
        f.write(f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
                f"http {{\n    access_log off;\n    include {site};\n}}\n")
    r = subprocess.run([nginx, "-t", "-q", "-p", tmp + "/", "-e", os.path.join(tmp, "error.log"),
                        "-c", main], capture_output=True, text=True)
    check("contrib/nginx-cinepress.conf passes nginx -t", r.returncode == 0, r.stderr.strip())


def check_haproxy(contrib, tmp, haproxy, both):
    cfg = os.path.join(tmp, "haproxy-cinepress.cfg")
    copy_with(os.path.join(contrib, "haproxy-cinepress.cfg"), cfg,
              [(r"/etc/haproxy/certs/magazine\.example\.pem", both)])
    r = subprocess.run([haproxy, "-c", "-f", cfg], capture_output=True, text=True)
    check("contrib/haproxy-cinepress.cfg passes haproxy -c", r.returncode == 0,
          (r.stdout + r.stderr).strip())
    warnings = [line for line in (r.stdout + r.stderr).splitlines() if "[WARNING]" in line]
    check("and haproxy has no warning about it", not warnings, "; ".join(warnings))


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    contrib = os.path.abspath(sys.argv[1])
    nginx, haproxy, openssl = tool("nginx"), tool("haproxy"), tool("openssl")
    if not openssl or not (nginx or haproxy):
        if check.failed:
            print(f"contrib_test: {check.passed} passed, {check.failed} failed")
            sys.exit(1)
        print("contrib_test: skipped: nothing to check the configs with")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="cinepress-contrib.")
    try:
        crt, key, both = certificate(tmp, openssl)
        if nginx:
            check_nginx(contrib, tmp, nginx, crt, key)
        if haproxy:
            check_haproxy(contrib, tmp, haproxy, both)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    check.finish(tmp)


if __name__ == "__main__":
    main()
