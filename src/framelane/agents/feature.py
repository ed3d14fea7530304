"""What the agents feature plugs in: the MCP server at `/mcp` (a router with its own
lifespan), `GET /v1/schema/render.json`, `/llms.txt`, `/llms-full.txt`, and the remote command
line (`framelane submit|validate|task|jobs|mcp`)."""

from __future__ import annotations

from framelane.agents import cli as mcp_command
from framelane.client import cli as remote_commands
from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = (remote_commands.register, mcp_command.register)


def feature() -> Feature:
    from framelane.agents.endpoints import router
    from framelane.agents.http import mcp_router

    return Feature(name="agents", routers=(router, mcp_router()), commands=COMMANDS)
