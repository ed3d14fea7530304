"""Scale-out on the real Redis and PostgreSQL: `framelane serve` (API only) plus two
`framelane worker` processes; one worker is SIGKILLed mid-render and no job is left behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from framelane.core.settings import settings_with
from framelane.db.session import session_scope
from framelane.jobs.models import Job
from framelane.usage.models import UsageRecord
from tests.fixtures.database import REDIS_URL, truncate_all, unreachable
from tests.fixtures.identity import make_workspace

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]
BIN = Path(sys.executable).parent / "framelane"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except Exception as exc:  # any connection failure
        unreachable("Redis at 127.0.0.1:6379", exc)
    return REDIS_URL


@pytest.fixture
def cluster_env(tmp_path: Path, postgres_schema: str, redis_url: str) -> Iterator[dict[str, str]]:
    env = {**os.environ, "FRAMELANE_ENV": "testing", "FRAMELANE_DATA_DIR": str(tmp_path),
           "FRAMELANE_DATABASE_URL": postgres_schema, "FRAMELANE_QUEUE_URL": redis_url,
           "FRAMELANE_SECRET_KEY": "scale-out-secret-0123456789abcdef0123456789",
           "FRAMELANE_RATE_LIMITS_ENABLED": "false", "FRAMELANE_EMBEDDED_WORKERS": "0",
           "FRAMELANE_JOB_LEASE_SECONDS": "2", "FRAMELANE_JOB_MAX_ATTEMPTS": "2"}
    yield env
    truncate_all(postgres_schema)


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen([str(BIN), *args], env=env, stdout=handle, stderr=handle)


def wait_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "framelane serve exited"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("framelane serve did not become healthy")


def render_body(index: int) -> dict[str, Any]:
    return {"width": 64, "height": 36, "duration": 1, "frame_rate": 10,
            "background_color": "#00ff00", "metadata": {"n": str(index)},
            "elements": [{"type": "text", "id": "t", "text": str(index), "duration": 1}]}


def victim_body() -> dict[str, Any]:
    """The render the killed worker is in the middle of (a few seconds of work)."""
    return {"width": 640, "height": 360, "duration": 20, "frame_rate": 30,
            "elements": [{"type": "text", "id": "t", "text": "victim", "duration": 20}]}


def processing_pid(database_url: str, job_id: str) -> int | None:
    with session_scope(database_url) as session:
        job = session.get(Job, job_id)
        if job is None or job.status != "processing" or not job.worker_id:
            return None
        return int(job.worker_id.split(":")[1])


def test_two_workers_finish_every_job_when_one_is_killed(cluster_env: dict[str, str],
                                                         tmp_path: Path) -> None:
    database_url = cluster_env["FRAMELANE_DATABASE_URL"]
    settings = settings_with(env="testing", data_dir=tmp_path, database_url=database_url)
    workspace = make_workspace(settings, name="Scale", email="ops@scale.test",
                               plan="enterprise")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = spawn(["serve", "--port", str(port)], cluster_env, tmp_path / "serve.log")
    workers = [spawn(["worker", "--workers", "2"], cluster_env, tmp_path / f"worker{i}.log")
               for i in range(2)]
    try:
        wait_healthy(base, server)
        with httpx.Client(base_url=base, headers={
                "Authorization": f"Bearer {workspace.key}"}, timeout=30) as api:
            # Given the victim render, then 19 tiny ones
            victim = api.post("/v1/renders", json=victim_body()).json()["id"]
            ids = [victim] + [api.post("/v1/renders", json=render_body(i)).json()["id"]
                              for i in range(19)]
            # When the worker rendering the victim is SIGKILLed mid-render
            deadline = time.monotonic() + 60
            pid = None
            while pid is None and time.monotonic() < deadline:
                pid = processing_pid(database_url, victim)
                time.sleep(0.02)
            assert pid in {w.pid for w in workers}, f"victim never ran on a worker ({pid})"
            os.kill(pid, signal.SIGKILL)
            # Then every job reaches a terminal state, none stays processing
            final = wait_all_terminal(api, ids, timeout=120)
    finally:
        for process in [server, *workers]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [server, *workers]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    statuses = {job_id: job["status"] for job_id, job in final.items()}
    assert all(status == "completed" for job_id, status in statuses.items() if job_id != victim)
    victim_job = final[victim]
    print("victim:", victim_job["status"], victim_job["attempts"], victim_job["error"])
    assert (victim_job["status"], victim_job["attempts"]) == ("completed", 2) or (
        victim_job["status"] == "failed" and victim_job["error"]["code"] == "worker_lost")
    # And no job was completed twice (one usage record per completed render)
    with session_scope(database_url) as session:
        records = session.query(UsageRecord.job_id).filter(
            UsageRecord.kind == "render_seconds").all()
    completed = [job_id for job_id, status in statuses.items() if status == "completed"]
    assert sorted(r[0] for r in records) == sorted(completed)


def wait_all_terminal(api: httpx.Client, ids: list[str],
                      timeout: float) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    final: dict[str, dict[str, Any]] = {}
    while time.monotonic() < deadline:
        for job_id in ids:
            if job_id not in final:
                job = api.get(f"/v1/renders/{job_id}", params={"wait": 1}).json()
                if job["status"] in {"completed", "failed", "cancelled"}:
                    final[job_id] = job
        if len(final) == len(ids):
            return final
    stuck = {i: api.get(f"/v1/renders/{i}").json()["status"] for i in ids if i not in final}
    raise AssertionError(f"jobs not terminal after {timeout} s: {stuck}")
