"""The MotionState channels beyond 2-D moves (x/y rotation in perspective, a blend mode mixed
in, blur), checked through the real engine for what each motion must look like, on top of the
parametrized catalog checks in test_motions.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from framelane.render.motions import MotionState
from tests.render.catalog.test_motions import MOTION_FRAMES, motion, render

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
