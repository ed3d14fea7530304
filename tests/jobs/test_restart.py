"""Embedded mode (SQLite queue inside `framelane serve`): the server is SIGKILLed mid-render,
restarted, and every accepted job still finishes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from framelane.db.session import session_scope
from framelane.jobs.models import Job
from tests.jobs.processes import (
    BIN,
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

pytestmark = pytest.mark.slow


def embedded_env(tmp_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The environment of a default (SQLite) deployment, and a workspace key's headers."""
    env = {
        **os.environ,
        "FRAMELANE_ENV": "testing",
        "FRAMELANE_DATA_DIR": str(tmp_path),
        "FRAMELANE_SECRET_KEY": "restart-secret-0123456789abcdef0123456789",
        "FRAMELANE_RATE_LIMITS_ENABLED": "false",
        "FRAMELANE_JOB_LEASE_SECONDS": "2",
        "FRAMELANE_EMBEDDED_WORKERS": "1",
    }
    env.pop("FRAMELANE_DATABASE_URL", None)
    env.pop("FRAMELANE_QUEUE_URL", None)
    subprocess.run([str(BIN), "migrate"], env=env, check=True, capture_output=True)
    created = subprocess.run(
        [
            str(BIN),
            "admin",
            "create-workspace",
            "--name",
            "R",
            "--email",
            "r@restart.test",
            "--plan",
            "enterprise",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return env, {"Authorization": f"Bearer {json.loads(created.stdout)['api_key']}"}


def test_jobs_survive_a_killed_api_process(tmp_path: Path) -> None:
    env, headers = embedded_env(tmp_path)
    database_url = f"sqlite:///{tmp_path / 'framelane.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    first = spawn(["serve", "--port", str(port)], env, tmp_path / "serve.log")
    processes = [first]
    try:
        wait_healthy(base, first)
        with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
            # Given a render in progress and three more waiting behind it
            victim = api.post("/v1/renders", json=victim_body()).json()["id"]
            ids = [victim] + [
                api.post("/v1/renders", json=tiny_body(i)).json()["id"] for i in range(3)
            ]
            assert processing_pid(database_url, victim) == first.pid
            # When the API process dies and comes back
            first.send_signal(signal.SIGKILL)
            first.wait()
            second = spawn(["serve", "--port", str(port)], env, tmp_path / "serve.log")
            processes.append(second)
            wait_healthy(base, second)
            # Then all of them finish; the victim on its second attempt
            final = wait_all_terminal(api, ids, timeout=120)
    finally:
        stop_all(processes)
    assert all(job["status"] == "completed" for i, job in final.items() if i != victim)
    assert_victim_recovered(final[victim])


def test_a_stopped_api_hands_its_running_render_back(tmp_path: Path) -> None:
    env, headers = embedded_env(tmp_path)
    database_url = f"sqlite:///{tmp_path / 'framelane.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    first = spawn(["serve", "--port", str(port)], env, tmp_path / "serve.log")
    processes = [first]
    try:
        wait_healthy(base, first)
        with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
            # Given a render in progress
            victim = api.post("/v1/renders", json=victim_body()).json()["id"]
            processing_pid(database_url, victim)
            # When the server gets SIGTERM, it stops promptly and the job is queued again
            stopping = time.monotonic()
            first.send_signal(signal.SIGTERM)
            first.wait(timeout=20)
            assert time.monotonic() - stopping < 10
            with session_scope(database_url) as session:
                parked = session.get(Job, victim)
                assert parked is not None
                assert (parked.status, parked.attempts) == ("queued", 0)
            # Then the next start renders it on its first counted attempt
            second = spawn(["serve", "--port", str(port)], env, tmp_path / "serve.log")
            processes.append(second)
            wait_healthy(base, second)
            final = wait_all_terminal(api, [victim], timeout=120)[victim]
    finally:
        stop_all(processes)
    assert (final["status"], final["attempts"]) == ("completed", 1)


def test_serve_workers_flag_overrides_the_setting(tmp_path: Path) -> None:
    env, headers = embedded_env(tmp_path)  # FRAMELANE_EMBEDDED_WORKERS=1
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = spawn(["serve", "--port", str(port), "--workers", "0"], env, tmp_path / "s.log")
    try:
        wait_healthy(base, server)
        with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
            job = api.post("/v1/renders", json=tiny_body(1)).json()
            waited = api.get(f"/v1/renders/{job['id']}", params={"wait": 2}).json()
    finally:
        stop_all([server])
    assert waited["status"] == "queued"  # API only: nothing consumes in this process
