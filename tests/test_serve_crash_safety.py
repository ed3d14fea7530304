"""`kill -9` of `framelane serve` (the embedded default: SQLite, in-process workers) while a
render runs, an upload streams in and a webhook is being delivered; then a restart on the same
data folder. The render completes (or fails `worker_lost`) and nothing stays `processing`, the
upload can be sent again, the delivery is retried, and SQLite passes `PRAGMA integrity_check`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from tests.render.conftest import write_video

pytestmark = pytest.mark.slow

UPLOAD_CHUNK = 64 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`framelane serve` in its own process, on one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "FRAMELANE_ENV": "testing",
            "FRAMELANE_DATA_DIR": str(data_dir),
            "FRAMELANE_ALLOW_PRIVATE_URLS": "true",
            "FRAMELANE_RATE_LIMITS_ENABLED": "false",
            "FRAMELANE_JOB_LEASE_SECONDS": "2",
            "FRAMELANE_PUBLIC_BASE_URL": self.base,
        }
        for name in ("FRAMELANE_DATABASE_URL", "FRAMELANE_QUEUE_URL", "FRAMELANE_STORAGE_URL"):
            self.env.pop(name, None)
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> Any:
        run = subprocess.run(
            [sys.executable, "-m", "framelane.cli", *args],
            env=self.env,
            capture_output=True,
            timeout=120,
            check=True,
        )
        return json.loads(run.stdout)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "framelane.cli", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: self._healthy(), 60, "the server to start")

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def wait_until(check: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class Receiver:
    """A webhook receiver that holds its first request open (so a delivery is in flight when
    the server dies) and answers 204 to the others; it records each event it received."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self.holding = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                receiver.events.append((body.get("type", ""), body.get("data", {}).get("id", "")))
                if len(receiver.events) == 1:
                    receiver.holding.set()
                    receiver.release.wait(60)
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    found = Server(tmp_path / "data")
    yield found
    found.stop()


def render(seconds: int, webhook_url: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "width": 640,
        "height": 360,
        "duration": seconds,
        "elements": [{"type": "text", "text": "Crash", "duration": seconds}],
    }
    if webhook_url:
        body["webhook_url"] = webhook_url
    return body


def noisy_clip(path: Path) -> Path:
    """A clip of a few MB (noise does not compress), so its upload takes a while."""
    noise = np.random.default_rng(7)
    return write_video(
        path,
        seconds=2.0,
        size=(320, 180),
        frame=lambda n: noise.integers(0, 256, (180, 320, 3), dtype=np.uint8),
    )


def slow_body(data: bytes, sent: threading.Event) -> Iterator[bytes]:
    for start in range(0, len(data), UPLOAD_CHUNK):
        if start >= len(data) // 2:
            sent.set()
            time.sleep(0.2)
        yield data[start : start + UPLOAD_CHUNK]


def put_slowly(url: str, headers: dict[str, str], data: bytes, sent: threading.Event) -> None:
    try:
        httpx.put(url, content=slow_body(data, sent), headers=headers, timeout=120)
    except httpx.HTTPError:
        pass  # the server died under it


def test_kill_9_mid_render_upload_and_delivery_then_restart(
    server: Server, receiver: Receiver, tmp_path: Path
) -> None:
    server.start()
    created = server.cli(
        "admin", "create-workspace", "--name", "Crash", "--email", "c@crash.test", "--plan", "pro"
    )
    api = httpx.Client(
        base_url=server.base, headers={"Authorization": f"Bearer {created['api_key']}"}
    )
    # 1. a finished render whose webhook delivery the receiver holds open
    short = api.post("/v1/renders", json=render(1, receiver.url)).json()
    assert receiver.holding.wait(60), "the webhook was not delivered"
    # 2. a long render, processing
    long = api.post("/v1/renders", json=render(120)).json()
    wait_until(
        lambda: api.get(f"/v1/renders/{long['id']}").json()["status"] == "processing",
        60,
        "the long render to start",
    )
    # 3. an upload streaming in
    data = noisy_clip(tmp_path / "clip.mp4").read_bytes()
    upload = api.post("/v1/uploads", json={"content_type": "video/mp4"}).json()
    half_sent = threading.Event()
    streaming = threading.Thread(
        target=put_slowly, args=(upload["upload_url"], upload["headers"], data, half_sent)
    )
    streaming.start()
    assert half_sent.wait(30)
    time.sleep(0.3)

    server.kill()
    receiver.release.set()
    streaming.join(60)
    server.start()

    # the render completes (or fails worker_lost); nothing stays processing
    def settled() -> dict[str, Any] | None:
        job: dict[str, Any] = api.get(f"/v1/renders/{long['id']}").json()
        return job if job["status"] in ("completed", "failed") else None

    job = wait_until(settled, 180, "the interrupted render to settle")
    assert job["status"] == "completed" or job["error"]["code"] == "worker_lost", job
    listed = api.get("/v1/renders", params={"status": "processing"}).json()
    assert listed["data"] == []

    # the upload can be sent again, and becomes a usable asset
    def retried() -> httpx.Response | None:
        answer = httpx.put(upload["upload_url"], content=data, headers=upload["headers"])
        return answer if answer.status_code == 200 else None

    assert wait_until(retried, 90, "the upload to be accepted again")
    asset = wait_until(
        lambda: api.get(f"/v1/workspace/assets/{upload['id']}").json()["status"] == "ready",
        60,
        "the upload to be probed",
    )
    assert asset

    # the interrupted delivery (the first event of the short render) is sent again
    interrupted = receiver.events[0]
    assert interrupted[1] == short["id"]
    wait_until(
        lambda: receiver.events.count(interrupted) >= 2, 120, "the webhook delivery to be retried"
    )

    server.stop()
    for name in ("framelane.db", "queue.db"):
        path = Path(server.env["FRAMELANE_DATA_DIR"]) / name
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)], name
