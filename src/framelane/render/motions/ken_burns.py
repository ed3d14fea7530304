"""Ken Burns: slow 15% zooms with a gentle drift, for stills.

`ken_burns_in` starts at rest and pushes in (so the picture never uncovers the frame);
`ken_burns_out` starts pushed in and pulls back to rest; `ken_burns_in_out` pushes in and comes
back, at rest at both ends.
"""

from __future__ import annotations

import math

from framelane.render.motions.base import MotionContext, MotionState
from framelane.render.motions.preset import Preset

ZOOM = 0.15
DRIFT = 0.03
"""Horizontal drift at full zoom, as a fraction of the canvas width."""


def _push(depth: float, ctx: MotionContext, sign: float) -> MotionState:
    return MotionState(
        scale=1.0 + ZOOM * depth,
        dx=sign * DRIFT * ctx.canvas_width * depth,
        dy=-0.5 * DRIFT * ctx.canvas_height * depth,
    )


KEN_BURNS_IN = Preset(
    "ken_burns_in",
    "Push in slowly from rest to 115% with a drift to the left.",
    lambda a, ctx: _push(1.0 - a, ctx, -1.0),
    direction="exit",
)
KEN_BURNS_OUT = Preset(
    "ken_burns_out",
    "Pull back slowly from 115% to rest with a drift from the right.",
    lambda a, ctx: _push(1.0 - a, ctx, 1.0),
)
KEN_BURNS_IN_OUT = Preset(
    "ken_burns_in_out",
    "Push in to 115% and pull back to rest.",
    lambda a, ctx: _push(math.sin(math.pi * a), ctx, -1.0),
    looping=True,
)
