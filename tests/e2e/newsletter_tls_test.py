#!/usr/bin/python3
"""SMTP with TLS and credentials against a real server (aiosmtpd): STARTTLS required, implicit
TLS (smtps://), AUTH with the password from the environment, and refusals.

    /usr/bin/python3 tests/e2e/newsletter_tls_test.py BINARY

A self-signed certificate for 127.0.0.1 is made with openssl and given to cinepress as
`[smtp] ca_file`. Prints `newsletter_tls_test: N passed, N failed`.
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import newsletter_common as nc  # noqa: E402

check = nc.Checks("newsletter_tls_test")


def set_smtp(site, **values):
    path = os.path.join(site, "cinepress.toml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start = text.index("[smtp]\n")  # only that table's keys (menus have url = too)
    end = text.index("\n[", start + 1)
    table = text[start:end]
    for key, value in values.items():
        table, n = re.subn(rf'(?m)^{key} = .*$', f"{key} = {value}", table, count=1)
        if n == 0:
            table = table.replace("[smtp]\n", f"[smtp]\n{key} = {value}\n", 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:start] + table + text[end:])


def main():
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cinepress-nltls-")
    started = []
    try:
        cert, key = os.path.join(root, "cert.pem"), os.path.join(root, "key.pem")
        nc.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", key, "-out", cert])
        starttls = nc.SmtpRecorder(os.path.join(root, "mail-starttls"),
                                   ["--starttls", cert, key, "--auth", "mag:s3cret"])
        implicit = nc.SmtpRecorder(os.path.join(root, "mail-smtps"),
                                   ["--implicit-tls", cert, key])
        plain = nc.SmtpRecorder(os.path.join(root, "mail-plain"))
        started += [starttls, implicit, plain]
        site = nc.make_site(binary, root, starttls.port)
        set_smtp(site, starttls='"starttls"', username='"mag"', ca_file=f'"{cert}"')

        def test_send(env_password):
            env = dict(os.environ)
            env.pop("CINEPRESS_SMTP_PASSWORD", None)
            if env_password is not None:
                env["CINEPRESS_SMTP_PASSWORD"] = env_password
            return subprocess.run([binary, "newsletter", "send", "weekly", "--test-to",
                                   "editor@example.org", "--site", site],
                                  capture_output=True, text=True, timeout=60, env=env)

        p = test_send("s3cret")
        check("STARTTLS and AUTH with the password from the environment", p.returncode == 0
              and len(starttls.messages()) == 1, p.stdout + p.stderr)
        p = test_send("wrong")
        check("a wrong password is an error, nothing sent", p.returncode != 0
              and len(starttls.messages()) == 1, p.stdout + p.stderr)

        # A queue send with a wrong password stops and blames no reader; the next run sends.
        csv = os.path.join(root, "readers.csv")
        with open(csv, "w", encoding="utf-8") as f:
            f.write("email,name,lists,consent_date\nreader@example.org,,weekly,2024-05-01\n")
        nc.run([binary, "subscribers", "import", csv, "--site", site])
        env = dict(os.environ, CINEPRESS_SMTP_PASSWORD="wrong")
        p = subprocess.run([binary, "newsletter", "send", "weekly", "--site", site],
                           capture_output=True, text=True, timeout=60, env=env)
        check("a refused login stops the send", p.returncode != 0 and "refused us" in p.stderr,
              p.stdout + p.stderr)
        env["CINEPRESS_SMTP_PASSWORD"] = "s3cret"
        p = subprocess.run([binary, "newsletter", "send", "weekly", "--site", site],
                           capture_output=True, text=True, timeout=60, env=env)
        check("and the next run sends to everyone, nobody marked failed",
              "1 sent, 0 failed, 0 pending" in p.stdout, p.stdout + p.stderr)

        set_smtp(site, url=f'"smtps://127.0.0.1:{implicit.port}"', username='""')
        p = test_send(None)
        check("implicit TLS (smtps://)", p.returncode == 0 and len(implicit.messages()) == 1,
              p.stdout + p.stderr)

        set_smtp(site, url=f'"smtp://127.0.0.1:{plain.port}"')
        p = test_send(None)
        check("starttls = \"starttls\" refuses a relay without STARTTLS", p.returncode != 0
              and len(plain.messages()) == 0, p.stdout + p.stderr)

        set_smtp(site, url=f'"smtps://127.0.0.1:{implicit.port}"', ca_file='""')
        p = test_send(None)
        check("an untrusted certificate is refused", p.returncode != 0
              and len(implicit.messages()) == 1, p.stdout + p.stderr)
    except Exception as e:  # noqa: BLE001
        check("no exception", False, repr(e))
    finally:
        check.finish(root, *started)


if __name__ == "__main__":
    main()
