"""Images people use, through the engine: SVG drawn at the element's size, animated GIF,
WebP and APNG on their own timing with `loop`, HEIC photos, 16-bit greys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from framelane.render.scene import SceneRenderer
from framelane.render.spec import parse_spec
from tests.media.images import COLOURS, write_animation, write_heic, write_png_16, write_svg
from tests.render.conftest import H, W, canvas, frame_rgba, timeline_of


def image(source: str, **fields: Any) -> dict[str, Any]:
    return {"type": "image", "id": "i", "source_url": source, "duration": 1, **fields}


def colours_shown(base: Path, data: dict[str, Any]) -> list[int]:
    """Per output frame, which of COLOURS fills the middle of the canvas."""
    timeline, fonts = timeline_of(data, base)
    scene = SceneRenderer(timeline, fonts, timeline.background)
    try:
        shown = []
        for n in range(timeline.frame_count):
            pixel = scene.render(n)[H // 2, W // 2, [2, 1, 0]].astype(int)
            shown.append(int(np.argmin([np.abs(pixel - c).sum() for c in COLOURS])))
        return shown
    finally:
        scene.close()


def played(seconds: float, fps: int = 10, *, loop: bool) -> list[int]:
    """The frame on screen at each output frame: 100 ms red, 200 ms green, 100 ms blue."""
    schedule = [0, 1, 1, 2]  # per 100 ms
    return [schedule[n % 4] if loop or n < 4 else 2 for n in range(round(seconds * fps))]


@pytest.mark.parametrize(("fmt", "suffix"), [("GIF", "gif"), ("WEBP", "webp"), ("PNG", "png")])
class TestAnimations:
    def test_frames_follow_their_own_durations_and_loop(
        self, tmp_path: Path, fmt: str, suffix: str
    ) -> None:
        write_animation(tmp_path / f"a.{suffix}", fmt)
        data = canvas([image(f"a.{suffix}")], frame_rate=10, duration=1)
        assert colours_shown(tmp_path, data) == played(1, loop=True)

    def test_loop_false_holds_the_last_frame(self, tmp_path: Path, fmt: str, suffix: str) -> None:
        write_animation(tmp_path / f"a.{suffix}", fmt)
        data = canvas([image(f"a.{suffix}", loop=False)], frame_rate=10, duration=1)
        assert colours_shown(tmp_path, data) == played(1, loop=False)

    def test_a_file_that_plays_once_repeats_when_asked(
        self, tmp_path: Path, fmt: str, suffix: str
    ) -> None:
        write_animation(tmp_path / f"a.{suffix}", fmt, loop=None if fmt == "GIF" else 1)
        once = canvas([image(f"a.{suffix}")], frame_rate=10, duration=1)
        assert colours_shown(tmp_path, once) == played(1, loop=False)
        again = canvas([image(f"a.{suffix}", loop=True)], frame_rate=10, duration=1)
        assert colours_shown(tmp_path, again) == played(1, loop=True)


def test_the_time_of_an_animation_is_its_elements(tmp_path: Path) -> None:
    write_animation(tmp_path / "a.gif", "GIF")
    data = canvas([image("a.gif", time=0.5, duration=0.5)], frame_rate=10, duration=1)
    assert colours_shown(tmp_path, data)[5:] == played(0.5, loop=True)


def test_an_svg_is_drawn_at_the_size_of_its_box(tmp_path: Path) -> None:
    """A 20 × 10 logo in a 160 × 80 box: the red/blue edge is one pixel wide, where a 20 px
    raster scaled up 8× would blur it over about 8 pixels."""
    write_svg(tmp_path / "logo.svg")
    rgba = frame_rgba(canvas([image("logo.svg", width=160, height=80)]), tmp_path)
    row = rgba[H // 2, :, :3].astype(int)
    reds = (row[:, 0] > 250) & (row[:, 2] < 5)
    blues = (row[:, 2] > 250) & (row[:, 0] < 5)
    assert reds.sum() >= 79 and blues.sum() >= 79


def test_an_svg_under_a_scale_is_drawn_at_the_scaled_size(tmp_path: Path) -> None:
    from framelane.render.sources.layers import ImageSource

    write_svg(tmp_path / "logo.svg")
    data = canvas([image("logo.svg", width=40, height=20, x_scale="300%", y_scale="300%")])
    timeline, fonts = timeline_of(data, tmp_path)
    source = ImageSource(timeline.layers[0], fonts)
    assert source.frames[0].shape[:2] == (60, 120)


def test_a_16_bit_grey_png_renders_grey(tmp_path: Path) -> None:
    write_png_16(tmp_path / "grey16.png", np.full((8, 8), 32896, np.uint16))  # 50 %
    rgba = frame_rgba(canvas([image("grey16.png")]), tmp_path)
    assert tuple(rgba[H // 2, W // 2, :3]) == (128, 128, 128)


def test_an_iphone_heic_photo_renders(tmp_path: Path) -> None:
    write_heic(tmp_path / "photo.heic", (200, 30, 40), (64, 36))
    rgba = frame_rgba(canvas([image("photo.heic")]), tmp_path)
    assert np.abs(rgba[H // 2, W // 2, :3].astype(int) - (200, 30, 40)).max() <= 6


def test_loop_is_an_image_field_in_the_schema() -> None:
    spec = parse_spec(canvas([image("a.gif", loop=False)])).spec
    assert spec.elements[0].loop is False  # type: ignore[union-attr]


@pytest.mark.slow
def test_an_animation_over_a_video_plays_in_the_encoded_output(tmp_path: Path) -> None:
    """The yuv420p path reuses a layer's sprite while it stays still: an animation must not."""
    import av

    from framelane.render.pipeline import render
    from tests.media.corpus import write_media

    write_media(tmp_path / "bg.mp4", frames=25)
    write_animation(tmp_path / "a.gif", "GIF", size=32)
    sticker = image(str(tmp_path / "a.gif"), width="32px", height="32px", x="75%")
    data = {
        "width": 64,
        "height": 32,
        "frame_rate": 10,
        "duration": 1,
        "elements": [sticker, {"type": "video", "source_url": str(tmp_path / "bg.mp4")}],
    }
    render(data, tmp_path / "out.mp4")
    with av.open(str(tmp_path / "out.mp4")) as container:
        pixels = [f.to_ndarray(format="rgb24")[16, 48] for f in container.decode(video=0)]
    nearest = [int(np.argmin([np.abs(p.astype(int) - c).sum() for c in COLOURS])) for p in pixels]
    assert nearest == played(1, loop=True)
    assert all(int(p.max()) > 200 for p in pixels)
