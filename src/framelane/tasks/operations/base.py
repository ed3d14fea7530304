"""The contract every AI operation implements, and the values it exchanges with the job runner.

A job runner downloads the source into `ctx.workdir`, validates the body with
`registry.validate_params`, then calls `operation.run(input_path, params, ctx)`. The operation
writes its output inside `ctx.workdir` and returns a `TaskResult`. Progress goes through
`ctx.on_progress(stage, percent)`; cancellation is polled through `ctx.should_cancel()` between
frames or chunks and surfaces as `TaskCancelled` (code `cancelled`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator

from framelane.core.errors import CapabilityUnsupported
from framelane.tasks.operations.errors import TaskCancelled

Stage = Literal["downloading", "compositing", "encoding", "uploading"]


@dataclass(frozen=True, slots=True)
class TaskLimits:
    """Sizes an operation refuses with `limit_exceeded` rather than risk the worker's memory or
    tie it up for hours. Super-resolution costs about 3 CPU-seconds per 512x512 input frame, so
    its video work is capped in input megapixel-frames (default: about 40 s of 640x360)."""

    max_image_pixels: int = 36_000_000
    max_video_pixels: int = 3840 * 2160
    max_output_image_pixels: int = 8192 * 8192
    max_output_video_pixels: int = 4096 * 2304
    max_duration_s: float = 600.0
    max_upscale_megapixel_frames: float = 250.0
    max_object_matte_frames: int = 3000  # U²-Net-p takes ~0.3-0.8 s a frame


def _never_cancelled() -> bool:
    return False


def _ignore_progress(stage: str, percent: float) -> None:
    return None


@dataclass(frozen=True, slots=True)
class TaskContext:
    """What the runner hands an operation: a private folder, a progress sink, a cancel probe."""

    workdir: Path
    on_progress: Callable[[str, float], None] = _ignore_progress
    should_cancel: Callable[[], bool] = _never_cancelled
    limits: TaskLimits = field(default_factory=TaskLimits)

    def raise_if_cancelled(self) -> None:
        """Raise `TaskCancelled` when the runner asked to stop."""
        if self.should_cancel():
            raise TaskCancelled("the task was cancelled")


@dataclass(frozen=True, slots=True)
class TaskResult:
    """The artifact an operation produced, plus side files such as `{"srt": …, "vtt": …}`."""

    output_path: Path
    content_type: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    extra_outputs: dict[str, Path] = field(default_factory=dict)


class ProgressMeter:
    """Turns work done into monotonic `(stage, percent)` reports, at most one per whole percent."""

    def __init__(self, ctx: TaskContext, stage: Stage = "compositing") -> None:
        self._ctx = ctx
        self._stage: Stage = stage
        self._last = -1.0

    def report(self, fraction: float, stage: Stage | None = None) -> None:
        """Report `fraction` (0–1) of the whole task; smaller values than before are ignored."""
        if stage is not None:
            self._stage = stage
        percent = round(min(max(fraction, 0.0), 1.0) * 100.0, 1)
        if percent >= self._last + 1.0 or (percent == 100.0 and self._last < 100.0):
            self._last = percent
            self._ctx.on_progress(self._stage, percent)

    def frame_done(
        self, index: int, total: int | None, start: float = 0.0, end: float = 0.95
    ) -> None:
        """Report frame `index` of `total`, mapped into the `[start, end]` part of the task."""
        if total:
            self.report(start + (end - start) * min((index + 1) / total, 1.0))


class TaskParams(BaseModel):
    """Fields every task body has besides the common `metadata` and `webhook_url`."""

    model_config = ConfigDict(extra="ignore")

    source_url: str = Field(
        min_length=1,
        max_length=2083,
        description="URL of the source media (http(s) or a Framelane upload URL).",
        examples=["https://example.com/clip.mp4"],
    )

    @field_validator("source_url")
    @classmethod
    def _must_be_absolute_url(cls, value: str) -> str:
        parsed = urlparse(value)
        if not parsed.scheme or not (parsed.netloc or parsed.path):
            raise ValueError("must be an absolute URL such as https://example.com/video.mp4")
        return value


ParamsT = TypeVar("ParamsT", bound=TaskParams)


def coerce_params(params: TaskParams | dict[str, Any], model: type[ParamsT]) -> ParamsT:
    """Return `params` as `model`, validating a plain dict on the way."""
    if isinstance(params, model):
        return params
    if isinstance(params, BaseModel):
        return model.model_validate(params.model_dump())
    return model.model_validate(params)


class TaskOperation(Protocol):
    """One AI operation: its names, its request model and the code that runs it."""

    @property
    def task_type(self) -> str:
        """Underscore name used in job rows and filters, e.g. `remove_background`."""
        ...

    @property
    def slug(self) -> str:
        """Hyphenated path segment, e.g. `remove-background`."""
        ...

    @property
    def Params(self) -> type[TaskParams]:
        """The Pydantic model of the request body (without `metadata` / `webhook_url`)."""
        ...

    def run(self, input_path: Path, params: TaskParams, ctx: TaskContext) -> TaskResult:
        """Process the downloaded source and write the output inside `ctx.workdir`."""
        ...

    def check_supported(self, params: TaskParams) -> None:
        """Raise `CapabilityUnsupported` (or a narrower 422) for options this build lacks."""
        ...

    def capabilities(self) -> dict[str, Any]:
        """The catalog entry: JSON schema of `Params` plus which options are supported."""
        ...


def unsupported_fields(model: type[BaseModel]) -> list[str]:
    """Names of the fields marked `json_schema_extra={"supported": False}`."""
    names = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("supported") is False:
            names.append(name)
    return names


def reject_unsupported_fields(params: TaskParams) -> None:
    """Raise `CapabilityUnsupported` naming every unsupported option set to a non-default."""
    model = type(params)
    details = []
    for name in unsupported_fields(model):
        value = getattr(params, name)
        if value not in (None, False, [], model.model_fields[name].default):
            details.append(
                {
                    "loc": [name],
                    "msg": f"'{name}' is not supported",
                    "type": "capability_unsupported",
                }
            )
    if details:
        names = ", ".join(d["loc"][0] for d in details)
        raise CapabilityUnsupported(f"unsupported option(s): {names}", details=details)


def describe_operation(op: TaskOperation, notes: dict[str, str] | None = None) -> dict[str, Any]:
    """The shared shape of `capabilities()`: names, JSON schema, a `supported` flag per option."""
    unsupported = set(unsupported_fields(op.Params))
    options = {
        name: {"supported": name not in unsupported}
        for name in op.Params.model_fields
        if name != "source_url"
    }
    return {
        "task_type": op.task_type,
        "slug": op.slug,
        "supported": True,
        "params_schema": op.Params.model_json_schema(),
        "options": options,
        "notes": notes or {},
    }


class RejectsUnsupportedFields:
    """Default `check_supported` for operations whose only checks are per-field flags."""

    def check_supported(self, params: TaskParams) -> None:
        reject_unsupported_fields(params)
