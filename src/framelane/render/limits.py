"""Numeric limits, checked before any pixel work (→ `limit_exceeded`)."""

from __future__ import annotations

import math
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


def _refuse(what: str, value: float, limit: float, unit: str = "") -> LimitExceeded:
    over = value - limit
    return LimitExceeded(
        f"{what} is {value:g}{unit}, over the limit of {limit:g}{unit}: "
        f"reduce {what} by at least {over:g}{unit}",
        details=[{"limit": what, "value": value, "maximum": limit, "reduce": {what: limit}}],
    )


def _largest_duration(limits: RenderLimits, width: int, height: int, fps: Fraction) -> float:
    return math.floor(limits.max_pixel_frames / (width * height * fps) * 100) / 100


def _refuse_pixel_frames(
    limits: RenderLimits, width: int, height: int, fps: Fraction, duration: Fraction
) -> LimitExceeded:
    """Name the request values that multiply into pixel_frames, and what each alone would
    have to come down to."""
    pixel_frames = float(width * height * duration * fps)
    factor = pixel_frames / limits.max_pixel_frames
    scale = math.sqrt(factor)
    reduce = {
        "duration": _largest_duration(limits, width, height, fps),
        "frame_rate": math.floor(float(fps) / factor),
        "width": _even_down(width / scale),
        "height": _even_down(height / scale),
    }
    return LimitExceeded(
        f"the output is too large: {width}x{height} at {float(fps):g} fps for "
        f"{float(duration):g} s is {pixel_frames:.3g} pixel-frames (width × height × frames), "
        f"{factor:.3g} times the limit of {limits.max_pixel_frames:.3g}. Reduce any of them: "
        f"duration to at most {reduce['duration']:g} s, or frame_rate to at most "
        f"{reduce['frame_rate']}, or the canvas to at most {reduce['width']}x{reduce['height']}",
        details=[
            {
                "limit": "pixel_frames",
                "value": pixel_frames,
                "maximum": limits.max_pixel_frames,
                "factor": factor,
                "reduce": reduce,
            }
        ],
    )


def _even_down(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def check_output(
    limits: RenderLimits, width: int, height: int, fps: Fraction, duration: Fraction
) -> None:
    """Refuse an output that is too large, before any source is decoded."""
    if width > limits.max_width:
        raise _refuse("width", width, limits.max_width, " px")
    if height > limits.max_height:
        raise _refuse("height", height, limits.max_height, " px")
    if fps > limits.max_frame_rate:
        raise _refuse("frame_rate", float(fps), limits.max_frame_rate, " fps")
    if duration > limits.max_duration:
        raise _refuse("duration", float(duration), limits.max_duration, " s")
    if float(width * height * duration * fps) > limits.max_pixel_frames:
        raise _refuse_pixel_frames(limits, width, height, fps, duration)
