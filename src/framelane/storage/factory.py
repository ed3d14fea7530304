"""Pick the storage backend from `FRAMELANE_STORAGE_URL` (file://… default, s3://bucket?…)."""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from pathlib import Path
from urllib.parse import urlparse

from framelane.core.settings import Settings
from framelane.storage.base import Storage
from framelane.storage.local import LocalStorage


@lru_cache(maxsize=8)
def _build(storage_url: str, public_base_url: str, secret: str) -> Storage:
    parsed = urlparse(storage_url)
    if parsed.scheme == "file":
        return LocalStorage(Path(parsed.path), public_base_url, secret)
    if parsed.scheme == "s3":
        s3 = import_module("framelane.storage.s3")  # boto3 is imported only when S3 is used
        storage: Storage = s3.S3Storage.from_url(storage_url)
        return storage
    raise ValueError(f"unsupported storage URL scheme {parsed.scheme!r}")


def storage_for(settings: Settings) -> Storage:
    return _build(
        settings.resolved_storage_url, settings.public_base_url, settings.resolved_secret_key
    )
