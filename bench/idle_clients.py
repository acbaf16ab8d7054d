#!/usr/bin/env python3
"""Holds N idle keep-alive connections open to a server on loopback (for bench/serve.sh).

    idle_clients.py HOST PORT N SECONDS

Each connection sends one request (so it is a kept-alive connection, not a half-open one),
reads the response, then stays idle. Prints how many are open when ready, and again at the end,
then closes them all. Bounded in count and time; loopback only.
"""
import resource
import socket
import sys
import time

host, port, n, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
assert host.startswith("127.") or host == "::1", "loopback only"
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 100)), hard))
conns = []
request = b"GET /robots.txt HTTP/1.1\r\nHost: bench\r\n\r\n"
for i in range(n):
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(4096)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0]
                 .split(b":")[1])
    while len(rest) < length:
        rest += s.recv(4096)
    conns.append(s)
print(f"idle_clients: {len(conns)} keep-alive connections open", flush=True)
time.sleep(seconds)
alive = 0
for s in conns:
    s.setblocking(False)
    try:
        alive += 1 if s.recv(1) != b"" else 0
    except BlockingIOError:
        alive += 1  # nothing to read and not closed: still open
    except OSError:
        pass
    s.close()
print(f"idle_clients: {alive} of {len(conns)} still open after {seconds:.0f} s", flush=True)
