"""Tiny real media files made with PyAV and Pillow for the ingest tests."""

from __future__ import annotations

import struct
import zlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image


def make_video(
    path: Path,
    *,
    seconds: float = 1.0,
    fps: int = 10,
    size: tuple[int, int] = (64, 48),
    audio: bool = True,
    codec: str = "libx264",
    rotation: int = 0,
) -> Path:
    """An H.264 (or VP9 for .webm) clip with a moving colour and, optionally, a sine tone."""
    width, height = size
    with av.open(str(path), "w") as container:
        video = container.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        if rotation:
            video.set_display_rotation(rotation)
        sound = (
            container.add_stream("aac" if path.suffix != ".webm" else "libopus", rate=48000)
            if audio
            else None
        )
        frames = int(seconds * fps)
        for index in range(frames):
            pixels = np.full((height, width, 3), (index * 20) % 255, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if sound is not None:
            _write_tone(container, sound, seconds)
    return path


def _write_tone(
    container: av.container.OutputContainer, stream: av.AudioStream, seconds: float
) -> None:
    rate = 48000
    samples = 1024
    total = int(seconds * rate)
    for start in range(0, total, samples):
        t = (np.arange(start, start + samples) / rate).astype(np.float32)
        wave = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(
            np.repeat(wave, 2, axis=0), format="fltp", layout="stereo"
        )
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def make_wav(path: Path, seconds: float = 0.5) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=16000)
        stream.layout = "mono"
        samples = int(seconds * 16000)
        wave = (np.sin(np.arange(samples) / 8) * 8000).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(wave, format="s16", layout="mono")
        frame.sample_rate = 16000
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def make_png(path: Path, size: tuple[int, int] = (32, 24)) -> Path:
    Image.new("RGB", size, (200, 30, 30)).save(path, "PNG")
    return path


def make_jpeg(path: Path, size: tuple[int, int] = (40, 30)) -> Path:
    Image.new("RGB", size, (30, 200, 30)).save(path, "JPEG")
    return path


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def make_png_bomb(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A few hundred bytes whose header claims width × height pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", body)
        + png_chunk(b"IEND", b"")
    )
    return path


def _tone_into(
    container: av.container.OutputContainer, stream: av.AudioStream, seconds: float
) -> None:
    """A 1 s tone in whatever sample format the encoder wants (via the resampler)."""
    rate = stream.rate
    resampler = av.AudioResampler(
        format=stream.codec_context.format.name,
        layout="stereo",
        rate=rate,
        frame_size=stream.codec_context.frame_size or 1024,
    )
    for start in range(0, int(seconds * rate), 1024):
        wave = (0.2 * np.sin(np.arange(start, start + 1024) / 10)).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(
            np.repeat(wave.reshape(1, -1), 2, axis=0), format="fltp", layout="stereo"
        )
        frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
        for out in resampler.resample(frame):
            container.mux(stream.encode(out))
    for out in resampler.resample(None):
        container.mux(stream.encode(out))
    container.mux(stream.encode(None))


def make_container(
    path: Path,
    *,
    video: str | None,
    audio: str | None,
    fmt: str | None = None,
    fps: int = 25,
    seconds: float = 1.0,
) -> Path:
    """Any container/codec pair PyAV can write (mkv, avi, mpeg-ps/ts, mp3, flac, ogg, m4a…)."""
    with av.open(str(path), "w", format=fmt) as container:
        # every stream is added before the first packet is muxed (the header is written then)
        stream = container.add_stream(video, rate=fps) if video else None
        sound = (
            container.add_stream(audio, rate=44100 if audio == "libmp3lame" else 48000)
            if audio
            else None
        )
        if stream is not None:
            stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
            for index in range(int(seconds * fps)):
                pixels = np.full((48, 64, 3), index * 9 % 255, dtype=np.uint8)
                frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
                frame.pts, frame.time_base = index, Fraction(1, fps)
                container.mux(stream.encode(frame))
            container.mux(stream.encode(None))
        if sound is not None:
            _tone_into(container, sound, seconds)
    return path
