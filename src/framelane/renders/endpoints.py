"""`/v1/renders` (submit, list, get with long-poll, cancel, download) and `/v1/preview`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, status
from fastapi.responses import RedirectResponse, Response

from framelane.core.settings import Settings
from framelane.db import unit_of_work
from framelane.identity.auth import WorkspaceDep
from framelane.jobs import service as jobs
from framelane.jobs.polling import job_response, present
from framelane.jobs.schemas import JobOut, JobStatus
from framelane.kit.errors import ERROR_RESPONSES
from framelane.kit.openapi import request_body, request_body_any
from framelane.kit.pagination import Page, PageDep
from framelane.kit.web import SessionDep, SettingsDep, WiringDep
from framelane.render.spec.models import RenderSpec
from framelane.renders import preview as previews
from framelane.renders import service
from framelane.renders.examples import RENDER_EXAMPLES
from framelane.renders.schemas import PreviewOptions, PreviewValidation, ProjectRenderBody

router = APIRouter(tags=["renders"], responses=ERROR_RESPONSES)
KIND = "render"

RenderBody = Annotated[
    dict[str, Any],
    Body(
        description="The composition (see `GET /v1/capabilities`); unknown fields are ignored "
        "and listed in `warnings`.",
        examples=[
            {
                "width": 640,
                "height": 360,
                "duration": 2,
                "elements": [{"type": "text", "id": "t1", "text": "Hello", "duration": 2}],
            }
        ],
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


@router.post(
    "/v1/renders",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    # an inline composition, or a saved project version with variable values
    openapi_extra=request_body_any(RenderSpec, ProjectRenderBody, examples=RENDER_EXAMPLES),
)
def create_render(
    body: RenderBody,
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
    wiring: WiringDep,
    strict: StrictHeader = None,
) -> JobOut:
    """Queue a render: 202 with the Job (200 on an `Idempotency-Key` replay). The body is a
    composition, or `{project_id, version?, variables?}` to render a saved project."""
    job = service.submit(session, settings, ctx, body, wiring, strict=is_strict(strict))
    return present(job, settings)


@router.get("/v1/renders", response_model=Page[JobOut])
def list_renders(
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
    page: PageDep,
    status_filter: Annotated[JobStatus | None, Query(alias="status")] = None,
) -> Page[JobOut]:
    rows, cursor, more = jobs.list_jobs(session, ctx, KIND, page, status=status_filter)
    return Page[JobOut](
        data=[present(job, settings) for job in rows], next_cursor=cursor, has_more=more
    )


@router.get("/v1/renders/{render_id}", response_model=JobOut)
async def get_render(
    render_id: str,
    ctx: WorkspaceDep,
    session: SessionDep,
    request: Request,
    wait: Annotated[
        float, Query(ge=0, le=30, description="Long-poll up to N seconds for a terminal status")
    ] = 0,
) -> Response:
    """The Job; with `wait`, answers once it is terminal or after `wait` seconds."""
    settings: Settings = request.app.state.settings  # no SettingsDep: one dependency less
    return await job_response(session, settings, ctx, render_id, KIND, wait)


@router.delete("/v1/renders/{render_id}", response_model=JobOut)
def cancel_render(
    render_id: str, ctx: WorkspaceDep, session: SessionDep, settings: SettingsDep
) -> JobOut:
    """Cancel a queued, ingesting or processing render (409 `job_not_cancellable` after)."""
    return present(jobs.cancel_job(session, settings, ctx, render_id, KIND), settings)


@router.get("/v1/renders/{render_id}/request", response_model=dict[str, Any])
def get_render_request(render_id: str, ctx: WorkspaceDep, session: SessionDep) -> dict[str, Any]:
    """The request body this render was submitted with, as stored."""
    return jobs.get_request(session, ctx, render_id, KIND)


@router.get(
    "/v1/renders/{render_id}/download",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
)
def download_render(
    render_id: str, ctx: WorkspaceDep, session: SessionDep, settings: SettingsDep
) -> RedirectResponse:
    """302 to a fresh signed URL (15 min); 409 `job_not_completed` before completion."""
    url = jobs.download_redirect(session, settings, ctx, render_id, KIND)
    return RedirectResponse(url, status_code=status.HTTP_302_FOUND)


@router.post(
    "/v1/preview",
    response_model=PreviewValidation,
    responses={
        200: {"content": {"image/png": {}}, "description": "the validation (dry_run) or a PNG"}
    },
    openapi_extra=request_body(RenderSpec, PreviewOptions),
)
def preview(
    body: RenderBody,
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
    wiring: WiringDep,
    strict: StrictHeader = None,
) -> Any:
    """`dry_run: true` validates for free; otherwise a PNG of the frame at `time`, or of
    `contact_sheet` evenly spaced frames."""
    plan = previews.plan(
        session,
        ctx,
        body,
        wiring.render_preprocessors,
        strict=is_strict(strict),
        settings=settings,
    )
    if plan.options.dry_run:
        return plan.validation
    unit_of_work.commit(session)  # hold no database lock while drawing
    return Response(
        previews.draw(settings, ctx.id, plan.spec, plan.options), media_type="image/png"
    )
