"""The MotionState channels beyond 2-D moves (x/y rotation in perspective, a blend mode mixed
in, blur), checked through the real engine for what each motion must look like, on top of the
parametrized catalog checks in test_motions.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from framelane.render.motions import MotionState
from framelane.render.scene import SceneRenderer
from tests.render.catalog.test_motions import MOTION_FRAMES, motion, render
from tests.render.conftest import canvas, frame_rgba, timeline_of

RED, BLUE = (230, 30, 30), (30, 60, 230)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    image = Image.new("RGBA", (80, 46), (*RED, 255))
    image.paste((*BLUE, 255), (40, 0, 80, 46))
    image.save(tmp_path / "card.png")
    return tmp_path


def lit(frame: np.ndarray) -> np.ndarray:
    return frame[..., :3].astype(int).sum(axis=2) > 60


def columns(frame: np.ndarray) -> np.ndarray:
    return np.flatnonzero(lit(frame).any(axis=0))


def test_combine_adds_x_y_rotations_and_blurs_in_quadrature() -> None:
    a = MotionState(rotation_x=10, rotation_y=-5, blur=3)
    b = MotionState(rotation_x=2, rotation_y=20, blur=4, blend="difference", blend_mix=0.5)
    both = a.combine(b)
    assert (both.rotation_x, both.rotation_y, both.blur) == (12, 15, 5)
    assert (both.blend, both.blend_mix) == ("difference", 0.5)
    assert b.combine(MotionState(blend="overlay", blend_mix=0.0)).blend == "difference"


def test_3d_spin_turns_the_card_edge_on_then_shows_its_back(base: Path) -> None:
    plain = render(base, 0, None)
    quarter = render(base, MOTION_FRAMES // 4, motion("loop_3d_spin"))
    half = render(base, MOTION_FRAMES // 2, motion("loop_3d_spin"))
    assert lit(quarter).sum() < 0.15 * lit(plain).sum()  # nearly edge-on at 90°
    row = half[45]
    lit_cols = columns(half)
    left, right = row[lit_cols[2]], row[lit_cols[-3]]
    assert left[2] > left[0] and right[0] > right[2]  # mirrored: blue left, red right


def test_3d_sway_narrows_the_card_with_perspective(base: Path) -> None:
    plain = render(base, 0, None)
    turned = render(base, MOTION_FRAMES // 4, motion("loop_3d_sway"))
    assert len(columns(turned)) < len(columns(plain)) - 4
    cols = columns(turned)
    near, far = lit(turned)[:, cols[1]].sum(), lit(turned)[:, cols[-2]].sum()
    assert near != far  # one edge is nearer the camera: taller than the other


def test_3d_spin_follows_the_easing_and_reversed_spins_the_other_way(base: Path) -> None:
    forward = render(base, 5, motion("loop_3d_spin"))
    backward = render(base, 5, motion("loop_3d_spin", reversed=True))
    mirrored_back = render(base, MOTION_FRAMES - 5, motion("loop_3d_spin"))
    assert np.abs(backward.astype(int) - mirrored_back).max() <= 2
    assert np.abs(forward.astype(int) - backward).max() > 20


def on_grey(base: Path, index: int, name: str | None) -> np.ndarray:
    element: dict[str, Any] = {
        "type": "image",
        "id": "card",
        "source_url": "card.png",
        "time": 0,
        "duration": 3,
        "width": "50%",
        "height": "50%",
    }
    if name is not None:
        element["motion"] = [motion(name)]
    return frame_rgba(
        canvas([element], frame_rate=30, duration=3, background_color="#808080"), base, index
    )


def overlay(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    return np.where(dst <= 0.5, 2 * src * dst, 1 - 2 * (1 - src) * (1 - dst))


@pytest.mark.parametrize(
    ("name", "blend"),
    [("difference", lambda s, d: np.abs(s - d)), ("overlay", overlay)],
)
def test_blend_entrance_is_the_blend_crossfading_to_the_plain_draw(
    base: Path, name: str, blend: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> None:
    grey = 128 / 255
    red = np.array(RED) / 255
    halfway = on_grey(base, MOTION_FRAMES // 2, name)[45, 50, :3] / 255  # opacity 1, mix 0.5
    expected = 0.5 * blend(red, grey) + 0.5 * red
    assert np.abs(halfway - expected).max() < 3 / 255
    early = on_grey(base, 3, name)[45, 50, :3] / 255  # mostly blended, faded to 20%
    blended = 0.2 * (0.9 * blend(red, grey) + 0.1 * red) + 0.8 * grey
    assert np.abs(early - blended).max() < 4 / 255
    assert np.array_equal(on_grey(base, MOTION_FRAMES, name), on_grey(base, 0, None))


def test_blur_softens_edges_and_spreads_past_them(base: Path) -> None:
    plain = render(base, MOTION_FRAMES, None)
    soft = render(base, MOTION_FRAMES // 2, motion("blur"))
    # the card starts at x = 40 on a black canvas: the blur bleeds past its edge
    assert plain[45, 38, :3].sum() == 0 and soft[45, 38, 0] > 4
    steepest = [
        int(np.abs(np.diff(f[45, 30:130, :3].astype(int), axis=0)).max()) for f in (plain, soft)
    ]
    assert 0 < steepest[1] < steepest[0] / 2  # no hard edges left (card or red/blue)
    assert np.array_equal(render(base, MOTION_FRAMES, motion("blur")), plain)


@pytest.mark.parametrize("name", ["difference", "blur", "loop_3d_sway"])
def test_a_full_frame_bottom_video_is_not_handed_over_while_the_motion_changes_it(
    tmp_path: Path, clip: Path, name: str
) -> None:
    video = {
        "type": "video",
        "id": "bottom",
        "source_url": str(clip),
        "motion": [motion(name, duration=0.5)],
    }
    data = canvas([video], duration=1, background_color="#ffffff")
    timeline, fonts = timeline_of(data, tmp_path)
    handing = SceneRenderer(timeline, fonts, timeline.background, sequential=True)
    plain = SceneRenderer(timeline, fonts, timeline.background)
    try:
        for index in (5, 20):  # the motion is active until frame 15
            pixels, frame = handing.render_handover(index)
            assert np.array_equal(pixels, plain.render(index))
            assert (frame is not None) == (index == 20)
    finally:
        handing.close()
        plain.close()
