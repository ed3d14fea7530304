"""What the console plugs in: its page, asset, starter and catalog-preview routes under
`/console` (and `/`). No runner, no background work."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = ()


def feature() -> Feature:
    from framelane.console import endpoints

    return Feature(name="console", routers=(endpoints.router,), commands=COMMANDS)
