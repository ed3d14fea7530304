"""The motions registry: spec name → `Motion`.

To add a motion: write `motions/<name>.py` with a frozen dataclass implementing
`framelane.render.motions.base.Motion`, then add one `MOTIONS.register(...)` line below.
"""

from __future__ import annotations

from framelane.render.motions import basic, ken_burns, looks, loops, packs
from framelane.render.motions.base import REST, Motion, MotionContext, MotionState
from framelane.render.motions.fade import Fade
from framelane.render.motions.slide import Slide
from framelane.render.motions.zoom import ZoomIn, ZoomOut
from framelane.render.registry import Registry

MOTIONS: Registry[Motion] = Registry("motion")

# In catalog order (one line each).
MOTIONS.register(Fade())
MOTIONS.register(Slide("up"))
MOTIONS.register(Slide("down"))
MOTIONS.register(Slide("left"))
MOTIONS.register(Slide("right"))
MOTIONS.register(ZoomIn())
MOTIONS.register(ZoomOut())
MOTIONS.register(basic.ROTATE_CW)
MOTIONS.register(basic.ROTATE_CCW)
MOTIONS.register(basic.BOUNCE)
MOTIONS.register(basic.WIPE_LEFT)
MOTIONS.register(basic.WIPE_RIGHT)
MOTIONS.register(basic.WIPE_UP)
MOTIONS.register(basic.WIPE_DOWN)
MOTIONS.register(ken_burns.KEN_BURNS_IN)
MOTIONS.register(ken_burns.KEN_BURNS_OUT)
MOTIONS.register(ken_burns.KEN_BURNS_IN_OUT)
MOTIONS.register(loops.LOOP_WIGGLE)
MOTIONS.register(loops.LOOP_ROTATE)
MOTIONS.register(loops.LOOP_ROTATE_SMOOTH)
MOTIONS.register(loops.LOOP_3D_SPIN)
MOTIONS.register(loops.LOOP_3D_SWAY)
MOTIONS.register(looks.BLUR)
MOTIONS.register(loops.BOUNCE_MOTION)
MOTIONS.register(looks.EXPLODE)
MOTIONS.register(basic.EVAPORATE)
MOTIONS.register(looks.OVERLAY)
MOTIONS.register(looks.DIFFERENCE)
MOTIONS.register(packs.RUBBER_IN)
MOTIONS.register(packs.WHIP_UP)
MOTIONS.register(packs.WHIP_DOWN)
MOTIONS.register(packs.GLITCH_POP)
MOTIONS.register(packs.DRIFT_IN)
MOTIONS.register(packs.DRIFT_OUT)
MOTIONS.register(loops.LOOP_BREATHE)
MOTIONS.register(loops.LOOP_SHIMMER)
MOTIONS.register(packs.SWING_IN)
MOTIONS.register(packs.SWING_OUT)
MOTIONS.register(packs.ELASTIC_RISE)
MOTIONS.register(packs.ELASTIC_DROP)
MOTIONS.register(packs.TILT_ZOOM)
MOTIONS.register(loops.LOOP_ORBIT)
MOTIONS.register(packs.SMOOTH_POP)

__all__ = ["MOTIONS", "REST", "Motion", "MotionContext", "MotionState"]
