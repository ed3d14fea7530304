"""The design-token API also answers a signed-in console user (cookie + CSRF header on writes)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.identity import VerifiedWorkspace
from tests.identity.test_console_login import login


def test_console_session_reads_and_writes_with_the_csrf_header(
    client: TestClient, workspace: VerifiedWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    csrf = login(client, caplog, workspace.email)
    listed = client.get("/api/v1/workspaces")
    assert listed.status_code == 200, listed.text
    assert workspace.id in [w["id"] for w in listed.json()["workspaces"]]

    path = f"/api/v1/workspaces/{workspace.id}/tokensets"
    refused = client.post(path, json={"name": "Colors"})
    assert refused.status_code == 401
    created = client.post(path, json={"name": "Colors"}, headers={"X-CSRF-Token": csrf})
    assert created.status_code == 201, created.text

    client.post("/v1/auth/logout")
    after = client.get("/api/v1/workspaces")
    assert after.status_code == 401
    assert after.json() == {"error": "Invalid API token"}
