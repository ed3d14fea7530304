"""Parts of a job: units of one job's work that any worker may take from the queue (the parts
of a render split in time). A part message carries (part kind, job id, part id); the feature
that made the parts keeps their state and leases in its own table and declares the runner of
its part kind (`Feature.part_runners`)."""

from __future__ import annotations

import logging

from framelane.core.settings import Settings
from framelane.kit.wiring import Wiring

log = logging.getLogger("framelane.jobs.parts")


def execute_part(settings: Settings, wiring: Wiring, kind: str, job_id: str, part_id: str) -> None:
    """The queue task: run the part with its kind's runner (an unknown kind is dropped)."""
    runner = wiring.part_runners.get(kind)
    if runner is None:
        log.error("no runner for part kind", extra={"kind": kind, "job_id": job_id})
        return
    runner(settings, job_id, part_id)


def enqueue_part(settings: Settings, kind: str, job_id: str, part_id: str) -> None:
    """Queue one part; a lost message is harmless (the owner of the parts re-enqueues or runs
    a part nobody holds)."""
    from framelane.jobs.queue import queue_for

    try:
        queue_for(settings).enqueue_part(kind, job_id, part_id)
    except Exception:  # the queue may be down: the job's own worker takes free parts itself
        log.exception("part enqueue failed", extra={"job_id": job_id, "part_id": part_id})
