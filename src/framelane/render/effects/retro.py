"""Retro displays and tape: `scanlines`, `crt`, `television`, `vhs`, `vhs_overlay`.

Static masks (scanlines, aperture grille, curvature maps) are cached per frame size; the tape
and TV noise is seeded by the element time, so every frame is reproducible.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from framelane.render.effects.base import EffectInput, Pixels
from framelane.render.effects.film import add_signed, grain_field
from framelane.render.effects.toolkit import (
    Floats,
    PixelEffect,
    gaussian,
    matrix_4x5,
    rng_for,
    saturation_matrix,
    scale_for,
    scale_of,
    to_u8,
    transform,
    u8,
    vignette,
)


def _line_period(height: int) -> int:
    return max(2, round(3 * max(height / 1080.0, 0.05)))


def _row_profile(height: int, depth: float) -> Floats:
    """Per-row brightness: the last third of every line period darkened by `depth`."""
    period = _line_period(height)
    rows = np.arange(height) % period
    dark = rows >= period - max(1, period // 3)
    out: Floats = np.where(dark, 1.0 - depth, 1.0).astype(np.float32)
    return out


def _mask4(factor: Floats) -> Pixels:
    """(H, W) or (H, W, 3) multiplier 0–1 → a BGRA uint8 mask for cv2.multiply(scale=1/255)."""
    h, w = factor.shape[:2]
    mask = np.empty((h, w, 4), dtype=np.uint8)
    mask[..., :3] = to_u8(factor * 255.0) if factor.ndim == 3 else to_u8(factor * 255.0)[..., None]
    mask[..., 3] = 255
    mask.setflags(write=False)
    return mask


@lru_cache(maxsize=8)
def _scanline_mask(height: int, width: int, depth: float) -> Pixels:
    return _mask4(np.broadcast_to(_row_profile(height, depth)[:, None], (height, width)))


def _multiply(pixels: Pixels, mask: Pixels) -> Pixels:
    out: Pixels = u8(cv2.multiply(pixels, mask, scale=1 / 255))
    return out


def _scanlines(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    return _multiply(pixels, _scanline_mask(h, w, 0.55))


@lru_cache(maxsize=4)
def _crt_maps(height: int, width: int) -> tuple[Floats, Floats]:
    """Convex-glass curvature: corners sample outside the picture and turn black."""
    cx, cy = max((width - 1) / 2.0, 0.5), max((height - 1) / 2.0, 0.5)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    ux, uy = (xs - cx) / cx, (ys - cy) / cy
    bend_x, bend_y = 1.0 + 0.06 * uy * uy, 1.0 + 0.08 * ux * ux
    map_x = (cx + ux * bend_x * cx * 1.02).astype(np.float32)
    map_y = (cy + uy * bend_y * cy * 1.02).astype(np.float32)
    map_x.setflags(write=False)
    map_y.setflags(write=False)
    return map_x, map_y


@lru_cache(maxsize=4)
def _crt_mask(height: int, width: int) -> Pixels:
    """Aperture grille (B, G, R stripes), scanlines and a 1.2x brightness compensation."""
    stripe = max(1, round(scale_for(height, width)))
    phase = (np.arange(width) // stripe) % 3
    grille = np.full((width, 3), 0.62, dtype=np.float32)
    grille[np.arange(width), phase] = 1.0
    rows = _row_profile(height, 0.4)
    factor = np.clip(rows[:, None, None] * grille[None, :, :] * 1.25, 0.0, 1.0)
    return _mask4(factor.astype(np.float32))


def _crt(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    map_x, map_y = _crt_maps(h, w)
    curved = u8(
        cv2.remap(
            pixels,
            map_x,
            map_y,
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(0, 0, 0, 255),
        )
    )
    masked = _multiply(curved, _crt_mask(h, w))
    glow = gaussian(curved, 3.0 * scale_of(pixels))
    out: Pixels = u8(cv2.addWeighted(masked, 1.0, glow, 0.22, 0.0))
    return vignette(out, 0.45)


_TV_GRADE = matrix_4x5(saturation_matrix(0.35) * 1.05, (8.0, 8.0, 8.0))


def _television(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    rng = rng_for("television", args.time)
    jitter = float(rng.normal(0.0, 0.0015 * w))
    m = np.array([[1.0, 0.0, jitter], [0.0, 1.0, 0.0]], dtype=np.float32)
    picture = u8(
        cv2.warpAffine(transform(pixels, _TV_GRADE), m, (w, h), borderMode=cv2.BORDER_REPLICATE)
    )
    band_y = ((args.time * 0.23) % 1.2 - 0.1) * h
    ys = np.arange(h, dtype=np.float32)
    band = np.exp(-(((ys - band_y) / (0.05 * h)) ** 2)) * 28.0
    noise = grain_field(h, w, rng) * np.float32(16.0) + band[:, None].astype(np.float32)
    noisy = add_signed(picture, noise)
    return vignette(_multiply(noisy, _scanline_mask(h, w, 0.35)), 0.8)


_VHS_GAIN = np.array([0.85, 0.9, 0.92], dtype=np.float32)
_VHS_LIFT = np.array([0.07, 0.05, 0.06], dtype=np.float32) * 255.0
_VHS_SAT = saturation_matrix(0.8)
_VHS_GRADE = matrix_4x5(_VHS_SAT * _VHS_GAIN[None, :], tuple(_VHS_SAT @ _VHS_LIFT))
"""Lifted, slightly compressed channels then 80% saturation, folded into one matrix."""


def shift_columns(channel: Pixels, offset: int) -> Pixels:
    """Move an image `offset` whole pixels to the right, repeating the left edge."""
    if offset <= 0:
        return channel
    out = np.empty_like(channel)
    out[:, offset:] = channel[:, :-offset]
    out[:, :offset] = channel[:, :1]
    return out


def _vhs_chroma(pixels: Pixels) -> Pixels:
    """Tape chroma: colour smeared horizontally and shifted right of the luma."""
    k = scale_of(pixels)
    ycc = cv2.cvtColor(cv2.cvtColor(pixels, cv2.COLOR_BGRA2BGR), cv2.COLOR_BGR2YCrCb)
    y, cr, cb = cv2.split(ycc)
    width, offset = max(3, round(14 * k) | 1), round(4 * k)
    cr = shift_columns(u8(cv2.blur(cr, (width, 1))), offset)
    cb = shift_columns(u8(cv2.blur(cb, (width, 1))), offset)
    y = cv2.blur(y, (max(1, round(2 * k)) | 1, 1))
    bgr = cv2.cvtColor(cv2.merge([y, cr, cb]), cv2.COLOR_YCrCb2BGR)
    out: Pixels = u8(cv2.merge([*cv2.split(bgr), pixels[..., 3].copy()]))
    return out


def _tracking_offsets(height: int, width: int, time: float, rng: np.random.Generator) -> Floats:
    """Per-row horizontal offsets: fine line jitter plus a rolling tracking band."""
    jitter = rng.normal(0.0, 0.6 * scale_for(height, width), size=height)
    ys = np.arange(height, dtype=np.float32)
    band_y = (0.78 + 0.12 * math.sin(time * 0.7)) * height
    band = np.exp(-(((ys - band_y) / (0.025 * height)) ** 2))
    tear = band * rng.uniform(0.004, 0.015) * width * np.sin(ys * 0.35 + time * 30.0)
    out: Floats = (jitter + tear).astype(np.float32)
    return out


def _tear(image: Pixels, offsets: Floats) -> Pixels:
    """Shift each row by its whole-pixel offset (edge repeated); rows at 0 are untouched."""
    out = image.copy()
    width = image.shape[1]
    for row, offset in enumerate(np.rint(offsets).astype(int).tolist()):
        if offset == 0 or abs(offset) >= width:
            continue
        if offset > 0:
            out[row, offset:] = image[row, :-offset]
            out[row, :offset] = image[row, 0]
        else:
            out[row, :offset] = image[row, -offset:]
            out[row, offset:] = image[row, -1]
    return out


def _vhs(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    rng = rng_for("vhs", args.time)
    graded = transform(_vhs_chroma(pixels), _VHS_GRADE)
    torn = _tear(graded, _tracking_offsets(h, w, args.time, rng))
    noise = grain_field(h, w, rng) * np.float32(7.0)
    return add_signed(torn, noise)


def _shadowed_text(
    out: Pixels, text: str, origin: tuple[int, int], size: float, thick: int
) -> None:
    font = cv2.FONT_HERSHEY_SIMPLEX
    x, y = origin
    off = max(1, thick // 2 + 1)
    cv2.putText(out, text, (x + off, y + off), font, size, (0, 0, 0, 255), thick, cv2.LINE_AA)
    cv2.putText(out, text, (x - off, y), font, size, (255, 80, 80, 255), thick, cv2.LINE_AA)
    cv2.putText(out, text, (x, y), font, size, (245, 245, 245, 255), thick, cv2.LINE_AA)


def _vhs_clock(time: float) -> str:
    total = int(time)
    return f"AM 12:{total // 60 % 60:02d}:{total % 60:02d}"


def _vhs_overlay(pixels: Pixels, args: EffectInput) -> Pixels:
    h, w = pixels.shape[:2]
    k = scale_of(pixels)
    out = pixels.copy()
    size, thick = 1.6 * k, max(1, round(3 * k))
    margin = round(0.07 * min(h, w))
    _shadowed_text(out, "PLAY", (margin, margin + round(30 * k)), size, thick)
    tx = margin + round(135 * k)
    tri = np.array(
        [[tx, margin], [tx, margin + round(34 * k)], [tx + round(30 * k), margin + round(17 * k)]],
        dtype=np.int32,
    )
    cv2.fillPoly(out, [tri], (245, 245, 245, 255), cv2.LINE_AA)
    _shadowed_text(out, "SP", (w - margin - round(70 * k), margin + round(30 * k)), size, thick)
    _shadowed_text(out, _vhs_clock(args.time), (margin, h - margin - round(50 * k)), size, thick)
    _shadowed_text(out, "JAN. 01 1999", (margin, h - margin), size, thick)
    rng = rng_for("vhs_overlay", args.time)
    band_top = int((0.9 + 0.05 * rng.random()) * h)
    band = out[band_top : band_top + max(2, round(8 * k))]
    band[...] = cv2.addWeighted(
        band, 0.4, rng.integers(0, 256, band.shape, dtype=np.uint8), 0.6, 0.0
    )
    out[..., 3] = pixels[..., 3]
    return out


SCANLINES = PixelEffect(
    "scanlines", "Dark horizontal scanlines every 3 lines (at 1080p).", _scanlines
)
CRT = PixelEffect(
    "crt",
    "CRT monitor: curved glass with black corners, RGB aperture grille, scanlines, phosphor glow.",
    _crt,
)
TELEVISION = PixelEffect(
    "television",
    "Old television: washed-out colour, static, rolling "
    "interference band, horizontal jitter, scanlines.",
    _television,
    animated=True,
)
VHS = PixelEffect(
    "vhs",
    "VHS tape: smeared offset chroma, soft luma, tracking tear, line jitter, tape noise.",
    _vhs,
    animated=True,
)
VHS_OVERLAY = PixelEffect(
    "vhs_overlay",
    "VHS on-screen display: PLAY ▶, SP, running clock and date, tracking noise line.",
    _vhs_overlay,
    animated=True,
)
