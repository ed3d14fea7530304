"""Codes go out by SMTP when a server is configured: a real SMTP conversation on loopback."""

from __future__ import annotations

import re
import socketserver
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough RFC 5321 for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    messages: list[str]

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        while line := self.rfile.readline().decode().strip():
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250 test")
            elif verb == "DATA":
                self.reply("354 go ahead")
                body = []
                while (data := self.rfile.readline().decode()) not in {".\r\n", ""}:
                    body.append(data)
                self.server.messages.append("".join(body))  # type: ignore[attr-defined]
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpHandler)
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_signup_code_is_mailed_and_verifies(
    settings: Settings, smtp_server: socketserver.ThreadingTCPServer
) -> None:
    port = smtp_server.server_address[1]
    mailing = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
    )
    with TestClient(create_app(mailing, composition.features())) as client:
        created = client.post("/v1/signup", json={"workspace_name": "Mail", "email": "m@x.test"})
        assert created.status_code == 201
        messages: list[str] = smtp_server.messages  # type: ignore[attr-defined]
        assert len(messages) == 1 and "To: m@x.test" in messages[0]
        code = re.search(r"code is (\d{6})", messages[0])
        assert code is not None
        verified = client.post(
            "/v1/signup/verify", json={"email": "m@x.test", "otp_code": code.group(1)}
        )
        assert verified.status_code == 200
