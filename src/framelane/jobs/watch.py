"""What a running job watches: its lease (renewed), a DELETE, a reaper take-over, a timeout;
and its progress (written at most every 0.5 s, published at most every 2 s)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import sessionmaker_for
from framelane.db.unit_of_work import commit
from framelane.jobs import states
from framelane.jobs.models import STAGES
from framelane.jobs.repository import JobRepository

POLL_SECONDS = 0.4
PROGRESS_WRITE_SECONDS = 0.5
PROGRESS_EVENT_SECONDS = 2.0


_shutting_down: set[tuple[str, str]] = set()


def _queue_key(settings: Settings) -> tuple[str, str]:
    return (settings.resolved_queue_url, settings.resolved_database_url)


def begin_shutdown(settings: Settings) -> None:
    """Jobs this process runs for this queue hand themselves back (see runner `_hand_back`)."""
    _shutting_down.add(_queue_key(settings))


def end_shutdown(settings: Settings) -> None:
    _shutting_down.discard(_queue_key(settings))


def shutting_down(settings: Settings) -> bool:
    return _queue_key(settings) in _shutting_down


class JobStopped(Exception):
    """Raised inside a runner when the job must stop (cancelled, timed out or taken over)."""


class LeaseWatch:
    """A daemon thread that renews the lease and notices when the job must stop."""

    def __init__(self, settings: Settings, job_id: str, attempt: int) -> None:
        self.settings = settings
        self.job_id = job_id
        self.attempt = attempt
        self.reason: str | None = None  # cancelled | lost | timeout | shutdown
        self._done = threading.Event()
        self._deadline = time.monotonic() + settings.job_timeout_seconds
        self._renew_every = max(settings.job_lease_seconds / 3.0, 0.5)
        self._thread = threading.Thread(target=self._loop, name=f"lease-{job_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=5)

    def should_stop(self) -> bool:
        if self.reason is None and shutting_down(self.settings):
            self.reason = "shutdown"
        if self.reason is None and time.monotonic() > self._deadline:
            self.reason = "timeout"
        return self.reason is not None

    def check(self) -> None:
        if self.should_stop():
            raise JobStopped(self.reason)

    def _loop(self) -> None:
        renewed = time.monotonic()
        while not self._done.wait(POLL_SECONDS):
            try:
                if time.monotonic() - renewed >= self._renew_every:
                    renewed = time.monotonic()
                    if not self._renew():
                        self._observe()
                else:
                    self._observe()
            except Exception:  # a database hiccup must not kill the watch; retry next tick
                continue
            if self.should_stop():
                return

    def _renew(self) -> bool:
        until = utcnow() + timedelta(seconds=self.settings.job_lease_seconds)
        with sessionmaker_for(self.settings.resolved_database_url)() as session:
            ok = JobRepository.from_session(session).renew_lease(self.job_id, self.attempt, until)
            session.commit()
            return ok

    def _observe(self) -> None:
        with sessionmaker_for(self.settings.resolved_database_url)() as session:
            control = JobRepository.from_session(session).control(self.job_id)
            if control is None or control[0] == "cancelled" or control[1]:
                self.reason = "cancelled"
            elif control[0] != "processing" or control[2] != self.attempt:
                self.reason = "lost"


class ProgressReporter:
    """`on_progress(stage, percent)` for runners: monotonic, throttled, evented."""

    def __init__(self, settings: Settings, job_id: str, attempt: int) -> None:
        self.settings = settings
        self.job_id = job_id
        self.attempt = attempt
        self.percent = 0.0
        self.stage: str | None = None
        self._written = 0.0
        self._evented = 0.0
        self._lock = threading.Lock()

    def __call__(self, stage: str, percent: float) -> None:
        if stage not in STAGES:
            stage = self.stage or "compositing"
        with self._lock:
            percent = max(self.percent, min(max(float(percent), 0.0), 100.0))
            changed_stage = stage != self.stage
            self.percent, self.stage = percent, stage
            now = time.monotonic()
            if not changed_stage and now - self._written < PROGRESS_WRITE_SECONDS:
                return
            self._written = now
            publish = now - self._evented >= PROGRESS_EVENT_SECONDS
            if publish:
                self._evented = now
        self._write(stage, percent, publish)

    def _write(self, stage: str, percent: float, publish: bool) -> None:
        session = sessionmaker_for(self.settings.resolved_database_url)()
        try:
            repo = JobRepository.from_session(session)
            if (
                repo.set_progress(
                    self.job_id, self.attempt, stage, percent, utcnow() if publish else None
                )
                and publish
            ):
                job = repo.get(self.job_id)
                if job is not None:
                    states.publish_job_event(session, self.settings, job, "progress")
            commit(session)
        finally:
            session.close()
