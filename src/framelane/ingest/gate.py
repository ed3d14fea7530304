"""The render readiness gate: a job that uses an upload whose bytes have not arrived or whose
probe has not finished waits in `queued` (spec §15.1). Arrivals in object storage are noticed
by the watcher (`framelane.ingest.actors`) and when assets are read."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy.orm import Session

from framelane.db.base import utcnow
from framelane.ingest.models import Asset
from framelane.ingest.repository import IngestRepository
from framelane.jobs.models import Job
from framelane.storage.local import FILES_ROUTE

WAITING = ("awaiting_upload", "receiving", "processing")


def own_keys(node: Any, workspace_id: str) -> set[str]:
    """Storage keys of this workspace named by URLs anywhere in a request."""
    keys: set[str] = set()
    if isinstance(node, dict):
        for value in node.values():
            keys |= own_keys(value, workspace_id)
    elif isinstance(node, list):
        for item in node:
            keys |= own_keys(item, workspace_id)
    elif isinstance(node, str) and FILES_ROUTE in node:
        path = unquote(urlsplit(node).path)
        prefix = f"{FILES_ROUTE}/{workspace_id}/"
        if path.startswith(prefix):
            keys.add(path[len(FILES_ROUTE) + 1 :])
    return keys


def uploads_ready(session: Session, job: Job) -> bool:
    """False while an upload the job uses is still arriving or being probed."""
    keys = own_keys(job.request, job.workspace_id)
    if not keys:
        return True
    assets = IngestRepository.from_session(session).assets_by_keys(sorted(keys))
    return not any(asset.status in WAITING and not abandoned(asset) for asset in assets)


def abandoned(asset: Asset) -> bool:
    """An upload URL that expired unused will never arrive: let the render fail on it."""
    return bool(
        asset.status == "awaiting_upload"
        and asset.upload_expires_at is not None
        and asset.upload_expires_at < utcnow()
    )
