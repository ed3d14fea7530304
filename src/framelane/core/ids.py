"""Prefixed ULID identifiers: `render_01J…`, `ws_01J…`, `key_01J…`."""

from __future__ import annotations

from ulid import ULID

PREFIXES = frozenset(
    {
        "render",
        "task",
        "ws",
        "key",
        "usr",
        "import",
        "asset",
        "wh",
        "evt",
        "dlv",
        "proj",
        "upl",
        "mbr",
        "tkn",
        "ts",
        "mode",
        "tok",
        "sess",
        "otp",
        "att",
        "batch",
    }
)


def new_id(prefix: str) -> str:
    """A new sortable id such as `render_01J8QR2K5VKDGN2T4FBM3CZYX7`."""
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    return f"{prefix}_{ULID()}"
