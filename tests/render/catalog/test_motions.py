"""Every supported motion, rendered through the real engine (spec → timeline → frame state →
compositor) on a 160×90 canvas: entrances end exactly at the element's resting picture, exits
start there, loops are at rest at both ends and repeat, and `reversed` mirrors the motion in time.
Unsupported motions are refused by validation (see test_consistency.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from framelane.render.motions import MOTIONS
from tests.render.conftest import canvas, frame_rgba

SUPPORTED = [name for name in MOTIONS if MOTIONS.is_supported(name)]
FPS = 30
MOTION_FRAMES = 30
"""The motion lasts 1 s = 30 frames, from frame 0."""


def kind(name: str) -> str:
    motion = MOTIONS.get(name)
    if getattr(motion, "looping", False):
        return "loop"
    return str(motion.direction)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A two-colour image (red left, blue right) so rotations and flips are visible."""
    image = Image.new("RGBA", (80, 46), (230, 30, 30, 255))
    image.paste((30, 60, 230, 255), (40, 0, 80, 46))
    image.save(tmp_path / "card.png")
    return tmp_path


def render(base: Path, index: int, motion: dict[str, Any] | None) -> np.ndarray:
    element: dict[str, Any] = {
        "type": "image",
        "id": "card",
        "source_url": "card.png",
        "time": 0,
        "duration": 3,
        "width": "50%",
        "height": "50%",
    }
    if motion is not None:
        element["motion"] = [motion]
    return frame_rgba(canvas([element], frame_rate=FPS, duration=3), base, index)


def motion(name: str, **extra: Any) -> dict[str, Any]:
    return {"type": name, "time": 0, "duration": 1, "easing": "linear", **extra}


def same(a: np.ndarray, b: np.ndarray, tolerance: int = 2) -> bool:
    return int(np.abs(a.astype(int) - b).max()) <= tolerance


def test_every_motion_of_the_catalog_is_rendered() -> None:
    assert set(MOTIONS) == set(SUPPORTED)


@pytest.mark.parametrize("name", SUPPORTED)
def test_motion_moves_the_element(base: Path, name: str) -> None:
    plain = render(base, 8, None)
    assert not same(render(base, 8, motion(name)), plain, tolerance=20)


@pytest.mark.parametrize("name", SUPPORTED)
def test_motion_starts_or_ends_at_rest(base: Path, name: str) -> None:
    plain_start, plain_end = render(base, 0, None), render(base, MOTION_FRAMES, None)
    start, end = render(base, 0, motion(name)), render(base, MOTION_FRAMES, motion(name))
    if kind(name) == "entrance":
        assert same(end, plain_end) and not same(start, plain_start, tolerance=20)
    elif kind(name) == "exit":
        assert same(start, plain_start) and not same(end, plain_end, tolerance=20)
    else:
        assert same(start, plain_start) and same(end, plain_end)


@pytest.mark.parametrize("name", [n for n in SUPPORTED if kind(n) != "loop"])
def test_reversed_mirrors_the_motion_in_time(base: Path, name: str) -> None:
    forward = render(base, 20, motion(name))
    backward = render(base, MOTION_FRAMES - 20, motion(name, reversed=True))
    assert same(forward, backward)


@pytest.mark.parametrize("name", [n for n in SUPPORTED if kind(n) == "loop"])
def test_looping_motion_repeats(base: Path, name: str) -> None:
    first = render(base, 8, motion(name, loop=True))
    again = render(base, 8 + MOTION_FRAMES, motion(name, loop=True))
    assert same(first, again)


@pytest.mark.parametrize("name", SUPPORTED)
def test_motion_renders_identical_pixels_twice(base: Path, name: str) -> None:
    assert np.array_equal(render(base, 11, motion(name)), render(base, 11, motion(name)))


def test_explode_flings_the_pieces_out_and_brings_them_back_whole(base: Path) -> None:
    """The 80×46 card in the middle of the 160×90 canvas (40..120, 22..68): a quarter of the
    way in (scatter 0.75) its pieces reach well outside that box and its middle has emptied;
    at the end it is the card again, exactly."""
    plain = render(base, 40, None)
    flying = render(base, 8, motion("explode"))
    inked = flying[..., :3].max(axis=2) > 40
    outside = inked.copy()
    outside[22:68, 40:120] = False
    assert outside.sum() > 400
    assert inked[22:68, 40:120].sum() < 0.6 * 46 * 80  # the middle has emptied out
    assert same(render(base, 40, motion("explode")), plain, tolerance=0)
