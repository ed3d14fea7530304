"""Queue consumers: embedded threads inside `framelane serve`, or a `framelane worker` process.

Each consumer also runs the reaper, so a deployment with any consumer alive recovers jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from huey.consumer import Consumer

from framelane.core.settings import Settings
from framelane.jobs.queue import JobQueue
from framelane.jobs.reaper import ReaperThread
from framelane.jobs.watch import begin_shutdown, end_shutdown
from framelane.kit.feature import Service, Stop
from framelane.kit.wiring import Wiring

log = logging.getLogger("framelane.jobs.consumer")
HAND_BACK_SECONDS = 5.0


class EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """Leaves the host server's SIGINT/SIGTERM handlers alone."""

    def _set_signal_handlers(self) -> None:
        return None


def make_consumer(settings: Settings, wiring: Wiring, workers: int, *, embedded: bool) -> Consumer:
    """A consumer with its own queue instance, running the jobs with `wiring`'s runners."""
    huey = JobQueue(settings, wiring).huey
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

    def __init__(self, settings: Settings, wiring: Wiring, workers: int) -> None:
        self.settings = settings
        self.consumer = make_consumer(settings, wiring, workers, embedded=True)
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


def embedded_workers(wiring: Wiring) -> Service:
    """The service `framelane serve` starts: consumer threads inside the API process.
    `FRAMELANE_EMBEDDED_WORKERS=0` serves the API only (scale out with `framelane worker`)."""

    def start(settings: Settings) -> Stop:
        if settings.embedded_workers <= 0:
            return lambda: None
        workers = EmbeddedWorkers(settings, wiring, settings.embedded_workers)
        workers.start()
        return workers.stop

    return start


def start_services(settings: Settings, services: Sequence[Service]) -> list[Stop]:
    """Start each service; if one fails to start, stop those already started."""
    stops: list[Stop] = []
    try:
        for service in services:
            stops.append(service(settings))
    except BaseException:
        stop_services(stops)
        raise
    return stops


def stop_services(stops: Sequence[Stop]) -> None:
    for stop in reversed(stops):
        stop()


def run_worker(settings: Settings, wiring: Wiring, workers: int) -> None:
    """`framelane worker`: consume until SIGINT/SIGTERM (graceful), with the reaper and the
    features' worker services (e.g. the webhook dispatcher)."""
    wiring.bind_events(settings.resolved_database_url)
    consumer = make_consumer(settings, wiring, workers, embedded=False)
    reaper = ReaperThread(settings)
    reaper.start()
    stops = start_services(settings, wiring.worker_services)
    try:
        consumer.run()
    finally:
        begin_shutdown(settings)  # SIGTERM/SIGINT: running jobs go back to the queue
        stop_services(stops)
        reaper.stop()
        for _, thread in consumer.worker_threads:
            thread.join(timeout=HAND_BACK_SECONDS)
