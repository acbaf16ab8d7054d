#!/usr/bin/python3
"""A real SMTP server on loopback for the newsletter tests (aiosmtpd), recording every message.

    /usr/bin/python3 tests/e2e/smtp_recorder.py PORT DIR [--fail-rcpt ADDRESS=CODE ...]

Each accepted message is written to DIR as NNNNNNNN.eml (the bytes as received, with the
envelope recipients in an X-Envelope-To header first). `--fail-rcpt a@x=550` refuses that
recipient at RCPT with the given code. Prints "ready" when listening; stops on SIGTERM/SIGINT.
"""

import itertools
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, folder, failures):
        self.folder = folder
        self.failures = failures
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.failures.get(address.lower())
        if code:
            return f"{code} refused by the test relay"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = next(self.counter)
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        path = os.path.join(self.folder, f"{n:08d}.eml")
        head = ("X-Envelope-To: " + ", ".join(envelope.rcpt_tos) + "\r\n").encode()
        with open(path + ".tmp", "wb") as f:
            f.write(head + data)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    failures = {}
    args = sys.argv[3:]
    while args:
        if args[0] == "--fail-rcpt" and len(args) > 1:
            address, code = args[1].rsplit("=", 1)
            failures[address.lower()] = code
            args = args[2:]
        else:
            sys.exit("unknown argument " + args[0])
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Recorder(folder, failures), hostname="127.0.0.1", port=port,
                            decode_data=False)
    controller.start()
    print("ready", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
