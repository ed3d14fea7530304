"""Jobs of a test task type run by a real runner, straight through the job machinery."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from framelane.core.events import DomainEvent, subscribe
from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import session_scope
from framelane.jobs.models import Job
from framelane.jobs.repository import JobRepository
from framelane.jobs.runner import RunContext, RunResult, register_runner

EVENTS: list[DomainEvent] = []


@subscribe
def record_event(_session: Session, event: DomainEvent) -> None:
    EVENTS.append(event)


def events_of(job_id: str) -> list[str]:
    return [e.type for e in EVENTS if e.subject_id == job_id]


def echo_runner(ctx: RunContext) -> RunResult:
    """Writes the request's `text`, reporting progress; honours `sleep` and `fail`."""
    behaviour: dict[str, Any] = ctx.request
    if behaviour.get("fail") == "engine":
        from framelane.render.errors import SourceNotFound

        raise SourceNotFound("Source URL returned 404.")
    if behaviour.get("fail") == "crash":
        raise RuntimeError("boom")
    deadline = time.monotonic() + float(behaviour.get("sleep", 0))
    while time.monotonic() < deadline and not ctx.should_cancel():
        ctx.on_progress("compositing", 50.0)
        time.sleep(0.02)
    path = ctx.workdir / "out.txt"
    path.write_text(str(behaviour.get("text", "hello")))
    return RunResult(
        path=path,
        content_type="text/plain",
        filename="out.txt",
        duration=2.5,
        warnings=[{"code": "note", "message": "echoed"}],
    )


register_runner("jobs_test.echo", echo_runner)


def add_job(
    settings: Settings, workspace_id: str, request: dict[str, Any] | None = None, **values: Any
) -> str:
    now = utcnow()
    kind = values.pop("kind", "task")
    job = Job(
        id=new_id(kind),
        kind=kind,
        task_type="jobs_test.echo",
        workspace_id=workspace_id,
        status="queued",
        request=request or {},
        metadata_={"ref": "r1"},
        webhook_url="http://127.0.0.1:9/hook",
        warnings=[],
        estimated_seconds=0.0,
        enqueued_at=now,
        created_at=now,
        updated_at=now,
        progress_percent=0.0,
        attempts=0,
        cancel_requested=False,
        artifact_keys=[],
    )
    for name, value in values.items():
        setattr(job, name, value)
    with session_scope(settings.resolved_database_url) as session:
        JobRepository.from_session(session).add(job)
    return job.id


def load(settings: Settings, job_id: str) -> Job:
    with session_scope(settings.resolved_database_url) as session:
        job = JobRepository.from_session(session).get(job_id)
        assert job is not None
        session.expunge(job)
        return job


@pytest.fixture
def fast_settings(settings: Settings) -> Iterator[Settings]:
    yield settings.model_copy(update={"job_lease_seconds": 2, "job_max_attempts": 2})
