"""Media errors: one family, each with the stable code the API reports.

`SourceError` is the root of everything a source file can get wrong; the render engine, ingest
and the AI tasks raise these same classes, so a `source_corrupt` means the same thing
wherever it comes from.
"""

from __future__ import annotations

from framelane.core.errors import FramelaneError


class MediaError(FramelaneError):
    """Raised when media cannot be read or written."""

    code = "media_error"
    status_code = 422


class SourceError(MediaError):
    """Raised when a source (video, image, audio, font, LUT) cannot be used."""

    code = "source_error"


class SourceNotFound(SourceError, FileNotFoundError):
    """Raised when a source URL or path cannot be reached or does not exist."""

    code = "source_not_found"


class SourceCorrupt(SourceError):
    """Raised when a source looks like media but its data is broken or truncated."""

    code = "source_corrupt"


class CodecUnsupported(SourceError):
    """Raised when a source is not a media file any decoder here reads."""

    code = "codec_unsupported"


class SourceTooLarge(SourceError):
    """Raised when a source exceeds the size, duration or pixel limits."""

    code = "source_too_large"


class EncodeFailed(MediaError):
    """Raised when the encoder or muxer rejects the frames."""

    code = "encode_failed"
    status_code = 500
