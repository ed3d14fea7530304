"""One output rendered in parts: which renders may be split and where, the audio track mixed
once, and the parts joined by stream copy.

A part is frames [a, b) of the full timeline rendered by `pipeline.render(frames=…)`: every
frame is a pure function of its index (transitions, nested scenes, motions and seeded effects
are evaluated at the frame's time; video sources are decoded from an exact seek), and a fresh
encoder makes the part one closed GOP that starts with a key frame. Joining is a remux: the
parts' packets are copied one after the other with their timestamps shifted by the frames
before them, and the audio track, mixed and encoded in one piece, is copied beside them, so no
seam exists in the sound and no frame is encoded twice.
"""

from __future__ import annotations

import heapq
import multiprocessing
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import av

from framelane.media.decode import SAMPLE_RATE, Samples
from framelane.render.audio import AudioMix
from framelane.render.encode import CONTENT_TYPES, render_format
from framelane.render.errors import EncodeFailed, RenderCancelled
from framelane.render.fonts import FontLibrary
from framelane.render.limits import DEFAULT_LIMITS, RenderLimits
from framelane.render.pipeline import (
    RenderResult,
    _as_spec,
    _encoded,
    _resolving,
    _timeline,
    render,
)
from framelane.render.sources.resolve import DefaultResolver, SourceResolver
from framelane.render.spec import RenderSpec

SPLITTABLE_FORMATS = ("mp4", "webm", "mov")
"""Outputs whose parts join without re-encoding (H.264 and VP9 from a key frame; ProRes is all
key frames). A GIF's palette is made from every frame, and a still is one frame."""
AUDIO_BLOCK = 48_000
"""Samples mixed and encoded at a time (one second)."""


@dataclass(frozen=True, slots=True)
class Outline:
    """What splitting a render needs to know, from its built timeline."""

    frame_count: int
    fps: Fraction
    has_audio: bool
    width: int
    height: int
    duration: float
    warnings: tuple[dict[str, str], ...] = ()


def split_refusal(spec: RenderSpec) -> str | None:
    """Why this render is rendered in one piece whatever its length, or None."""
    if spec.output_format not in SPLITTABLE_FORMATS:
        return f"a {spec.output_format} output is made in one piece"
    if spec.chunking == "off":
        return "the request set chunking to off"
    return None


def frame_ranges(frame_count: int, fps: Fraction, chunk_seconds: float) -> list[range]:
    """Whole frames in parts of about `chunk_seconds` (the nearest count of parts), as even as
    whole frames allow."""
    per_part = max(1, round(Fraction(chunk_seconds) * fps))
    parts = max(1, round(frame_count / per_part))
    bounds = [frame_count * i // parts for i in range(parts + 1)]
    return [range(bounds[i], bounds[i + 1]) for i in range(parts)]


def outline(
    spec: RenderSpec | dict[str, Any],
    *,
    resolver: SourceResolver | None = None,
    limits: RenderLimits | None = None,
) -> Outline:
    """Build the timeline (sources resolved) and describe the output."""
    parsed = _as_spec(spec)
    limits = limits or DEFAULT_LIMITS
    with _resolving(resolver, limits) as chosen:
        timeline = _timeline(parsed, chosen, limits, FontLibrary())
    return Outline(
        frame_count=timeline.frame_count,
        fps=timeline.fps,
        has_audio=bool(timeline.audio),
        width=_encoded(timeline.width, parsed.output_format),
        height=_encoded(timeline.height, parsed.output_format),
        duration=float(timeline.duration),
        warnings=tuple(timeline.warnings),
    )


def render_audio_track(
    spec: RenderSpec | dict[str, Any],
    out_path: Path | str,
    *,
    resolver: SourceResolver | None = None,
    limits: RenderLimits | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> bool:
    """The whole mix, in one piece, encoded as the output's audio stream alone (in the output's
    container). False, with no file, when the render has no sound."""
    parsed = _as_spec(spec)
    out = Path(out_path)
    limits = limits or DEFAULT_LIMITS
    with _resolving(resolver, limits) as chosen:
        timeline = _timeline(parsed, chosen, limits, FontLibrary())
        if not timeline.audio:
            return False
        mix = AudioMix(timeline.audio, timeline.duration, should_cancel)
        try:
            _encode_track(mix, out, parsed.output_format, should_cancel)
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        finally:
            mix.close()
    return True


def _encode_track(
    mix: AudioMix, out: Path, output_format: str, should_cancel: Callable[[], bool] | None
) -> None:
    codec = render_format(output_format, alpha=False).audio_codec
    with av.open(str(out), "w", format=output_format) as container:
        stream = cast(av.AudioStream, container.add_stream(codec, rate=SAMPLE_RATE))
        stream.layout = "stereo"
        if codec == "aac":
            stream.bit_rate = 192_000
        size = stream.codec_context.frame_size or 1024
        written = 0
        for block in _blocks(mix, size * (AUDIO_BLOCK // size)):
            if should_cancel is not None and should_cancel():
                raise RenderCancelled("the render was cancelled")
            for start in range(0, len(block), size):
                frame = _audio_frame(block[start : start + size], written)
                written += frame.samples
                container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def _blocks(mix: AudioMix, block: int) -> Iterator[Samples]:
    for start in range(0, mix.total, block):
        yield mix.read(start, min(block, mix.total - start))


def _audio_frame(samples: Samples, pts: int) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(samples.T.copy(), format="fltp", layout="stereo")
    frame.sample_rate = SAMPLE_RATE
    frame.pts = pts
    frame.time_base = Fraction(1, SAMPLE_RATE)
    return frame


def join_parts(
    parts: Sequence[tuple[Path, int]],
    audio: Path | None,
    out_path: Path | str,
    output_format: str,
    fps: Fraction,
) -> None:
    """The parts (path, frame count) one after the other, and the audio track beside them,
    copied into one file (no decoding): each part's timestamps are shifted by the frames of the
    parts before it."""
    out = Path(out_path)
    options = {"movflags": "+faststart"} if output_format in ("mp4", "mov") else {}
    try:
        with av.open(str(out), "w", format=output_format, options=options) as container:
            inputs = [av.open(str(part)) for part, _ in parts]
            track = av.open(str(audio)) if audio is not None else None
            try:
                starts = [Fraction(sum(n for _, n in parts[:i])) / fps for i in range(len(parts))]
                _remux(container, list(zip(inputs, starts, strict=True)), track)
            finally:
                for opened in inputs:
                    opened.close()
                if track is not None:
                    track.close()
    except (av.error.FFmpegError, ValueError) as error:
        out.unlink(missing_ok=True)
        raise EncodeFailed(f"cannot join the rendered parts: {error}") from error
    except BaseException:
        out.unlink(missing_ok=True)
        raise


def _remux(container: Any, inputs: list[tuple[Any, Fraction]], track: Any | None) -> None:
    video = container.add_stream_from_template(inputs[0][0].streams.video[0])
    streams = [_shifted_video(inputs, video)]
    if track is not None:
        audio = container.add_stream_from_template(track.streams.audio[0])
        streams.append(_copied(track, audio))
    for _, _, packet in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
        container.mux(packet)


def _shifted_video(
    inputs: list[tuple[Any, Fraction]], out_stream: Any
) -> Iterator[tuple[Fraction, int, Any]]:
    """Every part's video packets, their timestamps moved to the part's start."""
    for opened, start in inputs:
        stream = opened.streams.video[0]
        base = stream.time_base
        shift = round(start / base)
        for packet in opened.demux(stream):
            if packet.dts is None and packet.pts is None:
                continue  # the demuxer's end-of-stream packet
            packet.pts = packet.pts + shift if packet.pts is not None else None
            packet.dts = packet.dts + shift if packet.dts is not None else None
            packet.stream = out_stream
            yield packet.dts * base, 0, packet


def _copied(track: Any, out_stream: Any) -> Iterator[tuple[Fraction, int, Any]]:
    stream = track.streams.audio[0]
    for packet in track.demux(stream):
        if packet.dts is None:
            continue
        packet.stream = out_stream
        yield packet.dts * stream.time_base, 1, packet


def render_in_parts(
    spec: RenderSpec,
    out_path: Path | str,
    *,
    workers: int,
    chunk_seconds: float,
    min_seconds: float,
    base_dir: Path | None = None,
    on_part: Callable[[int, int], None] | None = None,
) -> tuple[RenderResult, int]:
    """Render on this machine with `workers` processes, split in parts as a worker fleet
    does (same parts, same join); one piece when the render is not split. Returns the result
    and the number of parts. `on_part(done, total)` is called as parts finish."""
    out = Path(out_path)
    shape = outline(spec, resolver=DefaultResolver(base_dir=base_dir))
    ranges = frame_ranges(shape.frame_count, shape.fps, chunk_seconds)
    if split_refusal(spec) is not None or shape.duration < min_seconds or len(ranges) < 2:
        return render(spec, out, resolver=DefaultResolver(base_dir=base_dir)), 1
    data = spec.model_dump(mode="json", exclude_none=True)
    with tempfile.TemporaryDirectory(prefix="framelane-parts-") as scratch:
        paths = [Path(scratch) / f"part-{i}.{spec.output_format}" for i in range(len(ranges))]
        audio = Path(scratch) / f"audio.{spec.output_format}" if shape.has_audio else None
        jobs = [
            (data, base_dir, path, frames.start, frames.stop)
            for path, frames in zip(paths, ranges, strict=True)
        ]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=context) as pool:
            futures = [pool.submit(_render_part_file, *job) for job in jobs]
            if audio is not None:
                futures.append(pool.submit(_render_audio_file, data, base_dir, audio))
            for done, future in enumerate(as_completed(futures), start=1):
                future.result()
                if on_part is not None:
                    on_part(done, len(futures))
        parts = [(path, len(frames)) for path, frames in zip(paths, ranges, strict=True)]
        join_parts(parts, audio, out, spec.output_format, shape.fps)
    result = RenderResult(
        path=out,
        width=shape.width,
        height=shape.height,
        duration=shape.duration,
        size_bytes=out.stat().st_size,
        content_type=CONTENT_TYPES[spec.output_format],
        warnings=list(shape.warnings),
    )
    return result, len(ranges)


def _render_part_file(
    data: dict[str, Any], base_dir: Path | None, path: Path, start: int, stop: int
) -> None:
    resolver = DefaultResolver(base_dir=base_dir)
    try:
        render(data, path, resolver=resolver, frames=range(start, stop))
    finally:
        resolver.close()


def _render_audio_file(data: dict[str, Any], base_dir: Path | None, path: Path) -> None:
    resolver = DefaultResolver(base_dir=base_dir)
    try:
        render_audio_track(data, path, resolver=resolver)
    finally:
        resolver.close()
