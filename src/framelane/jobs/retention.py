"""Artifacts older than `artifact_retention_days` are deleted (a periodic queue task)."""

from __future__ import annotations

import logging
from datetime import timedelta

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.jobs.repository import JobRepository
from framelane.jobs.runner_support import job_session
from framelane.storage.factory import storage_for

log = logging.getLogger("framelane.jobs.retention")


def purge_expired_artifacts(settings: Settings) -> int:
    """Delete the stored artifacts of jobs finished before the cutoff; returns how many jobs."""
    cutoff = utcnow() - timedelta(days=settings.artifact_retention_days)
    storage = storage_for(settings)
    purged = 0
    while True:
        with job_session(settings) as session:
            jobs = JobRepository.from_session(session).with_artifacts_finished_before(cutoff)
            for job in jobs:
                for key in job.artifact_keys or []:
                    storage.delete(key)
                job.artifacts_purged_at = utcnow()
            purged += len(jobs)
        if not jobs:
            break
    if purged:
        log.info("artifacts purged", extra={"jobs": purged})
    return purged
