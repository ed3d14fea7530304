"""The per-workspace source cache: downloads kept in storage, keyed by URL, revalidated with
their ETag / Last-Modified (a 304 costs no body), fresh for `max-age` without any request.

Entries live under `<workspace>/cache/…`, so deleting a workspace deletes its cache too.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from datetime import timedelta
from pathlib import Path

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import session_scope
from framelane.ingest.copying import materialise
from framelane.ingest.fetch import Download, Fetcher, Validators
from framelane.ingest.models import FetchCacheEntry
from framelane.ingest.repository import IngestRepository, cache_id
from framelane.storage.base import ObjectMissing
from framelane.storage.factory import storage_for

log = logging.getLogger("framelane.ingest.cache")


def cache_key(workspace_id: str, url: str) -> str:
    return f"{workspace_id}/cache/{hashlib.sha256(url.encode()).hexdigest()[:40]}"


class SourceCache:
    def __init__(self, settings: Settings, workspace_id: str, fetcher: Fetcher) -> None:
        self.settings = settings
        self.workspace_id = workspace_id
        self.fetcher = fetcher
        self.storage = storage_for(settings)

    def fetch(self, url: str, target: Path) -> tuple[Path, str]:
        """`target` holds the bytes of `url`; returns (path, sniffed content type)."""
        entry = self._entry(url)
        if entry is not None and self._is_fresh(entry) and self._restore(entry, target):
            self._touch(url, 0)
            return target, entry.content_type
        validators = Validators(entry.etag, entry.last_modified) if entry else None
        result = self.fetcher.download(url, target, validators)
        if result.not_modified and entry is not None:
            if self._restore(entry, target):
                self._touch(url, result.fresh_seconds)
                return target, entry.content_type
            result = self.fetcher.download(url, target, None)
        assert result.path is not None and result.content_type is not None
        try:
            self._remember(url, result)
        except Exception:  # a cache that cannot keep a copy must not fail the render
            log.warning(
                "could not cache a source", exc_info=True, extra={"workspace_id": self.workspace_id}
            )
        return result.path, result.content_type

    def _entry(self, url: str) -> FetchCacheEntry | None:
        with session_scope(self.settings.resolved_database_url) as session:
            return IngestRepository.from_session(session).cache_entry(self.workspace_id, url)

    @staticmethod
    def _is_fresh(entry: FetchCacheEntry) -> bool:
        return entry.fresh_until is not None and entry.fresh_until > utcnow()

    def _restore(self, entry: FetchCacheEntry, target: Path) -> bool:
        partial = target.with_name(target.name + ".part")
        try:
            materialise(self.storage, entry.storage_key, partial)
        except ObjectMissing:
            partial.unlink(missing_ok=True)
            return False
        shutil.move(partial, target)
        return True

    def _touch(self, url: str, fresh_for: int) -> None:
        with session_scope(self.settings.resolved_database_url) as session:
            entry = IngestRepository.from_session(session).cache_entry(self.workspace_id, url)
            if entry is None:
                return
            entry.hits += 1
            if fresh_for:
                entry.fresh_until = utcnow() + timedelta(seconds=fresh_for)

    def _remember(self, url: str, result: Download) -> None:
        """Keep the download when it can be revalidated or is fresh for a while."""
        if not (result.validators or result.fresh_seconds) or result.path is None:
            return
        key = cache_key(self.workspace_id, url)
        content_type = result.content_type or "application/octet-stream"
        self.storage.put_file(key, result.path, content_type)
        fresh_until = (
            utcnow() + timedelta(seconds=result.fresh_seconds) if result.fresh_seconds else None
        )
        with session_scope(self.settings.resolved_database_url) as session:
            IngestRepository.from_session(session).save_cache_entry(
                FetchCacheEntry(
                    id=cache_id(self.workspace_id, url),
                    workspace_id=self.workspace_id,
                    url=url,
                    storage_key=key,
                    etag=result.validators.etag,
                    last_modified=result.validators.last_modified,
                    fresh_until=fresh_until,
                    size_bytes=result.size,
                    content_type=content_type,
                    hits=0,
                )
            )
        log.info("cached source", extra={"workspace_id": self.workspace_id, "bytes": result.size})
