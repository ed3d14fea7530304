"""Probe a media file: sniff the bytes, refuse bombs and polyglots before decoding, then read
kind, duration, size, codecs, fps, audio and rotation with PyAV (images with Pillow).

Every refusal is one of the engine's codes: `source_corrupt` (empty, truncated, broken,
polyglot), `codec_unsupported` (not a format we read), `source_too_large` (pixels, duration).
"""

from __future__ import annotations

import re
import struct
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import av

from framelane.ingest.mime import family
from framelane.ingest.sniff import (
    HEAD_BYTES,
    file_contains_markup,
    looks_like_markup,
    sniff_bytes,
)
from framelane.media.errors import CodecUnsupported, SourceCorrupt, SourceTooLarge
from framelane.media.image import image_size, probe_image
from framelane.media.probe import (
    declared_end,
    demuxed_span,
    is_cover_art,
    probe_av,
    stream_duration,
)
from framelane.render.limits import DEFAULT_LIMITS, RenderLimits

TRUNCATION_TOLERANCE = 0.9
SVG = "image/svg+xml"


@dataclass(frozen=True, slots=True)
class MediaProbe:
    content_type: str
    kind: str  # video | audio | image | font
    size_bytes: int
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    has_audio: bool | None = None
    rotation: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def probe_file(path: Path, limits: RenderLimits = DEFAULT_LIMITS) -> MediaProbe:
    """Everything we know about a file, or the precise reason it cannot be used."""
    size = path.stat().st_size
    if size == 0:
        raise SourceCorrupt(f"{path.name} is empty (0 bytes).")
    if size > limits.max_source_bytes:
        raise SourceTooLarge(f"{path.name} is larger than {limits.max_source_bytes} bytes.")
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    content_type = sniff_bytes(head)
    if content_type is None:
        what = "an HTML page" if looks_like_markup(head) else "no media format we read"
        raise CodecUnsupported(f"{path.name} is {what}.")
    if content_type != SVG and looks_like_markup(head):
        raise SourceCorrupt(f"{path.name} mixes {content_type} with HTML/script (polyglot).")
    kind = family(content_type)
    if kind == "image":
        return _probe_image(path, content_type, size, limits)
    if kind == "font":
        return _probe_font(path, content_type, size)
    return _probe_media(path, content_type, size, limits)


# --- images ---------------------------------------------------------------------------------


def png_dimensions(head: bytes) -> tuple[int, int] | None:
    if head[12:16] != b"IHDR" or len(head) < 24:
        return None
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def png_trailing_bytes(path: Path) -> int:
    """Bytes after the IEND chunk (a PNG polyglot carries a second file there)."""
    data = path.read_bytes()
    position = 8
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunk_type = data[position + 4 : position + 8]
        position += 12 + length
        if chunk_type == b"IEND":
            return int(max(0, len(data) - position))
    raise SourceCorrupt(f"{path.name}: PNG ends before its IEND chunk (truncated).")


def _check_pixels(name: str, width: int, height: int, limit: int) -> None:
    if width <= 0 or height <= 0:
        raise SourceCorrupt(f"{name}: invalid dimensions {width}x{height}.")
    if width * height > limit:
        raise SourceTooLarge(
            f"{name}: {width}x{height} pixels exceed the limit of {limit} (refused before "
            "decoding).",
            details={"width": width, "height": height, "max_pixels": limit},
        )


def check_image_header(path: Path, content_type: str, limits: RenderLimits) -> tuple[int, int]:
    """Dimensions from the header only; a decompression bomb is refused here, undecoded."""
    if content_type == "image/png":
        with path.open("rb") as handle:
            dims = png_dimensions(handle.read(32))
        if dims is None:
            raise SourceCorrupt(f"{path.name}: PNG without an IHDR header.")
        _check_pixels(path.name, *dims, limits.max_image_pixels)
        return dims
    try:
        width, height = image_size(path)
    except CodecUnsupported as error:
        raise SourceCorrupt(f"{path.name}: unreadable image header ({error.message}).") from error
    except struct.error as error:
        raise SourceCorrupt(f"{path.name}: unreadable image header ({error}).") from error
    _check_pixels(path.name, width, height, limits.max_image_pixels)
    return width, height


SVG_ACTIVE_CONTENT = re.compile(
    rb"<script|<foreignobject|<iframe|<embed|<object|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)
"""What makes an SVG a page rather than a picture: script, event handlers, embedded HTML."""


def _refuse_markup(path: Path, content_type: str) -> None:
    """An image that is also a web page or script (a polyglot) is refused; an SVG is markup
    by nature, and is refused only when it carries active content."""
    if content_type == SVG:
        if SVG_ACTIVE_CONTENT.search(path.read_bytes()):
            raise SourceCorrupt(f"{path.name}: the SVG carries script or embedded HTML.")
    elif file_contains_markup(path):
        raise SourceCorrupt(f"{path.name}: the image carries HTML/script (polyglot).")


def _probe_image(path: Path, content_type: str, size: int, limits: RenderLimits) -> MediaProbe:
    width, height = check_image_header(path, content_type, limits)
    if content_type == "image/png" and png_trailing_bytes(path) > 0:
        raise SourceCorrupt(f"{path.name}: data after the end of the PNG image (polyglot).")
    _refuse_markup(path, content_type)
    try:
        info = probe_image(path)
    except CodecUnsupported as error:
        raise SourceCorrupt(f"{path.name}: cannot decode the image ({error.message}).") from error
    except struct.error as error:
        raise SourceCorrupt(f"{path.name}: cannot decode the image ({error}).") from error
    return MediaProbe(
        content_type,
        "image",
        size,
        duration=float(info.duration) if info.animated else None,
        width=width,
        height=height,
        fps=float(info.fps) if info.animated else None,
        has_audio=False,
        rotation=info.rotation,
        video_codec=info.video_codec,
    )


# --- fonts ----------------------------------------------------------------------------------


def _probe_font(path: Path, content_type: str, size: int) -> MediaProbe:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    from framelane.render.fonts import font_read_errors

    try:
        font = TTFont(str(path), lazy=False)
        family_name = font["name"].getBestFamilyName()
        font.close()
    except font_read_errors() as error:
        raise SourceCorrupt(f"{path.name}: not a readable font ({error}).") from error
    if not family_name:
        raise SourceCorrupt(f"{path.name}: the font has no family name.")
    return MediaProbe(content_type, "font", size)


# --- audio and video ------------------------------------------------------------------------


def _open(path: Path, content_type: str) -> Any:
    try:
        return av.open(str(path))
    except av.error.FFmpegError as error:
        raise SourceCorrupt(
            f"{path.name} looks like {content_type} but cannot be opened ({error})."
        ) from error


def _declared_duration(container: Any) -> float | None:
    """The duration the file states, unless the format only lets FFmpeg estimate it."""
    if declared_end(container) is None:
        return None
    return float(stream_duration(container)) or None


def _measure_duration(container: Any, path: Path, limits: RenderLimits) -> float | None:
    """Stated stream duration, checked against the packets actually present (truncation)."""
    declared = _declared_duration(container)
    estimate = container.duration / 1_000_000 if container.duration else None
    if max(declared or 0.0, estimate or 0.0) > limits.max_source_duration:
        raise SourceTooLarge(f"{path.name}: longer than {limits.max_source_duration:g} s.")
    span = float(demuxed_span(container, path.name))
    if declared and span < declared * TRUNCATION_TOLERANCE:
        raise SourceCorrupt(
            f"{path.name} is truncated: data ends at {span:.2f} s of {declared:.2f} s."
        )
    measured = span if not declared or span > declared * 1.1 else declared
    duration: float | None = measured or estimate
    if duration and duration > limits.max_source_duration:
        raise SourceTooLarge(f"{path.name}: longer than {limits.max_source_duration:g} s.")
    return duration


def _probe_media(path: Path, content_type: str, size: int, limits: RenderLimits) -> MediaProbe:
    with _open(path, content_type) as container:
        videos = [s for s in container.streams.video if not is_cover_art(s)]
        audios = list(container.streams.audio)
        if not videos and not audios:
            raise CodecUnsupported(f"{path.name} has no audio or video stream.")
        for stream in (*videos[:1], *audios[:1]):
            if stream.codec_context is None:
                raise CodecUnsupported(f"{path.name}: no decoder for stream {stream.index}.")
        if videos:
            context = videos[0].codec_context
            _check_pixels(path.name, context.width, context.height, limits.max_video_pixels)
        duration = _measure_duration(container, path, limits)
    info = probe_av(path, limits.max_video_pixels)
    width, height = info.stored_size
    return MediaProbe(
        content_type=content_type,
        kind=info.kind,
        size_bytes=size,
        duration=duration or None,
        width=width if info.has_video else None,
        height=height if info.has_video else None,
        fps=float(info.fps) if info.fps else None,
        video_codec=info.video_codec,
        audio_codec=info.audio_codec,
        has_audio=info.has_audio,
        rotation=info.rotation if info.has_video else None,
    )
