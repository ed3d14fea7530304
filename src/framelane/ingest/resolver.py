"""The `SourceResolver` the render engine and the AI tasks use inside the service.

* Our own `source_url`s (see `framelane.ingest.urls`) resolve straight from storage, and only
  for the workspace that owns the key; another workspace's key is `source_not_found`.
* External http(s) URLs go through the SSRF guard (`framelane.net.ssrf`, every redirect hop),
  a streamed download with size and time limits, content sniffing, and the per-workspace cache.
* Whatever the origin, the bytes must be of the requested kind (`video`/`audio` need a media
  container, `image` an image whose header is within the pixel limit, `font` a font) —
  `codec_unsupported` otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from framelane.core.errors import FramelaneError
from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.ingest.cache import SourceCache
from framelane.ingest.copying import materialise
from framelane.ingest.fetch import DEFAULT_TIMEOUT, Fetcher
from framelane.ingest.mime import family
from framelane.ingest.probe import check_image_header
from framelane.ingest.repository import IngestRepository
from framelane.ingest.sniff import sniff_file
from framelane.ingest.urls import own_storage_key
from framelane.net.ssrf import Guard, parse_target
from framelane.render.errors import CodecUnsupported, SourceNotFound
from framelane.render.limits import DEFAULT_LIMITS, RenderLimits
from framelane.render.sources.resolve import SourceResolver
from framelane.storage.base import ObjectMissing
from framelane.storage.factory import storage_for
from framelane.storage.keys import validate_key, workspace_of

KIND_FAMILIES = {
    "video": {"video", "audio"},
    "audio": {"video", "audio"},
    "image": {"image"},
    "font": {"font"},
}


class IngestResolver:
    """Resolves source URLs for one workspace into files under `workdir`."""

    def __init__(
        self,
        settings: Settings,
        workspace_id: str,
        workdir: Path,
        *,
        max_bytes: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        guard: Guard | None = None,
        limits: RenderLimits = DEFAULT_LIMITS,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.settings = settings
        self.workspace_id = workspace_id
        self.workdir = workdir
        self.limits = limits
        self.fetcher = Fetcher(
            allow_private=settings.allow_private_urls,
            max_bytes=max_bytes or settings.max_upload_bytes,
            timeout=timeout,
            guard=guard,
            should_stop=should_stop,
        )
        self._resolved: dict[str, Path] = {}

    def resolve(self, url: str, kind: str) -> Path:
        if url not in self._resolved:
            self.workdir.mkdir(parents=True, exist_ok=True)
            key = own_storage_key(self.settings, url)
            path = self._from_storage(url, key) if key is not None else self._external(url)
            check_kind(path, kind, url, self.limits)
            self._resolved[url] = path
        return self._resolved[url]

    def _target(self, url: str) -> Path:
        return self.workdir / ("src-" + hashlib.sha256(url.encode()).hexdigest()[:24])

    def _from_storage(self, url: str, key: str) -> Path:
        try:
            validate_key(key)
        except FramelaneError as error:
            raise SourceNotFound(f"{url} names no object.", details={"url": url}) from error
        if workspace_of(key) != self.workspace_id:
            raise SourceNotFound(f"{url} does not exist in this workspace.", details={"url": url})
        raise_if_failed(self.settings, key, url)
        target = self._target(url)
        try:
            materialise(storage_for(self.settings), key, target)
        except ObjectMissing as error:
            target.unlink(missing_ok=True)
            raise SourceNotFound(
                f"{url} has not been uploaded (or was deleted).", details={"url": url}
            ) from error
        return target

    def _external(self, url: str) -> Path:
        parse_target(url, allow_private=self.settings.allow_private_urls)
        cache = SourceCache(self.settings, self.workspace_id, self.fetcher)
        path, _content_type = cache.fetch(url, self._target(url))
        return path


def raise_if_failed(settings: Settings, key: str, url: str) -> None:
    """An upload whose probe failed keeps failing with the probe's code."""
    with session_scope(settings.resolved_database_url) as session:
        asset = IngestRepository.from_session(session).asset_by_key(key)
        if asset is not None and asset.status == "failed":
            raise FramelaneError(
                asset.error_message or f"{url} cannot be used.",
                code=asset.error_code or "source_corrupt",
                status_code=422,
                details={"url": url, "asset_id": asset.id},
            )


def check_kind(path: Path, kind: str, url: str, limits: RenderLimits) -> None:
    """The bytes must be what the element needs (content, not the URL's extension)."""
    wanted = KIND_FAMILIES.get(kind)
    if wanted is None:
        return
    content_type = sniff_file(path)
    if content_type is None or family(content_type) not in wanted:
        found = content_type or "no media format we read"
        raise CodecUnsupported(
            f"{url} is {found}, not a usable {kind} source.",
            details={"url": url, "kind": kind, "detected": content_type},
        )
    if kind == "image":
        check_image_header(path, content_type, limits)


def make_resolver(
    settings: Settings,
    workspace_id: str,
    workdir: Path,
    should_stop: Callable[[], bool] | None = None,
) -> SourceResolver:
    """The resolver for renders and tasks of `workspace_id`; downloads land in `workdir` and
    stop as soon as `should_stop()` says the job was cancelled."""
    return IngestResolver(settings, workspace_id, workdir, should_stop=should_stop)
