from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx

from framelane.client.retry import RetryPolicy, retry_after_seconds


def answer(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers)


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)

    assert retry_after_seconds("7") == 7
    assert 25 < (retry_after_seconds(later) or 0) <= 30
    assert retry_after_seconds("soon") is None


def test_only_transient_answers_are_retried_and_not_forever() -> None:
    policy = RetryPolicy(max_retries=2, max_retry_after=10)

    assert policy.after_response(0, answer(429, **{"retry-after": "3"})) == 3
    assert policy.after_response(0, answer(503, **{"retry-after": "120"})) == 10
    assert 0 < (policy.after_response(1, answer(502)) or 0) <= policy.max_delay
    assert policy.after_response(2, answer(500)) is None
    assert policy.after_response(0, answer(422)) is None
    assert policy.after_error(2) is None and policy.after_error(0) is not None
