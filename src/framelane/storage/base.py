"""The storage port. Object keys are always namespaced by workspace: `ws_…/<area>/…`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Protocol

from framelane.core.errors import FramelaneError


class StorageError(FramelaneError):
    """Raised when the storage backend cannot complete an operation."""

    code = "storage_error"
    status_code = 503


class ObjectMissing(FramelaneError):
    """Raised when a key has no object."""

    code = "not_found"
    status_code = 404


class SignatureInvalid(FramelaneError):
    """Raised when a signed URL's signature does not match."""

    code = "signature_invalid"
    status_code = 403


class SignatureExpired(FramelaneError):
    """Raised when a signed URL is used after its expiry."""

    code = "expired"
    status_code = 403


class Storage(Protocol):
    """Every backend offers the same operations; callers never see paths or buckets."""

    def put_file(self, key: str, path: Path, content_type: str) -> int:
        """Store a local file under `key`; returns its size in bytes."""
        ...

    def put_stream(
        self, key: str, chunks: Iterable[bytes], content_type: str, max_bytes: int
    ) -> int:
        """Store streamed bytes; refuses (and leaves nothing) past `max_bytes`."""
        ...

    def download_to(self, key: str, path: Path) -> int:
        """Copy the object to a local file; returns its size."""
        ...

    def iter_bytes(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]: ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int | None: ...

    def delete(self, key: str) -> None: ...

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object whose key starts with `prefix`; returns how many."""
        ...

    def keys_older_than(self, prefix: str, cutoff: datetime) -> Iterator[str]: ...

    def presign_get(self, key: str, ttl_seconds: int, filename: str | None = None) -> str:
        """A URL anyone can GET until it expires."""
        ...

    def presign_put(self, key: str, content_type: str, ttl_seconds: int) -> str:
        """A URL that accepts one PUT of the object with that Content-Type until it expires."""
        ...

    def check(self) -> None:
        """Raise when the backend is not reachable (readiness probe)."""
        ...
