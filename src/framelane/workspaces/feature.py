"""What the workspaces feature plugs in: `/v1/workspace` (rename, usage, delete) and
`/v1/billing/portal`."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = ()


def feature() -> Feature:
    from framelane.workspaces import endpoints

    return Feature(
        name="workspaces",
        routers=(endpoints.router, endpoints.billing_router),
        commands=COMMANDS,
    )
