"""Background work on assets: probe uploaded bytes, download imports. Testable functions;
`framelane.ingest.actors` runs them on its worker threads.

Failure leaves nothing behind: the stored object is deleted and the asset records the code.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from framelane.core.errors import FramelaneError
from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.ingest import service
from framelane.ingest.copying import materialise
from framelane.ingest.fetch import Fetcher
from framelane.ingest.mime import ContentTypeMismatch, extension_for, same_family
from framelane.ingest.probe import MediaProbe, probe_file
from framelane.ingest.repository import IngestRepository
from framelane.render.errors import SourceNotFound, SourceTooLarge
from framelane.render.limits import RenderLimits
from framelane.storage.base import ObjectMissing
from framelane.storage.factory import storage_for
from framelane.storage.keys import upload_key

log = logging.getLogger("framelane.ingest.processing")


def limits_for(settings: Settings) -> RenderLimits:
    return RenderLimits(max_source_bytes=settings.max_upload_bytes)


def scratch_dir(settings: Settings) -> Path:
    """Work files beside the data (same filesystem as local storage: links, not copies)."""
    folder = settings.data_dir / "work" / "ingest"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_probe(settings: Settings, asset_id: str) -> None:
    """Probe an asset whose bytes are in storage; mark it ready or failed."""
    with session_scope(settings.resolved_database_url) as session:
        asset = IngestRepository.from_session(session).asset_by_id(asset_id)
        if asset is None or asset.status != "processing":
            return
        key, declared, max_bytes = asset.storage_key, asset.content_type, asset.max_bytes
    with tempfile.TemporaryDirectory(prefix="probe-", dir=scratch_dir(settings)) as folder:
        local = Path(folder) / Path(key).name
        try:
            size = storage_for(settings).size(key)
            if size is not None and size > max_bytes:
                raise SourceTooLarge(
                    f"The upload is {size} bytes; the limit is {max_bytes}.",
                    details={"max_bytes": max_bytes},
                )
            materialise(storage_for(settings), key, local)
            probe = probe_local(settings, local, declared)
        except ObjectMissing:
            fail(settings, asset_id, SourceNotFound("The uploaded object disappeared."))
            return
        except FramelaneError as error:
            fail(settings, asset_id, error)
            return
    _succeed(settings, asset_id, probe)


def probe_local(settings: Settings, path: Path, declared: str | None) -> MediaProbe:
    probe = probe_file(path, limits_for(settings))
    if declared and not same_family(declared, probe.content_type):
        raise ContentTypeMismatch(
            f"Declared {declared}, but the bytes are {probe.content_type}.",
            details={"declared": declared, "detected": probe.content_type},
        )
    return probe


def run_import(settings: Settings, import_id: str) -> None:
    """Download an import (SSRF-guarded, limited, sniffed), store it, probe it."""
    with session_scope(settings.resolved_database_url) as session:
        repo = IngestRepository.from_session(session)
        record = repo.import_by_id(import_id)
        if record is None or record.status != "processing" or record.asset_id is None:
            return
        asset_id, url, filename = record.asset_id, record.download_url, record.filename
        workspace_id = record.workspace_id
    fetcher = Fetcher(
        allow_private=settings.allow_private_urls, max_bytes=settings.max_upload_bytes
    )
    with tempfile.TemporaryDirectory(prefix="import-", dir=scratch_dir(settings)) as folder:
        local = Path(folder) / "download"
        try:
            download = fetcher.download(url, local)
            probe = probe_local(settings, local, None)
            key = upload_key(
                workspace_id,
                asset_id,
                extension_for(
                    probe.content_type, filename or url.split("?", 1)[0].rsplit("/", 1)[-1]
                ),
            )
            storage_for(settings).put_file(key, local, probe.content_type)
        except FramelaneError as error:
            fail(settings, asset_id, error)
            return
    log.info("imported", extra={"import_id": import_id, "bytes": download.size})
    _succeed(settings, asset_id, probe, storage_key=key)


def _succeed(
    settings: Settings, asset_id: str, probe: MediaProbe, storage_key: str | None = None
) -> None:
    with session_scope(settings.resolved_database_url) as session:
        asset = IngestRepository.from_session(session).asset_by_id(asset_id)
        if asset is None:  # the workspace was deleted meanwhile
            if storage_key:
                storage_for(settings).delete(storage_key)
            return
        if storage_key:
            asset.storage_key = storage_key
        asset.content_type = probe.content_type if asset.origin == "import" else asset.content_type
        service.mark_ready(session, settings, asset, probe)


def fail(settings: Settings, asset_id: str, error: FramelaneError) -> None:
    log.info("asset failed", extra={"asset_id": asset_id, "code": error.code})
    with session_scope(settings.resolved_database_url) as session:
        asset = IngestRepository.from_session(session).asset_by_id(asset_id)
        if asset is None or asset.status != "processing":
            return
        storage_for(settings).delete(asset.storage_key)
        service.mark_failed(session, settings, asset, error)
