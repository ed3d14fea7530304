"""`fade`: opacity follows the motion amount."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from framelane.render.motions.base import Direction, MotionContext, MotionState
from framelane.render.registry import ParamRange


@dataclass(frozen=True, slots=True)
class Fade:
    name: str = "fade"
    description: str = "Fade in (or out when reversed)."
    supported: bool = True
    direction: Direction = "entrance"
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    def state(self, amount: float, ctx: MotionContext) -> MotionState:
        return MotionState(opacity=amount)
