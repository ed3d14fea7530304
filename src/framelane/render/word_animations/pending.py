"""Caption styles the `WordLook` protocol cannot express yet, with the extension each needs."""

from __future__ import annotations

from framelane.render.registry import Unsupported

SCALE_POP = Unsupported("scale_pop", "Active word pops larger. Not rendered yet: needs "
                        "WordLook.scale (per-word scale about the word centre).")
SLIDE_UP = Unsupported("slide_up", "Words slide up as they become active. Not rendered yet: "
                       "needs WordLook.dy (per-word vertical offset) and the word's progress.")
FLY_IN = Unsupported("fly_in", "Words fly in as they become active. Not rendered yet: needs "
                     "WordLook.dx/dy and the word's progress.")
