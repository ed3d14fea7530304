"""Stylise: `posterize`, `mosaic`, `mosaic_blur`, `mosaic_posterize`.

Intensity sets the strength itself: fewer colour levels, bigger blocks (up to 4% of the short
side, 43 px at 1080p).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from framelane.render.effects.base import EffectInput, Pixels
from framelane.render.effects.toolkit import PixelEffect, apply_lut, gaussian, to_u8, u8


def posterize_lut(levels: int) -> Pixels:
    x = np.arange(256, dtype=np.float32)
    q = np.round(x / 255.0 * (levels - 1)) / (levels - 1) * 255.0
    lut = np.stack([q, q, q, x], axis=1)
    return to_u8(lut).reshape(1, 256, 4)


def levels_for(intensity: float) -> int:
    """Intensity 0.01 → 32 levels per channel … 1 → 3 levels."""
    return max(3, round(32 - 29 * intensity))


def block_for(intensity: float, pixels: Pixels) -> int:
    return max(2, round(intensity * 0.04 * min(int(pixels.shape[0]), int(pixels.shape[1]))))


def _small(pixels: Pixels, block: int) -> Pixels:
    h, w = pixels.shape[:2]
    size = (max(math.ceil(w / block), 1), max(math.ceil(h / block), 1))
    out: Pixels = u8(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA))
    return out


def pixelate(pixels: Pixels, block: int) -> Pixels:
    h, w = pixels.shape[:2]
    small = _small(pixels, block)
    big = cv2.resize(
        small, (small.shape[1] * block, small.shape[0] * block), interpolation=cv2.INTER_NEAREST
    )
    return np.ascontiguousarray(big[:h, :w])


def _posterize(pixels: Pixels, args: EffectInput) -> Pixels:
    return apply_lut(pixels, posterize_lut(levels_for(args.intensity)))


def _mosaic(pixels: Pixels, args: EffectInput) -> Pixels:
    return pixelate(pixels, block_for(args.intensity, pixels))


def _mosaic_blur(pixels: Pixels, args: EffectInput) -> Pixels:
    block = block_for(args.intensity, pixels)
    blocky = pixelate(pixels, block)
    out: Pixels = gaussian(blocky, block * 0.45)  # type: ignore[assignment]
    return out


def _mosaic_posterize(pixels: Pixels, args: EffectInput) -> Pixels:
    blocky = pixelate(pixels, block_for(args.intensity, pixels))
    return apply_lut(blocky, posterize_lut(max(3, levels_for(args.intensity) // 2)))


POSTERIZE = PixelEffect(
    "posterize",
    "Fewer colour levels per channel (32 at low intensity down to 3 at 100).",
    _posterize,
    strength="param",
)
MOSAIC = PixelEffect(
    "mosaic", "Pixelate into square blocks (up to 4% of the short side).", _mosaic, strength="param"
)
MOSAIC_BLUR = PixelEffect(
    "mosaic_blur",
    "Pixelate, then soften the block edges with a blur.",
    _mosaic_blur,
    strength="param",
)
MOSAIC_POSTERIZE = PixelEffect(
    "mosaic_posterize",
    "Pixelate and posterize (8-bit game look).",
    _mosaic_posterize,
    strength="param",
)
