"""Every ingest query. Built per session; never commits (the caller owns the transaction)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from framelane.db.base import utcnow
from framelane.ingest.models import Asset, FetchCacheEntry, Import


def cache_id(workspace_id: str, url: str) -> str:
    return hashlib.sha256(f"{workspace_id}\n{url}".encode()).hexdigest()


@dataclass(slots=True)
class IngestRepository:
    session: Session

    @classmethod
    def from_session(cls, session: Session) -> IngestRepository:
        return cls(session)

    def add(self, *objects: object) -> None:
        self.session.add_all(objects)
        self.session.flush()

    # assets
    def asset(self, workspace_id: str, asset_id: str) -> Asset | None:
        return self.session.scalar(
            select(Asset).where(Asset.id == asset_id, Asset.workspace_id == workspace_id)
        )

    def asset_by_id(self, asset_id: str) -> Asset | None:
        return self.session.get(Asset, asset_id)

    def asset_by_key(self, storage_key: str) -> Asset | None:
        return self.session.scalar(select(Asset).where(Asset.storage_key == storage_key))

    def assets_by_keys(self, storage_keys: Sequence[str]) -> list[Asset]:
        if not storage_keys:
            return []
        return list(
            self.session.scalars(select(Asset).where(Asset.storage_key.in_(list(storage_keys))))
        )

    def ready_assets_stmt(self, workspace_id: str, kind: str | None) -> Select[Asset]:
        stmt = select(Asset).where(Asset.workspace_id == workspace_id, Asset.status == "ready")
        return stmt.where(Asset.kind == kind) if kind else stmt

    def awaiting_uploads(
        self,
        grace_until: datetime,
        workspace_id: str | None = None,
        limit: int = 50,
        asset_id: str | None = None,
    ) -> list[Asset]:
        """Uploads whose URL was handed out and has not been seen used yet (still usable)."""
        stmt = select(Asset).where(
            Asset.status == "awaiting_upload", Asset.upload_expires_at > grace_until
        )
        if workspace_id is not None:
            stmt = stmt.where(Asset.workspace_id == workspace_id)
        if asset_id is not None:
            stmt = stmt.where(Asset.id == asset_id)
        return list(self.session.scalars(stmt.order_by(Asset.id.desc()).limit(limit)))

    def move(self, asset_id: str, from_status: str, to_status: str) -> bool:
        """Change the status only if it still is `from_status` (one winner among racers)."""
        result = self.session.execute(
            update(Asset)
            .where(Asset.id == asset_id, Asset.status == from_status)
            .values(status=to_status, updated_at=utcnow())
        )
        return bool(getattr(result, "rowcount", 0))

    def take_over(self, asset_id: str, status: str, silent_since: datetime) -> bool:
        """Claim an asset left in `status` by work silent since `silent_since` (its process
        died); False when it is still alive or moved on."""
        result = self.session.execute(
            update(Asset)
            .where(Asset.id == asset_id, Asset.status == status, Asset.updated_at < silent_since)
            .values(updated_at=utcnow())
        )
        return bool(getattr(result, "rowcount", 0))

    def touch(self, asset_id: str) -> None:
        self.session.execute(update(Asset).where(Asset.id == asset_id).values(updated_at=utcnow()))

    def idle_assets(self, status: str, updated_before: datetime, limit: int = 50) -> list[Asset]:
        return list(
            self.session.scalars(
                select(Asset)
                .where(Asset.status == status, Asset.updated_at < updated_before)
                .order_by(Asset.id)
                .limit(limit)
            )
        )

    def expired_uploads(self, expired_before: datetime, limit: int = 200) -> list[Asset]:
        return list(
            self.session.scalars(
                select(Asset)
                .where(Asset.status == "awaiting_upload", Asset.upload_expires_at < expired_before)
                .order_by(Asset.id)
                .limit(limit)
            )
        )

    def delete_asset(self, asset: Asset) -> None:
        self.session.delete(asset)
        self.session.flush()

    # imports
    def import_(self, workspace_id: str, import_id: str) -> Import | None:
        return self.session.scalar(
            select(Import).where(Import.id == import_id, Import.workspace_id == workspace_id)
        )

    def import_by_id(self, import_id: str) -> Import | None:
        return self.session.get(Import, import_id)

    def import_of_asset(self, asset_id: str) -> Import | None:
        return self.session.scalar(select(Import).where(Import.asset_id == asset_id))

    def processing_imports(self, updated_before: datetime, limit: int = 50) -> list[Import]:
        return list(
            self.session.scalars(
                select(Import)
                .where(Import.status == "processing", Import.updated_at < updated_before)
                .order_by(Import.id)
                .limit(limit)
            )
        )

    # fetch cache
    def cache_entry(self, workspace_id: str, url: str) -> FetchCacheEntry | None:
        return self.session.get(FetchCacheEntry, cache_id(workspace_id, url))

    def unused_cache_entries(
        self, updated_before: datetime, limit: int = 200
    ) -> list[FetchCacheEntry]:
        return list(
            self.session.scalars(
                select(FetchCacheEntry)
                .where(FetchCacheEntry.updated_at < updated_before)
                .order_by(FetchCacheEntry.id)
                .limit(limit)
            )
        )

    def delete_cache_entry(self, entry: FetchCacheEntry) -> None:
        self.session.delete(entry)
        self.session.flush()

    def save_cache_entry(self, entry: FetchCacheEntry) -> FetchCacheEntry:
        merged = self.session.merge(entry)
        self.session.flush()
        return merged
