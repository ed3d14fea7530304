"""Every registered effect, on a tiny picture: it changes the picture the way its name says,
intensity 0 is the identity, the output is deterministic and stays premultiplied.

The generic tests are parametrised over the registry, and `test_every_effect_has_a_check`
fails when an effect is registered without its own property check in effect_checks.py."""

from __future__ import annotations

import numpy as np
import pytest

from framelane.render.effects import EFFECTS

from .effect_checks import CHECKS, run
from .frames import picture, translucent

ALL = list(EFFECTS)


# --------------------------------------------------------------------------- generic properties


@pytest.mark.parametrize("name", ALL)
def test_effect_is_supported(name: str) -> None:
    assert EFFECTS.is_supported(name)


@pytest.mark.parametrize("name", ALL)
def test_intensity_zero_is_the_identity(name: str) -> None:
    src = picture()
    assert np.array_equal(run(name, src, intensity=0.0), src)


@pytest.mark.parametrize("name", ALL)
def test_full_intensity_changes_the_picture(name: str) -> None:
    src = picture()
    out = run(name, src)
    assert out.shape == src.shape and out.dtype == np.uint8
    changed = np.abs(out.astype(int) - src).max(axis=2) > 8
    assert changed.mean() > 0.01


@pytest.mark.parametrize("name", ALL)
def test_same_input_renders_identical_pixels(name: str) -> None:
    first = run(name, picture(), 0.8, time=1.23)
    second = run(name, picture(), 0.8, time=1.23)
    assert np.array_equal(first, second)


@pytest.mark.parametrize("name", ALL)
def test_input_is_not_modified(name: str) -> None:
    src = translucent(picture())
    before = src.copy()
    run(name, src, 0.7, time=0.5)
    assert np.array_equal(src, before)


@pytest.mark.parametrize("name", ALL)
def test_output_stays_premultiplied_on_translucent_pixels(name: str) -> None:
    src = translucent(picture())
    out = run(name, src, 1.0, time=0.3)
    if name == "chroma_key":
        assert (out[..., 3] <= src[..., 3]).all()
    else:
        assert np.array_equal(out[..., 3], src[..., 3])
    assert (out[..., :3] <= out[..., 3:4]).all()


@pytest.mark.parametrize("name", ALL)
def test_static_effects_do_not_depend_on_time(name: str) -> None:
    effect = EFFECTS.get(name)
    same = np.array_equal(run(name, picture(), time=0.0), run(name, picture(), time=1.7))
    assert same is (not effect.animated)


@pytest.mark.parametrize("name", ALL)
def test_intensity_is_a_declared_parameter(name: str) -> None:
    spec = EFFECTS.get(name).parameters["intensity"]
    assert (spec.minimum, spec.maximum) == (0, 100)
    assert 0 < spec.default <= 100


def test_every_effect_has_a_check() -> None:
    assert sorted(CHECKS) == sorted(ALL)


@pytest.mark.parametrize("name", ALL)
def test_effect_specific_property(name: str) -> None:
    CHECKS[name]()


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("size", [(1, 1), (2, 2), (3, 5), (2, 400), (300, 2)])
def test_effect_survives_degenerate_sizes(name: str, size: tuple[int, int]) -> None:
    src = np.random.default_rng(1).integers(0, 256, (*size, 4), dtype=np.uint8)
    src[..., 3] = 255
    out = run(name, src, time=0.5)
    assert out.shape == src.shape and out.dtype == np.uint8


@pytest.mark.parametrize("name", ALL)
def test_more_intensity_changes_the_picture_more(name: str) -> None:
    src = picture(270, 480)
    above_checker = slice(0, 270 * 3 // 4)

    def change(intensity: float) -> float:
        out = run(name, src, intensity)
        return float(np.abs(out.astype(int) - src)[above_checker].mean())

    assert change(0.3) < change(0.6) < change(1.0)
