"""A real threaded HTTP server on 127.0.0.1 serving test media, counting every request."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: float | None = None
    chunk_delay: float = 0.0
    stall_after: int | None = None
    """Bytes sent before the server goes silent (keeping the connection open) for `stall`."""
    stall: float = 0.0


@dataclass
class SourceServer:
    port: int
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    full_bodies: Counter[str] = field(default_factory=Counter)
    """Bodies the server started to send (all of them, unless the client hung up)."""
    hung_up: dict[str, float] = field(default_factory=dict)
    """Path → when (time.monotonic) a client closed the connection mid-body."""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes = b"", **kwargs: object) -> str:
        self.routes[path] = Route(body=body, **kwargs)  # type: ignore[arg-type]
        return self.url(path)


def _handler(server: SourceServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            server.hits[path] += 1
            route = server.routes.get(path)
            if route is None:
                self.send_error(404)
                return
            if self._not_modified(route):
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified is not None:
                self.send_header("Last-Modified", formatdate(route.last_modified, usegmt=True))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if route.status < 300:
                server.full_bodies[path] += 1
            self._write(route)

        def _not_modified(self, route: Route) -> bool:
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                return True
            since = self.headers.get("If-Modified-Since")
            return bool(
                route.last_modified is not None
                and since
                and since == formatdate(route.last_modified, usegmt=True)
            )

        def _write(self, route: Route) -> None:
            try:
                if route.stall_after is not None:
                    self.wfile.write(route.body[: route.stall_after])
                    self.wfile.flush()
                    time.sleep(route.stall)
                    self.wfile.write(route.body[route.stall_after :])
                    return
                if not route.chunk_delay:
                    self.wfile.write(route.body)
                    return
                for start in range(0, len(route.body), 1024):
                    self.wfile.write(route.body[start : start + 1024])
                    self.wfile.flush()
                    time.sleep(route.chunk_delay)
            except (BrokenPipeError, ConnectionResetError):
                server.hung_up[self.path.split("?", 1)[0]] = time.monotonic()
                return

    return Handler


@contextmanager
def serve() -> Iterator[SourceServer]:
    state = SourceServer(port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
