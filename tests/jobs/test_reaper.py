"""The reaper and retention: no job stays `processing` or lost; old artifacts go."""

from __future__ import annotations

from datetime import timedelta

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import session_scope
from framelane.jobs.models import Job
from framelane.jobs.queue import queue_for
from framelane.jobs.reaper import reap
from framelane.jobs.repository import JobRepository
from framelane.jobs.retention import purge_expired_artifacts
from framelane.jobs.runner import _claim, execute_job
from framelane.storage.factory import storage_for
from tests.fixtures.identity import VerifiedWorkspace
from tests.jobs.conftest import WIRING, add_job, events_of, load


def expire_lease(settings: Settings, job_id: str) -> None:
    with session_scope(settings.resolved_database_url) as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.lease_expires_at = utcnow() - timedelta(seconds=1)


def test_a_lost_job_is_requeued_then_fails_worker_lost(
    fast_settings: Settings, workspace: VerifiedWorkspace
) -> None:
    # Given a job whose worker died after claiming it (its lease expires)
    job_id = add_job(fast_settings, workspace.id)
    assert _claim(fast_settings, WIRING, job_id) is not None
    assert reap(fast_settings)["requeued"] == 0  # the lease is still valid
    expire_lease(fast_settings, job_id)
    # When the reaper runs, the job goes back to the queue for a second attempt
    assert reap(fast_settings)["requeued"] == 1
    job = load(fast_settings, job_id)
    assert job.status == "queued" and job.attempts == 1 and job.lease_expires_at is None
    assert job_id in [t.args[0] for t in queue_for(fast_settings).huey.pending()]
    # And when the second worker dies too, the job fails with worker_lost
    assert _claim(fast_settings, WIRING, job_id) is not None
    expire_lease(fast_settings, job_id)
    assert reap(fast_settings)["failed"] == 1
    job = load(fast_settings, job_id)
    assert job.status == "failed" and job.attempts == 2
    assert job.error == {"code": "worker_lost", "message": job.error["message"]}  # type: ignore[index]
    assert events_of(job_id)[-1] == "task.failed"


def test_a_requeued_job_completes_once(
    fast_settings: Settings, workspace: VerifiedWorkspace
) -> None:
    job_id = add_job(fast_settings, workspace.id)
    assert _claim(fast_settings, WIRING, job_id) is not None
    expire_lease(fast_settings, job_id)
    reap(fast_settings)
    execute_job(fast_settings, WIRING, job_id)
    job = load(fast_settings, job_id)
    assert job.status == "completed" and job.attempts == 2
    assert events_of(job_id).count("task.completed") == 1


def test_a_queued_job_the_queue_lost_is_enqueued_again(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    old = utcnow() - timedelta(minutes=10)
    job_id = add_job(settings, workspace.id, enqueued_at=old)
    fresh = add_job(settings, workspace.id)
    counts = reap(settings)
    assert counts["reenqueued"] == 1
    pending = [t.args[0] for t in queue_for(settings).huey.pending()]
    assert job_id in pending and fresh not in pending
    assert reap(settings)["reenqueued"] == 0  # enqueued_at was refreshed


def test_retention_removes_old_artifacts(settings: Settings, workspace: VerifiedWorkspace) -> None:
    old, recent = add_job(settings, workspace.id), add_job(settings, workspace.id)
    crashed = add_job(settings, workspace.id, {"fail": "crash"})
    for job_id in (old, recent, crashed):
        execute_job(settings, WIRING, job_id)
    storage = storage_for(settings)
    leftover = f"{workspace.id}/jobs/{crashed}/partial.bin"  # what a killed attempt left
    storage.put_stream(leftover, [b"x"], "application/octet-stream", 10)
    with session_scope(settings.resolved_database_url) as session:
        for job_id in (old, crashed):
            job = session.get(Job, job_id)
            assert job is not None
            job.completed_at = utcnow() - timedelta(days=settings.artifact_retention_days + 1)
    assert purge_expired_artifacts(settings) == 2
    assert not storage.exists(f"{workspace.id}/jobs/{old}/out.txt")
    assert not storage.exists(leftover)
    assert storage.exists(f"{workspace.id}/jobs/{recent}/out.txt")
    assert load(settings, old).artifacts_purged_at is not None
    assert purge_expired_artifacts(settings) == 0


def test_an_ingest_whose_worker_died_is_handed_to_another(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    # Given an ingesting job whose worker took the step and then died (lease expired)
    job_id = add_job(settings, workspace.id, status="ingesting")
    with session_scope(settings.resolved_database_url) as session:
        repo = JobRepository.from_session(session)
        now = utcnow()
        assert repo.claim_ingest(job_id, "dead:1:1", now, now + timedelta(seconds=30))
        # a second delivery meanwhile does not take it
        assert not repo.claim_ingest(job_id, "other:2:2", now, now + timedelta(seconds=30))
    assert reap(settings)["reenqueued"] == 0  # its lease is still valid
    expire_lease(settings, job_id)
    # When the reaper runs, the step is released and enqueued again
    assert reap(settings)["reenqueued"] == 1
    job = load(settings, job_id)
    assert job.status == "ingesting" and job.lease_expires_at is None
    assert job_id in [t.args[0] for t in queue_for(settings).huey.pending()]
    # And the next delivery copies (nothing to copy here) and renders it
    execute_job(settings, WIRING, job_id)
    assert load(settings, job_id).status == "completed"
