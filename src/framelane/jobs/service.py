"""Job rules shared by every job kind (renders and AI tasks).

Adding a new job kind or task type:
1. Write a runner `fn(ctx: RunContext) -> RunResult` (see `framelane.kit.running`): read
   `ctx.request`, work inside `ctx.workdir`, call `ctx.on_progress(stage, percent)` and check
   `ctx.should_cancel()` between units of work, return the local artifact path.
2. Declare it in your feature: `Feature(runners={"<kind or task_type>": fn})` (`feature.py`).
3. In your endpoints call `create_job(session, ctx, settings=…, kind=…, task_type=…, request=…)`
   then `get_job`, `list_jobs`, `cancel_job`, `download_redirect`, `wait_for_job` with the same
   `kind`; answer with `job_out(...)` (`framelane.jobs.schemas.JobOut`).
Uploading the artifact, leases, retries after a lost worker, cancellation, events
(`<kind>.processing|progress|completed|failed|cancelled`), usage and quotas come for free.
A job that must wait (e.g. for an upload probe) is held back by a gate the feature declares
(`Feature.readiness_gates`); background work that must also run in `framelane worker`
processes is a `Feature.worker_services` entry.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import anyio
from sqlalchemy.orm import Session

from framelane.core.errors import Conflict, NotFound, ValidationFailed
from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import sessionmaker_for
from framelane.db.unit_of_work import after_commit
from framelane.jobs import queue, quotas, states
from framelane.jobs.models import TERMINAL_STATUSES, Job
from framelane.jobs.repository import JobRepository
from framelane.kit.context import WorkspaceContext
from framelane.kit.feature import ReadinessGate
from framelane.kit.pagination import PageParams, paginate
from framelane.storage.factory import storage_for
from framelane.usage.repository import UsageRepository

MAX_WAIT_SECONDS = 30
WAIT_POLL_SECONDS = 0.2


class JobNotCancellable(Conflict):
    """Raised when a DELETE targets a job that already reached a terminal status."""

    code = "job_not_cancellable"


class JobNotCompleted(Conflict):
    """Raised when the artifact of a job that has not completed is requested."""

    code = "job_not_completed"


class ArtifactExpired(NotFound):
    """Raised when the artifact was removed after the retention period."""

    code = "artifact_expired"


def is_ready(session: Session, gates: Sequence[ReadinessGate], job: Job) -> bool:
    """A queued job runs only once every gate returns True; otherwise it is re-enqueued."""
    return all(gate(session, job) for gate in gates)


def create_job(
    session: Session,
    ctx: WorkspaceContext,
    *,
    settings: Settings,
    kind: str,
    task_type: str | None,
    request: dict[str, Any],
    metadata: dict[str, Any] | None = None,
    webhook_url: str | None = None,
    warnings: Sequence[Any] = (),
    estimated_seconds: float = 0.0,
    ingest_external: bool = False,
    can_ingest_external: bool = False,
    quota_checked: bool = False,
) -> Job:
    """Check the quotas, insert the job and enqueue it once the transaction commits.
    `can_ingest_external`: a feature of this process copies external sources (the
    `ingesting` step). `quota_checked`: the caller already checked the quotas for a group of
    jobs as a whole (a batch render), so this job is not checked on its own."""
    if ingest_external and not can_ingest_external:
        raise ValidationFailed(
            "ingest_external is not available on this server yet.",
            code="capability_unsupported",
            details=[
                {
                    "loc": ["ingest_external"],
                    "msg": "not supported yet",
                    "type": "capability_unsupported",
                }
            ],
        )
    if not quota_checked:
        quotas.check_submission(session, settings, ctx.workspace, kind, estimated_seconds)
    now = utcnow()
    job = JobRepository.from_session(session).add(
        Job(
            id=new_id(kind),
            kind=kind,
            task_type=task_type,
            workspace_id=ctx.id,
            status="ingesting" if ingest_external else "queued",
            request=request,
            metadata_=dict(metadata or {}),
            webhook_url=webhook_url,
            warnings=list(warnings),
            estimated_seconds=estimated_seconds,
            enqueued_at=now,
            created_at=now,
            updated_at=now,
            progress_percent=0.0,
            attempts=0,
            cancel_requested=False,
            artifact_keys=[],
        )
    )
    after_commit(session, lambda: queue.enqueue(settings, job.id))
    return job


def get_job(session: Session, ctx: WorkspaceContext, job_id: str, kind: str) -> Job:
    job = JobRepository.from_session(session).get_owned(ctx.id, job_id, kind)
    if job is None:
        raise NotFound(f"No {kind} {job_id!r} in this workspace.")
    return job


def get_request(session: Session, ctx: WorkspaceContext, job_id: str, kind: str) -> dict[str, Any]:
    """The body a job was submitted with (404 for another workspace's job)."""
    request = JobRepository.from_session(session).owned_request(ctx.id, job_id, kind)
    if request is None:
        raise NotFound(f"No {kind} {job_id!r} in this workspace.")
    return request


def list_jobs(
    session: Session,
    ctx: WorkspaceContext,
    kind: str,
    params: PageParams,
    *,
    status: str | None = None,
    task_type: str | None = None,
) -> tuple[Sequence[Job], str | None, bool]:
    stmt = JobRepository.from_session(session).list_statement(
        ctx.id, kind, status=status, task_type=task_type
    )
    return paginate(session, stmt, Job.id, params)


def cancel_job(
    session: Session, settings: Settings, ctx: WorkspaceContext, job_id: str, kind: str
) -> Job:
    """Cancel an ingesting, queued or processing job; the worker stops within 2 s."""
    job = get_job(session, ctx, job_id, kind)
    cancelled = states.move(
        session, settings, job.id, "cancelled", values={"cancel_requested": True}
    )
    if cancelled is None:
        current = get_job(session, ctx, job_id, kind)
        raise JobNotCancellable(
            f"The {kind} is already {current.status}.", details={"status": current.status}
        )
    return cancelled


def cancel_workspace_jobs(session: Session, settings: Settings, workspace_id: str) -> None:
    """Workspace deletion hook: in-flight jobs are cancelled before the rows go."""
    for job in JobRepository.from_session(session).active_of_workspace(workspace_id):
        states.move(session, settings, job.id, "cancelled", values={"cancel_requested": True})


def download_redirect(
    session: Session, settings: Settings, ctx: WorkspaceContext, job_id: str, kind: str
) -> str:
    """A fresh signed URL of the artifact; the bytes count as egress."""
    job = get_job(session, ctx, job_id, kind)
    if job.status != "completed" or not job.output:
        raise JobNotCompleted(
            f"The {kind} is {job.status}; the artifact exists once it is completed.",
            details={"status": job.status},
        )
    if job.artifacts_purged_at is not None or not job.output.get("key"):
        raise ArtifactExpired("The artifact was removed after the retention period.")
    UsageRepository.from_session(session).record(
        job.workspace_id, "egress_bytes", float(job.output.get("size_bytes") or 0), job.id
    )
    return storage_for(settings).presign_get(
        job.output["key"], settings.download_url_ttl_seconds, job.output.get("filename")
    )


def load_detached(settings: Settings, workspace_id: str, job_id: str, kind: str) -> Job | None:
    """Read the job in its own short transaction (so a long wait holds no locks)."""
    with sessionmaker_for(settings.resolved_database_url)() as session:
        job = JobRepository.from_session(session).get_owned(workspace_id, job_id, kind)
        if job is not None:
            session.expunge(job)
        return job


async def wait_for_job(
    settings: Settings, workspace_id: str, job_id: str, kind: str, seconds: float
) -> Job | None:
    """Long-poll: the job once terminal, or as it is after `seconds` (at most 30)."""
    deadline = time.monotonic() + min(max(seconds, 0.0), MAX_WAIT_SECONDS)
    while True:
        job = await anyio.to_thread.run_sync(load_detached, settings, workspace_id, job_id, kind)
        remaining = deadline - time.monotonic()
        if job is None or job.status in TERMINAL_STATUSES or remaining <= 0:
            return job
        await anyio.sleep(min(WAIT_POLL_SECONDS, remaining))
