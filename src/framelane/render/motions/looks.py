"""Presets that change how the element's pixels look rather than where they are: `blur`
(into focus), `explode` (pieces flying together), `overlay` and `difference` (blend-mode
entrances).

The blend entrances draw the element with the blend mode at full strength and crossfade to its
own blend mode as the motion ends; the element also fades in over the first half, so it appears
even over a black backdrop (where `difference` alone would look like a plain draw).
"""

from __future__ import annotations

from framelane.render.motions.base import MotionContext, MotionState
from framelane.render.motions.preset import Preset

BLUR_AMOUNT = 0.03
"""`blur` starts at a Gaussian blur of 3% of the canvas's shorter side (32 px at 1080p)."""


def _blur(a: float, ctx: MotionContext) -> MotionState:
    gone = 1.0 - a
    return MotionState(
        blur=BLUR_AMOUNT * min(ctx.canvas_width, ctx.canvas_height) * gone,
        opacity=min(1.0, 2.0 * a),
    )


def _blend_in(mode: str) -> Preset:
    def shape(a: float, ctx: MotionContext) -> MotionState:
        return MotionState(blend=mode, blend_mix=1.0 - a, opacity=min(1.0, 2.0 * a))

    return Preset(
        mode,
        f"Appear in `{mode}` blend with what is below (fading in over the first "
        "half), then crossfade to the element's own blend mode.",
        shape,
    )


def _explode(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(scatter=1.0 - a, opacity=min(1.0, 2.0 * a))


EXPLODE = Preset(
    "explode",
    "Explode into place: the element starts broken into a 6×6 grid of "
    "pieces flung outward (up to half its larger side) and spinning; they fly "
    "back together, fading in over the first half.",
    _explode,
)
BLUR = Preset(
    "blur",
    f"Blur into focus: from a {BLUR_AMOUNT:.0%}-of-the-canvas Gaussian blur to "
    "sharp, fading in over the first half.",
    _blur,
)
OVERLAY = _blend_in("overlay")
DIFFERENCE = _blend_in("difference")
