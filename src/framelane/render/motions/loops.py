"""Looping presets driven by the linear progress: at rest at progress 0 and 1, so `loop: true`
repeats them seamlessly."""

from __future__ import annotations

import math

from framelane.render.motions.base import MotionContext, MotionState
from framelane.render.motions.preset import Preset

TAU = 2.0 * math.pi
SWAY_DEGREES = 25.0
"""`loop_3d_sway`: how far the element turns about its vertical axis each way."""
SWAY_NOD_DEGREES = 8.0
"""`loop_3d_sway`: the small nod about the horizontal axis, twice per sway."""


def _wiggle(a: float, ctx: MotionContext) -> MotionState:
    p = ctx.progress
    return MotionState(
        rotation=6.0 * math.sin(TAU * 3.0 * p), dx=0.01 * ctx.box_width * math.sin(TAU * 2.0 * p)
    )


def _rotate(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(rotation=360.0 * ctx.progress)


def _rotate_smooth(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(rotation=360.0 * a)


def _breathe(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(scale=1.0 + 0.06 * math.sin(math.pi * ctx.progress) ** 2)


def _shimmer(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(opacity=1.0 - 0.4 * math.sin(TAU * ctx.progress) ** 2)


def _orbit(a: float, ctx: MotionContext) -> MotionState:
    r = 0.03 * min(ctx.canvas_width, ctx.canvas_height)
    angle = TAU * ctx.progress
    return MotionState(dx=r * math.sin(angle), dy=r * (math.cos(angle) - 1.0))


def _spin_3d(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(rotation_y=(360.0 * a) % 360.0)


def _sway_3d(a: float, ctx: MotionContext) -> MotionState:
    turn = TAU * (a % 1.0)  # exactly at rest (0°, not 1e-14°) at both ends
    return MotionState(
        rotation_y=SWAY_DEGREES * math.sin(turn), rotation_x=SWAY_NOD_DEGREES * math.sin(2.0 * turn)
    )


def _bounce_motion(a: float, ctx: MotionContext) -> MotionState:
    hop = abs(math.sin(TAU * ctx.progress))
    return MotionState(dy=-0.06 * ctx.canvas_height * hop, scale=1.0 + 0.03 * hop)


LOOP_WIGGLE = Preset(
    "loop_wiggle", "Wiggle: ±6° rocking with a small sideways shake.", _wiggle, looping=True
)
LOOP_ROTATE = Preset(
    "loop_rotate", "One full turn per duration at constant speed.", _rotate, looping=True
)
LOOP_ROTATE_SMOOTH = Preset(
    "loop_rotate_smooth",
    "One full turn per duration, following the easing (starts and stops softly).",
    _rotate_smooth,
    looping=True,
)
LOOP_BREATHE = Preset("loop_breathe", "Breathe: swell to 106% and back.", _breathe, looping=True)
LOOP_SHIMMER = Preset(
    "loop_shimmer", "Shimmer: opacity dips to 60% twice per duration.", _shimmer, looping=True
)
LOOP_ORBIT = Preset(
    "loop_orbit",
    "Orbit: travel a small circle (3% of the canvas) and return.",
    _orbit,
    looping=True,
)
BOUNCE_MOTION = Preset(
    "bounce_motion",
    "Hop twice per duration (6% of the canvas height).",
    _bounce_motion,
    looping=True,
)
LOOP_3D_SPIN = Preset(
    "loop_3d_spin",
    "3D spin: one full turn about the vertical axis per "
    "duration, in perspective, following the easing.",
    _spin_3d,
    looping=True,
)
LOOP_3D_SWAY = Preset(
    "loop_3d_sway",
    f"3D sway: turn ±{SWAY_DEGREES:g}° about the vertical axis "
    f"with a ±{SWAY_NOD_DEGREES:g}° nod, in perspective, and back.",
    _sway_3d,
    looping=True,
)
