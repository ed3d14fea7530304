"""Streaming video decode and encode with PyAV, keeping the source's audio.

Frames are decoded one at a time and encoded as they come, so memory does not grow with the
length of the video. The audio of the source is transcoded into the output before the first
video packet (the muxer interleaves the two; audio is small enough to wait in its buffer).
Variable frame rate sources come out at their average rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import cast

import av
import numpy as np
from numpy.typing import NDArray

from framelane.tasks.operations.base import ProgressMeter, TaskContext, TaskResult
from framelane.tasks.operations.errors import SourceCorrupt, TaskError
from framelane.tasks.operations.media import MediaInfo, as_u8, primary_video_stream

Frame = NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class VideoFormat:
    """An output container with its video codec, pixel format, options and audio codec."""

    name: str
    suffix: str
    content_type: str
    codec: str
    pix_fmt: str
    audio_codec: str
    audio_rate: int | None = None
    options: dict[str, str] = field(default_factory=dict)
    even_size: bool = True


MP4_H264 = VideoFormat(
    "mp4",
    ".mp4",
    "video/mp4",
    "libx264",
    "yuv420p",
    "aac",
    options={"preset": "veryfast", "crf": "18"},
)
WEBM_VP9_ALPHA = VideoFormat(
    "webm",
    ".webm",
    "video/webm",
    "libvpx-vp9",
    "yuva420p",
    "libopus",
    48000,
    options={
        "deadline": "realtime",
        "cpu-used": "8",
        "row-mt": "1",
        "crf": "24",
        "b": "0",
        "auto-alt-ref": "0",
        "lag-in-frames": "0",
    },
)
WEBM_VP9 = VideoFormat(
    "webm",
    ".webm",
    "video/webm",
    "libvpx-vp9",
    "yuv420p",
    "libopus",
    48000,
    options=dict(WEBM_VP9_ALPHA.options),
)
MOV_PRORES_4444 = VideoFormat(
    "mov",
    ".mov",
    "video/quicktime",
    "prores_ks",
    "yuva444p10le",
    "aac",
    options={"profile": "4444", "vendor": "apl0"},
    even_size=False,
)
MOV_PRORES_422 = VideoFormat(
    "mov",
    ".mov",
    "video/quicktime",
    "prores_ks",
    "yuv422p10le",
    "aac",
    options={"profile": "hq", "vendor": "apl0"},
)


def iter_video_frames(path: Path, pixel_format: str = "rgb24") -> Iterator[Frame]:
    """Yield every frame of the first video stream as an HxWxC uint8 array."""
    try:
        with av.open(str(path)) as container:
            stream = primary_video_stream(container)
            if stream is None:
                raise SourceCorrupt("the file has no video stream")
            stream.thread_type = "AUTO"
            for frame in container.decode(stream):
                yield upright(as_u8(frame.to_ndarray(format=pixel_format)), frame.rotation)
    except av.error.FFmpegError as exc:
        raise SourceCorrupt(f"the video cannot be decoded: {exc}") from exc


def upright(array: Frame, rotation: float) -> Frame:
    """Apply a display-matrix rotation (degrees counter-clockwise) so phone videos stand up."""
    quarter_turns = round(rotation / 90) % 4
    return np.ascontiguousarray(np.rot90(array, quarter_turns)) if quarter_turns else array


def even_size(width: int, height: int) -> tuple[int, int]:
    """The largest even size that fits in `width`x`height` (4:2:0 needs even dimensions)."""
    return max(2, width - width % 2), max(2, height - height % 2)


class VideoWriter:
    """Encodes RGB or RGBA frames into `path` with `fmt`, after the audio of `audio_source`."""

    def __init__(
        self,
        path: Path,
        fmt: VideoFormat,
        size: tuple[int, int],
        fps: Fraction,
        audio_source: Path | None = None,
    ) -> None:
        self.width, self.height = even_size(*size) if fmt.even_size else size
        self._fmt = fmt
        self._index = 0
        self._container = av.open(str(path), mode="w")
        try:
            self._audio_in = self._open_audio(audio_source)
            self._stream = cast(av.VideoStream, self._container.add_stream(fmt.codec, rate=fps))
            self._stream.width, self._stream.height = self.width, self.height
            self._stream.pix_fmt = fmt.pix_fmt
            self._stream.options = dict(fmt.options)
            self._stream.thread_count = 2
            self._copy_audio()
        except Exception:
            self._container.close()
            raise

    def _open_audio(self, audio_source: Path | None) -> av.container.InputContainer | None:
        if audio_source is None:
            return None
        container = av.open(str(audio_source))
        if not container.streams.audio:
            container.close()
            return None
        return container

    def _copy_audio(self) -> None:
        if self._audio_in is None:
            return
        try:
            if can_copy_audio(self._audio_in, self._fmt):
                copy_audio(self._audio_in, self._container)
            else:
                transcode_audio(self._audio_in, self._container, self._fmt)
        except av.error.FFmpegError as exc:
            raise SourceCorrupt(f"the audio track cannot be decoded: {exc}") from exc
        finally:
            self._audio_in.close()

    def write(self, frame: Frame) -> None:
        """Encode one frame; frames larger than the (even) output size are cropped."""
        pixel_format = "rgba" if frame.shape[2] == 4 else "rgb24"
        frame = np.ascontiguousarray(frame[: self.height, : self.width])
        video_frame = av.VideoFrame.from_ndarray(frame, format=pixel_format)
        video_frame.pts = self._index
        self._index += 1
        for packet in self._stream.encode(video_frame):
            self._container.mux(packet)

    def close(self) -> None:
        """Flush the encoder and finish the file."""
        try:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
        finally:
            self._container.close()

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
            self._container.close()


_AUDIO_CODEC_NAMES = {"aac": "aac", "libopus": "opus"}


def can_copy_audio(source: av.container.InputContainer, fmt: VideoFormat) -> bool:
    """Whether the source audio already uses the output's codec (then it is copied as is)."""
    stream = source.streams.audio[0]
    return stream.codec_context.name == _AUDIO_CODEC_NAMES.get(fmt.audio_codec)


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
    rate = fmt.audio_rate or in_stream.rate or 48000
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
            for packet in out_stream.encode(resampled):
                target.mux(packet)
    for resampled in resampler.resample(None):
        for packet in out_stream.encode(resampled):
            target.mux(packet)
    for packet in out_stream.encode(None):
        target.mux(packet)


FrameFn = Callable[[Frame], Frame]


def transform_video(
    source: Path,
    destination: Path,
    info: MediaInfo,
    fmt: VideoFormat,
    out_size: tuple[int, int],
    per_frame: FrameFn,
    ctx: TaskContext,
    meter: ProgressMeter,
) -> TaskResult:
    """Decode `source`, run `per_frame` on each RGB frame and encode the result to `destination`.

    A partial output is deleted when anything fails or the task is cancelled.
    """
    count = 0
    try:
        with VideoWriter(destination, fmt, out_size, info.fps, audio_source=source) as writer:
            for frame in iter_video_frames(source):
                ctx.raise_if_cancelled()
                writer.write(per_frame(frame))
                meter.frame_done(count, info.frame_count)
                count += 1
        if count == 0:
            raise SourceCorrupt("the video has no decodable frames")
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    duration = count / float(info.fps) if info.fps else info.duration
    return TaskResult(destination, fmt.content_type, writer.width, writer.height, duration)


def read_alpha_video(path: Path) -> Iterator[Frame]:
    """Yield RGBA frames of a VP9/WebM or ProRes file, decoding VP9 alpha with libvpx."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.codec_context.name == "vp9":
            decoder = av.CodecContext.create("libvpx-vp9", "r")
            for packet in container.demux(stream):
                for frame in decoder.decode(packet):
                    yield as_u8(frame.to_ndarray(format="rgba"))
            return
        for frame in container.decode(stream):
            yield as_u8(frame.to_ndarray(format="rgba"))


def format_for(name: str, alpha: bool) -> VideoFormat:
    """The output format called `name` (`mp4`, `webm`, `mov`), with or without an alpha channel."""
    formats = {
        ("mp4", False): MP4_H264,
        ("webm", True): WEBM_VP9_ALPHA,
        ("webm", False): WEBM_VP9,
        ("mov", True): MOV_PRORES_4444,
        ("mov", False): MOV_PRORES_422,
    }
    try:
        return formats[(name, alpha)]
    except KeyError as exc:
        raise TaskError(f"no video output format '{name}' with alpha={alpha}") from exc
