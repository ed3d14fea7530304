"""A real HTTP server on 127.0.0.1 in a thread, scripted per test (receivers and sources)."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass(frozen=True, slots=True)
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    close: bool = False  # drop the connection without answering
    stream_bytes: int = 0  # send this many extra body bytes (a huge body), no Content-Length


Script = Callable[[Received], Reply]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        return

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        received = Received(
            self.command,
            self.path,
            {k.lower(): v for k, v in self.headers.items()},
            body,
            time.time(),
        )
        with self.server.lock:
            self.server.received.append(received)
        reply = self.server.script(received)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.close:
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.stream_bytes:
            self.send_header("Connection", "close")
            self.end_headers()
            self._stream(reply.body, reply.stream_bytes)
            return
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def _stream(self, head: bytes, extra: int) -> None:
        sent = 0
        try:
            self.wfile.write(head)
            chunk = b"x" * 65536
            for _ in range(extra // len(chunk)):
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        with self.server.lock:
            self.server.streamed.append(sent)

    do_GET = do_POST = do_PUT = do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return  # clients that hang up (timeouts, refused TLS, cut bodies) are expected here

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script
        self.received: list[Received] = []
        self.streamed: list[int] = []  # body bytes written per streamed reply before a hang-up
        self.lock = threading.Lock()


@dataclass(slots=True)
class LiveServer:
    server: _Server
    scheme: str = "http"

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    @property
    def received(self) -> list[Received]:
        with self.server.lock:
            return list(self.server.received)

    def streamed(self, timeout: float = 5.0) -> list[int]:
        """Bytes each streamed reply got out before the client hung up (waits for the first)."""
        deadline = time.monotonic() + timeout
        while not self.server.streamed and time.monotonic() < deadline:
            time.sleep(0.01)
        with self.server.lock:
            return list(self.server.streamed)

    def set_script(self, script: Script) -> None:
        self.server.script = script


@contextmanager
def live_server(
    script: Script | None = None, tls: ssl.SSLContext | None = None
) -> Iterator[LiveServer]:
    server = _Server(script or (lambda _received: Reply()))
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield LiveServer(server, "https" if tls is not None else "http")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
