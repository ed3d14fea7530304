"""Artifacts of jobs that ended more than `artifact_retention_days` ago are deleted (a periodic
queue task, hourly in every consumer; repeating it is harmless)."""

from __future__ import annotations

import logging
from datetime import timedelta

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.jobs.repository import JobRepository
from framelane.jobs.runner_support import job_session
from framelane.storage.factory import storage_for
from framelane.storage.keys import workspace_prefix

log = logging.getLogger("framelane.jobs.retention")


def job_folder(workspace_id: str, job_id: str) -> str:
    """The prefix of every artifact key of a job (see `storage.keys.artifact_key`)."""
    return f"{workspace_prefix(workspace_id)}jobs/{job_id}/"


def purge_expired_artifacts(settings: Settings) -> int:
    """Delete the stored artifacts of jobs finished before the cutoff; returns how many jobs."""
    cutoff = utcnow() - timedelta(days=settings.artifact_retention_days)
    storage = storage_for(settings)
    purged = 0
    while True:
        with job_session(settings) as session:
            jobs = JobRepository.from_session(session).with_artifacts_finished_before(cutoff)
            for job in jobs:  # the whole job folder: also what a crashed attempt left behind
                storage.delete_prefix(job_folder(job.workspace_id, job.id))
                job.artifacts_purged_at = utcnow()
            purged += len(jobs)
        if not jobs:
            break
    if purged:
        log.info("artifacts purged", extra={"jobs": purged})
    return purged
