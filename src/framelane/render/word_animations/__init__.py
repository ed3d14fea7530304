"""The word-animation registry: `word_animation.style` → `WordAnimation`.

To add a style: write `word_animations/<name>.py` implementing
`framelane.render.word_animations.base.WordAnimation`, then add one `register(...)` line below.
"""

from __future__ import annotations

from framelane.render.registry import Registry
from framelane.render.word_animations.base import (
    PLAIN,
    WordAnimation,
    WordContext,
    WordLook,
    WordPhase,
)
from framelane.render.word_animations.box import Box
from framelane.render.word_animations.color import Color
from framelane.render.word_animations.glow import Glow
from framelane.render.word_animations.moves import FlyIn, ScalePop, SlideUp

WORD_ANIMATIONS: Registry[WordAnimation] = Registry("word_animation")

WORD_ANIMATIONS.register(ScalePop())
WORD_ANIMATIONS.register(SlideUp())
WORD_ANIMATIONS.register(FlyIn())
WORD_ANIMATIONS.register(Box())
WORD_ANIMATIONS.register(Color())
WORD_ANIMATIONS.register(Glow())

__all__ = ["PLAIN", "WORD_ANIMATIONS", "WordAnimation", "WordContext", "WordLook", "WordPhase"]
