"""What the job machinery itself plugs in: the queue's readiness check, and cancelling a
deleted workspace's jobs. (Its consumers are started by the entry points, with the runners of
every feature: `framelane serve` and `framelane worker`.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from framelane.kit.feature import CommandRegistrar, Feature

if TYPE_CHECKING:
    from fastapi import Request

COMMANDS: tuple[CommandRegistrar, ...] = ()


def check_queue(request: Request) -> None:
    from framelane.jobs.queue import queue_for

    queue_for(request.app.state.settings).check()


def feature() -> Feature:
    from framelane.jobs.service import cancel_workspace_jobs

    return Feature(
        name="jobs",
        readiness_checks={"queue": check_queue},
        deletion_hooks=(cancel_workspace_jobs,),
        commands=COMMANDS,
    )
