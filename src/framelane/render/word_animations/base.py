"""The WordAnimation protocol: how each caption word looks at one instant.

The text renderer asks the style for a `WordLook` per word, given whether the word is before,
at, or after the current time and how far through its own time it is (`progress`: 0 before,
the elapsed fraction of the word's [start, end) while active, 1 after), and draws the paragraph
with those colours and boxes; a word with an offset or scale is drawn on its own, moved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from framelane.render.registry import ParamRange

Rgba = tuple[int, int, int, int]
WordPhase = Literal["before", "active", "after"]


@dataclass(frozen=True, slots=True)
class WordContext:
    """Colours of the text element the style may use."""

    text_color: Rgba
    highlight_color: Rgba
    """`word_animation.highlight_color`, the colour of the active word (style `color`)."""
    box_color: Rgba
    """The element's `background_color`, the box behind the active word (style `box`)."""


@dataclass(frozen=True, slots=True)
class WordLook:
    """How one word is drawn in one frame."""

    color: Rgba | None = None
    """Text colour override; None keeps the element's `text_color`."""
    box_color: Rgba | None = None
    """A rounded box drawn behind the word, or None."""
    opacity: float = 1.0
    dx: float = 0.0
    """Offset of the word, in multiples of the font size (em); positive is right."""
    dy: float = 0.0
    """Offset of the word, in em; positive is down."""
    scale: float = 1.0
    """Size of the word about its own centre."""
    rotation: float = 0.0
    """Degrees clockwise about the word's own centre."""

    @property
    def moved(self) -> bool:
        return self.dx != 0.0 or self.dy != 0.0 or self.scale != 1.0 or self.rotation != 0.0


PLAIN = WordLook()


class WordAnimation(Protocol):
    """An entry of the word-animation registry."""

    @property
    def name(self) -> str: ...

    @property
    def supported(self) -> bool: ...

    @property
    def description(self) -> str: ...

    @property
    def parameters(self) -> Mapping[str, ParamRange]: ...

    def look(self, phase: WordPhase, progress: float, ctx: WordContext) -> WordLook: ...
