"""Colour grades: `duotone`, `cross_process`, `bleach_bypass`.

Each is one LUT (and a colour matrix), so they cost a few milliseconds at 1080p.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from framelane.render.effects.base import EffectInput, Pixels
from framelane.render.effects.toolkit import (
    Floats,
    PixelEffect,
    apply_lut,
    curve_lut,
    luma,
    matrix_4x5,
    saturation_matrix,
    transform,
)

Curve = Callable[[Floats], Floats]

DUOTONE_SHADOW = (120, 30, 38)
"""BGR of the shadow colour (#26 1e 78, deep indigo)."""
DUOTONE_HIGHLIGHT = (150, 120, 255)
"""BGR of the highlight colour (#ff 78 96, coral pink)."""


def _ramp(shadow: int, highlight: int) -> Curve:
    def curve(x: Floats) -> Floats:
        t = x * x * (3.0 - 2.0 * x) * 0.6 + x * 0.4
        out: Floats = ((shadow + (highlight - shadow) * t) / 255.0).astype(np.float32)
        return out

    return curve


_DUOTONE_LUT = curve_lut(
    _ramp(DUOTONE_SHADOW[0], DUOTONE_HIGHLIGHT[0]),
    _ramp(DUOTONE_SHADOW[1], DUOTONE_HIGHLIGHT[1]),
    _ramp(DUOTONE_SHADOW[2], DUOTONE_HIGHLIGHT[2]),
)


def _duotone(pixels: Pixels, args: EffectInput) -> Pixels:
    level = luma(pixels)
    grey = np.empty_like(pixels)
    grey[..., 0] = grey[..., 1] = grey[..., 2] = level
    grey[..., 3] = pixels[..., 3]
    return apply_lut(grey, _DUOTONE_LUT)


def _s_curve(amount: float, lift: float = 0.0, gain: float = 1.0) -> Curve:
    def curve(x: Floats) -> Floats:
        s = x * x * (3.0 - 2.0 * x)
        out: Floats = (lift + gain * (x + (s - x) * amount)).astype(np.float32)
        return out

    return curve


_CROSS_LUT = curve_lut(
    lambda x: 0.18 + 0.62 * x,  # blue: flattened and lifted (yellow highlights, blue shadows)
    _s_curve(0.6, 0.0, 1.05),
    _s_curve(1.2, -0.02, 1.08),
)
_CROSS_SAT = matrix_4x5(saturation_matrix(1.2))

_BLEACH_CURVE = _s_curve(1.1, -0.03, 1.06)
_BLEACH_LUT = curve_lut(_BLEACH_CURVE, _BLEACH_CURVE, _BLEACH_CURVE)
_BLEACH_SAT = matrix_4x5(saturation_matrix(0.42))


def _cross_process(pixels: Pixels, args: EffectInput) -> Pixels:
    return transform(apply_lut(pixels, _CROSS_LUT), _CROSS_SAT)


def _bleach_bypass(pixels: Pixels, args: EffectInput) -> Pixels:
    return apply_lut(transform(pixels, _BLEACH_SAT), _BLEACH_LUT)


DUOTONE = PixelEffect(
    "duotone", "Duotone: brightness mapped from deep indigo shadows to coral highlights.", _duotone
)
CROSS_PROCESS = PixelEffect(
    "cross_process",
    "Cross-processed slide film: contrasty reds and greens, blue shadows, yellow highlights.",
    _cross_process,
)
BLEACH_BYPASS = PixelEffect(
    "bleach_bypass", "Bleach bypass: desaturated, high-contrast, silvery.", _bleach_bypass
)
