"""`POST /v1/uploads`, the signed `PUT /v1/uploads/put/{key}`, `POST /v1/imports`,
`GET /v1/imports/{id}`, `GET /v1/workspace/assets` (ready assets) and `GET …/assets/{id}`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import APIRouter, Query, Request, Response, status

from framelane.identity.auth import WorkspaceDep
from framelane.ingest import service
from framelane.ingest.models import Asset
from framelane.ingest.repository import IngestRepository
from framelane.ingest.schemas import (
    AssetOut,
    ImportCreate,
    ImportOut,
    UploadCreate,
    UploadOut,
    UploadReceived,
)
from framelane.kit.errors import ERROR_RESPONSES
from framelane.kit.pagination import Page, PageDep, page_of, paginate
from framelane.kit.web import SessionDep, SettingsDep
from framelane.storage.local import UPLOAD_ROUTE

router = APIRouter(tags=["uploads"], responses=ERROR_RESPONSES)
REQUEST_ARRIVAL_CHECKS = 10
UPLOAD_THREADS = 32


@router.post("/v1/uploads", response_model=UploadOut, status_code=status.HTTP_201_CREATED)
def create_upload(
    body: UploadCreate, ctx: WorkspaceDep, session: SessionDep, settings: SettingsDep
) -> UploadOut:
    """A signed, expiring PUT URL for one file (1 hour) and the `source_url` to use it by."""
    return service.create_upload(session, settings, ctx.id, body)


def _sync_chunks(stream: AsyncIterator[bytes]) -> Iterator[bytes]:
    """Pull the request body chunk by chunk from the event loop into this worker thread."""

    async def next_chunk() -> bytes | None:
        try:
            return await stream.__anext__()
        except StopAsyncIteration:
            return None

    while True:
        chunk = anyio.from_thread.run(next_chunk)
        if chunk is None:
            return
        if chunk:
            yield chunk


BINARY_BODY = {
    "requestBody": {
        "required": True,
        "description": "The whole file, once.",
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.put(
    f"{UPLOAD_ROUTE}/{{key:path}}",
    response_model=UploadReceived,
    openapi_extra=BINARY_BODY,
    tags=["uploads"],
)
async def put_upload(
    key: str,
    request: Request,
    settings: SettingsDep,
    expires: Annotated[str | None, Query()] = None,
    sig: Annotated[str | None, Query()] = None,
) -> UploadReceived:
    """Receive the bytes of an upload (local storage). Streams to disk; never buffers the file.
    403 `signature_invalid` / `expired`, 415 `content_type_mismatch`, 413 `source_too_large`."""
    content_type = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    stream = request.stream().__aiter__()
    return await anyio.to_thread.run_sync(
        lambda: service.receive_upload(
            settings,
            key,
            expires,
            sig,
            content_type,
            request.headers.get("content-length"),
            _sync_chunks(stream),
        ),
        limiter=_upload_limiter(request),
    )


def _upload_limiter(request: Request) -> anyio.CapacityLimiter:
    """Long uploads get their own threads: they never starve the API's shared thread pool."""
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "upload_limiter", None)
    if limiter is None:
        limiter = anyio.CapacityLimiter(UPLOAD_THREADS)
        request.app.state.upload_limiter = limiter
    return limiter


@router.post("/v1/imports", response_model=ImportOut, status_code=status.HTTP_202_ACCEPTED)
def create_import(
    body: ImportCreate, ctx: WorkspaceDep, session: SessionDep, settings: SettingsDep
) -> ImportOut:
    """Copy a remote file (direct link, Dropbox or Google Drive share link) into storage."""
    record, asset = service.create_import(session, settings, ctx.id, body)
    return service.import_out(settings, record, asset)


@router.get("/v1/imports/{import_id}", response_model=ImportOut)
def get_import(
    import_id: str, ctx: WorkspaceDep, session: SessionDep, settings: SettingsDep
) -> ImportOut:
    record, asset = service.get_import(session, ctx.id, import_id)
    return service.import_out(settings, record, asset)


@router.get("/v1/workspace/assets", response_model=Page[AssetOut])
def list_assets(
    ctx: WorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
    page: PageDep,
    kind: Annotated[str | None, Query(pattern="^(video|audio|image|font)$")] = None,
) -> dict[str, object]:
    """Ready uploads and imports of this workspace, newest first."""
    service.discover_arrivals(session, settings, ctx.id, limit=REQUEST_ARRIVAL_CHECKS)
    stmt = IngestRepository.from_session(session).ready_assets_stmt(ctx.id, kind)
    rows, next_cursor, has_more = paginate(session, stmt, Asset.id, page)
    return page_of([service.asset_out(settings, a) for a in rows], next_cursor, has_more)


@router.get("/v1/workspace/assets/{asset_id}", response_model=AssetOut)
def get_asset(
    asset_id: str, ctx: WorkspaceDep, session: SessionDep, settings: SettingsDep
) -> AssetOut:
    """One asset in any status (`awaiting_upload`, `receiving`, `processing`, `ready`,
    `failed`)."""
    service.discover_arrivals(session, settings, ctx.id, asset_id=asset_id)
    return service.asset_out(settings, service.get_asset(session, ctx.id, asset_id))


@router.delete("/v1/workspace/assets/{asset_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_asset(
    asset_id: str, ctx: WorkspaceDep, session: SessionDep, settings: SettingsDep
) -> Response:
    """Beyond the original: delete an asset and its stored file (renders using its
    `source_url` afterwards fail with `source_not_found`)."""
    service.delete_asset(session, settings, ctx.id, asset_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
