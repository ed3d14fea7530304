"""Every query on `chunk_plans` and `render_chunks`. Each move of a part is a conditional
UPDATE, so two workers, the job's own worker and a cancel race without a part counting twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from framelane.chunking.models import ChunkPlan, RenderChunk
from framelane.db.base import utcnow


@dataclass(frozen=True, slots=True)
class PartSpec:
    kind: str
    position: int
    frames: range


def part_id(job_id: str, kind: str, position: int) -> str:
    return f"{job_id}-{kind[0]}{position}"


@dataclass(slots=True)
class ChunkRepository:
    session: Session

    @classmethod
    def from_session(cls, session: Session) -> ChunkRepository:
        return cls(session)

    def plan(self, job_id: str) -> ChunkPlan | None:
        return self.session.get(ChunkPlan, job_id, populate_existing=True)

    def create_plan(
        self, job_id: str, parts: Sequence[PartSpec], frame_count: int, has_audio: bool
    ) -> None:
        now = utcnow()
        self.session.add(
            ChunkPlan(
                job_id=job_id,
                video_parts=sum(1 for part in parts if part.kind == "video"),
                has_audio=has_audio,
                frame_count=frame_count,
                remaining=len(parts),
                files_removed=False,
                created_at=now,
                updated_at=now,
            )
        )
        for part in parts:
            self.session.add(
                RenderChunk(
                    id=part_id(job_id, part.kind, part.position),
                    job_id=job_id,
                    kind=part.kind,
                    position=part.position,
                    frame_start=part.frames.start,
                    frame_stop=part.frames.stop,
                    status="pending",
                    attempts=0,
                    frames_done=0,
                    created_at=now,
                    updated_at=now,
                )
            )
        self.session.flush()

    def drop_plan(self, job_id: str) -> None:
        self.session.execute(delete(RenderChunk).where(RenderChunk.job_id == job_id))
        self.session.execute(delete(ChunkPlan).where(ChunkPlan.job_id == job_id))

    def parts(self, job_id: str) -> Sequence[RenderChunk]:
        return self.session.scalars(
            select(RenderChunk)
            .where(RenderChunk.job_id == job_id)
            .order_by(RenderChunk.kind.desc(), RenderChunk.position)
            .execution_options(populate_existing=True)
        ).all()

    def get(self, chunk_id: str) -> RenderChunk | None:
        return self.session.get(RenderChunk, chunk_id, populate_existing=True)

    def claim(self, chunk_id: str, worker_id: str, now: datetime, lease_until: datetime) -> bool:
        """Take a part nobody holds: pending, or running under a lease that expired (its
        worker died). The attempt count says how often it was started."""
        stmt = (
            update(RenderChunk)
            .where(
                RenderChunk.id == chunk_id,
                or_(
                    RenderChunk.status == "pending",
                    and_(RenderChunk.status == "running", RenderChunk.lease_expires_at < now),
                ),
            )
            .values(
                status="running",
                attempts=RenderChunk.attempts + 1,
                worker_id=worker_id,
                lease_expires_at=lease_until,
                frames_done=0,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(self.session.execute(stmt), "rowcount", 0))

    def free_parts(self, job_id: str, now: datetime) -> Sequence[RenderChunk]:
        """Parts of the job nobody holds, in order."""
        return self.session.scalars(
            select(RenderChunk)
            .where(
                RenderChunk.job_id == job_id,
                or_(
                    RenderChunk.status == "pending",
                    and_(RenderChunk.status == "running", RenderChunk.lease_expires_at < now),
                ),
            )
            .order_by(RenderChunk.kind.desc(), RenderChunk.position)
        ).all()

    def _held(self, chunk_id: str, attempt: int) -> Any:
        return and_(
            RenderChunk.id == chunk_id,
            RenderChunk.status == "running",
            RenderChunk.attempts == attempt,
        )

    def renew(self, chunk_id: str, attempt: int, until: datetime, frames_done: int) -> bool:
        stmt = (
            update(RenderChunk)
            .where(self._held(chunk_id, attempt))
            .values(lease_expires_at=until, frames_done=frames_done)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(self.session.execute(stmt), "rowcount", 0))

    def finish(self, chunk: RenderChunk, attempt: int, key: str) -> int | None:
        """Mark the part done and take it off the plan's count, in one transaction; the
        parts still to finish (0: this was the last), or None when the part was not ours."""
        done = self.session.execute(
            update(RenderChunk)
            .where(self._held(chunk.id, attempt))
            .values(
                status="done",
                storage_key=key,
                frames_done=chunk.frames,
                lease_expires_at=None,
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if not getattr(done, "rowcount", 0):
            return None
        self.session.execute(
            update(ChunkPlan)
            .where(ChunkPlan.job_id == chunk.job_id)
            .values(remaining=ChunkPlan.remaining - 1)
            .execution_options(synchronize_session=False)
        )
        plan = self.plan(chunk.job_id)
        return None if plan is None else plan.remaining

    def fail(self, chunk_id: str, attempt: int, error: dict[str, Any]) -> None:
        self.session.execute(
            update(RenderChunk)
            .where(self._held(chunk_id, attempt))
            .values(status="failed", error=error, lease_expires_at=None, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )

    def release(self, chunk_id: str, attempt: int) -> None:
        """A graceful stop: the part is free again, the attempt not spent."""
        self.session.execute(
            update(RenderChunk)
            .where(self._held(chunk_id, attempt))
            .values(
                status="pending",
                attempts=RenderChunk.attempts - 1,
                worker_id=None,
                lease_expires_at=None,
                frames_done=0,
            )
            .execution_options(synchronize_session=False)
        )

    def frames_done(self, job_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.coalesce(func.sum(RenderChunk.frames_done), 0)).where(
                    RenderChunk.job_id == job_id, RenderChunk.kind == "video"
                )
            )
            or 0
        )

    def mark_files_removed(self, job_id: str) -> None:
        self.session.execute(
            update(ChunkPlan)
            .where(ChunkPlan.job_id == job_id)
            .values(files_removed=True)
            .execution_options(synchronize_session=False)
        )

    def ended_with_files(self, limit: int = 100) -> Sequence[tuple[str, str]]:
        """(workspace id, job id) of ended jobs whose stored parts may still exist (their
        worker died before removing them)."""
        from framelane.jobs.models import TERMINAL_STATUSES, Job

        rows = self.session.execute(
            select(Job.workspace_id, Job.id)
            .join(ChunkPlan, ChunkPlan.job_id == Job.id)
            .where(Job.status.in_(TERMINAL_STATUSES), ChunkPlan.files_removed.is_(False))
            .limit(limit)
        ).all()
        return [(row[0], row[1]) for row in rows]
