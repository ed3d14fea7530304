"""Features can run background services inside `framelane worker` processes too."""

from __future__ import annotations

from collections.abc import Callable

from framelane.core.settings import Settings
from framelane.jobs.consumer import register_worker_service, start_worker_services

STARTED: list[str] = []


def probe_service(settings: Settings) -> Callable[[], None]:
    STARTED.append(f"start {settings.env}")
    return lambda: STARTED.append("stop")


def test_registered_services_start_with_the_worker_and_stop_with_it(settings: Settings) -> None:
    register_worker_service(probe_service)
    register_worker_service(probe_service)  # registering twice runs it once
    stops = start_worker_services(settings)
    assert STARTED.count("start testing") == 1
    for stop in stops:
        stop()
    assert STARTED[-1] == "stop"
