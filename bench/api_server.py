"""Start a real `framelane serve` (own data dir, SQLite + embedded worker) for the API benches."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent / "framelane"


@dataclass(frozen=True)
class Server:
    base: str
    key: str
    pid: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="framelane-bench-") as tmp:
        env = {
            **os.environ,
            "FRAMELANE_DATA_DIR": tmp,
            "FRAMELANE_SECRET_KEY": "bench-secret-0123456789abcdef0123456789abcdef",
            "FRAMELANE_RATE_LIMITS_ENABLED": "false",
            **(extra_env or {}),
        }
        subprocess.run([str(BIN), "migrate"], env=env, check=True, capture_output=True)
        created = subprocess.run(
            [
                str(BIN),
                "admin",
                "create-workspace",
                "--name",
                "Bench",
                "--email",
                "bench@bench.test",
                "--plan",
                "enterprise",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        key = json.loads(created.stdout)["api_key"]
        port = free_port()
        log = (Path(tmp) / "serve.log").open("wb")
        server = subprocess.Popen(
            [str(BIN), "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("framelane serve did not start")
                time.sleep(0.2)
            yield Server(base, key, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=15)
