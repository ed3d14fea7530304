"""`framelane mcp`: the same MCP server over stdio, acting on the API at FRAMELANE_API_URL with
FRAMELANE_API_KEY (a local agent runs it as a subprocess)."""

from __future__ import annotations

from mcp.server.mcpserver import Context

from framelane.agents.tools import build_server
from framelane.client import AsyncFramelane


def serve_stdio() -> None:
    def connect(_ctx: Context | None) -> AsyncFramelane:
        return AsyncFramelane()

    build_server(connect).run("stdio")
