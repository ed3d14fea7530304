"""Render submission: preprocess → validate → limits → quotas → job (enqueued after commit)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy.orm import Session

from framelane.core.settings import Settings
from framelane.jobs.models import Job
from framelane.jobs.service import create_job
from framelane.kit.context import WorkspaceContext
from framelane.kit.feature import RenderPreprocessor
from framelane.kit.wiring import Wiring
from framelane.render.limits import DEFAULT_LIMITS, check_output
from framelane.render.spec import parse_spec
from framelane.render.spec.models import RenderSpec
from framelane.renders.refusals import refuse_empty, refuse_unusable_sources
from framelane.webhooks.service import validate_webhook_url


def preprocess(
    session: Session,
    ctx: WorkspaceContext,
    body: dict[str, Any],
    preprocessors: Sequence[RenderPreprocessor],
) -> dict[str, Any]:
    """Rewrite the request body before validation with the preprocessors the features of this
    process declare (e.g. brand tokens `{a.b.c}`)."""
    for preprocessor in preprocessors:
        body = preprocessor(session, ctx, body)
    return body


def element_end(element: Any) -> float:
    """Where an element ends on the timeline when the request says (0 when only probing can)."""
    start = float(getattr(element, "time", 0) or 0)
    duration = getattr(element, "duration", None)
    if duration is not None:
        return start + float(duration)
    out_point = getattr(element, "out_point", None)
    if out_point is not None:
        speed = float(getattr(element, "speed", 1) or 1)
        return start + (float(out_point) - float(getattr(element, "in_point", 0) or 0)) / speed
    return start


def estimated_seconds(spec: RenderSpec) -> float:
    """Output duration as far as it is known before sources are probed (for quotas)."""
    if spec.output_format in ("png", "jpg"):
        return 0.0
    if spec.duration is not None:
        return float(spec.duration)
    return max((element_end(e) for e in spec.elements), default=0.0)


def check_limits(spec: RenderSpec, seconds: float) -> None:
    width, height = spec.canvas_size
    check_output(
        DEFAULT_LIMITS,
        width,
        height,
        Fraction(spec.frame_rate),
        Fraction(seconds).limit_denominator(1_000_000),
    )


@dataclass(frozen=True, slots=True)
class PreparedRender:
    """A validated render request, ready to become a job."""

    body: dict[str, Any]
    spec: RenderSpec
    warnings: list[dict[str, str]]
    seconds: float


def prepare(
    session: Session,
    settings: Settings,
    ctx: WorkspaceContext,
    body: dict[str, Any],
    wiring: Wiring,
    *,
    strict: bool = False,
) -> PreparedRender:
    """Preprocess and validate a render request; raises 422 before any row exists."""
    body = preprocess(session, ctx, body, wiring.render_preprocessors)
    parsed = parse_spec(body, strict=strict)
    spec = parsed.spec
    refuse_empty(spec)
    refuse_unusable_sources(settings, spec)
    seconds = estimated_seconds(spec)
    check_limits(spec, seconds)
    if spec.webhook_url is not None:
        validate_webhook_url(settings, spec.webhook_url)
    return PreparedRender(body, spec, parsed.warnings, seconds)


def create(
    session: Session,
    settings: Settings,
    ctx: WorkspaceContext,
    prepared: PreparedRender,
    wiring: Wiring,
    *,
    quota_checked: bool = False,
) -> Job:
    """The job of a prepared render (`quota_checked`: a batch checked its quotas as a whole)."""
    spec = prepared.spec
    return create_job(
        session,
        ctx,
        settings=settings,
        kind="render",
        task_type=None,
        request=prepared.body,
        metadata=dict(spec.metadata or {}),
        webhook_url=spec.webhook_url,
        warnings=prepared.warnings,
        estimated_seconds=prepared.seconds,
        ingest_external=bool(spec.ingest_external),
        can_ingest_external=wiring.source_copier is not None,
        quota_checked=quota_checked,
    )


def submit(
    session: Session,
    settings: Settings,
    ctx: WorkspaceContext,
    body: dict[str, Any],
    wiring: Wiring,
    *,
    strict: bool = False,
) -> Job:
    """Validate a render request and create its job; raises 422 / 429 before any row exists."""
    prepared = prepare(session, settings, ctx, body, wiring, strict=strict)
    return create(session, settings, ctx, prepared, wiring)
