"""What the identity feature plugs in: signup, login and API keys over HTTP, and a deleted
workspace's keys dropped from the cache reads trust."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = ()


def feature() -> Feature:
    from framelane.identity import endpoints, key_cache

    return Feature(
        name="identity",
        routers=(endpoints.router,),
        deletion_hooks=(key_cache.forget_deleted_workspace,),
        commands=COMMANDS,
    )
