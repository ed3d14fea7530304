"""CORS for the signed local-storage URLs, so a browser can PUT an upload or fetch a download
from another origin (an S3-compatible store does this with its bucket CORS rules).

Only these routes: they are authorised by the signature in the URL, never by cookies, so any
origin may call them (`*`, no credentials). The rest of the API sends no CORS headers.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from framelane.api.middleware import header

SIGNED_PREFIXES = ("/v1/uploads/put/", "/v1/files/")
ALLOWED_METHODS = b"GET, HEAD, PUT"
EXPOSED_HEADERS = b"content-length, content-type, etag, x-request-id"
PREFLIGHT_MAX_AGE = b"3600"


class SignedUrlCorsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(SIGNED_PREFIXES):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and header(scope, b"access-control-request-method"):
            await self._preflight(scope, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"access-control-allow-origin", b"*"),
                    (b"access-control-expose-headers", EXPOSED_HEADERS),
                ]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, scope: Scope, send: Send) -> None:
        requested = (header(scope, b"access-control-request-headers") or "").encode("latin-1")
        headers = [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-allow-methods", ALLOWED_METHODS),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE),
            (b"vary", b"access-control-request-headers"),
        ]
        if requested:
            headers.append((b"access-control-allow-headers", requested))
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
