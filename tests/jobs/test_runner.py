"""The generic job machinery: claim, run, store, complete or fail, with events and usage."""

from __future__ import annotations

import threading
import time

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import session_scope
from framelane.jobs import states
from framelane.jobs.queue import queue_for
from framelane.jobs.runner import RunResult, _claim, _complete, execute_job
from framelane.jobs.watch import ProgressReporter
from framelane.storage.factory import storage_for
from framelane.usage.repository import UsageRepository, calendar_month
from tests.fixtures.identity import VerifiedWorkspace
from tests.jobs.conftest import EVENTS, GATE_OPEN, WIRING, add_job, events_of, load


def test_a_job_runs_to_completion_with_events_and_usage(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    job_id = add_job(settings, workspace.id, {"text": "rendered bytes"})
    execute_job(settings, WIRING, job_id)
    job = load(settings, job_id)
    assert job.status == "completed" and job.attempts == 1 and job.progress_percent == 100
    assert job.output is not None and job.output["size_bytes"] == len("rendered bytes")
    assert job.warnings == [{"code": "note", "message": "echoed"}]
    key = job.output["key"]
    assert key == f"{workspace.id}/jobs/{job_id}/out.txt"
    assert b"".join(storage_for(settings).iter_bytes(key)) == b"rendered bytes"
    assert events_of(job_id) == ["task.processing", "task.progress", "task.completed"]
    completed = [e for e in EVENTS if e.subject_id == job_id][-1]
    assert completed.data["status"] == "completed" and completed.data["output"]["url"]
    assert completed.metadata == {"ref": "r1"} and completed.webhook_url.endswith("/hook")
    with session_scope(settings.resolved_database_url) as session:
        start, end = calendar_month(utcnow())
        assert UsageRepository.from_session(session).totals(workspace.id, start, end) == {
            "task": 1.0
        }


def test_engine_errors_keep_their_code_and_crashes_are_internal(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    engine = add_job(settings, workspace.id, {"fail": "engine"})
    crash = add_job(settings, workspace.id, {"fail": "crash"})
    execute_job(settings, WIRING, engine)
    execute_job(settings, WIRING, crash)
    assert load(settings, engine).error == {
        "code": "source_not_found",
        "message": "Source URL returned 404.",
    }
    assert load(settings, crash).error["code"] == "internal_error"  # type: ignore[index]
    assert events_of(crash)[-1] == "task.failed"
    assert not (settings.data_dir / "work" / f"{crash}-1").exists()


def test_a_duplicate_delivery_never_runs_a_job_twice(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    job_id = add_job(settings, workspace.id)
    execute_job(settings, WIRING, job_id)
    execute_job(settings, WIRING, job_id)
    assert load(settings, job_id).attempts == 1
    assert events_of(job_id).count("task.completed") == 1


def test_the_state_machine_refuses_moves_it_does_not_allow(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    job_id = add_job(settings, workspace.id)
    with session_scope(settings.resolved_database_url) as session:
        assert states.move(session, settings, job_id, "completed") is None
    claimed = _claim(settings, WIRING, job_id)
    assert claimed is not None and claimed.attempts == 1
    with session_scope(settings.resolved_database_url) as session:
        assert states.move(session, settings, job_id, "completed", attempt=2) is None
        assert states.move(session, settings, job_id, "failed", attempt=1) is not None
        assert states.move(session, settings, job_id, "cancelled") is None
    assert states.sources_of("ingesting") == ()
    assert load(settings, job_id).status == "failed"


def test_a_stale_attempt_cannot_complete(settings: Settings, workspace: VerifiedWorkspace) -> None:
    job_id = add_job(settings, workspace.id)
    job = _claim(settings, WIRING, job_id)
    assert job is not None
    with session_scope(settings.resolved_database_url) as session:
        states.move(session, settings, job_id, "queued", attempt=1)
    path = settings.data_dir / "x.txt"
    path.write_text("x")
    result = RunResult(path=path, content_type="text/plain", filename="x.txt")
    assert _complete(settings, job, 1, result, ["k"], 1) is False
    assert load(settings, job_id).status == "queued"


def test_progress_is_monotonic_and_evented_at_most_every_two_seconds(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    job_id = add_job(settings, workspace.id)
    assert _claim(settings, WIRING, job_id) is not None
    status_changed_at = load(settings, job_id).updated_at
    report = ProgressReporter(settings, job_id, 1)
    report("compositing", 40)
    report("encoding", 30)
    for step in range(20):
        report("encoding", 41 + step)
        time.sleep(0.03)
    job = load(settings, job_id)
    assert job.progress_stage == "encoding" and 40 <= job.progress_percent <= 60
    assert events_of(job_id).count("task.progress") == 1
    time.sleep(2.05)
    report("encoding", 90)
    assert events_of(job_id).count("task.progress") == 2
    job = load(settings, job_id)
    assert job.progress_percent == 90
    assert job.updated_at == status_changed_at  # the time of the last status change


def test_a_running_job_stops_when_cancelled(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    job_id = add_job(settings, workspace.id, {"sleep": 30})
    worker = threading.Thread(target=execute_job, args=(settings, WIRING, job_id))
    worker.start()
    deadline = time.monotonic() + 10
    while load(settings, job_id).status != "processing" and time.monotonic() < deadline:
        time.sleep(0.02)
    with session_scope(settings.resolved_database_url) as session:
        assert (
            states.move(session, settings, job_id, "cancelled", values={"cancel_requested": True})
            is not None
        )
    asked = time.monotonic()
    worker.join(timeout=5)
    assert not worker.is_alive() and time.monotonic() - asked < 2.0
    job = load(settings, job_id)
    assert job.status == "cancelled" and job.output is None
    assert not storage_for(settings).exists(f"{workspace.id}/jobs/{job_id}/out.txt")
    assert events_of(job_id)[-1] == "task.cancelled"


def test_a_job_running_too_long_fails_with_timeout(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    quick = settings.model_copy(update={"job_timeout_seconds": 1})
    job_id = add_job(settings, workspace.id, {"sleep": 30})
    started = time.monotonic()
    execute_job(quick, WIRING, job_id)
    assert time.monotonic() - started < 3
    job = load(settings, job_id)
    assert job.status == "failed" and job.error["code"] == "timeout"  # type: ignore[index]


def test_a_job_waits_for_its_readiness_gates(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    job_id = add_job(settings, workspace.id, {"gated": True})
    queue = queue_for(settings)
    waiting = queue.huey.pending()
    execute_job(settings, WIRING, job_id)
    assert load(settings, job_id).status == "queued"
    retries = [t for t in queue.huey.pending()[len(waiting) :] if t.args == (job_id,)]
    assert len(retries) == 1 and retries[0].eta is not None
    GATE_OPEN.set()
    try:
        execute_job(settings, WIRING, job_id)
    finally:
        GATE_OPEN.clear()
    assert load(settings, job_id).status == "completed"


def test_workers_take_workspaces_in_turn(settings: Settings, workspace: VerifiedWorkspace) -> None:
    from tests.fixtures.identity import make_workspace

    heavy = make_workspace(settings, name="Heavy", email="h@heavy.test", plan="enterprise")
    light = make_workspace(settings, name="Light", email="l@light.test", plan="enterprise")
    # Given a workspace that submitted four jobs, then another that submitted one after them
    many = [add_job(settings, heavy.id) for _ in range(4)]
    one = add_job(settings, light.id)
    # When one worker takes the messages in the order they were sent
    for job_id in [*many, one]:
        execute_job(settings, WIRING, job_id)
    for job_id in many:  # the messages of the jobs passed over come back
        execute_job(settings, WIRING, job_id)
    # Then the second workspace's job ran second, and the first's in their own order
    started = sorted([*many, one], key=lambda job_id: load(settings, job_id).started_at)
    assert started == [many[0], one, *many[1:]]
    assert all(load(settings, job_id).status == "completed" for job_id in [*many, one])
