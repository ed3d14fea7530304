"""Every supported effect through the whole engine (spec → timeline → layer processing →
compositor): the rendered frame differs from the plain one and is reproducible, and intensity 0
renders the plain frame."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from framelane.render.effects import EFFECTS
from tests.render.conftest import canvas, frame_rgba

from .frames import picture

SUPPORTED = [name for name in EFFECTS if EFFECTS.is_supported(name)]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("effects")
    bgra = picture(90, 160)
    Image.fromarray(np.ascontiguousarray(bgra[..., [2, 1, 0, 3]]), "RGBA").save(
        directory / "picture.png"
    )
    return directory


def render(base: Path, effect: dict[str, Any] | None, index: int = 0) -> np.ndarray:
    element: dict[str, Any] = {
        "type": "image",
        "id": "p",
        "source_url": "picture.png",
        "duration": 1,
    }
    if effect is not None:
        element["effects"] = [effect]
    return frame_rgba(canvas([element], frame_rate=30, duration=1), base, index)


@pytest.mark.parametrize("name", SUPPORTED)
def test_effect_changes_the_rendered_frame(base: Path, name: str) -> None:
    plain = render(base, None)
    styled = render(base, {"type": name, "intensity": 100})
    assert (np.abs(styled.astype(int) - plain).max(axis=2) > 8).mean() > 0.01
    assert np.array_equal(styled, render(base, {"type": name, "intensity": 100}))


@pytest.mark.parametrize("name", SUPPORTED)
def test_intensity_zero_renders_the_plain_frame(base: Path, name: str) -> None:
    assert np.array_equal(render(base, {"type": name, "intensity": 0}), render(base, None))
