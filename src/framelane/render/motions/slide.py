"""`slide_up|down|left|right`: travel a quarter of the canvas into place while fading in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from framelane.render.motions.base import Direction, MotionContext, MotionState
from framelane.render.registry import ParamRange

SLIDE_DISTANCE = 0.25
"""Distance travelled, as a fraction of the canvas size along the direction of travel."""

_VECTORS = {"up": (0.0, -1.0), "down": (0.0, 1.0), "left": (-1.0, 0.0), "right": (1.0, 0.0)}


@dataclass(frozen=True, slots=True)
class Slide:
    towards: str
    """`up`, `down`, `left` or `right`: the direction the element travels."""
    supported: bool = True
    direction: Direction = "entrance"
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"slide_{self.towards}"

    @property
    def description(self) -> str:
        return f"Slide {self.towards} into place with a fade (travels 25% of the canvas)."

    def state(self, amount: float, ctx: MotionContext) -> MotionState:
        vx, vy = _VECTORS[self.towards]
        remaining = 1.0 - amount
        return MotionState(
            dx=-vx * remaining * SLIDE_DISTANCE * ctx.canvas_width,
            dy=-vy * remaining * SLIDE_DISTANCE * ctx.canvas_height,
            opacity=amount,
        )
