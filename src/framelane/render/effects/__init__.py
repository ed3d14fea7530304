"""The effects registry: spec name → `Effect`.

To add an effect: write `effects/<name>.py` with a frozen dataclass implementing
`framelane.render.effects.base.Effect`, then add one `EFFECTS.register(...)` line below.
"""

from __future__ import annotations

from framelane.render.effects.base import Effect, EffectInput, Pixels
from framelane.render.effects.catalog_names import EFFECT_DESCRIPTIONS
from framelane.render.effects.invert import Invert
from framelane.render.effects.sepia import Sepia
from framelane.render.registry import Registry, Unsupported

EFFECTS: Registry[Effect] = Registry("effect")

for _name, _description in EFFECT_DESCRIPTIONS.items():
    EFFECTS.register(Unsupported(_name, _description))

# Implemented effects (one line each).
EFFECTS.register(Sepia())
EFFECTS.register(Invert())

__all__ = ["EFFECTS", "Effect", "EffectInput", "Pixels"]
