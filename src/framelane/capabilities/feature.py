"""What the capabilities feature plugs in: `GET /v1/capabilities`."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = ()


def feature() -> Feature:
    from framelane.capabilities import endpoints

    return Feature(name="capabilities", routers=(endpoints.router,), commands=COMMANDS)
