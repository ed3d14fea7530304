"""`framelane webhooks deliver-due` in process and `framelane webhooks dispatch` as a process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from framelane.cli import main
from framelane.core.settings import Settings, get_settings
from tests.fixtures.identity import VerifiedWorkspace
from tests.net.http_server import live_server
from tests.webhooks.helpers import create_webhook, emit, envelope


def settings_env(settings: Settings) -> dict[str, str]:
    return {
        "FRAMELANE_DATABASE_URL": settings.resolved_database_url,
        "FRAMELANE_DATA_DIR": str(settings.data_dir),
        "FRAMELANE_ALLOW_PRIVATE_URLS": "true",
        "FRAMELANE_ENV": "testing",
    }


@pytest.fixture
def env_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    for name, value in settings_env(settings).items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def test_deliver_due_sends_what_is_due(
    env_settings: Settings,
    client: TestClient,
    workspace: VerifiedWorkspace,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with live_server() as receiver:
        create_webhook(client, workspace, receiver.url("/hook"))
        emit(env_settings, workspace.id, "asset.ready")
        assert main(["webhooks", "deliver-due"]) == 0
        assert [envelope(r)["type"] for r in receiver.received] == ["asset.ready"]
    assert json.loads(capsys.readouterr().out) == {"attempts": 1, "succeeded": 1}


@pytest.mark.slow
def test_dispatch_runs_until_sigterm(
    settings: Settings, client: TestClient, workspace: VerifiedWorkspace
) -> None:
    with live_server() as receiver:
        create_webhook(client, workspace, receiver.url("/hook"))
        process = subprocess.Popen(
            [sys.executable, "-m", "framelane.cli", "webhooks", "dispatch"],
            env={**os.environ, **settings_env(settings)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            assert json.loads(process.stdout.readline()) == {"webhook_dispatcher": "started"}
            emit(settings, workspace.id, "render.completed")
            deadline = time.monotonic() + 10
            while not receiver.received and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(receiver.received) == 1
        finally:
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=20)
    assert code == 0
