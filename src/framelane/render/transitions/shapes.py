"""Shape reveals: the incoming picture appears inside a growing shape (anti-aliased edge).

`diagonal_wipe`, `barn_doors_horizontal|vertical`, `iris`, `circle_open`, `box_wipe`,
`band_wipe`, `heart`, `pinwheel`, `angular`, `crosshatch`, `window_slice`, `squares_wire`,
`gradient_wipe`, `burn`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from framelane.render.pixels import Pixels
from framelane.render.transitions.pixel import (
    Floats,
    Mask,
    PixelTransition,
    edge,
    grid,
    masked,
    sweep,
    u8,
)


def _size(image: Pixels) -> tuple[int, int]:
    return int(image.shape[0]), int(image.shape[1])


def _diagonal(a: Pixels, b: Pixels, p: float) -> Floats:
    h, w = _size(a)
    xs, ys = grid(h, w)
    along = (xs + ys) / np.float32(w + h)
    return sweep(along, p, 0.02)


def _barn_doors(vertical: bool) -> Mask:
    def mask(a: Pixels, b: Pixels, p: float) -> Floats:
        h, w = _size(a)
        xs, ys = grid(h, w)
        if vertical:
            return edge(np.float32(p * h / 2) - np.abs(ys - np.float32(h / 2)))
        return edge(np.float32(p * w / 2) - np.abs(xs - np.float32(w / 2)))

    return mask


def _distance_from_centre(h: int, w: int) -> Floats:
    xs, ys = grid(h, w)
    out: Floats = np.hypot(xs - np.float32(w / 2), ys - np.float32(h / 2)).astype(np.float32)
    return out


def _iris(a: Pixels, b: Pixels, p: float) -> Floats:
    h, w = _size(a)
    radius = p * math.hypot(w, h) / 2 + 1.0
    return edge(np.float32(radius) - _distance_from_centre(h, w))


def _circle_open(a: Pixels, b: Pixels, p: float) -> Floats:
    h, w = _size(a)
    reach = math.hypot(w, h) / 2
    return sweep(_distance_from_centre(h, w) / np.float32(reach), p, 0.3)


def _box(a: Pixels, b: Pixels, p: float) -> Floats:
    h, w = _size(a)
    xs, ys = grid(h, w)
    inside = np.minimum(
        np.float32(p * w / 2) - np.abs(xs - np.float32(w / 2)),
        np.float32(p * h / 2) - np.abs(ys - np.float32(h / 2)),
    )
    return edge(inside.astype(np.float32))


BANDS = 6


def _bands(a: Pixels, b: Pixels, p: float) -> Floats:
    h, w = _size(a)
    xs, ys = grid(h, w)
    band = np.floor(ys / np.float32(h) * BANDS).astype(np.int32)
    rightwards = np.float32(p * w) - xs
    leftwards = xs - np.float32((1.0 - p) * w)
    return edge(np.where(band % 2 == 0, rightwards, leftwards).astype(np.float32))


def _heart(a: Pixels, b: Pixels, p: float) -> Floats:
    """The implicit heart curve (x² + y² − 1)³ − x²y³ ≤ 0, evaluated at half resolution and
    smoothed back up (the edge stays anti-aliased)."""
    h, w = _size(a)
    hs, ws = max(h // 2, 1), max(w // 2, 1)
    xs, ys = grid(hs, ws)
    size = np.float32(max(p * 1.9 * max(ws, hs), 0.5))
    x = (xs - np.float32(ws / 2)) / size * 2.6
    y = -(ys - np.float32(hs / 2)) / size * 2.6 + np.float32(0.25)
    r = x * x + y * y - 1.0
    inside = (r * r * r - x * x * y * y * y <= 0).astype(np.float32)
    return np.asarray(cv2.resize(inside, (w, h), interpolation=cv2.INTER_LINEAR), dtype=np.float32)


def _angles(h: int, w: int) -> Floats:
    """Clockwise angle from 12 o'clock, 0–1."""
    xs, ys = grid(h, w)
    theta = np.arctan2(xs - np.float32(w / 2), -(ys - np.float32(h / 2)))
    out: Floats = ((theta / np.float32(2 * math.pi)) % 1.0).astype(np.float32)
    return out


def _angular(a: Pixels, b: Pixels, p: float) -> Floats:
    h, w = _size(a)
    return sweep(_angles(h, w), p, 0.005)


def _pinwheel(a: Pixels, b: Pixels, p: float) -> Floats:
    h, w = _size(a)
    blades = (_angles(h, w) * 4.0) % 1.0
    return sweep(blades.astype(np.float32), p, 0.02)


def _crosshatch(a: Pixels, b: Pixels, p: float) -> Floats:
    h, w = _size(a)
    xs, ys = grid(h, w)
    period = np.float32(max(8.0, min(w, h) / 12))
    first = np.abs((xs + ys) / period % 1.0 - 0.5)
    second = np.abs((xs - ys) / period % 1.0 - 0.5)
    nearest = np.minimum(first, second) * period
    return edge((np.float32(p * 0.5) * period - nearest).astype(np.float32))


SLICES = 10


def _window_slice(a: Pixels, b: Pixels, p: float) -> Floats:
    h, w = _size(a)
    xs, _ = grid(h, w)
    u = xs / np.float32(w)
    opening = sweep(u, p, 0.5)
    within = (u * SLICES) % 1.0
    return edge(((opening - within) * np.float32(w / SLICES)).astype(np.float32))


SQUARES = 10


def _squares_wire(a: Pixels, b: Pixels, p: float) -> Floats:
    h, w = _size(a)
    xs, ys = grid(h, w)
    cell = np.float32(max(w, h) / SQUARES)
    lx, ly = (xs % cell) / cell - 0.5, (ys % cell) / cell - 0.5
    chebyshev = np.maximum(np.abs(lx), np.abs(ly))
    wave = sweep((xs + ys) / np.float32(w + h), p, 0.6)
    return edge(((wave * 0.5 - chebyshev) * cell).astype(np.float32))


def _gradient(a: Pixels, b: Pixels, p: float) -> Floats:
    """Premiere's Gradient Wipe with the outgoing picture's own luminance as the gradient:
    dark areas give way first."""
    level = cv2.cvtColor(np.ascontiguousarray(a[..., :3]), cv2.COLOR_BGR2GRAY)
    soft = np.asarray(cv2.GaussianBlur(level, (0, 0), 2.0), dtype=np.float32) / np.float32(255)
    return sweep(soft, p, 0.25)


@lru_cache(maxsize=1)
def _burn_field() -> Floats:
    rng = np.random.default_rng(20261122)
    coarse = rng.random((9, 16), dtype=np.float32)
    fine = rng.random((36, 64), dtype=np.float32)
    field = cv2.resize(coarse, (64, 36), interpolation=cv2.INTER_CUBIC) * 0.75 + fine * 0.25
    out: Floats = np.clip(field, 0.0, 1.0).astype(np.float32)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=4)
def _burn_field_at(height: int, width: int) -> Floats:
    field = np.asarray(
        cv2.resize(_burn_field(), (width, height), interpolation=cv2.INTER_CUBIC), dtype=np.float32
    )
    field.setflags(write=False)
    return field


def _burn(a: Pixels, b: Pixels, p: float) -> Pixels:
    h, w = _size(a)
    field = _burn_field_at(h, w)
    cover = sweep(field, p, 0.12)
    glow = (1.0 - np.abs(cover * 2.0 - 1.0)) * np.float32(math.sin(math.pi * p) ** 0.5)
    mixed = u8(cv2.blendLinear(a, b, 1.0 - cover, cover))
    heat = u8(
        cv2.multiply(u8(np.clip(glow * 255.0 + 0.5, 0, 255)), mixed[..., 3].copy(), scale=1 / 255)
    )
    ember = cv2.merge(
        [
            u8(cv2.convertScaleAbs(heat, alpha=20 / 255)),
            u8(cv2.convertScaleAbs(heat, alpha=110 / 255)),
            heat,
            np.zeros_like(heat),
        ]
    )
    out = u8(cv2.add(mixed, ember))
    if int(out[..., 3].min()) < 255:
        out[..., :3] = np.minimum(out[..., :3], out[..., 3:4])
    return out


DIAGONAL_WIPE = PixelTransition(
    "diagonal_wipe",
    "An edge sweeping from the top-left corner to the bottom-right.",
    masked(_diagonal),
)
BARN_DOORS_HORIZONTAL = PixelTransition(
    "barn_doors_horizontal", "Doors opening sideways from the centre.", masked(_barn_doors(False))
)
BARN_DOORS_VERTICAL = PixelTransition(
    "barn_doors_vertical", "Doors opening up and down from the centre.", masked(_barn_doors(True))
)
IRIS = PixelTransition("iris", "A hard-edged circle opening from the centre.", masked(_iris))
CIRCLE_OPEN = PixelTransition(
    "circle_open", "A soft-edged circle opening from the centre.", masked(_circle_open)
)
BOX_WIPE = PixelTransition("box_wipe", "A rectangle growing from the centre.", masked(_box))
BAND_WIPE = PixelTransition(
    "band_wipe", f"{BANDS} horizontal bands wiping in alternate directions.", masked(_bands)
)
HEART = PixelTransition("heart", "A heart growing from the centre.", masked(_heart))
PINWHEEL = PixelTransition("pinwheel", "Four blades sweeping clockwise.", masked(_pinwheel))
ANGULAR = PixelTransition("angular", "A clock-hand sweep from 12 o'clock.", masked(_angular))
CROSSHATCH = PixelTransition(
    "crosshatch", "Diagonal hatching lines thickening until they meet.", masked(_crosshatch)
)
WINDOW_SLICE = PixelTransition(
    "window_slice", f"{SLICES} vertical slats opening left to right.", masked(_window_slice)
)
SQUARES_WIRE = PixelTransition(
    "squares_wire", "A grid of squares growing along a diagonal wave.", masked(_squares_wire)
)
GRADIENT_WIPE = PixelTransition(
    "gradient_wipe",
    "Soft wipe driven by the outgoing picture's brightness (dark areas first).",
    masked(_gradient),
)
BURN = PixelTransition(
    "burn", "Burning through: an irregular front with a glowing ember edge.", _burn
)
