"""Caption styles that move the words (§11.4): `scale_pop`, `slide_up`, `fly_in`.

They read the word's progress (the elapsed fraction of its own [start, end)) and settle within
its first `SETTLE` of that time, so a settled word is drawn exactly like plain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from framelane.render.motions.preset import back_out
from framelane.render.registry import ParamRange
from framelane.render.word_animations.base import PLAIN, WordContext, WordLook, WordPhase

SETTLE = 0.3
"""Part of the word's own time its entrance (or pop) takes."""
POP_SCALE = 1.2
"""`scale_pop`: size of the active word."""
SLIDE_EM = 0.5
"""`slide_up`: how far below its place (in font sizes) a word starts."""
FLY_FROM = (0.6, 1.0, 2.0)
"""`fly_in`: where a word starts: offset right and down (em) and its size."""


def _settled(progress: float) -> float:
    """0 → 1 over the first SETTLE of the word's time, easing out (cubic)."""
    t = min(max(progress / SETTLE, 0.0), 1.0)
    return 1.0 - (1.0 - t) ** 3


def _entering(phase: WordPhase, progress: float) -> float | None:
    """How far a word that enters when spoken has come in (0 before it is spoken), or None
    once it sits plainly in place."""
    if phase == "after":
        return None
    e = _settled(progress) if phase == "active" else 0.0
    return None if e >= 1.0 else e


@dataclass(frozen=True, slots=True)
class ScalePop:
    name: str = "scale_pop"
    description: str = (
        f"The active word pops to {POP_SCALE:g}× its size (with a small "
        "overshoot) about its centre, then shrinks back when it ends."
    )
    supported: bool = True
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    def look(self, phase: WordPhase, progress: float, ctx: WordContext) -> WordLook:
        if phase != "active":
            return PLAIN
        t = min(max(progress / SETTLE, 0.0), 1.0)
        return WordLook(scale=1.0 + (POP_SCALE - 1.0) * back_out(t))


@dataclass(frozen=True, slots=True)
class SlideUp:
    name: str = "slide_up"
    description: str = (
        f"Each word appears when it is spoken, sliding up {SLIDE_EM:g} em into "
        "place while fading in; words not spoken yet are hidden."
    )
    supported: bool = True
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    def look(self, phase: WordPhase, progress: float, ctx: WordContext) -> WordLook:
        e = _entering(phase, progress)
        if e is None:
            return PLAIN
        return WordLook(dy=SLIDE_EM * (1.0 - e), opacity=e)


@dataclass(frozen=True, slots=True)
class FlyIn:
    name: str = "fly_in"
    description: str = (
        f"Each word flies into place when it is spoken: from {FLY_FROM[2]:g}× "
        "its size, below and to the right, fading in; words not spoken yet are "
        "hidden."
    )
    supported: bool = True
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)

    def look(self, phase: WordPhase, progress: float, ctx: WordContext) -> WordLook:
        e = _entering(phase, progress)
        if e is None:
            return PLAIN
        dx, dy, scale = FLY_FROM
        gone = 1.0 - e
        return WordLook(dx=dx * gone, dy=dy * gone, scale=1.0 + (scale - 1.0) * gone, opacity=e)
