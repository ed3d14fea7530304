"""When to try a call again, and after how long: one policy for the sync and async clients."""

from __future__ import annotations

import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

from framelane.client.errors import TRANSIENT_STATUSES


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter; a 429's or 503's `Retry-After` wins when given.

    `max_retries` counts the attempts after the first one.
    """

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def backoff(self, attempt: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)

    def after_error(self, attempt: int) -> float | None:
        """Delay before retrying a connection failure, or None to give up."""
        return self.backoff(attempt) if attempt < self.max_retries else None

    def after_response(self, attempt: int, response: httpx.Response) -> float | None:
        """Delay before retrying this answer, or None when it is final."""
        if response.status_code not in TRANSIENT_STATUSES or attempt >= self.max_retries:
            return None
        told = retry_after_seconds(response.headers.get("retry-after"))
        if told is not None:
            return min(told, self.max_retry_after)
        return self.backoff(attempt)


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
