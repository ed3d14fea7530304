"""Colour adjustments of video and image layers (the §10.5 colour group), with OpenCV.

Every function takes and returns straight-alpha or opaque BGRA uint8 pixels; the caller
handles premultiplication. Linear colour changes are folded into one 3×4 matrix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from framelane.render.pixels import Pixels

# Rec. 709 luma weights in B, G, R order.
_LUMA_BGR = np.array([0.0722, 0.7152, 0.2126], dtype=np.float32)


@dataclass(frozen=True, slots=True)
class Adjustments:
    brightness: float = 0.0
    contrast: float = 0.0
    saturation: float = 0.0
    exposure: float = 0.0
    sharpness: float = 0.0
    blur: float = 0.0
    noise: float = 0.0
    vignette: float = 0.0
    hue_rotate: float = 0.0

    @property
    def has_matrix(self) -> bool:
        return any(
            (self.brightness, self.contrast, self.saturation, self.exposure, self.hue_rotate)
        )

    @property
    def is_identity(self) -> bool:
        return not (self.has_matrix or self.sharpness or self.blur or self.noise or self.vignette)

    @property
    def animated(self) -> bool:
        return self.noise > 0


def _hue_matrix(degrees: float) -> npt.NDArray[np.float32]:
    """The CSS hue-rotate matrix, rows and columns in B, G, R order."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    a, b, k = 0.213, 0.715, 0.072
    rgb = np.array(
        [
            [a + c * (1 - a) - s * a, b - c * b - s * b, k - c * k + s * (1 - k)],
            [a - c * a + s * 0.143, b + c * (1 - b) + s * 0.140, k - c * k - s * 0.283],
            [a - c * a - s * (1 - a), b - c * b + s * b, k + c * (1 - k) + s * k],
        ],
        dtype=np.float32,
    )
    return rgb[::-1, ::-1].copy()


def colour_matrix(adj: Adjustments) -> npt.NDArray[np.float32]:
    """One 3×4 affine matrix (BGR in, BGR out) for exposure, contrast, brightness,
    saturation and hue, applied in that order."""
    m = np.eye(3, dtype=np.float32) * (2.0 ** (adj.exposure / 25.0))
    offset = np.zeros(3, dtype=np.float32)
    gain = 1.0 + adj.contrast / 100.0
    m, offset = m * gain, offset * gain + 128.0 * (1.0 - gain)
    offset = offset + adj.brightness * 2.55
    sat = 1.0 + adj.saturation / 100.0
    mix = np.outer(np.ones(3, dtype=np.float32), _LUMA_BGR) * (1 - sat) + np.eye(3) * sat
    hue = _hue_matrix(adj.hue_rotate) if adj.hue_rotate else np.eye(3, dtype=np.float32)
    total = hue @ mix
    return np.hstack([total @ m, (total @ offset)[:, None]]).astype(np.float32)


def _vignette_mask(height: int, width: int, strength: float) -> npt.NDArray[np.float32]:
    ys = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :]
    radius = np.sqrt(xs * xs + ys * ys) / math.sqrt(2.0)
    falloff = np.clip((radius - 0.35) / 0.65, 0.0, 1.0) ** 2
    return np.asarray(1.0 - strength * falloff, dtype=np.float32)


def apply_adjustments(pixels: Pixels, adj: Adjustments, frame_seed: int) -> Pixels:
    """A new array with every non-zero adjustment applied (alpha untouched)."""
    out = np.ascontiguousarray(pixels)
    bgr: npt.NDArray[Any] = np.ascontiguousarray(out[..., :3])
    if adj.has_matrix:
        bgr = cv2.transform(bgr, colour_matrix(adj))
    if adj.blur > 0:
        bgr = cv2.GaussianBlur(bgr, (0, 0), sigmaX=adj.blur / 2.0)
    if adj.sharpness > 0:
        soft = cv2.GaussianBlur(bgr, (0, 0), sigmaX=2.0)
        bgr = cv2.addWeighted(bgr, 1 + adj.sharpness / 50.0, soft, -adj.sharpness / 50.0, 0)
    if adj.noise > 0:
        rng = np.random.default_rng(frame_seed)
        grain = rng.normal(0.0, adj.noise * 0.6, bgr.shape[:2]).astype(np.float32)
        bgr = np.clip(bgr.astype(np.float32) + grain[..., None], 0, 255).astype(np.uint8)
    if adj.vignette > 0:
        mask = _vignette_mask(bgr.shape[0], bgr.shape[1], adj.vignette / 100.0)
        bgr = (bgr.astype(np.float32) * mask[..., None]).astype(np.uint8)
    result = np.empty_like(out)
    result[..., :3] = bgr
    result[..., 3] = out[..., 3]
    return result
