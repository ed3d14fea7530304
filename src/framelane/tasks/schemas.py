"""Schemas of `/v1/tasks` (the Job itself is `framelane.jobs.JobOut`; each task's own parameters
are the operation's `Params` model in `framelane.tasks.operations`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

TaskType = Literal["remove_background", "gaze_redirect", "super_resolution", "transcribe"]
DownloadFormat = Literal["srt", "vtt"]

EXTRA_CONTENT_TYPES: dict[str, str] = {
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
}


class TaskCommon(BaseModel):
    """The fields every task body has besides its own parameters."""

    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, Any] | None = Field(
        None,
        description="Your key/value pairs, echoed on every response and webhook.",
        examples=[{"order": "42"}],
    )
    webhook_url: str | None = Field(
        None,
        min_length=1,
        max_length=2083,
        description="Receives this task's events instead of the workspace webhooks.",
    )
