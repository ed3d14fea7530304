"""Upload, import and asset rules. Services never commit: the request (or actor) does.

Flow of an upload: `create_upload` hands out a signed PUT URL and an asset row
(`awaiting_upload`); the bytes arrive (our PUT endpoint for local storage, a presigned PUT for
S3 noticed by `discover_arrivals`), the asset moves to `processing` and a background probe makes
it `ready` (event `asset.ready`) or `failed` (event `asset.failed`, object deleted).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from framelane.core.errors import Conflict, FramelaneError, NotFound
from framelane.core.events import DomainEvent, publish
from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import session_scope
from framelane.db.unit_of_work import after_commit
from framelane.ingest import actors
from framelane.ingest.links import direct_download_url
from framelane.ingest.mime import (
    EXTENSION_TYPES,
    ContentTypeMismatch,
    extension_for,
    require_allowed,
    same_family,
)
from framelane.ingest.models import Asset, Import
from framelane.ingest.probe import MediaProbe
from framelane.ingest.repository import IngestRepository
from framelane.ingest.schemas import (
    AssetOut,
    ErrorOut,
    ImportCreate,
    ImportOut,
    UploadAlreadyReceived,
    UploadCreate,
    UploadOut,
    UploadReceived,
)
from framelane.ingest.sniff import HEAD_BYTES, looks_like_markup, sniff_bytes
from framelane.ingest.urls import source_url_for
from framelane.net.ssrf import check_url
from framelane.render.errors import CodecUnsupported, SourceCorrupt
from framelane.storage import signing
from framelane.storage.base import SignatureInvalid
from framelane.storage.factory import storage_for
from framelane.storage.keys import upload_key
from framelane.storage.local import SourceTooLarge

log = logging.getLogger("framelane.ingest")
UPLOAD_URL_TTL_SECONDS = 3600
ARRIVAL_GRACE = timedelta(minutes=10)
HEARTBEAT_SECONDS = 15.0
SILENT_RECEIVER = timedelta(seconds=2 * HEARTBEAT_SECONDS)
"""A PUT that sent nothing for this long (two missed heartbeats: its client or its server
died) may be taken over by a new PUT of the same upload."""


# --- views ----------------------------------------------------------------------------------


def _error(code: str | None, message: str | None) -> ErrorOut | None:
    return ErrorOut(code=code, message=message or code) if code else None


def asset_out(settings: Settings, asset: Asset) -> AssetOut:
    return AssetOut(
        id=asset.id,
        status=asset.status,
        origin=asset.origin,
        source_url=source_url_for(settings, asset.storage_key),
        kind=asset.kind,
        content_type=asset.content_type,
        filename=asset.filename,
        size_bytes=asset.size_bytes,
        duration=asset.duration,
        width=asset.width,
        height=asset.height,
        fps=asset.fps,
        video_codec=asset.video_codec,
        audio_codec=asset.audio_codec,
        has_audio=asset.has_audio,
        rotation=asset.rotation,
        error=_error(asset.error_code, asset.error_message),
        created_at=asset.created_at,
        ready_at=asset.ready_at,
    )


def import_out(settings: Settings, record: Import, asset: Asset | None) -> ImportOut:
    ready = record.status == "ready" and asset is not None
    return ImportOut(
        id=record.id,
        status=record.status,
        url=record.url,
        asset_id=record.asset_id,
        source_url=source_url_for(settings, asset.storage_key) if ready and asset else None,
        error=_error(record.error_code, record.error_message),
        created_at=record.created_at,
    )


# --- uploads --------------------------------------------------------------------------------


def create_upload(
    session: Session, settings: Settings, workspace_id: str, body: UploadCreate
) -> UploadOut:
    content_type = require_allowed(body.content_type)
    asset_id = new_id("asset")
    key = upload_key(workspace_id, asset_id, extension_for(content_type, body.filename))
    now = utcnow()
    expires_at = now + timedelta(seconds=UPLOAD_URL_TTL_SECONDS)
    max_bytes = min(body.size_bytes or settings.max_upload_bytes, settings.max_upload_bytes)
    IngestRepository.from_session(session).add(
        Asset(
            id=asset_id,
            workspace_id=workspace_id,
            origin="upload",
            status="awaiting_upload",
            storage_key=key,
            content_type=content_type,
            filename=body.filename,
            max_bytes=max_bytes,
            upload_expires_at=expires_at,
            created_at=now,
            updated_at=now,
        )
    )
    upload_url = storage_for(settings).presign_put(key, content_type, UPLOAD_URL_TTL_SECONDS)
    return UploadOut(
        id=asset_id,
        upload_url=upload_url,
        source_url=source_url_for(settings, key),
        expires_at=expires_at,
        headers={"Content-Type": content_type},
    )


def check_put_signature(
    settings: Settings,
    asset: Asset | None,
    key: str,
    expires: str | None,
    sig: str | None,
    content_type: str,
) -> Asset:
    """`signature_invalid` / `expired`; a right URL with another Content-Type is a mismatch."""
    secret = settings.resolved_secret_key
    try:
        signing.verify(secret, "PUT", key, expires, sig, content_type)
    except SignatureInvalid:
        if asset is None or content_type == asset.content_type:
            raise
        signing.verify(secret, "PUT", key, expires, sig, asset.content_type)
        raise ContentTypeMismatch(
            f"This upload was declared as {asset.content_type}; the PUT sent "
            f"{content_type or 'no Content-Type'}.",
            details={"declared": asset.content_type, "sent": content_type},
        ) from None
    if asset is None:
        raise NotFound("This upload no longer exists.")
    return asset


def checked_chunks(chunks: Iterable[bytes], declared: str) -> Iterator[bytes]:
    """Pass the bytes through, refusing at the first 4 KiB what cannot be the declared type."""
    head = b""
    started = False
    for chunk in chunks:
        if started:
            yield chunk
            continue
        head += chunk
        if len(head) >= HEAD_BYTES:
            check_head(head, declared)
            started = True
            yield head
    if not started:
        check_head(head, declared)
        if head:
            yield head


def check_head(head: bytes, declared: str) -> None:
    if not head:
        raise SourceCorrupt("The upload is empty (0 bytes).")
    detected = sniff_bytes(head)
    if detected is None:
        what = "an HTML page" if looks_like_markup(head) else "no media format we read"
        raise CodecUnsupported(f"The uploaded bytes are {what}.")
    if not same_family(declared, detected):
        raise ContentTypeMismatch(
            f"Declared {declared}, but the bytes are {detected}.",
            details={"declared": declared, "detected": detected},
        )


def receive_upload(
    settings: Settings,
    key: str,
    expires: str | None,
    sig: str | None,
    content_type: str,
    content_length: str | None,
    chunks: Iterable[bytes],
) -> UploadReceived:
    """The local PUT: verify, stream to storage (never all in memory), then queue the probe.

    Runs outside any request transaction: the stream may take minutes.
    """
    with session_scope(settings.resolved_database_url) as session:
        repo = IngestRepository.from_session(session)
        asset = check_put_signature(
            settings, repo.asset_by_key(key), key, expires, sig, content_type
        )
        asset_id, max_bytes, declared = asset.id, asset.max_bytes, asset.content_type
        if content_length and content_length.isdigit() and int(content_length) > max_bytes:
            raise SourceTooLarge(
                f"The upload is {content_length} bytes; the limit is {max_bytes}.",
                details={"max_bytes": max_bytes},
            )
        if not repo.move(asset_id, "awaiting_upload", "receiving") and not repo.take_over(
            asset_id, "receiving", utcnow() - SILENT_RECEIVER
        ):
            raise UploadAlreadyReceived(
                f"This upload is already {asset.status.replace('_', ' ')}"
                + (
                    f"; a PUT silent for {SILENT_RECEIVER.seconds} s can be sent again"
                    if asset.status == "receiving"
                    else "."
                ),
                details={"status": asset.status},
            )
    try:
        size = storage_for(settings).put_stream(
            key,
            checked_chunks(heartbeat(settings, asset_id, chunks), declared),
            declared,
            max_bytes,
        )
    except BaseException:
        with session_scope(settings.resolved_database_url) as session:
            IngestRepository.from_session(session).move(asset_id, "receiving", "awaiting_upload")
        raise
    with session_scope(settings.resolved_database_url) as session:
        repo = IngestRepository.from_session(session)
        received_asset = repo.asset_by_id(asset_id)
        if received_asset is None or not repo.move(asset_id, "receiving", "processing"):
            raise UploadAlreadyReceived("This upload was taken over by another request.")
        received_asset.size_bytes = size
        received = UploadReceived(
            id=asset_id,
            status="processing",
            source_url=source_url_for(settings, key),
            size_bytes=size,
        )
    actors.submit_probe(settings, asset_id)
    return received


def heartbeat(settings: Settings, asset_id: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Mark a long upload as alive every few seconds (the watcher frees silent ones)."""
    last = time.monotonic()
    for chunk in chunks:
        if time.monotonic() - last > HEARTBEAT_SECONDS:
            with session_scope(settings.resolved_database_url) as session:
                IngestRepository.from_session(session).touch(asset_id)
            last = time.monotonic()
        yield chunk


def discover_arrivals(
    session: Session,
    settings: Settings,
    workspace_id: str | None = None,
    limit: int = 50,
    asset_id: str | None = None,
) -> list[str]:
    """Uploads that went straight to object storage: notice their bytes and queue the probe.
    Requests look at a few recent uploads; the watcher goes through the rest."""
    repo = IngestRepository.from_session(session)
    storage = storage_for(settings)
    now = utcnow()
    claimed: list[str] = []
    for asset in repo.awaiting_uploads(now - ARRIVAL_GRACE, workspace_id, limit, asset_id):
        size = storage.size(asset.storage_key)
        if size is not None and repo.move(asset.id, "awaiting_upload", "processing"):
            asset.size_bytes = size
            claimed.append(asset.id)
    if claimed:
        after_commit(session, lambda: _submit_probes(settings, claimed))
    return claimed


def _submit_probes(settings: Settings, asset_ids: list[str]) -> None:
    for asset_id in asset_ids:
        actors.submit_probe(settings, asset_id)


# --- probe results --------------------------------------------------------------------------


def mark_ready(session: Session, settings: Settings, asset: Asset, probe: MediaProbe) -> None:
    asset.status, asset.kind, asset.size_bytes = "ready", probe.kind, probe.size_bytes
    asset.duration, asset.width, asset.height = probe.duration, probe.width, probe.height
    asset.fps, asset.video_codec = probe.fps, probe.video_codec
    asset.audio_codec = probe.audio_codec
    asset.has_audio, asset.rotation = probe.has_audio, probe.rotation
    asset.error_code = asset.error_message = None
    asset.ready_at = asset.updated_at = utcnow()
    _finish_import(session, asset, None)
    _publish(session, settings, asset, "asset.ready")


def mark_failed(session: Session, settings: Settings, asset: Asset, error: FramelaneError) -> None:
    asset.status, asset.error_code, asset.error_message = "failed", error.code, error.message[:1000]
    asset.updated_at = utcnow()
    _finish_import(session, asset, error)
    _publish(session, settings, asset, "asset.failed")


def _finish_import(session: Session, asset: Asset, error: FramelaneError | None) -> None:
    record = IngestRepository.from_session(session).import_of_asset(asset.id)
    if record is None:
        return
    record.status = "failed" if error else "ready"
    record.error_code = error.code if error else None
    record.error_message = error.message[:1000] if error else None
    record.updated_at = utcnow()


def _publish(session: Session, settings: Settings, asset: Asset, event_type: str) -> None:
    publish(
        session,
        DomainEvent(
            type=event_type,
            workspace_id=asset.workspace_id,
            subject_id=asset.id,
            data=asset_out(settings, asset).model_dump(mode="json"),
        ),
    )


# --- imports and reads ----------------------------------------------------------------------


def _extension_hint(url: str, filename: str | None) -> str:
    for name in (filename, PurePosixPath(urlsplit(url).path).name):
        if name and "." in name:
            suffix = "." + name.rsplit(".", 1)[1].lower()
            if suffix in EXTENSION_TYPES:
                return suffix
    return ""


def create_import(
    session: Session, settings: Settings, workspace_id: str, body: ImportCreate
) -> tuple[Import, Asset]:
    download_url = direct_download_url(body.url)
    check_url(download_url, allow_private=settings.allow_private_urls)
    now = utcnow()
    asset_id = new_id("asset")
    asset = Asset(
        id=asset_id,
        workspace_id=workspace_id,
        origin="import",
        status="processing",
        storage_key=upload_key(workspace_id, asset_id, _extension_hint(body.url, body.filename)),
        content_type="application/octet-stream",
        filename=body.filename,
        max_bytes=settings.max_upload_bytes,
        created_at=now,
        updated_at=now,
    )
    record = Import(
        id=new_id("import"),
        workspace_id=workspace_id,
        url=body.url,
        download_url=download_url,
        filename=body.filename,
        status="processing",
        asset_id=asset_id,
        created_at=now,
        updated_at=now,
    )
    IngestRepository.from_session(session).add(asset, record)
    import_id = record.id
    after_commit(session, lambda: _submit_import(settings, import_id))
    return record, asset


def _submit_import(settings: Settings, import_id: str) -> None:
    actors.submit_import(settings, import_id)


def get_import(session: Session, workspace_id: str, import_id: str) -> tuple[Import, Asset | None]:
    repo = IngestRepository.from_session(session)
    record = repo.import_(workspace_id, import_id)
    if record is None:
        raise NotFound(f"No import {import_id!r} in this workspace.")
    asset = repo.asset_by_id(record.asset_id) if record.asset_id else None
    return record, asset


def get_asset(session: Session, workspace_id: str, asset_id: str) -> Asset:
    asset = IngestRepository.from_session(session).asset(workspace_id, asset_id)
    if asset is None:
        raise NotFound(f"No asset {asset_id!r} in this workspace.")
    return asset


def delete_asset(session: Session, settings: Settings, workspace_id: str, asset_id: str) -> None:
    """The row goes now, the stored file once the deletion is committed."""
    asset = get_asset(session, workspace_id, asset_id)
    if asset.status in ("receiving", "processing"):
        raise Conflict(
            f"The asset is {asset.status}; delete it once it is ready or failed.",
            code="asset_busy",
            details={"status": asset.status},
        )
    key = asset.storage_key
    IngestRepository.from_session(session).delete_asset(asset)
    after_commit(session, lambda: storage_for(settings).delete(key))
