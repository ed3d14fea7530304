"""What the agents feature plugs into the service: the schema and llms.txt routes, the
remote CLI commands (and `framelane mcp`). `/mcp` itself is an ASGI mount with a lifespan,
added by `framelane.agents.http.mount_mcp(app)`."""

from __future__ import annotations

from framelane.agents.endpoints import router
from framelane.client.cli import register
from framelane.kit.feature import Feature

FEATURE = Feature(name="agents", routers=(router,), commands=(register,))
