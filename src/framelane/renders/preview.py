"""`POST /v1/preview`: validate for free, or draw one frame / a contact sheet synchronously."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from framelane.core.settings import Settings
from framelane.kit.context import WorkspaceContext
from framelane.kit.feature import RenderPreprocessor
from framelane.render.spec import RenderSpec, parse_spec
from framelane.renders.refusals import refuse_empty, refuse_unusable_sources
from framelane.renders.resolver import service_resolver
from framelane.renders.schemas import PreviewOptions, PreviewValidation, split_preview_body
from framelane.renders.service import check_limits, estimated_seconds, preprocess


@dataclass(frozen=True, slots=True)
class PreviewPlan:
    options: PreviewOptions
    spec: RenderSpec
    validation: PreviewValidation


def plan(
    session: Session,
    ctx: WorkspaceContext,
    body: dict[str, Any],
    preprocessors: Sequence[RenderPreprocessor],
    *,
    strict: bool = False,
    settings: Settings | None = None,
) -> PreviewPlan:
    """Validate like a submission (same 422s; source URLs are checked when `settings` is
    given); never billed."""
    options, request = split_preview_body(body)
    request = preprocess(session, ctx, request, preprocessors)
    parsed = parse_spec(request, strict=strict)
    refuse_empty(parsed.spec)
    if settings is not None:
        refuse_unusable_sources(settings, parsed.spec)
    seconds = estimated_seconds(parsed.spec)
    check_limits(parsed.spec, seconds)
    width, height = parsed.spec.canvas_size
    validation = PreviewValidation(
        warnings=parsed.warnings,
        width=width,
        height=height,
        frame_rate=parsed.spec.frame_rate,
        output_format=parsed.spec.output_format,
        duration=seconds or None,
        estimated_render_minutes=round(seconds / 60.0, 4),
    )
    return PreviewPlan(options, parsed.spec, validation)


def draw(
    settings: Settings,
    workspace_id: str,
    spec: RenderSpec,
    options: PreviewOptions,
    window: tuple[float, float] | None = None,
) -> bytes:
    """The PNG; call it outside any open transaction (sources may be fetched and cached).
    `window` (start, end seconds): the contact sheet covers only that stretch (projects)."""
    from framelane.render.pipeline import render_contact_sheet_png, render_still_png

    with tempfile.TemporaryDirectory(prefix="framelane-preview-") as tmp:
        resolver = service_resolver(settings, workspace_id, Path(tmp))
        if options.contact_sheet:
            return render_contact_sheet_png(
                spec, options.contact_sheet, resolver=resolver, window=window
            )
        return render_still_png(spec, options.time, resolver=resolver)
