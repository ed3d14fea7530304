"""Every query on the webhook tables. Claims are conditional UPDATEs, safe across processes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from framelane.webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookSecret,
)


@dataclass(slots=True)
class WebhookRepository:
    session: Session

    @classmethod
    def from_session(cls, session: Session) -> WebhookRepository:
        return cls(session)

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()

    # secret
    def secret(self, workspace_id: str) -> WebhookSecret | None:
        return self.session.get(WebhookSecret, workspace_id, populate_existing=True)

    def add_secret_if_missing(self, workspace_id: str, secret: str, at: datetime) -> None:
        """INSERT … ON CONFLICT DO NOTHING: two transactions creating the first secret of a
        workspace at once both succeed, and both then read the one that won."""
        dialect = self.session.get_bind().dialect.name
        module = postgresql if dialect == "postgresql" else sqlite
        stmt = (
            module.insert(WebhookSecret)
            .values(workspace_id=workspace_id, secret=secret, created_at=at)
            .on_conflict_do_nothing(index_elements=["workspace_id"])
        )
        self.session.execute(stmt)

    # endpoints
    def endpoint(self, webhook_id: str) -> WebhookEndpoint | None:
        return self.session.get(WebhookEndpoint, webhook_id)

    def owned_endpoint(self, workspace_id: str, webhook_id: str) -> WebhookEndpoint | None:
        endpoint = self.endpoint(webhook_id)
        return endpoint if endpoint is not None and endpoint.workspace_id == workspace_id else None

    def endpoints_statement(self, workspace_id: str) -> Select[WebhookEndpoint]:
        return select(WebhookEndpoint).where(WebhookEndpoint.workspace_id == workspace_id)

    def enabled_endpoints(self, workspace_id: str) -> Sequence[WebhookEndpoint]:
        return self.session.scalars(
            self.endpoints_statement(workspace_id)
            .where(WebhookEndpoint.enabled.is_(True))
            .order_by(WebhookEndpoint.id)
        ).all()

    def delete_endpoint(self, endpoint: WebhookEndpoint) -> None:
        self.session.execute(delete(WebhookAttempt).where(WebhookAttempt.webhook_id == endpoint.id))
        self.session.execute(
            delete(WebhookDelivery).where(WebhookDelivery.webhook_id == endpoint.id)
        )
        self.session.delete(endpoint)
        self.session.flush()

    def touch_endpoint(self, webhook_id: str, at: datetime) -> None:
        self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == webhook_id)
            .values(last_delivery_at=at)
        )

    # events, deliveries, attempts
    def event(self, event_id: str) -> WebhookEvent | None:
        return self.session.get(WebhookEvent, event_id)

    def delivery(self, delivery_id: str) -> WebhookDelivery | None:
        return self.session.get(WebhookDelivery, delivery_id, populate_existing=True)

    def attempt(self, attempt_id: str) -> WebhookAttempt | None:
        return self.session.get(WebhookAttempt, attempt_id, populate_existing=True)

    def attempts_statement(self, workspace_id: str, webhook_id: str) -> Select[WebhookAttempt]:
        return select(WebhookAttempt).where(
            WebhookAttempt.workspace_id == workspace_id, WebhookAttempt.webhook_id == webhook_id
        )

    def attempts_for_job(self, workspace_id: str, job_id: str) -> Select[WebhookAttempt]:
        """Every attempt of every event about one job, to any endpoint or per-request URL."""
        return select(WebhookAttempt).where(
            WebhookAttempt.workspace_id == workspace_id, WebhookAttempt.subject_id == job_id
        )

    def attempts_of(self, delivery_id: str) -> Sequence[WebhookAttempt]:
        return self.session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.attempt_number)
        ).all()

    def pending_attempt(self, delivery_id: str) -> WebhookAttempt | None:
        return self.session.scalars(
            select(WebhookAttempt).where(
                WebhookAttempt.delivery_id == delivery_id, WebhookAttempt.status == "pending"
            )
        ).first()

    def last_attempt_number(self, delivery_id: str) -> int:
        value = self.session.scalar(
            select(func.max(WebhookAttempt.attempt_number)).where(
                WebhookAttempt.delivery_id == delivery_id
            )
        )
        return int(value or 0)

    def due_attempts(self, now: datetime, limit: int, offset: int = 0) -> list[tuple[str, str]]:
        """(attempt id, ordering key) of pending attempts due at `now`, oldest first.

        Only unleased attempts whose endpoint (if any) is enabled (a `webhook.test` goes to a
        disabled endpoint too); the key is the target plus
        the subject (job or asset), so events of one subject to one target can go in order.
        """
        stmt = (
            select(
                WebhookAttempt.id,
                WebhookAttempt.webhook_id,
                WebhookDelivery.url,
                WebhookAttempt.subject_id,
            )
            .join(WebhookDelivery, WebhookDelivery.id == WebhookAttempt.delivery_id)
            .outerjoin(WebhookEndpoint, WebhookEndpoint.id == WebhookAttempt.webhook_id)
            .where(
                WebhookAttempt.status == "pending",
                WebhookAttempt.due_at <= now,
                or_(WebhookAttempt.lease_until.is_(None), WebhookAttempt.lease_until < now),
                or_(
                    WebhookAttempt.webhook_id.is_(None),
                    WebhookEndpoint.enabled.is_(True),
                    WebhookAttempt.event_type == "webhook.test",
                ),
            )
            .order_by(WebhookAttempt.due_at, WebhookAttempt.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            (attempt_id, f"{webhook_id or url}|{subject_id or attempt_id}")
            for attempt_id, webhook_id, url, subject_id in self.session.execute(stmt).all()
        ]

    def claim(self, attempt_id: str, now: datetime, lease_until: datetime) -> bool:
        """Take the lease on a due attempt; False when another dispatcher holds it."""
        result = self.session.execute(
            update(WebhookAttempt)
            .where(
                WebhookAttempt.id == attempt_id,
                WebhookAttempt.status == "pending",
                or_(WebhookAttempt.lease_until.is_(None), WebhookAttempt.lease_until < now),
            )
            .values(lease_until=lease_until)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def purge_events_before(self, cutoff: datetime) -> int:
        """Delete events older than `cutoff` with no pending delivery (their deliveries and
        attempts go with them through the foreign-key cascade)."""
        pending = select(WebhookDelivery.event_id).where(WebhookDelivery.status == "pending")
        result = self.session.execute(
            delete(WebhookEvent)
            .where(WebhookEvent.created_at < cutoff, WebhookEvent.id.not_in(pending))
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
