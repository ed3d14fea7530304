"""`cross_dissolve` (alias `fade`): the upper layer fades while the lower one stays opaque.

out = top·a + bottom·(1 − a), so with opaque clips this is exactly from·(1 − p) + to·p.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from framelane.render.registry import ParamRange
from framelane.render.transitions.base import UNCHANGED, LayerModifier, Role


@dataclass(frozen=True, slots=True)
class CrossDissolve:
    name: str = "cross_dissolve"
    description: str = "Blend the outgoing element into the incoming one."
    supported: bool = True
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    def modifier(self, progress: float, role: Role, on_top: bool) -> LayerModifier:
        if not on_top:
            return UNCHANGED
        return LayerModifier(opacity=progress if role == "to" else 1.0 - progress)
