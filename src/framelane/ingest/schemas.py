"""Request and response bodies of uploads, imports and assets."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from framelane.core.errors import FramelaneError
from framelane.ingest.mime import ALLOWED

ACCEPTED_TYPES: list[JsonValue] = [*sorted(ALLOWED)]
"""Documented in the schema, so clients (and fuzzers) see the allow-list."""


class UploadCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    content_type: str = Field(
        min_length=1,
        max_length=100,
        description="MIME type from the allow-list (parameters and case are ignored).",
        json_schema_extra={"enum": ACCEPTED_TYPES},
    )
    filename: str | None = Field(
        None, max_length=255, description="Only used to pick the extension."
    )
    size_bytes: int | None = Field(
        None, ge=1, description="Beyond: when given, the PUT may not carry more bytes (413)."
    )


class UploadOut(BaseModel):
    id: str = Field(description="The asset this upload becomes.")
    upload_url: str = Field(description="PUT the whole file here with the same Content-Type.")
    source_url: str = Field(description="Use in renders and tasks of this workspace.")
    expires_at: datetime
    method: str = "PUT"
    headers: dict[str, str]


class UploadReceived(BaseModel):
    id: str
    status: str
    source_url: str
    size_bytes: int


class ImportCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    url: str = Field(min_length=1, max_length=2083)
    filename: str | None = Field(
        None, max_length=255, description="Extension hint when the URL has none."
    )


class ErrorOut(BaseModel):
    code: str
    message: str


class ImportOut(BaseModel):
    id: str
    status: str = Field(description="processing | ready | failed")
    url: str
    source_url: str | None = None
    asset_id: str | None = None
    error: ErrorOut | None = None
    created_at: datetime


class AssetOut(BaseModel):
    id: str
    status: str = Field(description="awaiting_upload | receiving | processing | ready | failed")
    origin: str = Field(description="upload | import")
    source_url: str
    kind: str | None = Field(None, description="video | audio | image | font")
    content_type: str
    filename: str | None = None
    size_bytes: int | None = None
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    has_audio: bool | None = None
    rotation: int | None = None
    error: ErrorOut | None = None
    created_at: datetime
    ready_at: datetime | None = None


class UploadAlreadyReceived(FramelaneError):
    """Raised when a signed upload URL is used again after its bytes arrived."""

    code = "upload_already_received"
    status_code = 409
