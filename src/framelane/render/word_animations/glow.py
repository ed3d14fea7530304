"""`glow`: the active word at full opacity, the words around it dimmed (§11.4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from framelane.render.registry import ParamRange
from framelane.render.word_animations.base import PLAIN, WordContext, WordLook, WordPhase

DIMMED = 0.4
"""Opacity of the words that are not being spoken."""

_DIM = WordLook(opacity=DIMMED)


@dataclass(frozen=True, slots=True)
class Glow:
    name: str = "glow"
    description: str = f"The active word at full opacity, the others dimmed to {DIMMED:.0%}."
    supported: bool = True
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    def look(self, phase: WordPhase, progress: float, ctx: WordContext) -> WordLook:
        return PLAIN if phase == "active" else _DIM
