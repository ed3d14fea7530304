"""The Huey queue chosen by `FRAMELANE_QUEUE_URL`: a SQLite file in the data dir by default,
Redis (`redis://…`) or PostgreSQL (`postgresql://…`) to scale out with `framelane worker`.

Huey is at-most-once (a task is deleted when a worker takes it), so the queue only carries
job ids; the `jobs` table is the truth and the reaper re-enqueues what a dead worker lost.
Re-delivering an id is harmless: a worker only runs a job it can claim `queued → processing`.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg
from huey import PostgresHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from redis import ConnectionPool

from framelane.core.settings import Settings
from framelane.kit.wiring import Wiring

log = logging.getLogger("framelane.jobs.queue")
RUN_TASK = "jobs.run"
PART_TASK = "jobs.part"
RETENTION_TASK = "jobs.retention"


QUEUE_SCHEMA_LOCK = 0x46524C51  # "FRLQ": one advisory lock id for creating the huey_* tables


def create_queue_tables(dsn: str, huey: Huey) -> None:
    """Huey's `CREATE TABLE IF NOT EXISTS` races when several processes start together on
    PostgreSQL (a duplicate `pg_type` row kills the loser), so serialise it with an advisory
    lock held on a separate connection."""
    with psycopg.connect(dsn, autocommit=True) as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", (QUEUE_SCHEMA_LOCK,))
        try:
            huey.storage.initialize_schema()
        finally:
            lock.execute("SELECT pg_advisory_unlock(%s)", (QUEUE_SCHEMA_LOCK,))


def make_huey(queue_url: str, name: str) -> Huey:
    parsed = urlparse(queue_url)
    if parsed.scheme == "sqlite":
        path = Path(queue_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), results=False, utc=True, timeout=15)
    if parsed.scheme in ("redis", "rediss"):
        # Bounded timeouts: an unreachable Redis must not hang a request (the job row is
        # committed already; the reaper enqueues it later). Reads block ≤ 1 s in workers.
        pool = ConnectionPool.from_url(
            queue_url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
        )
        return RedisHuey(name, connection_pool=pool, results=False, utc=True)
    if parsed.scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        # LISTEN/NOTIFY + SKIP LOCKED; the huey_* tables live in the URL's search_path.
        dsn = "postgresql://" + queue_url.split("://", 1)[1]
        huey = PostgresHuey(name, dsn=dsn, results=False, utc=True, create_tables=False)
        create_queue_tables(dsn, huey)
        return huey
    raise ValueError(
        f"unsupported queue URL scheme {parsed.scheme!r} (sqlite:///…, redis://… or postgresql://…)"
    )


def queue_name(settings: Settings) -> str:
    """API and workers that share a database share a queue (and tests never cross-talk)."""
    digest = hashlib.sha256(settings.resolved_database_url.encode()).hexdigest()[:10]
    return f"framelane-{digest}"


@dataclass
class JobQueue:
    """One Huey instance with our tasks bound to the settings of this process.

    `queue_for(settings)` is the process's queue to enqueue on (no `wiring`); a consumer builds
    its own instance on the same storage with the `wiring` of its features, whose runners and
    gates its task runs (Huey finds a task by name, so either instance's messages are the
    same)."""

    settings: Settings
    wiring: Wiring | None = None
    huey: Huey = field(init=False)
    _run: Any = field(init=False)
    _part: Any = field(init=False)

    def __post_init__(self) -> None:
        self.huey = make_huey(self.settings.resolved_queue_url, queue_name(self.settings))
        settings, wiring = self.settings, self.wiring

        @self.huey.task(name=RUN_TASK)  # type: ignore[untyped-decorator]
        def run_job(job_id: str) -> None:
            from framelane.jobs.runner import execute_job

            if wiring is None:  # only consumers execute tasks, and they have a wiring
                raise RuntimeError("this queue only enqueues; consumers run jobs")
            execute_job(settings, wiring, job_id)

        @self.huey.periodic_task(crontab(minute="17"), name=RETENTION_TASK)  # type: ignore[untyped-decorator]
        def retention() -> None:
            from framelane.jobs.retention import purge_expired_artifacts

            purge_expired_artifacts(settings)

        @self.huey.task(name=PART_TASK)  # type: ignore[untyped-decorator]
        def run_part(kind: str, job_id: str, part_id: str) -> None:
            from framelane.jobs.parts import execute_part

            if wiring is None:  # only consumers execute tasks, and they have a wiring
                raise RuntimeError("this queue only enqueues; consumers run parts")
            execute_part(settings, wiring, kind, job_id, part_id)

        self._run = run_job
        self._part = run_part

    def enqueue(self, job_id: str, delay: float = 0.0) -> None:
        if delay > 0:
            self._run.schedule((job_id,), delay=delay)
        else:
            self._run(job_id)

    def enqueue_part(self, kind: str, job_id: str, part_id: str) -> None:
        """One part of a job's work (see `framelane.jobs.parts`)."""
        self._part(kind, job_id, part_id)

    def pending(self) -> int:
        return int(self.huey.pending_count())

    def check(self) -> None:
        """Raise when the queue storage is not reachable (readiness probe)."""
        self.huey.pending_count()


_queues: dict[tuple[str, str], JobQueue] = {}
_lock = threading.Lock()


def queue_for(settings: Settings) -> JobQueue:
    key = (settings.resolved_queue_url, settings.resolved_database_url)
    with _lock:
        if key not in _queues:
            _queues[key] = JobQueue(settings)
        return _queues[key]


def enqueue(settings: Settings, job_id: str, delay: float = 0.0) -> None:
    try:
        queue_for(settings).enqueue(job_id, delay)
    except Exception:  # the queue may be down: the reaper re-enqueues stale queued jobs
        log.exception("enqueue failed; the reaper will retry", extra={"job_id": job_id})
