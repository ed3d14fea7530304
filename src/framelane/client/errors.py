"""Exceptions the SDK raises: each carries the API's `code`, `message` and `details`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from framelane.jobs.schemas import JobOut

# Job and request error codes that mean "the source media is the problem" (CLI exit code 3).
SOURCE_CODES = frozenset(
    {
        "invalid_source",
        "codec_unsupported",
        "content_type_mismatch",
        "unsupported_content_type",
        "unsupported_media",
        "font_not_found",
        "no_face_detected",
    }
)
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


class FramelaneAPIError(Exception):
    """An answer that is not a success, after any retries."""

    def __init__(
        self,
        code: str,
        message: str,
        details: Any = None,
        *,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details
        self.status = status
        self.request_id = request_id

    @property
    def is_source_problem(self) -> bool:
        return self.code in SOURCE_CODES or self.code.startswith("source_")

    @property
    def is_transient(self) -> bool:
        """Trying the same call again later may succeed."""
        return self.status in TRANSIENT_STATUSES


class ConnectionFailed(FramelaneAPIError):
    """The server could not be reached (or the connection dropped) on every attempt."""

    @property
    def is_transient(self) -> bool:
        return True


class JobFailed(FramelaneAPIError):
    """A waited-for job ended `failed` or `cancelled`; `job` is its last state."""

    def __init__(self, job: JobOut) -> None:
        code = job.error.code if job.error else job.status
        message = job.error.message if job.error else f"the job ended {job.status}"
        super().__init__(code, message, {"job_id": job.id, "status": job.status})
        self.job = job


class WaitTimeout(FramelaneAPIError):
    """`wait()` gave up before the job ended; `job` is its last state (the job goes on)."""

    def __init__(self, job: JobOut) -> None:
        super().__init__(
            "wait_timeout",
            f"{job.id} is still {job.status} ({job.progress_percent:.0f}%)",
            {"job_id": job.id, "status": job.status},
        )
        self.job = job
        self.status = None


def error_from_response(response: httpx.Response) -> FramelaneAPIError:
    """The envelope `{"error": {code, message, details}}` as an exception."""
    code, message, details = f"http_{response.status_code}", response.reason_phrase, None
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code = str(error.get("code") or code)
        message = str(error.get("message") or message)
        details = error.get("details")
    elif isinstance(error, str):  # the design-token API's `{"error": "<message>"}`
        message = error
    return FramelaneAPIError(
        code,
        message,
        details,
        status=response.status_code,
        request_id=response.headers.get("x-request-id"),
    )
