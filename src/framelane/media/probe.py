"""What a media file holds: one `MediaInfo` for every reader (render engine, ingest, tasks).

Audio and video are read with PyAV (FFmpeg's demuxers know every container we accept); stills
and animated images with Pillow (`framelane.media.image`). Times are exact `Fraction`s of a
second, and each stream's own first timestamp is kept (`video_start`, `audio_start`): source
time 0 is the first frame or sample the file shows, whatever number its container gave it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import av

from framelane.media.errors import CodecUnsupported, SourceCorrupt, SourceTooLarge

MediaKind = Literal["image", "video", "audio"]


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """A source as it will be shown: sizes after the display rotation, times in seconds."""

    kind: MediaKind
    width: int = 0
    """Pixels across as shown (display rotation applied); 0 without a picture."""
    height: int = 0
    duration: Fraction = Fraction(0)
    """Seconds (0 when unknown, and for stills)."""
    fps: Fraction = Fraction(0)
    """Average frame rate of the video or animation (0 for stills and audio)."""
    frame_count: int = 0
    rotation: int = 0
    """Counter-clockwise degrees the picture is turned to be shown upright."""
    has_video: bool = False
    has_audio: bool = False
    has_alpha: bool = False
    video_codec: str | None = None
    audio_codec: str | None = None
    start: Fraction = Fraction(0)
    """The timestamp that is source time 0 (`origin`): the first frame of the picture, else
    the first sample of the sound."""
    video_start: Fraction = Fraction(0)
    """Timestamp of the video stream's first frame."""
    audio_start: Fraction = Fraction(0)
    """Timestamp of the audio stream's first sample (after encoder priming)."""
    animated: bool = False
    """An image with more than one frame (GIF, WebP, APNG)."""

    @property
    def stored_size(self) -> tuple[int, int]:
        """Width and height as stored, before the display rotation."""
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height


def open_media(path: Path) -> av.container.InputContainer:
    """Open a media file, mapping FFmpeg failures to the media error codes."""
    try:
        return av.open(str(path))
    except av.error.InvalidDataError as error:
        raise CodecUnsupported(f"not a readable media file: {path.name}") from error
    except av.error.FFmpegError as error:
        raise SourceCorrupt(f"cannot open media {path.name}: {error}") from error


def is_cover_art(stream: Any) -> bool:
    """A still attached to an audio file (album art) is not a video."""
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def primary_video_stream(container: av.container.InputContainer) -> av.VideoStream | None:
    """The first real video stream; cover art attached to audio files does not count."""
    for stream in container.streams.video:
        if not is_cover_art(stream):
            return stream
    return None


def primary_audio_stream(container: av.container.InputContainer) -> av.AudioStream | None:
    return container.streams.audio[0] if container.streams.audio else None


CODEC_NAMES = {"mp3float": "mp3", "aac_fixed": "aac", "libdav1d": "av1", "libopus": "opus"}


def codec_name(stream: Any) -> str | None:
    """The codec's common name (not the name of the decoder FFmpeg picked)."""
    if stream is None:
        return None
    name = str(stream.codec_context.name)
    return CODEC_NAMES.get(name, name)


def stream_start(stream: Any) -> Fraction:
    """Seconds of the stream's first timestamp (MPEG-PS/TS start near 0.5 s or later; an mp4
    edit list or encoder priming can make it negative)."""
    if stream is None or stream.start_time is None or stream.time_base is None:
        return Fraction(0)
    return Fraction(stream.start_time) * Fraction(stream.time_base)


ESTIMATED_DURATION_FORMATS = frozenset({"mpeg", "mpegts", "mpegvideo", "mp3", "aac"})
"""Containers whose stated duration FFmpeg derives from the bitrate: the packets decide."""


def origin(container: av.container.InputContainer) -> Fraction:
    """The timestamp that is source time 0: the first frame of the picture (the first sample
    of a file without one). Audio keeps its place against the picture: a sound that starts
    40 ms after the first frame (MPEG program streams) still does, measured from here."""
    video = primary_video_stream(container)
    return stream_start(video if video is not None else primary_audio_stream(container))


def declared_end(container: av.container.InputContainer) -> Fraction | None:
    """The timestamp where the file says its streams end (a stream's start plus its stated
    duration; else the container header's), unless the format only lets FFmpeg estimate it
    from the bitrate (MPEG-PS/TS, MP3, ADTS): then None, and the packets decide."""
    if set(str(container.format.name).split(",")) & ESTIMATED_DURATION_FORMATS:
        return None
    ends = [
        stream_start(stream) + stream.duration * Fraction(stream.time_base)
        for stream in (primary_video_stream(container), primary_audio_stream(container))
        if stream is not None and stream.duration is not None and stream.time_base is not None
    ]
    if ends:
        return max(ends)
    if container.duration:
        return Fraction((container.start_time or 0) + container.duration, 1_000_000)
    return None


def stream_duration(container: av.container.InputContainer) -> Fraction:
    """The duration the file states, from its origin (0 when unknown or only estimated)."""
    end = declared_end(container)
    return max(Fraction(0), end - origin(container)) if end is not None else Fraction(0)


def demuxed_end(container: av.container.InputContainer, name: str) -> Fraction:
    """Read every packet of the picture and the sound (no decoding): the timestamp where the
    last one ends. A truncated or damaged file fails here or ends early."""
    streams = [primary_video_stream(container), primary_audio_stream(container)]
    end = Fraction(0)
    try:
        for packet in container.demux([s for s in streams if s is not None]):
            if packet.pts is None or packet.time_base is None:
                continue
            end = max(end, (packet.pts + (packet.duration or 0)) * packet.time_base)
    except av.error.FFmpegError as error:
        raise SourceCorrupt(f"{name}: damaged media data ({error}).") from error
    return end


def measured_duration(container: av.container.InputContainer, name: str) -> Fraction:
    """Seconds from the origin to the end: as stated, or from the packets where the
    format only estimates it."""
    start = origin(container)
    end = declared_end(container)
    if end is None:
        end = demuxed_end(container, name)
    return max(Fraction(0), end - start)


def demuxed_span(container: av.container.InputContainer, name: str) -> Fraction:
    """Read every packet (no decoding): seconds from the first to the last timestamp. A
    truncated or damaged file fails here or ends early."""
    first: Fraction | None = None
    end = Fraction(0)
    try:
        for packet in container.demux():
            if packet.pts is None or packet.time_base is None:
                continue
            start = packet.pts * packet.time_base
            first = start if first is None else min(first, start)
            end = max(end, (packet.pts + (packet.duration or 0)) * packet.time_base)
    except av.error.FFmpegError as error:
        raise SourceCorrupt(f"{name}: damaged media data ({error}).") from error
    return max(Fraction(0), end - first) if first is not None else Fraction(0)


def first_frame(path: Path, stream_index: int) -> Any:
    """Decode one frame from a fresh open (some containers cannot seek back to the start)."""
    with open_media(path) as container:
        try:
            for frame in container.decode(container.streams[stream_index]):
                return frame
        except av.error.FFmpegError as error:
            raise SourceCorrupt(
                f"{path.name}: the first frame cannot be decoded ({error})."
            ) from error
    raise SourceCorrupt(f"{path.name}: no decodable frame.")


def _has_alpha(video: av.VideoStream | None) -> bool:
    """VP8/VP9 keep alpha in side data the native decoder drops (the tag says it is there);
    other codecs say it in their pixel format."""
    if video is None:
        return False
    tags = {k.lower(): v for k, v in video.metadata.items()}
    fmt = video.codec_context.format
    return tags.get("alpha_mode") == "1" or (fmt is not None and "a" in fmt.name.replace("yuv", ""))


def probe_av(path: Path, max_pixels: int | None = None) -> MediaInfo:
    """A video or audio file as FFmpeg reads it. The first frame is decoded (it tells the
    display rotation, and that the picture decodes at all) unless its size, read from the
    header, exceeds `max_pixels`."""
    with open_media(path) as container:
        video = primary_video_stream(container)
        audio = primary_audio_stream(container)
        if video is None and not audio:
            raise CodecUnsupported(f"no audio or video stream in {path.name}")
        duration = measured_duration(container, path.name)
        info = MediaInfo(
            kind="video" if video is not None else "audio",
            duration=duration,
            has_audio=audio is not None,
            audio_codec=codec_name(audio),
            start=origin(container),
            audio_start=stream_start(audio),
        )
        if video is None:
            assert audio is not None
            first_frame(path, audio.index)  # the sound decodes at all
            return info
        width, height = video.codec_context.width, video.codec_context.height
        fps = Fraction(video.average_rate or video.guessed_rate or 25)
        frames = video.frames or round(duration * fps)
        alpha = _has_alpha(video)
        codec, start, index = codec_name(video), stream_start(video), video.index
    if width <= 0 or height <= 0:
        raise SourceCorrupt(f"{path.name}: the video stream has no frame size")
    if max_pixels is not None and width * height > max_pixels:
        raise SourceTooLarge(
            f"{path.name}: {width}x{height} frames exceed the limit of {max_pixels} pixels",
            details={"width": width, "height": height, "max_pixels": max_pixels},
        )
    rotation = round(getattr(first_frame(path, index), "rotation", 0) or 0) % 360
    if rotation % 180:
        width, height = height, width
    return MediaInfo(
        kind="video",
        width=width,
        height=height,
        duration=duration,
        fps=fps,
        frame_count=frames,
        rotation=rotation,
        has_video=True,
        has_audio=info.has_audio,
        has_alpha=alpha,
        video_codec=codec,
        audio_codec=info.audio_codec,
        start=start,
        video_start=start,
        audio_start=info.audio_start,
    )
