"""Media probing with PyAV: duration, size, frame rate, audio presence."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from framelane.render.errors import CodecUnsupported, SourceCorrupt, SourceTooLarge
from framelane.render.limits import RenderLimits


@dataclass(frozen=True, slots=True)
class MediaInfo:
    duration: Fraction
    """Seconds (0 when unknown)."""
    width: int
    height: int
    has_video: bool
    has_audio: bool
    has_alpha: bool


def open_media(path: Path) -> av.container.InputContainer:
    """Open a media file, mapping FFmpeg failures to our error codes."""
    try:
        return av.open(str(path))
    except av.error.InvalidDataError as error:
        raise CodecUnsupported(f"not a readable media file: {path.name}") from error
    except av.error.FFmpegError as error:
        raise SourceCorrupt(f"cannot open media {path.name}: {error}") from error


def _duration(container: av.container.InputContainer) -> Fraction:
    streams = [*container.streams.video, *container.streams.audio]
    best = Fraction(0)
    for stream in streams:
        if stream.duration is not None and stream.time_base is not None:
            best = max(best, stream.duration * stream.time_base)
    if best == 0 and container.duration is not None:
        best = Fraction(container.duration, 1_000_000)
    return best


def probe(path: Path, limits: RenderLimits) -> MediaInfo:
    with open_media(path) as container:
        video = container.streams.video[0] if container.streams.video else None
        has_audio = bool(container.streams.audio)
        if video is None and not has_audio:
            raise CodecUnsupported(f"no audio or video stream in {path.name}")
        width = video.codec_context.width if video is not None else 0
        height = video.codec_context.height if video is not None else 0
        fmt = video.codec_context.format if video is not None else None
        alpha = _has_alpha(video)
        info = MediaInfo(
            duration=_duration(container),
            width=width,
            height=height,
            has_video=video is not None and width > 0,
            has_audio=has_audio,
            has_alpha=alpha or (fmt is not None and "a" in fmt.name.replace("yuv", "")),
        )
    if info.width * info.height > limits.max_video_pixels:
        raise SourceTooLarge(f"{path.name}: {info.width}x{info.height} frames are too large")
    if info.duration > limits.max_source_duration:
        raise SourceTooLarge(f"{path.name}: longer than {limits.max_source_duration:g} s")
    return info


def _has_alpha(video: av.VideoStream | None) -> bool:
    """VP8/VP9 keep alpha in side data the native decoder drops; the tag says it is there."""
    if video is None:
        return False
    tags = {k.lower(): v for k, v in video.metadata.items()}
    return tags.get("alpha_mode") == "1"
