"""`GET /v1/files/{key}`: serves local-storage objects behind an HMAC signature and expiry."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from framelane.core.settings import Settings
from framelane.db.unit_of_work import after_commit
from framelane.kit.errors import ERROR_RESPONSES
from framelane.kit.web import SettingsDep
from framelane.storage import signing
from framelane.storage.factory import storage_for
from framelane.storage.keys import workspace_prefix

router = APIRouter(tags=["files"], responses=ERROR_RESPONSES)

CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mov": "video/quicktime",
    ".gif": "image/gif",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".json": "application/json",
    ".srt": "application/x-subrip",
    ".vtt": "text/vtt",
    ".wav": "audio/wav",
}


def guess_type(key: str) -> str:
    for suffix, content_type in CONTENT_TYPES.items():
        if key.endswith(suffix):
            return content_type
    return "application/octet-stream"


@router.get("/v1/files/{key:path}")
def download_file(
    key: str,
    settings: SettingsDep,
    expires: str | None = Query(None),
    sig: str | None = Query(None),
    filename: str | None = Query(None),
) -> StreamingResponse:
    signing.verify(settings.resolved_secret_key, "GET", key, expires, sig)
    storage = storage_for(settings)
    size = storage.size(key)
    chunks = storage.iter_bytes(key)
    headers = {"content-length": str(size)} if size is not None else {}
    if filename:
        safe = "".join(c for c in filename if c.isalnum() or c in "._-")[:120] or "download"
        headers["content-disposition"] = f'attachment; filename="{safe}"'
    return StreamingResponse(chunks, media_type=guess_type(key), headers=headers)


def check_storage(request: Request) -> None:
    storage_for(request.app.state.settings).check()


def delete_workspace_objects(session: Session, settings: Settings, workspace_id: str) -> None:
    """Stored objects go once the rows are gone for good (after the commit)."""
    storage = storage_for(settings)

    def delete_objects() -> None:
        storage.delete_prefix(workspace_prefix(workspace_id))

    after_commit(session, delete_objects)
