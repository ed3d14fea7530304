"""The reaper: no job stays `processing` after its worker died, none stays lost in the queue.

A `processing` job whose lease expired goes back to `queued` while attempts remain, otherwise
it fails with `worker_lost`. An `ingesting` job whose worker died is released and enqueued
again (copying sources is safe to repeat). A `queued` job the queue may have lost (a Redis
restart, an enqueue that failed after commit) is enqueued again; a duplicate id is harmless
(claims are atomic).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.unit_of_work import after_commit
from framelane.jobs import queue, states
from framelane.jobs.repository import JobRepository
from framelane.jobs.runner_support import job_session

log = logging.getLogger("framelane.jobs.reaper")


def requeue_after(settings: Settings) -> timedelta:
    return timedelta(seconds=max(settings.job_lease_seconds * 4, 20))


def reap(settings: Settings) -> dict[str, int]:
    """One pass; returns how many jobs were re-queued, failed and re-enqueued."""
    counts = {"requeued": 0, "failed": 0, "reenqueued": 0}
    now = utcnow()
    with job_session(settings) as session:
        repo = JobRepository.from_session(session)
        for job in repo.expired_leases(now):
            if job.attempts < settings.job_max_attempts:
                if states.move(
                    session,
                    settings,
                    job.id,
                    "queued",
                    attempt=job.attempts,
                    values={"enqueued_at": now, "worker_id": None, "lease_expires_at": None},
                ):
                    counts["requeued"] += 1
                    after_commit(session, _enqueue_later(settings, job.id))
            elif states.move(
                session,
                settings,
                job.id,
                "failed",
                attempt=job.attempts,
                values=states.failure(
                    "worker_lost",
                    f"The worker running this job stopped responding ({job.attempts} attempt(s)).",
                ),
            ):
                counts["failed"] += 1
        stale = [job.id for job in repo.stale_waiting(now - requeue_after(settings))]
        repo.mark_enqueued(stale, now)
        stale += repo.release_expired_ingests(now)
        for job_id in stale:
            after_commit(session, _enqueue_later(settings, job_id))
        counts["reenqueued"] = len(stale)
    if any(counts.values()):
        log.warning("reaper pass", extra=counts)
    return counts


def _enqueue_later(settings: Settings, job_id: str) -> Callable[[], None]:
    return lambda: queue.enqueue(settings, job_id)


class ReaperThread:
    """Runs `reap` every third of a lease inside each consumer (embedded or worker)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.interval = max(settings.job_lease_seconds / 3.0, 1.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="framelane-reaper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                reap(self.settings)
            except Exception:  # keep reaping after a transient database error
                log.exception("reaper pass failed")
