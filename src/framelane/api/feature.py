"""What the system probes plug in: `/healthz`, `/readyz`, `/version`, `/metrics`, and the
database readiness check."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = ()


def feature() -> Feature:
    from framelane.api import system

    return Feature(
        name="system",
        routers=(system.router,),
        readiness_checks={"database": system.check_database},
        commands=COMMANDS,
    )
