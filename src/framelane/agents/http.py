"""`/mcp` on the API: Streamable HTTP, authenticated with the caller's `fl_live_` key.

The tools call the API in-process (an httpx ASGI transport over the same app) with the
caller's key, so they share its validation, quotas, rate limits and workspace scoping.
Stateless mode: any API process can answer any request (no session affinity needed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import APIRouter
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.streamable_http_manager import (
    StreamableHTTPASGIApp,
    StreamableHTTPSessionManager,
)
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from framelane.agents.tools import build_server
from framelane.client import AsyncFramelane

MCP_PATH = "/mcp"
IN_PROCESS_URL = "http://framelane.internal"
CHECK_PATH = "/v1/workspace"
MISSING_KEY = (
    b'{"error":{"code":"unauthorized","message":"Missing Authorization: Bearer key.",'
    b'"details":null}}'
)
STARTING = b'{"error":{"code":"unavailable","message":"MCP is starting.","details":null}}'


def in_process_client(app: ASGIApp, api_key: str | None) -> AsyncFramelane:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 0))
    return AsyncFramelane(api_key, base_url=IN_PROCESS_URL, transport=transport)


def caller_key(headers: Any) -> str | None:
    value = (headers or {}).get("authorization") or ""
    scheme, _, key = value.partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


async def refuse(send: Send, status: int, body: bytes) -> None:
    """An error answer in the API's envelope; a 401 asks for a Bearer key."""
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="framelane"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class KeyGate:
    """Refuses `/mcp` requests without a key the API accepts (the API's own 401/403 answer,
    with `WWW-Authenticate: Bearer`), before any MCP processing."""

    def __init__(self, inner: ASGIApp, api: Callable[[], ASGIApp | None]) -> None:
        self.inner = inner
        self.api = api  # the running app, known once its lifespan started

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        key = caller_key(headers)
        if key is None:
            await refuse(send, 401, MISSING_KEY)
            return
        app = self.api()
        if app is None:
            await refuse(send, 503, STARTING)
            return
        async with in_process_client(app, key) as fl:
            answer = await fl.http.get(CHECK_PATH, headers={"Authorization": f"Bearer {key}"})
        if answer.status_code != 200:
            await refuse(send, answer.status_code, answer.content)
            return
        await self.inner(scope, receive, send)


class McpEndpoint:
    """The Streamable HTTP endpoint of `server`, with a fresh session manager for each run of
    the app's lifespan (a manager runs only once; tests start one app several times)."""

    def __init__(self, server: MCPServer) -> None:
        self.server = server
        self.manager: StreamableHTTPSessionManager | None = None

    def fresh_manager(self) -> StreamableHTTPSessionManager:
        self.server.streamable_http_app(
            streamable_http_path=MCP_PATH,
            stateless_http=True,
            # Bearer keys, not cookies, authenticate: DNS rebinding gains an attacker nothing.
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        self.manager = self.server.session_manager
        return self.manager

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.manager is None:
            await refuse(send, 503, STARTING)
            return
        await StreamableHTTPASGIApp(self.manager)(scope, receive, send)


def mcp_router() -> APIRouter:
    """`/mcp` as a router with its own lifespan (FastAPI merges it into the app's): a session
    manager runs while the app does, and the tools call that same app in-process."""
    running: dict[str, ASGIApp] = {}

    def connect(ctx: Context | None) -> AsyncFramelane:
        return in_process_client(running["app"], caller_key(ctx.headers if ctx else None))

    endpoint = McpEndpoint(build_server(connect))

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        running["app"] = app
        async with endpoint.fresh_manager().run():
            yield
        endpoint.manager = None
        running.pop("app", None)

    router = APIRouter(lifespan=lifespan)
    gate = KeyGate(endpoint, lambda: running.get("app"))
    router.routes.append(Route(MCP_PATH, endpoint=gate, methods=["GET", "POST", "DELETE"]))
    return router
