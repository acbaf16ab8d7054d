#!/usr/bin/env python3
"""End-to-end: what a hostile stranger meets at `cinepress serve` (issue 18, "found by probing").

Serves the built-in demo and checks, on raw sockets: request smuggling shapes and a missing Host
get 400 and a closed connection; `Expect: 100-continue` gets `100 Continue`; every response
carries the security headers of [headers]; /metrics is answered on --metrics-listen and to the
--metrics-allow networks only; signed newsletter links are not written whole into the access log.

    tests/e2e/harden_test.py BINARY
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

BINARY = None
HOST = "127.0.0.1"
FAILED = []


def check(ok, what):
    if not ok:
        FAILED.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def exchange(port, data, wait_for=None, timeout=5.0):
    """Sends `data`, reads until the peer closes (or `wait_for` appears); returns (bytes, closed)."""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while wait_for is None or wait_for not in out:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                return out, False
            if not chunk:
                return out, True
            out += chunk
        return out, False


def head_of(response):
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    return {k.strip().lower(): v.strip() for k, v in
            (line.split(":", 1) for line in head.split("\r\n")[1:] if ":" in line)}


def main():
    global BINARY
    BINARY = os.path.realpath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="cinepress-harden-e2e.") as tmp:
        site = os.path.join(tmp, "site")
        subprocess.run([BINARY, "demo", site], check=True, stdout=subprocess.DEVNULL)
        port, metrics_port = free_port(), free_port()
        log = os.path.join(tmp, "access.log")
        # Loopback is not among the networks allowed /metrics here: the main listener says 404.
        proc = subprocess.Popen(
            [BINARY, "serve", "--site", site, "--listen", f"{HOST}:{port}", "--threads", "1",
             "--metrics-listen", f"{HOST}:{metrics_port}", "--metrics-allow", "192.0.2.0/24",
             "--access-log", log],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            lines = []
            for line in proc.stdout:
                lines.append(line)
                if "serve: metrics on" in line:
                    break
            else:
                sys.exit("harden_test: serve did not start:\n" + "".join(lines))
            run_checks(port, metrics_port)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(20)
        with open(log, encoding="utf-8") as f:
            logged = f.read()
        check("/newsletters/weekly/unsubscribe/REDACTED/" in logged and
              "SecretMac" not in logged, f"the access log keeps no token: {logged[-400:]!r}")
    if FAILED:
        sys.exit(f"harden_test: {len(FAILED)} checks failed")
    print("harden_test: all checks passed")


def run_checks(port, metrics_port):
    # RFC 9112 §6.3: framing that a proxy could read another way is refused, and the connection
    # closed before what follows is read as a request of its own.
    for te in ["identity", "gzip", "chunked, identity", "xchunked"]:
        out, closed = exchange(port, (
            f"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: {te}\r\nContent-Length: 5\r\n\r\n"
            "hello" "GET /smuggled/ HTTP/1.1\r\nHost: x\r\n\r\n").encode())
        check(out.startswith(b"HTTP/1.1 400") and closed and out.count(b"HTTP/1.1") == 1,
              f"Transfer-Encoding: {te}: 400 and close, got {out[:80]!r} closed={closed}")
    for host in ["", "Host: x\r\nHost: y\r\n"]:
        out, _ = exchange(port, f"GET / HTTP/1.1\r\n{host}\r\n".encode())
        check(out.startswith(b"HTTP/1.1 400"), f"Host {host!r}: 400, got {out[:60]!r}")
    out, _ = exchange(port, b"POST /newsletters/subscribe/ HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n"
                      b"Expect: 100-continue\r\n\r\n", wait_for=b"\r\n\r\n")
    check(out == b"HTTP/1.1 100 Continue\r\n\r\n", f"Expect: 100-continue: got {out[:60]!r}")

    # Security headers on pages, assets and errors alike (the demo's base_url is https).
    for target in ["/", "/about/", "/no-such-page/", "/robots.txt"]:
        out, _ = exchange(port, f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                          .encode())
        h = head_of(out)
        csp = h.get("content-security-policy", "")
        check("script-src 'self'" in csp and "frame-ancestors" in csp,
              f"{target}: Content-Security-Policy: {csp!r}")
        check(h.get("x-content-type-options") == "nosniff", f"{target}: nosniff")
        check(h.get("x-frame-options") == "SAMEORIGIN", f"{target}: X-Frame-Options")
        check(bool(h.get("referrer-policy")), f"{target}: Referrer-Policy")
        check(h.get("strict-transport-security", "").startswith("max-age="), f"{target}: HSTS")

    # /metrics: not to strangers on the main listener; on the metrics listener.
    out, _ = exchange(port, b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    check(out.startswith(b"HTTP/1.1 404") and b"cinepress_" not in out,
          f"/metrics on the main listener from a network not allowed: {out[:80]!r}")
    out, _ = exchange(metrics_port, b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    check(out.startswith(b"HTTP/1.1 200") and b"cinepress_http_requests_total" in out,
          f"/metrics on --metrics-listen: {out[:80]!r}")
    out, _ = exchange(metrics_port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    check(out.startswith(b"HTTP/1.1 404"), f"the metrics listener serves nothing else: {out[:60]!r}")

    # A signed link (forged: the log must not keep it either way).
    exchange(port, b"GET /newsletters/weekly/unsubscribe/42-SecretMac/ HTTP/1.1\r\nHost: x\r\n"
                   b"Connection: close\r\n\r\n")
    time.sleep(0.5)  # the access log is written a fifth of a second later


if __name__ == "__main__":
    main()
