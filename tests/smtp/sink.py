#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for the outbox tests: it keeps every message it accepts as JSON in a spool folder.

    python3 tests/smtp/sink.py --spool DIR [--starttls] [--auth USER:PASSWORD]

Prints "READY port=N ca=PATH" once it listens on 127.0.0.1 (PATH is the self-signed certificate to trust with
--starttls, else "-"), and runs until stdin closes or it is killed. Recipients steer it:
  tempfail-N@...        refused with 451 the first N times (per address), then accepted
  reject@...            refused with 550
  drop-after-data@...   the message is kept, then the connection is closed before the reply to its final dot
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, spool):
        self.spool = spool
        self.refusals = {}
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local == "reject":
            return "550 5.1.1 No such mailbox here"
        if local.startswith("tempfail-"):
            wanted = int(local.split("-")[1])
            with self.lock:
                seen = self.refusals.get(address, 0)
                if seen < wanted:
                    self.refusals[address] = seen + 1
                    return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "message_id": str(msg["message-id"]),
            "date": str(msg["date"]),
            "from_header": str(msg["from"]),
            "body": msg.get_content().replace("\r\n", "\n"),
            "tls": session.ssl is not None,
            "auth": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
        }
        with self.lock:
            self.count += 1
            name = os.path.join(self.spool, "%06d-%d.json" % (self.count, os.getpid()))
        with open(name + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(name + ".tmp", name)
        if any(r.split("@")[0].lower() == "drop-after-data" for r in envelope.rcpt_tos):
            server.transport.close()
            return "250 OK (never seen: the connection is closed)"
        return "250 2.0.0 Queued"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(folder):
    cert, key = os.path.join(folder, "sink-cert.pem"), os.path.join(folder, "sink-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--spool", required=True)
    p.add_argument("--starttls", action="store_true")
    p.add_argument("--auth")
    a = p.parse_args()
    os.makedirs(a.spool, exist_ok=True)
    kwargs = {}
    ca = "-"
    if a.starttls:
        cert, key = self_signed(a.spool)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        kwargs.update(tls_context=ctx, require_starttls=True)
        ca = cert
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, auth_data=auth_data if ok else None)

        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=a.starttls)
    port = free_port()
    controller = Controller(Sink(a.spool), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("READY port=%d ca=%s" % (port, ca), flush=True)
    try:
        sys.stdin.read()  # until the test closes our stdin (or dies)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
