"""GET/PATCH/DELETE /v1/workspace and usage."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.identity.models import ApiKey, Membership, Workspace
from framelane.usage.models import UsageRecord
from framelane.usage.repository import UsageRepository
from tests.fixtures.identity import VerifiedWorkspace


class TestWorkspace:
    def test_get_and_rename(self, client: TestClient, workspace: VerifiedWorkspace) -> None:
        body = client.get("/v1/workspace", headers=workspace.headers).json()
        assert body["id"] == workspace.id and body["name"] == "Acme"
        assert set(body) >= {
            "id",
            "name",
            "created_at",
            "email",
            "email_verified",
            "plan",
            "plan_status",
        }
        renamed = client.patch("/v1/workspace", json={"name": "Acme 2"}, headers=workspace.headers)
        assert renamed.json()["name"] == "Acme 2"
        empty = client.patch("/v1/workspace", json={"name": ""}, headers=workspace.headers)
        assert empty.status_code == 422

    def test_usage_is_zero_then_sums_this_months_records(
        self, client: TestClient, workspace: VerifiedWorkspace, settings: Settings
    ) -> None:
        usage = client.get("/v1/workspace/usage", headers=workspace.headers).json()
        assert usage["render_minutes"] == 0 and usage["task_count"] == 0
        assert usage["egress_bytes"] == 0 and usage["render_minutes_limit"] == 60
        with session_scope(settings.resolved_database_url) as session:
            repo = UsageRepository.from_session(session)
            repo.record(workspace.id, "render_seconds", 90.0, "render_x")
            repo.record(workspace.id, "task", 1, "task_x")
            repo.record(workspace.id, "egress_bytes", 1234, None)
        usage = client.get("/v1/workspace/usage", headers=workspace.headers).json()
        assert usage["render_minutes"] == 1.5
        assert usage["task_count"] == 1 and usage["egress_bytes"] == 1234

    def test_delete_cascades_only_this_workspace(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
        other_workspace: VerifiedWorkspace,
        settings: Settings,
    ) -> None:
        with session_scope(settings.resolved_database_url) as session:
            UsageRepository.from_session(session).record(workspace.id, "task", 1, None)
            UsageRepository.from_session(session).record(other_workspace.id, "task", 1, None)
        assert client.delete("/v1/workspace", headers=workspace.headers).status_code == 204
        assert client.get("/v1/workspace", headers=workspace.headers).status_code == 401
        with session_scope(settings.resolved_database_url) as session:
            for model in (Workspace, ApiKey, Membership, UsageRecord):
                column = model.id if model is Workspace else model.workspace_id  # type: ignore[attr-defined]
                assert session.scalar(select(func.count()).where(column == workspace.id)) == 0
                assert session.scalar(select(func.count()).where(column == other_workspace.id)) == 1
        assert client.get("/v1/workspace", headers=other_workspace.headers).status_code == 200
