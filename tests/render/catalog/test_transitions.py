"""Every transition rendered through the real engine (two clips around a cut), and the pixel
blends also checked on the two pictures directly: progress 0 is exactly the outgoing picture and
progress 1 the incoming one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from framelane.render.pairs import BlendsPictures
from framelane.render.transitions import TRANSITIONS
from framelane.render.transitions.pixel import PixelTransition
from tests.render.conftest import H, W, canvas, frame_rgba

from .frames import picture, translucent

ENGINE = [n for n in TRANSITIONS if TRANSITIONS.is_supported(n)]
BLENDS = [n for n in TRANSITIONS if isinstance(TRANSITIONS.entry(n), PixelTransition)]
MODIFIERS = [n for n in ENGINE if n not in BLENDS]
WINDOW = (15, 45)
"""Frames where the 1 s transition window (centred on the cut at 1 s) starts and ends."""


def test_every_transition_is_supported_as_a_layer_modifier_or_a_blend() -> None:
    assert sorted(ENGINE) == sorted(TRANSITIONS)
    assert sorted(MODIFIERS + BLENDS) == sorted(TRANSITIONS)
    assert TRANSITIONS.canonical("fade") == "cross_dissolve"


@pytest.mark.parametrize("name", BLENDS)
def test_blends_are_drawn_by_the_scene_renderer(name: str) -> None:
    assert isinstance(TRANSITIONS.get(name), BlendsPictures)


# --------------------------------------------------------------------- through the engine


@pytest.fixture
def base(tmp_path: Path) -> Path:
    Image.new("RGBA", (W, H), (220, 40, 40, 255)).save(tmp_path / "a.png")
    Image.new("RGBA", (W, H), (40, 60, 220, 255)).save(tmp_path / "b.png")
    return tmp_path


def cut(base: Path, index: int, name: str | None) -> np.ndarray:
    elements: list[dict[str, Any]] = [
        {"type": "image", "id": "a", "source_url": "a.png", "time": 0, "duration": 2},
        {"type": "image", "id": "b", "source_url": "b.png", "time": 1, "duration": 2},
    ]
    extra: dict[str, Any] = {"frame_rate": 30, "duration": 3}
    if name is not None:
        extra["transitions"] = [{"type": name, "duration": 1, "from_id": "a", "to_id": "b"}]
    return frame_rgba(canvas(elements, **extra), base, index)


RED, BLUE = np.array([220, 40, 40]), np.array([40, 60, 220])


def close(pixel: np.ndarray, colour: np.ndarray) -> bool:
    return int(np.abs(pixel[:3].astype(int) - colour).max()) <= 3


@pytest.mark.parametrize("name", [*ENGINE, "fade"])
def test_engine_transition_starts_on_the_outgoing_and_ends_on_the_incoming(
    base: Path, name: str
) -> None:
    start, end = cut(base, WINDOW[0], name), cut(base, WINDOW[1], name)
    assert (np.abs(start[..., :3].astype(int) - RED) <= 3).all()
    assert (np.abs(end[..., :3].astype(int) - BLUE) <= 3).all()
    middle = cut(base, 30, name)
    assert not np.array_equal(middle, cut(base, 30, None))
    assert np.array_equal(middle, cut(base, 30, name))


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("cross_dissolve", lambda f: close(f[45, 80], (RED + BLUE) / 2)),
        ("fade", lambda f: close(f[45, 80], (RED + BLUE) / 2)),
        ("dip_to_black", lambda f: close(f[45, 80], np.zeros(3))),
        ("dip_to_white", lambda f: close(f[45, 80], np.full(3, 255))),
        ("wipe_left", lambda f: close(f[45, 20], RED) and close(f[45, 140], BLUE)),
        ("wipe_right", lambda f: close(f[45, 20], BLUE) and close(f[45, 140], RED)),
        ("wipe_up", lambda f: close(f[10, 80], RED) and close(f[80, 80], BLUE)),
        ("wipe_down", lambda f: close(f[10, 80], BLUE) and close(f[80, 80], RED)),
    ],
)
def test_engine_transition_halfway(base: Path, name: str, check: Any) -> None:
    assert check(cut(base, 30, name))


def test_every_modifier_transition_has_a_halfway_check() -> None:
    checked = {
        "cross_dissolve",
        "dip_to_black",
        "dip_to_white",
        "wipe_left",
        "wipe_right",
        "wipe_up",
        "wipe_down",
    }
    assert checked == set(MODIFIERS)


@pytest.fixture(scope="module")
def textured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalog test picture as `a.png` and a checkerboard as `b.png`."""
    directory = tmp_path_factory.mktemp("textured")
    a, b = pair(H, W)
    for name, bgra in (("a", a), ("b", b)):
        rgba = np.ascontiguousarray(bgra[..., [2, 1, 0, 3]])
        Image.fromarray(rgba, "RGBA").save(directory / f"{name}.png")
    return directory


def alone(base: Path, which: str) -> np.ndarray:
    element = {"type": "image", "id": which, "source_url": f"{which}.png", "duration": 3}
    return frame_rgba(canvas([element], frame_rate=30, duration=3), base, 0)[..., :3]


@pytest.mark.parametrize("name", BLENDS)
def test_blend_transition_halfway_through_the_engine(textured: Path, name: str) -> None:
    middle = cut(textured, 30, name)[..., :3].astype(int)
    assert np.abs(middle - alone(textured, "a")).mean() > 5
    assert np.abs(middle - alone(textured, "b")).mean() > 5
    assert np.array_equal(middle, cut(textured, 30, name)[..., :3])


# --------------------------------------------------------------------- pixel blends


def pair(height: int = 72, width: int = 128) -> tuple[np.ndarray, np.ndarray]:
    outgoing = picture(height, width)
    incoming = np.empty_like(outgoing)
    ys, xs = np.mgrid[0:height, 0:width]
    incoming[..., :3] = (30, 200, 240)
    incoming[(xs // 8 + ys // 8) % 2 == 0, :3] = (200, 90, 30)
    incoming[..., 3] = 255
    return outgoing, incoming


def blend(name: str, a: np.ndarray, b: np.ndarray, p: float) -> np.ndarray:
    entry = TRANSITIONS.entry(name)
    assert isinstance(entry, PixelTransition)
    return entry.blend(a, b, p)


@pytest.mark.parametrize("name", BLENDS)
def test_blend_is_exact_at_both_ends(name: str) -> None:
    a, b = pair()
    assert np.array_equal(blend(name, a, b, 0.0), a)
    assert np.array_equal(blend(name, a, b, 1.0), b)


@pytest.mark.parametrize("name", BLENDS)
def test_blend_halfway_shows_both_pictures(name: str) -> None:
    a, b = pair()
    mid = blend(name, a, b, 0.5)
    assert mid.shape == a.shape and mid.dtype == np.uint8
    assert np.abs(mid.astype(int) - a).mean() > 5 and np.abs(mid.astype(int) - b).mean() > 5


INCOMING_COLOURS = np.array([(30, 200, 240), (200, 90, 30)])


def incoming_share(frame: np.ndarray) -> float:
    """Fraction of pixels showing one of the incoming picture's two colours."""
    diff = np.abs(frame[..., None, :3].astype(int) - INCOMING_COLOURS).max(axis=3)
    return float((diff.min(axis=2) <= 12).mean())


@pytest.mark.parametrize("name", BLENDS)
def test_blend_hands_the_screen_to_the_incoming_picture(name: str) -> None:
    a, b = pair()
    shares = [incoming_share(blend(name, a, b, p)) for p in (0.1, 0.5, 0.9)]
    assert shares[0] <= shares[1] <= shares[2] and shares[2] > shares[0] + 0.1


@pytest.mark.parametrize("name", BLENDS)
def test_blend_is_deterministic_and_premultiplied(name: str) -> None:
    a, b = pair()
    a, b = translucent(a), translucent(b)
    first, second = blend(name, a, b, 0.37), blend(name, a, b, 0.37)
    assert np.array_equal(first, second)
    assert (first[..., :3] <= first[..., 3:4]).all()


CENTRE_FIRST = [
    "iris",
    "circle_open",
    "box_wipe",
    "heart",
    "barn_doors_horizontal",
    "barn_doors_vertical",
]


@pytest.mark.parametrize("name", CENTRE_FIRST)
def test_centre_reveals_open_from_the_middle(name: str) -> None:
    a, b = pair()
    early = blend(name, a, b, 0.3)
    assert np.array_equal(early[36, 64], b[36, 64])
    assert np.array_equal(early[1, 1], a[1, 1]) and np.array_equal(early[-2, -2], a[-2, -2])


def test_diagonal_wipe_starts_top_left() -> None:
    a, b = pair()
    early = blend("diagonal_wipe", a, b, 0.25)
    assert np.array_equal(early[2, 2], b[2, 2]) and np.array_equal(early[-3, -3], a[-3, -3])


def test_angular_sweeps_clockwise_from_twelve() -> None:
    a, b = pair()
    quarter = blend("angular", a, b, 0.2)
    assert np.array_equal(quarter[10, 80], b[10, 80])  # just right of 12 o'clock
    assert np.array_equal(quarter[10, 48], a[10, 48])  # just left of it


def test_color_phase_changes_red_before_blue() -> None:
    a, b = pair()
    early = blend("color_phase", a, b, 0.3).astype(int)
    red_done = np.abs(early[..., 2] - a[..., 2]).mean()
    blue_done = np.abs(early[..., 0] - a[..., 0]).mean()
    assert red_done > blue_done


@pytest.mark.parametrize("name", BLENDS)
@pytest.mark.parametrize("size", [(1, 1), (2, 2), (3, 5), (2, 400), (300, 2)])
def test_blend_survives_degenerate_sizes(name: str, size: tuple[int, int]) -> None:
    a = np.random.default_rng(1).integers(0, 256, (*size, 4), dtype=np.uint8)
    a[..., 3] = 255
    b = 255 - a
    b[..., 3] = 255
    assert blend(name, a, b, 0.5).shape == a.shape
