"""An app with the embedded Huey consumer running, as `framelane serve` starts it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from tests.fixtures.identity import VerifiedWorkspace, make_workspace


@pytest.fixture
def live(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings, composition.features(), start_background=True)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def pro(settings: Settings) -> VerifiedWorkspace:
    return make_workspace(settings, name="Pro", email="owner@pro.test", plan="pro")


def tiny(**overrides: Any) -> dict[str, Any]:
    """A 64×36, 1 s, 10 fps red render with one text element."""
    body: dict[str, Any] = {
        "width": 64,
        "height": 36,
        "duration": 1,
        "frame_rate": 10,
        "background_color": "#ff0000",
        "elements": [{"type": "text", "id": "t1", "text": "Hi", "duration": 1, "font_size": 8}],
    }
    body.update(overrides)
    return body


def long_render(seconds: int = 300) -> dict[str, Any]:
    """Long enough (≈ 15 s of work here) to still be compositing when a test acts on it."""
    return tiny(
        width=640,
        height=360,
        duration=seconds,
        frame_rate=30,
        elements=[{"type": "text", "id": "t1", "text": "Long", "duration": seconds}],
    )


def wait_for(
    client: TestClient, ws: VerifiedWorkspace, job_id: str, predicate: Any, timeout: float = 30.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/v1/renders/{job_id}", headers=ws.headers).json()
        if predicate(job):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; last state {job}")
        time.sleep(0.05)
