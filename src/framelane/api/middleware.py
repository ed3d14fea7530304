"""Pure-ASGI middleware: request ids, access logs, metrics and the request-body size guard."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from framelane.core.errors import FramelaneError
from framelane.core.logging import request_id_var

log = logging.getLogger("framelane.access")

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
STREAMING_PREFIXES = ("/v1/uploads/",)

REQUESTS = Counter("framelane_http_requests_total", "HTTP requests", ["method", "status"])
LATENCY = Histogram("framelane_http_request_seconds", "HTTP request latency", ["method"])


class PayloadTooLarge(FramelaneError):
    """Raised when a request body is larger than the configured limit."""

    code = "payload_too_large"
    status_code = 413


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def envelope_bytes(code: str, message: str, details: Any, path: str) -> bytes:
    import json

    if path.startswith("/api/v1"):
        return json.dumps({"error": message}).encode()
    return json.dumps({"error": {"code": code, "message": message, "details": details}}).encode()


async def send_error(
    send: Send,
    scope: Scope,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = envelope_bytes(code, message, details, scope.get("path", ""))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestContextMiddleware:
    """Gives every request an id, logs it as one JSON line and guards the body size."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = header(scope, b"x-request-id")
        request_id = (
            incoming
            if incoming and REQUEST_ID_PATTERN.match(incoming)
            else (f"req_{uuid.uuid4().hex}")
        )
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started, status = time.perf_counter(), 500
        try:
            if self._declared_too_large(scope):
                status = 413
                await send_error(
                    send,
                    scope,
                    413,
                    "payload_too_large",
                    f"The request body exceeds {self.max_body_bytes} bytes.",
                )
                return

            async def send_with_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message.setdefault("headers", [])
                    message["headers"] = [
                        *message["headers"],
                        (b"x-request-id", request_id.encode()),
                    ]
                await send(message)

            await self.app(scope, self._guarded_receive(scope, receive), send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            REQUESTS.labels(scope["method"], str(status)).inc()
            LATENCY.labels(scope["method"]).observe(elapsed)
            log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                    "client": client_ip(scope),
                },
            )
            request_id_var.reset(token)

    def _is_streaming(self, scope: Scope) -> bool:
        return str(scope["path"]).startswith(STREAMING_PREFIXES)

    def _declared_too_large(self, scope: Scope) -> bool:
        if self._is_streaming(scope):
            return False
        length = header(scope, b"content-length")
        return length is not None and length.isdigit() and int(length) > self.max_body_bytes

    def _guarded_receive(self, scope: Scope, receive: Receive) -> Receive:
        if self._is_streaming(scope):
            return receive
        received = 0
        limit = self.max_body_bytes

        async def guarded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(f"The request body exceeds {limit} bytes.")
            return message

        return guarded
