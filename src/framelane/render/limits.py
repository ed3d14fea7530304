"""Numeric limits, checked before any pixel work (→ `limit_exceeded`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction

from framelane.core.errors import LimitExceeded


@dataclass(frozen=True, slots=True)
class RenderLimits:
    max_width: int = 8192
    max_height: int = 8192
    max_frame_rate: int = 240
    max_duration: float = 3 * 3600.0
    """Seconds of output."""
    max_pixel_frames: float = 5e11
    """width × height × frames of the output (1080p30 for 3 h is 2.2e11)."""
    max_image_pixels: int = 100_000_000
    """Decoded pixels of one image source."""
    max_video_pixels: int = 8192 * 8192
    """Pixels of one video frame of a source."""
    max_source_bytes: int = 5 * 1024**3
    max_source_duration: float = 3 * 3600.0
    max_nesting: int = 8
    """Depth of nested compositions."""
    max_glyph_motions: int = 200
    """Non-space characters of one text under a `scope: "character"` motion: a moving glyph
    is drawn alone from the whole paragraph, so the cost grows with the square of the count
    (about 0.4 s a 1080p frame at 200; 3.6 s at 500)."""

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


DEFAULT_LIMITS = RenderLimits()


def _refuse(what: str, value: float, limit: float) -> LimitExceeded:
    return LimitExceeded(
        f"{what} {value:g} exceeds the limit {limit:g}",
        details=[{"limit": what, "value": value, "maximum": limit}],
    )


def check_output(
    limits: RenderLimits, width: int, height: int, fps: Fraction, duration: Fraction
) -> None:
    """Refuse an output that is too large, before any source is decoded."""
    if width > limits.max_width:
        raise _refuse("width", width, limits.max_width)
    if height > limits.max_height:
        raise _refuse("height", height, limits.max_height)
    if fps > limits.max_frame_rate:
        raise _refuse("frame_rate", float(fps), limits.max_frame_rate)
    if duration > limits.max_duration:
        raise _refuse("duration", float(duration), limits.max_duration)
    pixel_frames = float(width * height * duration * fps)
    if pixel_frames > limits.max_pixel_frames:
        raise _refuse("pixel_frames", pixel_frames, limits.max_pixel_frames)
