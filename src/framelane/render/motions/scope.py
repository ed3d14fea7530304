"""Which motions can play per glyph (`scope: "character"`), and the stage a glyph plays on.

A glyph drawn apart from the others can be offset, turned, scaled and faded, and an
`explode` scatter flings each glyph its own way; a motion that does anything else on some
frame (clips, blurs, blends, tilts in 3D) is refused per character with
`capability_unsupported`. A glyph's "canvas" is a square of CHARACTER_STAGE_EM font sizes and
its box one font size, so a slide travels a quarter of four ems (one em), not of the video.
"""

from __future__ import annotations

import dataclasses
import functools

from framelane.render.motions import MOTIONS, REST, MotionContext

CHARACTER_STAGE_EM = 4.0
"""The side of a glyph's stage (its "canvas"), in font sizes."""
_SAMPLES = (0.0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0)


def glyph_stage(size: float) -> MotionContext:
    """The motion context of one glyph of a text of font size `size`."""
    stage = CHARACTER_STAGE_EM * size
    return MotionContext(canvas_width=stage, canvas_height=stage, box_width=size, box_height=size)


@functools.cache
def character_capable(name: str) -> bool:
    """Whether the motion, at every amount, only offsets, turns, scales, fades and
    scatters."""
    if not MOTIONS.is_supported(name):
        return False
    motion = MOTIONS.get(name)
    for amount in _SAMPLES:
        state = motion.state(amount, dataclasses.replace(glyph_stage(48.0), progress=amount))
        drawable = dataclasses.replace(
            state, dx=0.0, dy=0.0, scale=1.0, opacity=1.0, rotation=0.0, scatter=0.0
        )
        if drawable != REST:
            return False
    return True


def character_motions() -> list[str]:
    """Every motion `scope: "character"` plays, in catalog order."""
    return [name for name in MOTIONS.names() if character_capable(name)]
