"""Worker processes started by `serve` beside its embedded threads
(`FRAMELANE_EMBEDDED_WORKER_PROCESSES`): `framelane worker` on the same database, queue and
storage, so the parts of a split render run side by side on every core of one machine, each
process with its own interpreter, through the same queue as a fleet of machines. Each logs to
`<data dir>/logs/worker-<n>.log`."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable

from framelane.core.settings import Settings

log = logging.getLogger("framelane.chunking.processes")
STOP_SECONDS = 10.0
"""How long a stopping worker process may take to hand its jobs back before it is killed."""


def worker_environment(settings: Settings) -> dict[str, str]:
    """This process's environment, with everything the workers must share with it made
    explicit (settings may have been given in code rather than in the environment)."""
    shared = {
        "FRAMELANE_DATA_DIR": str(settings.data_dir),
        "FRAMELANE_DATABASE_URL": settings.resolved_database_url,
        "FRAMELANE_QUEUE_URL": settings.resolved_queue_url,
        "FRAMELANE_STORAGE_URL": settings.resolved_storage_url,
        "FRAMELANE_SECRET_KEY": settings.resolved_secret_key,
        "FRAMELANE_CHUNK_SECONDS": str(settings.chunk_seconds),
        "FRAMELANE_CHUNK_MIN_SECONDS": str(settings.chunk_min_seconds),
        "FRAMELANE_JOB_LEASE_SECONDS": str(settings.job_lease_seconds),
        "FRAMELANE_ENV": settings.env,
    }
    return {**os.environ, **shared}


def start_worker_processes(settings: Settings) -> Callable[[], None]:
    """Start the processes; returns the function that stops them (SIGTERM: running jobs go
    back to the queue, then SIGKILL after STOP_SECONDS)."""
    if settings.embedded_worker_processes <= 0:
        return lambda: None
    env = worker_environment(settings)
    command = [sys.executable, "-m", "framelane.cli", "worker", "--workers", "1"]
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    processes = []
    for number in range(settings.embedded_worker_processes):
        with (logs / f"worker-{number}.log").open("ab") as log_file:
            processes.append(
                subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
            )
    log.info("worker processes started", extra={"pids": [p.pid for p in processes]})

    def stop() -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    return stop
