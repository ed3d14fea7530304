"""`/v1/projects`: create, list, read, soft delete, ops, versions, revert, preview, render."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Query, Request, Response, status
from pydantic import ValidationError

from framelane.core.errors import ValidationFailed
from framelane.db import unit_of_work
from framelane.identity.auth import WorkspaceDep
from framelane.jobs.polling import present
from framelane.jobs.schemas import JobOut
from framelane.kit.errors import ERROR_RESPONSES
from framelane.kit.openapi import request_body
from framelane.kit.pagination import Page, PageDep, paginate
from framelane.kit.web import SessionDep, SettingsDep, WiringDep
from framelane.projects import batches, previews, service
from framelane.projects.models import Project
from framelane.projects.repository import ProjectRepository
from framelane.projects.schemas import (
    BatchCreate,
    BatchOut,
    OpsRequest,
    OpsResult,
    ProjectCreate,
    ProjectOut,
    ProjectPreview,
    ProjectPreviewValidation,
    ProjectRender,
    RevertRequest,
    VersionOut,
)
from framelane.renders import service as renders

router = APIRouter(tags=["projects"], responses=ERROR_RESPONSES)
PROJECT = "/v1/projects/{project_id}"


@router.post("/v1/projects", status_code=status.HTTP_201_CREATED, response_model=ProjectOut)
def create_project(
    ctx: WorkspaceDep, session: SessionDep, wiring: WiringDep, body: ProjectCreate | None = None
) -> ProjectOut:
    """A new project at version 1 (empty, or with a render request and variables)."""
    preprocessors = wiring.render_preprocessors
    project, first, _ = service.create_project(session, ctx, body or ProjectCreate(), preprocessors)
    return service.project_out(project, first, full=True)


@router.get("/v1/projects", response_model=Page[ProjectOut])
def list_projects(ctx: WorkspaceDep, session: SessionDep, page: PageDep) -> Page[ProjectOut]:
    """Summaries, newest first."""
    stmt = ProjectRepository.from_session(session).list_statement(ctx.id)
    rows, cursor, more = paginate(session, stmt, Project.id, page)
    return Page[ProjectOut](
        data=service.list_summaries(session, rows), next_cursor=cursor, has_more=more
    )


@router.get(PROJECT, response_model=ProjectOut)
def get_project(
    project_id: str,
    ctx: WorkspaceDep,
    session: SessionDep,
    view: Annotated[Literal["summary", "full"], Query()] = "summary",
) -> ProjectOut:
    """`view=full` adds the newest version's `render_request`."""
    project, row = service.get_version(session, ctx, project_id)
    return service.project_out(project, row, full=view == "full")


@router.delete(PROJECT, status_code=status.HTTP_204_NO_CONTENT)
def delete_project(project_id: str, ctx: WorkspaceDep, session: SessionDep) -> Response:
    """Soft delete: the project disappears from reads; its jobs stay."""
    service.delete_project(session, ctx, project_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(PROJECT + "/ops", response_model=OpsResult)
def apply_ops(
    project_id: str,
    body: OpsRequest,
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
    wiring: WiringDep,
) -> OpsResult:
    """Apply every op or none (422 naming the failing op); a stale `if_version` is 409
    `conflict`. The answer lists the violations of the new version."""
    return service.apply(session, settings, ctx, project_id, body, wiring.render_preprocessors)


@router.get(PROJECT + "/versions/{version}", response_model=VersionOut)
def get_version(
    project_id: str, version: int, ctx: WorkspaceDep, session: SessionDep
) -> VersionOut:
    _, row = service.get_version(session, ctx, project_id, version)
    return service.version_out(row)


@router.post(PROJECT + "/revert", response_model=OpsResult)
def revert(
    project_id: str, body: RevertRequest, ctx: WorkspaceDep, session: SessionDep, wiring: WiringDep
) -> OpsResult:
    """A new version with the content of `version`."""
    return service.revert(session, ctx, project_id, body, wiring.render_preprocessors)


@router.post(
    PROJECT + "/preview",
    response_model=ProjectPreviewValidation,
    responses={200: {"content": {"image/png": {}}, "description": "the validation or a PNG"}},
)
def preview(
    project_id: str,
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
    wiring: WiringDep,
    body: ProjectPreview | None = None,
) -> Any:
    """`dry_run: true` validates for free (violations included); otherwise a PNG of the frame
    at `time`, or a contact sheet (over `window` when given)."""
    options = body or ProjectPreview()
    if options.dry_run:
        return previews.dry_run(session, ctx, project_id, options, wiring.render_preprocessors)
    plan = previews.plan(session, ctx, project_id, options, wiring.render_preprocessors)
    unit_of_work.commit(session)  # hold no database lock while drawing
    return Response(previews.draw(settings, ctx.id, plan, options), media_type="image/png")


@router.post(PROJECT + "/renders", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut)
def render_project(
    project_id: str,
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
    wiring: WiringDep,
    body: ProjectRender | None = None,
) -> JobOut:
    """A render job of the newest (or given) version with these variable values; its
    metadata records `project_id` and `project_version`."""
    options = body or ProjectRender()
    request = service.render_request_of(
        session,
        ctx,
        project_id,
        options.version,
        options.variables,
        metadata=options.metadata,
        webhook_url=options.webhook_url,
    )
    return present(renders.submit(session, settings, ctx, request, wiring), settings)


BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/BatchCreate"}},
            "text/csv": {
                "schema": {"type": "string"},
                "example": "name,color\nAda,#ff0000\nGrace,#00ff00\n",
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}
request_body(BatchCreate)  # puts BatchCreate into components/schemas


async def batch_body(request: Request, version: int | None) -> tuple[BatchCreate, bool]:
    """The rows from JSON, a CSV body, or a CSV file in a form; True when from text."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("text/csv", "application/csv"):
        return BatchCreate(version=version, rows=batches.rows_of_csv(await request.body())), True
    if kind == "multipart/form-data":
        upload = (await request.form()).get("file")
        if upload is None or isinstance(upload, str):
            raise batches.InvalidCsv("the form needs a `file` field holding the CSV")
        return BatchCreate(version=version, rows=batches.rows_of_csv(await upload.read())), True
    try:
        return BatchCreate.model_validate_json(await request.body()), False
    except ValidationError as exc:
        raise ValidationFailed(
            "invalid batch body",
            details=[
                {"loc": ["body", *e["loc"]], "msg": str(e["msg"]), "type": str(e["type"])}
                for e in exc.errors(include_url=False)
            ],
        ) from None


@router.post(
    PROJECT + "/renders/batch",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchOut,
    openapi_extra=BATCH_BODY,
)
async def render_batch(
    project_id: str,
    request: Request,
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
    wiring: WiringDep,
    version: Annotated[int | None, Query(ge=1, description="CSV uploads: the version")] = None,
) -> BatchOut:
    """One render per variable set: JSON `rows` (up to 500) or a CSV whose header row names
    the variables. Every row is checked before any job is created (errors name the row and
    the variable); quotas apply to the batch as a whole. `batch.completed` fires once every
    job is terminal."""
    body, from_text = await batch_body(request, version)

    def create() -> BatchOut:
        batch = batches.create_batch(
            session, settings, ctx, project_id, body, wiring, from_text=from_text
        )
        return batches.batch_out(session, batch)

    return await anyio.to_thread.run_sync(create)


@router.get("/v1/batches/{batch_id}", response_model=BatchOut)
def get_batch(batch_id: str, ctx: WorkspaceDep, session: SessionDep) -> BatchOut:
    """Counts by status and every job (row, id, status)."""
    return batches.batch_out(session, batches.get_batch(session, ctx, batch_id))
