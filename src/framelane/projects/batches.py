"""Batch renders: one project version, many variable sets (JSON rows or a CSV whose header
names the variables), one render job per row.

Every row is checked (its variables, then its render request) before any job exists; the
errors name the row and the variable. Plan quotas are checked once for the batch as a whole:
its render minutes together, and one submission slot. When the last job of a batch reaches a
terminal status, `batch.completed` is published (a webhook event) in that same transaction:
each job's final transition bumps the batch's `terminal` count under the batch row's lock, so
exactly one transition sees the count reach the total.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy.orm import Session

from framelane.core.errors import FramelaneError, NotFound, ValidationFailed
from framelane.core.events import DomainEvent, publish
from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.jobs import quotas
from framelane.jobs.models import TERMINAL_STATUSES
from framelane.kit.context import WorkspaceContext
from framelane.kit.wiring import Wiring
from framelane.projects import service
from framelane.projects import variables as templates
from framelane.projects.models import Batch
from framelane.projects.repository import ProjectRepository
from framelane.projects.schemas import MAX_BATCH_ROWS, BatchCreate, BatchJobOut, BatchOut
from framelane.renders import service as renders

MAX_REPORTED_PROBLEMS = 200
COMPLETED_EVENT = "batch.completed"


class InvalidCsv(ValidationFailed):
    """Raised when an uploaded CSV cannot be read as a header row plus data rows."""

    code = "invalid_csv"


def rows_of_csv(data: bytes) -> list[dict[str, str]]:
    """Data rows keyed by the header's variable names (row numbers start at 1 after it)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidCsv("the CSV must be UTF-8 text") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or not any(name.strip() for name in header):
        raise InvalidCsv("the CSV needs a header row naming the variables")
    names = [name.strip() for name in header]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidCsv(f"the header names {', '.join(duplicates)} more than once")
    rows: list[dict[str, str]] = []
    for number, cells in enumerate(reader, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            raise InvalidCsv(
                f"row {number} has {len(cells)} cells; the header has {len(names)}",
                details=[
                    {
                        "row": number,
                        "loc": ["csv", number],
                        "msg": "cell count",
                        "type": "invalid_csv",
                    }
                ],
            )
        rows.append(dict(zip(names, cells, strict=True)))
    if not rows or len(rows) > MAX_BATCH_ROWS:
        raise InvalidCsv(f"a batch has 1 to {MAX_BATCH_ROWS} rows; this CSV has {len(rows)}")
    return rows


def _row_failure(number: int, exc: FramelaneError) -> list[dict[str, Any]]:
    details = exc.details if isinstance(exc.details, list) else [{"msg": exc.message}]
    return [
        {
            **d,
            "row": number,
            "type": d.get("type", exc.code),
            "msg": f"row {number}: {d.get('msg', exc.message)}",
        }
        for d in details
        if isinstance(d, dict)
    ]


def create_batch(
    session: Session,
    settings: Settings,
    ctx: WorkspaceContext,
    project_id: str,
    body: BatchCreate,
    wiring: Wiring,
    *,
    from_text: bool = False,
) -> Batch:
    """Check every row, then the quotas for all of them, then create the jobs."""
    _, version = service.get_version(session, ctx, project_id, body.version)
    service.check_renderable(version)
    decls = service.declarations(version.document)
    batch_id = new_id("batch")
    metadata = {**(body.metadata or {}), "batch_id": batch_id}
    problems: list[dict[str, Any]] = []
    prepared = []
    for number, given in enumerate(body.rows, start=1):
        values, found = templates.resolve_values(decls, given, row=number, from_text=from_text)
        problems += found
        if found:
            continue
        request = service.with_values(
            version, values, metadata=metadata, webhook_url=body.webhook_url
        )
        try:
            prepared.append(renders.prepare(session, settings, ctx, request, wiring))
        except FramelaneError as exc:
            if exc.status_code != 422:
                raise
            problems += _row_failure(number, exc)
    if problems:
        raise ValidationFailed(
            f"{len(problems)} problem(s) in the batch; no job was created. First: "
            + problems[0]["msg"],
            code="invalid_variables" if all("variable" in p for p in problems) else "invalid_batch",
            details=problems[:MAX_REPORTED_PROBLEMS],
        )
    total_seconds = sum(p.seconds for p in prepared)
    quotas.check_submission(
        session, settings, ctx.workspace, "render", total_seconds, count=len(prepared)
    )
    jobs = [renders.create(session, settings, ctx, p, wiring, quota_checked=True) for p in prepared]
    now = utcnow()
    batch = Batch(
        id=batch_id,
        workspace_id=ctx.id,
        project_id=project_id,
        project_version=version.version,
        total=len(jobs),
        terminal=0,
        created_at=now,
        updated_at=now,
    )
    return ProjectRepository.from_session(session).add_batch(
        batch, [(number, job.id) for number, job in enumerate(jobs, start=1)]
    )


def batch_out(session: Session, batch: Batch, *, with_jobs: bool = True) -> BatchOut:
    repo = ProjectRepository.from_session(session)
    rows = repo.batch_jobs(batch.id)
    counts: dict[str, int] = {}
    for _, _, status in rows:
        counts[status] = counts.get(status, 0) + 1
    return BatchOut(
        id=batch.id,
        project_id=batch.project_id,
        project_version=batch.project_version,
        total=batch.total,
        status="completed" if batch.completed_at is not None else "running",
        counts=counts,
        created_at=batch.created_at,
        completed_at=batch.completed_at,
        jobs=[BatchJobOut(row=r, id=j, status=s) for r, j, s in rows] if with_jobs else [],
    )


def get_batch(session: Session, ctx: WorkspaceContext, batch_id: str) -> Batch:
    batch = ProjectRepository.from_session(session).batch(ctx.id, batch_id)
    if batch is None:
        raise NotFound(f"No batch {batch_id!r} in this workspace.")
    return batch


def count_finished_job(session: Session, event: DomainEvent) -> None:
    """Event subscriber: a render of a batch reached a terminal status."""
    kind, _, status = event.type.partition(".")
    if kind != "render" or status not in TERMINAL_STATUSES or event.subject_id is None:
        return
    repo = ProjectRepository.from_session(session)
    batch_id = repo.batch_of_job(event.subject_id)
    if batch_id is None:
        return
    repo.count_terminal(batch_id)
    if not repo.finish_batch(batch_id, utcnow()):
        return
    batch = repo.batch(event.workspace_id, batch_id)
    assert batch is not None
    publish(
        session,
        DomainEvent(
            type=COMPLETED_EVENT,
            workspace_id=batch.workspace_id,
            data=batch_out(session, batch).model_dump(mode="json"),
            metadata={"project_id": batch.project_id, "batch_id": batch.id},
            subject_id=batch.id,
        ),
    )
