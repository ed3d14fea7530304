"""The job state machine, in one place.

`ingesting → queued → processing → completed | failed | cancelled`; the reaper may put a
`processing` job whose worker died back to `queued`. Every move is a conditional UPDATE (the
job must still be in an allowed source state, and at the expected attempt when given), so two
workers, the reaper and a DELETE can race without a job ever finishing twice. Every status
change publishes `<kind>.<status>` in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from framelane.core.errors import FramelaneError
from framelane.core.events import DomainEvent, publish
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.unit_of_work import after_commit
from framelane.jobs import queue
from framelane.jobs.models import Job
from framelane.jobs.repository import JobRepository
from framelane.jobs.schemas import job_out
from framelane.storage.factory import storage_for

ALLOWED: dict[str, frozenset[str]] = {
    "ingesting": frozenset({"queued", "failed", "cancelled"}),
    "queued": frozenset({"processing", "failed", "cancelled"}),
    "processing": frozenset({"completed", "failed", "cancelled", "queued"}),
    "completed": frozenset(),
    "failed": frozenset(),
    "cancelled": frozenset(),
}
EVENT_STATUSES = frozenset({"processing", "completed", "failed", "cancelled"})


class InvalidTransition(FramelaneError):
    """Raised when code asks for a status change the state machine does not allow."""

    code = "invalid_transition"
    status_code = 409


def sources_of(target: str) -> tuple[str, ...]:
    return tuple(source for source, targets in ALLOWED.items() if target in targets)


def publish_job_event(session: Session, settings: Settings, job: Job, suffix: str) -> None:
    data = job_out(job, storage_for(settings), settings.download_url_ttl_seconds)
    publish(
        session,
        DomainEvent(
            type=f"{job.kind}.{suffix}",
            workspace_id=job.workspace_id,
            data=data.model_dump(mode="json"),
            metadata=dict(job.metadata_ or {}),
            webhook_url=job.webhook_url,
            subject_id=job.id,
        ),
    )


def move(
    session: Session,
    settings: Settings,
    job_id: str,
    target: str,
    *,
    attempt: int | None = None,
    values: dict[str, Any] | None = None,
) -> Job | None:
    """Move the job to `target` if allowed from its current status; None if it was not."""
    sources = sources_of(target)
    if not sources:
        raise InvalidTransition(f"No status may move to {target!r}.")
    now = utcnow()
    changes: dict[str, Any] = {"status": target, "updated_at": now, **(values or {})}
    if target in ("completed", "failed", "cancelled"):
        changes.setdefault("completed_at", now)
        changes.setdefault("lease_expires_at", None)
    repo = JobRepository.from_session(session)
    if not repo.transition(job_id, sources, changes, attempt=attempt):
        return None
    job = repo.get(job_id)
    assert job is not None
    if target in EVENT_STATUSES:
        publish_job_event(session, settings, job, target)
    if target in ("completed", "failed", "cancelled"):
        _start_next_of_workspace(session, settings, job.workspace_id)
    return job


def _start_next_of_workspace(session: Session, settings: Settings, workspace_id: str) -> None:
    """A job that ends frees a running slot of its workspace: its oldest waiting job (held
    back by the plan's concurrency limit) is enqueued again once this commits."""
    next_id = JobRepository.from_session(session).oldest_queued(workspace_id)
    if next_id is not None:
        after_commit(session, lambda: queue.enqueue(settings, next_id))


def failure(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message[:2000]}}
