"""What the renders feature plugs in: `/v1/renders` and `/v1/preview`, and the engine's
`framelane render` command (a local render of a JSON file), and the `render` runner, which
renders in one piece (the chunking feature wraps it to split long renders)."""

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
