"""Real-world timing cases, generated at test time with PyAV (small, short, no downloads).

Every video frame carries its own index burned into its pixels (`counter`), every sound a
1 kHz beep starting at a known time (`BEEP_AT`): a test reads back which source frame, and
which sample, landed where.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

W, H = 64, 32
BITS = 8
BEEP_AT = 0.5
"""Seconds into each sound where the beep starts."""


def counter(index: int) -> np.ndarray:
    """An RGB frame showing `index` in binary: eight black or white columns, lowest bit left."""
    image = np.zeros((H, W, 3), np.uint8)
    for bit in range(BITS):
        if index >> bit & 1:
            image[:, bit * (W // BITS) : (bit + 1) * (W // BITS)] = 255
    return image


def read_counter(rgb: np.ndarray) -> int:
    """The index `counter` drew, read from the middle of each column (any frame size)."""
    height, width = rgb.shape[:2]
    row = rgb[height // 2]
    value = 0
    for bit in range(BITS):
        x = int((bit + 0.5) * width / BITS)
        if row[x, :3].astype(int).mean() > 128:
            value |= 1 << bit
    return value


def beep(rate: int, seconds: float, at: float = BEEP_AT) -> np.ndarray:
    """Silence, then a 0.1 s 1 kHz tone from `at`."""
    t = np.arange(round(rate * seconds)) / rate
    tone = (t >= at) & (t < at + 0.1)
    samples = np.zeros_like(t)
    samples[tone] = 0.8 * np.sin(2 * np.pi * 1000 * (t[tone] - at))
    return samples.astype(np.float32)


def onset(samples: np.ndarray, rate: int = 48_000) -> float:
    """Seconds to the first sample of the beep."""
    return float(np.argmax(np.abs(samples) > 0.1)) / rate


def _sound_frames(stream: Any, samples: np.ndarray) -> list[av.AudioFrame]:
    context = stream.codec_context
    size = context.frame_size or 1152
    kind = context.format.name
    frames = []
    for start in range(0, len(samples), size):
        block = np.zeros(size, np.float32)
        part = samples[start : start + size]
        block[: len(part)] = part
        data = block[None, :]
        if kind.startswith("s16"):
            data = (data * 32767).astype(np.int16)
        elif kind.startswith("s32"):
            data = (data * 2_147_483_000).astype(np.int32)
        frame = av.AudioFrame.from_ndarray(data, format=kind, layout="mono")
        frame.sample_rate, frame.pts = context.sample_rate, start
        frames.append(frame)
    return frames


def write_media(
    path: Path,
    *,
    container: str | None = None,
    video: str | None = "libx264",
    fps: Fraction = Fraction(25),
    frames: int = 25,
    pts: Sequence[int] | None = None,
    time_base: Fraction | None = None,
    audio: str | None = None,
    rate: int = 48_000,
    seconds: float = 1.0,
    options: dict[str, str] | None = None,
    last_duration: int | None = None,
) -> Path:
    """A file with a counter video (frame n at `pts[n]` × `time_base`, by default n / fps;
    the last frame lasting `last_duration` ticks when given) and/or a beep (`audio` codec),
    in `container` (by default from the suffix)."""
    with av.open(str(path), "w", format=container, options=options or {}) as out:
        sound = None
        if audio is not None:
            sound = out.add_stream(audio, rate=rate, layout="mono")
        picture = None
        if video is not None:
            picture = out.add_stream(video, rate=fps)
            picture.width, picture.height, picture.pix_fmt = W, H, "yuv420p"
            if time_base is not None:
                picture.time_base = time_base
                picture.codec_context.time_base = time_base
        if picture is not None:
            packets = []
            for n in range(frames):
                frame = av.VideoFrame.from_ndarray(counter(n), format="rgb24")
                frame.pts = n if pts is None else pts[n]
                if time_base is not None:
                    frame.time_base = time_base
                packets += picture.encode(frame)
            packets += picture.encode(None)
            if last_duration is not None:
                max(packets, key=lambda packet: packet.pts).duration = last_duration
            out.mux(packets)
        if sound is not None:
            for frame in _sound_frames(sound, beep(rate, seconds)):
                out.mux(sound.encode(frame))
            out.mux(sound.encode(None))
    return path


def source_frames(path: Path) -> list[tuple[Fraction, int]]:
    """(timestamp in seconds, counter) of every frame FFmpeg presents, in order."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [
            (frame.pts * frame.time_base, read_counter(frame.to_ndarray(format="rgb24")))
            for frame in container.decode(stream)
        ]
