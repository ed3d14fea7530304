"""Encode → decode round trips of every output format (tiny media)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image

from framelane.render.pipeline import RenderResult, render
from framelane.render.sources.resolve import DefaultResolver
from tests.render.conftest import H, W, decode_frames, write_png

pytestmark = pytest.mark.slow


def run(tmp_path: Path, data: dict[str, Any], name: str) -> RenderResult:
    return render(data, tmp_path / name, resolver=DefaultResolver(base_dir=tmp_path))


def boxed(tmp_path: Path, fmt: str, **extra: Any) -> dict[str, Any]:
    """A red 80×40 box from 0.5 s to 1.0 s on a 1 s canvas at 30 fps."""
    write_png(tmp_path / "red.png", (255, 0, 0, 255), size=(80, 40))
    element = {
        "type": "image",
        "id": "box",
        "source_url": "red.png",
        "time": 0.5,
        "duration": 0.5,
        "width": 80,
        "height": 40,
    }
    return {
        "width": W,
        "height": H,
        "duration": 1,
        "frame_rate": 30,
        "output_format": fmt,
        "elements": [element],
        **extra,
    }


class TestMp4:
    def test_h264_yuv420p_bt709_faststart(self, tmp_path: Path) -> None:
        result = run(tmp_path, boxed(tmp_path, "mp4"), "out.mp4")
        assert result.content_type == "video/mp4" and result.size_bytes > 0
        with av.open(str(result.path)) as container:
            stream = container.streams.video[0]
            ctx = stream.codec_context
            assert (ctx.name, ctx.pix_fmt) == ("h264", "yuv420p")
            assert (ctx.colorspace, ctx.color_primaries, ctx.color_trc) == (1, 1, 1)
            assert stream.frames == 30
        data = result.path.read_bytes()
        assert data.index(b"moov") < data.index(b"mdat")

    def test_box_appears_and_leaves_on_the_exact_frames(self, tmp_path: Path) -> None:
        frames = decode_frames(run(tmp_path, boxed(tmp_path, "mp4"), "out.mp4").path)
        red = [int(f[H // 2, W // 2, 0]) > 128 for f in frames]
        assert red == [False] * 15 + [True] * 15

    def test_colours_survive_within_3_levels(self, tmp_path: Path) -> None:
        colour = (51, 128, 178)
        write_png(tmp_path / "c.png", (*colour, 255))
        element = {"type": "image", "id": "c", "source_url": "c.png", "duration": 0.2}
        frames = decode_frames(
            run(tmp_path, {"width": W, "height": H, "elements": [element]}, "c.mp4").path
        )
        assert np.abs(frames[3][H // 2, W // 2].astype(int) - colour).max() <= 3


class TestAlpha:
    def test_webm_alpha_decodes_back_transparent(self, tmp_path: Path) -> None:
        result = run(tmp_path, boxed(tmp_path, "webm", alpha=True), "out.webm")
        frames = decode_frames(result.path, fmt="rgba", codec="libvpx-vp9")
        assert frames[20][2, 2, 3] < 10 and frames[20][H // 2, W // 2, 3] > 245
        assert frames[20][H // 2, W // 2, 0] > 200 and frames[5][H // 2, W // 2, 3] < 10

    def test_mov_alpha_is_prores_4444(self, tmp_path: Path) -> None:
        result = run(tmp_path, boxed(tmp_path, "mov", alpha=True), "out.mov")
        with av.open(str(result.path)) as container:
            assert container.streams.video[0].codec_context.name == "prores"
        frames = decode_frames(result.path, fmt="rgba")
        assert frames[20][2, 2, 3] < 10 and frames[20][H // 2, W // 2, 3] > 245

    def test_mov_without_alpha_is_h264(self, tmp_path: Path) -> None:
        result = run(tmp_path, boxed(tmp_path, "mov"), "out.mov")
        assert result.content_type == "video/quicktime"
        with av.open(str(result.path)) as container:
            assert container.streams.video[0].codec_context.name == "h264"

    def test_webm_without_alpha_is_opaque_vp9(self, tmp_path: Path) -> None:
        result = run(tmp_path, boxed(tmp_path, "webm"), "out.webm")
        frames = decode_frames(result.path, fmt="rgba", codec="libvpx-vp9")
        assert frames[0][2, 2, 3] == 255 and frames[20][H // 2, W // 2, 0] > 200

    def test_png_keeps_transparency(self, tmp_path: Path) -> None:
        result = run(tmp_path, boxed(tmp_path, "png", snapshot_time=0.6), "out.png")
        picture = np.asarray(Image.open(result.path))
        assert picture.shape == (H, W, 4)
        assert picture[2, 2, 3] == 0 and tuple(picture[H // 2, W // 2]) == (255, 0, 0, 255)


class TestStillsAndGif:
    def test_jpg_is_the_frame_at_snapshot_time(self, tmp_path: Path) -> None:
        before = np.asarray(
            Image.open(run(tmp_path, boxed(tmp_path, "jpg", snapshot_time=0.2), "a.jpg").path)
        )
        during = np.asarray(
            Image.open(run(tmp_path, boxed(tmp_path, "jpg", snapshot_time=0.6), "b.jpg").path)
        )
        assert before[H // 2, W // 2, 0] < 20 and during[H // 2, W // 2, 0] > 235

    def test_gif_uses_a_palette_that_keeps_the_colours(self, tmp_path: Path) -> None:
        result = run(tmp_path, boxed(tmp_path, "gif"), "out.gif")
        assert result.content_type == "image/gif"
        frames = decode_frames(result.path)
        assert len(frames) >= 29
        assert np.abs(frames[20][H // 2, W // 2].astype(int) - [255, 0, 0]).max() <= 6
        assert np.abs(frames[20][2, 2].astype(int)).max() <= 6


class TestVideoSources:
    def test_a_webm_source_with_alpha_keeps_its_transparency(self, tmp_path: Path) -> None:
        run(tmp_path, boxed(tmp_path, "webm", alpha=True), "src.webm")
        write_png(tmp_path / "green.png", (0, 255, 0, 255))
        green = {"type": "image", "id": "g", "source_url": "green.png", "duration": 1}
        video = {"type": "video", "id": "v", "source_url": "src.webm", "z_index": 1}
        result = run(tmp_path, {"width": W, "height": H, "elements": [video, green]}, "over.mp4")
        frame = decode_frames(result.path)[20]
        assert frame[2, 2, 1] > 200 and frame[H // 2, W // 2, 0] > 200
