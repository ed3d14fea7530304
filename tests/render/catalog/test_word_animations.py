"""Every supported caption style, rendered through the real engine: the highlighted word follows
the absolute word times, the caption differs from plain text, and renders are reproducible."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from framelane.render.word_animations import WORD_ANIMATIONS
from tests.render.conftest import W, canvas, frame_rgba

SUPPORTED = [name for name in WORD_ANIMATIONS if WORD_ANIMATIONS.is_supported(name)]
WORDS = [
    {"text": "one", "start": 0.0, "end": 1.0},
    {"text": "two", "start": 1.0, "end": 2.0},
    {"text": "six", "start": 2.0, "end": 3.0},
]


def caption(base: Path, index: int, style: str | None) -> np.ndarray:
    text: dict[str, Any] = {
        "type": "text",
        "text": "one two six",
        "time": 0,
        "duration": 3,
        "font_size": 24,
        "font_family": "Inter",
        "text_color": "#ffffff",
        "background_color": "#2050e0",
    }
    if style is not None:
        text["word_animation"] = {"style": style, "words": WORDS, "highlight_color": "#ff2000"}
    return frame_rgba(canvas([text], frame_rate=30, duration=3), base, index)


def columns(frame: np.ndarray) -> tuple[float, float]:
    """Mean brightness of the left and the middle third of the canvas (words one and two)."""
    light = frame[..., :3].astype(float).sum(axis=2)
    return float(light[:, : W // 3 + 8].mean()), float(light[:, W // 3 + 8 : 2 * W // 3].mean())


def test_every_caption_style_is_rendered() -> None:
    assert set(SUPPORTED) == {"glow", "box", "scale_pop", "slide_up", "fly_in", "color"}


@pytest.mark.parametrize("style", SUPPORTED)
def test_style_changes_the_caption(tmp_path: Path, style: str) -> None:
    assert not np.array_equal(caption(tmp_path, 15, style), caption(tmp_path, 15, None))


@pytest.mark.parametrize("style", SUPPORTED)
def test_highlight_follows_the_absolute_word_times(tmp_path: Path, style: str) -> None:
    # 0.1 s into "one" and into "two" (the moving styles settle within a word's first 30%)
    first, second = caption(tmp_path, 3, style), caption(tmp_path, 33, style)
    assert not np.array_equal(first, second)
    plain = caption(tmp_path, 15, None)
    left_changed = np.abs(first.astype(int) - plain)[:, : W // 3].sum()
    middle_changed = np.abs(second.astype(int) - plain)[:, W // 3 : 2 * W // 3].sum()
    assert left_changed > 0 or middle_changed > 0


@pytest.mark.parametrize("style", SUPPORTED)
def test_style_renders_identical_pixels_twice(tmp_path: Path, style: str) -> None:
    assert np.array_equal(caption(tmp_path, 45, style), caption(tmp_path, 45, style))


def test_glow_dims_every_word_but_the_active_one(tmp_path: Path) -> None:
    plain_left, plain_middle = columns(caption(tmp_path, 15, None))
    left, middle = columns(caption(tmp_path, 15, "glow"))  # "one" is spoken
    assert abs(left - plain_left) < 0.02 * plain_left and middle < 0.8 * plain_middle
    left, middle = columns(caption(tmp_path, 45, "glow"))  # "two" is spoken
    assert left < 0.8 * plain_left and abs(middle - plain_middle) < 0.02 * plain_middle


def ink_box(frame: np.ndarray, columns: slice, at_least: int = 200) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the white glyph pixels in a range of columns (the
    background #2050e0 has no channel above 224 and its red is 32)."""
    white = frame[..., :3].astype(int).min(axis=2) > at_least
    white[:, : columns.start] = False
    white[:, columns.stop :] = False
    ys, xs = np.nonzero(white)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


ONE, TWO, SIX = slice(0, 62), slice(62, 110), slice(110, W)
"""Columns of the three words (at rest: 17-55, 65-104, 115-142)."""


def test_scale_pop_enlarges_the_active_word_about_its_centre(tmp_path: Path) -> None:
    plain, popped = caption(tmp_path, 15, None), caption(tmp_path, 15, "scale_pop")
    (l0, t0, r0, b0), (l1, t1, r1, b1) = ink_box(plain, ONE), ink_box(popped, ONE)
    assert (r1 - l1) > 1.1 * (r0 - l0) and (b1 - t1) > 1.1 * (b0 - t0)
    assert abs((l1 + r1) - (l0 + r0)) <= 4 and abs((t1 + b1) - (t0 + b0)) <= 4  # ±2 px
    assert ink_box(popped, TWO) == ink_box(plain, TWO)  # only the spoken word pops


@pytest.mark.parametrize("style", ["slide_up", "fly_in"])
def test_entrance_styles_bring_each_word_in_and_settle_exactly(tmp_path: Path, style: str) -> None:
    plain = caption(tmp_path, 0, None)
    arriving = caption(tmp_path, 33, style)  # "two" is 10% of its time in, ~70% opaque
    assert ink_box(arriving, TWO, 120)[3] > ink_box(plain, TWO, 120)[3]  # below its place
    assert ink_box(arriving, ONE) == ink_box(plain, ONE)  # "one" has arrived
    early = caption(tmp_path, 15, style)  # while "one" is spoken, the others are hidden
    assert not (early[:, ONE.stop :, :3].astype(int).min(axis=2) > 120).any()
    settled = caption(tmp_path, 50, style)  # "two" past the first 30% of its time
    left = slice(0, 110)
    assert np.array_equal(settled[:, left], plain[:, left])
    assert np.array_equal(caption(tmp_path, 89, style), plain)  # every word in place


def test_fly_in_starts_large_below_and_to_the_right(tmp_path: Path) -> None:
    plain = caption(tmp_path, 0, None)
    l0, t0, r0, b0 = ink_box(plain, TWO)
    l1, t1, r1, b1 = ink_box(caption(tmp_path, 33, "fly_in"), slice(TWO.start, W), 120)
    assert l1 + r1 > l0 + r0 and b1 + t1 > b0 + t0 and (r1 - l1) > 1.15 * (r0 - l0)
