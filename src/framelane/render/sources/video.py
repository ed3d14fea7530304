"""Sequential video decoding: one open container per source, seeking only when needed."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import av
import numpy as np
from av.video.codeccontext import VideoCodecContext
from av.video.reformatter import Colorspace, VideoReformatter

from framelane.render.errors import SourceCorrupt
from framelane.render.pixels import Pixels, premultiply
from framelane.render.planar import packed, to_bgra
from framelane.render.sources.probe import MediaInfo, open_media

SEEK_AHEAD = Fraction(3)
"""Decode forward up to this many seconds; seek when the target is further away."""
CATCH_UP_MARGIN = Fraction(1, 4)
"""After a seek, non-reference frames more than this far before the target are not decoded."""

DECODER_THREADS = 2
"""Per source: frame threads cost a set of frame buffers each; two keep most of the speed."""

_ALPHA_DECODERS = {"vp8": "libvpx", "vp9": "libvpx-vp9"}


_UNSPECIFIED = 2


def source_colorspace(frame: av.VideoFrame) -> int:
    """The frame's matrix; untagged HD is taken as BT.709 and untagged SD as BT.601."""
    if frame.colorspace not in (_UNSPECIFIED, 0):
        return int(frame.colorspace)
    return int(Colorspace.ITU709 if frame.height >= 720 else Colorspace.ITU601)


def quarter_turns(frame: av.VideoFrame) -> int:
    """Counter-clockwise quarter turns from the display matrix (0 when there is none)."""
    rotation = getattr(frame, "rotation", 0) or 0
    return round(rotation / 90) % 4


class VideoReader:
    """Returns the frame on screen at a source time, decoding forward as time advances."""

    def __init__(self, path: Path, info: MediaInfo) -> None:
        self.info = info
        self._name = path.name
        self._container = open_media(path)
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        self._stream.codec_context.thread_count = DECODER_THREADS
        self._decoder = self._choose_decoder(info)
        self._time_base = self._stream.time_base or Fraction(1, 1000)
        self._reformatter = VideoReformatter()
        self._frames: Iterator[av.VideoFrame] = self._decode()
        self._current: av.VideoFrame | None = None
        self._current_time = Fraction(-1)
        self._pending: av.VideoFrame | None = None
        self._skip_until: Fraction | None = None

    def decode_in_one_thread(self) -> None:
        """For a reader that already runs on its own worker thread, ahead of the compositor:
        frame threads would only add CPU (~1.5 ms per 1080p frame) without being needed for
        throughput. Call before the first frame is read."""
        if self._current is None and self._decoder is self._stream.codec_context:
            self._decoder.thread_count = 1

    def _choose_decoder(self, info: MediaInfo) -> VideoCodecContext:
        """The native VP8/VP9 decoders drop alpha; libvpx reads it from the side data."""
        name = self._stream.codec_context.name
        if info.has_alpha and name in _ALPHA_DECODERS:
            return cast(VideoCodecContext, av.CodecContext.create(_ALPHA_DECODERS[name], "r"))
        return self._stream.codec_context

    def _decode(self) -> Iterator[av.VideoFrame]:
        try:
            for packet in self._container.demux(self._stream):
                self._catch_up_mode(packet)
                for frame in self._decoder.decode(packet):
                    if isinstance(frame, av.VideoFrame):
                        yield frame
        except av.error.FFmpegError as error:
            if self._current is None:
                raise SourceCorrupt(f"cannot decode {self._name}: {error}") from error
            # A truncated file: keep showing the last good frame.

    def _catch_up_mode(self, packet: av.Packet[Any]) -> None:
        """Skip non-reference frames nobody will see while catching up after a seek (they are
        about half the frames of a typical GOP); decode everything near the target."""
        if self._skip_until is None:
            return
        if packet.pts is not None and packet.pts * self._time_base >= self._skip_until:
            self._decoder.skip_frame = "DEFAULT"
            self._skip_until = None
        else:
            self._decoder.skip_frame = "NONREF"

    def _time_of(self, frame: av.VideoFrame) -> Fraction:
        if frame.pts is None:
            return self._current_time + Fraction(1, 30)
        return frame.pts * self._time_base

    def _advance(self) -> bool:
        upcoming = self._pending if self._pending is not None else next(self._frames, None)
        if upcoming is None:
            return False
        self._current, self._current_time = upcoming, self._time_of(upcoming)
        self._pending = next(self._frames, None)
        return True

    def _seek(self, time: Fraction) -> None:
        self._container.seek(int(time / self._time_base), stream=self._stream, backward=True)
        self._decoder.flush_buffers()
        self._skip_until = time - CATCH_UP_MARGIN
        self._frames = self._decode()
        self._current, self._pending = None, None
        self._current_time = Fraction(-1)
        self._advance()

    def frame_at(self, time: Fraction) -> av.VideoFrame:
        """The last frame whose timestamp is ≤ `time` (the first frame before it starts)."""
        if self._current is None and self._current_time == -1 and time < SEEK_AHEAD:
            self._advance()
        elif time < self._current_time or time > self._current_time + SEEK_AHEAD:
            self._seek(time)
        while self._pending is not None and self._time_of(self._pending) <= time:
            self._advance()
        if self._current is None:
            raise SourceCorrupt(f"no decodable video frame in {self._name}")
        return self._current

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

    def close(self) -> None:
        self._container.close()
