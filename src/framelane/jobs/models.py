"""The `jobs` table: the truth about every render and task, whatever the queue says."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from framelane.db.base import Base, Timestamped, UTCDateTime, id_column

KINDS = ("render", "task")
STATUSES = ("ingesting", "queued", "processing", "completed", "failed", "cancelled")
ACTIVE_STATUSES = ("ingesting", "queued", "processing")
TERMINAL_STATUSES = ("completed", "failed", "cancelled")
STAGES = ("downloading", "compositing", "encoding", "uploading")


class Job(Timestamped, Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_ws_kind_status", "workspace_id", "kind", "status"),
        Index("ix_jobs_status_lease", "status", "lease_expires_at"),
    )

    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    task_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    request: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column(
        "metadata", JSON, nullable=False, default=dict
    )
    webhook_url: Mapped[str | None] = mapped_column(String(2083), nullable=True)
    warnings: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    progress_percent: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    progress_stage: Mapped[str | None] = mapped_column(String(16), nullable=True)
    output: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    artifact_keys: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    estimated_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    worker_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    progress_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    artifacts_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES
