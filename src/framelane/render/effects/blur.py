"""Blurs: `box_blur`, `camera_lens_blur` (bokeh disc) and `camera_lens_blur_bg`.

Intensity sets the radius (up to 2% of the short side for box, 1.5% for lens blur). The lens
blur convolves a disc in a gamma-expanded space so highlights bloom into bright discs like a real
lens; it runs at a reduced resolution so the kernel stays small (OpenCV, never skia's blur).
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from framelane.render.effects.base import EffectInput, Pixels
from framelane.render.effects.toolkit import Floats, PixelEffect, f32, radial, to_u8, u8

_GAMMA = 2.2


def _box_blur(pixels: Pixels, args: EffectInput) -> Pixels:
    radius = max(1, round(args.intensity * 0.02 * min(pixels.shape[:2])))
    out: Pixels = u8(
        cv2.blur(pixels, (2 * radius + 1, 2 * radius + 1), borderType=cv2.BORDER_REPLICATE)
    )
    return out


@lru_cache(maxsize=16)
def _disc(radius: int) -> Floats:
    size = 2 * radius + 1
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) - radius
    kernel = np.clip(radius + 0.5 - np.sqrt(xs * xs + ys * ys), 0.0, 1.0).astype(np.float32)
    kernel /= kernel.sum()
    kernel.setflags(write=False)
    return f32(kernel)


def lens_blur(pixels: Pixels, radius: float) -> Pixels:
    """Disc (bokeh) blur of `radius` pixels; highlights bloom through a gamma-2.2 expansion."""
    h, w = pixels.shape[:2]
    factor = max(1, int(np.ceil(radius / 6.0)))
    small = cv2.resize(
        pixels, (max(w // factor, 1), max(h // factor, 1)), interpolation=cv2.INTER_AREA
    )
    linear = (small.astype(np.float32) * np.float32(1 / 255)) ** _GAMMA
    kernel = _disc(max(1, round(radius / factor)))
    blurred = cv2.filter2D(linear, -1, kernel, borderType=cv2.BORDER_REFLECT)
    back = to_u8(np.clip(blurred, 0.0, 1.0) ** (1 / _GAMMA) * np.float32(255))
    out: Pixels = u8(cv2.resize(back, (w, h), interpolation=cv2.INTER_LINEAR))
    return out


def _lens_radius(pixels: Pixels, intensity: float) -> float:
    return max(1.0, intensity * 0.015 * min(int(pixels.shape[0]), int(pixels.shape[1])))


def _camera_lens_blur(pixels: Pixels, args: EffectInput) -> Pixels:
    return lens_blur(pixels, _lens_radius(pixels, args.intensity))


@lru_cache(maxsize=8)
def _focus(height: int, width: int) -> tuple[Floats, Floats]:
    """(sharp weight, blurred weight): an in-focus centre ellipse fading out by the edges."""
    r = radial(height, width) * np.float32(np.sqrt(2.0))
    t = np.clip((r - 0.35) / 0.4, 0.0, 1.0)
    blurred = (t * t * (3.0 - 2.0 * t)).astype(np.float32)
    sharp = (1.0 - blurred).astype(np.float32)
    sharp.setflags(write=False)
    blurred.setflags(write=False)
    return sharp, blurred


def _camera_lens_blur_bg(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    sharp, soft = _focus(h, w)
    blurred = lens_blur(pixels, _lens_radius(pixels, args.intensity) * 1.3)
    out: Pixels = u8(cv2.blendLinear(pixels, blurred, sharp, soft))
    return out


BOX_BLUR = PixelEffect(
    "box_blur", "Box blur (radius up to 2% of the short side).", _box_blur, strength="param"
)
CAMERA_LENS_BLUR = PixelEffect(
    "camera_lens_blur",
    "Lens blur: disc-shaped bokeh where highlights bloom (radius up to 1.5% of the short side).",
    _camera_lens_blur,
    strength="param",
)
CAMERA_LENS_BLUR_BG = PixelEffect(
    "camera_lens_blur_bg",
    "Shallow depth of field: the centre "
    "stays sharp, the surroundings get lens blur (a fixed focus "
    "ellipse; no subject segmentation).",
    _camera_lens_blur_bg,
    strength="param",
)
