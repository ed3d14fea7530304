"""Tasks in the scaled-out deployment: `framelane serve` (API only) and one `framelane worker`
process on the real Redis queue and PostgreSQL; the worker runs the task runners."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import redis
from tests.fixtures.database import REDIS_URL, truncate_all, unreachable
from tests.fixtures.identity import make_workspace
from tests.jobs.processes import free_port, spawn, stop_all, wait_healthy
from tests.tasks.api.conftest import MediaServer

from framelane.core.settings import settings_with

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def cluster_env(tmp_path: Path, postgres_schema: str) -> Iterator[dict[str, str]]:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except Exception as exc:  # any connection failure
        unreachable("Redis at 127.0.0.1:6379", exc)
    yield {
        **os.environ,
        "FRAMELANE_ENV": "testing",
        "FRAMELANE_DATA_DIR": str(tmp_path),
        "FRAMELANE_DATABASE_URL": postgres_schema,
        "FRAMELANE_QUEUE_URL": REDIS_URL,
        "FRAMELANE_SECRET_KEY": "tasks-scale-out-secret-0123456789abcdef012345",
        "FRAMELANE_RATE_LIMITS_ENABLED": "false",
        "FRAMELANE_EMBEDDED_WORKERS": "0",
        "FRAMELANE_ALLOW_PRIVATE_URLS": "true",
    }
    truncate_all(postgres_schema)


def test_a_worker_process_runs_tasks_submitted_to_the_api(
    cluster_env: dict[str, str], tmp_path: Path, media: MediaServer, speech: str, small_png: str
) -> None:
    settings = settings_with(
        env="testing", data_dir=tmp_path, database_url=cluster_env["FRAMELANE_DATABASE_URL"]
    )
    workspace = make_workspace(settings, name="Scale", email="ops@tasks.test", plan="pro")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cluster_env["FRAMELANE_PUBLIC_BASE_URL"] = base
    server = spawn(["serve", "--port", str(port)], cluster_env, tmp_path / "serve.log")
    worker = spawn(["worker", "--workers", "1"], cluster_env, tmp_path / "worker.log")
    try:
        wait_healthy(base, server)
        with httpx.Client(
            base_url=base, timeout=40, headers={"Authorization": f"Bearer {workspace.key}"}
        ) as api:
            transcript = api.post(
                "/v1/tasks/transcribe", json={"source_url": media.url(speech)}
            ).json()["id"]
            upscale = api.post(
                "/v1/tasks/super-resolution", json={"source_url": media.url(small_png), "scale": 2}
            ).json()["id"]
            done = {task_id: wait_terminal(api, task_id) for task_id in (transcript, upscale)}
            assert all(job["status"] == "completed" for job in done.values()), done
            assert done[upscale]["output"]["width"] == 96
            captions = api.get(f"/v1/tasks/{transcript}/download?format=vtt")
            assert captions.status_code == 302
            vtt = api.get(
                urlsplit(captions.headers["location"])._replace(scheme="", netloc="").geturl()
            )
            assert vtt.status_code == 200 and vtt.text.startswith("WEBVTT")
            assert "lovely today" in vtt.text and "meeting" in vtt.text
    finally:
        stop_all([server, worker])


def wait_terminal(api: httpx.Client, task_id: str, attempts: int = 6) -> dict[str, object]:
    job: dict[str, object] = {}
    for _ in range(attempts):
        job = api.get(f"/v1/tasks/{task_id}?wait=30").json()
        if job["status"] in ("completed", "failed", "cancelled"):
            break
    return job
