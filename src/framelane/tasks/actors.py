"""The runner of every AI task type: fetch the source, run the operation, hand back the files.

The generic job machinery (`framelane.jobs.runner`) does the rest: lease, cancellation, upload
of the artifact and of the extra outputs (a transcript's `.srt` / `.vtt`), events, usage.
Operation errors keep their codes (`unsupported_media`, `source_corrupt`, `no_face_detected`,
`limit_exceeded`, …); a cancelled operation raises `TaskCancelled` (code `cancelled`), which the
runner treats as a stop, so no artifact is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from framelane.core.errors import FramelaneError
from framelane.kit.running import RunContext, Runner, RunResult
from framelane.render.errors import CodecUnsupported
from framelane.renders.resolver import service_resolver
from framelane.storage.keys import artifact_key
from framelane.tasks.operations.base import TaskContext, TaskResult
from framelane.tasks.operations.errors import TaskCancelled, UnsupportedMedia
from framelane.tasks.operations.registry import all_operations, get_operation
from framelane.tasks.schemas import EXTRA_CONTENT_TYPES

# Not a kind the ingest resolver checks: the operation probes the content itself and answers
# `unsupported_media` / `source_corrupt` with the task's own wording (the fetcher still refuses
# bytes that are no media format at all; that `codec_unsupported` becomes `unsupported_media`).
SOURCE_KIND = "media"
DOWNLOAD_SHARE = 5.0  # percent of the progress bar spent fetching the source
OPERATION_SHARE = 90.0  # the rest up to 95 %; the runner reports `uploading` after


def scaled_progress(report: Callable[[str, float], None]) -> Callable[[str, float], None]:
    """Map the operation's 0–100 % into the job's 5–95 %."""

    def on_progress(stage: str, percent: float) -> None:
        report(stage, DOWNLOAD_SHARE + OPERATION_SHARE * min(max(percent, 0.0), 100.0) / 100.0)

    return on_progress


def fetch_source(ctx: RunContext, url: str) -> Path:
    """Download the source through the service's SSRF-safe resolver (own uploads included)."""
    ctx.on_progress("downloading", 0.0)
    resolver = service_resolver(
        ctx.settings, ctx.workspace_id, ctx.workdir / "sources", ctx.should_cancel
    )
    try:
        path = resolver.resolve(url, SOURCE_KIND)
    except FramelaneError as exc:
        if exc.code != CodecUnsupported.code:
            raise
        # the ingest word (fetch sniffing, a failed upload probe) for bytes that are no media
        raise UnsupportedMedia(exc.message, details=exc.details) from exc
    ctx.on_progress("downloading", DOWNLOAD_SHARE)
    if ctx.should_cancel():
        raise TaskCancelled("the task was cancelled")
    return path


def extra_outputs(
    ctx: RunContext, result: TaskResult
) -> tuple[list[tuple[str, Path, str]], dict[str, Any]]:
    """The side files to store beside the artifact, and where `?format=` finds them."""
    files: list[tuple[str, Path, str]] = []
    keys: dict[str, Any] = {}
    for fmt, path in sorted(result.extra_outputs.items()):
        content_type = EXTRA_CONTENT_TYPES.get(fmt, "application/octet-stream")
        files.append((path.name, path, content_type))
        keys[fmt] = {
            "key": artifact_key(ctx.workspace_id, ctx.job_id, path.name),
            "filename": path.name,
            "content_type": content_type,
            "size_bytes": path.stat().st_size,
        }
    return files, keys


def run_task(ctx: RunContext) -> RunResult:
    operation = get_operation(str(ctx.task_type))
    params = operation.Params.model_validate(ctx.request)
    source = fetch_source(ctx, params.source_url)
    workdir = ctx.workdir / "task"
    workdir.mkdir(parents=True, exist_ok=True)
    result = operation.run(
        source,
        params,
        TaskContext(
            workdir=workdir,
            on_progress=scaled_progress(ctx.on_progress),
            should_cancel=ctx.should_cancel,
        ),
    )
    files, keys = extra_outputs(ctx, result)
    return RunResult(
        path=result.output_path,
        content_type=result.content_type,
        filename=result.output_path.name,
        width=result.width,
        height=result.height,
        duration=result.duration,
        extra_files=files,
        extra={"extra_keys": keys, "download_formats": sorted(keys)},
    )


def task_runners() -> dict[str, Runner]:
    """Every task type runs through `run_task` (the operation is looked up by type)."""
    return {operation.task_type: run_task for operation in all_operations()}
