"""Webhook tables: the workspace secret, endpoints, the event outbox, deliveries and attempts.

An event (`webhook_events`, the outbox) is written in the transaction of the state change that
caused it. Each event fans out to one `webhook_deliveries` row per target (an endpoint or a
job's per-request URL). Each delivery has `webhook_attempts`: the next one is written as
`pending` with its due time before it is tried, so the schedule lives in the database and
survives restarts; a dispatcher claims a due attempt with a lease before sending it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from framelane.db.base import Base, Timestamped, UTCDateTime, id_column, utcnow

DELIVERY_STATUSES = ("pending", "succeeded", "dead")
ATTEMPT_STATUSES = ("pending", "succeeded", "failed", "dead")


def _workspace_fk() -> Mapped[str]:
    return mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True
    )


class WebhookSecret(Base):
    """The one signing secret of a workspace (`whsec_…`); rotation replaces it in place."""

    __tablename__ = "webhook_secrets"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(String(128), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookEndpoint(Timestamped, Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = _workspace_fk()
    url: Mapped[str] = mapped_column(String(2083), nullable=False)
    events: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    last_delivery_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookEvent(Base):
    """The outbox: the exact JSON body every target of this event receives."""

    __tablename__ = "webhook_events"

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = _workspace_fk()
    type: Mapped[str] = mapped_column(String(64), nullable=False)
    subject_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class WebhookDelivery(Timestamped, Base):
    """One event to one target; `webhook_id` is None for a job's per-request `webhook_url`."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = _workspace_fk()
    event_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_events.id", ondelete="CASCADE"), nullable=False, index=True
    )
    webhook_id: Mapped[str | None] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=True, index=True
    )
    url: Mapped[str | None] = mapped_column(String(2083), nullable=True)  # per-request only
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class WebhookAttempt(Base):
    """One try of a delivery (or the next, `pending` one with its due time)."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_due", "status", "due_at"),)

    id: Mapped[str] = id_column()
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False, index=True
    )
    workspace_id: Mapped[str] = _workspace_fk()
    webhook_id: Mapped[str | None] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=True, index=True
    )
    event_id: Mapped[str] = mapped_column(String(40), nullable=False)
    event_type: Mapped[str] = mapped_column(String(64), nullable=False)
    subject_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    attempt_number: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    manual: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    url: Mapped[str | None] = mapped_column(String(2083), nullable=True)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
