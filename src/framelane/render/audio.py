"""The audio mix: every clip decoded once to 48 kHz stereo float (a temp memmap, so memory
stays flat), then mixed on demand per block with sample-accurate placement, speed, volume,
fades and short de-click ramps at hard cuts."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import numpy.typing as npt

from framelane.media.decode import SAMPLE_RATE as SAMPLE_RATE
from framelane.media.decode import Samples, decode_audio
from framelane.media.decode import sample_index as sample_index
from framelane.render.audio_mix import audible_length, clip_gain, looped_samples, samples_to_decode
from framelane.render.errors import RenderCancelled
from framelane.render.timeline import AudioClip


@dataclass(frozen=True, slots=True)
class PreparedClip:
    clip: AudioClip
    samples: Samples
    """(n, 2) source samples from `in_point` on."""
    start: int
    """Output sample of the clip's first sample."""
    length: int
    """Output samples the clip lasts."""


def decode_region(
    path: Path,
    in_point: Fraction,
    count: int,
    workdir: Path,
    should_cancel: Callable[[], bool] | None = None,
) -> Samples:
    """`count` stereo samples of `path` from `in_point` on, at 48 kHz (zeros past the end),
    in a temp memmap so memory stays flat."""
    target = np.lib.format.open_memmap(
        workdir / f"{path.stem}-{len(list(workdir.iterdir()))}.npy",
        mode="w+",
        dtype=np.float32,
        shape=(max(count, 1), 2),
    )

    def check_cancel() -> None:
        if should_cancel is not None and should_cancel():
            raise RenderCancelled("the render was cancelled")

    decode_audio(path, in_point, target, check_cancel)
    return target


class AudioMix:
    def __init__(
        self,
        clips: tuple[AudioClip, ...],
        duration: Fraction,
        should_cancel: Callable[[], bool] | None = None,
    ) -> None:
        self._tempdir = tempfile.TemporaryDirectory(prefix="framelane-audio-")
        self.total = sample_index(duration)
        self.should_cancel = should_cancel
        self.clips: list[PreparedClip] = []
        try:
            self.clips = [self._prepare(clip, Path(self._tempdir.name)) for clip in clips]
        except BaseException:
            self.close()
            raise

    @property
    def has_audio(self) -> bool:
        return bool(self.clips)

    def _prepare(self, clip: AudioClip, workdir: Path) -> PreparedClip:
        start = sample_index(clip.start)
        length = audible_length(clip, start, self.total)
        needed = samples_to_decode(clip, length)
        samples = decode_region(clip.source, clip.in_point, needed, workdir, self.should_cancel)
        return PreparedClip(clip, samples, start, length)

    def read(self, start: int, count: int) -> Samples:
        """Output samples [start, start + count) as (count, 2) float32 in −1…1."""
        mixed = np.zeros((count, 2), np.float32)
        for prepared in self.clips:
            _add_clip(mixed, prepared, start)
        np.clip(mixed, -1.0, 1.0, out=mixed)
        return mixed

    def close(self) -> None:
        self.clips = []
        self._tempdir.cleanup()


def _add_clip(mixed: Samples, prepared: PreparedClip, start: int) -> None:
    lo = max(start, prepared.start)
    hi = min(start + len(mixed), prepared.start + prepared.length)
    if lo >= hi:
        return
    relative = np.arange(lo - prepared.start, hi - prepared.start, dtype=np.float64)
    if prepared.clip.loop is not None:
        chunk = looped_samples(prepared.samples, prepared.clip, relative)
    else:
        chunk = _source_samples(prepared, relative)
    chunk *= clip_gain(prepared.clip, prepared.start, prepared.length, relative)[:, None]
    mixed[lo - start : hi - start] += chunk


def _source_samples(prepared: PreparedClip, relative: npt.NDArray[np.float64]) -> Samples:
    speed = float(prepared.clip.speed)
    source = prepared.samples
    if speed == 1.0:
        first = int(relative[0])
        return np.array(source[first : first + len(relative)], dtype=np.float32)
    positions = relative * speed
    lo = int(positions[0])
    hi = min(len(source), int(positions[-1]) + 2)
    window = np.asarray(source[lo:hi], dtype=np.float32)
    grid = np.arange(lo, lo + len(window), dtype=np.float64)
    left = np.interp(positions, grid, window[:, 0])
    right = np.interp(positions, grid, window[:, 1])
    return np.stack([left, right], axis=1).astype(np.float32)
