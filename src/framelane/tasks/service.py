"""Task submission and downloads: validate → quotas → job (enqueued after commit).

Everything else a task does over HTTP (get, list, long-poll, cancel) is the generic job
machinery in `framelane.jobs.service`, called with `kind="task"`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from framelane.core.errors import FramelaneError, NotFound, ValidationFailed
from framelane.core.settings import Settings
from framelane.ingest.urls import own_storage_key
from framelane.jobs import service as jobs
from framelane.jobs.models import Job
from framelane.kit.context import WorkspaceContext
from framelane.net.ssrf import check_url, parse_target
from framelane.storage.factory import storage_for
from framelane.tasks.operations.base import TaskParams
from framelane.tasks.operations.registry import get_operation, unknown_fields, validate_params
from framelane.tasks.schemas import TaskCommon
from framelane.usage.repository import UsageRepository

KIND = "task"


def problems_of(exc: ValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]


def validate_body(
    slug: str, body: dict[str, Any], *, strict: bool = False
) -> tuple[TaskCommon, TaskParams, list[str]]:
    """The common fields, the task's parameters and the ignored fields; one 422 listing every
    violation (schema problems first, then unsupported options and languages)."""
    problems: list[dict[str, Any]] = []
    common = TaskCommon()
    try:
        common = TaskCommon.model_validate(body)
    except ValidationError as exc:
        problems = problems_of(exc)
    unknown = unknown_fields(slug, body)
    if strict:
        problems += [
            {"loc": [name], "msg": "unknown field", "type": "extra_forbidden"} for name in unknown
        ]
    try:
        params = validate_params(slug, body)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, details=[*(exc.details or []), *problems]) from None
    except FramelaneError:
        if problems:
            raise ValidationFailed("the request body is invalid", details=problems) from None
        raise
    if problems:
        raise ValidationFailed("the request body is invalid", details=problems)
    return common, params, unknown


def check_source_url(settings: Settings, url: str) -> None:
    """422 `url_not_allowed` now for a URL no worker would fetch (`file:`, userinfo, localhost…);
    our own upload URLs are checked for ownership when the task runs."""
    if own_storage_key(settings, url) is None:
        parse_target(url, allow_private=settings.allow_private_urls)


def submit(
    session: Session,
    settings: Settings,
    ctx: WorkspaceContext,
    slug: str,
    body: dict[str, Any],
    *,
    strict: bool = False,
) -> Job:
    """Validate a task request and create its job; raises 404 / 422 / 429 before any row."""
    operation = get_operation(slug)
    common, params, unknown = validate_body(slug, body, strict=strict)
    check_source_url(settings, params.source_url)
    if common.webhook_url is not None:
        check_url(common.webhook_url, allow_private=settings.allow_private_urls)
    return jobs.create_job(
        session,
        ctx,
        settings=settings,
        kind=KIND,
        task_type=operation.task_type,
        request=params.model_dump(mode="json"),
        metadata=common.metadata,
        webhook_url=common.webhook_url,
        warnings=unknown,
    )


def download_url(
    session: Session, settings: Settings, ctx: WorkspaceContext, task_id: str, fmt: str | None
) -> str:
    """A fresh signed URL of the artifact, or of its `fmt` side file (a transcript's srt/vtt)."""
    if fmt is None:
        return jobs.download_redirect(session, settings, ctx, task_id, KIND)
    job = jobs.get_job(session, ctx, task_id, KIND)
    if job.status != "completed" or not job.output:
        raise jobs.JobNotCompleted(
            f"The task is {job.status}; its downloads exist once it is completed.",
            details={"status": job.status},
        )
    extras: dict[str, Any] = job.output.get("extra_keys") or {}
    extra = extras.get(fmt)
    if extra is None:
        raise NotFound(
            f"This {job.task_type} task has no {fmt} download.",
            details={"format": fmt, "available": sorted(extras)},
        )
    if job.artifacts_purged_at is not None:
        raise jobs.ArtifactExpired("The artifact was removed after the retention period.")
    UsageRepository.from_session(session).record(
        job.workspace_id, "egress_bytes", float(extra.get("size_bytes") or 0), job.id
    )
    return storage_for(settings).presign_get(
        extra["key"], settings.download_url_ttl_seconds, extra.get("filename")
    )
