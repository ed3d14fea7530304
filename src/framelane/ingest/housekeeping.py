"""The ingest watcher's rounds: notice uploads that went straight to object storage, free
uploads whose PUT went silent, retry work a crashed process left `processing`, forget upload
URLs that expired unused, and drop cached sources nobody used within the retention period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import session_scope, sessionmaker_for
from framelane.db.unit_of_work import commit, rollback
from framelane.ingest.repository import IngestRepository
from framelane.ingest.service import discover_arrivals
from framelane.storage.factory import storage_for

RECEIVING_IDLE = timedelta(minutes=3)
STALE_PROCESSING = timedelta(minutes=10)
EXPIRED_UPLOAD_KEPT = timedelta(days=1)


@dataclass
class Sweep:
    arrived: list[str] = field(default_factory=list)
    freed: list[str] = field(default_factory=list)
    retry_imports: list[str] = field(default_factory=list)
    retry_probes: list[str] = field(default_factory=list)
    forgotten_uploads: int = 0
    dropped_cache_entries: int = 0


def sweep(settings: Settings) -> Sweep:
    result = Sweep()
    session = sessionmaker_for(settings.resolved_database_url)()
    try:
        result.arrived = discover_arrivals(session, settings)
        commit(session)  # queues the probes of what arrived
    except BaseException:
        rollback(session)
        raise
    finally:
        session.close()
    now = utcnow()
    with session_scope(settings.resolved_database_url) as session:
        repo = IngestRepository.from_session(session)
        for asset in repo.idle_assets("receiving", now - RECEIVING_IDLE):
            if repo.move(asset.id, "receiving", "awaiting_upload"):
                result.freed.append(asset.id)
        imports = repo.processing_imports(now - STALE_PROCESSING)
        for record in imports:
            record.updated_at = now
        busy = {record.asset_id for record in imports}
        for asset in repo.idle_assets("processing", now - STALE_PROCESSING):
            if asset.id not in busy:
                asset.updated_at = now
                result.retry_probes.append(asset.id)
        result.retry_imports = [record.id for record in imports]
        for asset in repo.expired_uploads(now - EXPIRED_UPLOAD_KEPT):
            repo.delete_asset(asset)
            result.forgotten_uploads += 1
    result.dropped_cache_entries = drop_unused_cache(settings)
    return result


def drop_unused_cache(settings: Settings) -> int:
    cutoff = utcnow() - timedelta(days=settings.artifact_retention_days)
    storage = storage_for(settings)
    with session_scope(settings.resolved_database_url) as session:
        repo = IngestRepository.from_session(session)
        entries = repo.unused_cache_entries(cutoff)
        for entry in entries:
            storage.delete(entry.storage_key)
            repo.delete_cache_entry(entry)
        return len(entries)
