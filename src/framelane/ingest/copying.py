"""Getting a stored object onto local disk cheaply: a hard link when the storage is this
machine's disk (no copy of a 5 GiB upload), a download otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from framelane.storage.base import ObjectMissing, Storage
from framelane.storage.local import LocalStorage


def materialise(storage: Storage, key: str, target: Path) -> int:
    """`target` holds the object's bytes; raises `ObjectMissing`. Returns the size."""
    if isinstance(storage, LocalStorage):
        source = storage.path_of(key)
        if not source.is_file():
            raise ObjectMissing("Object not found.")
        try:
            target.unlink(missing_ok=True)
            os.link(source, target)
            return target.stat().st_size
        except OSError:
            pass  # another filesystem: copy instead
    return storage.download_to(key, target)
