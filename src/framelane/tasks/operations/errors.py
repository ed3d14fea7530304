"""Engine errors of the AI operations, each with a stable code the runner copies to `job.error`.

A source that looks like media but does not decode is the media family's `SourceCorrupt`
(re-exported here). Nothing here knows about HTTP; `status_code` only says which status an
API layer would use if the error surfaced at request time.
"""

from __future__ import annotations

from framelane.core.errors import FramelaneError, LimitExceeded
from framelane.media.errors import SourceCorrupt

__all__ = [
    "LanguageUnsupported",
    "MediaTooLarge",
    "NoFaceDetected",
    "SourceCorrupt",
    "TaskCancelled",
    "TaskError",
    "UnsupportedMedia",
]


class TaskError(FramelaneError):
    """Raised when an AI operation fails for a reason the client can act on."""

    code = "task_failed"
    status_code = 422


class UnsupportedMedia(TaskError):
    """Raised when the source is not an image, video or audio file of the kind the task needs."""

    code = "unsupported_media"


class NoFaceDetected(TaskError):
    """Raised when a face is required and none is found in any frame."""

    code = "no_face_detected"


class MediaTooLarge(TaskError, LimitExceeded):
    """Raised when a frame, a duration or an output size exceeds the configured limits."""

    code = "limit_exceeded"
    status_code = 422


class LanguageUnsupported(TaskError):
    """Raised when a transcription language has no installed speech model."""

    code = "language_unsupported"
    status_code = 422


class TaskCancelled(TaskError):
    """Raised when the job was cancelled while the operation was running."""

    code = "cancelled"
    status_code = 409
