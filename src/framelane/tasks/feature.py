"""What the AI tasks feature plugs in: `/v1/tasks` and one runner per task type."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = ()


def feature() -> Feature:
    from framelane.tasks import actors, endpoints

    return Feature(
        name="tasks",
        routers=(endpoints.router,),
        runners=actors.task_runners(),
        commands=COMMANDS,
    )
