"""What a job runner receives and returns: the contract between the job machinery and the
features that run jobs (renders, AI tasks).

A runner is a plain function `fn(ctx: RunContext) -> RunResult`: it reads `ctx.request`, works
inside `ctx.workdir`, calls `ctx.on_progress(stage, percent)` and checks `ctx.should_cancel()`
between units of work, and returns the local artifact. Leases, retries, uploads, events, usage
and quotas are the job machinery's (`framelane.jobs`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framelane.core.settings import Settings


@dataclass(frozen=True, slots=True)
class RunContext:
    job_id: str
    workspace_id: str
    kind: str
    task_type: str | None
    request: dict[str, Any]
    metadata: dict[str, Any]
    attempt: int
    settings: Settings
    workdir: Path
    on_progress: Callable[[str, float], None]
    should_cancel: Callable[[], bool]


@dataclass(frozen=True, slots=True)
class RunResult:
    path: Path
    content_type: str
    filename: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    warnings: Sequence[Any] = ()
    extra_files: Sequence[tuple[str, Path, str]] = ()
    """More artifacts as (filename, path, content_type), e.g. a transcript's .srt."""
    extra: dict[str, Any] = field(default_factory=dict)
    """More public fields of `output`."""


Runner = Callable[[RunContext], RunResult]
