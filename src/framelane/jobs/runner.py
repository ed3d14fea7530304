"""Running one job: claim it, run its runner, upload the artifact, finish it.

The runner of a kind or task type is a plain function `fn(ctx) -> RunResult`
(`framelane.kit.running`), declared by a feature and handed over in the process's `Wiring`;
everything around it (lease, cancellation, progress, storage, events, usage) lives here.
"""

from __future__ import annotations

import logging
import shutil
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from framelane.core.errors import FramelaneError
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.unit_of_work import after_commit
from framelane.jobs import queue, quotas, states
from framelane.jobs.ingesting import ingest_if_needed
from framelane.jobs.models import Job
from framelane.jobs.repository import JobRepository
from framelane.jobs.runner_support import fail, job_session, worker_id
from framelane.jobs.service import is_ready
from framelane.jobs.watch import JobStopped, LeaseWatch, ProgressReporter, shutting_down
from framelane.kit.running import RunContext, Runner, RunResult
from framelane.kit.wiring import Wiring
from framelane.storage.factory import storage_for
from framelane.storage.keys import artifact_key
from framelane.usage.repository import UsageRepository

log = logging.getLogger("framelane.jobs.runner")
GATE_RETRY_SECONDS = 1.0


def runner_for(wiring: Wiring, job: Job) -> Runner | None:
    """The runner of the job's task type, else of its kind."""
    if job.task_type and job.task_type in wiring.runners:
        return wiring.runners[job.task_type]
    return wiring.runners.get(job.kind)


def execute_job(settings: Settings, wiring: Wiring, job_id: str) -> None:
    """The queue task: claim the job if it is still queued and run it to a terminal status."""
    if shutting_down(settings):  # taken from the queue while this process stops: put it back
        queue.enqueue(settings, job_id)
        return
    claimed = _claim(settings, wiring, job_id)
    if claimed is not None:
        _run_claimed(settings, wiring, claimed)


def _claim(settings: Settings, wiring: Wiring, job_id: str) -> Job | None:
    if not ingest_if_needed(settings, wiring.source_copier, job_id):
        return None
    with job_session(settings) as session:
        repo = JobRepository.from_session(session)
        job = repo.get(job_id)
        if job is None or job.status != "queued":
            return None  # already taken, finished or cancelled: a duplicate delivery
        if not is_ready(session, wiring.readiness_gates, job):
            after_commit(session, lambda: queue.enqueue(settings, job_id, GATE_RETRY_SECONDS))
            return None
        now = utcnow()
        chosen = _fairest(session, settings, wiring, repo, job, now)
        # One workspace lock per claim (taken by may_start), so two claims never deadlock.
        if not quotas.may_start(session, settings, chosen.workspace_id):
            if chosen.id != job_id:  # lost a race for that workspace's last slot: later
                after_commit(session, lambda: queue.enqueue(settings, job_id, GATE_RETRY_SECONDS))
                return None
            # Waits in `queued`, holding no worker and no message: the job of its workspace
            # that ends next enqueues it again (states.move), and the reaper after a while.
            repo.mark_enqueued([job_id], now)
            return None
        if chosen.id != job_id:  # this message's job runs later, on a message of its own
            after_commit(session, lambda: queue.enqueue(settings, job_id))
        lease = now + timedelta(seconds=settings.job_lease_seconds)
        if not repo.claim(chosen.id, worker_id(), now, lease):
            return None
        job = repo.get(chosen.id)
        assert job is not None
        states.publish_job_event(session, settings, job, "processing")
        session.expunge(job)
        return job


FAIRNESS_WINDOW = timedelta(hours=1)
"""How far back a workspace's last start counts when choosing whose job runs next."""


def _fairest(
    session: Session,
    settings: Settings,
    wiring: Wiring,
    repo: JobRepository,
    job: Job,
    now: datetime,
) -> Job:
    """The job a free worker should start instead of `job`: the oldest waiting job of a
    workspace served less recently than `job`'s (none started a job in the window, or its
    last start is older) and below its concurrency limit, else the oldest waiting job of
    `job`'s workspace. Workers thus take workspaces in turn rather than in submission order.
    `job` itself when the choice is not ready. Reads only: no lock is taken here."""
    since = now - FAIRNESS_WINDOW
    for candidate_id in repo.queued_of_less_served_workspaces(job.workspace_id, since):
        candidate = repo.get(candidate_id)
        if (
            candidate is not None
            and quotas.below_limit(session, settings, candidate.workspace_id)
            and is_ready(session, wiring.readiness_gates, candidate)
        ):
            return candidate
    oldest_id = repo.oldest_queued(job.workspace_id)
    if oldest_id is None or oldest_id == job.id:
        return job
    oldest = repo.get(oldest_id)
    if oldest is None or not is_ready(session, wiring.readiness_gates, oldest):
        return job
    return oldest


def _run_claimed(settings: Settings, wiring: Wiring, job: Job) -> None:
    attempt = job.attempts
    workdir = settings.data_dir / "work" / f"{job.id}-{attempt}"
    workdir.mkdir(parents=True, exist_ok=True)
    watch = LeaseWatch(settings, job.id, attempt)
    progress = ProgressReporter(settings, job.id, attempt)
    ctx = RunContext(
        job.id,
        job.workspace_id,
        job.kind,
        job.task_type,
        dict(job.request),
        dict(job.metadata_ or {}),
        attempt,
        settings,
        workdir,
        progress,
        watch.should_stop,
    )
    watch.start()
    try:
        runner = runner_for(wiring, job)
        if runner is None:
            raise FramelaneError(
                f"No runner for {job.task_type or job.kind!r}.", code="capability_unsupported"
            )
        result = runner(ctx)
        watch.check()
        progress("uploading", max(progress.percent, 95.0))
        _store_and_complete(settings, job, attempt, result, watch)
    except JobStopped:
        _after_stop(settings, job.id, attempt, watch)
    except FramelaneError as exc:
        if watch.should_stop() or exc.code == "cancelled":
            _after_stop(settings, job.id, attempt, watch)
        else:
            fail(settings, job.id, attempt, exc.code, exc.message)
    except Exception as exc:
        log.exception("job crashed", extra={"job_id": job.id})
        fail(
            settings,
            job.id,
            attempt,
            "internal_error",
            f"The {job.kind} failed unexpectedly ({type(exc).__name__}).",
        )
    finally:
        watch.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _store_and_complete(
    settings: Settings, job: Job, attempt: int, result: RunResult, watch: LeaseWatch
) -> None:
    storage = storage_for(settings)
    key = artifact_key(job.workspace_id, job.id, result.filename)
    keys = [key]
    size = storage.put_file(key, result.path, result.content_type)
    for filename, path, content_type in result.extra_files:
        extra_key = artifact_key(job.workspace_id, job.id, filename)
        storage.put_file(extra_key, path, content_type)
        keys.append(extra_key)
    if watch.should_stop() or not _complete(settings, job, attempt, result, keys, size):
        for stored in keys:
            storage.delete(stored)
        if watch.should_stop():
            raise JobStopped(watch.reason)


def _complete(
    settings: Settings, job: Job, attempt: int, result: RunResult, keys: list[str], size: int
) -> bool:
    output: dict[str, Any] = {
        **result.extra,
        "key": keys[0],
        "filename": result.filename,
        "width": result.width,
        "height": result.height,
        "duration": result.duration,
        "size_bytes": size,
        "content_type": result.content_type,
    }
    with job_session(settings) as session:
        done = states.move(
            session,
            settings,
            job.id,
            "completed",
            attempt=attempt,
            values={
                "output": output,
                "artifact_keys": keys,
                "progress_percent": 100.0,
                "warnings": list(job.warnings or []) + list(result.warnings),
            },
        )
        if done is None:
            return False
        usage = UsageRepository.from_session(session)
        if job.kind == "render":
            usage.record(job.workspace_id, "render_seconds", float(result.duration or 0), job.id)
        else:
            usage.record(job.workspace_id, "task", 1.0, job.id)
        return True


def _after_stop(settings: Settings, job_id: str, attempt: int, watch: LeaseWatch) -> None:
    if watch.reason == "shutdown":
        _hand_back(settings, job_id, attempt)
    elif watch.reason == "timeout":
        fail(
            settings,
            job_id,
            attempt,
            "timeout",
            f"The job ran longer than {settings.job_timeout_seconds} s.",
        )


def _hand_back(settings: Settings, job_id: str, attempt: int) -> None:
    """A graceful stop returns the job to the queue without spending an attempt."""
    with job_session(settings) as session:
        if states.move(
            session,
            settings,
            job_id,
            "queued",
            attempt=attempt,
            values={
                "attempts": attempt - 1,
                "enqueued_at": utcnow(),
                "lease_expires_at": None,
                "worker_id": None,
                "progress_percent": 0.0,
                "progress_stage": None,
            },
        ):
            after_commit(session, lambda: queue.enqueue(settings, job_id))
