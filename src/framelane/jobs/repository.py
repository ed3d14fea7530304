"""Every query on `jobs`. Conditional UPDATEs make each transition race-free across workers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, defer

from framelane.identity.models import Workspace
from framelane.jobs.models import ACTIVE_STATUSES, TERMINAL_STATUSES, Job

# `updated_at` is the time of the last status change (spec §4.3): leases, progress and
# re-enqueues keep it (the column's ORM `onupdate` would otherwise bump it).
KEEP_UPDATED_AT: dict[str, Any] = {"updated_at": Job.updated_at}


# The polled read, built once (SQLAlchemy then reuses its compiled form at half the cost of
# `session.get` with options); the (possibly large) request body stays unloaded.
OWNED_JOB = (
    select(Job)
    .where(Job.id == bindparam("job_id"))
    .options(defer(Job.request, raiseload=True))
    .execution_options(populate_existing=True)
)


@dataclass(slots=True)
class JobRepository:
    session: Session

    @classmethod
    def from_session(cls, session: Session) -> JobRepository:
        return cls(session)

    def add(self, job: Job) -> Job:
        self.session.add(job)
        self.session.flush()
        return job

    def get(self, job_id: str) -> Job | None:
        return self.session.get(Job, job_id, populate_existing=True)

    def control(self, job_id: str) -> tuple[str, bool, int] | None:
        """(status, cancel_requested, attempts): what a running job polls, cheaply."""
        row = self.session.execute(
            select(Job.status, Job.cancel_requested, Job.attempts).where(Job.id == job_id)
        ).first()
        return None if row is None else (row[0], bool(row[1]), int(row[2]))

    def get_owned(self, workspace_id: str, job_id: str, kind: str) -> Job | None:
        """For API reads: the (possibly large) request body is not loaded."""
        job = self.session.scalars(OWNED_JOB, {"job_id": job_id}).first()
        if job is None or job.workspace_id != workspace_id or job.kind != kind:
            return None
        return job

    def owned_request(self, workspace_id: str, job_id: str, kind: str) -> dict[str, Any] | None:
        """The stored request body of one of the workspace's jobs."""
        row = self.session.execute(
            select(Job.request).where(
                Job.id == job_id, Job.workspace_id == workspace_id, Job.kind == kind
            )
        ).first()
        return None if row is None else dict(row[0])

    def list_statement(
        self,
        workspace_id: str,
        kind: str,
        *,
        status: str | None = None,
        task_type: str | None = None,
    ) -> Select[Job]:
        stmt = (
            select(Job)
            .options(defer(Job.request, raiseload=True))
            .where(Job.workspace_id == workspace_id, Job.kind == kind)
        )
        if status is not None:
            stmt = stmt.where(Job.status == status)
        if task_type is not None:
            stmt = stmt.where(Job.task_type == task_type)
        return stmt

    def transition(
        self,
        job_id: str,
        sources: Iterable[str],
        values: dict[str, Any],
        *,
        attempt: int | None = None,
    ) -> bool:
        """Apply `values` only if the job is still in one of `sources` (and at `attempt`)."""
        stmt = update(Job).where(Job.id == job_id, Job.status.in_(tuple(sources)))
        if attempt is not None:
            stmt = stmt.where(Job.attempts == attempt)
        result = self.session.execute(
            stmt.values(**values).execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    def claim(self, job_id: str, worker_id: str, now: datetime, lease_until: datetime) -> bool:
        stmt = (
            update(Job)
            .where(Job.id == job_id, Job.status == "queued")
            .values(
                status="processing",
                attempts=Job.attempts + 1,
                worker_id=worker_id,
                lease_expires_at=lease_until,
                started_at=now,
                updated_at=now,
                progress_percent=0.0,
                progress_stage=None,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(self.session.execute(stmt), "rowcount", 0))

    def claim_ingest(
        self, job_id: str, worker_id: str, now: datetime, lease_until: datetime
    ) -> bool:
        """Take the `ingesting` step unless another live worker holds it."""
        stmt = (
            update(Job)
            .where(
                Job.id == job_id,
                Job.status == "ingesting",
                or_(Job.lease_expires_at.is_(None), Job.lease_expires_at < now),
            )
            .values(worker_id=worker_id, lease_expires_at=lease_until, **KEEP_UPDATED_AT)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(self.session.execute(stmt), "rowcount", 0))

    def renew_ingest(self, job_id: str, worker_id: str, until: datetime) -> bool:
        stmt = (
            update(Job)
            .where(Job.id == job_id, Job.status == "ingesting", Job.worker_id == worker_id)
            .values(lease_expires_at=until, **KEEP_UPDATED_AT)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(self.session.execute(stmt), "rowcount", 0))

    def release_expired_ingests(self, now: datetime) -> list[str]:
        """Ingests whose worker died: free them for another delivery; returns their ids."""
        ids = list(
            self.session.scalars(
                select(Job.id)
                .where(Job.status == "ingesting", Job.lease_expires_at < now)
                .limit(100)
            ).all()
        )
        if ids:
            self.session.execute(
                update(Job)
                .where(Job.id.in_(ids), Job.status == "ingesting", Job.lease_expires_at < now)
                .values(lease_expires_at=None, worker_id=None, enqueued_at=now, **KEEP_UPDATED_AT)
                .execution_options(synchronize_session=False)
            )
        return ids

    def renew_lease(self, job_id: str, attempt: int, until: datetime) -> bool:
        stmt = (
            update(Job)
            .where(
                Job.id == job_id,
                Job.status == "processing",
                Job.attempts == attempt,
                Job.cancel_requested.is_(False),
            )
            .values(lease_expires_at=until, **KEEP_UPDATED_AT)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(self.session.execute(stmt), "rowcount", 0))

    def set_progress(
        self, job_id: str, attempt: int, stage: str, percent: float, event_at: datetime | None
    ) -> bool:
        values: dict[str, Any] = {
            "progress_stage": stage,
            "progress_percent": percent,
            **KEEP_UPDATED_AT,
        }
        if event_at is not None:
            values["progress_event_at"] = event_at
        return self.transition(job_id, ("processing",), values, attempt=attempt)

    def expired_leases(self, now: datetime, limit: int = 100) -> Sequence[Job]:
        return self.session.scalars(
            select(Job).where(Job.status == "processing", Job.lease_expires_at < now).limit(limit)
        ).all()

    def stale_waiting(self, before: datetime, limit: int = 100) -> Sequence[Job]:
        """Queued or ingesting jobs nobody holds, enqueued before `before` (maybe lost)."""
        return self.session.scalars(
            select(Job)
            .where(
                Job.status.in_(("queued", "ingesting")),
                Job.lease_expires_at.is_(None),
                Job.enqueued_at < before,
            )
            .limit(limit)
        ).all()

    def mark_enqueued(self, job_ids: Sequence[str], now: datetime) -> None:
        if job_ids:
            self.session.execute(
                update(Job)
                .where(Job.id.in_(job_ids))
                .values(enqueued_at=now, **KEEP_UPDATED_AT)
                .execution_options(synchronize_session=False)
            )

    def lock_workspace(self, workspace_id: str) -> None:
        """Serialise submissions of one workspace until commit, so two requests cannot both
        take the last slot: a no-op UPDATE takes the row lock (PostgreSQL) or the write lock
        (SQLite) before anything is counted."""
        self.session.execute(
            update(Workspace)
            .where(Workspace.id == workspace_id)
            .values(updated_at=Workspace.updated_at)
            .execution_options(synchronize_session=False)
        )

    def active_count(self, workspace_id: str, kind: str | None = None) -> int:
        stmt = (
            select(func.count())
            .select_from(Job)
            .where(Job.workspace_id == workspace_id, Job.status.in_(ACTIVE_STATUSES))
        )
        if kind is not None:
            stmt = stmt.where(Job.kind == kind)
        return int(self.session.scalar(stmt) or 0)

    def waiting_count(self, workspace_id: str) -> int:
        """Jobs of the workspace not started yet (ingesting or queued)."""
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(Job)
                .where(Job.workspace_id == workspace_id, Job.status.in_(("ingesting", "queued")))
            )
            or 0
        )

    def processing_count(self, workspace_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(Job)
                .where(Job.workspace_id == workspace_id, Job.status == "processing")
            )
            or 0
        )

    def queued_of_less_served_workspaces(
        self, workspace_id: str, since: datetime, limit: int = 5
    ) -> Sequence[str]:
        """Queued jobs of other workspaces that started a job less recently than
        `workspace_id` since `since` (never counts as least), least served first, then
        oldest; none when `workspace_id` itself started none since then."""
        mine = self.session.scalar(
            select(func.max(Job.started_at)).where(
                Job.workspace_id == workspace_id, Job.started_at >= since
            )
        )
        if mine is None:
            return []  # this workspace has not been served in the window: it is its turn
        last = (
            select(Job.workspace_id.label("ws"), func.max(Job.started_at).label("last"))
            .where(Job.started_at >= since)
            .group_by(Job.workspace_id)
            .subquery()
        )
        return self.session.scalars(
            select(Job.id)
            .outerjoin(last, last.c.ws == Job.workspace_id)
            .where(
                Job.status == "queued",
                Job.workspace_id != workspace_id,
                or_(last.c.last.is_(None), last.c.last < mine),
            )
            .order_by(last.c.last.asc().nulls_first(), Job.enqueued_at, Job.id)
            .limit(limit)
        ).all()

    def oldest_queued(self, workspace_id: str) -> str | None:
        return self.session.scalar(
            select(Job.id)
            .where(Job.workspace_id == workspace_id, Job.status == "queued")
            .order_by(Job.enqueued_at, Job.id)
            .limit(1)
        )

    def active_estimated_seconds(self, workspace_id: str, kind: str) -> float:
        return float(
            self.session.scalar(
                select(func.coalesce(func.sum(Job.estimated_seconds), 0.0)).where(
                    Job.workspace_id == workspace_id,
                    Job.kind == kind,
                    Job.status.in_(ACTIVE_STATUSES),
                )
            )
            or 0.0
        )

    def active_of_workspace(self, workspace_id: str) -> Sequence[Job]:
        return self.session.scalars(
            select(Job).where(Job.workspace_id == workspace_id, Job.status.in_(ACTIVE_STATUSES))
        ).all()

    def with_artifacts_finished_before(self, cutoff: datetime, limit: int = 500) -> Sequence[Job]:
        return self.session.scalars(
            select(Job)
            .where(
                Job.status.in_(TERMINAL_STATUSES),
                Job.completed_at < cutoff,
                Job.artifacts_purged_at.is_(None),
            )
            .order_by(Job.completed_at)
            .limit(limit)
        ).all()
