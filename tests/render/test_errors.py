"""Bad input: every failure has its code, nothing hangs, no partial output is left behind."""

from __future__ import annotations

import struct
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from framelane.core.errors import FramelaneError
from framelane.render.limits import RenderLimits
from framelane.render.pipeline import render
from framelane.render.sources.resolve import DefaultResolver
from tests.render.conftest import H, W, canvas, write_png, write_video


class ExplodingResolver:
    def resolve(self, url: str, kind: str) -> Path:
        raise AssertionError("a source was fetched before the limits were checked")


def huge_png_header(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims width × height (the pixels are never decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


def failure(tmp_path: Path, data: dict[str, Any], resolver: Any = None) -> FramelaneError:
    out = tmp_path / "out.mp4"
    with pytest.raises(FramelaneError) as caught:
        render(data, out, resolver=resolver or DefaultResolver(base_dir=tmp_path))
    assert not out.exists()
    return caught.value


def video(url: str) -> dict[str, Any]:
    return {"type": "video", "id": "v", "source_url": url}


class TestSources:
    def test_missing_file(self, tmp_path: Path) -> None:
        assert failure(tmp_path, canvas([video("nope.mp4")])).code == "source_not_found"

    def test_unreachable_url(self, tmp_path: Path) -> None:
        started = time.monotonic()
        error = failure(tmp_path, canvas([video("http://127.0.0.1:9/clip.mp4")]))
        assert error.code == "source_not_found" and time.monotonic() - started < 10

    def test_not_media(self, tmp_path: Path) -> None:
        (tmp_path / "junk.mp4").write_bytes(b"\x00garbage" * 500)
        assert failure(tmp_path, canvas([video("junk.mp4")])).code == "codec_unsupported"

    @pytest.mark.slow
    def test_truncated_media(self, tmp_path: Path) -> None:
        data = write_video(tmp_path / "full.mp4", seconds=1.0).read_bytes()
        (tmp_path / "cut.mp4").write_bytes(data[: len(data) // 3])
        assert failure(tmp_path, canvas([video("cut.mp4")])).code in (
            "codec_unsupported",
            "source_corrupt",
        )

    def test_not_an_image(self, tmp_path: Path) -> None:
        (tmp_path / "fake.png").write_text("hello")
        image = {"type": "image", "id": "i", "source_url": "fake.png", "duration": 1}
        assert failure(tmp_path, canvas([image])).code == "codec_unsupported"

    def test_broken_lut(self, tmp_path: Path) -> None:
        write_png(tmp_path / "red.png", (255, 0, 0, 255))
        (tmp_path / "bad.cube").write_text("LUT_3D_SIZE 4\n0 0 0\n")
        image = {
            "type": "image",
            "id": "i",
            "source_url": "red.png",
            "duration": 1,
            "lut_url": "bad.cube",
        }
        assert failure(tmp_path, canvas([image])).code == "source_corrupt"

    @pytest.mark.slow
    def test_a_source_over_the_size_limit(self, tmp_path: Path) -> None:
        write_video(tmp_path / "clip.mp4", seconds=0.2)
        resolver = DefaultResolver(base_dir=tmp_path, max_bytes=100)
        assert failure(tmp_path, canvas([video("clip.mp4")]), resolver).code == "source_too_large"

    @pytest.mark.slow
    def test_an_audio_element_without_sound(self, tmp_path: Path) -> None:
        write_video(tmp_path / "silent.mp4", seconds=0.2)
        sound = {"type": "audio", "source_url": "silent.mp4"}
        assert failure(tmp_path, canvas([sound])).code == "codec_unsupported"

    def test_a_video_element_without_pictures(self, tmp_path: Path) -> None:
        from tests.render.conftest import beep, write_wav

        write_wav(tmp_path / "tone.wav", beep(0.2))
        assert failure(tmp_path, canvas([video("tone.wav")])).code == "codec_unsupported"


class TestLimits:
    def test_a_gigantic_nested_composition_is_refused(self, tmp_path: Path) -> None:
        nested = {
            "type": "composition",
            "width": 100_000,
            "height": 50,
            "elements": [{"type": "text", "text": "x", "duration": 1}],
        }
        assert failure(tmp_path, canvas([nested])).code == "limit_exceeded"

    def test_a_gigantic_text_box_is_refused(self, tmp_path: Path) -> None:
        text = {"type": "text", "text": "word " * 2000, "duration": 1, "font_size": 400}
        assert failure(tmp_path, canvas([text])).code == "limit_exceeded"

    def test_absurd_output_is_refused_before_any_source_is_fetched(self, tmp_path: Path) -> None:
        data = {
            "width": 8192,
            "height": 8192,
            "frame_rate": 240,
            "duration": 3 * 3600,
            "elements": [video("https://example.com/a.mp4")],
        }
        error = failure(tmp_path, data, ExplodingResolver())
        assert error.code == "limit_exceeded"

    def test_a_50000_square_image_is_refused_from_its_header(self, tmp_path: Path) -> None:
        huge_png_header(tmp_path / "huge.png", 50_000, 50_000)
        image = {"type": "image", "id": "i", "source_url": "huge.png", "duration": 1}
        started = time.monotonic()
        assert failure(tmp_path, canvas([image])).code == "limit_exceeded"
        assert time.monotonic() - started < 2

    def test_custom_limits(self, tmp_path: Path) -> None:
        write_png(tmp_path / "red.png", (255, 0, 0, 255))
        image = {"type": "image", "id": "i", "source_url": "red.png", "duration": 5}
        with pytest.raises(FramelaneError) as caught:
            render(
                canvas([image]),
                tmp_path / "o.mp4",
                resolver=DefaultResolver(base_dir=tmp_path),
                limits=RenderLimits(max_duration=2),
            )
        assert caught.value.code == "limit_exceeded"

    def test_an_empty_timeline_without_duration_is_invalid(self, tmp_path: Path) -> None:
        assert (
            failure(tmp_path, {"width": W, "height": H, "elements": []}).code == "validation_error"
        )
