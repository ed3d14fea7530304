"""`wipe_left|right|up|down`: a hard edge moves across the canvas in the named direction,
revealing the incoming element behind it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from framelane.render.registry import ParamRange
from framelane.render.transitions.base import LayerModifier, Role

Rect = tuple[float, float, float, float]


def _regions(towards: str, p: float) -> tuple[Rect, Rect]:
    """(outgoing visible part, incoming visible part) of the canvas at progress p."""
    if towards == "left":
        return (0.0, 0.0, 1.0 - p, 1.0), (1.0 - p, 0.0, 1.0, 1.0)
    if towards == "right":
        return (p, 0.0, 1.0, 1.0), (0.0, 0.0, p, 1.0)
    if towards == "up":
        return (0.0, 0.0, 1.0, 1.0 - p), (0.0, 1.0 - p, 1.0, 1.0)
    return (0.0, p, 1.0, 1.0), (0.0, 0.0, 1.0, p)


@dataclass(frozen=True, slots=True)
class Wipe:
    towards: str
    supported: bool = True
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"wipe_{self.towards}"

    @property
    def description(self) -> str:
        return f"Hard-edged wipe moving {self.towards}."

    def modifier(self, progress: float, role: Role, on_top: bool) -> LayerModifier:
        outgoing, incoming = _regions(self.towards, progress)
        return LayerModifier(canvas_clip=outgoing if role == "from" else incoming)
