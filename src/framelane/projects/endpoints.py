"""`/v1/projects`: create, list, read, soft delete, ops, versions, revert, preview, render."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status

from framelane.api.deps import SessionDep, SettingsDep, WorkspaceDep
from framelane.api.errors import ERROR_RESPONSES
from framelane.api.pagination import Page, PageDep, paginate
from framelane.db import unit_of_work
from framelane.jobs.polling import present
from framelane.jobs.schemas import JobOut
from framelane.projects import previews, service, wiring
from framelane.projects.models import Project
from framelane.projects.repository import ProjectRepository
from framelane.projects.schemas import (
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

wiring.install()
router = APIRouter(prefix="/v1/projects", tags=["projects"], responses=ERROR_RESPONSES)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProjectOut)
def create_project(
    ctx: WorkspaceDep, session: SessionDep, body: ProjectCreate | None = None
) -> ProjectOut:
    """A new project at version 1 (empty, or with a render request and variables)."""
    project, first, _ = service.create_project(session, ctx, body or ProjectCreate())
    return service.project_out(project, first, full=True)


@router.get("", response_model=Page[ProjectOut])
def list_projects(ctx: WorkspaceDep, session: SessionDep, page: PageDep) -> Page[ProjectOut]:
    """Summaries, newest first."""
    stmt = ProjectRepository.from_session(session).list_statement(ctx.id)
    rows, cursor, more = paginate(session, stmt, Project.id, page)
    return Page[ProjectOut](
        data=service.list_summaries(session, rows), next_cursor=cursor, has_more=more
    )


@router.get("/{project_id}", response_model=ProjectOut)
def get_project(
    project_id: str,
    ctx: WorkspaceDep,
    session: SessionDep,
    view: Annotated[Literal["summary", "full"], Query()] = "summary",
) -> ProjectOut:
    """`view=full` adds the newest version's `render_request`."""
    project, row = service.get_version(session, ctx, project_id)
    return service.project_out(project, row, full=view == "full")


@router.delete("/{project_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_project(project_id: str, ctx: WorkspaceDep, session: SessionDep) -> Response:
    """Soft delete: the project disappears from reads; its jobs stay."""
    service.delete_project(session, ctx, project_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{project_id}/ops", response_model=OpsResult)
def apply_ops(
    project_id: str, body: OpsRequest, ctx: WorkspaceDep, session: SessionDep, settings: SettingsDep
) -> OpsResult:
    """Apply every op or none (422 naming the failing op); a stale `if_version` is 409
    `conflict`. The answer lists the violations of the new version."""
    return service.apply(session, settings, ctx, project_id, body)


@router.get("/{project_id}/versions/{version}", response_model=VersionOut)
def get_version(
    project_id: str, version: int, ctx: WorkspaceDep, session: SessionDep
) -> VersionOut:
    _, row = service.get_version(session, ctx, project_id, version)
    return service.version_out(row)


@router.post("/{project_id}/revert", response_model=OpsResult)
def revert(
    project_id: str, body: RevertRequest, ctx: WorkspaceDep, session: SessionDep
) -> OpsResult:
    """A new version with the content of `version`."""
    return service.revert(session, ctx, project_id, body)


@router.post(
    "/{project_id}/preview",
    response_model=ProjectPreviewValidation,
    responses={200: {"content": {"image/png": {}}, "description": "the validation or a PNG"}},
)
def preview(
    project_id: str,
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
    body: ProjectPreview | None = None,
) -> Any:
    """`dry_run: true` validates for free (violations included); otherwise a PNG of the frame
    at `time`, or a contact sheet (over `window` when given)."""
    options = body or ProjectPreview()
    if options.dry_run:
        return previews.dry_run(session, ctx, project_id, options)
    plan = previews.plan(session, ctx, project_id, options)
    unit_of_work.commit(session)  # hold no database lock while drawing
    return Response(previews.draw(settings, ctx.id, plan, options), media_type="image/png")


@router.post("/{project_id}/renders", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut)
def render_project(
    project_id: str,
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
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
    return present(renders.submit(session, settings, ctx, request), settings)
