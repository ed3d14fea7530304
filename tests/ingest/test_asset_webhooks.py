"""`asset.ready` / `asset.failed` reach a workspace webhook endpoint, signed, with the asset."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from framelane.core.settings import Settings
from framelane.webhooks.dispatcher import run_due_once
from tests.fixtures.identity import VerifiedWorkspace
from tests.ingest.helpers import put_bytes, request_upload, wait_for_asset

pytestmark = pytest.mark.slow


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"headers": dict(self.headers), "body": json.loads(body)})
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks", received
    finally:
        server.shutdown()
        server.server_close()


def test_asset_events_are_delivered(
    client: TestClient,
    settings: Settings,
    workspace: VerifiedWorkspace,
    media_dir: Path,
    receiver: tuple[str, list[dict[str, Any]]],
) -> None:
    url, received = receiver
    hook = client.post(
        "/v1/webhooks", headers=workspace.headers, json={"url": url, "events": ["asset.*"]}
    )
    assert hook.status_code == 201, hook.text
    good = request_upload(client, workspace, "image/jpeg")
    bad = request_upload(client, workspace, "image/png")
    put_bytes(client, good["upload_url"], (media_dir / "photo.jpg").read_bytes(), "image/jpeg")
    put_bytes(client, bad["upload_url"], (media_dir / "bomb.png").read_bytes(), "image/png")
    assert wait_for_asset(client, workspace, good["id"])["status"] == "ready"
    assert wait_for_asset(client, workspace, bad["id"])["status"] == "failed"
    run_due_once(settings)
    events = {item["body"]["type"]: item for item in received}
    assert set(events) == {"asset.ready", "asset.failed"}
    ready = events["asset.ready"]["body"]
    assert ready["id"].startswith("evt_")
    assert (ready["data"]["id"], ready["data"]["kind"], ready["data"]["width"]) == (
        good["id"],
        "image",
        40,
    )
    assert ready["data"]["source_url"] == good["source_url"]
    failed = events["asset.failed"]["body"]["data"]
    assert (failed["id"], failed["error"]["code"]) == (bad["id"], "source_too_large")
    assert all(
        any(k.lower() == "framelane-signature" for k in item["headers"]) for item in received
    )
