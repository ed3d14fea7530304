"""Local-disk storage (the self-host default). Signed URLs point at our own API."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from framelane.core.errors import FramelaneError
from framelane.storage import signing
from framelane.storage.base import ObjectMissing
from framelane.storage.keys import validate_key

FILES_ROUTE = "/v1/files"
UPLOAD_ROUTE = "/v1/uploads/put"


class SourceTooLarge(FramelaneError):
    """Raised when streamed bytes exceed the allowed size."""

    code = "source_too_large"
    status_code = 413


class LocalStorage:
    def __init__(self, root: Path, public_base_url: str, secret: str) -> None:
        self.root = root.resolve()
        self.public_base_url = public_base_url
        self.secret = secret
        self.root.mkdir(parents=True, exist_ok=True)

    def path_of(self, key: str) -> Path:
        path = (self.root / validate_key(key)).resolve()
        if self.root not in path.parents:
            raise ObjectMissing("Object not found.")
        return path

    def put_file(self, key: str, path: Path, content_type: str) -> int:
        target = self.path_of(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
        return target.stat().st_size

    def put_stream(
        self, key: str, chunks: Iterable[bytes], content_type: str, max_bytes: int
    ) -> int:
        """Write to a temp file beside the target and rename: never half an object."""
        target = self.path_of(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        written = 0
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    written += len(chunk)
                    if written > max_bytes:
                        raise SourceTooLarge(f"The upload exceeds {max_bytes} bytes.")
                    handle.write(chunk)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return written

    def download_to(self, key: str, path: Path) -> int:
        source = self.path_of(key)
        if not source.is_file():
            raise ObjectMissing("Object not found.")
        shutil.copyfile(source, path)
        return path.stat().st_size

    def iter_bytes(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        source = self.path_of(key)
        if not source.is_file():
            raise ObjectMissing("Object not found.")
        with source.open("rb") as handle:
            while chunk := handle.read(chunk_size):
                yield chunk

    def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()

    def size(self, key: str) -> int | None:
        path = self.path_of(key)
        return path.stat().st_size if path.is_file() else None

    def delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        base = (self.root / prefix.rstrip("/")).resolve()
        if base == self.root or self.root not in base.parents:
            return 0
        if not base.exists():
            return 0
        count = sum(1 for p in base.rglob("*") if p.is_file())
        shutil.rmtree(base)
        return count

    def keys_older_than(self, prefix: str, cutoff: datetime) -> Iterator[str]:
        base = self.root / prefix.rstrip("/") if prefix else self.root
        if not base.exists():
            return
        for path in base.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                if modified < cutoff:
                    yield path.relative_to(self.root).as_posix()

    def presign_get(self, key: str, ttl_seconds: int, filename: str | None = None) -> str:
        extra = {"filename": filename} if filename else None
        return signing.signed_url(
            self.public_base_url,
            FILES_ROUTE,
            self.secret,
            "GET",
            validate_key(key),
            ttl_seconds,
            extra=extra,
        )

    def presign_put(self, key: str, content_type: str, ttl_seconds: int) -> str:
        return signing.signed_url(
            self.public_base_url,
            UPLOAD_ROUTE,
            self.secret,
            "PUT",
            validate_key(key),
            ttl_seconds,
            content_type,
        )

    def check(self) -> None:
        probe = self.root / ".readyz"
        probe.write_bytes(b"ok")
        probe.unlink()
