"""The database side of one delivery attempt: build the signed request, record the outcome.

Both run in short transactions of their own; the HTTP call happens between them with no
transaction open. The request is signed with the workspace secret read at send time, so a
rotation re-keys pending retries too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from framelane.core.ids import new_id
from framelane.webhooks.models import WebhookAttempt
from framelane.webhooks.repository import WebhookRepository
from framelane.webhooks.service import ensure_secret
from framelane.webhooks.signing import SIGNATURE_HEADER, sign

# Delay before retry n (after attempt n failed): 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h.
RETRY_SCHEDULE: tuple[int, ...] = (10, 60, 300, 1800, 7200, 21600, 43200)
STORED_BODY_CHARS = 4096
USER_AGENT = "Framelane-Webhooks/1.0"


@dataclass(frozen=True, slots=True)
class Outgoing:
    attempt_id: str
    delivery_id: str
    webhook_id: str | None
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one HTTP try produced: a status (any 2xx = success) or an error code."""

    status_code: int | None = None
    response_body: str | None = None
    error: dict[str, Any] | None = None
    duration_ms: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return (
            self.error is None and self.status_code is not None and (200 <= self.status_code < 300)
        )


def prepare_attempt(session: Session, attempt_id: str, now: datetime) -> Outgoing | None:
    """The signed request for a claimed attempt; None when it is gone or already finished."""
    repo = WebhookRepository.from_session(session)
    attempt = repo.attempt(attempt_id)
    if attempt is None or attempt.status != "pending":
        return None
    delivery, event = repo.delivery(attempt.delivery_id), repo.event(attempt.event_id)
    if delivery is None or event is None:
        return None
    if delivery.webhook_id is not None:
        endpoint = repo.endpoint(delivery.webhook_id)
        if endpoint is None:
            return None
        url = endpoint.url
    else:
        assert delivery.url is not None
        url = delivery.url
    attempt.url = url
    body = event.body.encode()
    secret = ensure_secret(session, attempt.workspace_id)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(body, secret, int(now.timestamp())),
        "Framelane-Event-Id": event.id,
        "Framelane-Event-Type": event.type,
        "Framelane-Delivery-Id": delivery.id,
        "Framelane-Attempt": str(attempt.attempt_number),
    }
    return Outgoing(attempt.id, delivery.id, delivery.webhook_id, url, body, headers)


def next_delay(attempt_number: int, schedule: tuple[int, ...] = RETRY_SCHEDULE) -> int | None:
    """Seconds until the retry after failed attempt `attempt_number`; None when it was the last."""
    return schedule[attempt_number - 1] if attempt_number <= len(schedule) else None


def record_outcome(
    session: Session,
    attempt_id: str,
    outcome: Outcome,
    now: datetime,
    schedule: tuple[int, ...] = RETRY_SCHEDULE,
) -> WebhookAttempt | None:
    """Store the try; on failure schedule the next attempt or mark the delivery `dead`."""
    repo = WebhookRepository.from_session(session)
    attempt = repo.attempt(attempt_id)
    if attempt is None or attempt.status != "pending":
        return None
    delivery = repo.delivery(attempt.delivery_id)
    if delivery is None:
        return None
    attempt.status_code = outcome.status_code
    attempt.response_body = (outcome.response_body or "")[:STORED_BODY_CHARS] or None
    attempt.error = outcome.error
    attempt.duration_ms = outcome.duration_ms
    attempt.attempted_at = now
    attempt.lease_until = None
    delivery.attempts += 1
    if attempt.webhook_id is not None:
        repo.touch_endpoint(attempt.webhook_id, now)
    if outcome.succeeded:
        attempt.status = delivery.status = "succeeded"
    else:
        _schedule_retry(repo, attempt, now, next_delay(attempt.attempt_number, schedule))
        delivery.status = "pending" if attempt.next_retry_at is not None else "dead"
    session.flush()
    return attempt


def _schedule_retry(
    repo: WebhookRepository, attempt: WebhookAttempt, now: datetime, delay: int | None
) -> None:
    if delay is None:
        attempt.status = "dead"
        return
    attempt.status = "failed"
    attempt.next_retry_at = now + timedelta(seconds=delay)
    repo.add(
        WebhookAttempt(
            id=new_id("att"),
            delivery_id=attempt.delivery_id,
            workspace_id=attempt.workspace_id,
            webhook_id=attempt.webhook_id,
            event_id=attempt.event_id,
            event_type=attempt.event_type,
            subject_id=attempt.subject_id,
            attempt_number=attempt.attempt_number + 1,
            status="pending",
            due_at=attempt.next_retry_at,
        )
    )
