"""`/v1/tasks`: submit an AI task, list, get with long-poll, cancel, download (also srt/vtt)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, status
from fastapi.responses import RedirectResponse, Response

from framelane.core.errors import NotFound
from framelane.core.settings import Settings
from framelane.identity.auth import WorkspaceDep
from framelane.jobs import service as jobs
from framelane.jobs.polling import job_response, present
from framelane.jobs.schemas import JobOut, JobStatus
from framelane.kit.errors import ERROR_RESPONSES
from framelane.kit.pagination import Page, PageDep
from framelane.kit.web import SessionDep, SettingsDep
from framelane.tasks import service
from framelane.tasks.operations.base import TaskOperation
from framelane.tasks.operations.registry import all_operations, get_operation
from framelane.tasks.schemas import DownloadFormat, TaskCommon, TaskType

router = APIRouter(tags=["tasks"], responses=ERROR_RESPONSES)
KIND = service.KIND

TaskBody = Annotated[
    dict[str, Any],
    Body(
        description="`source_url`, the task's parameters (see `GET /v1/capabilities`), and the "
        "optional `metadata` and `webhook_url`; unknown fields are listed in `warnings`."
    ),
]
StrictHeader = Annotated[
    str | None,
    Header(
        alias="Framelane-Strict", description="`true`: unknown fields are 422 instead of warnings"
    ),
]


def is_strict(value: str | None) -> bool:
    return (value or "").strip().lower() in {"true", "1", "yes"}


def body_schema(operation: TaskOperation) -> dict[str, Any]:
    """The OpenAPI request body of one task: its parameters plus the common fields."""
    schema = operation.Params.model_json_schema()
    common = TaskCommon.model_json_schema()
    schema["properties"] = {**schema.get("properties", {}), **common["properties"]}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def submit_route(slug: str) -> Callable[..., JobOut]:
    def create_task(
        body: TaskBody,
        ctx: WorkspaceDep,
        session: SessionDep,
        settings: SettingsDep,
        strict: StrictHeader = None,
    ) -> JobOut:
        job = service.submit(session, settings, ctx, slug, body, strict=is_strict(strict))
        return present(job, settings)

    create_task.__name__ = f"create_{slug.replace('-', '_')}_task"
    return create_task


for _operation in all_operations():
    router.add_api_route(
        f"/v1/tasks/{_operation.slug}",
        submit_route(_operation.slug),
        methods=["POST"],
        status_code=status.HTTP_202_ACCEPTED,
        response_model=JobOut,
        summary=f"Run {_operation.slug}",
        description="Queue the task: 202 with the Job (200 on an `Idempotency-Key` replay).",
        openapi_extra=body_schema(_operation),
    )


@router.post("/v1/tasks/{slug}", include_in_schema=False)
def unknown_task(slug: str) -> None:
    """A task type this server does not have: 404 `not_found`."""
    get_operation(slug)
    raise NotFound(f"unknown task type '{slug}'")


@router.get("/v1/tasks", response_model=Page[JobOut])
def list_tasks(
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
    page: PageDep,
    task_type: Annotated[TaskType | None, Query(alias="type")] = None,
    status_filter: Annotated[JobStatus | None, Query(alias="status")] = None,
) -> Page[JobOut]:
    rows, cursor, more = jobs.list_jobs(
        session, ctx, KIND, page, status=status_filter, task_type=task_type
    )
    return Page[JobOut](
        data=[present(job, settings) for job in rows], next_cursor=cursor, has_more=more
    )


@router.get("/v1/tasks/{task_id}", response_model=JobOut)
async def get_task(
    task_id: str,
    ctx: WorkspaceDep,
    session: SessionDep,
    request: Request,
    wait: Annotated[
        float, Query(ge=0, le=30, description="Long-poll up to N seconds for a terminal status")
    ] = 0,
) -> Response:
    """The Job; with `wait`, answers once it is terminal or after `wait` seconds."""
    settings: Settings = request.app.state.settings  # no SettingsDep: one dependency less
    return await job_response(session, settings, ctx, task_id, KIND, wait)


@router.get("/v1/tasks/{task_id}/request", response_model=dict[str, Any])
def get_task_request(task_id: str, ctx: WorkspaceDep, session: SessionDep) -> dict[str, Any]:
    """The request body this task was submitted with, as stored."""
    return jobs.get_request(session, ctx, task_id, KIND)


@router.delete("/v1/tasks/{task_id}", response_model=JobOut)
def cancel_task(
    task_id: str, ctx: WorkspaceDep, session: SessionDep, settings: SettingsDep
) -> JobOut:
    """Cancel a queued or running task (409 `job_not_cancellable` once terminal)."""
    return present(jobs.cancel_job(session, settings, ctx, task_id, KIND), settings)


@router.get(
    "/v1/tasks/{task_id}/download",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
)
def download_task(
    task_id: str,
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
    fmt: Annotated[
        DownloadFormat | None,
        Query(
            alias="format",
            description="A side file instead of the artifact: `srt` or `vtt` "
            "captions of a transcript",
        ),
    ] = None,
) -> RedirectResponse:
    """302 to a fresh signed URL; 409 `job_not_completed` before completion."""
    url = service.download_url(session, settings, ctx, task_id, fmt)
    return RedirectResponse(url, status_code=status.HTTP_302_FOUND)
