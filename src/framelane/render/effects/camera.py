"""Camera looks: `viewfinder`, `night_vision`, `thermal`, `snow`.

`viewfinder` draws its overlay with OpenCV (anti-aliased lines, Hershey font) so it needs no
font file; its REC dot blinks and its timecode runs with the element time. `snow` moves a fixed,
seeded set of flakes as a pure function of time.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from framelane.render.effects.base import EffectInput, Pixels
from framelane.render.effects.film import grain_field
from framelane.render.effects.toolkit import (
    Floats,
    PixelEffect,
    apply_lut,
    curve_lut,
    luma,
    rng_for,
    scale_of,
    screen,
    u8,
    vignette,
)

_WHITE = (255, 255, 255, 255)


def _brackets(out: Pixels, margin: int, arm: int, thick: int) -> None:
    h, w = out.shape[:2]
    for x, sx in ((margin, 1), (w - 1 - margin, -1)):
        for y, sy in ((margin, 1), (h - 1 - margin, -1)):
            cv2.line(out, (x, y), (x + sx * arm, y), _WHITE, thick, cv2.LINE_AA)
            cv2.line(out, (x, y), (x, y + sy * arm), _WHITE, thick, cv2.LINE_AA)


def _timecode(time: float) -> str:
    frames = round(time * 30)
    s, f = divmod(frames, 30)
    m, s = divmod(s, 60)
    hh, m = divmod(m, 60)
    return f"{hh:02d}:{m:02d}:{s:02d}:{f:02d}"


def _viewfinder(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    k = scale_of(pixels)
    out = vignette(pixels, 0.35)
    thick = max(1, round(3 * k))
    margin, arm = round(0.06 * min(h, w)), round(0.09 * min(h, w))
    _brackets(out, margin, arm, thick)
    cx, cy, cross = w // 2, h // 2, round(0.03 * min(h, w))
    cv2.line(out, (cx - cross, cy), (cx + cross, cy), _WHITE, thick, cv2.LINE_AA)
    cv2.line(out, (cx, cy - cross), (cx, cy + cross), _WHITE, thick, cv2.LINE_AA)
    font, size = cv2.FONT_HERSHEY_SIMPLEX, 1.1 * k
    text_y = margin + arm // 2
    if args.time % 1.0 < 0.5:
        cv2.circle(
            out,
            (margin + arm // 2, text_y - round(10 * k)),
            round(12 * k),
            (30, 30, 235, 255),
            -1,
            cv2.LINE_AA,
        )
    cv2.putText(out, "REC", (margin + arm, text_y), font, size, _WHITE, thick, cv2.LINE_AA)
    code = _timecode(args.time)
    (tw, _), _ = cv2.getTextSize(code, font, size, thick)
    cv2.putText(
        out,
        code,
        (w - margin - arm // 2 - tw, h - margin - arm // 3),
        font,
        size,
        _WHITE,
        thick,
        cv2.LINE_AA,
    )
    bx, by = w - margin - arm - round(60 * k), text_y - round(22 * k)
    cv2.rectangle(out, (bx, by), (bx + round(60 * k), by + round(26 * k)), _WHITE, thick)
    cv2.rectangle(
        out,
        (bx + round(5 * k), by + round(5 * k)),
        (bx + round(40 * k), by + round(21 * k)),
        _WHITE,
        -1,
    )
    return out


def _to_bgra(level: Pixels, like: Pixels) -> Pixels:
    out: Pixels = u8(cv2.merge([level, level, level, like[..., 3].copy()]))
    return out


_NIGHT_LUT = curve_lut(
    lambda x: np.clip(x * 1.9, 0, 1) ** 0.8 * 0.35,
    lambda x: np.clip(x * 1.9, 0, 1) ** 0.8,
    lambda x: np.clip(x * 1.9, 0, 1) ** 0.8 * 0.3 + np.clip(x * 1.9 - 1.0, 0, 1) * 0.5,
)


def _night_vision(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    noise = grain_field(h, w, rng_for("night_vision", args.time)) * np.float32(14.0)
    level = u8(cv2.add(luma(pixels), np.clip(noise, 0, 255).astype(np.uint8)))
    level = u8(cv2.subtract(level, np.clip(-noise, 0, 255).astype(np.uint8)))
    phosphor = apply_lut(_to_bgra(level, pixels), _NIGHT_LUT)
    return vignette(phosphor, 0.9)


def _thermal_palette(x: Floats) -> Floats:
    """Black → blue → magenta → red → orange → yellow → white, sampled per channel."""
    stops = np.array([0.0, 0.18, 0.38, 0.55, 0.72, 0.88, 1.0], dtype=np.float32)
    colours = (
        np.array(
            [
                [0, 0, 0],
                [140, 20, 10],
                [160, 20, 140],
                [40, 20, 220],
                [0, 120, 255],
                [0, 230, 255],
                [235, 255, 255],
            ],
            dtype=np.float32,
        )
        / 255.0
    )
    return np.stack([np.interp(x, stops, colours[:, c]) for c in range(3)]).astype(np.float32)


@lru_cache(maxsize=1)
def _thermal_lut() -> Pixels:
    x = np.linspace(0.0, 1.0, 256, dtype=np.float32)
    palette = _thermal_palette(x)
    return curve_lut(lambda v: palette[0], lambda v: palette[1], lambda v: palette[2])


def _thermal(pixels: Pixels, args: EffectInput) -> Pixels:
    sigma = 2.0 * scale_of(pixels)
    level = u8(cv2.GaussianBlur(luma(pixels), (0, 0), sigma))
    return apply_lut(_to_bgra(level, pixels), _thermal_lut())


_FLAKE_DENSITY = 1.3e-4
"""Flakes per pixel of frame area (about 270 at 1080p)."""


@lru_cache(maxsize=8)
def _flakes(count: int) -> Floats:
    """Per flake: x0, y0 (0–1), fall speed (heights/s), radius (px at 1080), sway, phase."""
    rng = rng_for("snow", 0.0)
    depth = rng.random(count, dtype=np.float32) ** 2
    table = np.stack(
        [
            rng.random(count, dtype=np.float32),
            rng.random(count, dtype=np.float32),
            0.06 + 0.22 * depth,
            1.2 + 4.0 * depth,
            0.004 + 0.012 * rng.random(count, dtype=np.float32),
            rng.random(count, dtype=np.float32) * 6.283,
        ],
        axis=1,
    ).astype(np.float32)
    table.setflags(write=False)
    return table


def _snow(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    k, t = scale_of(pixels), args.time
    flakes = _flakes(min(4000, max(40, round(_FLAKE_DENSITY * h * w))))
    mask = np.zeros((h, w), dtype=np.uint8)
    for x0, y0, speed, radius, sway, phase in flakes.tolist():
        r = max(radius * k, 0.5 + radius / 5.0)
        y = ((y0 + speed * t) % 1.0) * (h + 4 * r) - 2 * r
        x = (x0 + sway * math.sin(1.3 * t + phase)) % 1.0 * w
        level = 150 + round(105 * min(1.0, radius / 5.2))
        cv2.circle(
            mask, (round(x * 4), round(y * 4)), max(1, round(r * 4)), level, -1, cv2.LINE_AA, 2
        )
    mask = u8(cv2.GaussianBlur(mask, (0, 0), 0.6 * k + 0.3))
    zero = np.zeros_like(mask)
    return screen(pixels, u8(cv2.merge([mask, mask, mask, zero])))


VIEWFINDER = PixelEffect(
    "viewfinder",
    "Camcorder viewfinder: corner brackets, centre cross, "
    "blinking REC, battery and running timecode.",
    _viewfinder,
    animated=True,
)
NIGHT_VISION = PixelEffect(
    "night_vision",
    "Night vision: amplified green phosphor, sensor noise, scope vignette.",
    _night_vision,
    animated=True,
)
THERMAL = PixelEffect(
    "thermal",
    "Thermal camera: brightness mapped to a black-blue-red-yellow-white heat palette.",
    _thermal,
)
SNOW = PixelEffect(
    "snow", "Falling snow with parallax (bigger flakes fall faster) and sway.", _snow, animated=True
)
