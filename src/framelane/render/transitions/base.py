"""The Transition protocol: how the outgoing and incoming elements look during the overlap.

A transition never draws by itself. For each of its two layers it returns a `LayerModifier`
(opacity factor, a clip rectangle on the canvas, a tint towards a colour) that the compositor
applies when it draws that layer. `progress` runs 0 → 1 across the transition window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from framelane.render.registry import ParamRange

Role = Literal["from", "to"]

FULL_CANVAS = (0.0, 0.0, 1.0, 1.0)


@dataclass(frozen=True, slots=True)
class LayerModifier:
    """A change to one layer for one frame of a transition."""

    opacity: float = 1.0
    canvas_clip: tuple[float, float, float, float] = FULL_CANVAS
    """Visible part of the canvas as fractions (left, top, right, bottom)."""
    tint: tuple[int, int, int] = (0, 0, 0)
    """RGB colour the layer is tinted towards."""
    tint_amount: float = 0.0
    """0 = untouched, 1 = every pixel of the layer is `tint`."""

    def combine(self, other: LayerModifier) -> LayerModifier:
        """Two transitions on the same layer (e.g. the middle clip of three)."""
        tint, amount = (other.tint, other.tint_amount)
        if self.tint_amount > other.tint_amount:
            tint, amount = (self.tint, self.tint_amount)
        return LayerModifier(
            opacity=self.opacity * other.opacity,
            canvas_clip=(
                max(self.canvas_clip[0], other.canvas_clip[0]),
                max(self.canvas_clip[1], other.canvas_clip[1]),
                min(self.canvas_clip[2], other.canvas_clip[2]),
                min(self.canvas_clip[3], other.canvas_clip[3]),
            ),
            tint=tint,
            tint_amount=amount,
        )


UNCHANGED = LayerModifier()


class Transition(Protocol):
    """An entry of the transitions registry."""

    @property
    def name(self) -> str: ...

    @property
    def supported(self) -> bool: ...

    @property
    def description(self) -> str: ...

    @property
    def parameters(self) -> Mapping[str, ParamRange]: ...

    def modifier(self, progress: float, role: Role, on_top: bool) -> LayerModifier: ...
