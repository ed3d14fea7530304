"""`frame_state(timeline, n)`: what is on screen at t = n / fps, where, and at which source
time. Pure: no pixels, no I/O."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from framelane.render.easing import EASINGS
from framelane.render.motions import MOTIONS, REST, MotionContext, MotionState
from framelane.render.spec.fields import MotionSpec
from framelane.render.timeline import Layer, Timeline
from framelane.render.transitions import TRANSITIONS, UNCHANGED, LayerModifier


@dataclass(frozen=True, slots=True)
class LayerState:
    layer: Layer
    local_time: Fraction
    """Seconds since the element's own start, held inside its own window."""
    source_time: Fraction
    """Seconds into the source media (video) or scene (composition)."""
    motion: MotionState
    modifier: LayerModifier


@dataclass(frozen=True, slots=True)
class FrameState:
    index: int
    time: Fraction
    layers: tuple[LayerState, ...]
    """Visible layers in paint order (bottom first)."""


def is_active(layer: Layer, index: int, fps: Fraction) -> bool:
    return layer.first_frame(fps) <= index < layer.end_frame(fps)


def local_time(layer: Layer, time: Fraction, fps: Fraction) -> Fraction:
    """Time inside the element; before its own start (a transition's lead-in) it holds the
    first frame, after its own end (a transition's tail) the last output frame inside it
    (the last frame time before `own_end`, so a source frame that starts in the element's
    final, partial output frame is shown)."""
    last_frame = Fraction(math.ceil(layer.own_end * fps) - 1) / fps
    last = max(Fraction(0), last_frame - layer.own_start)
    return min(max(time - layer.own_start, Fraction(0)), last)


def motion_amount(motion: MotionSpec, time: float, direction: str) -> tuple[float, float]:
    """(amount, linear progress) of one motion at `time`; amount 1 = at rest."""
    elapsed = (time - motion.time - motion.delay) / motion.duration
    if motion.loop and elapsed > 0:
        elapsed = elapsed - math.floor(elapsed)
    progress = min(max(elapsed, 0.0), 1.0)
    eased = EASINGS[motion.easing](progress)
    amount = eased if direction == "entrance" else 1.0 - eased
    return (1.0 - amount if motion.reversed else amount), progress


def motion_state(layer: Layer, time: Fraction, canvas: tuple[int, int]) -> MotionState:
    state = REST
    seconds = float(time)
    for spec in layer.motions:
        if spec.scope == "character":  # played per glyph by the text source
            continue
        motion = MOTIONS.get(spec.type)
        amount, progress = motion_amount(spec, seconds, motion.direction)
        ctx = MotionContext(
            canvas_width=canvas[0],
            canvas_height=canvas[1],
            box_width=layer.placement.width,
            box_height=layer.placement.height,
            progress=progress,
        )
        state = state.combine(motion.state(amount, ctx))
    return state


def transition_modifier(
    layer: Layer, time: Fraction, paint_position: dict[str, int]
) -> LayerModifier:
    modifier = UNCHANGED
    for role in layer.transitions:
        if not role.start <= time < role.start + role.duration:
            continue
        progress = float((time - role.start) / role.duration)
        on_top = paint_position[layer.key] > paint_position.get(role.partner, -1)
        step = TRANSITIONS.get(role.name).modifier(
            progress, "from" if role.role == "from" else "to", on_top
        )
        modifier = modifier.combine(step)
    return modifier


def _layer_state(
    layer: Layer, time: Fraction, fps: Fraction, canvas: tuple[int, int], positions: dict[str, int]
) -> LayerState:
    local = local_time(layer, time, fps)
    return LayerState(
        layer=layer,
        local_time=local,
        source_time=layer.source_time(local),
        motion=motion_state(layer, time, canvas),
        modifier=transition_modifier(layer, time, positions),
    )


def _positions(timeline: Timeline) -> dict[str, int]:
    return {layer.key: i for i, layer in enumerate(timeline.layers)}


def frame_state(timeline: Timeline, index: int) -> FrameState:
    fps = timeline.fps
    time = timeline.frame_time(index)
    positions = _positions(timeline)
    canvas = (timeline.width, timeline.height)
    visible = [
        _layer_state(layer, time, fps, canvas, positions)
        for layer in timeline.layers
        if is_active(layer, index, fps)
    ]
    return FrameState(index=index, time=time, layers=tuple(visible))


def layer_state(timeline: Timeline, layer: Layer, index: int) -> LayerState | None:
    """One layer's entry of `frame_state(timeline, index)` (None when it is not on screen)."""
    if not is_active(layer, index, timeline.fps):
        return None
    canvas = (timeline.width, timeline.height)
    time = timeline.frame_time(index)
    return _layer_state(layer, time, timeline.fps, canvas, _positions(timeline))
