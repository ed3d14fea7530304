"""Streaming video transforms for the AI operations, on the media layer's decoder and writer.

Frames are decoded one at a time and encoded as they come, so memory does not grow with the
length of the video; the source's audio track goes into the output unchanged (copied, or
transcoded when the output's codec differs). Variable frame rate sources come out at their
average rate.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from framelane.media.decode import Frame, iter_video_frames, read_alpha_video
from framelane.media.encode import InputFormat, VideoFormat, VideoWriter
from framelane.media.probe import MediaInfo
from framelane.tasks.operations.base import ProgressMeter, TaskContext, TaskResult
from framelane.tasks.operations.errors import SourceCorrupt, TaskError

__all__ = [
    "MOV_PRORES_422",
    "MOV_PRORES_4444",
    "MP4_H264",
    "WEBM_VP9",
    "WEBM_VP9_ALPHA",
    "Frame",
    "format_for",
    "iter_video_frames",
    "open_writer",
    "read_alpha_video",
    "transform_video",
]

_VP9 = {
    "deadline": "realtime",
    "cpu-used": "8",
    "row-mt": "1",
    "crf": "24",
    "b": "0",
    "auto-alt-ref": "0",
    "lag-in-frames": "0",
}
MP4_H264 = VideoFormat("mp4", "libx264", "yuv420p", "aac", {"preset": "veryfast", "crf": "18"})
WEBM_VP9_ALPHA = VideoFormat("webm", "libvpx-vp9", "yuva420p", "libopus", dict(_VP9))
WEBM_VP9 = VideoFormat("webm", "libvpx-vp9", "yuv420p", "libopus", dict(_VP9))
MOV_PRORES_4444 = VideoFormat(
    "mov", "prores_ks", "yuva444p10le", "aac", {"profile": "4444", "vendor": "apl0"}, False
)
MOV_PRORES_422 = VideoFormat(
    "mov", "prores_ks", "yuv422p10le", "aac", {"profile": "hq", "vendor": "apl0"}
)


def even_size(width: int, height: int) -> tuple[int, int]:
    """The largest even size that fits in `width`x`height` (4:2:0 needs even dimensions)."""
    return max(2, width - width % 2), max(2, height - height % 2)


def open_writer(
    path: Path,
    fmt: VideoFormat,
    size: tuple[int, int],
    fps: Fraction,
    audio_source: Path | None = None,
) -> VideoWriter:
    """A writer for straight RGB or RGBA frames of `size` (larger frames are cropped; an odd
    size is cut to even where the format needs it), after the audio of `audio_source`."""
    out_size = even_size(*size) if fmt.even_size else size
    input_format: InputFormat = "rgba" if fmt.alpha else "rgb24"
    return VideoWriter(path, fmt, out_size, fps, input_format=input_format, audio_from=audio_source)


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
        with open_writer(destination, fmt, out_size, info.fps, audio_source=source) as writer:
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
    duration = count / float(info.fps) if info.fps else float(info.duration)
    return TaskResult(destination, fmt.content_type, writer.width, writer.height, duration)


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
