"""`chroma_key`: make a hue/saturation/lightness range transparent.

`chroma_settings` (all optional; defaults key a typical green screen):

- `hue_min`, `hue_max`: 0–360 degrees, default 80–160 (green). `hue_min > hue_max` wraps
  through 0°, e.g. 330–30 keys reds.
- `sat_min`, `sat_max`: 0–100 (HSL saturation, %), default 25–100: greys are never keyed.
- `lum_min`, `lum_max`: 0–100 (HSL lightness, %), default 12–90: near-black and near-white
  are kept.

Pixels inside all three ranges become fully transparent (times `intensity`); the key falls off
over 12° of hue and 6 points of saturation and lightness outside the ranges, so edges are soft.
Partly keyed edge pixels are desaturated in proportion to the key, which removes colour spill.
The output stays premultiplied: colour is scaled with the new alpha.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import cv2
import numpy as np

from framelane.render.effects.base import INTENSITY, EffectInput, Pixels
from framelane.render.effects.toolkit import luma
from framelane.render.pixels import unpremultiply
from framelane.render.registry import ParamRange

HUE_SOFTNESS = 12.0
"""Degrees outside the hue range over which the key fades out."""
SAT_LUM_SOFTNESS = 6.0
"""Percentage points outside the saturation/lightness ranges over which the key fades out."""

CHROMA_PARAMETERS: dict[str, ParamRange] = {
    "intensity": INTENSITY,
    "hue_min": ParamRange(0, 360, 80, "chroma_settings: lowest hue keyed out, degrees"),
    "hue_max": ParamRange(0, 360, 160, "chroma_settings: highest hue keyed out, degrees"),
    "sat_min": ParamRange(0, 100, 25, "chroma_settings: lowest HSL saturation keyed out, %"),
    "sat_max": ParamRange(0, 100, 100, "chroma_settings: highest HSL saturation keyed out, %"),
    "lum_min": ParamRange(0, 100, 12, "chroma_settings: lowest HSL lightness keyed out, %"),
    "lum_max": ParamRange(0, 100, 90, "chroma_settings: highest HSL lightness keyed out, %"),
}


def _setting(settings: Mapping[str, float], name: str) -> float:
    spec = CHROMA_PARAMETERS[name]
    value = float(settings.get(name, spec.default))
    return min(max(value, spec.minimum), spec.maximum)


def _band_lut(low: float, high: float, softness: float, full_scale: float) -> Pixels:
    """uint8 → 0–255 LUT: 255 inside [low, high], falling linearly to 0 `softness` outside.
    The input byte b stands for the value b / 255 × full_scale."""
    values = np.arange(256, dtype=np.float32) * np.float32(full_scale / 255.0)
    band = np.clip(np.minimum(values - low, high - values) / softness + 1.0, 0.0, 1.0)
    return np.asarray(np.round(band * 255.0), dtype=np.uint8)


def _hue_lut(low: float, high: float) -> Pixels:
    """The same for OpenCV's full-range hue byte (256 steps per turn), wrapping through 0°."""
    if high < low:
        high += 360.0
    centre, half = (low + high) / 2.0, (high - low) / 2.0
    hue = np.arange(256, dtype=np.float32) * np.float32(360.0 / 256.0)
    distance = np.abs((hue - np.float32(centre) + 180.0) % 360.0 - 180.0)
    band = np.clip((half - distance) / HUE_SOFTNESS + 1.0, 0.0, 1.0)
    return np.asarray(np.round(band * 255.0), dtype=np.uint8)


def key_mask(straight: Pixels, settings: Mapping[str, float]) -> Pixels:
    """0–255 per pixel: how much of it is the keyed colour (three LUTs on the HLS bytes)."""
    hls = cv2.cvtColor(np.ascontiguousarray(straight[..., :3]), cv2.COLOR_BGR2HLS_FULL)
    hue, lum, sat = cv2.split(hls)
    key = cv2.LUT(hue, _hue_lut(_setting(settings, "hue_min"), _setting(settings, "hue_max")))
    sat_lut = _band_lut(
        _setting(settings, "sat_min"), _setting(settings, "sat_max"), SAT_LUM_SOFTNESS, 100.0
    )
    lum_lut = _band_lut(
        _setting(settings, "lum_min"), _setting(settings, "lum_max"), SAT_LUM_SOFTNESS, 100.0
    )
    key = cv2.multiply(key, cv2.LUT(sat, sat_lut), scale=1 / 255)
    return np.asarray(cv2.multiply(key, cv2.LUT(lum, lum_lut), scale=1 / 255), dtype=np.uint8)


@dataclass(frozen=True, slots=True)
class ChromaKey:
    name: str = "chroma_key"
    description: str = (
        "Make a colour range transparent; `chroma_settings` sets the hue "
        "(0–360°), saturation and lightness (0–100) ranges, green by default."
    )
    supported: bool = True
    animated: bool = False
    parameters: Mapping[str, ParamRange] = field(default_factory=lambda: CHROMA_PARAMETERS)

    def apply(self, pixels: Pixels, args: EffectInput) -> Pixels:
        if args.intensity <= 0.0:
            return pixels.copy()
        opaque = bool(pixels[..., 3].min() == 255)
        straight = pixels if opaque else unpremultiply(pixels)
        key = key_mask(straight, args.settings)
        if args.intensity < 1.0:
            key = np.asarray(cv2.convertScaleAbs(key, alpha=args.intensity), dtype=np.uint8)
        edge = np.minimum(key.astype(np.float32) * np.float32(2 / 255), 1.0)
        grey = luma(straight)
        grey4 = cv2.merge([grey, grey, grey, straight[..., 3].copy()])
        despilled = cv2.blendLinear(np.ascontiguousarray(straight), grey4, 1.0 - edge, edge)
        alpha = np.asarray(
            cv2.multiply(pixels[..., 3].copy(), 255 - key, scale=1 / 255), dtype=np.uint8
        )
        out = np.asarray(
            cv2.multiply(despilled, cv2.merge([alpha, alpha, alpha, alpha]), scale=1 / 255),
            dtype=np.uint8,
        )
        out[..., 3] = alpha
        return out
