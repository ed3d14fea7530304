"""What the workspaces feature plugs in: `/v1/workspace` (rename, usage, delete)."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = ()


def feature() -> Feature:
    from framelane.workspaces import endpoints

    return Feature(name="workspaces", routers=(endpoints.router,), commands=COMMANDS)
