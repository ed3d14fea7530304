"""End to end: `POST /v1/renders` on a server with its embedded worker and dispatcher running,
and the render's lifecycle arriving, signed, at a real receiver."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from framelane.webhooks import verify
from framelane.webhooks.dispatcher import Dispatcher
from tests.fixtures.identity import VerifiedWorkspace, make_workspace
from tests.fixtures.live import live_product
from tests.net.http_server import LiveServer, live_server
from tests.webhooks.helpers import create_webhook, envelope

pytestmark = pytest.mark.slow

TINY = {
    "width": 64,
    "height": 36,
    "duration": 1,
    "frame_rate": 10,
    "background_color": "#ff0000",
    "elements": [{"type": "text", "id": "t1", "text": "Hi", "duration": 1, "font_size": 8}],
    "metadata": {"order_id": "A-17"},
}


@pytest.fixture
def served(settings: Settings) -> Iterator[TestClient]:
    with live_product(settings) as client:
        yield client


@pytest.fixture
def pro(settings: Settings) -> VerifiedWorkspace:
    return make_workspace(settings, name="Pro", email="owner@pro.test", plan="pro")


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def types_of(receiver: LiveServer) -> list[str]:
    return [envelope(r)["type"] for r in receiver.received]


def lifecycle(types: list[str]) -> list[str]:
    """The types with consecutive progress events collapsed (their number depends on speed)."""
    collapsed: list[str] = []
    for event_type in types:
        if not collapsed or collapsed[-1] != event_type or event_type != "render.progress":
            collapsed.append(event_type)
    return collapsed


def test_a_renders_lifecycle_reaches_the_workspace_endpoint_in_order(
    served: TestClient, pro: VerifiedWorkspace
) -> None:
    with live_server() as receiver:
        secret = create_webhook(served, pro, receiver.url("/hook"), ["render.*"])["secret"]
        response = served.post("/v1/renders", headers=pro.headers, json=TINY)
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]
        wait_until(lambda: "render.completed" in types_of(receiver))
        received = receiver.received
    events: list[dict[str, Any]] = [envelope(r) for r in received]
    assert lifecycle([e["type"] for e in events]) in (
        ["render.processing", "render.completed"],
        ["render.processing", "render.progress", "render.completed"],
    )
    assert all(e["data"]["id"] == job_id for e in events)
    assert all(e["metadata"] == {"order_id": "A-17"} for e in events)
    assert events[-1]["data"]["status"] == "completed"
    assert all(verify(r.body, r.headers["framelane-signature"], secret) for r in received)


def test_a_per_request_webhook_url_replaces_the_endpoints_for_that_render(
    served: TestClient, pro: VerifiedWorkspace
) -> None:
    with live_server() as endpoint, live_server() as callback:
        create_webhook(served, pro, endpoint.url("/hook"), ["render.*"])
        body = {**TINY, "webhook_url": callback.url("/render-done")}
        assert served.post("/v1/renders", headers=pro.headers, json=body).status_code == 202
        wait_until(lambda: "render.completed" in types_of(callback))
        time.sleep(1.5)  # one more dispatcher poll: nothing else may arrive at the endpoint
        assert endpoint.received == []
    assert types_of(callback)[0] == "render.processing"


def test_events_of_a_render_run_by_a_framelane_worker_process_are_delivered(
    settings: Settings, pro: VerifiedWorkspace
) -> None:
    """The worker writes the outbox rows in its own transactions; any dispatcher sends them."""
    env = {
        **os.environ,
        "FRAMELANE_DATABASE_URL": settings.resolved_database_url,
        "FRAMELANE_DATA_DIR": str(settings.data_dir),
        "FRAMELANE_SECRET_KEY": settings.resolved_secret_key,
        "FRAMELANE_ALLOW_PRIVATE_URLS": "true",
        "FRAMELANE_ENV": "testing",
    }
    with live_server() as receiver, TestClient(create_app(settings, composition.features())) as api:
        create_webhook(api, pro, receiver.url("/hook"), ["render.*"])
        worker = subprocess.Popen(
            [sys.executable, "-m", "framelane.cli", "worker", "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stop = Dispatcher(settings, poll_seconds=0.2).start()
        try:
            job_id = api.post("/v1/renders", headers=pro.headers, json=TINY).json()["id"]
            wait_until(lambda: "render.completed" in types_of(receiver))
        finally:
            stop()
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
    events = [envelope(r) for r in receiver.received]
    assert lifecycle([e["type"] for e in events])[0] == "render.processing"
    assert events[-1]["type"] == "render.completed" and events[-1]["data"]["id"] == job_id
