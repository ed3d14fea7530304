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
        "type": "text", "text": "one two six", "time": 0, "duration": 3, "font_size": 24,
        "font_family": "Inter", "text_color": "#ffffff", "background_color": "#2050e0",
    }  # fmt: skip
    if style is not None:
        text["word_animation"] = {"style": style, "words": WORDS, "highlight_color": "#ff2000"}
    return frame_rgba(canvas([text], frame_rate=30, duration=3), base, index)


def columns(frame: np.ndarray) -> tuple[float, float]:
    """Mean brightness of the left and the middle third of the canvas (words one and two)."""
    light = frame[..., :3].astype(float).sum(axis=2)
    return float(light[:, : W // 3 + 8].mean()), float(light[:, W // 3 + 8 : 2 * W // 3].mean())


def test_unsupported_styles_say_which_protocol_extension_they_need() -> None:
    unsupported = {n for n in WORD_ANIMATIONS if not WORD_ANIMATIONS.is_supported(n)}
    assert unsupported == {"scale_pop", "slide_up", "fly_in"}
    for name in unsupported:
        assert "Not rendered yet: needs WordLook" in WORD_ANIMATIONS.entry(name).description


@pytest.mark.parametrize("style", SUPPORTED)
def test_style_changes_the_caption(tmp_path: Path, style: str) -> None:
    assert not np.array_equal(caption(tmp_path, 15, style), caption(tmp_path, 15, None))


@pytest.mark.parametrize("style", SUPPORTED)
def test_highlight_follows_the_absolute_word_times(tmp_path: Path, style: str) -> None:
    first, second = caption(tmp_path, 15, style), caption(tmp_path, 45, style)
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
