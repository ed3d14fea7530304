"""What a task's source really is (by content, never by extension), in the task error codes,
and stills loaded for the models.

Probing and decoding are the media layer's (`framelane.media`); this module says what the
tasks make of it: bytes that carry a known media signature but do not decode are
`source_corrupt`; anything else that no decoder accepts is `unsupported_media`; sources past
the task limits are `limit_exceeded`. An animated image is handled as a video.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from framelane.media.errors import CodecUnsupported, SourceTooLarge
from framelane.media.image import decode_still, probe_image
from framelane.media.probe import MediaInfo, MediaKind, probe_av
from framelane.tasks.operations.base import TaskLimits
from framelane.tasks.operations.errors import MediaTooLarge, SourceCorrupt, UnsupportedMedia

__all__ = [
    "MediaInfo",
    "as_f32",
    "as_u8",
    "check_duration_limit",
    "check_frame_limits",
    "has_media_signature",
    "load_image_rgb",
    "load_image_rgba",
    "load_image_with_alpha",
    "probe_media",
    "require_kind",
    "save_png",
    "with_alpha",
]

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
    try:
        try:
            image = probe_image(path)
        except CodecUnsupported:
            image = None
        if image is not None and not image.animated:
            return image
        return probe_av(path)
    except CodecUnsupported as exc:
        raise _undecodable(path, exc.message) from exc
    except SourceTooLarge as exc:
        raise MediaTooLarge(f"the image is too large to decode: {exc.message}") from exc


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
            f"duration {float(info.duration):.1f}s exceeds the limit of "
            f"{limits.max_duration_s:.0f}s"
        )


def load_image_rgba(path: Path) -> NDArray[np.uint8]:
    """Decode a still into an HxWx4 uint8 array (EXIF orientation applied)."""
    try:
        return decode_still(path)
    except (CodecUnsupported, SourceTooLarge) as exc:
        raise SourceCorrupt(f"the image cannot be decoded: {exc.message}") from exc


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
