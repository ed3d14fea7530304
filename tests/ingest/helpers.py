"""HTTP helpers for the ingest tests: upload through the API, wait for probes."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from framelane.core.events import DomainEvent
from framelane.kit.feature import Feature
from tests.fixtures.identity import VerifiedWorkspace

EVENTS: list[DomainEvent] = []


def record_event(_session: Session, event: DomainEvent) -> None:
    EVENTS.append(event)


# Composed next to the product's features, it records every domain event the app publishes.
EVENT_RECORDER = Feature(name="ingest_test_events", event_subscribers=(record_event,))


def events_of(workspace_id: str, prefix: str = "asset.") -> list[DomainEvent]:
    return [e for e in EVENTS if e.workspace_id == workspace_id and e.type.startswith(prefix)]


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def request_upload(
    client: TestClient, workspace: VerifiedWorkspace, content_type: str, **extra: Any
) -> dict[str, Any]:
    response = client.post(
        "/v1/uploads", headers=workspace.headers, json={"content_type": content_type, **extra}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def put_bytes(
    client: TestClient, upload_url: str, data: bytes, content_type: str
) -> httpx.Response:
    """PUT to our own signed endpoint (in-process)."""
    return client.put(local_path(upload_url), content=data, headers={"Content-Type": content_type})


def wait_for_asset(
    client: TestClient, workspace: VerifiedWorkspace, asset_id: str, timeout: float = 20.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/v1/workspace/assets/{asset_id}", headers=workspace.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] in ("ready", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def wait_for_import(
    client: TestClient, workspace: VerifiedWorkspace, import_id: str, timeout: float = 20.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/v1/imports/{import_id}", headers=workspace.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] != "processing" or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


TERMINAL = {"completed", "failed", "cancelled"}


def video_render(source_url: str, **extra: Any) -> dict[str, Any]:
    """A 64×48, 1 s, 10 fps render of one video element."""
    return {
        "width": 64,
        "height": 48,
        "duration": 1,
        "frame_rate": 10,
        "elements": [{"type": "video", "id": "v1", "source_url": source_url}],
        **extra,
    }


def wait_job(
    client: TestClient, ws: VerifiedWorkspace, job_id: str, timeout: float = 60.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/v1/renders/{job_id}", headers=ws.headers).json()
        if job["status"] in TERMINAL or time.monotonic() > deadline:
            return job
        time.sleep(0.1)
