"""What the renders feature plugs in: `/v1/renders` and `/v1/preview`, and the engine's
`framelane render` command (a local render of a JSON file). Its one-piece `render` runner
(`actors.run_render`) is run by the chunking feature's, which splits long renders."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature
from framelane.render import cli

COMMANDS: tuple[CommandRegistrar, ...] = (cli.register,)


def feature() -> Feature:
    from framelane.renders import endpoints

    return Feature(
        name="renders",
        routers=(endpoints.router,),
        # The `render` runner is the chunking feature's: it splits long renders and renders
        # every other one in one piece with `actors.run_render`.
        commands=COMMANDS,
    )
