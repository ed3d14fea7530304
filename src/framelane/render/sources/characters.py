"""`scope: "character"` motions on text: the motion plays on each glyph in turn.

Each non-space character gets the motion for CHARACTER_SHARE of the motion's duration, the
starts spread evenly so the first character starts with the motion and the last one ends
with it. Which motions can play per glyph, and on what stage: motions/scope.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from framelane.render.evaluate import motion_amount
from framelane.render.motions import MOTIONS, MotionState
from framelane.render.motions.scope import glyph_stage
from framelane.render.sources.text import WordRun
from framelane.render.spec.fields import MotionSpec
from framelane.render.word_animations import WordLook

CHARACTER_SHARE = 0.5
"""Part of the motion's duration each character takes to play it."""


def character_runs(
    motions: Sequence[MotionSpec], text: str, time: float, size: float
) -> tuple[WordRun, ...]:
    """Each non-space character of `text` as it looks at `time` (timeline seconds) under the
    character-scoped `motions`; () when there are none."""
    scoped = [spec for spec in motions if spec.scope == "character"]
    indices = [index for index, char in enumerate(text) if not char.isspace()]
    if not scoped or not indices:
        return ()
    looks = [WordLook() for _ in indices]
    for spec in scoped:
        for position, state in enumerate(_states(spec, len(indices), time, size)):
            looks[position] = _combined(looks[position], state, size)
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


def _combined(look: WordLook, state: MotionState, size: float) -> WordLook:
    return dataclasses.replace(
        look,
        opacity=look.opacity * state.opacity,
        dx=look.dx + state.dx / size,
        dy=look.dy + state.dy / size,
        scale=look.scale * state.scale,
    )
