"""GET /v1/webhooks/deliveries?job_id=: the attempts about one job, to every endpoint."""

from __future__ import annotations

from fastapi.testclient import TestClient

from framelane.core.settings import Settings
from tests.fixtures.identity import VerifiedWorkspace
from tests.webhooks.helpers import create_webhook, emit


def test_lists_only_this_jobs_attempts_of_this_workspace(
    client: TestClient,
    workspace: VerifiedWorkspace,
    other_workspace: VerifiedWorkspace,
    settings: Settings,
) -> None:
    first = create_webhook(client, workspace, "http://127.0.0.1:9/a")
    second = create_webhook(client, workspace, "http://127.0.0.1:9/b")
    foreign = create_webhook(client, other_workspace, "http://127.0.0.1:9/c")
    emit(settings, workspace.id, "render.completed", subject_id="render_01WANTED")
    emit(settings, workspace.id, "render.completed", subject_id="render_01OTHER")
    emit(settings, other_workspace.id, "render.completed", subject_id="render_01WANTED")

    answer = client.get(
        "/v1/webhooks/deliveries", params={"job_id": "render_01WANTED"}, headers=workspace.headers
    )
    assert answer.status_code == 200, answer.text
    attempts = answer.json()["data"]
    assert sorted(a["webhook_id"] for a in attempts) == sorted([first["id"], second["id"]])
    assert {a["job_id"] for a in attempts} == {"render_01WANTED"}
    assert {a["event_type"] for a in attempts} == {"render.completed"}

    theirs = client.get(
        "/v1/webhooks/deliveries",
        params={"job_id": "render_01WANTED"},
        headers=other_workspace.headers,
    ).json()["data"]
    assert [a["webhook_id"] for a in theirs] == [foreign["id"]]


def test_needs_a_job_id(client: TestClient, workspace: VerifiedWorkspace) -> None:
    answer = client.get("/v1/webhooks/deliveries", headers=workspace.headers)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "validation_error"
