"""Film looks: `vintage`, `polaroid`, `portra`, `filmic`, `super8`, `add_grain`.

The stock looks are per-channel tone curves (one `cv2.LUT`) plus a saturation matrix and, for
some, a vignette. `add_grain` and `super8` are animated: their grain, weave and flicker come from
a generator seeded by the element time, so a frame always renders the same.
"""

from __future__ import annotations

import cv2
import numpy as np

from framelane.render.effects.base import EffectInput, Pixels
from framelane.render.effects.toolkit import (
    Floats,
    PixelEffect,
    apply_lut,
    curve_lut,
    f32,
    luma,
    matrix_4x5,
    rng_for,
    saturation_matrix,
    shift,
    transform,
    u8,
    vignette,
)


def _smooth(x: Floats, amount: float) -> Floats:
    """An S-curve: 0 = identity, 1 = smoothstep."""
    s = x * x * (3.0 - 2.0 * x)
    out: Floats = (x * (1.0 - amount) + s * amount).astype(np.float32)
    return out


_VINTAGE_LUT = curve_lut(
    lambda x: 0.13 + 0.68 * x,
    lambda x: 0.08 + 0.84 * _smooth(x, 0.2),
    lambda x: 0.10 + 0.86 * x**0.92,
)
_POLAROID_LUT = curve_lut(
    lambda x: 0.15 + 0.74 * x**0.9,
    lambda x: 0.06 + 0.90 * _smooth(x, 0.15),
    lambda x: 0.03 + 0.95 * x**1.08,
)
_PORTRA_LUT = curve_lut(
    lambda x: 0.04 + 0.88 * x,
    lambda x: 0.03 + 0.94 * x**0.98,
    lambda x: 0.03 + 0.96 * x**0.94,
)
_SUPER8_LUT = curve_lut(
    lambda x: 0.04 + 0.80 * _smooth(x, 0.7),
    lambda x: 0.02 + 0.93 * _smooth(x, 0.7),
    lambda x: 0.04 + 0.96 * _smooth(x, 0.6) ** 0.9,
)


def _aces(x: Floats) -> Floats:
    """Narkowicz's ACES filmic fit on linear light (toe and soft shoulder), back to gamma 2.2."""
    lin = x**2.2
    mapped = (lin * (2.51 * lin + 0.03)) / (lin * (2.43 * lin + 0.59) + 0.14)
    out: Floats = (np.clip(mapped, 0.0, 1.0) ** (1 / 2.2)).astype(np.float32)
    return out


_FILMIC_LUT = curve_lut(_aces, _aces, _aces)

_VINTAGE_SAT = matrix_4x5(saturation_matrix(0.72))
_POLAROID_SAT = matrix_4x5(saturation_matrix(0.85))
_PORTRA_SAT = matrix_4x5(saturation_matrix(0.86))
_FILMIC_SAT = matrix_4x5(saturation_matrix(1.06))
_SUPER8_SAT = matrix_4x5(saturation_matrix(1.12))


def _vintage(pixels: Pixels, args: EffectInput) -> Pixels:
    return vignette(transform(apply_lut(pixels, _VINTAGE_LUT), _VINTAGE_SAT), 0.45)


def _polaroid(pixels: Pixels, args: EffectInput) -> Pixels:
    return vignette(transform(apply_lut(pixels, _POLAROID_LUT), _POLAROID_SAT), 0.2)


def _portra(pixels: Pixels, args: EffectInput) -> Pixels:
    return transform(apply_lut(pixels, _PORTRA_LUT), _PORTRA_SAT)


def _filmic(pixels: Pixels, args: EffectInput) -> Pixels:
    return transform(apply_lut(pixels, _FILMIC_LUT), _FILMIC_SAT)


def grain_field(height: int, width: int, rng: np.random.Generator) -> Floats:
    """Unit-variance-ish film grain about two pixels across (drawn at half resolution)."""
    small = rng.standard_normal((height // 2 + 1, width // 2 + 1), dtype=np.float32)
    field: Floats = f32(cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR))
    return field * np.float32(1.6)


def add_grain(pixels: Pixels, rng: np.random.Generator, sigma: float) -> Pixels:
    """Monochrome grain, strongest in the midtones (`sigma` in 0–255 units)."""
    h, w = pixels.shape[:2]
    level = luma(pixels).astype(np.float32) * np.float32(1 / 255)
    weight = (level * (1.0 - level)) * np.float32(2.6 * sigma) + np.float32(0.35 * sigma)
    return add_signed(pixels, grain_field(h, w, rng) * weight)


def add_signed(pixels: Pixels, delta: Floats) -> Pixels:
    """pixels + delta on B, G and R with saturation, without a float copy of the frame."""
    zero = np.zeros(delta.shape, dtype=np.uint8)
    up = np.clip(delta, 0, 255).astype(np.uint8)
    down = np.clip(-delta, 0, 255).astype(np.uint8)
    out: Pixels = u8(cv2.add(pixels, cv2.merge([up, up, up, zero])))
    out = u8(cv2.subtract(out, cv2.merge([down, down, down, zero])))
    return out


def _add_grain(pixels: Pixels, args: EffectInput) -> Pixels:
    return add_grain(pixels, rng_for("add_grain", args.time), 22.0)


def _super8(pixels: Pixels, args: EffectInput) -> Pixels:
    rng = rng_for("super8", args.time)
    h = pixels.shape[0]
    weave_x, weave_y = rng.normal(0.0, 0.0015 * h, size=2)
    flicker = np.float32(1.0 + rng.uniform(-0.05, 0.05))
    grade = _SUPER8_SAT.copy()
    grade[:3] *= flicker
    graded = transform(apply_lut(pixels, _SUPER8_LUT), grade)
    woven = shift(graded, float(weave_x), float(weave_y))
    return add_grain(vignette(woven, 0.6), rng, 16.0)


VINTAGE = PixelEffect(
    "vintage", "Faded warm film: lifted blacks, yellowed whites, vignette.", _vintage
)
POLAROID = PixelEffect("polaroid", "Instant film: cyan shadows, warm soft highlights.", _polaroid)
PORTRA = PixelEffect("portra", "Portrait stock: soft contrast, warm skin, muted colour.", _portra)
FILMIC = PixelEffect(
    "filmic", "ACES-style filmic tone curve (rich mids, rolled-off highlights).", _filmic
)
ADD_GRAIN = PixelEffect(
    "add_grain",
    "Animated monochrome film grain, strongest in the midtones.",
    _add_grain,
    animated=True,
)
SUPER8 = PixelEffect(
    "super8",
    "Super 8: warm contrasty stock, gate weave, flicker, grain, heavy vignette.",
    _super8,
    animated=True,
)
