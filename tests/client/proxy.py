"""A loopback HTTP proxy that forwards requests upstream and drops the connection without an
answer until the server has accepted one (a 2xx): a connection lost after the server acted, as
the client sees it. Later connections are relayed as they are."""

from __future__ import annotations

import socket
import threading
from typing import Any

import httpx


def read_request(conn: socket.socket) -> tuple[bytes, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("client closed")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        body += conn.recv(65536)
    return lines[0].encode(), headers, body


def pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class DroppingProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.host, port = upstream.removeprefix("http://").split(":")
        self.upstream_port = int(port)
        self.dropped: list[dict[str, Any]] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            if not any(200 <= seen["status"] < 300 for seen in self.dropped):
                self.forward_then_drop(conn)
            else:
                self.relay(conn)

    def forward_then_drop(self, conn: socket.socket) -> None:
        line, headers, body = read_request(conn)
        method, path, _ = line.decode().split(" ", 2)
        sent = {k: v for k, v in headers.items() if k not in {"host", "content-length"}}
        answer = httpx.request(method, self.upstream + path, headers=sent, content=body)
        self.dropped.append({"headers": headers, "status": answer.status_code})
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()  # a reset, no answer

    def relay(self, conn: socket.socket) -> None:
        upstream = socket.create_connection((self.host, self.upstream_port))
        threading.Thread(target=pipe, args=(conn, upstream), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, conn), daemon=True).start()

    def close(self) -> None:
        self.server.close()
