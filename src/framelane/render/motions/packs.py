"""The text ("F1") and element ("F2/F9") preset packs, at element scope."""

from __future__ import annotations

import math

from framelane.render.motions.base import MotionContext, MotionState
from framelane.render.motions.preset import (
    Preset,
    StateFn,
    back_in,
    back_out,
    damped,
    elastic_in,
    elastic_out,
)


def _rubber_in(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(scale=1.0 - 0.7 * damped(a, 2.5, 3.0), opacity=min(1.0, 3.0 * a))


def _whip_up(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(dy=(1.0 - back_out(a)) * 0.5 * ctx.canvas_height, opacity=min(1.0, 3.0 * a))


def _whip_down(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(dy=back_in(1.0 - a) * 0.6 * ctx.canvas_height, opacity=min(1.0, 3.0 * a))


def _glitch_pop(a: float, ctx: MotionContext) -> MotionState:
    settling = 1.0 - a
    jitter = math.sin(a * 53.0) * 0.03 * ctx.canvas_width * settling
    flicker = 1.0 if a >= 0.7 or (a * 7.0) % 1.0 > 0.3 else 0.35
    return MotionState(dx=jitter, scale=0.85 + 0.15 * a, opacity=flicker * min(1.0, 2.0 * a))


def _drift(sign: float) -> StateFn:
    def shape(a: float, ctx: MotionContext) -> MotionState:
        return MotionState(dx=sign * 0.06 * ctx.canvas_width * (1.0 - a), opacity=a)

    return shape


def _swing_in(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(rotation=35.0 * damped(a, 1.5, 3.0), opacity=min(1.0, 2.0 * a))


def _swing_out(a: float, ctx: MotionContext) -> MotionState:
    gone = (1.0 - a) ** 2
    return MotionState(rotation=50.0 * gone, dy=0.2 * ctx.canvas_height * gone, opacity=a)


def _elastic_rise(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(
        dy=(1.0 - elastic_out(a)) * 0.3 * ctx.canvas_height, opacity=min(1.0, 3.0 * a)
    )


def _elastic_drop(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(dy=elastic_in(1.0 - a) * 0.6 * ctx.canvas_height, opacity=min(1.0, 3.0 * a))


def _tilt_zoom(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(rotation=-12.0 * (1.0 - a), scale=0.7 + 0.3 * a, opacity=a)


def _smooth_pop(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(scale=0.5 + 0.5 * back_out(a, 1.2), opacity=min(1.0, 2.0 * a))


RUBBER_IN = Preset(
    "rubber_in", "Rubber band: snap in from 30% and wobble around full size.", _rubber_in
)
WHIP_UP = Preset("whip_up", "Whip up from below half the canvas, overshoot and settle.", _whip_up)
WHIP_DOWN = Preset(
    "whip_down", "Exit: a short lift, then whip down and out.", _whip_down, direction="exit"
)
GLITCH_POP = Preset("glitch_pop", "Pop in with jittering position and flicker.", _glitch_pop)
DRIFT_IN = Preset(
    "drift_in", "Drift in from the left (6% of the width) while fading in.", _drift(-1.0)
)
DRIFT_OUT = Preset(
    "drift_out",
    "Exit: drift right (6% of the width) while fading out.",
    _drift(1.0),
    direction="exit",
)
SWING_IN = Preset(
    "swing_in",
    "Swing into place like a sign on a hinge (swings about the "
    "anchor; set y_anchor 0% to hang from the top).",
    _swing_in,
)
SWING_OUT = Preset(
    "swing_out", "Exit: swing down and away while fading.", _swing_out, direction="exit"
)
ELASTIC_RISE = Preset("elastic_rise", "Spring up from below and ring into place.", _elastic_rise)
ELASTIC_DROP = Preset(
    "elastic_drop",
    "Exit: wind up elastically and drop out of frame.",
    _elastic_drop,
    direction="exit",
)
TILT_ZOOM = Preset(
    "tilt_zoom", "Tilt 12° and zoom from 70% into place while fading in.", _tilt_zoom
)
SMOOTH_POP = Preset("smooth_pop", "Pop from 50% with a soft overshoot.", _smooth_pop)
