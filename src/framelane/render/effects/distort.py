"""Geometric and channel distortions: `rgb_split`, `chromatic_aberration`, `prism`,
`displacement_map`, `optics_compensation`.

Intensity sets the size of the distortion (not a blend), so 50 is a half-strength shift rather
than a double image. Distances scale with the frame, so a preview and a 4K render match.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from framelane.render.effects.base import EffectInput, Pixels
from framelane.render.effects.toolkit import (
    Floats,
    PixelEffect,
    merge_channels,
    rng_for,
    scale_about_centre,
    shift,
    split_channels,
    u8,
)


def _rgb_split(pixels: Pixels, args: EffectInput) -> Pixels:
    offset = args.intensity * 0.012 * pixels.shape[1]
    b, g, r, a = split_channels(pixels)
    return merge_channels([shift(b, offset, 0.0), g, shift(r, -offset, 0.0), a])


def _chromatic_aberration(pixels: Pixels, args: EffectInput) -> Pixels:
    k = args.intensity * 0.012
    h, w = pixels.shape[:2]
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    b, g, r, a = split_channels(pixels)
    return merge_channels(
        [scale_about_centre(b, 1.0 - k, cx, cy), g, scale_about_centre(r, 1.0 + k, cx, cy), a]
    )


_PRISM_ANGLES = (90.0, 210.0, 330.0)
"""Directions (degrees) in which the blue, green and red images are refracted."""


def _prism(pixels: Pixels, args: EffectInput) -> Pixels:
    step = args.intensity * 0.01 * pixels.shape[1]
    channels = split_channels(pixels)
    out = []
    for channel, angle in zip(channels[:3], _PRISM_ANGLES, strict=True):
        dx, dy = math.cos(math.radians(angle)) * step, math.sin(math.radians(angle)) * step
        near, far = shift(channel, dx, dy), shift(channel, 2 * dx, 2 * dy)
        out.append(
            u8(cv2.addWeighted(cv2.addWeighted(channel, 0.4, near, 0.35, 0.0), 1.0, far, 0.25, 0.0))
        )
    return merge_channels([*out, channels[3]])


@lru_cache(maxsize=4)
def _identity_maps(height: int, width: int) -> tuple[Floats, Floats]:
    xs = np.tile(np.arange(width, dtype=np.float32), (height, 1))
    ys = np.tile(np.arange(height, dtype=np.float32)[:, None], (1, width))
    xs.setflags(write=False)
    ys.setflags(write=False)
    return xs, ys


def _noise_field(salt: str, second: int, shape: tuple[int, int]) -> Floats:
    rng = rng_for(salt, float(second))
    field: Floats = rng.uniform(-1.0, 1.0, size=(2, *shape)).astype(np.float32)
    return field


def _displacement_map(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    grid = (6, 10)
    second, frac = int(args.time), args.time - int(args.time)
    ease = frac * frac * (3 - 2 * frac)
    field = (
        _noise_field("displacement_map", second, grid) * (1 - ease)
        + _noise_field("displacement_map", second + 1, grid) * ease
    )
    amplitude = np.float32(args.intensity * 0.02 * w)
    dx = cv2.resize(field[0], (w, h), interpolation=cv2.INTER_CUBIC) * amplitude
    dy = cv2.resize(field[1], (w, h), interpolation=cv2.INTER_CUBIC) * amplitude
    base_x, base_y = _identity_maps(h, w)
    out: Pixels = u8(
        cv2.remap(pixels, base_x + dx, base_y + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    )
    return out


@lru_cache(maxsize=4)
def _barrel_maps(height: int, width: int, k: float) -> tuple[Floats, Floats]:
    """Maps that magnify the centre and compress the edges; the corners stay in place."""
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    norm = max(math.hypot(cx, cy), 0.5)
    base_x, base_y = _identity_maps(height, width)
    ux, uy = (base_x - cx) / norm, (base_y - cy) / norm
    r2 = ux * ux + uy * uy
    factor = 1.0 - k + k * r2
    map_x = (cx + ux * factor * norm).astype(np.float32)
    map_y = (cy + uy * factor * norm).astype(np.float32)
    map_x.setflags(write=False)
    map_y.setflags(write=False)
    return map_x, map_y


def _optics_compensation(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    map_x, map_y = _barrel_maps(h, w, round(args.intensity * 0.45, 3))
    out: Pixels = u8(
        cv2.remap(pixels, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    )
    return out


RGB_SPLIT = PixelEffect(
    "rgb_split",
    "Red and blue channels pulled apart horizontally (up to 1.2% of the width).",
    _rgb_split,
    strength="param",
)
CHROMATIC_ABERRATION = PixelEffect(
    "chromatic_aberration",
    "Lens colour fringing growing towards the edges (radial red/blue scaling).",
    _chromatic_aberration,
    strength="param",
)
PRISM = PixelEffect(
    "prism",
    "Prism refraction: each colour channel doubled along its own direction, 120° apart.",
    _prism,
    strength="param",
)
DISPLACEMENT_MAP = PixelEffect(
    "displacement_map",
    "Smooth animated warp from a noise displacement field (up to 2% of the width).",
    _displacement_map,
    animated=True,
    strength="param",
)
OPTICS_COMPENSATION = PixelEffect(
    "optics_compensation",
    "Fisheye lens distortion: the centre bulges, the corners stay put.",
    _optics_compensation,
    strength="param",
)
