"""Engine errors: each carries a stable `code` the job runner copies into `job.error`.

They subclass `framelane.core.errors.FramelaneError` and know nothing about HTTP. What a source
file or the encoder gets wrong is the media family (`framelane.media.errors`), re-exported here
for the engine's own modules. Validation and limit failures use the core classes
(`ValidationFailed`, `LimitExceeded`, `CapabilityUnsupported`) directly.
"""

from __future__ import annotations

from framelane.core.errors import FramelaneError
from framelane.media.errors import (
    CodecUnsupported,
    EncodeFailed,
    SourceCorrupt,
    SourceError,
    SourceNotFound,
    SourceTooLarge,
)

__all__ = [
    "CodecUnsupported",
    "EncodeFailed",
    "FontNotFound",
    "RenderCancelled",
    "RenderError",
    "SourceCorrupt",
    "SourceError",
    "SourceNotFound",
    "SourceTooLarge",
]


class RenderError(FramelaneError):
    """Raised when a render fails for a reason other than an invalid spec."""

    code = "render_failed"
    status_code = 422


class FontNotFound(SourceError):
    """Raised when a font given by URL cannot be fetched or parsed."""

    code = "font_not_found"


class RenderCancelled(RenderError):
    """Raised when `should_cancel()` returned true; the partial output is deleted."""

    code = "cancelled"
    status_code = 409
