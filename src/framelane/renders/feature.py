"""What the renders feature plugs in: `/v1/renders` and `/v1/preview`, the `render` job runner,
and the engine's `framelane render` command (a local render of a JSON file)."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature
from framelane.render import cli

COMMANDS: tuple[CommandRegistrar, ...] = (cli.register,)


def feature() -> Feature:
    from framelane.renders import actors, endpoints

    return Feature(
        name="renders",
        routers=(endpoints.router,),
        runners={"render": actors.run_render},
        commands=COMMANDS,
    )
