"""`Preset`: a motion defined by one function `amount, ctx → MotionState`, plus the shaping
curves the presets share (bounce, back, elastic, damped spring).

`amount` is already eased by the motion's `easing` (1 = at rest). Entrance presets must return
the rest state at amount 1; exit presets at amount 0 are "gone" and at 1 at rest; looping presets
read the linear `ctx.progress` and return to rest at progress 0 and 1, so loops are seamless.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from framelane.render.motions.base import Direction, MotionContext, MotionState
from framelane.render.registry import ParamRange

StateFn = Callable[[float, MotionContext], MotionState]


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    description: str
    shape: StateFn
    direction: Direction = "entrance"
    looping: bool = False
    """True for presets at rest at both ends (loops, and there-and-back moves)."""
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)
    supported: bool = True

    def state(self, amount: float, ctx: MotionContext) -> MotionState:
        return self.shape(min(max(amount, 0.0), 1.0), ctx)


def bounce_out(t: float) -> float:
    """Penner's bounce-out: lands at 1 after three shrinking bounces."""
    n, d = 7.5625, 2.75
    if t < 1 / d:
        return n * t * t
    if t < 2 / d:
        t -= 1.5 / d
        return n * t * t + 0.75
    if t < 2.5 / d:
        t -= 2.25 / d
        return n * t * t + 0.9375
    t -= 2.625 / d
    return n * t * t + 0.984375


def back_out(t: float, overshoot: float = 1.70158) -> float:
    """Overshoots 1 by ~10% then settles."""
    u = t - 1.0
    return 1.0 + (overshoot + 1.0) * u * u * u + overshoot * u * u


def back_in(t: float, overshoot: float = 1.70158) -> float:
    """Pulls back below 0 (anticipation) before accelerating to 1."""
    return (overshoot + 1.0) * t * t * t - overshoot * t * t


def elastic_out(t: float) -> float:
    """Springs past 1 and rings down to it."""
    if t <= 0.0 or t >= 1.0:
        return min(max(t, 0.0), 1.0)
    return float(2.0 ** (-10.0 * t) * math.sin((t * 10.0 - 0.75) * (2.0 * math.pi / 3.0)) + 1.0)


def elastic_in(t: float) -> float:
    return 1.0 - elastic_out(1.0 - t)


def damped(t: float, cycles: float, decay: float) -> float:
    """1 at t = 0, oscillating `cycles` times with exponential `decay`, 0 at t = 1."""
    return math.cos(t * cycles * 2.0 * math.pi) * math.exp(-decay * t) * (1.0 - t)
