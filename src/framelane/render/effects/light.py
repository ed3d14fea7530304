"""Light effects: `light_leaks`, `film_burn`, `lens_flare`, `glow`, `strobe_light`.

The light fields are computed at a quarter (or eighth) of the frame size in float, quantised and
upscaled bilinearly (smooth fields lose nothing), then screen-blended over the frame. Animation is
a pure function of the element time: no state between frames.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from framelane.render.effects.base import EffectInput, Pixels
from framelane.render.effects.toolkit import (
    Floats,
    PixelEffect,
    gaussian,
    rng_for,
    screen,
    to_u8,
    u8,
    upscale,
)

_LEAK_COLOURS = np.array(
    [[40, 110, 255], [90, 40, 235], [70, 200, 255]], dtype=np.float32
)  # BGR: orange, magenta-red, warm yellow


def _grid(height: int, width: int, factor: int) -> tuple[Floats, Floats, int, int]:
    """Pixel-centre coordinates (in full-frame pixels) of a 1/factor grid."""
    hs, ws = max(height // factor, 2), max(width // factor, 2)
    ys = (np.arange(hs, dtype=np.float32)[:, None] + 0.5) * (height / hs)
    xs = (np.arange(ws, dtype=np.float32)[None, :] + 0.5) * (width / ws)
    return xs, ys, hs, ws


def _light_layer(light: Floats, like: Pixels) -> Pixels:
    """A low-resolution BGR float light field → full-size BGRA uint8 (alpha 0)."""
    h, w = like.shape[:2]
    small = np.zeros((*light.shape[:2], 4), dtype=np.uint8)
    small[..., :3] = to_u8(light)
    out: Pixels = upscale(small, h, w)  # type: ignore[assignment]
    return out


def _light_leaks(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    xs, ys, hs, ws = _grid(h, w, 8)
    light = np.zeros((hs, ws, 3), dtype=np.float32)
    t = args.time
    anchors = ((0.05, 0.2, 0.0), (0.95, 0.75, 2.1), (0.6, 0.02, 4.2))
    for (ax, ay, phase), colour in zip(anchors, _LEAK_COLOURS, strict=True):
        cx = w * (ax + 0.18 * math.sin(0.37 * t + phase))
        cy = h * (ay + 0.15 * math.cos(0.29 * t + phase))
        radius = 0.42 * w * (1.0 + 0.25 * math.sin(0.5 * t + phase))
        strength = 0.75 + 0.25 * math.sin(0.8 * t + 1.7 * phase)
        d2 = ((xs - cx) ** 2 + (ys - cy) ** 2) / (radius * radius)
        light += np.exp(-d2)[..., None] * (colour * strength)
    return screen(pixels, _light_layer(light, pixels))


_BURN_PERIOD = 2.4
"""Seconds between two burn flashes."""


def _burn_colour(heat: Floats) -> Floats:
    """Heat 0–1+ → BGR: deep red, orange, yellow, white-hot."""
    b = np.clip(heat - 0.75, 0, 1) * 4.0 * 255.0
    g = np.clip(heat - 0.3, 0, 1) * 1.6 * 255.0
    r = np.clip(heat * 2.0, 0, 1) * 255.0
    out: Floats = np.stack([b, g, r], axis=2).astype(np.float32)
    return out


def _film_burn(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    xs, ys, hs, ws = _grid(h, w, 8)
    cycle = int(args.time // _BURN_PERIOD)
    phase = (args.time % _BURN_PERIOD) / _BURN_PERIOD
    rng = rng_for("film_burn", float(cycle))
    ex, ey = (rng.uniform(-0.1, 1.1), rng.choice([-0.05, 1.05]))
    if rng.random() < 0.5:
        ex, ey = ey, ex
    envelope = 0.25 + 0.75 * math.sin(math.pi * phase) ** 2
    reach = (0.25 + 0.55 * envelope) * max(w, h)
    d = np.sqrt((xs - ex * w) ** 2 + (ys - ey * h) ** 2) / reach
    texture = cv2.GaussianBlur(rng.random((hs, ws), dtype=np.float32), (0, 0), 3.0)
    heat = np.clip(1.2 - d, 0, None) * (0.7 + 0.9 * texture) * envelope * 1.6
    return screen(pixels, _light_layer(_burn_colour(heat.astype(np.float32)), pixels))


def _lens_flare(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    xs, ys, hs, ws = _grid(h, w, 4)
    t = args.time
    sx = w * (0.26 + 0.05 * math.sin(0.5 * t))
    sy = h * (0.24 + 0.04 * math.cos(0.4 * t))
    dx, dy = xs - sx, ys - sy
    dist = np.sqrt(dx * dx + dy * dy)
    light = np.zeros((hs, ws, 3), dtype=np.float32)
    core = np.array([200, 235, 255], dtype=np.float32)
    light += (np.exp(-((dist / (0.07 * w)) ** 2)) * 1.1)[..., None] * core
    light += (np.exp(-(((dist - 0.17 * w) / (0.01 * w)) ** 2)) * 0.22)[..., None] * 255.0
    streak = np.exp(-((dy / (0.005 * h)) ** 2)) * np.exp(-np.abs(dx) / (0.3 * w))
    light += (streak * 0.8)[..., None] * np.array([255, 215, 170], dtype=np.float32)
    ghosts = (
        (0.55, 0.02, (120, 255, 140)),
        (1.25, 0.045, (255, 140, 200)),
        (1.6, 0.025, (90, 180, 255)),
        (2.05, 0.06, (255, 210, 150)),
    )
    for k, radius, colour in ghosts:
        gx, gy = sx + k * (w / 2 - sx), sy + k * (h / 2 - sy)
        gd = np.sqrt((xs - gx) ** 2 + (ys - gy) ** 2) / (radius * w)
        disc = np.clip(1.0 - gd, 0.0, 1.0) ** 0.6 * 0.3
        light += disc[..., None] * np.array(colour, dtype=np.float32)
    return screen(pixels, _light_layer(light, pixels))


def _glow(pixels: Pixels, args: EffectInput) -> Pixels:
    highlights = u8(cv2.convertScaleAbs(cv2.subtract(pixels, np.full_like(pixels, 140)), alpha=2.4))
    halo = gaussian(highlights, 0.022 * min(pixels.shape[:2]))
    return screen(pixels, halo)  # type: ignore[arg-type]


_STROBE_PERIOD = 0.2
_STROBE_ON = 0.4


def strobe_amount(time: float) -> float:
    """Flash strength at `time`: full at each period start, decaying over 40% of the period."""
    phase = (time % _STROBE_PERIOD) / _STROBE_PERIOD
    return max(0.0, 1.0 - phase / _STROBE_ON)


def _strobe(pixels: Pixels, args: EffectInput) -> Pixels:
    flash = strobe_amount(args.time)
    white = np.full_like(pixels, 255)
    out: Pixels = u8(cv2.addWeighted(pixels, 1.0 - flash, white, flash, 0.0))
    return out


LIGHT_LEAKS = PixelEffect(
    "light_leaks",
    "Drifting warm light leaks (orange, magenta, yellow) screened over the picture.",
    _light_leaks,
    animated=True,
)
FILM_BURN = PixelEffect(
    "film_burn",
    f"Film burn: an orange-to-white hot spot flaring from an edge every {_BURN_PERIOD:g} s.",
    _film_burn,
    animated=True,
)
LENS_FLARE = PixelEffect(
    "lens_flare",
    "Lens flare: drifting light source with halo, anamorphic streak and coloured ghosts.",
    _lens_flare,
    animated=True,
)
GLOW = PixelEffect(
    "glow", "Soft glow: highlights blurred and screened back over the picture.", _glow
)
STROBE_LIGHT = PixelEffect(
    "strobe_light",
    "White strobe flashing 5 times a second; intensity sets the flash strength.",
    _strobe,
    animated=True,
)
