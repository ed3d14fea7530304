"""`zoom_in` (grow from nothing into place) and `zoom_out` (grow past full size and fade out)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from framelane.render.motions.base import Direction, MotionContext, MotionState
from framelane.render.registry import ParamRange

ZOOM_OUT_GROWTH = 0.5
"""How much larger than rest size `zoom_out` ends, as a fraction."""


@dataclass(frozen=True, slots=True)
class ZoomIn:
    name: str = "zoom_in"
    description: str = "Scale up from 0 to full size."
    supported: bool = True
    direction: Direction = "entrance"
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    def state(self, amount: float, ctx: MotionContext) -> MotionState:
        return MotionState(scale=amount)


@dataclass(frozen=True, slots=True)
class ZoomOut:
    name: str = "zoom_out"
    description: str = "Exit: grow to 150% while fading out."
    supported: bool = True
    direction: Direction = "exit"
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    def state(self, amount: float, ctx: MotionContext) -> MotionState:
        return MotionState(scale=1.0 + ZOOM_OUT_GROWTH * (1.0 - amount), opacity=amount)
