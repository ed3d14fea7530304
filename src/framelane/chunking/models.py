"""A split render's plan (one row per render job) and its parts, each with its own lease."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from framelane.db.base import Base, Timestamped, UTCDateTime

PART_KINDS = ("video", "audio")
PART_STATUSES = ("pending", "running", "done", "failed")


class ChunkPlan(Timestamped, Base):
    """How a render job was split. `remaining` counts the parts not done yet: each part that
    finishes takes one off in the same transaction that marks it done, so exactly one finish
    brings it to zero and the assembly starts then."""

    __tablename__ = "chunk_plans"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    video_parts: Mapped[int] = mapped_column(Integer, nullable=False)
    has_audio: Mapped[bool] = mapped_column(Boolean, nullable=False)
    frame_count: Mapped[int] = mapped_column(Integer, nullable=False)
    remaining: Mapped[int] = mapped_column(Integer, nullable=False)
    files_removed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    """The stored parts were removed (after the join, a failure or a cancel)."""


class RenderChunk(Timestamped, Base):
    """One part: frames [frame_start, frame_stop) as video, or the whole audio track."""

    __tablename__ = "render_chunks"
    __table_args__ = (
        Index("ix_render_chunks_job", "job_id", "kind", "position"),
        Index("ix_render_chunks_status_lease", "status", "lease_expires_at"),
    )

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    frame_start: Mapped[int] = mapped_column(Integer, nullable=False)
    frame_stop: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    worker_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    frames_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    storage_key: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    @property
    def frames(self) -> int:
        return self.frame_stop - self.frame_start
