"""`dip_to_black` / `dip_to_white`: the outgoing element fades to a colour, the incoming one
fades up from it; the switch happens at the midpoint."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from framelane.render.registry import ParamRange
from framelane.render.transitions.base import LayerModifier, Role

HIDDEN = LayerModifier(opacity=0.0)


@dataclass(frozen=True, slots=True)
class Dip:
    colour_name: str
    colour: tuple[int, int, int]
    supported: bool = True
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"dip_to_{self.colour_name}"

    @property
    def description(self) -> str:
        return f"Fade through {self.colour_name}."

    def modifier(self, progress: float, role: Role, on_top: bool) -> LayerModifier:
        first_half = progress < 0.5
        if role == "from":
            if not first_half:
                return HIDDEN
            return LayerModifier(tint=self.colour, tint_amount=progress * 2.0)
        if first_half:
            return HIDDEN
        return LayerModifier(tint=self.colour, tint_amount=(1.0 - progress) * 2.0)
