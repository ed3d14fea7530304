"""Features' worker services start with a worker and stop with it, in reverse order."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from framelane.core.settings import Settings
from framelane.jobs.consumer import start_services, stop_services

STARTED: list[str] = []


def probe_service(name: str) -> Callable[[Settings], Callable[[], None]]:
    def start(settings: Settings) -> Callable[[], None]:
        STARTED.append(f"start {name} {settings.env}")
        return lambda: STARTED.append(f"stop {name}")

    return start


def broken_service(_settings: Settings) -> Callable[[], None]:
    raise RuntimeError("cannot start")


def test_services_start_in_order_and_stop_in_reverse(settings: Settings) -> None:
    STARTED.clear()
    stops = start_services(settings, [probe_service("a"), probe_service("b")])
    stop_services(stops)
    assert STARTED == ["start a testing", "start b testing", "stop b", "stop a"]


def test_a_service_that_fails_to_start_stops_those_already_started(settings: Settings) -> None:
    STARTED.clear()
    with pytest.raises(RuntimeError):
        start_services(settings, [probe_service("a"), broken_service, probe_service("c")])
    assert STARTED == ["start a testing", "stop a"]
