"""Gain and sample positions of one clip in the mix: volume, fades that end where the clip
actually stops being heard (its end, or the render's when that comes first), equal-power
crossfades at transitions, and repeats of a looping clip."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from framelane.media.decode import SAMPLE_RATE, Samples, sample_index
from framelane.render.timeline import AudioClip

DECLICK_SECONDS = 0.005
Positions = npt.NDArray[np.float64]


def audible_length(clip: AudioClip, start: int, total: int) -> int:
    """Output samples the clip is heard: until its end, or the render's end if sooner."""
    return max(0, min(sample_index(clip.end), total) - start)


def samples_to_decode(clip: AudioClip, length: int) -> int:
    """Source samples needed: one pass of a loop, else what `length` output samples play."""
    if clip.loop is not None:
        return sample_index(clip.loop) + 2
    return int(np.ceil(length * float(clip.speed))) + 2


def looped_samples(source: Samples, clip: AudioClip, relative: Positions) -> Samples:
    """Samples at output offsets `relative` of a clip that repeats one pass of `source`."""
    period = sample_index(clip.loop or Fraction(0))
    if period <= 0:
        return np.zeros((len(relative), 2), np.float32)
    positions = np.mod(relative * float(clip.speed), period)
    below = np.floor(positions).astype(np.int64)
    weight = (positions - below)[:, None]
    window = np.asarray(source[: period + 1], dtype=np.float32)
    after = np.mod(below + 1, period)
    mixed: Samples = (window[below] * (1.0 - weight) + window[after] * weight).astype(np.float32)
    return mixed


def clip_gain(clip: AudioClip, start: int, length: int, relative: Positions) -> Positions:
    """Volume × fade-in × fade-out × crossfades at output offsets `relative` (from `start`);
    `length` is where the clip stops being heard, so the fade-out always completes."""
    fade_in = max(clip.fade_in, DECLICK_SECONDS) * SAMPLE_RATE
    fade_out = max(clip.fade_out, DECLICK_SECONDS) * SAMPLE_RATE
    ramp_in = np.clip((relative + 0.5) / fade_in, 0.0, 1.0)
    ramp_out = np.clip((length - relative - 0.5) / fade_out, 0.0, 1.0)
    gain = clip.volume * ramp_in * ramp_out
    if clip.crossfade_in is not None:
        gain *= np.sin(_progress(clip.crossfade_in, start, relative) * math.pi / 2)
    if clip.crossfade_out is not None:
        gain *= np.cos(_progress(clip.crossfade_out, start, relative) * math.pi / 2)
    return gain


def _progress(window: tuple[Fraction, Fraction], start: int, relative: Positions) -> Positions:
    """0 → 1 across `window` (output seconds), at output offsets `relative` from `start`."""
    first, last = sample_index(window[0]) - start, sample_index(window[1]) - start
    span = max(last - first, 1)
    return np.clip((relative + 0.5 - first) / span, 0.0, 1.0)
