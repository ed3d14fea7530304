"""Queue consumers: embedded threads inside `framelane serve`, or a `framelane worker` process.

Each consumer also runs the reaper, so a deployment with any consumer alive recovers jobs.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from huey.consumer import Consumer

from framelane.core.settings import Settings
from framelane.jobs.plugins import load_runners
from framelane.jobs.queue import queue_for
from framelane.jobs.reaper import ReaperThread
from framelane.jobs.watch import begin_shutdown, end_shutdown

log = logging.getLogger("framelane.jobs.consumer")
HAND_BACK_SECONDS = 5.0


class EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """Leaves the host server's SIGINT/SIGTERM handlers alone."""

    def _set_signal_handlers(self) -> None:
        return None


def make_consumer(settings: Settings, workers: int, *, embedded: bool) -> Consumer:
    load_runners()
    huey = queue_for(settings).huey
    cls = EmbeddedConsumer if embedded else Consumer
    return cls(
        huey,
        workers=max(workers, 1),
        worker_type="thread",
        periodic=True,
        initial_delay=0.05,
        backoff=1.15,
        max_delay=0.25,
        check_worker_health=True,
        health_check_interval=5,
        shutdown_timeout=HAND_BACK_SECONDS,
    )


class EmbeddedWorkers:
    """The consumer threads and the reaper of one API process."""

    def __init__(self, settings: Settings, workers: int) -> None:
        self.settings = settings
        self.consumer = make_consumer(settings, workers, embedded=True)
        self.reaper = ReaperThread(settings)

    def start(self) -> None:
        end_shutdown(self.settings)
        self.consumer.start()
        self.reaper.start()
        log.info("embedded workers started", extra={"workers": self.consumer.workers})

    def stop(self) -> None:
        """Running jobs go back to the queue (within a second) instead of being waited for."""
        begin_shutdown(self.settings)
        self.reaper.stop()
        self.consumer.stop(graceful=True)
        self.consumer.huey.notify_interrupted_tasks()


Lifespan = Callable[[Any], AbstractAsyncContextManager[Any]]


def start_embedded_workers(app: FastAPI) -> None:
    """`register_startup` hook: consume inside the server, stop cleanly on shutdown.
    `FRAMELANE_EMBEDDED_WORKERS=0` serves the API only (scale-out with `framelane worker`)."""
    settings: Settings = app.state.settings
    if settings.embedded_workers <= 0:
        return
    previous: Lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(asgi_app: Any) -> AsyncIterator[Any]:
        workers = EmbeddedWorkers(settings, settings.embedded_workers)
        workers.start()
        app.state.embedded_workers = workers
        try:
            async with previous(asgi_app) as state:
                yield state
        finally:
            await anyio.to_thread.run_sync(workers.stop)

    app.router.lifespan_context = lifespan


WorkerService = Callable[[Settings], Callable[[], None]]
_worker_services: list[WorkerService] = []


def register_worker_service(service: WorkerService) -> WorkerService:
    """Background work that must also run in `framelane worker` processes (e.g. the webhook
    dispatcher): `service(settings)` starts it and returns its stop function."""
    if service not in _worker_services:
        _worker_services.append(service)
    return service


def start_worker_services(settings: Settings) -> list[Callable[[], None]]:
    return [service(settings) for service in list(_worker_services)]


def load_features() -> None:
    """Import every feature as the API does, so a worker process has the same event
    subscribers (webhooks), readiness gates and preprocessors as `serve`."""
    from framelane.api.app import feature_routers

    feature_routers()


def run_worker(settings: Settings, workers: int) -> None:
    """`framelane worker`: consume until SIGINT/SIGTERM (graceful), with the reaper."""
    load_features()
    consumer = make_consumer(settings, workers, embedded=False)
    reaper = ReaperThread(settings)
    reaper.start()
    stops = start_worker_services(settings)
    try:
        consumer.run()
    finally:
        begin_shutdown(settings)  # SIGTERM/SIGINT: running jobs go back to the queue
        for stop in stops:
            stop()
        reaper.stop()
        for _, thread in consumer.worker_threads:
            thread.join(timeout=HAND_BACK_SECONDS)
