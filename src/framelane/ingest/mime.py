"""The upload MIME allow-list (spec §15.1), file extensions and media kinds."""

from __future__ import annotations

from framelane.core.errors import FramelaneError

ALLOWED: dict[str, tuple[str, ...]] = {
    "video/mp4": (".mp4", ".m4v"),
    "video/quicktime": (".mov",),
    "video/webm": (".webm",),
    "video/x-msvideo": (".avi",),
    "video/x-matroska": (".mkv",),
    "video/mpeg": (".mpg", ".mpeg"),
    "audio/mpeg": (".mp3",),
    "audio/mp4": (".m4a", ".mp4"),
    "audio/wav": (".wav",),
    "audio/x-wav": (".wav",),
    "audio/aac": (".aac",),
    "audio/flac": (".flac",),
    "audio/ogg": (".ogg", ".oga"),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "image/gif": (".gif",),
    "image/tiff": (".tiff", ".tif"),
    "image/svg+xml": (".svg",),
    "image/heic": (".heic",),
    "image/heif": (".heif",),
    "image/avif": (".avif",),
    "image/apng": (".apng", ".png"),
    "font/ttf": (".ttf",),
    "font/otf": (".otf",),
    "font/woff": (".woff",),
    "font/woff2": (".woff2",),
}

READABLE_EXTRA: dict[str, tuple[str, ...]] = {"image/bmp": (".bmp",)}
"""Types we read as sources (and import) that the upload allow-list does not name."""

EXTENSION_TYPES: dict[str, str] = {}
for _mime, _extensions in ALLOWED.items():
    for _extension in _extensions:
        EXTENSION_TYPES.setdefault(_extension, _mime)


class UnsupportedContentType(FramelaneError):
    """Raised when an upload declares a MIME type outside the §15.1 allow-list."""

    code = "unsupported_content_type"
    status_code = 422


class ContentTypeMismatch(FramelaneError):
    """Raised when bytes do not match the declared Content-Type (e.g. a PNG sent as video/mp4)."""

    code = "content_type_mismatch"
    status_code = 415


def normalise(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def require_allowed(content_type: str) -> str:
    mime = normalise(content_type)
    if mime not in ALLOWED:
        raise UnsupportedContentType(
            f"Content type {content_type!r} is not accepted.",
            details={"allowed": sorted(ALLOWED)},
        )
    return mime


def family(content_type: str) -> str:
    """video | audio | image | font (video and audio share containers: both are `media`)."""
    return normalise(content_type).split("/", 1)[0]


def same_family(declared: str, detected: str) -> bool:
    media = {"video", "audio"}
    a, b = family(declared), family(detected)
    return a == b or (a in media and b in media)


def extension_for(content_type: str, filename: str | None) -> str:
    """The filename's extension when it fits the MIME type, otherwise the type's default."""
    mime = normalise(content_type)
    extensions = ALLOWED.get(mime) or READABLE_EXTRA.get(mime) or (".bin",)
    if filename and "." in filename:
        suffix = "." + filename.rsplit(".", 1)[1].lower()
        if suffix in extensions:
            return suffix
    return extensions[0]
