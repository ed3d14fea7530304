"""Shared building blocks of the catalog effects (OpenCV/numpy, vectorised, 1080p-fast).

`PixelEffect` wraps a function that turns straight-alpha BGRA pixels into a processed straight
BGRA image at full strength; it handles premultiplication, the intensity mix and the alpha, so
each effect module only writes the look itself.

Randomness is never global: `rng_for(salt, time)` is seeded from the effect name and the
element time in milliseconds, so the same spec renders identical pixels every time.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt

from framelane.render.effects.base import INTENSITY, EffectInput, Pixels
from framelane.render.pixels import unpremultiply
from framelane.render.registry import ParamRange

Floats = npt.NDArray[np.float32]
Run = Callable[[Pixels, EffectInput], Pixels]

LUMA_BGR = np.array([0.0722, 0.7152, 0.2126], dtype=np.float32)
"""Rec. 709 luma weights in B, G, R order."""


def _intensity_only() -> Mapping[str, ParamRange]:
    return {"intensity": INTENSITY}


@dataclass(frozen=True, slots=True)
class PixelEffect:
    """A catalog effect built from a `run(straight_bgra, args) -> processed_bgra` function.

    `strength="mix"`: run renders the full look and intensity blends it over the input.
    `strength="param"`: run reads `args.intensity` itself (blur radius, block size…).
    Either way intensity 0 returns the input unchanged.
    """

    name: str
    description: str
    run: Run
    animated: bool = False
    strength: Literal["mix", "param"] = "mix"
    parameters: Mapping[str, ParamRange] = field(default_factory=_intensity_only)
    supported: bool = True

    def apply(self, pixels: Pixels, args: EffectInput) -> Pixels:
        if args.intensity <= 0.0:
            return pixels.copy()
        opaque = bool(pixels[..., 3].min() == 255)
        straight = pixels if opaque else unpremultiply(pixels)
        processed = self.run(straight, args)
        amount = args.intensity if self.strength == "mix" else 1.0
        return finish(pixels, processed, amount, opaque=opaque)


def finish(original: Pixels, processed: Pixels, amount: float, *, opaque: bool) -> Pixels:
    """Premultiply `processed` (straight BGRA) by the original alpha and blend it over the
    original by `amount`; the alpha stays the original's. `original` is never modified."""
    out = np.ascontiguousarray(processed)
    if not opaque:
        alpha = np.repeat(original[..., 3:4], 4, axis=2)
        out = u8(cv2.multiply(out, alpha, scale=1.0 / 255.0))
    if amount < 1.0:
        out = u8(cv2.addWeighted(original, 1.0 - amount, out, amount, 0.0))
    elif np.shares_memory(out, original):
        out = out.copy()
    out[..., 3] = original[..., 3]
    return out


def to_u8(values: Floats) -> Pixels:
    """Float image → uint8 with saturation (rounding to nearest)."""
    out: Pixels = np.clip(values + 0.5, 0, 255).astype(np.uint8)
    return out


def with_alpha(bgr: Pixels | Floats, like: Pixels) -> Pixels:
    """A BGR image (uint8 or float) → BGRA uint8 with the alpha of `like`."""
    colour = bgr if bgr.dtype == np.uint8 else to_u8(bgr.astype(np.float32))
    out = np.empty(like.shape, dtype=np.uint8)
    out[..., :3] = colour
    out[..., 3] = like[..., 3]
    return out


def rng_for(salt: str, time: float, step: float = 0.0) -> np.random.Generator:
    """A generator seeded from `salt` and the element time in ms (or in whole `step`s)."""
    tick = int(time // step) if step > 0 else round(time * 1000.0)
    return np.random.default_rng([zlib.crc32(salt.encode()), tick & 0xFFFFFFFF])


def scale_of(pixels: Pixels) -> float:
    """Pixel distances in the effects are designed at 1080 lines; this rescales them."""
    return scale_for(pixels.shape[0], pixels.shape[1])


def scale_for(height: int, width: int) -> float:
    return max(min(height, width) / 1080.0, 0.05)


def curve_lut(
    blue: Callable[[Floats], Floats],
    green: Callable[[Floats], Floats],
    red: Callable[[Floats], Floats],
) -> Pixels:
    """A (1, 256, 4) uint8 LUT for `cv2.LUT` from three curves on 0–1 (alpha untouched)."""
    x = np.linspace(0.0, 1.0, 256, dtype=np.float32)
    channels = [np.clip(f(x), 0.0, 1.0) * 255.0 for f in (blue, green, red)]
    lut = np.stack([*channels, x * 255.0], axis=1)
    return to_u8(lut.astype(np.float32)).reshape(1, 256, 4)


def apply_lut(pixels: Pixels, lut: Pixels) -> Pixels:
    out: Pixels = u8(cv2.LUT(np.ascontiguousarray(pixels), lut))
    return out


def matrix_4x5(colour: Floats, offset: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> Floats:
    """A 3×3 BGR colour matrix (+ offset in 0–255 units) as a `cv2.transform` matrix for BGRA."""
    m = np.zeros((4, 5), dtype=np.float32)
    m[:3, :3] = colour
    m[:3, 4] = offset
    m[3, 3] = 1.0
    return m


def transform(pixels: Pixels, m: Floats) -> Pixels:
    """Apply a 4×5 affine colour matrix to BGRA uint8 (saturating)."""
    out: Pixels = u8(cv2.transform(np.ascontiguousarray(pixels), m))
    return out


def saturation_matrix(sat: float) -> Floats:
    """BGR matrix that scales saturation about Rec. 709 luma (1 = unchanged, 0 = grey)."""
    grey = np.outer(np.ones(3, dtype=np.float32), LUMA_BGR)
    return (grey * (1.0 - sat) + np.eye(3, dtype=np.float32) * sat).astype(np.float32)


def luma(pixels: Pixels) -> Pixels:
    """Rec. 709 luma of BGRA uint8 pixels as an (H, W) uint8 image."""
    m = np.array([[*LUMA_BGR.tolist(), 0.0]], dtype=np.float32)
    out: Pixels = u8(cv2.transform(np.ascontiguousarray(pixels), m))
    return out.reshape(pixels.shape[:2])


@lru_cache(maxsize=32)
def radial(height: int, width: int) -> Floats:
    """Distance from the centre, 0 in the middle and 1 in the corners (cached per size)."""
    ys = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :]
    dist: Floats = np.sqrt((xs * xs + ys * ys) / 2.0).astype(np.float32)
    dist.setflags(write=False)
    return dist


@lru_cache(maxsize=32)
def vignette_mask(height: int, width: int, strength: float) -> Pixels:
    """A BGRA uint8 multiplier (255 = unchanged) darkening the corners by `strength` (0–1)."""
    r = radial(height, width)
    falloff = np.clip((r - 0.45) / 0.55, 0.0, 1.0)
    factor = 1.0 - strength * falloff * falloff * (3.0 - 2.0 * falloff)
    mask = np.empty((height, width, 4), dtype=np.uint8)
    mask[..., :3] = to_u8(factor * 255.0)[..., None]
    mask[..., 3] = 255
    mask.setflags(write=False)
    return mask


def vignette(pixels: Pixels, strength: float) -> Pixels:
    h, w = pixels.shape[:2]
    out: Pixels = u8(cv2.multiply(pixels, vignette_mask(h, w, round(strength, 3)), scale=1 / 255))
    return out


def screen(base: Pixels, light: Pixels) -> Pixels:
    """Screen blend of BGR(A) uint8 `light` over `base`: 1 − (1 − a)(1 − b)."""
    inv = cv2.multiply(255 - base, 255 - light, scale=1 / 255)
    out: Pixels = 255 - u8(inv)
    return out


def upscale(small: Floats | Pixels, height: int, width: int) -> Floats | Pixels:
    """Smooth bilinear resize of a low-resolution field to the frame size."""
    out: Floats | Pixels = u8(cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR))
    return out


def gaussian(pixels: Pixels | Floats, sigma: float) -> Pixels | Floats:
    """Gaussian blur; large radii are blurred at reduced resolution (cv2, never skia)."""
    if sigma <= 0.3:
        return pixels.copy()
    h, w = pixels.shape[:2]
    factor = 1
    while sigma / factor > 6 and min(h, w) // (factor * 2) >= 8:
        factor *= 2
    if factor == 1:
        out: Pixels | Floats = u8(cv2.GaussianBlur(pixels, (0, 0), sigma))
        return out
    small = cv2.resize(
        pixels, (max(w // factor, 1), max(h // factor, 1)), interpolation=cv2.INTER_AREA
    )
    small = cv2.GaussianBlur(small, (0, 0), sigma / factor)
    out = u8(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR))
    return out


def shift(channel: Pixels, dx: float, dy: float) -> Pixels:
    """Translate an image or one channel by a sub-pixel offset, repeating the border."""
    m = np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]], dtype=np.float32)
    h, w = channel.shape[:2]
    out: Pixels = u8(
        cv2.warpAffine(channel, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    )
    return out


def scale_about_centre(image: Pixels, factor: float, cx: float, cy: float) -> Pixels:
    """Scale an image about (cx, cy) by `factor`, keeping its size (edges repeated)."""
    m = np.array(
        [[factor, 0.0, cx * (1 - factor)], [0.0, factor, cy * (1 - factor)]], dtype=np.float32
    )
    h, w = image.shape[:2]
    out: Pixels = u8(
        cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    )
    return out


def split_channels(pixels: Pixels) -> list[Pixels]:
    return [u8(c) for c in cv2.split(np.ascontiguousarray(pixels))]


def merge_channels(channels: list[Pixels]) -> Pixels:
    out: Pixels = u8(cv2.merge(channels))
    return out


def u8(image: object) -> Pixels:
    """Type an OpenCV result as uint8 pixels (no copy: OpenCV keeps the input depth)."""
    return np.asarray(image, dtype=np.uint8)


def f32(image: object) -> Floats:
    """Type an OpenCV result as float32 (no copy for float32 results)."""
    return np.asarray(image, dtype=np.float32)
