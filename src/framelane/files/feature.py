"""What the files feature plugs in: `GET /v1/files/…`, the storage check, object deletion."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = ()


def feature() -> Feature:
    from framelane.files import endpoints

    return Feature(
        name="files",
        routers=(endpoints.router,),
        readiness_checks={"storage": endpoints.check_storage},
        deletion_hooks=(endpoints.delete_workspace_objects,),
        commands=COMMANDS,
    )
