"""Trail effects: `echo` and `ghosting`.

The Effect protocol hands an effect one frame and its time, not the neighbouring frames, so the
trails are synthesised from the current frame: copies displaced along a path that is a pure
function of the element time, with decaying weights. The result is deterministic (the same time
always renders the same pixels) and animates smoothly.
"""

from __future__ import annotations

import math

import cv2

from framelane.render.effects.base import EffectInput, Pixels
from framelane.render.effects.toolkit import PixelEffect, scale_about_centre, shift, u8

_ECHOES = 3


def _echo(pixels: Pixels, args: EffectInput) -> Pixels:
    """Zoom echo: earlier 'frames' are larger copies about a drifting centre, averaged with
    halving weights, like a time echo of a dolly move."""
    h, w = pixels.shape[:2]
    cx = w * (0.5 + 0.08 * math.sin(0.9 * args.time))
    cy = h * (0.5 + 0.06 * math.cos(0.7 * args.time))
    weights = [0.55**k for k in range(_ECHOES + 1)]
    out = scale_about_centre(pixels, 1.0 + 0.035 * _ECHOES, cx, cy)
    remaining = weights[-1]
    for k in range(_ECHOES - 1, -1, -1):
        copy = pixels if k == 0 else scale_about_centre(pixels, 1.0 + 0.035 * k, cx, cy)
        remaining += weights[k]
        share = weights[k] / remaining
        out = u8(cv2.addWeighted(copy, share, out, 1.0 - share, 0.0))
    return out


def _ghosting(pixels: Pixels, args: EffectInput) -> Pixels:
    """Lateral ghosts: fading semi-transparent copies trailing along a slowly turning
    direction, like a tape or broadcast ghost."""
    angle = math.radians(160.0 + 25.0 * math.sin(0.6 * args.time))
    step = 0.02 * pixels.shape[1]
    out = pixels
    for k in range(_ECHOES - 1, 0, -1):
        ghost = shift(pixels, k * step * math.cos(angle), k * step * math.sin(angle))
        share = 0.32 * 0.7 ** (k - 1)
        out = u8(cv2.addWeighted(out, 1.0 - share, ghost, share, 0.0))
    return out


ECHO = PixelEffect(
    "echo",
    "Zoom echo: a decaying trail of enlarged copies (synthesised from the "
    "current frame, deterministic in time).",
    _echo,
    animated=True,
)
GHOSTING = PixelEffect(
    "ghosting",
    "Ghost images trailing sideways and fading (synthesised from "
    "the current frame, deterministic in time).",
    _ghosting,
    animated=True,
)
