"""Find out what a source file really is (by content, never by extension) and load stills.

`probe_media` answers image / video / audio with sizes and duration, and maps failures onto the
task error codes: bytes that carry a known media signature but do not decode are
`source_corrupt`; anything else that no decoder accepts is `unsupported_media`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import av
import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from framelane.tasks.operations.base import TaskLimits
from framelane.tasks.operations.errors import MediaTooLarge, SourceCorrupt, UnsupportedMedia

MediaKind = Literal["image", "video", "audio"]
RGB = NDArray[np.uint8]

_MEDIA_SIGNATURES: tuple[tuple[int, bytes], ...] = (
    (0, b"\x89PNG"),
    (0, b"\xff\xd8\xff"),
    (0, b"GIF8"),
    (0, b"BM"),
    (0, b"II*\x00"),
    (0, b"MM\x00*"),
    (8, b"WEBP"),
    (8, b"WAVE"),
    (8, b"AVI "),
    (4, b"ftyp"),
    (0, b"\x1a\x45\xdf\xa3"),
    (0, b"OggS"),
    (0, b"fLaC"),
    (0, b"ID3"),
    (0, b"\x00\x00\x01\xba"),
    (0, b"\x00\x00\x01\xb3"),
)


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What a source holds: `fps` and `frame_count` for videos, `duration` for time media."""

    kind: MediaKind
    width: int = 0
    height: int = 0
    duration: float = 0.0
    fps: Fraction = Fraction(0)
    frame_count: int = 0
    has_audio: bool = False


def as_u8(array: Any) -> NDArray[np.uint8]:
    """An array (e.g. from OpenCV or PyAV) as uint8; no copy when it already is."""
    return np.asarray(array, dtype=np.uint8)


def as_f32(array: Any) -> NDArray[np.float32]:
    """View an array as float32; no copy if it already is."""
    return np.asarray(array, dtype=np.float32)


def has_media_signature(path: Path) -> bool:
    """Whether the first bytes match a known image, audio or video container signature."""
    with path.open("rb") as fh:
        head = fh.read(16)
    return any(head[offset : offset + len(magic)] == magic for offset, magic in _MEDIA_SIGNATURES)


def _undecodable(path: Path, what: str) -> Exception:
    if has_media_signature(path):
        return SourceCorrupt(f"the source looks like media but cannot be decoded ({what})")
    return UnsupportedMedia("the source is not an image, video or audio file")


def probe_media(path: Path) -> MediaInfo:
    """Identify `path` by its content and return its dimensions and timing."""
    if not path.exists() or path.stat().st_size == 0:
        raise UnsupportedMedia("the source file is empty")
    image = _probe_image(path)
    if image is not None:
        return image
    return _probe_av(path)


def _probe_image(path: Path) -> MediaInfo | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                if getattr(img, "n_frames", 1) > 1 and img.format in {"GIF", "WEBP", "PNG"}:
                    return None
                return MediaInfo(kind="image", width=img.width, height=img.height)
    except UnidentifiedImageError:
        return None
    except Image.DecompressionBombError as exc:
        raise MediaTooLarge(f"the image is too large to decode: {exc}") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise SourceCorrupt(f"the image cannot be read: {exc}") from exc


def _probe_av(path: Path) -> MediaInfo:
    try:
        with av.open(str(path)) as container:
            return _describe_container(container)
    except (av.error.InvalidDataError, av.error.EOFError) as exc:
        raise _undecodable(path, str(exc)) from exc
    except av.error.FFmpegError as exc:
        raise _undecodable(path, str(exc)) from exc


def primary_video_stream(container: av.container.InputContainer) -> av.VideoStream | None:
    """The first real video stream; cover art attached to audio files does not count."""
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    return None


def _describe_container(container: av.container.InputContainer) -> MediaInfo:
    duration = float(container.duration / av.time_base) if container.duration else 0.0
    has_audio = bool(container.streams.audio)
    stream = primary_video_stream(container)
    if stream is not None:
        fps = stream.average_rate or stream.guessed_rate or Fraction(25)
        frames = stream.frames or round(duration * float(fps))
        if stream.width <= 0 or stream.height <= 0:
            raise SourceCorrupt("the video stream has no frame size")
        kind: MediaKind = "video"
        if _is_quarter_turned(container, stream):
            return MediaInfo(
                kind, stream.height, stream.width, duration, Fraction(fps), frames, has_audio
            )
        return MediaInfo(
            kind, stream.width, stream.height, duration, Fraction(fps), frames, has_audio
        )
    if has_audio:
        return MediaInfo(kind="audio", duration=duration, has_audio=True)
    raise UnsupportedMedia("the file holds neither video nor audio")


def _is_quarter_turned(container: av.container.InputContainer, stream: av.VideoStream) -> bool:
    """Whether the first frame carries a 90° or 270° display rotation (portrait phone video)."""
    for frame in container.decode(stream):
        return round(frame.rotation / 90) % 2 == 1
    raise SourceCorrupt("the video has no decodable frames")


def require_kind(info: MediaInfo, *kinds: MediaKind) -> None:
    """Raise `unsupported_media` unless the source is one of `kinds`."""
    if info.kind not in kinds:
        wanted = " or ".join(kinds)
        raise UnsupportedMedia(f"this task needs {wanted}; the source is {info.kind}")


def check_frame_limits(info: MediaInfo, limits: TaskLimits) -> None:
    """Refuse sources whose frames or duration exceed `limits`."""
    pixels = info.width * info.height
    if info.kind == "image" and pixels > limits.max_image_pixels:
        raise MediaTooLarge(
            f"image of {info.width}x{info.height} exceeds {limits.max_image_pixels} pixels"
        )
    if info.kind == "video" and pixels > limits.max_video_pixels:
        raise MediaTooLarge(
            f"video frames of {info.width}x{info.height} exceed {limits.max_video_pixels} pixels"
        )
    check_duration_limit(info, limits)


def check_duration_limit(info: MediaInfo, limits: TaskLimits) -> None:
    """Refuse audio or video longer than `limits.max_duration_s`."""
    if info.kind in ("video", "audio") and info.duration > limits.max_duration_s:
        raise MediaTooLarge(
            f"duration {info.duration:.1f}s exceeds the limit of {limits.max_duration_s:.0f}s"
        )


def load_image_rgba(path: Path) -> NDArray[np.uint8]:
    """Decode a still into an HxWx4 uint8 array (EXIF orientation applied)."""
    from PIL import ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                upright = _eight_bit(ImageOps.exif_transpose(img))
                return np.asarray(upright.convert("RGBA"), dtype=np.uint8).copy()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise SourceCorrupt(f"the image cannot be decoded: {exc}") from exc


def _eight_bit(img: Image.Image) -> Image.Image:
    """Scale 16-bit and float greyscale images to 8 bits (PIL would clip them to white)."""
    if img.mode not in ("I", "F") and not img.mode.startswith("I;16"):
        return img
    values = np.asarray(img, dtype=np.float32)
    top = 65535.0 if float(values.max(initial=0.0)) > 255.0 else 255.0
    if img.mode == "F" and float(values.max(initial=0.0)) <= 1.0:
        top = 1.0
    return Image.fromarray(np.clip(values * (255.0 / top) + 0.5, 0, 255).astype(np.uint8), "L")


def load_image_rgb(path: Path) -> RGB:
    """Decode a still into HxWx3 RGB; transparency is dropped."""
    return np.ascontiguousarray(load_image_rgba(path)[..., :3])


def load_image_with_alpha(path: Path) -> tuple[RGB, NDArray[np.uint8] | None]:
    """RGB plus the alpha channel when the still has any transparency (else None)."""
    rgba = load_image_rgba(path)
    alpha = rgba[..., 3]
    rgb = np.ascontiguousarray(rgba[..., :3])
    return rgb, (np.ascontiguousarray(alpha) if int(alpha.min()) < 255 else None)


def with_alpha(rgb: RGB, alpha: NDArray[np.uint8] | None) -> NDArray[np.uint8]:
    """RGBA when `alpha` is given, else `rgb` unchanged."""
    return rgb if alpha is None else np.dstack([rgb, alpha])


def save_png(array: NDArray[np.uint8], path: Path) -> Path:
    """Write an RGB or RGBA uint8 array as PNG."""
    mode = "RGBA" if array.shape[2] == 4 else "RGB"
    Image.fromarray(np.ascontiguousarray(array), mode=mode).save(
        path, format="PNG", compress_level=6
    )
    return path
