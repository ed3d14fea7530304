"""Real `framelane` processes for the crash tests: spawn, wait until healthy, poll jobs."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from framelane.db.session import session_scope
from framelane.jobs.models import Job

BIN = Path(sys.executable).parent / "framelane"
TERMINAL = {"completed", "failed", "cancelled"}


class Receiver:
    """A webhook receiver on 127.0.0.1 that keeps every JSON body it was sent."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def types_for(self, job_id: str) -> list[str]:
        return [b["type"] for b in self.bodies if b.get("data", {}).get("id") == job_id]

    def close(self) -> None:
        self.server.shutdown()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen([str(BIN), *args], env=env, stdout=handle, stderr=handle)


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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


def tiny_body(index: int) -> dict[str, Any]:
    return {
        "width": 64,
        "height": 36,
        "duration": 1,
        "frame_rate": 10,
        "background_color": "#00ff00",
        "metadata": {"n": str(index)},
        "elements": [{"type": "text", "id": "t", "text": str(index), "duration": 1}],
    }


def victim_body() -> dict[str, Any]:
    """The render a killed process is in the middle of (a few seconds of work)."""
    return {
        "width": 640,
        "height": 360,
        "duration": 20,
        "frame_rate": 30,
        "elements": [{"type": "text", "id": "t", "text": "victim", "duration": 20}],
    }


def processing_pid(database_url: str, job_id: str, timeout: float = 60) -> int:
    """The pid of the process rendering `job_id`, once it is processing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(database_url) as session:
            job = session.get(Job, job_id)
            if job is not None and job.status == "processing" and job.worker_id:
                return int(job.worker_id.split(":")[1])
        time.sleep(0.02)
    raise AssertionError(f"{job_id} never started processing")


def wait_all_terminal(
    api: httpx.Client, ids: list[str], timeout: float
) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    final: dict[str, dict[str, Any]] = {}
    while time.monotonic() < deadline:
        for job_id in ids:
            if job_id not in final:
                response = api.get(f"/v1/renders/{job_id}", params={"wait": 1})
                job = response.json()
                assert "status" in job, (response.status_code, job)  # say what came instead
                if job["status"] in TERMINAL:
                    final[job_id] = job
        if len(final) == len(ids):
            return final
    stuck = {i: api.get(f"/v1/renders/{i}").json()["status"] for i in ids if i not in final}
    raise AssertionError(f"jobs not terminal after {timeout} s: {stuck}")


def assert_victim_recovered(job: dict[str, Any]) -> None:
    """Completed on its second attempt, or failed `worker_lost` once attempts ran out."""
    assert (job["status"], job["attempts"]) == ("completed", 2) or (
        job["status"] == "failed" and job["error"]["code"] == "worker_lost"
    ), job
