"""`ingest_external: true`: copy a job's external sources into storage before it is queued.

The jobs runner calls `copy_external_sources` while the job is `ingesting` (no transaction
held; the download stops when the job is cancelled), then `attach_copied_sources` and moves it
to `queued`. Every external http(s) media URL of the request
(`source_url`, `background_image_url`, also inside nested compositions) is downloaded through the
SSRF guard and the workspace cache, probed, stored as a ready asset (event `asset.ready`) and
replaced in the job's request by our own `source_url`. Any failure fails the job with the
source's code and leaves no stored object behind.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.ingest import service
from framelane.ingest.cache import SourceCache
from framelane.ingest.fetch import Fetcher
from framelane.ingest.mime import extension_for
from framelane.ingest.models import Asset
from framelane.ingest.probe import MediaProbe
from framelane.ingest.processing import probe_local, scratch_dir
from framelane.ingest.repository import IngestRepository
from framelane.ingest.resolver import check_kind
from framelane.ingest.urls import own_storage_key, source_url_for
from framelane.jobs.models import Job
from framelane.render.limits import DEFAULT_LIMITS
from framelane.storage.factory import storage_for
from framelane.storage.keys import upload_key

URL_FIELDS = {"source_url": None, "background_image_url": "image"}
ELEMENT_KINDS = {"video": "video", "audio": "audio", "image": "image"}


@dataclass(slots=True)
class Ingested:
    asset: Asset
    probe: MediaProbe


def external_urls(request: Any, settings: Settings) -> dict[str, str]:
    """Every external http(s) media URL of a render request → the kind it is used as."""
    found: dict[str, str] = {}

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        for field, fixed_kind in URL_FIELDS.items():
            value = node.get(field)
            kind = fixed_kind or ELEMENT_KINDS.get(str(node.get("type")))
            if (
                isinstance(value, str)
                and kind
                and value.startswith(("http://", "https://"))
                and own_storage_key(settings, value) is None
            ):
                found.setdefault(value, kind)
        for child in node.values():
            if isinstance(child, (dict, list)):
                visit(child)

    visit(request)
    return found


def _rewrite(node: Any, replacements: dict[str, str]) -> Any:
    if isinstance(node, list):
        return [_rewrite(item, replacements) for item in node]
    if isinstance(node, dict):
        return {
            key: (
                replacements.get(value, value)
                if key in URL_FIELDS and isinstance(value, str)
                else _rewrite(value, replacements)
            )
            for key, value in node.items()
        }
    return node


def _copy_one(
    settings: Settings,
    cache: SourceCache,
    workspace_id: str,
    url: str,
    kind: str,
    folder: Path,
    stored: list[str],
) -> Ingested:
    local, _ = cache.fetch(url, folder / new_id("asset"))
    check_kind(local, kind, url, DEFAULT_LIMITS)
    probe = probe_local(settings, local, None)
    asset_id = new_id("asset")
    name = url.split("?", 1)[0].rsplit("/", 1)[-1]
    key = upload_key(workspace_id, asset_id, extension_for(probe.content_type, name))
    storage_for(settings).put_file(key, local, probe.content_type)
    stored.append(key)
    now = utcnow()
    asset = Asset(
        id=asset_id,
        workspace_id=workspace_id,
        origin="import",
        status="processing",
        storage_key=key,
        content_type=probe.content_type,
        filename=name[:255] or None,
        max_bytes=settings.max_upload_bytes,
        created_at=now,
        updated_at=now,
    )
    return Ingested(asset, probe)


@dataclass(slots=True)
class CopiedSources:
    """External sources copied into storage, not yet attached to their job."""

    ingested: dict[str, Ingested]
    stored: list[str]


def copy_external_sources(
    settings: Settings,
    workspace_id: str,
    request: Any,
    should_stop: Callable[[], bool] | None = None,
) -> CopiedSources:
    """Download, probe and store every external source of `request` (no database
    transaction is held meanwhile). `should_stop` is asked as bytes arrive: a cancelled job
    stops its download. On any failure nothing stays stored."""
    copied = CopiedSources({}, [])
    urls = external_urls(request, settings)
    if not urls:
        return copied
    fetcher = Fetcher(
        allow_private=settings.allow_private_urls,
        max_bytes=settings.max_upload_bytes,
        should_stop=should_stop,
    )
    cache = SourceCache(settings, workspace_id, fetcher)
    try:
        with tempfile.TemporaryDirectory(prefix="external-", dir=scratch_dir(settings)) as folder:
            for url, kind in urls.items():
                copied.ingested[url] = _copy_one(
                    settings, cache, workspace_id, url, kind, Path(folder), copied.stored
                )
    except BaseException:
        discard_copied_sources(settings, copied)
        raise
    return copied


def discard_copied_sources(settings: Settings, copied: CopiedSources) -> None:
    """Remove what was stored (the job was cancelled or failed meanwhile)."""
    for key in copied.stored:
        storage_for(settings).delete(key)
    copied.stored.clear()


def attach_copied_sources(
    session: Session, settings: Settings, job: Job, copied: CopiedSources
) -> None:
    """Record the copies as ready assets and point the job's request at them."""
    repo = IngestRepository.from_session(session)
    for item in copied.ingested.values():
        repo.add(item.asset)
        service.mark_ready(session, settings, item.asset, item.probe)
    job.request = _rewrite(
        job.request,
        {
            url: source_url_for(settings, item.asset.storage_key)
            for url, item in copied.ingested.items()
        },
    )
