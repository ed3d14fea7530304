"""How long timed media (video, audio) lasts on the timeline, and how its sound follows a
transition.

* `duration` trims: the element stops after that many seconds (never later than its
  out_point or the source's end, unless it loops).
* `loop: true` repeats in_point…out_point: until `duration`, or, without one, until the scene's
  end. Such an open-ended loop does not make the scene longer: the scene ends where its other
  elements end (or at the render's `duration`), and the loop is closed there.
* A transition between two videos crosses their sound with an equal-power curve over the
  transition window (`audio: "cut"` keeps the hard cut). The outgoing sound goes on past the
  cut (source material after its out_point, when there is some), the incoming one starts
  before it (material before its in_point, when there is some).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from framelane.render.timeline import AudioClip, Layer, TransitionRole, seconds


@dataclass(frozen=True, slots=True)
class Span:
    end: Fraction
    """Output seconds where the element stops (one pass for an open-ended loop)."""
    loop: Fraction | None = None
    """Source seconds of one pass, when the media repeats."""
    open_ended: bool = False


def media_span(
    element: Any, start: Fraction, in_point: Fraction, out_point: Fraction, speed: Fraction
) -> Span:
    """The span of a video or audio element whose source plays from in_point to out_point."""
    one_pass = max(out_point - in_point, Fraction(0))
    natural = start + one_pass / speed
    trim = start + seconds(element.duration) if element.duration else None
    if element.loop and one_pass > 0:
        if trim is None:
            return Span(natural, one_pass, open_ended=True)
        return Span(trim, one_pass)
    return Span(natural if trim is None else min(natural, trim))


def scene_end(layers: Sequence[Layer], audio: Sequence[AudioClip]) -> Fraction:
    """Where a scene without a `duration` ends: its last element, open-ended loops aside
    (unless nothing else is there: then one pass of them)."""
    closed = [layer.own_end for layer in layers if not layer.open_ended]
    closed += [clip.end for clip in audio if not clip.open_ended]
    if closed:
        return max(closed)
    ends = [layer.own_end for layer in layers] + [clip.end for clip in audio]
    return max(ends, default=Fraction(0))


def close_open_loops(
    layers: list[Layer], audio: list[AudioClip], end: Fraction
) -> tuple[list[Layer], list[AudioClip]]:
    """Stretch every open-ended loop to the scene's `end`."""
    stretched = [
        replace(layer, end=end, own_end=end)
        if layer.open_ended and end > layer.own_start
        else layer
        for layer in layers
    ]
    heard = [
        replace(clip, end=end) if clip.open_ended and end > clip.start else clip for clip in audio
    ]
    return stretched, heard


def follow_transitions(audio: list[AudioClip], layers: Sequence[Layer]) -> list[AudioClip]:
    """Cross the sound of every pair of videos joined by a transition."""
    owners = {layer.key: layer for layer in layers}
    crossed = []
    for clip in audio:
        layer = owners.get(clip.layer or "")
        if layer is not None:
            for role in layer.transitions:
                if role.audio == "crossfade":
                    clip = _crossed(clip, role, layer)
        crossed.append(clip)
    return crossed


def _crossed(clip: AudioClip, role: TransitionRole, layer: Layer) -> AudioClip:
    window = (role.start, role.start + role.duration)
    if role.role == "from":
        return replace(clip, end=max(clip.end, window[1]), crossfade_out=window)
    if clip.loop is not None:
        return replace(clip, crossfade_in=window)
    lead = min(layer.own_start - window[0], clip.in_point / clip.speed)
    return replace(
        clip,
        start=clip.start - lead,
        in_point=clip.in_point - lead * clip.speed,
        crossfade_in=window,
    )
