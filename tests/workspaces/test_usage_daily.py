"""GET /v1/workspace/usage/daily and POST /v1/billing/portal."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import session_scope
from framelane.usage.models import UsageRecord
from framelane.usage.repository import UsageRepository, calendar_month
from tests.fixtures.identity import VerifiedWorkspace


def test_usage_per_day_of_this_month(
    client: TestClient, workspace: VerifiedWorkspace, settings: Settings
) -> None:
    now = utcnow()
    start, _ = calendar_month(now)
    with session_scope(settings.resolved_database_url) as session:
        repo = UsageRepository.from_session(session)
        repo.record(workspace.id, "render_seconds", 90.0, "render_a")
        repo.record(workspace.id, "render_seconds", 30.0, "render_b")
        repo.record(workspace.id, "task", 1, "task_a")
        repo.record(workspace.id, "render_seconds", 600.0, "render_old")
        session.execute(
            update(UsageRecord)
            .where(UsageRecord.job_id == "render_old")
            .values(created_at=start - timedelta(hours=1))
        )
    body = client.get("/v1/workspace/usage/daily", headers=workspace.headers).json()
    days = body["days"]
    assert len(days) == now.day
    assert days[0]["date"] == start.date().isoformat()
    today = days[-1]
    assert today["date"] == now.date().isoformat()
    assert today["render_minutes"] == 2.0 and today["task_count"] == 1
    assert sum(day["render_minutes"] for day in days) == 2.0


def test_billing_portal_defaults_to_the_console_plan_page(
    client: TestClient, workspace: VerifiedWorkspace, settings: Settings
) -> None:
    answer = client.post("/v1/billing/portal", headers=workspace.headers)
    assert answer.status_code == 200
    assert answer.json() == {"url": settings.public_base_url.rstrip("/") + "/console/settings#plan"}


def test_billing_portal_answers_the_configured_page(
    workspace: VerifiedWorkspace, settings: Settings
) -> None:
    configured = settings.model_copy(update={"billing_portal_url": "https://billing.example/p"})
    with TestClient(create_app(configured, composition.features())) as client:
        answer = client.post("/v1/billing/portal", headers=workspace.headers)
    assert answer.json() == {"url": "https://billing.example/p"}


def test_billing_portal_needs_a_key(client: TestClient) -> None:
    assert client.post("/v1/billing/portal").status_code == 401
