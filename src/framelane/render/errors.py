"""Engine errors: each carries a stable `code` the job runner copies into `job.error`.

They subclass `framelane.core.errors.FramelaneError` and know nothing about HTTP; validation
and limit failures use the core classes (`ValidationFailed`, `LimitExceeded`,
`CapabilityUnsupported`) directly.
"""

from __future__ import annotations

from framelane.core.errors import FramelaneError


class RenderError(FramelaneError):
    """Raised when a render fails for a reason other than an invalid spec."""

    code = "render_failed"
    status_code = 422


class SourceError(RenderError):
    """Raised when a source (video, image, audio, font, LUT) cannot be used."""

    code = "source_error"


class SourceNotFound(SourceError, FileNotFoundError):
    """Raised when a source URL or path cannot be reached or does not exist."""

    code = "source_not_found"


class SourceCorrupt(SourceError):
    """Raised when a source can be opened but its data is broken or truncated."""

    code = "source_corrupt"


class CodecUnsupported(SourceError):
    """Raised when a source is not a media file the decoder can read."""

    code = "codec_unsupported"


class SourceTooLarge(SourceError):
    """Raised when a source exceeds the size, duration or pixel limits."""

    code = "source_too_large"


class FontNotFound(SourceError):
    """Raised when a font given by URL cannot be fetched or parsed."""

    code = "font_not_found"


class RenderCancelled(RenderError):
    """Raised when `should_cancel()` returned true; the partial output is deleted."""

    code = "cancelled"
    status_code = 409


class EncodeFailed(RenderError):
    """Raised when the encoder or muxer rejects the frames."""

    code = "encode_failed"
    status_code = 500
