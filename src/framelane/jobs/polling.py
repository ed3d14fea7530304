"""`GET /v1/renders/{id}` and `GET /v1/tasks/{id}`: one Job read, shared by both.

The hot polling path: one primary-key read on the event loop (no thread hop), serialised once.
With `wait`, a long-poll that holds no database lock; its commit may write (the key's last use),
so it runs off the loop.
"""

from __future__ import annotations

import anyio
from fastapi.responses import Response
from sqlalchemy.orm import Session

from framelane.core.errors import NotFound
from framelane.core.settings import Settings
from framelane.db import unit_of_work
from framelane.jobs import service
from framelane.jobs.models import Job
from framelane.jobs.schemas import JobOut, job_out
from framelane.kit.context import WorkspaceContext
from framelane.storage.factory import storage_for


def present(job: Job, settings: Settings) -> JobOut:
    return job_out(job, storage_for(settings), settings.download_url_ttl_seconds)


def as_json(job: Job, settings: Settings) -> Response:
    """The JobOut, serialised once (no second validation of the model)."""
    return Response(present(job, settings).model_dump_json(), media_type="application/json")


async def job_response(
    session: Session, settings: Settings, ctx: WorkspaceContext, job_id: str, kind: str, wait: float
) -> Response:
    """The Job; with `wait`, answered once it is terminal or after `wait` seconds."""
    job = service.get_job(session, ctx, job_id, kind)
    if wait <= 0 or job.is_terminal:
        return as_json(job, settings)
    await anyio.to_thread.run_sync(unit_of_work.commit, session)
    waited = await service.wait_for_job(settings, ctx.id, job_id, kind, wait)
    if waited is None:
        raise NotFound(f"No {kind} {job_id!r} in this workspace.")
    return as_json(waited, settings)
