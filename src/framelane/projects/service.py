"""Project rules: create, read, soft delete, edit by ops (a new version each time), revert,
validate (violations), and turn a version plus variable values into a render request."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session

from framelane.core.errors import Conflict, NotFound, ValidationFailed
from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.jobs import service as jobs
from framelane.kit.context import WorkspaceContext
from framelane.kit.feature import RenderPreprocessor
from framelane.projects import variables as templates
from framelane.projects.models import Project, ProjectVersion
from framelane.projects.ops import Edit, OpError, ReplaceRequest, apply_ops
from framelane.projects.repository import ProjectRepository
from framelane.projects.schemas import (
    ElementSummary,
    OpsDiff,
    OpsRequest,
    OpsResult,
    ProjectCreate,
    ProjectOut,
    ProjectSummary,
    RevertRequest,
    VersionOut,
    Violation,
)
from framelane.projects.variables import VariableDecl
from framelane.projects.violations import check_request, has_errors, soft_errors, warnings_of
from framelane.renders.schemas import ProjectRenderBody
from framelane.renders.service import preprocess
from framelane.storage.factory import storage_for

PROJECT_METADATA = ("project_id", "project_version")


class VersionConflict(Conflict):
    """Raised when `if_version` is not the project's current version."""

    code = "conflict"


class ProjectInvalid(ValidationFailed):
    """Raised when a render is asked of a version with error-severity violations."""

    code = "project_invalid"


def declarations(document: Mapping[str, Any]) -> dict[str, VariableDecl]:
    return {
        name: VariableDecl.model_validate(decl)
        for name, decl in (document.get("variables") or {}).items()
    }


def make_document(request: dict[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
    return {"render_request": request, "variables": dict(variables)}


def validate_document(
    session: Session,
    ctx: WorkspaceContext,
    document: dict[str, Any],
    preprocessors: Sequence[RenderPreprocessor],
) -> list[dict[str, Any]]:
    """The violations of a document; raises 422 for what no later op could make renderable
    as saved (schema errors, bad declarations, undeclared variables). The render
    preprocessors of the process (brand tokens) run as they would on a submission."""
    request = document.get("render_request") or {}
    if "project_id" in request:
        raise ValidationFailed(
            "a project's render_request cannot itself name a project",
            details=[
                {
                    "loc": ["render_request", "project_id"],
                    "msg": "not allowed",
                    "type": "nested_project",
                }
            ],
        )
    decls = declarations(document)
    templates.raise_problems(templates.check_declarations(decls))
    resolved = templates.substitute(request, templates.sample_values(decls))
    spec, errors = check_request(preprocess(session, ctx, resolved, preprocessors))
    return errors + warnings_of(spec)


def summary_of(document: Mapping[str, Any]) -> ProjectSummary:
    """The outline of a version; declared defaults fill the templated fields."""
    decls = declarations(document)
    defaults = {n: d.default for n, d in decls.items() if d.default is not None}
    raw = document.get("render_request") or {}
    request = templates.substitute(raw, defaults, keep_unknown=True)
    elements = [e for e in request.get("elements") or [] if isinstance(e, dict)]
    return ProjectSummary(
        width=request.get("width", 1920),
        height=request.get("height", 1080),
        duration=request.get("duration"),
        frame_rate=request.get("frame_rate", 30),
        output_format=request.get("output_format", "mp4"),
        element_count=len(elements),
        transition_count=len(request.get("transitions") or []),
        elements=[
            ElementSummary(
                id=str(e.get("id", "")),
                type=str(e.get("type", "")),
                time=e.get("time", 0),
                duration=e.get("duration"),
                label=e.get("name") or (e.get("text") if e.get("type") == "text" else None),
                source=e.get("source_url"),
            )
            for e in elements
        ],
    )


def project_out(project: Project, row: ProjectVersion, *, full: bool) -> ProjectOut:
    return ProjectOut(
        id=project.id,
        name=project.name,
        version=project.version,
        workspace_id=project.workspace_id,
        created_at=project.created_at,
        updated_at=project.updated_at,
        summary=summary_of(row.document),
        variables=declarations(row.document),
        render_request=row.document.get("render_request") if full else None,
    )


def version_out(row: ProjectVersion) -> VersionOut:
    return VersionOut(
        project_id=row.project_id,
        version=row.version,
        author=row.author,
        created_at=row.created_at,
        ops=list(row.ops or []),
        render_request=row.document.get("render_request") or {},
        variables=declarations(row.document),
    )


def create_project(
    session: Session,
    ctx: WorkspaceContext,
    body: ProjectCreate,
    preprocessors: Sequence[RenderPreprocessor],
) -> tuple[Project, ProjectVersion, list[dict[str, Any]]]:
    document = make_document(
        body.render_request, {n: d.model_dump(exclude_none=True) for n, d in body.variables.items()}
    )
    violations = validate_document(session, ctx, document, preprocessors)
    now = utcnow()
    project = Project(
        id=new_id("proj"),
        workspace_id=ctx.id,
        name=body.name,
        version=1,
        created_at=now,
        updated_at=now,
    )
    first = ProjectVersion(
        project_id=project.id,
        version=1,
        document=document,
        ops=[],
        author=body.author,
        created_at=now,
    )
    ProjectRepository.from_session(session).add_project(project, first)
    return project, first, violations


def get_project(session: Session, ctx: WorkspaceContext, project_id: str) -> Project:
    project = ProjectRepository.from_session(session).live(ctx.id, project_id)
    if project is None:
        raise NotFound(f"No project {project_id!r} in this workspace.")
    return project


def get_version(
    session: Session, ctx: WorkspaceContext, project_id: str, number: int | None = None
) -> tuple[Project, ProjectVersion]:
    project = get_project(session, ctx, project_id)
    wanted = project.version if number is None else number
    row = ProjectRepository.from_session(session).version(project.id, wanted)
    if row is None:
        raise NotFound(
            f"Project {project_id!r} has no version {wanted} (newest: {project.version}).",
            code="version_not_found",
            details={"version": wanted, "latest": project.version},
        )
    return project, row


def list_summaries(session: Session, projects: Sequence[Project]) -> list[ProjectOut]:
    rows = ProjectRepository.from_session(session).versions_of([p.id for p in projects])
    return [project_out(p, rows[p.id], full=False) for p in projects if p.id in rows]


def delete_project(session: Session, ctx: WorkspaceContext, project_id: str) -> None:
    project = get_project(session, ctx, project_id)
    ProjectRepository.from_session(session).soft_delete(project, utcnow())


class WorkspaceTranscripts:
    """Words of the workspace's completed transcribe tasks, read from their stored JSON."""

    def __init__(self, session: Session, settings: Settings, ctx: WorkspaceContext) -> None:
        self.session, self.settings, self.ctx = session, settings, ctx

    def words_of(self, task_id: str) -> list[dict[str, Any]]:
        try:
            job = jobs.get_job(self.session, self.ctx, task_id, "task")
        except NotFound:
            raise OpError(f"no task {task_id!r} in this workspace", code="task_not_found") from None
        if job.task_type != "transcribe":
            raise OpError(f"task {task_id!r} is a {job.task_type} task", code="not_a_transcript")
        if job.status != "completed" or not job.output or not job.output.get("key"):
            raise OpError(
                f"task {task_id!r} is {job.status}; captions need a completed transcript",
                code="task_not_completed",
                details={"status": job.status},
            )
        storage = storage_for(self.settings)
        data = b"".join(storage.iter_bytes(job.output["key"]))
        words: list[dict[str, Any]] = json.loads(data).get("words") or []
        return words


def _next_version(
    session: Session, ctx: WorkspaceContext, project_id: str, expected: int | None
) -> tuple[Project, ProjectVersion]:
    """Take the next version number (409 when `expected` is stale) and the base version."""
    repo = ProjectRepository.from_session(session)
    if not repo.take_next_version(ctx.id, project_id, expected, utcnow()):
        current = get_project(session, ctx, project_id)
        raise VersionConflict(
            f"The project is at version {current.version}, not {expected}; read it and retry.",
            details={"version": current.version, "if_version": expected},
        )
    project = get_project(session, ctx, project_id)
    base = repo.version(project.id, project.version - 1)
    assert base is not None
    return project, base


def _save(
    session: Session,
    project: Project,
    document: dict[str, Any],
    ops: list[Any],
    author: str | None,
) -> None:
    ProjectRepository.from_session(session).add_version(
        ProjectVersion(
            project_id=project.id,
            version=project.version,
            document=document,
            ops=ops,
            author=author,
            created_at=utcnow(),
        )
    )


def _saved(
    session: Session,
    ctx: WorkspaceContext,
    project: Project,
    edit: Edit,
    ops: list[Any],
    author: str | None,
    preprocessors: Sequence[RenderPreprocessor],
) -> OpsResult:
    """Validate the edited document, store it as the project's new version, and answer."""
    document = make_document(edit.request, edit.variables)
    violations = validate_document(session, ctx, document, preprocessors)
    ProjectRepository.from_session(session).add_version(
        ProjectVersion(
            project_id=project.id,
            version=project.version,
            document=document,
            ops=ops,
            author=author,
            created_at=utcnow(),
        )
    )
    return OpsResult(
        version=project.version,
        ok=not has_errors(violations),
        changed_ids=sorted(edit.changed),
        diff=OpsDiff(
            added_ids=edit.added,
            removed_ids=edit.removed,
            transitions_changed=edit.transitions_changed,
        ),
        violations=[Violation.model_validate(v) for v in violations],
    )


def apply(
    session: Session,
    settings: Settings,
    ctx: WorkspaceContext,
    project_id: str,
    body: OpsRequest,
    preprocessors: Sequence[RenderPreprocessor],
) -> OpsResult:
    """All ops or none; the new version is saved with its violations reported."""
    project, base = _next_version(session, ctx, project_id, body.if_version)
    edit = apply_ops(base.document, body.ops, WorkspaceTranscripts(session, settings, ctx))
    ops = [op.model_dump(mode="json", exclude_none=True) for op in body.ops]
    return _saved(session, ctx, project, edit, ops, body.author, preprocessors)


def revert(
    session: Session,
    ctx: WorkspaceContext,
    project_id: str,
    body: RevertRequest,
    preprocessors: Sequence[RenderPreprocessor],
) -> OpsResult:
    """A new version with the content of an earlier one (its request and its variables)."""
    _, old = get_version(session, ctx, project_id, body.version)
    project, base = _next_version(session, ctx, project_id, body.if_version)
    restore = ReplaceRequest(
        op="replace_request", render_request=old.document.get("render_request") or {}
    )
    edit = apply_ops(base.document, [restore], None)
    edit.variables = dict(old.document.get("variables") or {})
    ops = [{"op": "revert", "version": body.version}]
    return _saved(session, ctx, project, edit, ops, body.author, preprocessors)


def check_renderable(row: ProjectVersion) -> None:
    """422 `project_invalid` listing the error violations of a version, if any (the rest of
    the validation is the render submission's own)."""
    request = row.document.get("render_request") or {}
    errors = soft_errors(
        templates.substitute(request, templates.sample_values(declarations(row.document)))
    )
    if errors:
        raise ProjectInvalid(
            f"version {row.version} has errors; fix them with ops before rendering",
            details=errors,
        )


def render_request_of(
    session: Session,
    ctx: WorkspaceContext,
    project_id: str,
    version: int | None,
    values: Mapping[str, Any],
    *,
    metadata: Mapping[str, str] | None = None,
    webhook_url: str | None = None,
    samples_for_missing: bool = False,
) -> dict[str, Any]:
    """The render request of a version with these variable values (422 naming any unknown,
    missing or mistyped variable; 422 `project_invalid` while it has error violations); the
    job's metadata records the project and version. `samples_for_missing` (dry runs): a
    required variable without a value gets a stand-in of its type instead of a 422."""
    _, row = get_version(session, ctx, project_id, version)
    check_renderable(row)
    decls = declarations(row.document)
    if samples_for_missing:
        values = {**templates.sample_values(decls), **values}
    resolved, problems = templates.resolve_values(decls, values)
    templates.raise_problems(problems)
    return with_values(row, resolved, metadata=metadata, webhook_url=webhook_url)


def with_values(
    row: ProjectVersion,
    resolved: Mapping[str, Any],
    *,
    metadata: Mapping[str, str] | None = None,
    webhook_url: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = templates.substitute(row.document.get("render_request") or {}, resolved)
    body["metadata"] = {
        **(body.get("metadata") or {}),
        **(metadata or {}),
        "project_id": row.project_id,
        "project_version": str(row.version),
    }
    if webhook_url is not None:
        body["webhook_url"] = webhook_url
    return body


def delete_workspace_projects(session: Session, _settings: Settings, workspace_id: str) -> None:
    """Workspace-delete hook: projects, every version, batches."""
    ProjectRepository.from_session(session).delete_workspace_rows(workspace_id)


def expand_project_render(
    session: Session, ctx: WorkspaceContext, body: dict[str, Any]
) -> dict[str, Any]:
    """Render preprocessor: `{"project_id", "version"?, "variables"?, …}` on `POST /v1/renders`
    (and `/v1/preview`) becomes that version's request with the values. It must run before
    the brand-tokens preprocessor: variables resolve first, tokens after."""
    if "project_id" not in body:
        return body
    try:
        parsed = ProjectRenderBody.model_validate(body)
    except PydanticError as exc:
        raise ValidationFailed(
            "a project render takes project_id, version, variables, metadata and webhook_url "
            "(not an inline composition)",
            details=[
                {"loc": list(e["loc"]), "msg": str(e["msg"]), "type": str(e["type"])}
                for e in exc.errors(include_url=False)
            ],
        ) from None
    return render_request_of(
        session,
        ctx,
        parsed.project_id,
        parsed.version,
        parsed.variables,
        metadata=parsed.metadata,
        webhook_url=parsed.webhook_url,
    )
