"""GIF output in two passes, so memory stays flat however long the GIF is: pass 1 feeds every
frame to FFmpeg's `palettegen` (which keeps only colour statistics); pass 2 renders the frames
again through `paletteuse` (error-diffusion dithering) into the GIF encoder."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import av
import numpy as np

from framelane.media.decode import Samples
from framelane.media.errors import EncodeFailed
from framelane.media.pixels import Pixels

DITHER = "dither=sierra2_4a"


def _bgra_frame(bgra: Pixels, index: int) -> av.VideoFrame:
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(bgra), format="bgra")
    frame.pts = index
    return frame


def _drain(sink: av.filter.context.FilterContext) -> list[av.VideoFrame]:
    frames = []
    while True:
        try:
            frames.append(cast(av.VideoFrame, sink.pull()))
        except (av.error.EOFError, BlockingIOError):
            return frames


class PaletteBuilder:
    """Pass 1: the best 256-colour palette for all the frames pushed."""

    def __init__(self, size: tuple[int, int], fps: Fraction) -> None:
        self.graph = av.filter.Graph()
        self.source = self.graph.add_buffer(
            width=size[0], height=size[1], format=av.VideoFormat("bgra"), time_base=1 / fps
        )
        palette = self.graph.add("palettegen", "stats_mode=full")
        self.sink = self.graph.add("buffersink")
        self.source.link_to(palette)
        palette.link_to(self.sink)
        self.graph.configure()

    def add(self, bgra: Pixels, index: int) -> None:
        self.source.push(_bgra_frame(bgra, index))

    def finish(self) -> av.VideoFrame:
        self.source.push(None)
        frames = _drain(self.sink)
        if not frames:
            raise EncodeFailed("palettegen produced no palette")
        return frames[-1]


class GifWriter:
    """Pass 2: frames dithered to the palette, encoded as they come."""

    def __init__(
        self, path: Path, size: tuple[int, int], fps: Fraction, palette: av.VideoFrame
    ) -> None:
        self.container = av.open(str(path), "w", format="gif")
        self.stream = self.container.add_stream("gif", rate=fps)
        self.stream.width, self.stream.height = size
        self.stream.pix_fmt = "pal8"
        self.graph = av.filter.Graph()
        self.source = self.graph.add_buffer(
            width=size[0], height=size[1], format=av.VideoFormat("bgra"), time_base=1 / fps
        )
        palette_source = self.graph.add_buffer(
            width=palette.width, height=palette.height, format=palette.format, time_base=1 / fps
        )
        use = self.graph.add("paletteuse", DITHER)
        self.sink = self.graph.add("buffersink")
        self.source.link_to(use, 0, 0)
        palette_source.link_to(use, 0, 1)
        use.link_to(self.sink)
        self.graph.configure()
        palette.pts = 0
        palette_source.push(palette)
        palette_source.push(None)

    def write_frame(self, bgra: Pixels, index: int, frame: Any = None) -> None:
        self.source.push(_bgra_frame(bgra, index))
        self._encode(_drain(self.sink))

    def write_audio(self, samples: Samples) -> None:
        return None

    def _encode(self, frames: list[av.VideoFrame]) -> None:
        for frame in frames:
            self.container.mux(self.stream.encode(frame))

    def close(self) -> None:
        try:
            self.source.push(None)
            self._encode(_drain(self.sink))
            self.container.mux(self.stream.encode(None))
        finally:
            self.container.close()

    def abort(self) -> None:
        self.container.close()
