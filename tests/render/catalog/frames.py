"""Tiny deterministic test pictures (premultiplied BGRA) for the catalog tests."""

from __future__ import annotations

import numpy as np

from framelane.render.effects.base import Pixels

H, W = 72, 128

BARS_BGR = (
    (255, 255, 255),
    (0, 255, 255),
    (255, 255, 0),
    (0, 255, 0),
    (255, 0, 255),
    (0, 0, 255),
    (255, 0, 0),
    (0, 0, 0),
)


def picture(height: int = H, width: int = W) -> Pixels:
    """Colour bars on top, a grey ramp below, a soft white disc and a fine checker: every
    effect has edges, flat colour, gradients and highlights to work on."""
    out = np.empty((height, width, 4), dtype=np.uint8)
    out[..., 3] = 255
    bar = width // len(BARS_BGR)
    for i, colour in enumerate(BARS_BGR):
        out[: height // 2, i * bar : (i + 1) * bar, :3] = colour
    out[: height // 2, len(BARS_BGR) * bar :, :3] = BARS_BGR[-1]
    ramp = np.linspace(0, 255, width, dtype=np.float32).astype(np.uint8)
    out[height // 2 :, :, :3] = ramp[None, :, None]
    ys, xs = np.mgrid[0:height, 0:width]
    checker = ((xs // 3 + ys // 3) % 2 == 0) & (ys > height * 3 // 4)
    out[checker, :3] = out[checker, :3] // 2
    disc = (xs - width * 0.7) ** 2 + (ys - height * 0.7) ** 2 < (height * 0.12) ** 2
    out[disc, :3] = 255
    return out


def translucent(pixels: Pixels) -> Pixels:
    """The same picture with a left-to-right alpha ramp (premultiplied)."""
    alpha = np.round(np.linspace(40, 255, pixels.shape[1], dtype=np.float32))[None, :]
    out = pixels.copy()
    out[..., :3] = pixels[..., :3].astype(np.float32) * (alpha[..., None] / 255.0) + 0.5
    out[..., 3] = alpha.astype(np.uint8)
    return out


def flat(bgr: tuple[int, int, int], height: int = H, width: int = W) -> Pixels:
    out = np.empty((height, width, 4), dtype=np.uint8)
    out[..., :3] = bgr
    out[..., 3] = 255
    return out
