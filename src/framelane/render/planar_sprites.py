"""Sprites made straight in Y'CbCr, without playing the layer back through skia and BGRA.

The planar compositor (planar.py) turns each upper layer into a premultiplied 4:2:0 sprite. In
general that means recording the layer with skia, playing it back onto transparency and
converting the result. Two common kinds of layer are cheaper to make directly:

- **Transformed pictures** (images, text, logos: moved, scaled, turned, faded, and nothing else
  drawn with them). Their picture is converted to premultiplied Y'CbCrA once, and every frame
  that 4:4:4:4 picture is warped by OpenCV into the canvas pixels it covers. Bilinear
  resampling is linear, and so is the conversion, so this is the picture warped in BGRA (as
  the compositor draws it), then converted; up to rounding.
- **Video insets** (a video drawn 1:1 at its box, moved, faded, with round corners and a
  soft shadow). The decode thread scales the frame in its own 4:2:0 planes to the box; here
  each plane is shifted by the sub-pixel position and multiplied by the corner mask, and the
  shadow is the compositor's cached shadow picture (snapped to a quarter pixel, as the
  compositor draws it), as alpha times the shadow's colour.

Everything else falls back to the general path.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import av
import cv2
import numpy as np
import skia
from av.video.reformatter import VideoReformatter

from framelane.render.compositor import (
    layer_matrix,
    opencv_affine,
    picture_to_canvas,
    rounded,
    snapped_shadow,
)
from framelane.render.evaluate import LayerState
from framelane.render.fast_paths import DIRECT_SPRITE, inset_ready
from framelane.render.pixels import Pixels
from framelane.render.planar import (
    ROW_ALIGN,
    Box,
    Plane,
    Sprite,
    as_u8,
    even_up,
    planes,
    premultiplied_444,
    subsampled,
)
from framelane.render.sources.layers import LayerImage
from framelane.render.spec.units import Rgba
from framelane.render.timeline import Layer

CONVERTED_PICTURES = 8
"""Pictures kept converted to Y'CbCrA (a text that changes every frame needs only the last)."""


@dataclass(frozen=True, slots=True)
class Planned:
    """Sprites to be made when the frame is composited in planes."""

    box: Box | None
    """Where they go (None: nowhere, the layer draws nothing)."""
    make: Callable[[], list[Sprite]]


@dataclass(frozen=True, slots=True)
class Yuva:
    pixels: Pixels
    """The BGRA picture it was made from, kept so its identity cannot be reused."""
    planes: Pixels
    """Premultiplied Y', Cb, Cr, alpha interleaved (height × width × 4)."""


class DirectSprites:
    """Makes sprites without skia playback, for the layers that allow it (None otherwise)."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self._reformatter = VideoReformatter()
        self._converted: dict[int, Yuva] = {}

    def transformed(self, state: LayerState, picture: LayerImage) -> Planned | None:
        """The picture, warped and faded, as a sprite, when it is all the layer draws, over
        what is under it, and the transform is affine (`fast_paths.DIRECT_SPRITE`)."""
        if not (
            DIRECT_SPRITE.accepts(state)
            and picture.pixels.ndim == 3
            and picture.pixels.shape[2] == 4
        ):
            return None
        matrix = layer_matrix(state, self.size)
        if matrix.hasPerspective():
            return None
        opacity = _opacity(state)
        to_canvas = picture_to_canvas(matrix, picture)
        covered = to_canvas.mapRect(skia.Rect.MakeWH(*picture.pixels.shape[1::-1])).roundOut()
        box = self._even_box(covered.left(), covered.top(), covered.right(), covered.bottom())
        if box is None or opacity <= 0:
            return Planned(None, list)
        return Planned(box, partial(self._warped, picture.pixels, to_canvas, box, opacity))

    def _warped(
        self, pixels: Pixels, to_canvas: skia.Matrix, box: Box, opacity: float
    ) -> list[Sprite]:
        left, top, right, bottom = box
        size = (right - left, bottom - top)
        affine = opencv_affine(to_canvas, left, top)
        if to_canvas.isScaleTranslate():
            # As skia draws an axis-aligned picture (drawImageRect): clamped at its edge
            # texels, its edge pixels covered by how much of them the picture's rectangle
            # covers (OpenCV would mix in transparency over half a texel instead).
            patch = cv2.warpAffine(
                self._yuva(pixels),
                affine,
                size,
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_REPLICATE,
            )
            coverage = _coverage(pixels.shape[1], pixels.shape[0], to_canvas, box)
            patch = cv2.multiply(patch, cv2.merge([coverage] * 4), scale=opacity / 255)
        else:
            # A turned picture, as the compositor draws it (`compositor._warped`).
            patch = cv2.warpAffine(
                self._yuva(pixels),
                affine,
                size,
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=(0, 0, 0, 0),
            )
            if opacity < 1:
                patch = cv2.convertScaleAbs(patch, alpha=opacity)
        luma, cb, cr, alpha = (as_u8(plane) for plane in cv2.split(patch))
        return [subsampled(box, luma, cb, cr, alpha)]

    def inset(self, state: LayerState, frame: av.VideoFrame) -> list[Sprite] | None:
        """A video frame already scaled to the layer's box in its own planes (`inset_ready`),
        drawn at the layer's position: its shadow, then the picture with round corners."""
        if not inset_ready(state):
            return None
        layer, opacity = state.layer, _opacity(state)
        if opacity <= 0:
            return []
        width, height = frame.width, frame.height
        matrix = layer_matrix(state, self.size)
        content = skia.Rect.MakeWH(width, height)
        sprites = []
        if layer.style.shadow_color is not None:
            shadow = self._shadow(state, matrix, content, opacity)
            if shadow is not None:
                sprites.append(shadow)
        x, y = matrix.getTranslateX(), matrix.getTranslateY()
        left, top = math.floor(x) & ~1, math.floor(y) & ~1
        right, bottom = even_up(math.ceil(x + width)), even_up(math.ceil(y + height))
        box = self._even_box(left, top, right, bottom)
        if box is None:
            return sprites
        radius = rounded(state, content).getSimpleRadii().x()
        mask, mask_half = _corner_mask(
            width, height, radius, x - left, y - top, right - left, bottom - top
        )
        if opacity < 1:
            mask, mask_half = (_scaled(m, opacity) for m in (mask, mask_half))
        shifted = [
            _shifted(
                plane,
                (x - left) / scale,
                (y - top) / scale,
                ((right - left) // scale, (bottom - top) // scale),
            )
            for plane, scale in zip(planes(frame), (1, 2, 2), strict=True)
        ]
        luma, cb, cr = (
            as_u8(cv2.multiply(plane, m, scale=1 / 255))
            for plane, m in zip(shifted, (mask, mask_half, mask_half), strict=True)
        )
        keep = (as_u8(cv2.bitwise_not(mask)), as_u8(cv2.bitwise_not(mask_half)))
        sprite = Sprite((left, top, right, bottom), luma, (cb, cr), keep)
        sprites.append(_clipped(sprite, box))
        return sprites

    def _shadow(
        self, state: LayerState, matrix: skia.Matrix, content: skia.Rect, opacity: float
    ) -> Sprite | None:
        style = state.layer.style
        assert style.shadow_color is not None
        shadow = rounded(state, content).makeOffset(style.shadow_x, style.shadow_y)
        image, left, top = snapped_shadow(matrix, shadow, style.shadow_blur / 2, style.shadow_color)
        key = round(opacity * 255)
        planes_ = _shadow_planes(image, left & 1, top & 1, key, style.shadow_color)
        left, top = left & ~1, top & ~1
        height, width = planes_.luma.shape
        box = self._even_box(left, top, left + width, top + height)
        if box is None:
            return None
        sprite = Sprite(
            (left, top, left + width, top + height), planes_.luma, planes_.chroma, planes_.keep
        )
        return _clipped(sprite, box)

    def _even_box(self, left: int, top: int, right: int, bottom: int) -> Box | None:
        """The box grown to even edges and cut to the canvas; None when nothing is left."""
        box = (
            max(0, left & ~1),
            max(0, top & ~1),
            min(self.size[0], even_up(right)),
            min(self.size[1], even_up(bottom)),
        )
        return box if box[0] < box[2] and box[1] < box[3] else None

    def _yuva(self, pixels: Pixels) -> Pixels:
        """The picture as premultiplied Y'CbCrA, converted once while it is in use (the
        least recently used of more than CONVERTED_PICTURES is let go)."""
        key = id(pixels)  # never reused while cached: the entry holds the picture
        converted = self._converted.pop(key, None)
        if converted is None:
            height, width = pixels.shape[:2]
            padded = -(-width // ROW_ALIGN) * ROW_ALIGN  # swscale wants whole rows
            source = np.zeros((height, padded, 4), np.uint8)
            source[:, :width] = pixels
            planes_ = premultiplied_444(self._reformatter, source)
            converted = Yuva(pixels, as_u8(cv2.merge([plane[:, :width] for plane in planes_])))
            if len(self._converted) >= CONVERTED_PICTURES:
                self._converted.pop(next(iter(self._converted)))
        self._converted[key] = converted
        return converted.planes


def inset_size(layer: Layer) -> tuple[int, int]:
    return int(layer.placement.width), int(layer.placement.height)


def _opacity(state: LayerState) -> float:
    return state.layer.placement.opacity * state.motion.opacity * state.modifier.opacity


def _scaled(plane: Plane, factor: float) -> Plane:
    return as_u8(cv2.convertScaleAbs(plane, alpha=factor))


def _clipped(sprite: Sprite, box: Box) -> Sprite:
    """The part of a sprite inside `box` (even edges)."""
    if sprite.box == box:
        return sprite
    left, top = box[0] - sprite.box[0], box[1] - sprite.box[1]
    right, bottom = left + box[2] - box[0], top + box[3] - box[1]

    def cut(plane: Plane, shift: int) -> Plane:
        return plane[top >> shift : bottom >> shift, left >> shift : right >> shift]

    return Sprite(
        box,
        cut(sprite.luma, 0),
        (cut(sprite.chroma[0], 1), cut(sprite.chroma[1], 1)),
        (cut(sprite.keep[0], 0), cut(sprite.keep[1], 1)),
    )


@functools.lru_cache(maxsize=8)
def _corner_mask(
    width: int, height: int, radius: float, x: float, y: float, box_w: int, box_h: int
) -> tuple[Plane, Plane]:
    """Coverage of a `width` × `height` round rectangle at (`x`, `y`) in a `box_w` × `box_h`
    patch, anti-aliased as skia clips it, at luma and at chroma resolution (~0.1 ms for a
    640×360 inset; cached for an inset that stays still)."""
    rect = skia.Rect.MakeXYWH(x, y, width, height)
    corners = _covered(box_w, box_h, skia.RRect.MakeRectXY(rect, radius, radius))
    # skia covers the edge pixels twice, once clipping to the corners and once drawing the
    # picture, and multiplies the two: the same here, so both paths show the same edges.
    mask = as_u8(
        cv2.multiply(corners, _covered(box_w, box_h, skia.RRect.MakeRect(rect)), scale=1 / 255)
    )
    half = cv2.resize(mask, (box_w // 2, box_h // 2), interpolation=cv2.INTER_AREA)
    return mask, as_u8(half)


def _coverage(width: int, height: int, to_canvas: skia.Matrix, box: Box) -> Plane:
    """How much of each pixel of `box` a `width` × `height` picture covers, through
    `to_canvas` (anti-aliased, as skia draws it)."""
    mask = np.zeros((box[3] - box[1], box[2] - box[0]), np.uint8)
    surface = skia.Surface(mask, skia.kAlpha_8_ColorType, skia.kPremul_AlphaType)
    canvas = surface.getCanvas()
    canvas.translate(-box[0], -box[1])
    canvas.concat(to_canvas)
    canvas.drawRect(skia.Rect.MakeWH(width, height), skia.Paint(AntiAlias=True))
    del canvas, surface
    return mask


def _covered(width: int, height: int, shape: skia.RRect) -> Plane:
    mask = np.zeros((height, width), np.uint8)
    surface = skia.Surface(mask, skia.kAlpha_8_ColorType, skia.kPremul_AlphaType)
    surface.getCanvas().drawRRect(shape, skia.Paint(AntiAlias=True))
    del surface
    return mask


@functools.lru_cache(maxsize=4)
def _shadow_planes(image: skia.Image, pad_x: int, pad_y: int, opacity: int, shade: Rgba) -> Sprite:
    """A cached shadow picture (`compositor.snapped_shadow`) as a sprite at (0, 0), faded to
    `opacity` / 255, starting `pad_x`, `pad_y` pixels in (a picture placed at an odd pixel
    starts a column or row into the whole chroma samples)."""
    alpha = _shadow_alpha(image)
    width, height = alpha.shape[1] + pad_x, alpha.shape[0] + pad_y
    bottom, right = even_up(height) - height, even_up(width) - width
    border = cv2.BORDER_CONSTANT
    alpha = as_u8(cv2.copyMakeBorder(alpha, pad_y, bottom, pad_x, right, border, value=0))
    if opacity < 255:
        alpha = _scaled(alpha, opacity / 255)
    alpha_half = as_u8(
        cv2.resize(alpha, (alpha.shape[1] // 2, alpha.shape[0] // 2), interpolation=cv2.INTER_AREA)
    )
    luma, cb, cr = _limited_ycbcr(shade)
    return Sprite(
        (0, 0, alpha.shape[1], alpha.shape[0]),
        _scaled(alpha, luma / 255),
        (_scaled(alpha_half, cb / 255), _scaled(alpha_half, cr / 255)),
        (as_u8(cv2.bitwise_not(alpha)), as_u8(cv2.bitwise_not(alpha_half))),
    )


@functools.lru_cache(maxsize=64)
def _shadow_alpha(image: skia.Image) -> Plane:
    """The alpha of a cached shadow picture (as many as compositor._shadow_picture keeps)."""
    return np.ascontiguousarray(image.toarray()[..., 3])


def _shifted(plane: Plane, dx: float, dy: float, size: tuple[int, int]) -> Plane:
    """`plane` moved right by `dx` and down by `dy` (0 ≤ both < 2) into a `size` patch,
    bilinear, its edges repeated outward: two 1-D passes, faster than OpenCV's warpAffine
    for a translation."""
    pad = 2
    width, height = size
    rows = cv2.copyMakeBorder(
        plane,
        pad,
        height - plane.shape[0] + pad,
        pad,
        width - plane.shape[1] + pad,
        cv2.BORDER_REPLICATE,
    )
    # out[i] = src[i − d] = (1 − f) × src[i − n] + f × src[i − n − 1], n = ⌊d⌋, f = d − n.
    # The first pass keeps 8 more bits (16-bit), so the result is rounded once.
    n, f = math.floor(dx), dx - math.floor(dx)
    start = pad - n - 1
    across = cv2.addWeighted(
        rows[:, start : start + width],
        f * 256,
        rows[:, start + 1 : start + 1 + width],
        (1 - f) * 256,
        0,
        dtype=cv2.CV_16U,
    )
    n, f = math.floor(dy), dy - math.floor(dy)
    start = pad - n - 1
    return as_u8(
        cv2.addWeighted(
            across[start : start + height],
            f / 256,
            across[start + 1 : start + 1 + height],
            (1 - f) / 256,
            0,
            dtype=cv2.CV_8U,
        )
    )


@functools.lru_cache(maxsize=16)
def _limited_ycbcr(shade: Rgba) -> tuple[float, float, float]:
    """A colour's BT.709 limited-range Y', Cb, Cr (its alpha is in the shadow picture's)."""
    r, g, b = (channel / 255 for channel in shade[:3])
    luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return (16 + 219 * luma, 128 + 224 * (b - luma) / 1.8556, 128 + 224 * (r - luma) / 1.5748)
