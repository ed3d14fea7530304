"""What the design-token feature plugs in: its API under `/api/v1`, brand tokens resolved in
render requests, and `framelane admin create-token|set-token-plan`."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = ()


def feature() -> Feature:
    from framelane.tokens import render_tokens, routes

    return Feature(
        name="tokens",
        routers=(routes.router,),
        render_preprocessors=(render_tokens.brand_tokens,),
        commands=COMMANDS,
    )
