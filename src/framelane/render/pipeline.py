"""The only orchestrator: spec → timeline → for each frame: evaluate → composite → encode."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from framelane.media.gif import GifWriter, PaletteBuilder
from framelane.render.audio import AudioMix, sample_index
from framelane.render.build import BuildContext, build_timeline
from framelane.render.encode import CONTENT_TYPES, VideoWriter, still_bytes
from framelane.render.errors import RenderCancelled
from framelane.render.fonts import FontLibrary
from framelane.render.limits import DEFAULT_LIMITS, RenderLimits, check_output
from framelane.render.pixels import Pixels
from framelane.render.scene import SceneRenderer
from framelane.render.sources.resolve import DefaultResolver, SourceResolver
from framelane.render.spec import RenderSpec, parse_spec
from framelane.render.spec.units import Rgba
from framelane.render.timeline import Timeline, frame_at_or_after, seconds

ProgressCallback = Callable[[str, float], None]
CancelCheck = Callable[[], bool]
FrameCallback = Callable[[int, int], None]
"""(frames done, frame count), for progress bars that show frames and fps."""
STILL_FORMATS = ("png", "jpg")
BLACK: Rgba = (0, 0, 0, 255)
THUMB_WIDTH = 320


@dataclass(frozen=True, slots=True)
class RenderResult:
    path: Path
    width: int
    height: int
    duration: float
    size_bytes: int
    content_type: str
    warnings: list[dict[str, str]] = field(default_factory=list)


class Writer(Protocol):
    def write_frame(self, bgra: Pixels, index: int, frame: Any = None) -> None: ...

    def write_audio(self, samples: Any) -> None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


class Progress:
    """Overall percent, monotonic across stages: downloading 0–10, compositing 10–95,
    encoding 95–100."""

    SPANS = {"downloading": (0.0, 10.0), "compositing": (10.0, 95.0), "encoding": (95.0, 100.0)}

    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.last = -1.0

    def report(self, stage: str, fraction: float) -> None:
        low, high = self.SPANS[stage]
        percent = max(self.last, low + (high - low) * min(max(fraction, 0.0), 1.0))
        if self.callback is not None and percent > self.last:
            self.callback(stage, round(percent, 2))
        self.last = percent


@dataclass(frozen=True, slots=True)
class Hooks:
    progress: Progress
    should_cancel: CancelCheck | None
    on_frame: FrameCallback | None


def _as_spec(spec: RenderSpec | dict[str, Any]) -> RenderSpec:
    return spec if isinstance(spec, RenderSpec) else parse_spec(spec).spec


@contextmanager
def _resolving(resolver: SourceResolver | None, limits: RenderLimits) -> Iterator[SourceResolver]:
    """The caller's resolver, or a DefaultResolver (closed afterwards) for local use."""
    if resolver is not None:
        yield resolver
        return
    own = DefaultResolver(max_bytes=limits.max_source_bytes)
    try:
        yield own
    finally:
        own.close()


def _precheck(spec: RenderSpec, limits: RenderLimits) -> None:
    """Refuse absurd outputs before touching any source."""
    width, height = spec.canvas_size
    duration = seconds(spec.duration) if spec.duration else Fraction(0)
    check_output(limits, width, height, Fraction(spec.frame_rate), duration)


def _timeline(
    spec: RenderSpec, resolver: SourceResolver, limits: RenderLimits, fonts: FontLibrary
) -> Timeline:
    _precheck(spec, limits)
    timeline = build_timeline(spec, BuildContext(resolver, limits, fonts))
    check_output(limits, timeline.width, timeline.height, timeline.fps, timeline.duration)
    return timeline


def render(
    spec: RenderSpec | dict[str, Any],
    out_path: Path | str,
    *,
    resolver: SourceResolver | None = None,
    on_progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
    limits: RenderLimits | None = None,
    on_frame: FrameCallback | None = None,
    frames: range | None = None,
) -> RenderResult:
    """Render `spec` to `out_path`; the file is deleted again if anything fails.

    `frames`: only frames [start, stop) of the full timeline, as a video-only part that starts
    with a key frame and holds no frame of another part (a fresh encoder: a closed GOP), its
    timestamps starting at 0 (chunked.py joins the parts and adds the audio track)."""
    parsed = _as_spec(spec)
    if frames is not None and parsed.output_format in (*STILL_FORMATS, "gif"):
        raise ValueError(f"a {parsed.output_format} output is rendered in one piece")
    out = Path(out_path)
    progress = Progress(on_progress)
    progress.report("downloading", 0.0)
    limits = limits or DEFAULT_LIMITS
    try:
        with _resolving(resolver, limits) as chosen:
            fonts = FontLibrary()
            timeline = _timeline(parsed, chosen, limits, fonts)
            progress.report("downloading", 1.0)
            if parsed.output_format in STILL_FORMATS:
                _write_still(parsed, timeline, out, fonts)
            else:
                hooks = Hooks(progress, should_cancel, on_frame)
                chosen_frames = _clamped(frames, timeline.frame_count)
                _write_motion(parsed, timeline, out, fonts, hooks, chosen_frames)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    progress.report("encoding", 1.0)
    duration = timeline.duration if frames is None else Fraction(len(frames)) / timeline.fps
    return RenderResult(
        path=out,
        width=_encoded(timeline.width, parsed.output_format),
        height=_encoded(timeline.height, parsed.output_format),
        duration=0.0 if parsed.output_format in STILL_FORMATS else float(duration),
        size_bytes=out.stat().st_size,
        content_type=CONTENT_TYPES[parsed.output_format],
        warnings=list(timeline.warnings),
    )


def _clamped(frames: range | None, frame_count: int) -> range | None:
    """The requested frames that exist (None: all of them, with the audio)."""
    if frames is None:
        return None
    chosen = range(max(frames.start, 0), min(frames.stop, frame_count))
    if not chosen:
        raise ValueError(f"no frame of {frames} is in a timeline of {frame_count} frames")
    return chosen


def _encoded(size: int, output_format: str) -> int:
    """Video formats are 4:2:0 (or 4:2:2 ProRes): odd sizes are rounded up to even."""
    return size if output_format in (*STILL_FORMATS, "gif") else size + size % 2


def _write_still(spec: RenderSpec, timeline: Timeline, out: Path, fonts: FontLibrary) -> None:
    transparent = spec.output_format == "png"
    index = _frame_index(timeline, seconds(spec.snapshot_time))
    pixels = _render_frame(timeline, fonts, index, transparent)
    out.write_bytes(still_bytes(pixels, spec.output_format))


def _frame_index(timeline: Timeline, time: Fraction) -> int:
    return min(max(frame_at_or_after(time, timeline.fps), 0), timeline.frame_count - 1)


def _render_frame(timeline: Timeline, fonts: FontLibrary, index: int, transparent: bool) -> Pixels:
    scene = SceneRenderer(timeline, fonts, _background_of(timeline, transparent))
    try:
        scene.seek_all(index)
        return scene.render(index).copy()
    finally:
        scene.close()


def _background_of(timeline: Timeline, transparent: bool) -> Rgba | None:
    if timeline.background is not None:
        return timeline.background
    return None if transparent else BLACK


def _open_writer(
    spec: RenderSpec, timeline: Timeline, fonts: FontLibrary, out: Path, hooks: Hooks, audio: bool
) -> Writer:
    size = (timeline.width, timeline.height)
    if spec.output_format == "gif":
        return GifWriter(out, size, timeline.fps, _gif_palette(timeline, fonts, hooks))
    return VideoWriter(out, spec.output_format, size, timeline.fps, spec.alpha, audio)


def _gif_palette(timeline: Timeline, fonts: FontLibrary, hooks: Hooks) -> Any:
    """GIF pass 1: every frame through palettegen (the first half of the progress)."""
    builder = PaletteBuilder((timeline.width, timeline.height), timeline.fps)
    scene = SceneRenderer(timeline, fonts, _background_of(timeline, False), sequential=True)
    try:
        total = timeline.frame_count
        for index in range(total):
            _check_cancel(hooks)
            builder.add(scene.render(index), index)
            hooks.progress.report("compositing", (index + 1) / total / 2)
    finally:
        scene.close()
    return builder.finish()


def _check_cancel(hooks: Hooks) -> None:
    if hooks.should_cancel is not None and hooks.should_cancel():
        raise RenderCancelled("the render was cancelled")


def _write_motion(
    spec: RenderSpec,
    timeline: Timeline,
    out: Path,
    fonts: FontLibrary,
    hooks: Hooks,
    frames: range | None = None,
) -> None:
    """`frames`: a video-only part (see `render`)."""
    clips = timeline.audio if spec.output_format != "gif" and frames is None else ()
    mix = AudioMix(clips, timeline.duration, hooks.should_cancel)
    try:
        writer = _open_writer(spec, timeline, fonts, out, hooks, mix.has_audio)
    except BaseException:
        mix.close()
        raise
    planar = isinstance(writer, VideoWriter) and writer.accepts_planar
    scene = SceneRenderer(
        timeline, fonts, _background_of(timeline, spec.alpha), sequential=True, planar=planar
    )
    first_half = 0.5 if spec.output_format == "gif" else 0.0
    try:
        _frame_loop(timeline, scene, writer, mix, hooks, first_half, frames)
        hooks.progress.report("encoding", 0.0)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        scene.close()
        mix.close()


def _frame_loop(
    timeline: Timeline,
    scene: SceneRenderer,
    writer: Writer,
    mix: AudioMix,
    hooks: Hooks,
    done_before: float = 0.0,
    frames: range | None = None,
) -> None:
    chosen = frames if frames is not None else range(timeline.frame_count)
    total = len(chosen)
    audio_done = 0
    for done, index in enumerate(chosen):
        _check_cancel(hooks)
        _composite_frame(scene, writer, index, index - chosen.start)
        if mix.has_audio:
            until = min(sample_index(Fraction(index + 1) / timeline.fps), mix.total)
            writer.write_audio(mix.read(audio_done, until - audio_done))
            audio_done = until
        hooks.progress.report("compositing", done_before + (1 - done_before) * (done + 1) / total)
        if hooks.on_frame is not None:
            hooks.on_frame(done + 1, total)


def _composite_frame(scene: SceneRenderer, writer: Writer, index: int, pts: int) -> None:
    """Frame `index` to the writer at `pts`: composited in the output's own 4:2:0 format when
    the scene can (planar.py), else in BGRA."""
    if scene.planar and isinstance(writer, VideoWriter):
        planar = writer.planar_frame()
        if scene.render_planar(index, planar):
            writer.write_planar(planar, pts)
            return
        writer.release_planar(planar)
    pixels, frame = scene.render_handover(index)
    writer.write_frame(pixels, pts, frame)


def render_still_png(
    spec: RenderSpec | dict[str, Any],
    time: float,
    *,
    resolver: SourceResolver | None = None,
    limits: RenderLimits | None = None,
) -> bytes:
    """One frame at `time` as PNG (the preview endpoint)."""
    parsed = _as_spec(spec)
    limits = limits or DEFAULT_LIMITS
    with _resolving(resolver, limits) as chosen:
        fonts = FontLibrary()
        timeline = _timeline(parsed, chosen, limits, fonts)
        index = _frame_index(timeline, seconds(time))
        pixels = _render_frame(timeline, fonts, index, parsed.alpha)
    return still_bytes(pixels, "png")


def render_contact_sheet_png(
    spec: RenderSpec | dict[str, Any],
    count: int,
    *,
    resolver: SourceResolver | None = None,
    limits: RenderLimits | None = None,
    window: tuple[float, float] | None = None,
) -> bytes:
    """`count` evenly spaced frames as thumbnails in a grid, as one PNG; `window`
    (start, end seconds) spreads them over that stretch instead of the whole timeline."""
    parsed = _as_spec(spec)
    limits = limits or DEFAULT_LIMITS
    with _resolving(resolver, limits) as chosen:
        fonts = FontLibrary()
        timeline = _timeline(parsed, chosen, limits, fonts)
        first, last = 0, timeline.frame_count - 1
        if window is not None:
            first = _frame_index(timeline, seconds(window[0]))
            last = max(first, _frame_index(timeline, seconds(window[1])))
        thumbs = _thumbnails(timeline, fonts, max(1, count), first, last)
    return still_bytes(_grid(thumbs), "png")


def _thumbnails(
    timeline: Timeline, fonts: FontLibrary, count: int, first: int, last: int
) -> list[Pixels]:
    scene = SceneRenderer(timeline, fonts, _background_of(timeline, False))
    height = max(1, round(THUMB_WIDTH * timeline.height / timeline.width))
    try:
        picks = sorted(
            {first + round(i * (last - first) / max(1, count - 1)) for i in range(count)}
        )
        return [_thumbnail(scene.render(i), (THUMB_WIDTH, height)) for i in picks]
    finally:
        scene.close()


def _thumbnail(pixels: Pixels, size: tuple[int, int]) -> Pixels:
    return np.asarray(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def _grid(thumbs: list[Pixels]) -> Pixels:
    columns = math.ceil(math.sqrt(len(thumbs)))
    rows = math.ceil(len(thumbs) / columns)
    height, width = thumbs[0].shape[:2]
    sheet = np.zeros((rows * height, columns * width, 4), np.uint8)
    for i, thumb in enumerate(thumbs):
        r, c = divmod(i, columns)
        sheet[r * height : (r + 1) * height, c * width : (c + 1) * width] = thumb
    return sheet
