"""The one error hierarchy: every failure carries a stable machine code.

HTTP handlers render any `FramelaneError` into the envelope
`{"error": {"code", "message", "details"}}`; job runners copy `code` and `message` into
`job.error`. This module imports nothing from the web framework or the database, so the render
engine and the AI operations raise these too.
"""

from __future__ import annotations

from typing import Any


class FramelaneError(Exception):
    """Raised for any failure that has a stable code a client can act on."""

    code: str = "internal_error"
    status_code: int = 500

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.details = details
        self.headers = headers

    def to_dict(self) -> dict[str, Any]:
        """The `error` object of the envelope."""
        return {"code": self.code, "message": self.message, "details": self.details}


class BadRequest(FramelaneError):
    """Raised when a request is malformed in a way validation did not catch."""

    code = "invalid_request"
    status_code = 400


class ValidationFailed(FramelaneError):
    """Raised when input breaks the schema; `details` lists every `{loc, msg, type}`."""

    code = "validation_error"
    status_code = 422


class Unauthorized(FramelaneError):
    """Raised when the credentials are missing, unknown or revoked."""

    code = "unauthorized"
    status_code = 401


class Forbidden(FramelaneError):
    """Raised when the caller is known but may not do this."""

    code = "forbidden"
    status_code = 403


class NotFound(FramelaneError):
    """Raised when an object does not exist or belongs to another workspace."""

    code = "not_found"
    status_code = 404


class Conflict(FramelaneError):
    """Raised when the request conflicts with the current state of an object."""

    code = "conflict"
    status_code = 409


class LimitExceeded(FramelaneError):
    """Raised when a request asks for more than the configured limits allow."""

    code = "limit_exceeded"
    status_code = 422


class CapabilityUnsupported(FramelaneError):
    """Raised when a request names a catalog entry that is listed as `supported: false`."""

    code = "capability_unsupported"
    status_code = 422


class TooManyRequests(FramelaneError):
    """Raised when a rate limit or a quota is exhausted."""

    code = "rate_limited"
    status_code = 429
