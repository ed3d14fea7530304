"""Helpers for webhook tests: endpoints over HTTP, events published like producers do."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from framelane.core.events import DomainEvent, publish
from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.webhooks.dispatcher import Delivered, Dispatcher
from tests.fixtures.identity import VerifiedWorkspace
from tests.net.http_server import Received

T0 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def create_webhook(
    client: TestClient,
    workspace: VerifiedWorkspace,
    url: str,
    events: list[str] | None = None,
    enabled: bool = True,
) -> dict[str, Any]:
    response = client.post(
        "/v1/webhooks",
        headers=workspace.headers,
        json={"url": url, "events": events or ["*"], "enabled": enabled},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def emit(
    settings: Settings,
    workspace_id: str,
    event_type: str,
    *,
    subject_id: str = "render_01TEST",
    data: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    webhook_url: str | None = None,
) -> None:
    """Publish a domain event in its own committed transaction, as a producer would."""
    with session_scope(settings.resolved_database_url) as session:
        publish(
            session,
            DomainEvent(
                type=event_type,
                workspace_id=workspace_id,
                data=data or {"id": subject_id, "status": event_type.split(".")[-1]},
                metadata=metadata or {"order": 42},
                webhook_url=webhook_url,
                subject_id=subject_id,
            ),
        )


def dispatcher(settings: Settings, **options: Any) -> Dispatcher:
    defaults: dict[str, Any] = {"timeout": 2.0, "concurrency": 1}
    return Dispatcher(settings, **{**defaults, **options})


def run(settings: Settings, now: datetime, **options: Any) -> list[Delivered]:
    sender = dispatcher(settings, **options)
    try:
        return sender.run_due_once(now)
    finally:
        sender.client.close()


def envelope(received: Received) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(received.body)
    return body


def deliveries(
    client: TestClient, workspace: VerifiedWorkspace, webhook_id: str
) -> list[dict[str, Any]]:
    response = client.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=workspace.headers)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return sorted(data, key=lambda item: (item["delivery_id"], item["attempt_number"]))
