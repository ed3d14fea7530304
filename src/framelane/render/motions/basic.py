"""Basic presets: `rotate_cw|ccw`, `bounce`, `wipe_left|right|up|down`, `evaporate`."""

from __future__ import annotations

from collections.abc import Callable

from framelane.render.motions.base import MotionContext, MotionState
from framelane.render.motions.preset import Preset, bounce_out

ROTATE_DEGREES = 90.0
"""How far `rotate_*` turns into place."""
BOUNCE_HEIGHT = 0.25
"""`bounce` drop height, as a fraction of the canvas height."""


def _rotate(sign: float) -> Preset:
    def shape(a: float, ctx: MotionContext) -> MotionState:
        return MotionState(
            rotation=-sign * ROTATE_DEGREES * (1.0 - a), scale=0.6 + 0.4 * a, opacity=a
        )

    way = "clockwise" if sign > 0 else "counter-clockwise"
    return Preset(
        f"rotate_{'cw' if sign > 0 else 'ccw'}",
        f"Turn {way} through {ROTATE_DEGREES:g}° into place while growing and fading in.",
        shape,
    )


ROTATE_CW = _rotate(1.0)
ROTATE_CCW = _rotate(-1.0)


def _bounce(a: float, ctx: MotionContext) -> MotionState:
    return MotionState(
        dy=-(1.0 - bounce_out(a)) * BOUNCE_HEIGHT * ctx.canvas_height, opacity=min(1.0, 4.0 * a)
    )


BOUNCE = Preset("bounce", "Drop in from above and bounce three times before settling.", _bounce)

Reveal = tuple[float, float, float, float]
_REVEALS: dict[str, Callable[[float], Reveal]] = {
    "left": lambda a: (1.0 - a, 0.0, 1.0, 1.0),
    "right": lambda a: (0.0, 0.0, a, 1.0),
    "up": lambda a: (0.0, 1.0 - a, 1.0, 1.0),
    "down": lambda a: (0.0, 0.0, 1.0, a),
}


def _wipe(towards: str) -> Preset:
    reveal = _REVEALS[towards]

    def shape(a: float, ctx: MotionContext) -> MotionState:
        return MotionState(reveal=reveal(a))

    return Preset(f"wipe_{towards}", f"Reveal the element with an edge moving {towards}.", shape)


WIPE_LEFT = _wipe("left")
WIPE_RIGHT = _wipe("right")
WIPE_UP = _wipe("up")
WIPE_DOWN = _wipe("down")


def _evaporate(a: float, ctx: MotionContext) -> MotionState:
    gone = 1.0 - a
    return MotionState(dy=-0.08 * ctx.canvas_height * gone, scale=1.0 + 0.2 * gone, opacity=a * a)


EVAPORATE = Preset(
    "evaporate", "Exit: rise, swell by 20% and fade away.", _evaporate, direction="exit"
)
