"""The Motion protocol: a preset that moves, scales, rotates, fades or reveals an element.

A motion maps `amount` (1 = the element at rest, 0 = fully "off") to a `MotionState`. The
evaluator turns the motion's timing (time, duration, delay, easing, loop, reversed) into that
amount: entrance presets go 0 → 1, exit presets (`direction == "exit"`) go 1 → 0, and
`reversed` swaps the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from framelane.render.registry import ParamRange

Direction = Literal["entrance", "exit"]


@dataclass(frozen=True, slots=True)
class MotionContext:
    """Sizes a motion may scale its distances by, and the linear progress for loops."""

    canvas_width: float
    canvas_height: float
    box_width: float
    box_height: float
    progress: float = 0.0


@dataclass(frozen=True, slots=True)
class MotionState:
    """A change applied on top of the element's own transform."""

    dx: float = 0.0
    """Canvas pixels added to x."""
    dy: float = 0.0
    """Canvas pixels added to y."""
    scale: float = 1.0
    """Multiplies x_scale and y_scale (about the anchor)."""
    rotation: float = 0.0
    """Degrees added to z_rotation."""
    opacity: float = 1.0
    """Multiplies the element's opacity."""
    reveal: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    """Visible part of the element box as fractions (left, top, right, bottom)."""

    def combine(self, other: MotionState) -> MotionState:
        """Both motions at once: offsets add, factors multiply, reveals intersect."""
        return MotionState(
            dx=self.dx + other.dx,
            dy=self.dy + other.dy,
            scale=self.scale * other.scale,
            rotation=self.rotation + other.rotation,
            opacity=self.opacity * other.opacity,
            reveal=(
                max(self.reveal[0], other.reveal[0]),
                max(self.reveal[1], other.reveal[1]),
                min(self.reveal[2], other.reveal[2]),
                min(self.reveal[3], other.reveal[3]),
            ),
        )


REST = MotionState()


class Motion(Protocol):
    """An entry of the motions registry."""

    @property
    def name(self) -> str: ...

    @property
    def supported(self) -> bool: ...

    @property
    def description(self) -> str: ...

    @property
    def parameters(self) -> Mapping[str, ParamRange]: ...

    @property
    def direction(self) -> Direction: ...

    def state(self, amount: float, ctx: MotionContext) -> MotionState: ...
