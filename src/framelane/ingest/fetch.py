"""External downloads: SSRF-guarded (every redirect hop), streamed to disk with size and time
limits, conditional on cached validators, and sniffed by content (never by extension).

Errors are the engine's codes: `url_not_allowed` (guard), `source_not_found` (HTTP error,
unreachable, too slow), `source_too_large`, `source_corrupt` (empty), `codec_unsupported`
(an HTML page or unknown bytes).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from framelane.ingest.sniff import HEAD_BYTES, looks_like_markup, sniff_bytes
from framelane.net.ssrf import Guard, safe_stream
from framelane.render.errors import (
    CodecUnsupported,
    RenderCancelled,
    SourceCorrupt,
    SourceNotFound,
    SourceTooLarge,
)

DEFAULT_TIMEOUT = 600.0
"""Seconds for a whole download."""
IO_TIMEOUT = 30.0
"""Seconds without progress (connect, or between chunks) before giving up."""
STOP_POLL = 0.25
"""Seconds between asking `should_stop` while a server sends nothing at all."""
USER_AGENT = "Framelane-Fetcher/1.0"
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass(frozen=True, slots=True)
class Download:
    """A finished download; `not_modified` means the cached copy is still current."""

    not_modified: bool
    path: Path | None = None
    size: int = 0
    content_type: str | None = None
    validators: Validators = Validators()
    fresh_seconds: int = 0
    final_url: str = ""


def fresh_seconds(cache_control: str | None) -> int:
    if not cache_control:
        return 0
    lowered = cache_control.lower()
    if "no-store" in lowered or "no-cache" in lowered:
        return 0
    match = _MAX_AGE.search(cache_control)
    return int(match.group(1)) if match else 0


def sniff_download(path: Path, url: str) -> str:
    """The content type of downloaded bytes; refuses empty files and non-media."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head:
        raise SourceCorrupt(f"{url} returned an empty body.", details={"url": url})
    content_type = sniff_bytes(head)
    if content_type is None:
        what = "an HTML page" if looks_like_markup(head) else "no media format we read"
        raise CodecUnsupported(f"{url} returned {what}.", details={"url": url})
    return content_type


class DownloadCancelled(RenderCancelled):
    """The job a download serves was cancelled while its bytes were arriving."""


class Fetcher:
    """Downloads one URL at a time; the guard decides which addresses may be called."""

    def __init__(
        self,
        *,
        allow_private: bool,
        max_bytes: int,
        timeout: float = DEFAULT_TIMEOUT,
        guard: Guard | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        """`should_stop`: asked as the bytes arrive; true stops the download with
        `DownloadCancelled` (the job it serves was cancelled)."""
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.guard = guard
        self.should_stop = should_stop

    def download(self, url: str, target: Path, validators: Validators | None = None) -> Download:
        headers = {
            "User-Agent": USER_AGENT,
            "Accept-Encoding": "identity",
            **(validators.headers() if validators else {}),
        }
        deadline = time.monotonic() + self.timeout
        try:
            with safe_stream(
                "GET",
                url,
                allow_private=self.allow_private,
                headers=headers,
                follow_redirects=True,
                timeout=min(IO_TIMEOUT, self.timeout),
                guard=self.guard,
            ) as response:
                if response.status_code == 304 and validators:
                    return Download(
                        True, fresh_seconds=fresh_seconds(response.headers.get("cache-control"))
                    )
                self._check_status(response, url)
                size = self._write(response, target, url, deadline)
                final_url = str(response.extensions.get("framelane_url", url))
                found = Validators(
                    response.headers.get("etag"), response.headers.get("last-modified")
                )
                cache_for = fresh_seconds(response.headers.get("cache-control"))
        except httpx.TransportError as error:
            raise SourceNotFound(
                f"{url} could not be downloaded ({type(error).__name__}).", details={"url": url}
            ) from error
        content_type = self._sniff(target, url)
        return Download(False, target, size, content_type, found, cache_for, final_url)

    def _sniff(self, target: Path, url: str) -> str:
        try:
            return sniff_download(target, url)
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    def _check_status(self, response: httpx.Response, url: str) -> None:
        if response.status_code >= 300:
            raise SourceNotFound(
                f"{url} answered HTTP {response.status_code}.",
                details={"url": url, "status": response.status_code},
            )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceTooLarge(
                f"{url} is {declared} bytes; the limit is {self.max_bytes}.",
                details={"url": url, "max_bytes": self.max_bytes},
            )

    def _write(self, response: httpx.Response, target: Path, url: str, deadline: float) -> int:
        """Stream into `<target>.part`, then rename: a failed download leaves no file."""
        partial = target.with_name(target.name + ".part")
        written = 0
        try:
            with self._hung_up_when_stopped(response) as hung_up, partial.open("wb") as handle:
                for chunk in response.iter_bytes():  # as it arrives: the deadline holds
                    written += len(chunk)
                    if written > self.max_bytes:
                        raise SourceTooLarge(
                            f"{url} is larger than {self.max_bytes} bytes.",
                            details={"url": url, "max_bytes": self.max_bytes},
                        )
                    if time.monotonic() > deadline:
                        raise SourceNotFound(
                            f"{url} took longer than {self.timeout:g} s to download.",
                            details={"url": url},
                        )
                    if self.should_stop is not None and self.should_stop():
                        raise self._cancelled(url)
                    handle.write(chunk)
                if hung_up.is_set():  # the body ended early because we hung up
                    raise self._cancelled(url)
            partial.replace(target)
        except (httpx.TransportError, OSError) as error:
            partial.unlink(missing_ok=True)
            if hung_up.is_set():
                raise self._cancelled(url) from error
            raise
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return written

    def _cancelled(self, url: str) -> DownloadCancelled:
        return DownloadCancelled(
            f"The download of {url} was stopped: the job was cancelled.", details={"url": url}
        )

    @contextmanager
    def _hung_up_when_stopped(self, response: httpx.Response) -> Iterator[threading.Event]:
        """While the body streams, ask `should_stop` every STOP_POLL seconds from a watcher
        thread, and when it says stop, shut the connection down: a read blocked on a server
        that sends nothing returns at once instead of after IO_TIMEOUT. The event says that
        it happened (the read then fails, or the body looks finished early)."""
        hung_up, done = threading.Event(), threading.Event()
        if self.should_stop is None:
            yield hung_up
            return
        should_stop = self.should_stop

        def watch() -> None:
            while not done.wait(STOP_POLL):
                if should_stop():
                    hung_up.set()
                    _shut_down(response)
                    return

        watcher = threading.Thread(target=watch, name="framelane-fetch-watch", daemon=True)
        watcher.start()
        try:
            yield hung_up
        finally:
            done.set()
            watcher.join()


def _shut_down(response: httpx.Response) -> None:
    """Shut the response's socket down for both directions (a blocked read returns)."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed: nothing is blocked on it
