"""The `ingesting` step (`ingest_external: true`): copy external sources into storage first.

The worker holds a renewed lease while copying, so a duplicate delivery waits its turn and the
reaper can hand the step to another worker if this one dies.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from framelane.core.errors import FramelaneError
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import sessionmaker_for
from framelane.jobs import states
from framelane.jobs.repository import JobRepository
from framelane.jobs.runner_support import fail, job_session, worker_id
from framelane.jobs.watch import POLL_SECONDS
from framelane.kit.feature import SourceCopier

log = logging.getLogger("framelane.jobs.ingesting")


class IngestLease:
    """Renews the ingest lease every third of a lease, and notices within `POLL_SECONDS`
    when the job stops being `ingesting` (cancelled), until stopped."""

    def __init__(self, settings: Settings, job_id: str, worker: str) -> None:
        self.settings, self.job_id, self.worker = settings, job_id, worker
        self.cancelled = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"ingest-{job_id}")

    def __enter__(self) -> IngestLease:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=5)

    def should_stop(self) -> bool:
        return self.cancelled

    def _loop(self) -> None:
        every = max(self.settings.job_lease_seconds / 3.0, 0.5)
        renewed = time.monotonic()
        while not self._done.wait(POLL_SECONDS):
            try:
                with sessionmaker_for(self.settings.resolved_database_url)() as session:
                    repo = JobRepository.from_session(session)
                    if time.monotonic() - renewed >= every:
                        renewed = time.monotonic()
                        until = utcnow() + timedelta(seconds=self.settings.job_lease_seconds)
                        repo.renew_ingest(self.job_id, self.worker, until)
                        session.commit()
                    control = repo.control(self.job_id)
            except Exception:  # retry at the next tick
                continue
            if control is None or control[0] != "ingesting":
                self.cancelled = True
                return


def ingest_if_needed(settings: Settings, copier: SourceCopier | None, job_id: str) -> bool:
    """True when the job may go on to be claimed (it is, or now is, `queued`). `copier`: the
    feature that copies external sources (none: an `ingesting` job fails, unsupported)."""
    me = worker_id()
    with job_session(settings) as session:
        repo = JobRepository.from_session(session)
        job = repo.get(job_id)
        if job is None or job.status != "ingesting":
            return True
        now = utcnow()
        if not repo.claim_ingest(
            job_id, me, now, now + timedelta(seconds=settings.job_lease_seconds)
        ):
            return False  # another worker is copying the sources
    if copier is None:
        fail(
            settings,
            job_id,
            None,
            "capability_unsupported",
            "ingest_external is not available on this server.",
        )
        return False
    try:
        with IngestLease(settings, job_id, me) as lease:
            return _ingest(settings, copier, job_id, lease)
    except FramelaneError as exc:
        fail(settings, job_id, None, exc.code, exc.message)
    except Exception as exc:
        log.exception("ingest crashed", extra={"job_id": job_id})
        fail(settings, job_id, None, "internal_error", f"Ingest failed: {type(exc).__name__}")
    return False


def _ingest(settings: Settings, copier: SourceCopier, job_id: str, lease: IngestLease) -> bool:
    with job_session(settings) as session:
        job = JobRepository.from_session(session).get(job_id)
        if job is None or job.status != "ingesting":
            return False
        workspace_id, request = job.workspace_id, job.request
    # Downloads run outside any transaction and stop when the job is cancelled.
    copied = copier.copy(settings, workspace_id, request, lease.should_stop)
    with job_session(settings) as session:
        job = JobRepository.from_session(session).get(job_id)
        if job is None or job.status != "ingesting":
            copier.discard(settings, copied)
            return False
        copier.attach(session, settings, job, copied)
        return (
            states.move(
                session,
                settings,
                job_id,
                "queued",
                values={"enqueued_at": utcnow(), "lease_expires_at": None, "worker_id": None},
            )
            is not None
        )
