"""Sprites made straight in Y'CbCr (planar_sprites.py): pictures warped after one conversion,
and video insets blended from their own planes. Each is checked against exact arithmetic on
the BGRA composite, and each refusal falls back to the general path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from framelane.render import planar_sprites
from framelane.render.motions import MOTIONS
from framelane.render.planar_sprites import DirectSprites
from tests.render.conftest import W, calls_to, canvas, write_png, write_video
from tests.render.test_planar import (
    as_bgr,
    assert_matches_bgra,
    assert_matches_exact_blend,
    bgra_frame,
    bgra_frames,
    gradient,
    planar_frames,
    source_planes,
)

pytestmark = pytest.mark.slow

INSET_TOLERANCE = {"max_difference": 4, "mean": 1.0}
"""The inset is scaled in its own planes; the reference rounds it through BGRA first (which
measures 0.5–0.7 levels off on average, test_planar.py), hence ~1 level more than sprites."""


def other_gradient(n: int) -> np.ndarray:
    """Another smooth picture (the inset's), changing every frame."""
    return np.ascontiguousarray(gradient(n)[::-1, ::-1, ::-1])


@pytest.fixture
def smooth(tmp_path: Path) -> Path:
    return write_video(tmp_path / "smooth.mp4", seconds=0.5, frame=gradient, bt709=True)


@pytest.fixture
def inset_clip(tmp_path: Path) -> Path:
    return write_video(tmp_path / "inset.mp4", seconds=0.5, frame=other_gradient, bt709=True)


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many layers each direct path drew (a refusal does not count)."""
    counts = {"inset": 0, "transformed": 0}
    for name in counts:
        original = getattr(DirectSprites, name)

        def counted(self: DirectSprites, *args: Any, _name: str = name, _f: Any = original) -> Any:
            result = _f(self, *args)
            counts[_name] += result is not None
            return result

        monkeypatch.setattr(DirectSprites, name, counted)
    return counts


def inset(clip: Path, **extra: Any) -> dict[str, Any]:
    """A 64×36 inset (the source is 160×90) leaving to the right, by fractions of a pixel a
    frame at first."""
    return {
        "type": "video",
        "id": "inset",
        "source_url": str(clip),
        "width": 64,
        "height": 36,
        "x": 60.3,
        "y": 40.6,
        "border_radius": 8,
        "opacity": 90,
        "shadow_color": "#00000099",
        "shadow_blur": 16,
        "shadow_x": 4,
        "shadow_y": 3,
        "z_index": 1,
        "motion": [
            {"type": "slide_right", "time": 0, "duration": 4, "easing": "linear", "reversed": True}
        ],
        **extra,
    }


def with_bottom(clip: Path, *layers: dict[str, Any]) -> dict[str, Any]:
    return canvas(
        [*layers, {"type": "video", "id": "bottom", "source_url": str(clip)}], duration=0.5
    )


def test_a_moving_video_inset_with_corners_shadow_and_opacity_is_blended_from_its_planes(
    tmp_path: Path, smooth: Path, inset_clip: Path, made: dict[str, int]
) -> None:
    layer = inset(inset_clip)
    frames = planar_frames(with_bottom(smooth, layer), tmp_path)
    assert made["inset"] == 15
    drawn = assert_matches_exact_blend(
        canvas([layer], duration=0.5), tmp_path, frames, source_planes(smooth), **INSET_TOLERANCE
    )
    # The inset and its shadow are there, and the inset moves.
    assert all(mask.sum() > 64 * 36 for mask in drawn)
    assert not np.array_equal(drawn[0], drawn[-1])


def test_an_inset_partly_off_the_canvas_is_cut_to_it(
    tmp_path: Path, smooth: Path, inset_clip: Path, made: dict[str, int]
) -> None:
    layer = inset(inset_clip, x=W - 10.25, y=-4.5, motion=[])
    frames = planar_frames(with_bottom(smooth, layer), tmp_path)
    assert made["inset"] == 15
    assert_matches_exact_blend(
        canvas([layer], duration=0.5), tmp_path, frames, source_planes(smooth), **INSET_TOLERANCE
    )


@pytest.mark.parametrize(
    "change",
    [
        {"z_rotation": "5deg"},
        {"border_width": 2, "border_color": "#ffffff"},
        {"shadow_blur": 4},
        {"blend_mode": "screen"},
        {"width": 63},
    ],
)
def test_an_inset_it_cannot_draw_straight_is_drawn_through_skia(
    tmp_path: Path, smooth: Path, inset_clip: Path, made: dict[str, int], change: dict[str, Any]
) -> None:
    data = with_bottom(smooth, inset(inset_clip, **change))
    frames = planar_frames(data, tmp_path)
    assert made["inset"] == 0
    assert all(frame is not None for frame in frames)


def test_an_inset_turned_by_a_motion_falls_back_on_those_frames_only(
    tmp_path: Path, smooth: Path, inset_clip: Path, made: dict[str, int]
) -> None:
    turning = [{"type": "rotate_cw", "time": 0, "duration": 0.2}]
    data = with_bottom(smooth, inset(inset_clip, motion=turning))
    frames = planar_frames(data, tmp_path)
    assert made["inset"] == 9  # frames 6–14, once it has turned into place
    assert all(frame is not None for frame in frames)


def test_turned_faded_and_enlarged_pictures_are_warped_after_one_conversion(
    tmp_path: Path, smooth: Path, made: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    conversions = calls_to(monkeypatch, planar_sprites, "premultiplied_444")
    logo = write_png(tmp_path / "logo.png", (250, 200, 0, 220), (30, 16))
    small = write_png(tmp_path / "small.png", (40, 90, 220, 255), (8, 6))
    layers = [
        {
            "type": "image",
            "id": "logo",
            "source_url": str(logo),
            "width": 30,
            "height": 16,
            "x": 40,
            "y": 30,
            "z_rotation": "12deg",
            "duration": 0.5,
            "z_index": 2,
            "motion": [
                {"type": "fade", "time": 0, "duration": 1, "reversed": True},
                {"type": "loop_rotate", "time": 0, "duration": 0.5},
            ],
        },
        {
            "type": "image",
            "id": "small",
            "source_url": str(small),
            "width": 40,
            "height": 30,
            "x": 110.5,
            "y": 50.25,
            "duration": 0.5,
            "z_index": 1,
            "motion": [{"type": "slide_left", "time": 0, "duration": 4, "reversed": True}],
        },
    ]
    frames = planar_frames(with_bottom(smooth, *layers), tmp_path)
    assert made["transformed"] == 2 * 15
    assert len(conversions) == 2
    # Conversion, warp, fade and 2×2 average each round once: ≤ 2.1 levels, ~1 where the
    # faded logo's edges are most of what is drawn.
    drawn = assert_matches_exact_blend(
        canvas(layers, duration=0.5), tmp_path, frames, source_planes(smooth), mean=1.0
    )
    assert all(mask.sum() > 30 * 16 for mask in drawn)


def test_a_picture_in_use_stays_converted_while_others_come_and_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rotating logo beside a text whose picture changes every frame (per-character motion):
    the logo is converted once, the text's old pictures are let go."""
    calls = calls_to(monkeypatch, planar_sprites, "premultiplied_444")
    maker = DirectSprites((W, 90))
    logo = np.full((8, 8, 4), 200, np.uint8)
    for n in range(3 * planar_sprites.CONVERTED_PICTURES):
        maker._yuva(logo)
        maker._yuva(np.full((8, 8, 4), n, np.uint8))
    converted = [int(pixels[0, 0, 0]) for _, pixels in calls]
    assert converted.count(200) == 1
    assert len(converted) == 1 + 3 * planar_sprites.CONVERTED_PICTURES
    assert len(maker._converted) == planar_sprites.CONVERTED_PICTURES


def test_an_inset_under_a_layer_that_blends_with_it_is_drawn_in_that_region_in_bgra(
    tmp_path: Path, smooth: Path, inset_clip: Path, made: dict[str, int]
) -> None:
    """A multiply layer over the inset: their region is played back through BGRA, the inset
    recorded from its planar frame converted there."""
    tint = write_png(tmp_path / "tint.png", (250, 120, 40, 255), (30, 20))
    over = {
        "type": "image",
        "id": "tint",
        "source_url": str(tint),
        "width": 30,
        "height": 20,
        "x": 64,
        "y": 44,
        "blend_mode": "multiply",
        "duration": 0.5,
        "z_index": 2,
    }
    data = with_bottom(smooth, inset(inset_clip, motion=[]), over)
    frames = planar_frames(data, tmp_path)
    assert made["inset"] == 15
    drawn = assert_matches_bgra(data, tmp_path, frames, source_planes(smooth), mean=1.0)
    assert all(mask[34:54, 49:79].sum() > 200 for mask in drawn)


SKIA_FILTER_STEPS = {"max_difference": 16, "mean": 1.6}
"""skia's raster pipeline weighs the two texels of a bilinear sample in steps of 1/8, OpenCV in
steps of 1/32 (`tests/render` measured skia 223 where exact bilinear is 229.5 and OpenCV 231):
at a sharp edge moved by a fraction of a pixel the two differ by up to 1/16 of the edge's
contrast. Everywhere else they agree within rounding."""


NOT_SOURCE_OVER = {"overlay", "difference"}
"""Motions that blend with what is under them: drawn through BGRA, not blended as sprites."""


@pytest.mark.parametrize(
    "motion", [name for name in MOTIONS.names() if name not in NOT_SOURCE_OVER]
)
def test_every_motion_composited_in_planes_matches_the_bgra_composite(
    tmp_path: Path, smooth: Path, motion: str
) -> None:
    logo = write_png(tmp_path / "logo.png", (250, 200, 0, 220), (30, 16))
    moving = [{"type": motion, "time": 0, "duration": 0.5}]
    layers = [
        {
            "type": "image",
            "id": "logo",
            "source_url": str(logo),
            "width": 30,
            "height": 16,
            "x": 50,
            "y": 30,
            "duration": 0.5,
            "motion": moving,
        },
        {
            "type": "text",
            "id": "t",
            "text": "Hey",
            "font_size": 14,
            "x": 110,
            "y": 60,
            "duration": 0.5,
            "motion": moving,
        },
    ]
    frames = planar_frames(with_bottom(smooth, *layers), tmp_path)
    assert sum(frame is not None for frame in frames) >= 10
    assert_matches_exact_blend(
        canvas(layers, duration=0.5),
        tmp_path,
        frames,
        source_planes(smooth),
        fallbacks=True,
        **SKIA_FILTER_STEPS,
    )


@pytest.mark.parametrize(
    "motion", [name for name in MOTIONS.names() if name not in NOT_SOURCE_OVER]
)
def test_every_motion_on_an_inset_matches_the_bgra_composite(
    tmp_path: Path, smooth: Path, inset_clip: Path, motion: str
) -> None:
    """Inset frames where the motion only moves or fades it are drawn from its planes, the
    others through skia; both match."""
    layer = inset(inset_clip, motion=[{"type": motion, "time": 0, "duration": 0.5}])
    frames = planar_frames(with_bottom(smooth, layer), tmp_path)
    assert sum(frame is not None for frame in frames) >= 10
    assert_matches_exact_blend(
        canvas([layer], duration=0.5),
        tmp_path,
        frames,
        source_planes(smooth),
        fallbacks=True,
        **SKIA_FILTER_STEPS,
    )


def test_insets_joined_by_a_transition_that_blends_pictures_fall_back_while_it_runs(
    tmp_path: Path, inset_clip: Path, made: dict[str, int]
) -> None:
    """Two insets one after the other with a swirl between them: the frames of the swirl are
    drawn in BGRA from the insets' planar frames, converted there; the file matches a render
    drawn in BGRA throughout."""
    first = inset(inset_clip, id="first", duration=0.5, motion=[])
    second = inset(inset_clip, id="second", time=0.5, duration=0.5, motion=[], x=90.5)
    bottom = write_video(tmp_path / "long.mp4", seconds=1, frame=gradient, bt709=True)
    data = canvas(
        [first, second, {"type": "video", "id": "bottom", "source_url": str(bottom)}],
        duration=1,
        transitions=[{"type": "swirl", "from_id": "first", "to_id": "second", "duration": 0.2}],
    )
    frames = planar_frames(data, tmp_path)
    used = [frame is not None for frame in frames]
    assert used[:12] == [True] * 12 and not any(used[12:18]) and all(used[18:])
    assert made["inset"] == len(frames) - 6
    planar_ones = [(index, frame) for index, frame in enumerate(frames) if frame is not None]
    expected = bgra_frames(data, tmp_path)
    for index, frame in planar_ones:
        assert frame is not None
        want = as_bgr(bgra_frame(expected[index]))
        # Where the insets are: the planar path does not round the bottom through BGRA.
        assert np.abs(as_bgr(frame) - want)[30:80, 20:150].mean() < 2.5
