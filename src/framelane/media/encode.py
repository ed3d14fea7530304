"""The one video writer: frames (and the mix's samples, or a source's audio track) into an
mp4, webm or mov file. Integer PTS appear only here (time_base = 1 / fps, 1 / 48000).

Conversion to the encoder's format (swscale, BT.709 limited range, tagged as such), encoder
submission and muxing run on one worker thread (PyAV releases the GIL there), overlapping
the caller's work on the next frame. A few reused staging frames carry pictures to it;
frames the caller hands over (`frame=`) are sent without a copy.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, cast

import av
import numpy as np
from av.video.reformatter import ColorRange, VideoReformatter

from framelane.media.decode import SAMPLE_RATE, Samples
from framelane.media.errors import EncodeFailed, SourceCorrupt
from framelane.media.pixels import PLANAR_FORMAT, Pixels, to_planar, unpremultiply

BT709 = 1
STAGING_FRAMES = 4
"""Reused input frames between the caller and the encoder thread."""
QUEUED_FRAMES = 2
"""Frames waiting for the encoder thread (each pins one frame of the output size)."""
_Job = tuple[str, Any, int, bool]
"""(kind "video" or "audio", frame or samples, frame index, recycle as staging)."""

InputFormat = Literal["bgra", "rgba", "rgb24"]
_CHANNELS = {"bgra": 4, "rgba": 4, "rgb24": 3}


@dataclass(frozen=True, slots=True)
class VideoFormat:
    """An output container with its video codec, pixel format, options and audio codec."""

    container: str
    codec: str
    pix_fmt: str
    audio_codec: str
    options: dict[str, str] = field(default_factory=dict)
    even_size: bool = True
    """4:2:0 (and 4:2:2) need even dimensions: an odd size is rounded up."""
    audio_bit_rate: int | None = None

    @property
    def alpha(self) -> bool:
        return self.pix_fmt.startswith("yuva")

    @property
    def suffix(self) -> str:
        return f".{self.container}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.container]


CONTENT_TYPES = {
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mov": "video/quicktime",
    "gif": "image/gif",
    "png": "image/png",
    "jpg": "image/jpeg",
}
_AUDIO_CODEC_NAMES = {"aac": "aac", "libopus": "opus"}


def even_up(value: int) -> int:
    return value + (value % 2)


class VideoWriter:
    """Encodes frames of `input_format` (premultiplied when `premultiplied`) and, with
    `with_audio`, 48 kHz stereo float samples (`write_audio`), or the first audio track of
    `audio_from` (copied when its codec is the output's, else transcoded), into one file."""

    def __init__(
        self,
        path: Path,
        fmt: VideoFormat,
        size: tuple[int, int],
        fps: Fraction,
        *,
        input_format: InputFormat = "bgra",
        premultiplied: bool = False,
        with_audio: bool = False,
        audio_from: Path | None = None,
    ) -> None:
        self.fmt = fmt
        self.size = size
        self.input_format = input_format
        self.premultiplied = premultiplied
        self.index = 0
        options = {"movflags": "+faststart"} if fmt.container in ("mp4", "mov") else {}
        try:
            self.container = av.open(str(path), "w", format=fmt.container, options=options)
        except (av.error.FFmpegError, ValueError) as error:
            raise EncodeFailed(f"cannot start the {fmt.container} encoder: {error}") from error
        try:
            self.stream = self._video_stream(size, fps)
            self.audio = self._audio_stream() if with_audio else None
            if audio_from is not None:
                self._copy_audio(audio_from)
        except (av.error.FFmpegError, ValueError) as error:
            self.container.close()
            raise EncodeFailed(f"cannot start the {fmt.container} encoder: {error}") from error
        except BaseException:
            self.container.close()
            raise
        self.reformatter = VideoReformatter()
        self.audio_written = 0
        self.pending_audio = np.zeros((0, 2), np.float32)
        self.staging: dict[str, queue.Queue[av.VideoFrame]] = {}
        self.staging_made: dict[str, int] = {}
        self.jobs: queue.Queue[_Job | None] = queue.Queue(maxsize=QUEUED_FRAMES)
        self.failure: BaseException | None = None
        self.worker = threading.Thread(target=self._work, name="framelane-encode", daemon=True)
        self.worker.start()

    @property
    def width(self) -> int:
        return int(self.stream.width)

    @property
    def height(self) -> int:
        return int(self.stream.height)

    def _video_stream(self, size: tuple[int, int], fps: Fraction) -> av.VideoStream:
        stream = cast(
            av.VideoStream,
            self.container.add_stream(self.fmt.codec, rate=fps, options=self.fmt.options),
        )
        width, height = size
        if self.fmt.even_size:
            width, height = even_up(width), even_up(height)
        stream.width, stream.height = width, height
        stream.pix_fmt = self.fmt.pix_fmt
        stream.time_base = 1 / fps
        context = stream.codec_context
        context.thread_type = "FRAME"  # libx264 frame threads, not slices
        context.color_primaries = BT709
        context.color_trc = BT709
        context.colorspace = BT709
        context.color_range = ColorRange.MPEG
        return stream

    def _audio_stream(self) -> av.AudioStream:
        stream = cast(
            av.AudioStream, self.container.add_stream(self.fmt.audio_codec, rate=SAMPLE_RATE)
        )
        stream.layout = "stereo"
        if self.fmt.audio_bit_rate:
            stream.bit_rate = self.fmt.audio_bit_rate
        return stream

    def _copy_audio(self, source: Path) -> None:
        """The source's first audio track, before any video packet (the muxer interleaves
        the two; audio is small enough to wait in its buffer)."""
        try:
            with av.open(str(source)) as container:
                if not container.streams.audio:
                    return
                in_stream = container.streams.audio[0]
                if in_stream.codec_context.name == _AUDIO_CODEC_NAMES.get(self.fmt.audio_codec):
                    copy_audio(container, self.container)
                else:
                    transcode_audio(container, self.container, self.fmt)
        except av.error.FFmpegError as exc:
            raise SourceCorrupt(f"the audio track cannot be decoded: {exc}") from exc

    # --- frames -----------------------------------------------------------------------------

    def write(self, pixels: Pixels) -> None:
        """Queue the next frame (frames larger than the output are cropped to it; an alpha
        channel the input format has no room for is dropped, a missing one is opaque)."""
        pixels = pixels[: self.size[1], : self.size[0]]
        channels = _CHANNELS[self.input_format]
        if pixels.shape[2] > channels:
            pixels = pixels[..., :channels]
        elif pixels.shape[2] < channels:
            opaque = np.full((*pixels.shape[:2], 1), 255, np.uint8)
            pixels = np.concatenate([pixels, opaque], axis=2)
        self.write_frame(pixels, self.index)

    def write_frame(self, pixels: Pixels, index: int, frame: av.VideoFrame | None = None) -> None:
        """Queue frame `index`. `frame`, when given, is a clean av.VideoFrame over `pixels`
        (VideoFrame.from_numpy_buffer) whose pixels the caller hands over and never touches
        again: it is encoded without a copy."""
        self.index = index + 1
        if frame is None or (self.fmt.alpha and self.premultiplied):
            # Copying into a reused frame is far cheaper than VideoFrame.from_ndarray, which
            # allocates (and page-faults) 8 MB per 1080p frame.
            staging = self._staging_frame(self.input_format)
            np.copyto(plane_view(staging, *pixels.shape[1::-1]), pixels)
            self._submit(("video", staging, index, True))
        else:
            self._submit(("video", frame, index, False))

    @property
    def accepts_planar(self) -> bool:
        """Whether frames may come composited in the output's own format: yuv420p of the
        canvas size (`planar_frame`, `write_planar`)."""
        return self.fmt.pix_fmt == PLANAR_FORMAT and self.size == (self.width, self.height)

    def planar_frame(self) -> av.VideoFrame:
        """A reused yuv420p frame of the canvas size for the caller to composite into; give
        it back with `write_planar` or `release_planar`."""
        return self._staging_frame(PLANAR_FORMAT)

    def write_planar(self, frame: av.VideoFrame, index: int) -> None:
        """Queue a frame from `planar_frame`, composited in the output's own format."""
        self.index = index + 1
        self._submit(("video", frame, index, True))

    def release_planar(self, frame: av.VideoFrame) -> None:
        self._staging_for(PLANAR_FORMAT).put(frame)

    def write_audio(self, samples: Samples) -> None:
        """Append mixed samples; whole encoder frames are sent as they fill up."""
        if self.audio is not None:
            self._submit(("audio", samples, 0, False))

    def _staging_for(self, pix_fmt: str) -> queue.Queue[av.VideoFrame]:
        return self.staging.setdefault(pix_fmt, queue.Queue())

    def _staging_frame(self, pix_fmt: str) -> av.VideoFrame:
        """A free staging frame of that format; they are made on first need (none when every
        frame is handed over), up to STAGING_FRAMES of each format."""
        free = self._staging_for(pix_fmt)
        while True:
            self._raise_failure()
            try:
                return free.get_nowait()
            except queue.Empty:
                pass
            if self.staging_made.get(pix_fmt, 0) < STAGING_FRAMES:
                self.staging_made[pix_fmt] = self.staging_made.get(pix_fmt, 0) + 1
                return av.VideoFrame(self.size[0], self.size[1], pix_fmt)
            try:
                return free.get(timeout=0.1)
            except queue.Empty:
                continue

    def _submit(self, job: _Job | None) -> None:
        while True:
            self._raise_failure()
            try:
                self.jobs.put(job, timeout=0.1)
                return
            except queue.Full:
                continue

    def _raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure
        if not self.worker.is_alive():
            raise EncodeFailed("the encoder thread stopped")

    # --- the encoder thread -----------------------------------------------------------------

    def _work(self) -> None:
        try:
            while (job := self.jobs.get()) is not None:
                kind, payload, index, recycle = job
                if kind == "audio":
                    self._append_audio(payload)
                else:
                    self._encode_video(payload, index, recycle)
        except BaseException as error:  # handed to the caller's thread
            self.failure = error
            self._drain_jobs()

    def _drain_jobs(self) -> None:
        while True:
            try:
                self.jobs.get_nowait()
            except queue.Empty:
                return

    def _encode_video(self, frame: av.VideoFrame, index: int, recycle: bool) -> None:
        if frame.format.name == self.fmt.pix_fmt:
            converted = frame  # composited in the output's own format
        else:
            if self.fmt.alpha and self.premultiplied:
                view = plane_view(frame, *self.size)
                np.copyto(view, unpremultiply(view))
            converted = to_planar(
                self.reformatter, frame, (self.width, self.height), self.fmt.pix_fmt
            )
        converted.pts = index
        self._mux(self.stream.encode(converted))
        if recycle:
            self._staging_for(frame.format.name).put(frame)

    def _append_audio(self, samples: Samples) -> None:
        assert self.audio is not None
        self.pending_audio = np.concatenate([self.pending_audio, samples])
        size = self.audio.codec_context.frame_size or 1024
        while len(self.pending_audio) >= size:
            self._encode_audio(self.pending_audio[:size])
            self.pending_audio = self.pending_audio[size:]

    def _encode_audio(self, block: Samples) -> None:
        assert self.audio is not None
        planar = np.ascontiguousarray(block.T)
        frame = av.AudioFrame.from_ndarray(planar, format="fltp", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self.audio_written
        frame.time_base = Fraction(1, SAMPLE_RATE)
        self.audio_written += len(block)
        self._mux(self.audio.encode(frame))

    def _mux(self, packets: list[Any]) -> None:
        try:
            self.container.mux(packets)
        except av.error.FFmpegError as error:
            raise EncodeFailed(f"muxing failed: {error}") from error

    def _finish_worker(self) -> None:
        """Let the worker finish what is queued, then stop it."""
        if self.worker.is_alive():
            self._submit(None)
            self.worker.join()
        if self.failure is not None:
            raise self.failure

    def close(self) -> None:
        """Encode what is queued, flush the encoders (encode(None)) and finish the file."""
        try:
            self._finish_worker()
            if self.audio is not None:
                if len(self.pending_audio):
                    self._encode_audio(self.pending_audio)
                    self.pending_audio = self.pending_audio[:0]
                self._mux(self.audio.encode(None))
            self._mux(self.stream.encode(None))
        finally:
            self.container.close()

    def abort(self) -> None:
        if self.worker.is_alive():
            self._drain_jobs()
            try:
                self.jobs.put(None, timeout=5)
            except queue.Full:
                pass
            self.worker.join(timeout=30)
        self.container.close()

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def plane_view(frame: av.VideoFrame, width: int, height: int) -> Pixels:
    """A writable numpy view of a packed frame's plane (rows may be padded)."""
    plane = frame.planes[0]
    channels = _CHANNELS[frame.format.name]
    buffer = np.frombuffer(memoryview(plane), np.uint8)
    return np.ndarray(
        (height, width, channels), np.uint8, buffer, strides=(plane.line_size, channels, 1)
    )


def copy_audio(source: av.container.InputContainer, target: av.container.OutputContainer) -> None:
    """Remux the first audio stream of `source` into `target` without decoding it."""
    in_stream = source.streams.audio[0]
    out_stream = target.add_stream_from_template(in_stream)
    for packet in source.demux(in_stream):
        if packet.dts is None:
            continue
        packet.stream = out_stream
        target.mux(packet)


def transcode_audio(
    source: av.container.InputContainer, target: av.container.OutputContainer, fmt: VideoFormat
) -> None:
    """Decode the first audio stream of `source` into `target`, encoded as `fmt.audio_codec`."""
    in_stream = source.streams.audio[0]
    rate = SAMPLE_RATE if fmt.audio_codec == "libopus" else (in_stream.rate or SAMPLE_RATE)
    layout = "mono" if in_stream.channels == 1 else "stereo"
    out_stream = cast(av.AudioStream, target.add_stream(fmt.audio_codec, rate=rate, layout=layout))
    sample_format = "flt" if fmt.audio_codec == "libopus" else "fltp"
    frame_size = out_stream.codec_context.frame_size or 960
    resampler = av.AudioResampler(
        format=sample_format, layout=layout, rate=rate, frame_size=frame_size
    )
    for frame in source.decode(in_stream):
        frame.pts = None
        for resampled in resampler.resample(frame):
            target.mux(out_stream.encode(resampled))
    for resampled in resampler.resample(None):
        target.mux(out_stream.encode(resampled))
    target.mux(out_stream.encode(None))
