"""`SceneRenderer`: one timeline's frames as pixels; nested compositions render through it."""

from __future__ import annotations

import ctypes
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import av
import skia
from av.video.reformatter import VideoReformatter

from framelane.render import evaluate
from framelane.render.compositor import Canvas, Painter, draws_source_over, record
from framelane.render.elements import ELEMENT_TYPES, SourceContext
from framelane.render.evaluate import FrameState, LayerState, frame_state
from framelane.render.fast_paths import inset_ready, may_be_inset, may_pass_through
from framelane.render.fonts import FontLibrary
from framelane.render.pairs import PicturePair, picture_pairs
from framelane.render.pixels import Pixels, to_image
from framelane.render.planar import (
    PlanarCompositor,
    PlanarLayer,
    Recording,
    copy_planes,
    to_planar,
    union_of,
)
from framelane.render.planar_sprites import DirectSprites, inset_size
from framelane.render.sources.layers import (
    DecodePolicy,
    LayerImage,
    LayerSource,
    VideoSource,
    fitted,
    load_image_pixels,
)
from framelane.render.spec.units import Rgba
from framelane.render.timeline import Layer, Timeline

BACKGROUND_RETRY_FRAMES = 15
"""After two refusals in a row, frames before the background path is tried again (sooner
when a layer comes or goes)."""


class SceneRenderer:
    """Owns the canvas and one pixel source per layer (opened on first use, closed once the
    layer has ended, so memory stays flat over long renders)."""

    def __init__(
        self,
        timeline: Timeline,
        fonts: FontLibrary,
        background: Rgba | None,
        *,
        sequential: bool = False,
        planar: bool = False,
    ) -> None:
        """`sequential`: frames will mostly be asked for in order, so video sources decode
        ahead on worker threads. `planar`: frames will be asked for with `render_planar`, so
        video sources that may cover the canvas deliver frames unconverted."""
        self.timeline = timeline
        self.sequential = sequential
        self.planar = planar
        self._planar_compositor: PlanarCompositor | None = None
        self._sprite_maker: DirectSprites | None = None
        self.fonts = fonts
        self.background = background
        self.canvas = Canvas(timeline.width, timeline.height)
        self._sources: dict[str, LayerSource] = {}
        self._scratch_canvases: tuple[Canvas, Canvas] | None = None
        self._background_pixels: Pixels | None = None
        self._background_image: skia.Image | None = None
        self._background_planes: av.VideoFrame | None = None
        self._background_refusals = 0
        """Frames in a row the background path was refused: the layers cover too much."""
        self._refused_keys: tuple[str, ...] = ()
        self._background_retry_at = 0
        if timeline.background_image is not None:
            self._background_pixels = load_image_pixels(timeline.background_image)
            self._background_image = to_image(self._background_pixels, opaque=False)

    def _source(self, layer: Layer) -> LayerSource:
        if layer.key not in self._sources:
            context = SourceContext(self.fonts, self._decode_policy(layer), self._nested)
            self._sources[layer.key] = ELEMENT_TYPES[layer.kind].open_source(layer, context)
        return self._sources[layer.key]

    def _video(self, layer: Layer) -> VideoSource | None:
        """The layer's source when it decodes a video: it also offers the decoded frames
        themselves (passed through, scaled as an inset) and seeks."""
        source = self._source(layer)
        return source if isinstance(source, VideoSource) else None

    def _decode_policy(self, layer: Layer) -> DecodePolicy:
        """Decoding ahead when frames come in order; in planes, frames handed over as they
        are when the video may be the whole picture, or scaled in their own planes when it
        may be an inset (`fast_paths`)."""
        plan = partial(evaluate.layer_state, self.timeline, layer) if self.sequential else None
        canvas = (self.timeline.width, self.timeline.height)
        if self.planar and may_pass_through(layer, canvas):
            on = partial(self._nothing_under, layer)
            return DecodePolicy(plan, passthrough_size=canvas, passthrough_on=on)
        if self.planar and may_be_inset(layer):
            return DecodePolicy(plan, inset_size=inset_size(layer), inset_on=inset_ready)
        return DecodePolicy(plan)

    def _nested(self, timeline: Timeline) -> SceneRenderer:
        return SceneRenderer(timeline, self.fonts, timeline.background)

    def _nothing_under(self, layer: Layer, index: int) -> bool:
        """Whether no other layer is under `layer` on frame `index`."""
        fps = self.timeline.fps
        for other in self.timeline.layers:
            if other.key == layer.key:
                return True
            if evaluate.is_active(other, index, fps):
                return False
        return True

    def seek_all(self, index: int) -> None:
        """Position every video source on frame `index` in parallel (decoders release the GIL),
        so a single preview frame after a seek costs one GOP decode, not one per source."""
        state = frame_state(self.timeline, index)
        readers = [
            (video.reader, layer_state.source_time)
            for layer_state in state.layers
            if (video := self._video(layer_state.layer)) is not None
        ]
        if len(readers) > 1:
            with ThreadPoolExecutor(max_workers=len(readers)) as pool:
                list(pool.map(lambda item: item[0].frame_at(item[1]), readers))

    def render(self, index: int) -> Pixels:
        """Frame `index` in the scene's canvas (valid until the next call)."""
        return self._paint(index, handover=False)[0]

    def render_handover(self, index: int) -> tuple[Pixels, av.VideoFrame | None]:
        """Frame `index`. When the bottom layer is an opaque video covering the canvas 1:1,
        the other layers are drawn straight onto its freshly converted pixels, which come back
        with an av.VideoFrame over them for the caller to keep (no canvas clear, full-frame
        draw or copy)."""
        return self._paint(index, handover=True)

    def render_planar(self, index: int, into: av.VideoFrame) -> bool:
        """Frame `index` composited into `into`, a yuv420p frame of the canvas size
        (planar.py), on top of either the bottom layer's own decoded frame, when it is an
        opaque video covering the canvas 1:1 that needs no conversion, or the background,
        converted once, when the layers to draw afresh cover at most half of the canvas
        (still layers are drawn once, then reused). False, with nothing drawn, otherwise:
        use `render_handover`."""
        self._close_finished(index)
        state = frame_state(self.timeline, index)
        if picture_pairs(state):
            return False
        size = (self.timeline.width, self.timeline.height)
        if self._planar_compositor is None:
            self._planar_compositor = PlanarCompositor(size)
        compositor = self._planar_compositor
        bottom = self._passthrough_bottom(state, index)
        if bottom is None and not self._may_try_background(state, index):
            return False
        upper = state.layers[1:] if bottom is not None else state.layers
        layers = [self._planar_layer(compositor, layer_state, index) for layer_state in upper]
        if bottom is None:
            if compositor.area_to_convert(layers) > size[0] * size[1] // 2:
                compositor.remember(layers)
                self._background_refused(state, index)
                return False
            self._background_refusals = 0
            bottom = self._planar_background(size)
        copy_planes(bottom, into)
        compositor.composite(into, layers)
        return True

    def _may_try_background(self, state: FrameState, index: int) -> bool:
        """Whether to record this frame's layers for the background path: not on an odd
        canvas, and not again right after it was refused twice in a row for the same
        layers (a full-canvas video in motion would be recorded, then drawn again in BGRA,
        every frame). A refused first frame is retried at once: still layers become free."""
        size = (self.timeline.width, self.timeline.height)
        if size[0] % 2 or size[1] % 2:
            return False
        keys = tuple(layer_state.layer.key for layer_state in state.layers)
        return (
            self._background_refusals < 2
            or keys != self._refused_keys
            or index >= self._background_retry_at
        )

    def _background_refused(self, state: FrameState, index: int) -> None:
        self._background_refusals += 1
        self._refused_keys = tuple(layer_state.layer.key for layer_state in state.layers)
        self._background_retry_at = index + BACKGROUND_RETRY_FRAMES

    def _passthrough_bottom(self, state: FrameState, index: int) -> av.VideoFrame | None:
        """The bottom layer's decoded frame, when it is the canvas picture as it is."""
        if not state.layers:
            return None
        bottom = state.layers[0]
        video = self._video(bottom.layer)
        frame = video.passthrough_frame(bottom, index) if video is not None else None
        if frame is None:
            return None
        size = (frame.width, frame.height)
        dst, content = fitted(frame.width, frame.height, bottom.layer)
        if not self.canvas.covered_by_frame(bottom, size, dst, content, opaque=True):
            return None
        return frame

    def _planar_layer(
        self, compositor: PlanarCompositor, layer_state: LayerState, index: int
    ) -> PlanarLayer:
        key = layer_state.layer.key
        source = self._source(layer_state.layer)
        video = self._video(layer_state.layer)
        inset = video.inset_frame(layer_state, index) if video is not None else None
        if inset is not None:
            sprites = self._direct_sprites().inset(layer_state, inset)
            if sprites is not None:
                box = union_of(sprite.box for sprite in sprites)

                # Recorded only for a region drawn in BGRA: the frame is converted then.
                def later() -> Recording:
                    return self._record(layer_state, source.image(layer_state, index))

                return compositor.direct(key, None, box, lambda: sprites, later)
        image = source.image(layer_state, index)
        still = (image, layer_state.motion, layer_state.modifier)
        layer = compositor.unchanged(key, still)
        if layer is None:
            record = partial(self._record, layer_state, image)
            planned = self._direct_sprites().transformed(layer_state, image)
            if planned is not None:
                return compositor.direct(key, still, planned.box, planned.make, record)
            layer = compositor.layer(key, still, record, draws_source_over(layer_state))
        return layer

    def _record(self, layer_state: LayerState, image: LayerImage) -> Recording:
        picture, made = record(
            self.timeline.width, self.timeline.height, partial(_draw, layer_state, image)
        )
        return picture, [image, *made]

    def _direct_sprites(self) -> DirectSprites:
        if self._sprite_maker is None:
            self._sprite_maker = DirectSprites((self.timeline.width, self.timeline.height))
        return self._sprite_maker

    def _planar_background(self, size: tuple[int, int]) -> av.VideoFrame:
        """The background (colour, image) as the encoder would convert it, made once."""
        if self._background_planes is None:
            self.canvas.clear(self.background)
            if self._background_image is not None:
                self.canvas.draw_cover(self._background_image)
            bgra = av.VideoFrame.from_numpy_buffer(self.canvas.pixels, format="bgra")
            self._background_planes = to_planar(VideoReformatter(), bgra, size)
        return self._background_planes

    def _paint(self, index: int, handover: bool) -> tuple[Pixels, av.VideoFrame | None]:
        # Close what has ended before opening what starts, so back-to-back clips never hold
        # two sets of decoders at once.
        self._close_finished(index)
        state = frame_state(self.timeline, index)
        pairs = picture_pairs(state)
        drawn_with_partner = {pair.lower_key for pair in pairs.values()}
        layers = list(state.layers)
        first: LayerImage | None = None
        if handover and layers:
            bottom = layers[0]
            key = bottom.layer.key
            video = self._video(bottom.layer)
            if video is not None and key not in pairs and key not in drawn_with_partner:
                first = video.image(bottom, index)
                if first.fresh and self.canvas.covered_by(bottom, first):
                    canvas = Canvas.over(first.pixels)
                    self._draw_layers(canvas, layers[1:], index, pairs, drawn_with_partner, None)
                    # A clean frame over the pixels: reformat's output carries the source's
                    # properties (picture type, time base, chroma siting, side data).
                    frame = av.VideoFrame.from_numpy_buffer(first.pixels, format="bgra")
                    return first.pixels, frame
        self.canvas.clear(self.background)
        if self._background_image is not None:
            self.canvas.draw_cover(self._background_image)
        self._draw_layers(self.canvas, layers, index, pairs, drawn_with_partner, first)
        return self.canvas.pixels, None

    def _draw_layers(
        self,
        canvas: Canvas,
        layers: list[LayerState],
        index: int,
        pairs: dict[str, PicturePair],
        drawn_with_partner: set[str],
        first: LayerImage | None,
    ) -> None:
        """`first`: the bottom layer's picture when it was fetched already."""
        for position, layer_state in enumerate(layers):
            key = layer_state.layer.key
            if key in pairs:
                self._draw_pair(canvas, pairs[key], index)
            elif key not in drawn_with_partner:
                picture = first if position == 0 and first is not None else None
                if picture is None:
                    picture = self._source(layer_state.layer).image(layer_state, index)
                canvas.draw_layer(layer_state, picture)

    def _scratch(self) -> tuple[Canvas, Canvas]:
        if self._scratch_canvases is None:
            size = (self.timeline.width, self.timeline.height)
            self._scratch_canvases = (Canvas(*size), Canvas(*size))
        return self._scratch_canvases

    def _draw_pair(self, target: Canvas, pair: PicturePair, index: int) -> None:
        """Render each layer of a picture transition alone, blend, draw the result."""
        outgoing, incoming = self._scratch()
        for canvas, layer_state in ((outgoing, pair.outgoing), (incoming, pair.incoming)):
            canvas.clear(None)
            canvas.draw_layer(
                layer_state, self._source(layer_state.layer).image(layer_state, index)
            )
        blended = pair.transition.blend(outgoing.pixels, incoming.pixels, pair.progress)
        target.draw_pixels(blended)

    def _close_finished(self, index: int) -> None:
        fps = self.timeline.fps
        closed = False
        for layer in self.timeline.layers:
            if layer.key in self._sources and layer.end_frame(fps) <= index:
                self._sources.pop(layer.key).close()
                closed = True
        if closed and self.sequential:
            release_free_memory()

    def close(self) -> None:
        for source in self._sources.values():
            source.close()
        self._sources.clear()


def _draw(state: LayerState, image: LayerImage, painter: Painter) -> None:
    painter.draw_layer(state, image)


_LIBC: Any = None


def release_free_memory() -> None:
    """Give the allocator's free memory back to the system (glibc's malloc_trim). Frame
    buffers are allocated on decode threads and freed on others; without a trim when sources
    close, glibc's per-thread arenas keep the holes and peak memory creeps up over long
    renders. A no-op elsewhere."""
    global _LIBC
    if _LIBC is None:
        try:
            _LIBC = ctypes.CDLL("libc.so.6")
            _LIBC.malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)
