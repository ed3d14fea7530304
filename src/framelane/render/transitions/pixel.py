"""`PixelTransition`: a transition defined on the two pictures, `blend(outgoing, incoming, p)`.

Most of the catalog (iris, heart, cube, swirl…) needs more than a `LayerModifier` (one
opacity, one clip rectangle, one tint), so these entries are
written in the general form used by xfade and gl-transitions: both layers rendered to
canvas-size premultiplied BGRA buffers, one output picture per frame. `blend` is exact at the
ends: progress 0 returns the outgoing picture and progress 1 the incoming one.

The scene renderer (`framelane.render.pairs`) recognises entries with `blend`, renders the two
layers alone and draws the blended picture in place of the pair. `modifier` keeps the registry
protocol (a cross-dissolve) for any caller that only knows layer modifiers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np
import numpy.typing as npt

from framelane.render.pixels import Pixels
from framelane.render.registry import ParamRange
from framelane.render.transitions.base import UNCHANGED, LayerModifier, Role

Floats = npt.NDArray[np.float32]
Blend = Callable[[Pixels, Pixels, float], Pixels]
Mask = Callable[[Pixels, Pixels, float], Floats]


@dataclass(frozen=True, slots=True)
class PixelTransition:
    name: str
    description: str
    run: Blend
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)
    supported: bool = True

    def blend(self, outgoing: Pixels, incoming: Pixels, progress: float) -> Pixels:
        if progress <= 0.0:
            return outgoing.copy()
        if progress >= 1.0:
            return incoming.copy()
        return self.run(outgoing, incoming, progress)

    def modifier(self, progress: float, role: Role, on_top: bool) -> LayerModifier:
        if not on_top:
            return UNCHANGED
        return LayerModifier(opacity=progress if role == "to" else 1.0 - progress)


def u8(image: object) -> Pixels:
    return np.asarray(image, dtype=np.uint8)


def masked(mask: Mask) -> Blend:
    """A transition that shows the incoming picture where `mask` (0–1, H×W) is 1."""

    def run(outgoing: Pixels, incoming: Pixels, progress: float) -> Pixels:
        cover = np.clip(mask(outgoing, incoming, progress), 0.0, 1.0).astype(np.float32)
        return u8(cv2.blendLinear(outgoing, incoming, 1.0 - cover, cover))

    return run


def mix(outgoing: Pixels, incoming: Pixels, amount: float) -> Pixels:
    return u8(cv2.addWeighted(outgoing, 1.0 - amount, incoming, amount, 0.0))


def smoothstep(edge0: float, edge1: float, x: float) -> float:
    t = min(max((x - edge0) / (edge1 - edge0), 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


@lru_cache(maxsize=8)
def grid(height: int, width: int) -> tuple[Floats, Floats]:
    """Pixel-centre coordinates (x, y), cached per size and read-only."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    xs, ys = xs + np.float32(0.5), ys + np.float32(0.5)
    xs.setflags(write=False)
    ys.setflags(write=False)
    return xs, ys


def edge(signed_px: Floats) -> Floats:
    """Anti-aliased coverage from a signed distance in pixels (positive inside)."""
    out: Floats = np.clip(signed_px + 0.5, 0.0, 1.0).astype(np.float32)
    return out


def sweep(value: Floats, progress: float, softness: float) -> Floats:
    """Coverage of a front sweeping over `value` (0–1): 0 everywhere at progress 0, 1
    everywhere at 1, with a soft band `softness` wide."""
    front = progress * (1.0 + softness)
    out: Floats = np.clip((front - value) / softness, 0.0, 1.0).astype(np.float32)
    return out


def warp(image: Pixels, map_x: Floats, map_y: Floats) -> Pixels:
    return u8(cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT))
