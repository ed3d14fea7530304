"""Object key layout: everything of a workspace lives under `<workspace_id>/`."""

from __future__ import annotations

import re

from framelane.core.errors import BadRequest

SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


def workspace_prefix(workspace_id: str) -> str:
    return f"{workspace_id}/"


def artifact_key(workspace_id: str, job_id: str, filename: str) -> str:
    return f"{workspace_id}/jobs/{job_id}/{safe_segment(filename)}"


def upload_key(workspace_id: str, upload_id: str, extension: str) -> str:
    return f"{workspace_id}/uploads/{upload_id}{extension}"


def safe_segment(segment: str) -> str:
    if not SAFE_SEGMENT.match(segment) or segment in {".", ".."}:
        raise BadRequest(f"Unsafe object name {segment!r}.")
    return segment


def validate_key(key: str) -> str:
    """Refuse traversal and absolute keys before any backend sees them."""
    parts = key.split("/")
    if (
        not key
        or key.startswith("/")
        or any(not SAFE_SEGMENT.match(p) or p in {".", ".."} for p in parts)
    ):
        raise BadRequest("Invalid object key.", code="invalid_key")
    return key


def workspace_of(key: str) -> str:
    return key.split("/", 1)[0]
