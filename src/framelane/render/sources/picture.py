"""Crop → colour adjustments → LUT → effects on a layer's premultiplied BGRA pixels."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from framelane.render.adjust import apply_adjustments
from framelane.render.effects import EFFECTS
from framelane.render.lut import apply_lut
from framelane.render.pixels import Pixels, is_opaque, premultiply, unpremultiply
from framelane.render.timeline import Picture

NO_CROP = (0.0, 0.0, 0.0, 0.0)


def crop_view(pixels: Pixels, crop: tuple[float, float, float, float]) -> Pixels:
    """A view (no copy) without the cropped fractions (left, top, right, bottom)."""
    if crop == NO_CROP:
        return pixels
    height, width = pixels.shape[:2]
    left, top = round(crop[0] * width), round(crop[1] * height)
    right = max(left + 1, width - round(crop[2] * width))
    bottom = max(top + 1, height - round(crop[3] * height))
    return pixels[top:bottom, left:right]


def needs_processing(picture: Picture) -> bool:
    return not picture.adjust.is_identity or picture.lut is not None or bool(picture.effects)


def is_animated(picture: Picture) -> bool:
    return picture.adjust.animated or any(EFFECTS.get(s.name).animated for s in picture.effects)


def still_opaque(processed: Pixels, picture: Picture, *, was_opaque: bool) -> bool:
    """Effects may cut alpha (e.g. `chroma_key`): an opaque source stays opaque only if the
    processed pixels still are (checked only when effects ran)."""
    if not was_opaque:
        return False
    return not picture.effects or is_opaque(processed)


def process(pixels: Pixels, picture: Picture, *, opaque: bool, time: float, seed: int) -> Pixels:
    """Apply the colour group, the LUT and the effects; returns premultiplied pixels."""
    if not needs_processing(picture):
        return pixels
    straight = pixels if opaque else unpremultiply(pixels)
    if not picture.adjust.is_identity:
        straight = apply_adjustments(straight, picture.adjust, seed)
    if picture.lut is not None and picture.lut_intensity > 0:
        straight = apply_lut(straight, picture.lut, picture.lut_intensity)
    result = straight if opaque else premultiply(straight)
    for step in picture.effects:
        effect = EFFECTS.get(step.name)
        args = replace(step.args, time=time)
        result = effect.apply(np.ascontiguousarray(result), args)
    return np.ascontiguousarray(result)
