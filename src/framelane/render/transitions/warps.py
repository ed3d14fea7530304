"""Distorting and colour transitions: `cross_zoom`, `swirl`, `water_drop`, `dreamy`,
`glitch_memories`, `color_phase`. Each warps both pictures by an amount that is zero at the ends
and cross-fades between them, so progress 0 and 1 are exactly the two pictures."""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from framelane.render.pixels import Pixels
from framelane.render.transitions.pixel import (
    Floats,
    PixelTransition,
    grid,
    mix,
    smoothstep,
    u8,
    warp,
)


def _zoom_blur(image: Pixels, strength: float) -> Pixels:
    """Average of copies scaled about the centre up to 1 + strength (a radial zoom blur),
    computed at half resolution: the result is a blur, so nothing visible is lost."""
    h, w = image.shape[:2]
    if strength <= 0.0:
        return image
    small = (
        image
        if min(h, w) < 64
        else u8(cv2.resize(image, (w // 2, h // 2), interpolation=cv2.INTER_AREA))
    )
    sh, sw = small.shape[:2]
    acc = small.astype(np.float32)
    steps = 5
    for k in range(1, steps + 1):
        s = 1.0 + strength * k / steps
        m = np.array([[s, 0, sw / 2 * (1 - s)], [0, s, sh / 2 * (1 - s)]], dtype=np.float32)
        acc += cv2.warpAffine(
            small, m, (sw, sh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
    blurred = u8(np.clip(acc / (steps + 1) + 0.5, 0, 255))
    if blurred.shape[:2] == (h, w):
        return blurred
    return u8(cv2.resize(blurred, (w, h), interpolation=cv2.INTER_LINEAR))


def _cross_zoom(a: Pixels, b: Pixels, p: float) -> Pixels:
    strength = 0.6 * math.sin(math.pi * p)
    return mix(_zoom_blur(a, strength), _zoom_blur(b, strength), smoothstep(0.3, 0.7, p))


def _polar(h: int, w: int) -> tuple[Floats, Floats, Floats, float]:
    xs, ys = grid(h, w)
    dx, dy = xs - np.float32(w / 2), ys - np.float32(h / 2)
    return dx, dy, np.hypot(dx, dy).astype(np.float32), math.hypot(w, h) / 2


def _swirl_maps(h: int, w: int, turn: float) -> tuple[Floats, Floats]:
    dx, dy, r, reach = _polar(h, w)
    angle = np.float32(turn) * (1.0 - np.clip(r / np.float32(reach), 0.0, 1.0)) ** 2
    c, s = np.cos(angle), np.sin(angle)
    map_x = (dx * c - dy * s + np.float32(w / 2) - 0.5).astype(np.float32)
    map_y = (dx * s + dy * c + np.float32(h / 2) - 0.5).astype(np.float32)
    return map_x, map_y


def _swirl(a: Pixels, b: Pixels, p: float) -> Pixels:
    map_x, map_y = _swirl_maps(a.shape[0], a.shape[1], 6.0 * math.sin(math.pi * p))
    return mix(warp(a, map_x, map_y), warp(b, map_x, map_y), smoothstep(0.25, 0.75, p))


def _water_drop(a: Pixels, b: Pixels, p: float) -> Pixels:
    h, w = a.shape[:2]
    dx, dy, r, reach = _polar(h, w)
    wave = np.sin(r / np.float32(reach) * 30.0 - np.float32(p * 25.0))
    ring = (r < np.float32(p * reach * 1.2)).astype(np.float32)
    amount = wave * ring * np.float32(0.012 * reach * math.sin(math.pi * p))
    safe = np.maximum(r, 1.0)
    map_x = (dx + dx / safe * amount + np.float32(w / 2) - 0.5).astype(np.float32)
    map_y = (dy + dy / safe * amount + np.float32(h / 2) - 0.5).astype(np.float32)
    return mix(warp(a, map_x, map_y), warp(b, map_x, map_y), p)


def _wavy(image: Pixels, amplitude: float, phase: float) -> Pixels:
    h, w = image.shape[:2]
    xs, ys = grid(h, w)
    offset = np.sin(xs / np.float32(w) * np.float32(4 * math.pi) + np.float32(phase))
    return warp(image, xs - 0.5, (ys - 0.5 + offset * np.float32(amplitude)).astype(np.float32))


def _dreamy(a: Pixels, b: Pixels, p: float) -> Pixels:
    amplitude = 0.05 * a.shape[0] * math.sin(math.pi * p)
    return mix(_wavy(a, amplitude, 0.0), _wavy(b, -amplitude, math.pi), p)


@lru_cache(maxsize=8)
def _row_offsets(height: int) -> Floats:
    rng = np.random.default_rng(7)
    rows = rng.normal(0.0, 1.0, size=max(1, height // 8 + 1)).astype(np.float32)
    out: Floats = np.repeat(rows, 8)[:height].astype(np.float32)
    out.setflags(write=False)
    return out


def _glitched(image: Pixels, amount: float) -> Pixels:
    """Rows torn sideways in 8-row blocks, red and blue torn further than green (whole-pixel
    slices: no float maps)."""
    h, w = image.shape[:2]
    shifts = _row_offsets(h)[::8] * np.float32(amount * 0.04 * w)
    out = image.copy()
    for block, base in enumerate(shifts.tolist()):
        rows = slice(block * 8, min(h, block * 8 + 8))
        for channel, factor in ((0, 0.5), (1, 1.0), (2, 1.5)):
            offset = round(base * factor)
            if offset == 0 or abs(offset) >= w:
                continue
            source = image[rows, :, channel]
            if offset > 0:
                out[rows, offset:, channel] = source[:, :-offset]
                out[rows, :offset, channel] = source[:, :1]
            else:
                out[rows, :offset, channel] = source[:, -offset:]
                out[rows, offset:, channel] = source[:, -1:]
    out[..., :3] = np.minimum(out[..., :3], out[..., 3:4])
    return out


def _glitch_memories(a: Pixels, b: Pixels, p: float) -> Pixels:
    amount = math.sin(math.pi * p)
    return mix(_glitched(a, amount), _glitched(b, amount), smoothstep(0.4, 0.6, p))


_PHASE_STEPS = ((0.4, 1.0), (0.2, 0.8), (0.0, 0.6), (0.0, 1.0))
"""(start, end) of the cross-fade per B, G, R, A channel: red leads, blue trails."""


def _color_phase(a: Pixels, b: Pixels, p: float) -> Pixels:
    channels = []
    for source, target, (lo, hi) in zip(cv2.split(a), cv2.split(b), _PHASE_STEPS, strict=True):
        weight = smoothstep(lo, hi, p)
        channels.append(cv2.addWeighted(source, 1.0 - weight, target, weight, 0.0))
    result = u8(cv2.merge(channels))
    result[..., :3] = np.minimum(result[..., :3], result[..., 3:4])
    return result


CROSS_ZOOM = PixelTransition(
    "cross_zoom", "Zoom-blur out of the outgoing picture into the incoming one.", _cross_zoom
)
SWIRL = PixelTransition(
    "swirl", "Both pictures twist around the centre while cross-fading.", _swirl
)
WATER_DROP = PixelTransition(
    "water_drop", "Ripples spread from the centre while cross-fading.", _water_drop
)
DREAMY = PixelTransition("dreamy", "Wavy dream dissolve.", _dreamy)
GLITCH_MEMORIES = PixelTransition(
    "glitch_memories",
    "Rows tear sideways with split colour channels, then settle on the incoming picture.",
    _glitch_memories,
)
COLOR_PHASE = PixelTransition(
    "color_phase", "Channel-by-channel dissolve: red changes first, blue last.", _color_phase
)
