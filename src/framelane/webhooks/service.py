"""Webhook rules: the workspace secret, endpoints, and the outbox written with each event.

`record_event` is the feature's event subscriber (`webhooks/feature.py`): every process
composed with the webhooks feature (the API app, `framelane worker`) writes outbox rows in the
producer's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import event as orm_events
from sqlalchemy.orm import Session

from framelane.core.errors import NotFound, ValidationFailed
from framelane.core.events import DomainEvent
from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.net.ssrf import ResolvedTarget, check_url
from framelane.webhooks import events as catalog
from framelane.webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from framelane.webhooks.repository import WebhookRepository
from framelane.webhooks.signing import new_secret

_wakers: list[Callable[[], None]] = []


def on_new_attempts(callback: Callable[[], None]) -> None:
    """The dispatcher registers here to be woken after a commit that adds due attempts."""
    if callback not in _wakers:
        _wakers.append(callback)


def off_new_attempts(callback: Callable[[], None]) -> None:
    if callback in _wakers:
        _wakers.remove(callback)


def _wake_dispatchers(_session: Session | None = None) -> None:
    for waker in list(_wakers):
        waker()


_WAKE_KEY = "framelane.webhooks.wake"


def wake_after_commit(session: Session) -> None:
    """Wake this process's dispatcher when `session` commits, however it is committed."""
    if not session.info.get(_WAKE_KEY):
        session.info[_WAKE_KEY] = True
        orm_events.listen(session, "after_commit", _wake_dispatchers)


# secret
def ensure_secret(session: Session, workspace_id: str) -> str:
    """The workspace's signing secret, created on first use."""
    repo = WebhookRepository.from_session(session)
    record = repo.secret(workspace_id)
    if record is None:
        repo.add_secret_if_missing(workspace_id, new_secret(), utcnow())
        record = repo.secret(workspace_id)
        assert record is not None
    return record.secret


def rotate_secret(session: Session, workspace_id: str) -> str:
    """Re-key the whole workspace; the old secret never signs again (also pending retries)."""
    repo = WebhookRepository.from_session(session)
    record = repo.secret(workspace_id)
    if record is None:
        return ensure_secret(session, workspace_id)
    record.secret = new_secret()
    record.rotated_at = utcnow()
    session.flush()
    return record.secret


# validation
def validate_events(patterns: list[str]) -> list[str]:
    problems = [
        {"loc": ["body", "events", index], "msg": problem, "type": "value_error"}
        for index, pattern in enumerate(patterns)
        if (problem := catalog.pattern_problem(pattern)) is not None
    ]
    if not patterns:
        problems.append(
            {"loc": ["body", "events"], "msg": "list at least one event", "type": "value_error"}
        )
    if problems:
        raise ValidationFailed("The webhook events are invalid.", details=problems)
    return list(dict.fromkeys(patterns))


def validate_webhook_url(settings: Settings, url: str) -> ResolvedTarget:
    """422 `url_not_allowed` for a URL the dispatcher may not call (jobs use it for
    `webhook_url` at submission too)."""
    return check_url(url, allow_private=settings.allow_private_urls)


# endpoints
def create_endpoint(
    session: Session,
    settings: Settings,
    workspace_id: str,
    *,
    url: str,
    events: list[str],
    enabled: bool,
) -> tuple[WebhookEndpoint, str]:
    patterns = validate_events(events)
    validate_webhook_url(settings, url)
    endpoint = WebhookEndpoint(
        id=new_id("wh"), workspace_id=workspace_id, url=url, events=patterns, enabled=enabled
    )
    WebhookRepository.from_session(session).add(endpoint)
    return endpoint, ensure_secret(session, workspace_id)


def get_endpoint(session: Session, workspace_id: str, webhook_id: str) -> WebhookEndpoint:
    endpoint = WebhookRepository.from_session(session).owned_endpoint(workspace_id, webhook_id)
    if endpoint is None:
        raise NotFound(f"No webhook {webhook_id!r} in this workspace.")
    return endpoint


def update_endpoint(
    session: Session, settings: Settings, endpoint: WebhookEndpoint, changes: dict[str, Any]
) -> WebhookEndpoint:
    if changes.get("events") is not None:
        endpoint.events = validate_events(changes["events"])
    if changes.get("url") is not None:
        validate_webhook_url(settings, changes["url"])
        endpoint.url = changes["url"]
    if changes.get("enabled") is not None:
        endpoint.enabled = bool(changes["enabled"])
    session.flush()
    if endpoint.enabled:
        wake_after_commit(session)
    return endpoint


def delete_endpoint(session: Session, endpoint: WebhookEndpoint) -> None:
    """Removes the endpoint, its pending deliveries and its delivery log."""
    WebhookRepository.from_session(session).delete_endpoint(endpoint)


# outbox
def _store_event(
    session: Session,
    workspace_id: str,
    event_type: str,
    data: dict[str, Any],
    metadata: dict[str, Any],
    subject_id: str | None,
) -> WebhookEvent:
    event_id, now = new_id("evt"), utcnow()
    body = catalog.encode(catalog.envelope(event_id, event_type, now, data, metadata))
    event = WebhookEvent(
        id=event_id,
        workspace_id=workspace_id,
        type=event_type,
        subject_id=subject_id,
        body=body,
        created_at=now,
    )
    WebhookRepository.from_session(session).add(event)
    return event


def _schedule(
    session: Session, event: WebhookEvent, *, webhook_id: str | None, url: str | None
) -> WebhookAttempt:
    repo = WebhookRepository.from_session(session)
    delivery = WebhookDelivery(
        id=new_id("dlv"),
        workspace_id=event.workspace_id,
        event_id=event.id,
        webhook_id=webhook_id,
        url=url,
    )
    repo.add(delivery)
    attempt = WebhookAttempt(
        id=new_id("att"),
        delivery_id=delivery.id,
        workspace_id=event.workspace_id,
        webhook_id=webhook_id,
        event_id=event.id,
        event_type=event.type,
        subject_id=event.subject_id,
        attempt_number=1,
        status="pending",
        due_at=event.created_at,
    )
    repo.add(attempt)
    wake_after_commit(session)
    return attempt


def record_event(session: Session, event: DomainEvent) -> None:
    """The outbox subscriber: one delivery per target, in the producer's transaction.

    A job's `webhook_url` replaces the workspace endpoints; otherwise every enabled endpoint
    whose `events` match receives it. Events with no target are not stored.
    """
    repo = WebhookRepository.from_session(session)
    if event.webhook_url:
        targets: list[tuple[str | None, str | None]] = [(None, event.webhook_url)]
    else:
        targets = [
            (endpoint.id, None)
            for endpoint in repo.enabled_endpoints(event.workspace_id)
            if catalog.matches(list(endpoint.events), event.type)
        ]
    if not targets:
        return
    ensure_secret(session, event.workspace_id)
    stored = _store_event(
        session,
        event.workspace_id,
        event.type,
        dict(event.data),
        dict(event.metadata),
        event.subject_id,
    )
    for webhook_id, url in targets:
        _schedule(session, stored, webhook_id=webhook_id, url=url)


def send_test(session: Session, endpoint: WebhookEndpoint) -> WebhookAttempt:
    """A `webhook.test` event for this endpoint only (whatever its `events` and `enabled`)."""
    ensure_secret(session, endpoint.workspace_id)
    data = {
        "webhook_id": endpoint.id,
        "url": endpoint.url,
        "message": "This is a test event from Framelane.",
    }
    stored = _store_event(session, endpoint.workspace_id, "webhook.test", data, {}, None)
    return _schedule(session, stored, webhook_id=endpoint.id, url=None)


def retry_delivery(
    session: Session, endpoint: WebhookEndpoint, delivery_id: str, now: datetime | None = None
) -> WebhookAttempt:
    """One more attempt, due now (a pending one is moved to now instead of duplicated)."""
    repo = WebhookRepository.from_session(session)
    delivery = repo.delivery(delivery_id)
    if delivery is None or delivery.webhook_id != endpoint.id:
        raise NotFound(f"No delivery {delivery_id!r} for webhook {endpoint.id!r}.")
    due = now or utcnow()
    pending = repo.pending_attempt(delivery.id)
    if pending is not None:
        pending.due_at = due
        pending.manual = True
        session.flush()
        wake_after_commit(session)
        return pending
    event = repo.event(delivery.event_id)
    assert event is not None
    attempt = WebhookAttempt(
        id=new_id("att"),
        delivery_id=delivery.id,
        workspace_id=delivery.workspace_id,
        webhook_id=endpoint.id,
        event_id=event.id,
        event_type=event.type,
        subject_id=event.subject_id,
        attempt_number=repo.last_attempt_number(delivery.id) + 1,
        status="pending",
        manual=True,
        due_at=due,
    )
    repo.add(attempt)
    delivery.status = "pending"
    session.flush()
    wake_after_commit(session)
    return attempt
