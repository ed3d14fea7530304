"""Normalise a spec into a `Timeline`: rational times, resolved sizes, probed sources,
paint order and transition windows. Runs once, before any pixel work."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from framelane.core.errors import ValidationFailed
from framelane.render.adjust import Adjustments
from framelane.render.effects import EffectInput
from framelane.render.lut import Lut3D
from framelane.render.placement import BoxStyle, Placement
from framelane.render.sources.probe import MediaInfo
from framelane.render.sources.text import TextLook
from framelane.render.spec.fields import MotionSpec
from framelane.render.spec.models import VisualElement
from framelane.render.spec.units import Rgba


def seconds(value: float) -> Fraction:
    """A spec number as an exact fraction (0.1 → 1/10, not the nearest binary double)."""
    return Fraction(repr(float(value)))


def frame_at_or_after(time: Fraction, fps: Fraction) -> int:
    """The frame on which something starting at `time` first shows: round(time × fps)."""
    return math.floor(time * fps + Fraction(1, 2))


@dataclass(frozen=True, slots=True)
class TransitionRole:
    name: str
    start: Fraction
    duration: Fraction
    role: str
    """`from` (outgoing) or `to` (incoming)."""
    partner: str
    """Key of the other layer."""
    audio: str = "crossfade"
    """How the two layers' sound crosses: `crossfade` (equal power) or `cut`."""


@dataclass(frozen=True, slots=True)
class EffectStep:
    name: str
    args: EffectInput


@dataclass(frozen=True, slots=True)
class Picture:
    """Crop, colour, LUT and effects of a video or image layer."""

    crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """Fractions cut from (left, top, right, bottom)."""
    adjust: Adjustments = field(default_factory=Adjustments)
    lut: Lut3D | None = None
    lut_intensity: float = 1.0
    effects: tuple[EffectStep, ...] = ()


@dataclass(frozen=True, slots=True)
class Layer:
    key: str
    order: int
    kind: str
    element: VisualElement
    start: Fraction
    end: Fraction
    own_start: Fraction
    own_end: Fraction
    placement: Placement
    style: BoxStyle
    motions: tuple[MotionSpec, ...] = ()
    transitions: tuple[TransitionRole, ...] = ()
    source: Path | None = None
    media: MediaInfo | None = None
    in_point: Fraction = Fraction(0)
    speed: Fraction = Fraction(1)
    picture: Picture = field(default_factory=Picture)
    text: TextLook | None = None
    scene: Timeline | None = None
    loop: Fraction | None = None
    """Source seconds of one pass when the media repeats (`loop: true`)."""
    open_ended: bool = False
    """A loop without a duration: it lasts until the scene's end (set once that is known)."""

    def source_time(self, local: Fraction) -> Fraction:
        """Seconds into the source `local` seconds after the element's start."""
        played = local * self.speed
        return self.in_point + (played % self.loop if self.loop else played)

    def first_frame(self, fps: Fraction) -> int:
        return frame_at_or_after(self.start, fps)

    def end_frame(self, fps: Fraction) -> int:
        return frame_at_or_after(self.end, fps)

    def with_window(self, start: Fraction, end: Fraction) -> Layer:
        return replace(self, start=start, end=end)


@dataclass(frozen=True, slots=True)
class AudioClip:
    source: Path
    start: Fraction
    """Output-timeline seconds where the clip's first sample plays."""
    end: Fraction
    in_point: Fraction
    speed: Fraction
    volume: float
    fade_in: float
    fade_out: float
    loop: Fraction | None = None
    """Source seconds of one pass when the sound repeats."""
    open_ended: bool = False
    """A loop without a duration: it lasts until the scene's end."""
    layer: str | None = None
    """Key of the video layer whose sound this is."""
    crossfade_in: tuple[Fraction, Fraction] | None = None
    """Output seconds (start, end) over which the sound rises on an equal-power curve."""
    crossfade_out: tuple[Fraction, Fraction] | None = None
    """Output seconds (start, end) over which the sound falls on an equal-power curve."""


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    height: int
    fps: Fraction
    duration: Fraction
    background: Rgba | None
    background_image: Path | None
    layers: tuple[Layer, ...]
    """Paint order: first drawn first (bottom)."""
    audio: tuple[AudioClip, ...] = ()
    warnings: tuple[dict[str, str], ...] = ()

    @property
    def frame_count(self) -> int:
        """Frames of the output: the duration rounded to frames as element windows are (a
        clip ending 0.1 frame past a frame boundary adds no frame it would not be on)."""
        return max(1, frame_at_or_after(self.duration, self.fps))

    def frame_time(self, index: int) -> Fraction:
        return Fraction(index) / self.fps


def empty_timeline_error() -> ValidationFailed:
    return ValidationFailed(
        "the render has no duration: add elements or set duration",
        details=[{"loc": ["duration"], "msg": "cannot infer a duration", "type": "empty_timeline"}],
    )
