"""Split renders across processes on the real Redis and PostgreSQL: `framelane serve` (API
only) and two `framelane worker` processes. The worker rendering a part for the other one is
SIGKILLed in the middle of it: that part alone is rendered again, and the render completes."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from framelane.chunking.models import RenderChunk
from framelane.core.settings import settings_with
from framelane.db.session import session_scope
from framelane.jobs.models import Job
from tests.chunking.conftest import moving_title
from tests.fixtures.database import REDIS_URL, truncate_all, unreachable
from tests.fixtures.identity import make_workspace
from tests.jobs.processes import free_port, spawn, stop_all, wait_all_terminal, wait_healthy

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
        "FRAMELANE_SECRET_KEY": "chunks-scale-out-secret-0123456789abcdef0123",
        "FRAMELANE_RATE_LIMITS_ENABLED": "false",
        "FRAMELANE_EMBEDDED_WORKERS": "0",
        "FRAMELANE_JOB_LEASE_SECONDS": "2",
        "FRAMELANE_CHUNK_SECONDS": "2",
        "FRAMELANE_CHUNK_MIN_SECONDS": "3",
    }
    truncate_all(postgres_schema)


def pid_of(worker_id: str | None) -> int | None:
    return int(worker_id.split(":")[1]) if worker_id else None


def part_in_progress_elsewhere(database_url: str, job_id: str) -> tuple[str, int]:
    """(part id, pid) of a part another process than the job's own is half-way through."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with session_scope(database_url) as session:
            job = session.get(Job, job_id)
            owner = pid_of(job.worker_id) if job is not None else None
            for part in session.query(RenderChunk).filter(RenderChunk.job_id == job_id):
                pid = pid_of(part.worker_id)
                if part.status == "running" and pid != owner and part.frames_done >= 15:
                    assert pid is not None
                    return part.id, pid
        time.sleep(0.02)
    raise AssertionError("no part was rendered by the second worker")


def wait_consuming(logs: list[Path]) -> None:
    """Until every worker process has started its consumer (imports take a while)."""
    deadline = time.monotonic() + 60
    while not all(log.exists() and "consumer started" in log.read_text() for log in logs):
        assert time.monotonic() < deadline, "a worker did not start"
        time.sleep(0.1)


def test_a_killed_part_is_rendered_again_alone_and_the_render_completes(
    cluster_env: dict[str, str], tmp_path: Path
) -> None:
    database_url = cluster_env["FRAMELANE_DATABASE_URL"]
    settings = settings_with(env="testing", data_dir=tmp_path, database_url=database_url)
    workspace = make_workspace(settings, name="Parts", email="ops@parts.test", plan="pro")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = spawn(["serve", "--port", str(port)], cluster_env, tmp_path / "serve.log")
    workers = [
        spawn(["worker", "--workers", "1"], cluster_env, tmp_path / f"worker{i}.log")
        for i in range(2)
    ]
    try:
        wait_healthy(base, server)
        wait_consuming([tmp_path / f"worker{i}.log" for i in range(2)])
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {workspace.key}"}, timeout=30
        ) as api:
            body = moving_title(16, width=1920, height=1080, frame_rate=30)
            job_id = api.post("/v1/renders", json=body).json()["id"]
            victim_part, pid = part_in_progress_elsewhere(database_url, job_id)
            assert pid in {w.pid for w in workers}
            os.kill(pid, signal.SIGKILL)
            final = wait_all_terminal(api, [job_id], timeout=180)[job_id]
    finally:
        stop_all([server, *workers])
    assert final["status"] == "completed", final
    assert final["output"]["chunks"] == 8 and final["attempts"] == 1
    with session_scope(database_url) as session:
        parts = session.query(RenderChunk).filter(RenderChunk.job_id == job_id).all()
        attempts = {part.id: part.attempts for part in parts}
        assert all(part.status == "done" for part in parts)
    assert attempts.pop(victim_part) == 2
    assert set(attempts.values()) == {1}, attempts
    assert not (tmp_path / "storage" / workspace.id / "chunks").exists() or not any(
        p.is_file() for p in (tmp_path / "storage" / workspace.id / "chunks").rglob("*")
    )
