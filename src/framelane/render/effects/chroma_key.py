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
from framelane.render.effects.toolkit import Floats, luma
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


def _band(values: Floats, low: float, high: float, softness: float) -> Floats:
    """1 inside [low, high], falling linearly to 0 `softness` outside it."""
    out: Floats = np.clip(np.minimum(values - low, high - values) / softness + 1.0, 0.0, 1.0)
    return out


def _hue_band(hue: Floats, low: float, high: float) -> Floats:
    if high < low:
        high += 360.0
    centre, half = (low + high) / 2.0, (high - low) / 2.0
    distance = np.abs((hue - np.float32(centre) + 180.0) % 360.0 - 180.0)
    out: Floats = np.clip((half - distance) / HUE_SOFTNESS + 1.0, 0.0, 1.0)
    return out


def key_mask(straight: Pixels, settings: Mapping[str, float]) -> Floats:
    """0–1 per pixel: how much of it is the keyed colour."""
    hls = cv2.cvtColor(np.ascontiguousarray(straight[..., :3]), cv2.COLOR_BGR2HLS_FULL)
    hue = hls[..., 0].astype(np.float32) * np.float32(360.0 / 256.0)
    lum = hls[..., 1].astype(np.float32) * np.float32(100.0 / 255.0)
    sat = hls[..., 2].astype(np.float32) * np.float32(100.0 / 255.0)
    key = _hue_band(hue, _setting(settings, "hue_min"), _setting(settings, "hue_max"))
    key *= _band(sat, _setting(settings, "sat_min"), _setting(settings, "sat_max"),
                 SAT_LUM_SOFTNESS)
    key *= _band(lum, _setting(settings, "lum_min"), _setting(settings, "lum_max"),
                 SAT_LUM_SOFTNESS)
    return key


@dataclass(frozen=True, slots=True)
class ChromaKey:
    name: str = "chroma_key"
    description: str = ("Make a colour range transparent; `chroma_settings` sets the hue "
                        "(0–360°), saturation and lightness (0–100) ranges, green by default.")
    supported: bool = True
    animated: bool = False
    parameters: Mapping[str, ParamRange] = field(default_factory=lambda: CHROMA_PARAMETERS)

    def apply(self, pixels: Pixels, args: EffectInput) -> Pixels:
        if args.intensity <= 0.0:
            return pixels.copy()
        opaque = bool(pixels[..., 3].min() == 255)
        straight = pixels if opaque else unpremultiply(pixels)
        key = key_mask(straight, args.settings) * np.float32(args.intensity)
        keep = 1.0 - key
        grey = luma(straight).astype(np.float32)[..., None]
        colour = straight[..., :3].astype(np.float32)
        edge = np.minimum(key * 2.0, 1.0)[..., None]
        despilled = colour + (grey - colour) * edge
        alpha = pixels[..., 3].astype(np.float32) * keep
        out = np.empty_like(pixels)
        out[..., :3] = np.clip(despilled * (alpha[..., None] / 255.0) + 0.5, 0, 255)
        out[..., 3] = np.clip(alpha + 0.5, 0, 255)
        return out
