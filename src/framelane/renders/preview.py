"""`POST /v1/preview`: validate for free, or draw one frame / a contact sheet synchronously."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from framelane.api.deps import WorkspaceContext
from framelane.core.settings import Settings
from framelane.render.spec import parse_spec
from framelane.renders.resolver import service_resolver
from framelane.renders.schemas import PreviewOptions, PreviewValidation, split_preview_body
from framelane.renders.service import check_limits, estimated_seconds, preprocess


def preview(session: Session, settings: Settings, ctx: WorkspaceContext, body: dict[str, Any],
            *, strict: bool = False) -> PreviewValidation | bytes:
    """Never billed; raises the same 422s as a submission."""
    options, request = split_preview_body(body)
    request = preprocess(session, ctx, request)
    parsed = parse_spec(request, strict=strict)
    seconds = estimated_seconds(parsed.spec)
    check_limits(parsed.spec, seconds)
    if options.dry_run:
        width, height = parsed.spec.canvas_size
        return PreviewValidation(
            warnings=parsed.warnings, width=width, height=height,
            frame_rate=parsed.spec.frame_rate, output_format=parsed.spec.output_format,
            duration=seconds or None, estimated_render_minutes=round(seconds / 60.0, 4))
    return draw(settings, ctx.id, parsed.spec, options)


def draw(settings: Settings, workspace_id: str, spec: Any, options: PreviewOptions) -> bytes:
    from framelane.render.pipeline import render_contact_sheet_png, render_still_png

    with tempfile.TemporaryDirectory(prefix="framelane-preview-") as tmp:
        resolver = service_resolver(settings, workspace_id, Path(tmp))
        if options.contact_sheet:
            return render_contact_sheet_png(spec, options.contact_sheet, resolver=resolver)
        return render_still_png(spec, options.time, resolver=resolver)
