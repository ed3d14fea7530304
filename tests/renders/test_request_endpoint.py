"""GET /v1/renders/{id}/request and /v1/tasks/{id}/request: the stored request body."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.fixtures.identity import VerifiedWorkspace
from tests.renders.conftest import tiny


def test_a_render_answers_its_request_to_its_own_workspace_only(
    client: TestClient, workspace: VerifiedWorkspace, other_workspace: VerifiedWorkspace
) -> None:
    body = tiny(metadata={"order": "7"})
    submitted = client.post("/v1/renders", json=body, headers=workspace.headers)
    assert submitted.status_code == 202, submitted.text
    job = submitted.json()
    answer = client.get(f"/v1/renders/{job['id']}/request", headers=workspace.headers)
    assert answer.status_code == 200
    assert answer.json() == body
    foreign = client.get(f"/v1/renders/{job['id']}/request", headers=other_workspace.headers)
    assert foreign.status_code == 404
    as_task = client.get(f"/v1/tasks/{job['id']}/request", headers=workspace.headers)
    assert as_task.status_code == 404


def test_a_task_answers_its_request(client: TestClient, workspace: VerifiedWorkspace) -> None:
    body = {"source_url": "https://example.com/clip.mp4", "scale": 2}
    job = client.post("/v1/tasks/super-resolution", json=body, headers=workspace.headers).json()
    answer = client.get(f"/v1/tasks/{job['id']}/request", headers=workspace.headers).json()
    assert answer["source_url"] == body["source_url"] and answer["scale"] == 2
