"""`JobOut`: the one Job schema of renders and tasks (spec §4.3)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # the Python SDK imports these models without the database layer
    from framelane.jobs.models import Job
    from framelane.storage.base import Storage

JobStatus = Literal["ingesting", "queued", "processing", "completed", "failed", "cancelled"]
JobStage = Literal["downloading", "compositing", "encoding", "uploading"]


class JobOutput(BaseModel):
    model_config = ConfigDict(extra="allow")

    url: str | None = Field(None, description="Signed artifact URL, fresh on every read.")
    width: int | None = None
    height: int | None = None
    duration: float | None = Field(None, description="Seconds.")
    size_bytes: int | None = None
    content_type: str | None = None
    chunks: int | None = Field(
        None, description="Renders: parts it was rendered in, side by side (1: one piece)."
    )


class JobError(BaseModel):
    code: str = Field(examples=["source_not_found"])
    message: str


class JobOut(BaseModel):
    """A render job or AI task."""

    id: str = Field(examples=["render_01J8QR2K5VKDGN2T4FBM3CZYX7"])
    kind: Literal["render", "task"]
    workspace_id: str
    status: JobStatus
    task_type: str | None = None
    progress_percent: float = Field(0, ge=0, le=100)
    progress_stage: JobStage | None = None
    output: JobOutput | None = None
    error: JobError | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str | dict[str, Any]] = Field(
        default_factory=list,
        description="Request warnings {code, message, path} (unknown fields with a "
        "`suggestion`, doubtful units, shared ids, a padded canvas), then engine warnings "
        "{code, message}.",
    )
    attempts: int = 0
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None


# Keys of the stored `output` JSON that are never shown (the URL is signed on read instead).
PRIVATE_OUTPUT_KEYS = frozenset({"key", "filename", "extra_keys"})


def output_of(job: Job, storage: Storage | None, ttl_seconds: int) -> JobOutput | None:
    if job.output is None:
        return None
    stored = dict(job.output)
    key = stored.get("key")
    url = None
    if key and storage is not None and job.artifacts_purged_at is None:
        url = storage.presign_get(key, ttl_seconds, stored.get("filename"))
    public = {k: v for k, v in stored.items() if k not in PRIVATE_OUTPUT_KEYS}
    public["url"] = url
    return JobOutput.model_validate(public)


def job_out(job: Job, storage: Storage | None = None, ttl_seconds: int = 900) -> JobOut:
    return JobOut(
        id=job.id,
        kind=job.kind,
        workspace_id=job.workspace_id,  # type: ignore[arg-type]
        status=job.status,  # type: ignore[arg-type]
        task_type=job.task_type,
        progress_percent=round(job.progress_percent, 2),
        progress_stage=job.progress_stage,  # type: ignore[arg-type]
        output=output_of(job, storage, ttl_seconds),
        error=JobError.model_validate(job.error) if job.error else None,
        metadata=job.metadata_ or {},
        warnings=list(job.warnings or []),
        attempts=job.attempts,
        created_at=job.created_at,
        updated_at=job.updated_at,
        completed_at=job.completed_at,
    )
