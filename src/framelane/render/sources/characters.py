"""`scope: "character"` motions on text: the motion plays on each glyph in turn.

Each non-space character gets the motion for CHARACTER_SHARE of the motion's duration, the
starts spread evenly so the first character starts with the motion and the last one ends
with it. Which motions can play per glyph, and on what stage: motions/scope.py.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from framelane.render.evaluate import motion_amount
from framelane.render.motions import MOTIONS, MotionState
from framelane.render.motions.scope import glyph_stage
from framelane.render.sources.text import WordRun
from framelane.render.spec.fields import MotionSpec
from framelane.render.word_animations import WordLook

CHARACTER_SHARE = 0.5
"""Part of the motion's duration each character takes to play it."""
GLYPH_FLIGHT_EM = 3.0
"""How far a glyph of an `explode` flies at full scatter, in font sizes."""
GLYPH_SPIN = 300.0
"""Degrees a glyph of an `explode` turns at most at full scatter."""
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
"""Successive glyphs fly off in directions this far apart: evenly spread, never aligned."""


def character_runs(
    motions: Sequence[MotionSpec], text: str, time: float, size: float
) -> tuple[WordRun, ...]:
    """Each non-space character of `text` as it looks at `time` (timeline seconds) under the
    character-scoped `motions`; () when there are none."""
    scoped = [spec for spec in motions if spec.scope == "character"]
    if not scoped:  # every frame of every text asks
        return ()
    indices = [index for index, char in enumerate(text) if not char.isspace()]
    if not indices:
        return ()
    looks = [WordLook() for _ in indices]
    for spec in scoped:
        for position, state in enumerate(_states(spec, len(indices), time, size)):
            looks[position] = _combined(looks[position], state, size, position)
    return tuple(
        WordRun(index, index + 1, look) for index, look in zip(indices, looks, strict=True)
    )


def _states(spec: MotionSpec, count: int, time: float, size: float) -> list[MotionState]:
    motion = MOTIONS.get(spec.type)
    own = spec.duration * CHARACTER_SHARE if count > 1 else spec.duration
    step = (spec.duration - own) / (count - 1) if count > 1 else 0.0
    ctx = glyph_stage(size)
    states = []
    for position in range(count):
        shifted = spec.model_copy(update={"time": spec.time + position * step, "duration": own})
        amount, progress = motion_amount(shifted, time, motion.direction)
        states.append(motion.state(amount, dataclasses.replace(ctx, progress=progress)))
    return states


def _combined(look: WordLook, state: MotionState, size: float, position: int) -> WordLook:
    """`look` with one motion's state on top; a scatter sends glyph `position` off along its
    own direction, turning."""
    angle = position * _GOLDEN_ANGLE
    flight = state.scatter * GLYPH_FLIGHT_EM
    spin = math.sin(position * 12.9898) * GLYPH_SPIN * state.scatter
    return dataclasses.replace(
        look,
        opacity=look.opacity * state.opacity,
        dx=look.dx + state.dx / size + math.cos(angle) * flight,
        dy=look.dy + state.dy / size + math.sin(angle) * flight,
        scale=look.scale * state.scale,
        rotation=look.rotation + state.rotation + spin,
    )
