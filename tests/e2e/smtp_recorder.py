#!/usr/bin/python3
"""A real SMTP server on loopback for the newsletter tests (aiosmtpd), recording every message.

    /usr/bin/python3 tests/e2e/smtp_recorder.py PORT DIR [--fail-rcpt ADDRESS=CODE ...]
        [--starttls CERT KEY | --implicit-tls CERT KEY] [--auth USER:PASSWORD]

Each accepted message is written to DIR as NNNNNNNN.eml (the bytes as received, with the
envelope recipients in an X-Envelope-To header first). `--fail-rcpt a@x=550` refuses that
recipient at RCPT with the given code. `--starttls` offers STARTTLS and requires it before
MAIL; `--implicit-tls` speaks TLS from the first byte (smtps); `--auth` requires AUTH with that
user and password (over TLS). Prints "ready" when listening; stops on SIGTERM/SIGINT.
"""

import itertools
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


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
    kwargs = {}
    args = sys.argv[3:]
    while args:
        if args[0] == "--fail-rcpt" and len(args) > 1:
            address, code = args[1].rsplit("=", 1)
            failures[address.lower()] = code
            args = args[2:]
        elif args[0] in ("--starttls", "--implicit-tls") and len(args) > 2:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(args[1], args[2])
            if args[0] == "--starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context)
            args = args[3:]
        elif args[0] == "--auth" and len(args) > 1:
            user, password = args[1].split(":", 1)

            def authenticator(server, session, envelope, mechanism, auth_data,
                              user=user.encode(), password=password.encode()):
                ok = auth_data.login == user and auth_data.password == password
                return AuthResult(success=ok, handled=False)

            kwargs.update(authenticator=authenticator, auth_required=True)
            args = args[2:]
        else:
            sys.exit("unknown argument " + args[0])
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Recorder(folder, failures), hostname="127.0.0.1", port=port,
                            decode_data=False, **kwargs)
    controller.start()
    print("ready", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
