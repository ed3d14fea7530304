"""Our own `source_url`s: `{public_base_url}/v1/files/<workspace>/uploads/<asset>.<ext>`.

They name an object in storage. Anyone may hold one, but only the owning workspace can use it
in renders and tasks (the resolver reads storage directly; the `/v1/files` route still demands
a signature, so the bare URL downloads nothing for anybody else).
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from framelane.core.settings import Settings
from framelane.storage.local import FILES_ROUTE


def files_prefix(settings: Settings) -> str:
    return settings.public_base_url.rstrip("/") + FILES_ROUTE + "/"


def source_url_for(settings: Settings, storage_key: str) -> str:
    return files_prefix(settings) + quote(storage_key)


def own_storage_key(settings: Settings, url: str) -> str | None:
    """The storage key a URL of ours names, or None for an external URL."""
    prefix = files_prefix(settings)
    if not url.startswith(prefix):
        return None
    return unquote(urlsplit(url).path[len(urlsplit(prefix).path) :])
