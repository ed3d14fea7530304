"""Digital glitches: `glitch` and `compression_glitch`.

Both change their pattern 12 times a second; each pattern comes from a generator seeded by the
effect name and the time step, so the same time always glitches the same way. Intensity scales
how much of the frame is hit and how far it is displaced.
"""

from __future__ import annotations

import cv2
import numpy as np

from framelane.render.effects.base import EffectInput, Pixels
from framelane.render.effects.stylise import pixelate, posterize_lut
from framelane.render.effects.toolkit import (
    PixelEffect,
    apply_lut,
    rng_for,
    scale_of,
    shift,
    split_channels,
    u8,
)

_STEP = 1.0 / 12.0
"""Seconds one glitch pattern lasts."""


def _glitch(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    rng = rng_for("glitch", args.time, _STEP)
    s = args.intensity
    out = pixels.copy()
    for _ in range(int(4 + 10 * s)):
        top = int(rng.integers(0, h))
        height = max(1, int(rng.uniform(0.005, 0.07) * h))
        dx = int(rng.normal(0.0, 0.06 * w * s))
        rows = out[top : top + height]
        rows[...] = np.roll(rows, dx, axis=1)
        if rng.random() < 0.35:
            channel = int(rng.integers(0, 3))
            rows[..., channel] = np.roll(rows[..., channel], int(0.02 * w * s) + 1, axis=1)
    for _ in range(int(1 + 3 * s)):
        bh, bw = int(rng.uniform(0.02, 0.12) * h) + 1, int(rng.uniform(0.05, 0.3) * w) + 1
        y, x = int(rng.integers(0, max(1, h - bh))), int(rng.integers(0, max(1, w - bw)))
        block = out[y : y + bh, x : x + bw]
        block[..., :3] = block[..., :3][..., rng.permutation(3)]
    split = 0.006 * w * s
    b, g, r, a = split_channels(out)
    merged: Pixels = u8(cv2.merge([shift(b, -split, 0.0), g, shift(r, split, 0.0), a]))
    return merged


def _block_mask(
    rng: np.random.Generator, grid: tuple[int, int], share: float, block: int, size: tuple[int, int]
) -> Pixels:
    small = (rng.random(grid) < share).astype(np.uint8)
    big = cv2.resize(small, (grid[1] * block, grid[0] * block), interpolation=cv2.INTER_NEAREST)
    return np.ascontiguousarray(big[: size[0], : size[1]])


def _smear_rows(out: Pixels, rng: np.random.Generator, intensity: float) -> None:
    """Compression smear: one row repeated down a region, as when a P-frame loses its data."""
    h, w = out.shape[:2]
    for _ in range(int(1 + 2 * intensity)):
        y = int(rng.integers(0, max(1, h - 1)))
        length = int(rng.uniform(0.02, 0.12) * h * intensity) + 1
        x0 = int(rng.integers(0, max(1, w // 2)))
        x1 = min(w, x0 + int(rng.uniform(0.2, 0.6) * w))
        out[y : y + length, x0:x1] = out[y : y + 1, x0:x1]


def _compression_glitch(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    rng = rng_for("compression_glitch", args.time, _STEP)
    block = max(4, round(16 * scale_of(pixels)))
    grid = (-(-h // block), -(-w // block))
    share = 0.05 + 0.3 * args.intensity
    blocky = pixelate(pixels, block)
    crushed = apply_lut(pixelate(pixels, max(2, block // 4)), posterize_lut(4))
    dy, dx = (int(v) * block for v in rng.integers(-4, 5, size=2))
    moved = shift(pixels, float(dx), float(dy))
    out = pixels.copy()
    for source in (blocky, crushed, moved):
        mask = _block_mask(rng, grid, share / 3.0, block, (h, w))
        cv2.copyTo(source, mask, out)
    _smear_rows(out, rng, args.intensity)
    return out


GLITCH = PixelEffect(
    "glitch",
    "Digital glitch: displaced slices, channel tears, swapped-colour "
    "blocks, RGB split; a new pattern 12 times a second.",
    _glitch,
    animated=True,
    strength="param",
)
COMPRESSION_GLITCH = PixelEffect(
    "compression_glitch",
    "Codec damage: macroblocks frozen, crushed or moved, and smeared rows; 12 patterns a second.",
    _compression_glitch,
    animated=True,
    strength="param",
)
