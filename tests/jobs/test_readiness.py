"""`/readyz` reports the queue: an unreachable queue makes the service not ready, quickly."""

from __future__ import annotations

import socket
import time

from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_queue_is_not_ready(settings: Settings) -> None:
    down = settings.model_copy(update={"queue_url": f"redis://127.0.0.1:{closed_port()}/0"})
    with TestClient(create_app(down, composition.features())) as client:
        started = time.monotonic()
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["queue"].startswith("error:")
    assert time.monotonic() - started < 5


def test_the_default_queue_is_ready(settings: Settings) -> None:
    with TestClient(create_app(settings, composition.features())) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 200 and answer.json()["checks"]["queue"] == "ok"
