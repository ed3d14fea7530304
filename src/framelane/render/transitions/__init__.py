"""The transitions registry: spec name → `Transition` (`fade` is an alias of `cross_dissolve`).

To add a transition: write `transitions/<name>.py` with a frozen dataclass implementing
`framelane.render.transitions.base.Transition`, then add one `TRANSITIONS.register(...)` line.
"""

from __future__ import annotations

from framelane.render.registry import Registry, Unsupported
from framelane.render.transitions.base import UNCHANGED, LayerModifier, Role, Transition
from framelane.render.transitions.catalog_names import TRANSITION_DESCRIPTIONS
from framelane.render.transitions.cross_dissolve import CrossDissolve
from framelane.render.transitions.dip import Dip
from framelane.render.transitions.wipe import Wipe

TRANSITIONS: Registry[Transition] = Registry("transition")

for _name, _description in TRANSITION_DESCRIPTIONS.items():
    TRANSITIONS.register(Unsupported(_name, _description))

# Implemented transitions (one line each).
TRANSITIONS.register(CrossDissolve())
TRANSITIONS.register(Dip("black", (0, 0, 0)))
TRANSITIONS.register(Dip("white", (255, 255, 255)))
TRANSITIONS.register(Wipe("left"))
TRANSITIONS.register(Wipe("right"))
TRANSITIONS.register(Wipe("up"))
TRANSITIONS.register(Wipe("down"))
TRANSITIONS.alias("fade", "cross_dissolve")

__all__ = ["TRANSITIONS", "UNCHANGED", "LayerModifier", "Role", "Transition"]
