"""The transitions registry: spec name → `Transition` (`fade` is an alias of `cross_dissolve`).

To add a transition: write `transitions/<name>.py` with a frozen dataclass implementing
`framelane.render.transitions.base.Transition`, then add one `TRANSITIONS.register(...)` line.
"""

from __future__ import annotations

from framelane.render.registry import Registry
from framelane.render.transitions import shapes, spatial, warps
from framelane.render.transitions.base import UNCHANGED, LayerModifier, Role, Transition
from framelane.render.transitions.cross_dissolve import CrossDissolve
from framelane.render.transitions.dip import Dip
from framelane.render.transitions.wipe import Wipe

TRANSITIONS: Registry[Transition] = Registry("transition")

# In catalog order (one line each). Those of shapes, spatial and warps blend pictures: the
# scene renderer draws both layers alone and calls `blend` (pairs.py).
TRANSITIONS.register(CrossDissolve())
TRANSITIONS.register(Dip("black", (0, 0, 0)))
TRANSITIONS.register(Dip("white", (255, 255, 255)))
TRANSITIONS.register(Wipe("left"))
TRANSITIONS.register(Wipe("right"))
TRANSITIONS.register(Wipe("up"))
TRANSITIONS.register(Wipe("down"))
TRANSITIONS.register(shapes.DIAGONAL_WIPE)
TRANSITIONS.register(shapes.BARN_DOORS_HORIZONTAL)
TRANSITIONS.register(shapes.BARN_DOORS_VERTICAL)
TRANSITIONS.register(shapes.IRIS)
TRANSITIONS.register(spatial.PAGE_TURN)
TRANSITIONS.register(warps.CROSS_ZOOM)
TRANSITIONS.register(shapes.GRADIENT_WIPE)
TRANSITIONS.register(shapes.BAND_WIPE)
TRANSITIONS.register(shapes.BOX_WIPE)
TRANSITIONS.register(warps.SWIRL)
TRANSITIONS.register(warps.GLITCH_MEMORIES)
TRANSITIONS.register(shapes.WINDOW_SLICE)
TRANSITIONS.register(spatial.CUBE)
TRANSITIONS.register(spatial.DOORWAY)
TRANSITIONS.register(shapes.PINWHEEL)
TRANSITIONS.register(warps.WATER_DROP)
TRANSITIONS.register(shapes.CROSSHATCH)
TRANSITIONS.register(warps.DREAMY)
TRANSITIONS.register(shapes.ANGULAR)
TRANSITIONS.register(shapes.BURN)
TRANSITIONS.register(shapes.HEART)
TRANSITIONS.register(shapes.CIRCLE_OPEN)
TRANSITIONS.register(warps.COLOR_PHASE)
TRANSITIONS.register(shapes.SQUARES_WIRE)
TRANSITIONS.alias("fade", "cross_dissolve")

__all__ = ["TRANSITIONS", "UNCHANGED", "LayerModifier", "Role", "Transition"]
