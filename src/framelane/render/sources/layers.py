"""Pixel providers of the video, image and text element types (`elements.ELEMENT_TYPES`
says which type uses which).

Each provider turns a `LayerState` into a `LayerImage`: a skia image plus the rectangle it
fills in the element's box coordinates.
"""

from __future__ import annotations

import bisect
import math
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol, cast

import av
import cv2
import numpy as np
import skia
from av.video.reformatter import VideoReformatter

from framelane.media.image import (
    animation_plays,
    decode_still,
    image_frames,
    is_animation,
    is_svg,
    svg_size,
)
from framelane.render.evaluate import LayerState
from framelane.render.fonts import FontLibrary
from framelane.render.pixels import Pixels, is_opaque, premultiply, to_image
from framelane.render.planar import fills, is_passthrough, is_planar_source, scaled_planar
from framelane.render.sources.characters import character_runs
from framelane.render.sources.picture import (
    NO_CROP,
    crop_view,
    is_animated,
    process,
    still_opaque,
)
from framelane.render.sources.text import WordRun, rasterize, word_runs
from framelane.render.sources.video import VideoReader, source_colorspace
from framelane.render.spec.models import TextElement
from framelane.render.spec.units import rgba
from framelane.render.timeline import Layer
from framelane.render.word_animations import WORD_ANIMATIONS, WordContext, WordPhase


@dataclass(frozen=True, slots=True)
class LayerImage:
    image: skia.Image
    dst: skia.Rect
    """Where the image is drawn, in box coordinates (0, 0, width, height)."""
    content: skia.Rect
    """The visible picture inside the box (radius, border and shadow follow it)."""
    opaque: bool
    pixels: Pixels
    """Keeps the memory behind `image` alive."""
    fresh: bool = False
    """`pixels` are a new buffer nothing else holds or reuses (a video frame's conversion):
    the scene may draw the other layers onto it and hand it to the encoder (no copy)."""


class LayerSource(Protocol):
    def image(self, state: LayerState, frame_index: int) -> LayerImage: ...

    def close(self) -> None: ...


def fitted(width: int, height: int, layer: Layer) -> tuple[skia.Rect, skia.Rect]:
    """(dst, content): contain inside the box, or cover and crop to it with `clip`."""
    box_w, box_h = layer.placement.width, layer.placement.height
    fit = max if layer.placement.clip else min
    scale = fit(box_w / width, box_h / height)
    w, h = width * scale, height * scale
    dst = skia.Rect.MakeXYWH((box_w - w) / 2, (box_h - h) / 2, w, h)
    content = skia.Rect.MakeWH(box_w, box_h)
    if not content.intersect(dst):
        content = skia.Rect.MakeWH(box_w, box_h)
    return dst, content


def on_screen_scale(state: LayerState) -> float:
    p = state.layer.placement
    return max(abs(p.scale_x), abs(p.scale_y)) * state.motion.scale


LayerPlan = Callable[[int], LayerState | None]
"""A layer's state on frame n of its scene (None once it is off screen): lets a video source
decode ahead of the compositor."""
PREFETCH_FRAMES = 2
"""Converted frames a video source keeps ready (each pins one decoded-size BGRA frame)."""


def _every_frame(_index: int) -> bool:
    return True


def _no_frame(_state: LayerState) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class DecodePolicy:
    """How a scene wants a video layer's frames, decided when the source is built."""

    plan: LayerPlan | None = None
    """Frames will be asked for one after the other: a worker thread decodes ahead, following
    this plan (a scene rendered frame after frame)."""
    passthrough_size: tuple[int, int] | None = None
    """The output is yuv420p of this size: frames that could be the output picture as they
    are come unconverted (`VideoSource.passthrough_frame`)..."""
    passthrough_on: Callable[[int], bool] = _every_frame
    """...on the frames this says (the scene: when no layer is under this one)."""
    inset_size: tuple[int, int] | None = None
    """The output is yuv420p: frames come scaled to this size in their own planes
    (`VideoSource.inset_frame`)..."""
    inset_on: Callable[[LayerState], bool] = _no_frame
    """...on the frames whose state this accepts (`fast_paths.inset_ready`)."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """A video layer's frame: converted BGRA pixels, or the decoded frame itself when it may
    become the output picture as it is (`DecodePolicy.passthrough_size`)."""

    pixels: Pixels | None
    fresh: bool = False
    frame: av.VideoFrame | None = None
    size: tuple[int, int] = (0, 0)
    """The size `frame` is to be shown at (converted to, when it does not pass through)."""
    inset: bool = False
    """`frame` is scaled to the layer's box, for the scene to draw as an inset."""


class VideoSource:
    def __init__(self, layer: Layer, policy: DecodePolicy = DecodePolicy()) -> None:
        assert layer.source is not None and layer.media is not None
        self.layer = layer
        self.policy = policy
        self.reader = VideoReader(layer.source, layer.media)
        self.plan = policy.plan
        """Decoding runs on a worker thread while there is a plan (dropped when the frames
        asked for stop following it)."""
        if self.plan is not None:
            self.reader.decode_in_one_thread()
        self._prefetch: _Prefetch | None = None
        self._taken: tuple[tuple[int, Fraction], Decoded] | None = None
        self._handed: tuple[int, Fraction] | None = None
        """The frame whose converted pixels `image` last handed out."""
        self._converter = VideoReformatter()
        """Converts unconverted frames on the compositor's thread when they cannot pass."""
        self._scaler = VideoReformatter()
        """Scales planar frames to the canvas, wherever `decoded` runs (one thread at a time)."""

    def _decode_size(self, state: LayerState) -> tuple[int, int]:
        """Let swscale downscale when the layer is drawn smaller than the source."""
        width, height = self.reader.display_size(state.source_time)
        if self.layer.picture.crop != NO_CROP:
            return width, height
        fit = max if self.layer.placement.clip else min
        scale = fit(self.layer.placement.width / width, self.layer.placement.height / height)
        scale = min(1.0, scale * on_screen_scale(state))
        return max(2, math.ceil(width * scale)), max(2, math.ceil(height * scale))

    def decoded(self, state: LayerState, frame_index: int) -> Decoded:
        size = self._decode_size(state)
        frame = self.reader.frame_at(state.source_time)
        policy = self.policy
        canvas = policy.passthrough_size
        if canvas is not None and policy.passthrough_on(frame_index):
            colorspace = source_colorspace(frame)
            if size == canvas and is_passthrough(frame, colorspace, size):
                return Decoded(None, frame=frame, size=size)
            if (
                on_screen_scale(state) == 1.0
                and fills(frame, canvas)
                and is_planar_source(frame, colorspace)
            ):
                # Another size of the same shape: scaled to the canvas in its own planes.
                return Decoded(None, frame=scaled_planar(self._scaler, frame, canvas), size=canvas)
        inset = policy.inset_size
        if (
            inset is not None
            and size == inset
            and policy.inset_on(state)
            and fills(frame, inset)
            and is_planar_source(frame, source_colorspace(frame))
        ):
            if (frame.width, frame.height) != inset:
                frame = scaled_planar(self._scaler, frame, inset)
            return Decoded(None, frame=frame, size=inset, inset=True)
        pixels, fresh = self.reader.convert(frame, *size)
        return Decoded(pixels, fresh)

    def _take(self, state: LayerState, frame_index: int) -> Decoded:
        """This frame's decoded picture, kept for a second call on the same frame: the scene
        may look at it for the planar path first, then fall back to drawing it in BGRA.
        (Asking the decode worker again would take the next frame's, and restart decoding
        from a seek.)"""
        key = (frame_index, state.source_time)
        if self._taken is not None and self._taken[0] == key:
            return self._taken[1]
        got = (
            self._prefetched(state, frame_index) if self.plan else self.decoded(state, frame_index)
        )
        self._taken = (key, got)
        return got

    def _prefetched(self, state: LayerState, frame_index: int) -> Decoded:
        assert self.plan is not None
        if self._prefetch is not None:
            got = self._prefetch.take(state, frame_index)
            if got is not None:
                return got
            self._prefetch.close()  # an out-of-order frame: decode ahead from here on
        self._prefetch = _Prefetch(self, self.plan, frame_index)
        got = self._prefetch.take(state, frame_index)
        if got is None:  # the plan disagrees with the caller: decode here, no more prefetch
            self._prefetch.close()
            self._prefetch, self.plan = None, None
            return self.decoded(state, frame_index)
        return got

    def passthrough_frame(self, state: LayerState, frame_index: int) -> av.VideoFrame | None:
        """The decoded frame itself when it may be the output picture as it is."""
        decoded = self._take(state, frame_index)
        return None if decoded.inset else decoded.frame

    def inset_frame(self, state: LayerState, frame_index: int) -> av.VideoFrame | None:
        """The frame scaled to the layer's box in its own planes, when it came so."""
        decoded = self._take(state, frame_index)
        return decoded.frame if decoded.inset else None

    def image(self, state: LayerState, frame_index: int) -> LayerImage:
        decoded = self._take(state, frame_index)
        key = (frame_index, state.source_time)
        handed_before, self._handed = self._handed == key, key
        if decoded.pixels is None:
            assert decoded.frame is not None
            # Not on the reader itself: its worker thread may be decoding ahead.
            pixels, fresh = self.reader.convert(decoded.frame, *decoded.size, self._converter)
        else:
            # Pixels handed out before on this frame may have been drawn on: not fresh again.
            pixels, fresh = decoded.pixels, decoded.fresh and not handed_before
        cropped = crop_view(pixels, self.layer.picture.crop)
        opaque = not self.reader.info.has_alpha
        processed = process(
            cropped,
            self.layer.picture,
            opaque=opaque,
            time=float(state.local_time),
            seed=frame_index,
        )
        fresh = fresh and processed is pixels and processed.flags.c_contiguous
        processed = np.ascontiguousarray(processed)  # a crop is a view; skia needs whole rows
        opaque = still_opaque(processed, self.layer.picture, was_opaque=opaque)
        dst, content = fitted(processed.shape[1], processed.shape[0], self.layer)
        image = to_image(processed, opaque=opaque)
        return LayerImage(image, dst, content, opaque, processed, fresh)

    def close(self) -> None:
        self._taken = None
        if self._prefetch is not None:
            self._prefetch.close()
            self._prefetch = None
        self.reader.close()


class _Prefetch:
    """Decodes and converts a video layer's next frames on a worker thread (PyAV releases the
    GIL while decoding and scaling), a few frames ahead of the compositor. Only this thread
    touches the reader until `close`; colour, LUT and effects stay on the caller's thread."""

    _END = object()

    def __init__(self, source: VideoSource, plan: LayerPlan, start: int) -> None:
        self.source, self.plan = source, plan
        self.ready: queue.Queue[Any] = queue.Queue(maxsize=PREFETCH_FRAMES)
        self.stopping = threading.Event()
        self.thread = threading.Thread(
            target=self._run, args=(start,), name="framelane-decode", daemon=True
        )
        self.thread.start()

    def _run(self, index: int) -> None:
        try:
            while not self.stopping.is_set():
                state = self.plan(index)
                if state is None:
                    break
                key = (index, state.source_time, on_screen_scale(state))
                if not self._put((key, self.source.decoded(state, index))):
                    return
                index += 1
        except BaseException as error:  # raised again on the compositor's thread
            self._put(error)
            return
        self._put(self._END)

    def _put(self, item: Any) -> bool:
        while not self.stopping.is_set():
            try:
                self.ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def take(self, state: LayerState, frame_index: int) -> Decoded | None:
        """The decoded frame for `state`, or None when the worker planned something else."""
        while True:
            try:
                item = self.ready.get(timeout=0.1)
                break
            except queue.Empty:
                if not self.thread.is_alive() and self.ready.empty():
                    return None
        if isinstance(item, BaseException):
            raise item
        if item is self._END:
            return None
        key, decoded = item
        if key != (frame_index, state.source_time, on_screen_scale(state)):
            return None
        return cast(Decoded, decoded)

    def close(self) -> None:
        self.stopping.set()
        while self.thread.is_alive():
            try:
                self.ready.get(timeout=0.05)
            except queue.Empty:
                pass
        self.thread.join()


def load_image_pixels(path: Any) -> Pixels:
    """Decode an image file (its first frame; an SVG at its own size) to premultiplied BGRA."""
    return bgra_of(decode_still(Path(path)))


def bgra_of(rgba: Pixels) -> Pixels:
    """Straight RGBA → premultiplied BGRA."""
    return premultiply(np.ascontiguousarray(rgba[..., [2, 1, 0, 3]]))


MAX_ANIMATION_PIXELS = 100_000_000
"""Decoded pixels of all the frames of one animated image (≈ 400 MB of RGBA)."""

OVERSAMPLE = 2.0
"""Images keep up to this many source pixels per on-screen pixel (room for zooms)."""


def downscaled_for(pixels: Pixels, layer: Layer) -> Pixels:
    """Shrink an image far larger than its box once, instead of resampling it every frame."""
    height, width = pixels.shape[:2]
    p = layer.placement
    wanted = OVERSAMPLE * max(abs(p.scale_x), abs(p.scale_y), 1.0)
    factor = max(p.width * wanted / width, p.height * wanted / height)
    if factor >= 1.0:
        return pixels
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def svg_pixel_size(path: Path, layer: Layer) -> tuple[int, int]:
    """An SVG drawn at the pixels its box covers on screen (its own aspect, fitted as the
    box's `fit` says, times the element's scale), not rasterised small and scaled up."""
    width, height = svg_size(path)
    p = layer.placement
    fit = max if p.clip else min
    scale = fit(p.width / width, p.height / height) * max(abs(p.scale_x), abs(p.scale_y), 1.0)
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def image_frames_for(layer: Layer, limit: int) -> tuple[list[Pixels], list[Fraction]]:
    """The layer's picture(s) as premultiplied BGRA, cropped and shrunk for its box, with the
    time each frame ends (one frame, ending never, for a still)."""
    path = layer.source
    assert path is not None
    if is_svg(path):
        stills = [(decode_still(path, svg_pixel_size(path, layer)), Fraction(0))]
    elif is_animation(path):
        stills = list(image_frames(path, limit))
    else:
        stills = [(decode_still(path), Fraction(0))]
    frames, ends, elapsed = [], [], Fraction(0)
    for picture, duration in stills:
        frames.append(downscaled_for(crop_view(bgra_of(picture), layer.picture.crop), layer))
        elapsed += duration
        ends.append(elapsed)
    return frames, ends


class ImageSource:
    def __init__(self, layer: Layer, fonts: FontLibrary) -> None:
        assert layer.source is not None
        self.layer = layer
        self.frames, self.ends = image_frames_for(layer, MAX_ANIMATION_PIXELS)
        self.opaque = [is_opaque(frame) for frame in self.frames]
        self.plays = self._plays(layer) if len(self.frames) > 1 else 1
        self.animated = is_animated(layer.picture)
        self.cache: dict[int, LayerImage] = {}

    @staticmethod
    def _plays(layer: Layer) -> int | None:
        """How many times an animation plays (None: for as long as the element lasts)."""
        loop = getattr(layer.element, "loop", None)
        if loop is not None:
            return None if loop else 1
        assert layer.source is not None
        return animation_plays(layer.source)

    def frame_at(self, time: Fraction) -> int:
        """Which frame shows `time` seconds into the element."""
        if len(self.frames) == 1:
            return 0
        total = self.ends[-1]
        if self.plays is None or time < total * self.plays:
            time %= total
        else:
            return len(self.frames) - 1
        return min(bisect.bisect_right(self.ends, time), len(self.frames) - 1)

    def image(self, state: LayerState, frame_index: int) -> LayerImage:
        index = self.frame_at(state.local_time)
        cached = self.cache.get(index)
        if cached is not None and not self.animated:
            return cached
        pixels = process(
            self.frames[index],
            self.layer.picture,
            opaque=self.opaque[index],
            time=float(state.local_time),
            seed=frame_index,
        )
        pixels = np.ascontiguousarray(pixels)
        opaque = still_opaque(pixels, self.layer.picture, was_opaque=self.opaque[index])
        dst, content = fitted(pixels.shape[1], pixels.shape[0], self.layer)
        made = LayerImage(to_image(pixels, opaque=opaque), dst, content, opaque, pixels)
        if not self.animated:
            self.cache[index] = made
        return made

    def close(self) -> None:
        self.cache = {}


class TextSource:
    def __init__(self, layer: Layer, fonts: FontLibrary) -> None:
        assert layer.text is not None and isinstance(layer.element, TextElement)
        self.layer, self.look, self.fonts = layer, layer.text, fonts
        self.element: TextElement = layer.element
        animation = self.element.word_animation
        self.ranges = (
            word_runs(self.look.text, [w.text for w in animation.words]) if animation else []
        )
        self.cache: dict[tuple[WordRun, ...], LayerImage] = {}

    def _phases(self, time: float) -> tuple[tuple[WordPhase, float], ...]:
        """Each word's phase and progress (the elapsed fraction of its time while active)."""
        animation = self.element.word_animation
        if animation is None:
            return ()
        phases: list[tuple[WordPhase, float]] = []
        for word in animation.words:
            if time < word.start:
                phases.append(("before", 0.0))
            elif time < word.end:
                phases.append(("active", (time - word.start) / (word.end - word.start)))
            else:
                phases.append(("after", 1.0))
        return tuple(phases)

    def _runs(self, phases: tuple[tuple[WordPhase, float], ...]) -> list[WordRun]:
        animation = self.element.word_animation
        if animation is None:
            return []
        style = WORD_ANIMATIONS.get(animation.style)
        ctx = WordContext(
            text_color=self.look.color,
            highlight_color=rgba(animation.highlight_color),
            box_color=rgba(self.element.background_color or "#facc15"),
        )
        runs = []
        for (start, end), (phase, progress) in zip(self.ranges, phases, strict=True):
            if start >= 0:
                runs.append(WordRun(start, end, style.look(phase, progress, ctx)))
        return runs

    def image(self, state: LayerState, frame_index: int) -> LayerImage:
        time = float(state.local_time + self.layer.own_start)
        runs = character_runs(self.layer.motions, self.look.text, time, self.look.size) or tuple(
            self._runs(self._phases(time))
        )
        if runs not in self.cache:  # styles that ignore the progress keep their picture
            raster = rasterize(self.look, self.fonts, runs)
            m = raster.margin
            dst = skia.Rect.MakeXYWH(-m, -m, raster.pixels.shape[1], raster.pixels.shape[0])
            content = skia.Rect.MakeWH(raster.width, raster.height)
            image = to_image(raster.pixels, opaque=False)
            self.cache = {runs: LayerImage(image, dst, content, False, raster.pixels)}
        return self.cache[runs]

    def close(self) -> None:
        self.cache.clear()
