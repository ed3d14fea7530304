"""The Framelane Python SDK: `Framelane` (blocking) and `AsyncFramelane`.

Requests and answers are the server's own pydantic models; the package imports neither the
web framework, the database nor the render engine (see README.md here).
"""

from framelane.client.aio import AsyncFramelane
from framelane.client.errors import (
    ConnectionFailed,
    FramelaneAPIError,
    JobFailed,
    WaitTimeout,
)
from framelane.client.sync import Framelane
from framelane.client.webhooks import construct_event, verify_signature

__all__ = [
    "AsyncFramelane",
    "ConnectionFailed",
    "Framelane",
    "FramelaneAPIError",
    "JobFailed",
    "WaitTimeout",
    "construct_event",
    "verify_signature",
]
