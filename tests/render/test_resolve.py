"""DefaultResolver: local paths, file:// URLs and http(s) downloads with limits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from framelane.render.errors import SourceNotFound, SourceTooLarge
from framelane.render.pipeline import render
from framelane.render.sources.resolve import DefaultResolver
from tests.render.conftest import canvas, write_png


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 serving `tmp_path/www`."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_http_sources_are_downloaded_once_and_rendered(tmp_path: Path, served: str) -> None:
    write_png(tmp_path / "www" / "red.png", (255, 0, 0, 255))
    resolver = DefaultResolver(base_dir=tmp_path)
    first = resolver.resolve(f"{served}/red.png", "image")
    assert resolver.resolve(f"{served}/red.png", "image") == first
    image = {"type": "image", "id": "i", "source_url": f"{served}/red.png", "duration": 0.2}
    result = render(
        {**canvas([image]), "output_format": "png"}, tmp_path / "o.png", resolver=resolver
    )
    resolver.close()
    assert result.size_bytes > 0 and not first.exists()


def test_http_404_is_source_not_found(tmp_path: Path, served: str) -> None:
    with pytest.raises(SourceNotFound) as caught:
        DefaultResolver().resolve(f"{served}/missing.mp4", "video")
    assert caught.value.details["status"] == 404


def test_downloads_over_the_size_limit_stop(tmp_path: Path, served: str) -> None:
    (tmp_path / "www" / "big.bin").write_bytes(b"x" * 4096)
    with pytest.raises(SourceTooLarge):
        DefaultResolver(max_bytes=1000).resolve(f"{served}/big.bin", "video")


def test_file_urls_and_relative_paths(tmp_path: Path) -> None:
    png = write_png(tmp_path / "a.png", (0, 0, 0, 255))
    assert DefaultResolver().resolve(png.as_uri(), "image") == png
    assert DefaultResolver(base_dir=tmp_path).resolve("a.png", "image") == tmp_path / "a.png"
    with pytest.raises(SourceNotFound):
        DefaultResolver().resolve("ftp://example.com/a.png", "image")
