"""Projects over HTTP: helpers to create a project and apply ops."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.fixtures.identity import VerifiedWorkspace


def scene() -> dict[str, Any]:
    """Two coloured texts joined by a dissolve over a small canvas (3 s)."""
    return {
        "width": 64,
        "height": 36,
        "duration": 3,
        "frame_rate": 10,
        "background_color": "#000000",
        "elements": [
            {"type": "text", "id": "a", "text": "A", "time": 0, "duration": 2, "font_size": 8},
            {"type": "text", "id": "b", "text": "B", "time": 1.5, "duration": 1.5, "font_size": 8},
        ],
        "transitions": [{"type": "cross_dissolve", "duration": 0.5, "from_id": "a", "to_id": "b"}],
    }


def create(
    client: TestClient, ws: VerifiedWorkspace, request: dict[str, Any] | None = None, **body: Any
) -> dict[str, Any]:
    payload = {"render_request": request if request is not None else scene(), **body}
    response = client.post("/v1/projects", json=payload, headers=ws.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def ops(
    client: TestClient, ws: VerifiedWorkspace, project_id: str, *items: dict[str, Any], **body: Any
) -> Any:
    return client.post(
        f"/v1/projects/{project_id}/ops", json={"ops": list(items), **body}, headers=ws.headers
    )


def applied(
    client: TestClient, ws: VerifiedWorkspace, project_id: str, *items: dict[str, Any]
) -> dict[str, Any]:
    response = ops(client, ws, project_id, *items)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def request_of(client: TestClient, ws: VerifiedWorkspace, project_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/projects/{project_id}?view=full", headers=ws.headers)
    assert response.status_code == 200, response.text
    request: dict[str, Any] = response.json()["render_request"]
    return request


def element(request: dict[str, Any], element_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in request["elements"] if e.get("id") == element_id)
    return found


def failed(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    return error
