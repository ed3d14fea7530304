"""What chunking puts around the renders feature's `render` runner (split when worth it, else
that runner renders in one piece), and the render-part runner."""

from __future__ import annotations

from dataclasses import replace

from framelane.chunking.service import (
    Coordinator,
    PartJob,
    clean_workdir,
    part_workdir,
    run_part,
    split_of,
)
from framelane.core.settings import Settings
from framelane.jobs.repository import JobRepository
from framelane.jobs.runner_support import job_session
from framelane.jobs.watch import shutting_down
from framelane.kit.running import RunContext, Runner, RunResult
from framelane.render.chunked import outline, split_refusal
from framelane.render.spec import parse_spec
from framelane.renders.actors import output_filename
from framelane.renders.resolver import service_resolver


def split_long_renders(run_in_one_piece: Runner) -> Runner:
    """The `render` runner that splits a long mp4/webm/mov render into parts every worker can
    take (see service.py) and leaves any other render to `run_in_one_piece`. The result says
    how many parts (`chunks`)."""

    def run_render(ctx: RunContext) -> RunResult:
        spec = parse_spec(ctx.request).spec
        refusal = split_refusal(spec)
        known_short = spec.duration is not None and spec.duration < ctx.settings.chunk_min_seconds
        if refusal is not None or known_short:
            return _in_one_piece(run_in_one_piece, ctx, refusal)
        resolver = service_resolver(
            ctx.settings, ctx.workspace_id, ctx.workdir / "sources", ctx.should_cancel
        )
        shape = outline(spec, resolver=resolver)
        split = split_of(spec, shape, ctx.settings)
        if split is None:
            return _in_one_piece(run_in_one_piece, ctx, None)
        filename = output_filename(ctx.request, spec.output_format)
        return Coordinator(ctx, spec, split).run(resolver, shape, filename)

    return run_render


def _in_one_piece(run_in_one_piece: Runner, ctx: RunContext, refusal: str | None) -> RunResult:
    """Rendered by this worker alone; a long render that cannot be split says why."""
    result = run_in_one_piece(ctx)
    warnings = list(result.warnings)
    if refusal is not None and (result.duration or 0) >= ctx.settings.chunk_min_seconds:
        warnings.append({"code": "not_split", "message": f"rendered in one piece: {refusal}"})
    return replace(result, warnings=warnings, extra={**result.extra, "chunks": 1})


def run_render_part(settings: Settings, job_id: str, chunk_id: str) -> None:
    """A part message: render the part unless another worker holds it, or the job is not
    being rendered (ended, or queued again: its next worker queues its free parts anew)."""
    if shutting_down(settings):
        return  # the coordinator takes parts nobody holds
    with job_session(settings) as session:
        job = JobRepository.from_session(session).get(job_id)
        if job is None or job.status != "processing" or job.cancel_requested:
            return
        part_job = PartJob(job.id, job.workspace_id, parse_spec(dict(job.request)).spec)
    workdir = part_workdir(settings, chunk_id)
    resolver = service_resolver(settings, part_job.workspace_id, workdir / "sources")
    try:
        run_part(settings, part_job, chunk_id, resolver, workdir)
    finally:
        close = getattr(resolver, "close", None)
        if callable(close):
            close()
        clean_workdir(workdir)
