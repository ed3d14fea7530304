"""`box`: a CapCut-style box (the element's `background_color`) behind the active word."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from framelane.render.registry import ParamRange
from framelane.render.word_animations.base import PLAIN, WordContext, WordLook, WordPhase


@dataclass(frozen=True, slots=True)
class Box:
    name: str = "box"
    description: str = "Box in the element's background_color behind the active word."
    supported: bool = True
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    def look(self, phase: WordPhase, progress: float, ctx: WordContext) -> WordLook:
        if phase != "active":
            return PLAIN
        return WordLook(box_color=ctx.box_color)
