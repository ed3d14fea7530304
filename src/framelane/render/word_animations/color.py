"""`color`: the active word switches to `word_animation.highlight_color`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from framelane.render.registry import ParamRange
from framelane.render.word_animations.base import PLAIN, WordContext, WordLook, WordPhase


@dataclass(frozen=True, slots=True)
class Color:
    name: str = "color"
    description: str = "The active word is drawn in highlight_color."
    supported: bool = True
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    def look(self, phase: WordPhase, progress: float, ctx: WordContext) -> WordLook:
        if phase != "active":
            return PLAIN
        return WordLook(color=ctx.highlight_color)
