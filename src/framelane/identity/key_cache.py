"""What authenticating a read may trust for `Settings.api_key_cache_seconds` without a query:
live keys and verified workspaces, dropped when a key is revoked or a workspace deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from framelane.core.settings import Settings
from framelane.db import unit_of_work
from framelane.kit.context import Principal
from framelane.kit.ttl_cache import TtlCache


@dataclass(frozen=True, slots=True)
class KnownKey:
    """A key found live: who it is, and when its `last_used_at` was last written."""

    principal: Principal
    key_hash: str
    touched_at: datetime


# Keys and workspaces a read may trust for `Settings.api_key_cache_seconds` without a query.
known_keys: TtlCache[KnownKey] = TtlCache()
verified_workspaces: TtlCache[bool] = TtlCache()


def forget_key(session: Session, key_hash: str) -> None:
    """A revoked key: dropped from the cache now, and again once the revoke commits."""

    def drop() -> None:
        known_keys.forget(lambda cached_hash, _known: cached_hash == key_hash)

    drop()
    unit_of_work.after_commit(session, drop)


def forget_workspace(session: Session, workspace_id: str) -> None:
    """A deleted workspace: its keys and verification dropped now and after the commit."""

    def drop() -> None:
        known_keys.forget(lambda _hash, known: known.principal.workspace_id == workspace_id)
        verified_workspaces.forget(lambda cached_id, _verified: cached_id == workspace_id)

    drop()
    unit_of_work.after_commit(session, drop)


def forget_deleted_workspace(session: Session, _settings: Settings, workspace_id: str) -> None:
    """Workspace-delete hook: its keys stop authenticating cached reads too."""
    forget_workspace(session, workspace_id)
