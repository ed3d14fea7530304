"""The engine's video reader: `framelane.media.decode.VideoFrames` (frames at source times)
plus the conversion of a frame to the premultiplied BGRA pixels the compositor draws."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from framelane.media.decode import VideoFrames, quarter_turns, source_colorspace
from framelane.media.pixels import Pixels, packed, premultiply, to_bgra
from framelane.media.probe import MediaInfo

__all__ = ["VideoReader", "quarter_turns", "source_colorspace"]


class VideoReader(VideoFrames):
    """Frames at source times, converted to premultiplied BGRA of the size asked."""

    def __init__(self, path: Path, info: MediaInfo) -> None:
        super().__init__(path, info)
        self._reformatter = VideoReformatter()

    def display_size(self, time: Fraction) -> tuple[int, int]:
        """Width and height of the frame at `time` as shown (after its display rotation)."""
        frame = self.frame_at(time)
        turns = quarter_turns(frame)
        return (frame.height, frame.width) if turns % 2 else (frame.width, frame.height)

    def pixels_at(self, time: Fraction, width: int, height: int) -> Pixels:
        """Premultiplied BGRA pixels of the frame at `time` as shown (display rotation applied,
        e.g. portrait phone videos), `width` × `height` after rotation, scaled by swscale."""
        return self.converted_at(time, width, height)[0]

    def converted_at(self, time: Fraction, width: int, height: int) -> tuple[Pixels, bool]:
        """`pixels_at`, and whether those pixels are a new buffer that nothing else holds (a
        fresh conversion, not the decoder's own frame): the caller may then draw on them and
        hand them to the encoder without a copy."""
        return self.convert(self.frame_at(time), width, height)

    def convert(
        self,
        frame: av.VideoFrame,
        width: int,
        height: int,
        reformatter: VideoReformatter | None = None,
    ) -> tuple[Pixels, bool]:
        """`converted_at` for a frame this reader decoded; `reformatter` in place of the
        reader's own when called from another thread than the one decoding."""
        turns = quarter_turns(frame)
        if turns % 2:
            width, height = height, width
        converted = to_bgra(
            reformatter or self._reformatter, frame, (width, height), source_colorspace(frame)
        )
        view = packed(converted)
        copied = bool(turns) or not view.flags.c_contiguous
        if turns:
            view = np.ascontiguousarray(np.rot90(view, turns))
        elif copied:
            # Padded rows (widths that are not a multiple of the alignment): skia needs
            # contiguous pixels.
            view = np.ascontiguousarray(view)
        if self.info.has_alpha:
            return premultiply(view), True
        return view, copied or converted is not frame
