"""Every limit error names the request values to change and by how much."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from framelane.core.errors import LimitExceeded
from framelane.render.build import BuildContext, build_timeline
from framelane.render.fonts import FontLibrary
from framelane.render.limits import DEFAULT_LIMITS, RenderLimits, check_output
from framelane.render.sources.resolve import DefaultResolver
from framelane.render.spec import parse_spec
from tests.render.conftest import canvas


def refusal(data: dict[str, Any], limits: RenderLimits, base: Path) -> LimitExceeded:
    ctx = BuildContext(DefaultResolver(base_dir=base), limits, FontLibrary())
    with pytest.raises(LimitExceeded) as caught:
        build_timeline(parse_spec(data).spec, ctx)
    return caught.value


def test_an_output_too_large_names_what_to_reduce() -> None:
    with pytest.raises(LimitExceeded) as caught:
        check_output(DEFAULT_LIMITS, 3840, 2160, Fraction(60), Fraction(3 * 3600))
    message, reduce = caught.value.message, caught.value.details[0]["reduce"]
    assert "duration to at most" in message and "frame_rate to at most" in message
    assert 3840 * 2160 * 60 * reduce["duration"] <= DEFAULT_LIMITS.max_pixel_frames
    assert reduce["width"] % 2 == 0 and reduce["height"] % 2 == 0


def test_a_too_fast_frame_rate_says_by_how_much() -> None:
    with pytest.raises(LimitExceeded) as caught:
        check_output(DEFAULT_LIMITS, 64, 36, Fraction(300), Fraction(1))
    assert "reduce frame_rate by at least 60 fps" in caught.value.message


def test_a_text_too_large_says_how_much_smaller(tmp_path: Path) -> None:
    text = {"type": "text", "id": "title", "text": "Hello", "duration": 1, "font_size": 40}
    error = refusal(canvas([text]), RenderLimits(max_image_pixels=500), tmp_path)
    assert "reduce its font_size" in error.message and "times" in error.message


def test_too_many_moving_glyphs_say_how_many_to_remove(tmp_path: Path) -> None:
    motion = {"type": "fade", "time": 0, "duration": 1, "scope": "character"}
    text = {"type": "text", "id": "t", "text": "abcdefgh", "duration": 1, "motion": [motion]}
    error = refusal(canvas([text]), RenderLimits(max_glyph_motions=5), tmp_path)
    assert "shorten the text by 3 characters" in error.message
