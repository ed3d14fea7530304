"""A Redis restart loses the queue; the jobs table does not: every accepted job still runs.

Uses a private `redis-server` (so the shared one is never restarted) and the API with no
embedded consumer plus one `framelane worker`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.fixtures.database import unreachable
from tests.jobs.processes import (
    BIN,
    free_port,
    spawn,
    stop_all,
    tiny_body,
    wait_all_terminal,
    wait_healthy,
)

pytestmark = [pytest.mark.slow, pytest.mark.redis]


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        unreachable("redis-server", FileNotFoundError("redis-server is not installed"))
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    if server.process is not None and server.process.poll() is None:
        server.kill()


def test_jobs_survive_a_redis_restart(tmp_path: Path, private_redis: PrivateRedis) -> None:
    env = {
        **os.environ,
        "FRAMELANE_ENV": "testing",
        "FRAMELANE_DATA_DIR": str(tmp_path),
        "FRAMELANE_SECRET_KEY": "redis-restart-0123456789abcdef0123456789",
        "FRAMELANE_QUEUE_URL": private_redis.url,
        "FRAMELANE_EMBEDDED_WORKERS": "0",
        "FRAMELANE_RATE_LIMITS_ENABLED": "false",
        "FRAMELANE_JOB_LEASE_SECONDS": "2",
    }
    env.pop("FRAMELANE_DATABASE_URL", None)
    subprocess.run([str(BIN), "migrate"], env=env, check=True, capture_output=True)
    created = subprocess.run(
        [
            str(BIN),
            "admin",
            "create-workspace",
            "--name",
            "Q",
            "--email",
            "q@queue.test",
            "--plan",
            "enterprise",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    headers = {"Authorization": f"Bearer {json.loads(created.stdout)['api_key']}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = spawn(["serve", "--port", str(port)], env, tmp_path / "serve.log")
    processes = [server]
    try:
        wait_healthy(base, server)
        with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
            # Given jobs waiting in Redis (no worker yet)
            ids = [api.post("/v1/renders", json=tiny_body(i)).json()["id"] for i in range(4)]
            assert redis.Redis.from_url(private_redis.url).dbsize() > 0
            # When Redis dies (the queue is lost), a job is accepted during the outage,
            # and Redis comes back empty
            private_redis.kill()
            during = api.post("/v1/renders", json=tiny_body(9))
            assert during.status_code == 202
            ids.append(during.json()["id"])
            private_redis.start()
            assert redis.Redis.from_url(private_redis.url).dbsize() == 0
            # Then a worker's reaper re-enqueues them from the jobs table and all complete
            processes.append(spawn(["worker", "--workers", "2"], env, tmp_path / "worker.log"))
            final = wait_all_terminal(api, ids, timeout=120)
    finally:
        stop_all(processes)
    assert {job["status"] for job in final.values()} == {"completed"}
