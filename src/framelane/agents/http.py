"""`/mcp` on the API: Streamable HTTP, authenticated with the caller's `fl_live_` key.

The tools call the API in-process (an httpx ASGI transport over the same app) with the
caller's key, so they share its validation, quotas, rate limits and workspace scoping.
Stateless mode: any API process can answer any request (no session affinity needed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from mcp.server.mcpserver import Context
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from framelane.agents.tools import build_server
from framelane.client import AsyncFramelane

MCP_PATH = "/mcp"
IN_PROCESS_URL = "http://framelane.internal"
CHECK_PATH = "/v1/workspace"


def in_process_client(app: ASGIApp, api_key: str | None) -> AsyncFramelane:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 0))
    return AsyncFramelane(api_key, base_url=IN_PROCESS_URL, transport=transport, max_retries=0)


def caller_key(headers: Any) -> str | None:
    value = (headers or {}).get("authorization") or ""
    scheme, _, key = value.partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


class KeyGate:
    """Refuses `/mcp` requests without a key the API accepts (the API's own 401/403 answer,
    with `WWW-Authenticate: Bearer`), before any MCP processing."""

    def __init__(self, inner: ASGIApp, api: ASGIApp) -> None:
        self.inner = inner
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        key = caller_key(headers)
        if key is None:
            await self.refuse(
                send,
                401,
                b'{"error":{"code":"unauthorized","message":'
                b'"Missing Authorization: Bearer key.","details":null}}',
            )
            return
        async with in_process_client(self.api, key) as fl:
            answer = await fl.http.get(CHECK_PATH, headers={"Authorization": f"Bearer {key}"})
        if answer.status_code != 200:
            await self.refuse(send, answer.status_code, answer.content)
            return
        await self.inner(scope, receive, send)

    @staticmethod
    async def refuse(send: Send, status: int, body: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"www-authenticate", b'Bearer realm="framelane"'),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def mount_mcp(app: FastAPI) -> None:
    """Serve MCP at `/mcp` and run its session manager with the app's lifespan."""

    def connect(ctx: Context | None) -> AsyncFramelane:
        return in_process_client(app, caller_key(ctx.headers if ctx is not None else None))

    server = build_server(connect)
    server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        # Bearer keys, not cookies, authenticate: DNS rebinding gains an attacker nothing.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    manager = server.session_manager
    endpoint = KeyGate(StreamableHTTPASGIApp(manager), app)
    app.router.routes.append(Route(MCP_PATH, endpoint=endpoint, methods=["GET", "POST", "DELETE"]))
    app.router.lifespan_context = with_session_manager(app.router.lifespan_context, manager)


def with_session_manager(lifespan: Any, manager: Any) -> Any:
    @asynccontextmanager
    async def lifespan_with_mcp(app: Any) -> AsyncIterator[Any]:
        async with manager.run(), lifespan(app) as state:
            yield state

    return lifespan_with_mcp
