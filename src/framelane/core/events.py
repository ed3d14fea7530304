"""Domain events, published inside the transaction that caused them.

Producers (jobs, assets) call `publish(session, event)` in the same transaction as the state
change; subscribers (the webhook outbox) write their rows in that transaction too, so an event
is stored exactly when its cause is committed and never otherwise. Subscribers are the ones
the features of the process declare (`Feature.event_subscribers`), carried by the session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class DomainEvent:
    type: str  # e.g. "render.completed", "task.progress", "asset.ready"
    workspace_id: str
    data: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    webhook_url: str | None = None  # a job's per-request URL replaces the workspace endpoints
    subject_id: str | None = None  # the job or asset id


Subscriber = Callable[[Session, DomainEvent], None]
# `session.info` key of the subscribers a session publishes to. The process's wiring puts its
# features' subscribers there (for every session of its database); a session without any
# publishes to nobody.
SUBSCRIBERS = "framelane.event_subscribers"


def subscribers_of(session: Session) -> tuple[Subscriber, ...]:
    subscribers: tuple[Subscriber, ...] = session.info.get(SUBSCRIBERS, ())
    return subscribers


def publish(session: Session, event: DomainEvent) -> None:
    for subscriber in subscribers_of(session):
        subscriber(session, event)
