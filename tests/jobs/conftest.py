"""Jobs of a test task type run by a real runner, straight through the job machinery."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from framelane.core.events import DomainEvent
from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import session_scope
from framelane.jobs.models import Job
from framelane.jobs.repository import JobRepository
from framelane.kit.feature import Feature
from framelane.kit.running import RunContext, RunResult
from framelane.kit.wiring import Wiring

EVENTS: list[DomainEvent] = []
GATE_OPEN = threading.Event()


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


def gate(_session: object, job: object) -> bool:
    """Holds back jobs whose request says `gated` until `GATE_OPEN` is set."""
    return getattr(job, "request", {}).get("gated") is not True or GATE_OPEN.is_set()


class NothingToCopy:
    """A source copier for the `ingesting` step of these tests' jobs: they have no sources."""

    copied: list[str] = []

    def copy(
        self, _settings: Settings, workspace_id: str, _request: Any, _stop: Callable[[], bool]
    ) -> str:
        self.copied.append(workspace_id)
        return workspace_id

    def attach(self, _session: Session, _settings: Settings, _job: Job, _copied: Any) -> None:
        return None

    def discard(self, _settings: Settings, _copied: Any) -> None:
        return None


# The feature these tests run jobs with: one runner, one gate, one subscriber, one copier.
ECHO = Feature(
    name="jobs_test",
    runners={"jobs_test.echo": echo_runner},
    readiness_gates=(gate,),
    event_subscribers=(record_event,),
    source_copier=NothingToCopy(),
)
WIRING = Wiring.of([ECHO])


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
def settings(settings: Settings) -> Settings:
    """The shared settings; sessions on its database publish to `record_event`."""
    WIRING.bind_events(settings.resolved_database_url)
    return settings


@pytest.fixture
def fast_settings(settings: Settings) -> Iterator[Settings]:
    yield settings.model_copy(update={"job_lease_seconds": 2, "job_max_attempts": 2})
