"""`framelane mcp`: the MCP server over stdio for a local agent."""

from __future__ import annotations

import argparse
from typing import TypeAlias

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def register(subparsers: Subparsers) -> None:
    mcp = subparsers.add_parser(
        "mcp", help="serve the MCP tools over stdio (FRAMELANE_API_URL, FRAMELANE_API_KEY)"
    )
    mcp.set_defaults(func=cmd_mcp)


def cmd_mcp(_args: argparse.Namespace) -> int:
    from framelane.agents.stdio import serve_stdio

    serve_stdio()
    return 0
