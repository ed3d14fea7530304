"""Fixtures for the render engine: tiny media generated with PyAV/Pillow (≤ 320×180, ≤ 2 s)
and helpers that render one frame without encoding."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from av.video.reformatter import ColorRange, Colorspace
from PIL import Image

from framelane.render.build import BuildContext, build_timeline
from framelane.render.fonts import FontLibrary
from framelane.render.limits import DEFAULT_LIMITS
from framelane.render.pixels import unpremultiply
from framelane.render.scene import SceneRenderer
from framelane.render.sources.resolve import DefaultResolver
from framelane.render.spec import parse_spec
from framelane.render.timeline import Timeline

W, H = 160, 90
SAMPLE_RATE = 48_000


def write_png(path: Path, rgba: tuple[int, int, int, int], size: tuple[int, int] = (W, H)) -> Path:
    Image.new("RGBA", size, rgba).save(path)
    return path


def write_video(
    path: Path,
    *,
    seconds: float = 1.0,
    fps: int = 30,
    size: tuple[int, int] = (W, H),
    frame: Callable[[int], np.ndarray] | None = None,
    tone: np.ndarray | None = None,
    codec: str = "libx264",
    bt709: bool = False,
) -> Path:
    """A clip whose frame n is `frame(n)` (RGB), grey levels = 8·n by default. `bt709`:
    converted with the BT.709 matrix and tagged so (otherwise untagged BT.601, as swscale
    converts by default)."""
    frames = round(seconds * fps)
    with av.open(str(path), "w") as out:
        video = out.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        video.options = {"crf": "10"} if codec == "libx264" else {}
        if bt709:
            context = video.codec_context
            context.colorspace = context.color_primaries = context.color_trc = 1
            context.color_range = ColorRange.MPEG
        audio = None
        if tone is not None:
            audio = out.add_stream("aac", rate=SAMPLE_RATE)
            audio.layout = "stereo"
        for n in range(frames):
            rgb = frame(n) if frame else np.full((size[1], size[0], 3), min(255, 8 * n), np.uint8)
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            if bt709:
                vf = vf.reformat(
                    format="yuv420p",
                    dst_colorspace=Colorspace.ITU709,
                    dst_color_range=ColorRange.MPEG,
                )
            vf.pts = n
            out.mux(video.encode(vf))
        out.mux(video.encode(None))
        if audio is not None and tone is not None:
            _write_tone(out, audio, tone)
    return path


def _write_tone(out: Any, audio: Any, tone: np.ndarray) -> None:
    for start in range(0, len(tone), 1024):
        block = tone[start : start + 1024].astype(np.float32)
        af = av.AudioFrame.from_ndarray(np.stack([block, block]), format="fltp", layout="stereo")
        af.sample_rate, af.pts = SAMPLE_RATE, start
        out.mux(audio.encode(af))
    out.mux(audio.encode(None))


def write_wav(path: Path, mono: np.ndarray) -> Path:
    """16-bit PCM WAV (lossless, so sample positions survive exactly)."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=SAMPLE_RATE)
        stream.layout = "stereo"
        pcm = (np.clip(mono, -1, 1) * 32767).astype(np.int16)
        for start in range(0, len(pcm), 1024):
            block = pcm[start : start + 1024]
            packed = np.stack([block, block], axis=1).reshape(1, -1)
            af = av.AudioFrame.from_ndarray(packed, format="s16", layout="stereo")
            af.sample_rate, af.pts = SAMPLE_RATE, start
            out.mux(stream.encode(af))
        out.mux(stream.encode(None))
    return path


def beep(seconds: float, freq: float = 1000.0, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def timeline_of(data: dict[str, Any], base: Path) -> tuple[Timeline, FontLibrary]:
    spec = parse_spec(data).spec
    fonts = FontLibrary()
    ctx = BuildContext(DefaultResolver(base_dir=base), DEFAULT_LIMITS, fonts)
    return build_timeline(spec, ctx), fonts


def frame_rgba(data: dict[str, Any], base: Path, index: int = 0) -> np.ndarray:
    """Frame `index` as straight-alpha RGBA (H, W, 4), rendered without encoding."""
    timeline, fonts = timeline_of(data, base)
    background = timeline.background
    scene = SceneRenderer(timeline, fonts, background)
    try:
        bgra = scene.render(index).copy()
    finally:
        scene.close()
    return unpremultiply(bgra)[..., [2, 1, 0, 3]]


def calls_to(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[tuple[Any, ...]]:
    """Each call to `owner.name` from now on, by its positional arguments (a method's include
    the instance); the calls still go through."""
    calls: list[tuple[Any, ...]] = []
    original = getattr(owner, name)

    def recorded(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)
    return calls


def canvas(elements: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"width": W, "height": H, "background_color": "#000000", "elements": elements, **extra}


def decode_frames(path: Path, fmt: str = "rgb24", codec: str | None = None) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if codec is None:
            return [f.to_ndarray(format=fmt) for f in container.decode(stream)]
        decoder = av.CodecContext.create(codec, "r")
        frames = []
        for packet in container.demux(stream):
            frames += [f.to_ndarray(format=fmt) for f in decoder.decode(packet)]
        return frames


def decode_audio(path: Path) -> np.ndarray:
    """Mono float samples at 48 kHz."""
    chunks = []
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        for frame in container.decode(container.streams.audio[0]):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
    return np.concatenate(chunks)


@pytest.fixture
def red_png(tmp_path: Path) -> Path:
    return write_png(tmp_path / "red.png", (255, 0, 0, 255))


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_video(tmp_path / "clip.mp4")


@pytest.fixture
def fps30() -> Fraction:
    return Fraction(30)
