"""The Motion protocol: a preset that moves, scales, rotates, fades or reveals an element.

A motion maps `amount` (1 = the element at rest, 0 = fully "off") to a `MotionState`. The
evaluator turns the motion's timing (time, duration, delay, easing, loop, reversed) into that
amount: entrance presets go 0 → 1, exit presets (`direction == "exit"`) go 1 → 0, and
`reversed` swaps the two.
"""

from __future__ import annotations

import math
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
    rotation_x: float = 0.0
    """Degrees added to x_rotation (tilt about the horizontal axis, in perspective)."""
    rotation_y: float = 0.0
    """Degrees added to y_rotation (turn about the vertical axis, in perspective)."""
    blend: str | None = None
    """A blend mode (`overlay`, `difference`, or any `blend_mode` value) mixed in over the
    element's own one; None = the element's own blend mode only."""
    blend_mix: float = 0.0
    """How much of the picture drawn with `blend` shows: 0 = none, 1 = only that one; in
    between the element drawn normally fades in over it (a crossfade for opaque pixels)."""
    blur: float = 0.0
    """Gaussian blur of the element's pixels, standard deviation in canvas pixels."""
    scatter: float = 0.0
    """How far the element is broken apart: 0 whole, 1 its pieces flung out (`explode`)."""

    def combine(self, other: MotionState) -> MotionState:
        """Both motions at once: offsets add, factors multiply, reveals intersect, blurs add
        as Gaussians do (in quadrature), the later active blend mode and the wider scatter
        win."""
        blender = other if other.blend is not None and other.blend_mix > 0 else self
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
            rotation_x=self.rotation_x + other.rotation_x,
            rotation_y=self.rotation_y + other.rotation_y,
            blend=blender.blend,
            blend_mix=blender.blend_mix,
            blur=math.hypot(self.blur, other.blur),
            scatter=max(self.scatter, other.scatter),
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
