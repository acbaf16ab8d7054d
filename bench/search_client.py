#!/usr/bin/python3
"""Times search requests against a running `cinepress serve` (stdlib only, loopback only).

    search_client.py PORT PATH QUERIES_FILE [SERVER_PID]

Sends every query once, one at a time on one kept-alive connection, and prints the count, p50,
p90, p99 and max in milliseconds (from the request written to the whole response read), and
the server's own timing of the same requests from its /metrics histogram (request read to
response written: what the client's figures add is Python and the loopback), and with the
server's process id, the CPU time it spent per query (which a busy machine does not inflate).
"""

import http.client
import os
import re
import statistics
import sys
import time


def histogram(conn):
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    buckets = {}
    for m in re.finditer(r'cinepress_http_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)', text):
        buckets[m.group(1)] = int(m.group(2))
    return buckets


def cpu_seconds(pid):
    if not pid:
        return 0.0
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    port, path, queries = int(sys.argv[1]), sys.argv[2], open(sys.argv[3]).read().split("\n")
    pid = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    queries = [q for q in queries if q]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times, bad = [], 0
    for q in queries[:20]:  # warm the connection and the pages
        conn.request("GET", f"{path}?{q}")
        conn.getresponse().read()
    before = histogram(conn)
    cpu_before = cpu_seconds(pid)
    for q in queries:
        t = time.perf_counter()
        conn.request("GET", f"{path}?{q}", headers={"Accept-Encoding": "br, gzip"})
        resp = conn.getresponse()
        resp.read()
        times.append((time.perf_counter() - t) * 1000)
        bad += resp.status != 200
    cpu = cpu_seconds(pid) - cpu_before
    after = histogram(conn)
    times.sort()
    pct = lambda p: times[min(len(times) - 1, int(p * len(times)))]
    print(f"{path}: {len(times)} queries, p50 {pct(0.5):.2f} ms, p90 {pct(0.9):.2f} ms, "
          f"p99 {pct(0.99):.2f} ms, max {times[-1]:.2f} ms, mean {statistics.mean(times):.2f} ms"
          + (f", {bad} not 200" if bad else ""))
    # The metrics request itself is counted once, in the smallest bucket or near it.
    served = {le: after[le] - before.get(le, 0) for le in after}
    total = served.get("+Inf", 0) - 1
    if total > 0:
        shares = ", ".join(f"{100 * min(served[le], total) / total:.1f}% under {float(le) * 1000:g} ms"
                           for le in ("0.001", "0.0025", "0.005", "0.01", "0.025") if le in served)
        print(f"{path}: server-side (from /metrics): {shares}")
    if pid:
        print(f"{path}: server CPU time {1000 * cpu / len(times):.2f} ms per query (mean)")


if __name__ == "__main__":
    main()
