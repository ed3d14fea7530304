"""The `render` job runner: the engine behind the generic job machinery."""

from __future__ import annotations

from typing import Any

from framelane.kit.running import RunContext, RunResult
from framelane.render.spec import parse_spec
from framelane.renders.resolver import service_resolver


def output_filename(request: dict[str, Any], output_format: str) -> str:
    stem = str(request.get("output_filename") or "output")
    safe = "".join(c for c in stem if c.isalnum() or c in "._-").strip(".")[:120] or "output"
    return f"{safe}.{output_format}"


def run_render(ctx: RunContext) -> RunResult:
    from framelane.render.pipeline import render

    spec = parse_spec(ctx.request).spec
    filename = output_filename(ctx.request, spec.output_format)
    resolver = service_resolver(
        ctx.settings, ctx.workspace_id, ctx.workdir / "sources", ctx.should_cancel
    )
    result = render(
        spec,
        ctx.workdir / filename,
        resolver=resolver,
        on_progress=ctx.on_progress,
        should_cancel=ctx.should_cancel,
    )
    return RunResult(
        path=result.path,
        content_type=result.content_type,
        filename=filename,
        width=result.width,
        height=result.height,
        duration=result.duration,
        warnings=[dict(w) for w in result.warnings],
    )
