"""Project previews through the render preview service: a frame, a contact sheet, or a
contact sheet over a time window; `dry_run` validates for free and lists the violations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from framelane.core.settings import Settings
from framelane.kit.context import WorkspaceContext
from framelane.kit.feature import RenderPreprocessor
from framelane.projects import service
from framelane.projects.schemas import ProjectPreview, ProjectPreviewValidation, Violation
from framelane.projects.violations import has_errors
from framelane.renders import preview as render_preview
from framelane.renders.preview import PreviewPlan
from framelane.renders.schemas import PreviewOptions

DEFAULT_WINDOW_FRAMES = 6


def options_of(options: ProjectPreview) -> dict[str, Any]:
    count = options.contact_sheet
    if options.window is not None and count is None:
        count = DEFAULT_WINDOW_FRAMES
    return {"dry_run": options.dry_run, "time": options.time, "contact_sheet": count}


def plan(
    session: Session,
    ctx: WorkspaceContext,
    project_id: str,
    options: ProjectPreview,
    preprocessors: Sequence[RenderPreprocessor],
) -> PreviewPlan:
    request = service.render_request_of(
        session,
        ctx,
        project_id,
        options.version,
        options.variables,
        samples_for_missing=options.dry_run,
    )
    return render_preview.plan(session, ctx, {**request, **options_of(options)}, preprocessors)


def dry_run(
    session: Session,
    ctx: WorkspaceContext,
    project_id: str,
    options: ProjectPreview,
    preprocessors: Sequence[RenderPreprocessor],
) -> ProjectPreviewValidation:
    """The version's violations, and (when it has no errors) the render validation."""
    _, row = service.get_version(session, ctx, project_id, options.version)
    violations = [
        Violation.model_validate(v)
        for v in service.validate_document(session, ctx, row.document, preprocessors)
    ]
    if has_errors([v.model_dump() for v in violations]):
        summary = service.summary_of(row.document)
        return ProjectPreviewValidation(
            valid=False,
            width=_int(summary.width),
            height=_int(summary.height),
            frame_rate=_int(summary.frame_rate),
            output_format=str(summary.output_format),
            violations=violations,
        )
    validation = plan(session, ctx, project_id, options, preprocessors).validation
    return ProjectPreviewValidation(**validation.model_dump(), violations=violations)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def draw(
    settings: Settings, workspace_id: str, plan: PreviewPlan, options: ProjectPreview
) -> bytes:
    window = (options.window.start, options.window.end) if options.window else None
    render_options = PreviewOptions.model_validate(options_of(options))
    return render_preview.draw(settings, workspace_id, plan.spec, render_options, window)
