"""Halftone: `cc_halftone` (dots in the picture's colours) and `cc_halftone_blue|green|red`
(one ink on paper).

A 45°-rotated screen of cells (1.2% of the short side); each cell gets one anti-aliased dot
whose area follows the darkness at the cell centre. The per-size sampling maps are cached, so a
frame costs one remap and a few array operations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from framelane.render.effects.base import EffectInput, Pixels
from framelane.render.effects.toolkit import Floats, PixelEffect, Run, luma, u8


@dataclass(frozen=True, slots=True)
class _Screen:
    map_x: Floats
    """Cell centres in the coordinates of the image shrunk by `factor`."""
    map_y: Floats
    dist: Floats
    cell: float
    factor: int


@lru_cache(maxsize=8)
def _screen(height: int, width: int, cell: float, angle: float) -> _Screen:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    u, v = xs * c + ys * s, -xs * s + ys * c
    cu = (np.floor(u / cell) + 0.5) * cell
    cv = (np.floor(v / cell) + 0.5) * cell
    factor = max(1, int(cell // 3))
    map_x = ((cu * c - cv * s + 0.5) / factor - 0.5).astype(np.float32)
    map_y = ((cu * s + cv * c + 0.5) / factor - 0.5).astype(np.float32)
    dist = np.sqrt((u - cu) ** 2 + (v - cv) ** 2).astype(np.float32)
    for array in (map_x, map_y, dist):
        array.setflags(write=False)
    return _Screen(map_x, map_y, dist, cell, factor)


def _coverage(screen: _Screen, darkness: Floats) -> Floats:
    """Dot area follows the darkness (r = cell·√(d/π)); near black the dots grow past their
    cells so solid black prints solid."""
    radius = np.sqrt(darkness) * (1.0 + 0.25 * darkness**4) * np.float32(screen.cell * 0.564)
    out: Floats = np.clip(radius - screen.dist + 0.5, 0.0, 1.0)
    return out


def _sample(image: Pixels, screen: _Screen) -> Pixels:
    """The image averaged over each cell's neighbourhood, read at every pixel's cell centre."""
    h, w = image.shape[:2]
    size = (max(w // screen.factor, 1), max(h // screen.factor, 1))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    out: Pixels = u8(
        cv2.remap(
            small, screen.map_x, screen.map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
    )
    return out


@lru_cache(maxsize=8)
def _flat(height: int, width: int, bgr: tuple[int, int, int]) -> Pixels:
    image = np.empty((height, width, 4), dtype=np.uint8)
    image[..., :3] = bgr
    image[..., 3] = 255
    image.setflags(write=False)
    return image


def _print(paper: Pixels, ink: Pixels, cover: Floats) -> Pixels:
    out: Pixels = u8(cv2.blendLinear(paper, ink, 1.0 - cover, cover))
    return out


def _cell_size(pixels: Pixels) -> float:
    return float(max(4.0, round(0.012 * min(pixels.shape[:2]), 1)))


def _paper(pixels: Pixels) -> Pixels:
    h, w = pixels.shape[:2]
    return _flat(h, w, (236, 244, 248))


def _colour_halftone(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    screen = _screen(h, w, _cell_size(pixels), 45.0)
    centre = _sample(pixels, screen)
    darkness = 1.0 - luma(centre).astype(np.float32) * np.float32(1 / 255)
    cover = _coverage(screen, np.clip(darkness * 1.15, 0, 1))
    return _print(_paper(pixels), u8(cv2.convertScaleAbs(centre, alpha=0.8)), cover)


def _ink_halftone(ink_bgr: tuple[int, int, int], angle: float) -> Run:
    def run(pixels: Pixels, args: EffectInput) -> Pixels:
        h, w = pixels.shape[:2]
        screen = _screen(h, w, _cell_size(pixels), angle)
        centre = _sample(luma(pixels), screen)
        darkness = 1.0 - centre.astype(np.float32) * np.float32(1 / 255)
        return _print(_paper(pixels), _flat(h, w, ink_bgr), _coverage(screen, darkness))

    return run


CC_HALFTONE = PixelEffect(
    "cc_halftone",
    "Halftone: dots in the picture's own colours on paper, 45° screen.",
    _colour_halftone,
)
CC_HALFTONE_BLUE = PixelEffect(
    "cc_halftone_blue", "Halftone in blue ink on paper.", _ink_halftone((170, 70, 15), 15.0)
)
CC_HALFTONE_GREEN = PixelEffect(
    "cc_halftone_green", "Halftone in green ink on paper.", _ink_halftone((60, 140, 20), 75.0)
)
CC_HALFTONE_RED = PixelEffect(
    "cc_halftone_red", "Halftone in red ink on paper.", _ink_halftone((40, 30, 200), 45.0)
)
