"""Decoding: video frames at source times, every frame in order, and audio resampled to the
mix's 48 kHz stereo float.

`VideoFrames` keeps one open container per source and decodes forward as time advances,
seeking only when the wanted time is behind it or far ahead. The render engine's reader adds
its pixel conversions on top (`framelane.render.sources.video`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import av
import numpy as np
import numpy.typing as npt
from av.video.codeccontext import VideoCodecContext
from av.video.reformatter import Colorspace

from framelane.media.errors import SourceCorrupt
from framelane.media.probe import (
    MediaInfo,
    open_media,
    origin,
    primary_audio_stream,
    primary_video_stream,
)

SEEK_AHEAD = Fraction(3)
"""Decode forward up to this many seconds; seek when the target is further away."""
SEEK_RETRIES = (Fraction(0), Fraction(1), Fraction(5))
"""Seconds further back to seek again when a seek lands after the time wanted."""
CATCH_UP_MARGIN = Fraction(1, 4)
"""After a seek, non-reference frames more than this far before the target are not decoded."""

DECODER_THREADS = 2
"""Per source: frame threads cost a set of frame buffers each; two keep most of the speed."""

ALPHA_DECODERS = {"vp8": "libvpx", "vp9": "libvpx-vp9"}
"""The native VP8/VP9 decoders drop alpha; libvpx reads it from the side data."""

SAMPLE_RATE = 48_000
"""The mix's rate: every audio source is resampled to it."""
Samples = npt.NDArray[np.float32]
"""(n, 2) float32 stereo samples in −1…1."""
CANCEL_EVERY = 200
"""Audio frames decoded between two cancellation checks (about 4 s of sound)."""

TIMESTAMP_TOLERANCE = Fraction(1, 1000)
"""Timestamps are rounded to their time base: a frame stamped up to one tick (at most this)
after the time asked is the frame meant for it."""

Frame = npt.NDArray[np.uint8]
"""(H, W, C) uint8 pixels of one decoded frame."""

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


def upright(array: Frame, rotation: float) -> Frame:
    """Apply a display-matrix rotation (degrees counter-clockwise) so phone videos stand up."""
    turns = round(rotation / 90) % 4
    return np.ascontiguousarray(np.rot90(array, turns)) if turns else array


class VideoFrames:
    """Returns the frame on screen at a source time, decoding forward as time advances."""

    def __init__(self, path: Path, info: MediaInfo) -> None:
        self.info = info
        self._path = path
        self._name = path.name
        self._open()
        self._time_base = self._stream.time_base or Fraction(1, 1000)
        self._origin = info.start
        self._tolerance = min(Fraction(self._time_base), TIMESTAMP_TOLERANCE)
        self._frames: Iterator[av.VideoFrame] = self._decode()
        self._current: av.VideoFrame | None = None
        self._current_time = Fraction(-1)
        self._pending: av.VideoFrame | None = None
        self._skip_until: Fraction | None = None

    def _open(self) -> None:
        self._container = open_media(self._path)
        stream = primary_video_stream(self._container)
        if stream is None:
            self._container.close()
            raise SourceCorrupt(f"no video stream in {self._name}")
        self._stream = stream
        self._stream.thread_type = "AUTO"
        self._stream.codec_context.thread_count = DECODER_THREADS
        self._decoder = self._choose_decoder(self.info)

    def decode_in_one_thread(self) -> None:
        """For a reader that already runs on its own worker thread, ahead of the compositor:
        frame threads would only add CPU (~1.5 ms per 1080p frame) without being needed for
        throughput. Call before the first frame is read."""
        if self._current is None and self._decoder is self._stream.codec_context:
            self._decoder.thread_count = 1

    def _choose_decoder(self, info: MediaInfo) -> VideoCodecContext:
        name = self._stream.codec_context.name
        if info.has_alpha and name in ALPHA_DECODERS:
            return cast(VideoCodecContext, av.CodecContext.create(ALPHA_DECODERS[name], "r"))
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
        if packet.pts is not None and self._seconds(packet.pts) >= self._skip_until:
            self._decoder.skip_frame = "DEFAULT"
            self._skip_until = None
        else:
            self._decoder.skip_frame = "NONREF"

    def _seconds(self, pts: int) -> Fraction:
        """Source time of a timestamp: seconds from the source's first frame."""
        return pts * self._time_base - self._origin

    def _time_of(self, frame: av.VideoFrame) -> Fraction:
        if frame.pts is None:
            return self._current_time + Fraction(1, 30)
        return self._seconds(frame.pts)

    def _advance(self) -> bool:
        upcoming = self._pending if self._pending is not None else next(self._frames, None)
        if upcoming is None:
            return False
        self._current, self._current_time = upcoming, self._time_of(upcoming)
        self._pending = next(self._frames, None)
        return True

    def _seek(self, time: Fraction) -> None:
        """Restart decoding at the keyframe before `time`. Demuxers that seek by estimate
        (MPEG-TS, MPEG-PS) may land after it: then further back, and at worst from the top."""
        for back in SEEK_RETRIES:
            self._restart(time, seek_to=time - back)
            if self._current is None or self._current_time <= time + self._tolerance:
                return
        self._container.close()
        self._open()
        self._restart(time, seek_to=None)

    def _restart(self, time: Fraction, *, seek_to: Fraction | None) -> None:
        if seek_to is not None:
            target = int((seek_to + self._origin) / self._time_base)
            self._container.seek(target, stream=self._stream, backward=True)
            self._decoder.flush_buffers()
        self._skip_until = time - CATCH_UP_MARGIN
        self._frames = self._decode()
        self._current, self._pending = None, None
        self._current_time = Fraction(-1)
        self._advance()

    def frame_at(self, time: Fraction) -> av.VideoFrame:
        """The last frame whose source time is ≤ `time` (the first frame before it starts).
        Source time 0 is the first frame's timestamp; a frame stamped up to one tick of its
        time base late (timestamps rounded to whole milliseconds, 90 kHz) still counts."""
        if self._current is None and self._current_time == -1 and time < SEEK_AHEAD:
            self._advance()
        elif time + self._tolerance < self._current_time or time > self._current_time + SEEK_AHEAD:
            self._seek(time)
        while self._pending is not None and self._time_of(self._pending) <= time + self._tolerance:
            self._advance()
        if self._current is None:
            raise SourceCorrupt(f"no decodable video frame in {self._name}")
        return self._current

    def close(self) -> None:
        self._container.close()


def iter_video_frames(path: Path, pixel_format: str = "rgb24") -> Iterator[Frame]:
    """Yield every frame of the first video stream as an upright H×W×C uint8 array."""
    try:
        with av.open(str(path)) as container:
            stream = primary_video_stream(container)
            if stream is None:
                raise SourceCorrupt("the file has no video stream")
            stream.thread_type = "AUTO"
            for frame in container.decode(stream):
                array = np.asarray(frame.to_ndarray(format=pixel_format), dtype=np.uint8)
                yield upright(array, frame.rotation)
    except av.error.FFmpegError as exc:
        raise SourceCorrupt(f"the video cannot be decoded: {exc}") from exc


def read_alpha_video(path: Path) -> Iterator[Frame]:
    """Yield RGBA frames of a VP9/WebM or ProRes file, decoding VP9 alpha with libvpx."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.codec_context.name in ALPHA_DECODERS:
            name = ALPHA_DECODERS[stream.codec_context.name]
            decoder = cast(VideoCodecContext, av.CodecContext.create(name, "r"))
            for packet in container.demux(stream):
                for frame in decoder.decode(packet):
                    yield np.asarray(frame.to_ndarray(format="rgba"), dtype=np.uint8)
            return
        for frame in container.decode(stream):
            yield np.asarray(frame.to_ndarray(format="rgba"), dtype=np.uint8)


def sample_index(time: Fraction) -> int:
    """The 48 kHz sample at `time` (rounded to the nearest)."""
    return math.floor(time * SAMPLE_RATE + Fraction(1, 2))


def decode_audio(
    path: Path,
    in_point: Fraction,
    target: Samples,
    check_cancel: Callable[[], None] | None = None,
) -> None:
    """Fill `target` with the stereo 48 kHz samples of `path` from source time `in_point` on
    (what the file does not have stays as it is: silence in a zeroed buffer). Samples are
    placed by their timestamps, from the source's origin (its first frame, else its first
    sample after the encoder's priming). `check_cancel` is called every few seconds of sound
    and may raise to stop."""
    with open_media(path) as container:
        stream = primary_audio_stream(container)
        if stream is None:
            return
        time_base = Fraction(stream.time_base or Fraction(1, SAMPLE_RATE))
        start = origin(container)
        first = sample_index(in_point + start)
        if in_point > 1:
            seek_to = int((in_point - 1 + start) / time_base)
            container.seek(seek_to, stream=stream, backward=True)
        resampler = av.AudioResampler(format="flt", layout="stereo", rate=SAMPLE_RATE)
        _fill(container, stream, time_base, resampler, target, first, check_cancel)


def _fill(
    container: av.container.InputContainer,
    stream: av.AudioStream,
    time_base: Fraction,
    resampler: av.AudioResampler,
    target: Samples,
    first: int,
    check_cancel: Callable[[], None] | None,
) -> None:
    position: int | None = None
    try:
        for count, frame in enumerate(container.decode(stream)):
            if check_cancel is not None and count % CANCEL_EVERY == 0:
                check_cancel()
            if position is None:
                position = sample_index(Fraction(frame.pts or 0) * time_base)
            for out in resampler.resample(frame):
                block = np.asarray(out.to_ndarray(), dtype=np.float32).reshape(-1, 2)
                position = _place(target, block, position - first) + first
                if position - first >= len(target):
                    return
    except av.error.FFmpegError as error:
        if position is None:
            raise SourceCorrupt(f"cannot decode audio: {error}") from error


def _place(target: Samples, block: Samples, offset: int) -> int:
    """Copy `block` to `target[offset:]` (clipping both ends); returns the next offset."""
    end = offset + len(block)
    lo, hi = max(offset, 0), min(end, len(target))
    if lo < hi:
        target[lo:hi] = block[lo - offset : hi - offset]
    return end
