"""The motions registry: spec name → `Motion`.

To add a motion: write `motions/<name>.py` with a frozen dataclass implementing
`framelane.render.motions.base.Motion`, then add one `MOTIONS.register(...)` line below.
"""

from __future__ import annotations

from framelane.render.motions.base import REST, Motion, MotionContext, MotionState
from framelane.render.motions.catalog_names import MOTION_DESCRIPTIONS
from framelane.render.motions.fade import Fade
from framelane.render.motions.slide import Slide
from framelane.render.motions.zoom import ZoomIn, ZoomOut
from framelane.render.registry import Registry, Unsupported

MOTIONS: Registry[Motion] = Registry("motion")

for _name, _description in MOTION_DESCRIPTIONS.items():
    MOTIONS.register(Unsupported(_name, _description))

# Implemented motions (one line each).
MOTIONS.register(Fade())
MOTIONS.register(Slide("up"))
MOTIONS.register(Slide("down"))
MOTIONS.register(Slide("left"))
MOTIONS.register(Slide("right"))
MOTIONS.register(ZoomIn())
MOTIONS.register(ZoomOut())

__all__ = ["MOTIONS", "REST", "Motion", "MotionContext", "MotionState"]
