"""Scale-out on the real Redis and PostgreSQL: `framelane serve` (API only) plus two
`framelane worker` processes; one worker is SIGKILLed mid-render and no job is left behind.
Run once with the queue on Redis and once with it on PostgreSQL (Huey's PostgresHuey)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from framelane.core.settings import settings_with
from framelane.db.session import session_scope
from framelane.usage.models import UsageRecord
from tests.fixtures.database import REDIS_URL, truncate_all, unreachable
from tests.fixtures.identity import make_workspace
from tests.jobs.processes import (
    Receiver,
    assert_victim_recovered,
    free_port,
    processing_pid,
    spawn,
    stop_all,
    tiny_body,
    victim_body,
    wait_all_terminal,
    wait_healthy,
)

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except Exception as exc:  # any connection failure
        unreachable("Redis at 127.0.0.1:6379", exc)
    return REDIS_URL


@pytest.fixture(params=["redis", "postgresql"])
def cluster_env(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_schema: str
) -> Iterator[dict[str, str]]:
    """API and workers on PostgreSQL, the queue on Redis or on PostgreSQL itself."""
    queue_url = (
        request.getfixturevalue("redis_url") if request.param == "redis" else postgres_schema
    )
    env = {
        **os.environ,
        "FRAMELANE_ENV": "testing",
        "FRAMELANE_DATA_DIR": str(tmp_path),
        "FRAMELANE_DATABASE_URL": postgres_schema,
        "FRAMELANE_QUEUE_URL": queue_url,
        "FRAMELANE_SECRET_KEY": "scale-out-secret-0123456789abcdef0123456789",
        "FRAMELANE_RATE_LIMITS_ENABLED": "false",
        "FRAMELANE_EMBEDDED_WORKERS": "0",
        "FRAMELANE_JOB_LEASE_SECONDS": "2",
        "FRAMELANE_JOB_MAX_ATTEMPTS": "2",
        "FRAMELANE_ALLOW_PRIVATE_URLS": "true",
    }
    yield env
    truncate_all(postgres_schema)


def test_two_workers_finish_every_job_when_one_is_killed(
    cluster_env: dict[str, str], tmp_path: Path
) -> None:
    database_url = cluster_env["FRAMELANE_DATABASE_URL"]
    settings = settings_with(env="testing", data_dir=tmp_path, database_url=database_url)
    workspace = make_workspace(settings, name="Scale", email="ops@scale.test", plan="enterprise")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = spawn(["serve", "--port", str(port)], cluster_env, tmp_path / "serve.log")
    workers = [
        spawn(["worker", "--workers", "2"], cluster_env, tmp_path / f"worker{i}.log")
        for i in range(2)
    ]
    receiver = Receiver()
    try:
        wait_healthy(base, server)
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {workspace.key}"}, timeout=30
        ) as api:
            # Given the victim render, then 19 tiny ones (one with its own webhook_url)
            victim = api.post("/v1/renders", json=victim_body()).json()["id"]
            ids = [victim] + [
                api.post("/v1/renders", json=tiny_body(i)).json()["id"] for i in range(18)
            ]
            hooked = api.post(
                "/v1/renders", json={**tiny_body(18), "webhook_url": receiver.url}
            ).json()["id"]
            ids.append(hooked)
            # When the worker rendering the victim is SIGKILLed mid-render
            pid = processing_pid(database_url, victim)
            assert pid in {w.pid for w in workers}, "the victim must run on a worker"
            os.kill(pid, signal.SIGKILL)
            # Then every job reaches a terminal state, none stays processing
            final = wait_all_terminal(api, ids, timeout=120)
            # And the events a worker published reach the job's webhook (sent by the API)
            deadline = time.monotonic() + 30
            while "render.completed" not in receiver.types_for(hooked):
                assert time.monotonic() < deadline, receiver.bodies
                time.sleep(0.2)
            assert receiver.types_for(hooked)[0] == "render.processing"
    finally:
        receiver.close()
        stop_all([server, *workers])
    assert all(job["status"] == "completed" for i, job in final.items() if i != victim)
    assert_victim_recovered(final[victim])
    # And no job was completed twice (one usage record per completed render)
    with session_scope(database_url) as session:
        records = (
            session.query(UsageRecord.job_id).filter(UsageRecord.kind == "render_seconds").all()
        )
    completed = [i for i, job in final.items() if job["status"] == "completed"]
    assert sorted(r[0] for r in records) == sorted(completed)
