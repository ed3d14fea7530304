"""`SourceResolver`: the only way the engine gets the bytes of a URL.

The HTTP service plugs in its own SSRF-safe resolver; `DefaultResolver` serves the CLI: local
paths, `file://` URLs and http(s) downloads (streamed to a temp dir with size and time limits).
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlparse

import httpx

from framelane.render.errors import SourceNotFound, SourceTooLarge

KINDS = ("video", "image", "audio", "font", "lut")


class SourceResolver(Protocol):
    def resolve(self, url: str, kind: str) -> Path:
        """A local file with the bytes of `url`; `kind` is video|image|audio|font|lut.
        Raises `SourceNotFound` or `SourceTooLarge`."""
        ...


class WorkspaceFonts(Protocol):
    """Optionally implemented by a resolver: font files uploaded to the workspace, looked up
    by family name before the bundled and system fonts."""

    def workspace_fonts(self) -> list[Path]: ...


class DefaultResolver:
    """Local paths, file:// and http(s); downloads are cached per URL for one render."""

    def __init__(
        self,
        workdir: Path | None = None,
        *,
        max_bytes: int = 5 * 1024**3,
        timeout: float = 300.0,
        base_dir: Path | None = None,
    ) -> None:
        self._workdir = workdir
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.base_dir = base_dir
        self._cache: dict[str, Path] = {}

    def resolve(self, url: str, kind: str) -> Path:
        if url not in self._cache:
            self._cache[url] = self._fetch(url)
        return self._cache[url]

    def close(self) -> None:
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def _fetch(self, url: str) -> Path:
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https"):
            return self._download(url)
        if parsed.scheme == "file":
            return self._local(Path(unquote(parsed.path)), url)
        if parsed.scheme in ("", "c", "d") or len(parsed.scheme) == 1:
            path = Path(url)
            if not path.is_absolute() and self.base_dir is not None:
                path = self.base_dir / path
            return self._local(path, url)
        raise SourceNotFound(f"unsupported URL scheme {parsed.scheme!r}: {url}")

    def _local(self, path: Path, url: str) -> Path:
        if not path.is_file():
            raise SourceNotFound(f"source not found: {url}", details={"url": url})
        if path.stat().st_size > self.max_bytes:
            raise SourceTooLarge(f"source larger than {self.max_bytes} bytes: {url}")
        return path

    def _target(self, url: str) -> Path:
        if self._workdir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="framelane-src-")
            self._workdir = Path(self._tempdir.name)
        suffix = Path(urlparse(url).path).suffix[:8]
        return self._workdir / (hashlib.sha256(url.encode()).hexdigest()[:24] + suffix)

    def _download(self, url: str) -> Path:
        target = self._target(url)
        deadline = time.monotonic() + self.timeout
        try:
            with httpx.stream("GET", url, follow_redirects=True, timeout=30.0) as response:
                if response.status_code >= 400:
                    raise SourceNotFound(
                        f"source not found: {url} (HTTP {response.status_code})",
                        details={"url": url, "status": response.status_code},
                    )
                self._write_body(response, target, url, deadline)
        except httpx.HTTPError as error:
            target.unlink(missing_ok=True)
            raise SourceNotFound(f"source unreachable: {url} ({error})") from error
        return target

    def _write_body(
        self, response: httpx.Response, target: Path, url: str, deadline: float
    ) -> None:
        written = 0
        with target.open("wb") as out:
            for chunk in response.iter_bytes(1 << 20):
                written += len(chunk)
                if written > self.max_bytes:
                    raise SourceTooLarge(f"source larger than {self.max_bytes} bytes: {url}")
                if time.monotonic() > deadline:
                    raise SourceNotFound(f"download of {url} took longer than {self.timeout}s")
                out.write(chunk)
