"""Receiver faults: each attempt is recorded with its reason, retried on schedule, and a slow
receiver never holds up the others."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from framelane.core.events import DomainEvent, publish
from framelane.core.settings import Settings
from framelane.db.session import session_scope
from tests.fixtures.identity import VerifiedWorkspace
from tests.net.http_server import Received, Reply, live_server
from tests.webhooks.helpers import T0, at, create_webhook, deliveries, dispatcher, emit, run


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def first_attempts(
    client: TestClient, workspace: VerifiedWorkspace, webhook_id: str
) -> list[dict[str, Any]]:
    return [a for a in deliveries(client, workspace, webhook_id) if a["attempt_number"] == 1]


FAULTS = {
    "server_error": (Reply(500, b"internal trouble"), 500, None),
    "client_error": (Reply(404, b"no such hook"), 404, None),
    "slow": (Reply(200, delay=1.5), None, "timeout"),
    "connection_closed": (Reply(close=True), None, "connection_closed"),
    "redirect_to_private": (
        Reply(302, headers={"Location": "http://169.254.169.254/latest/"}),
        302,
        "redirect_not_followed",
    ),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_is_recorded_and_retried(
    fault: str, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
) -> None:
    reply, status_code, error_code = FAULTS[fault]
    answers = iter([reply, Reply(200)])
    with live_server(lambda r: next(answers)) as receiver:
        webhook = create_webhook(client, workspace, receiver.url("/hook"))
        emit(settings, workspace.id, "render.completed")
        (failed,) = run(settings, T0, timeout=0.5)
        (retried,) = run(settings, at(10), timeout=0.5)
        assert len(receiver.received) == 2
    assert not failed.outcome.succeeded and retried.outcome.succeeded
    first, second = deliveries(client, workspace, webhook["id"])
    assert first["status"] == "failed" and first["status_code"] == status_code
    assert (first["error"] or {}).get("code") == error_code
    assert first["next_retry_at"] == "2030-01-01T12:00:10Z"
    assert second["status"] == "succeeded"
    if fault == "redirect_to_private":
        assert "169.254.169.254" in first["error"]["message"]


def test_a_receiver_that_is_down_is_retried(
    client: TestClient, settings: Settings, workspace: VerifiedWorkspace
) -> None:
    port = closed_port()
    webhook = create_webhook(client, workspace, f"http://127.0.0.1:{port}/hook")
    emit(settings, workspace.id, "render.completed")
    (failed,) = run(settings, T0)
    assert failed.outcome.error is not None
    assert failed.outcome.error["code"] == "connection_failed"
    with live_server() as receiver:
        client.patch(
            f"/v1/webhooks/{webhook['id']}",
            headers=workspace.headers,
            json={"url": receiver.url("/hook")},
        )
        (retried,) = run(settings, at(10))
        assert len(receiver.received) == 1
    assert retried.outcome.succeeded
    assert [a["status"] for a in deliveries(client, workspace, webhook["id"])] == [
        "failed",
        "succeeded",
    ]


def test_a_huge_body_is_cut_and_never_blocks(
    client: TestClient, settings: Settings, workspace: VerifiedWorkspace
) -> None:
    with live_server(lambda r: Reply(200, b"accepted", stream_bytes=500 * 1024 * 1024)) as rcv:
        webhook = create_webhook(client, workspace, rcv.url("/hook"))
        emit(settings, workspace.id, "render.completed")
        (done,) = run(settings, T0)
        (sent,) = rcv.streamed()
    assert done.outcome.succeeded
    assert sent < 64 * 1024 * 1024  # the dispatcher hung up after 64 KiB (+ socket buffers)
    (attempt,) = deliveries(client, workspace, webhook["id"])
    assert attempt["response_body"].startswith("accepted")
    assert len(attempt["response_body"]) == 4096


def test_the_ssrf_guard_runs_at_delivery(
    client: TestClient, settings: Settings, workspace: VerifiedWorkspace
) -> None:
    with live_server() as receiver:
        webhook = create_webhook(client, workspace, receiver.url("/hook"))
        strict = settings.model_copy(update={"allow_private_urls": False})
        emit(settings, workspace.id, "render.completed")
        (refused,) = run(strict, T0)
        assert receiver.received == []
    assert refused.outcome.error is not None
    assert refused.outcome.error["code"] == "url_not_allowed"
    (attempt, pending) = deliveries(client, workspace, webhook["id"])
    assert attempt["status"] == "failed" and attempt["error"]["code"] == "url_not_allowed"
    assert pending["status"] == "pending"


def test_a_slow_receiver_does_not_hold_up_the_others(
    client: TestClient, settings: Settings, workspace: VerifiedWorkspace
) -> None:
    slow_answered = threading.Event()

    def slow_script(received: Received) -> Reply:
        time.sleep(3.0)
        slow_answered.set()
        return Reply(200)

    with live_server(slow_script) as slow, live_server() as fast:
        create_webhook(client, workspace, slow.url("/slow"), ["render.*"])
        create_webhook(client, workspace, fast.url("/fast"), ["render.*", "task.*"])
        stop = dispatcher(settings, concurrency=4, timeout=10.0, poll_seconds=0.05).start()
        try:
            for index in range(3):
                emit(settings, workspace.id, "render.progress", subject_id=f"render_{index}")
            emit(settings, workspace.id, "task.completed")
            deadline = time.monotonic() + 10
            while len(fast.received) < 4 and time.monotonic() < deadline:
                time.sleep(0.02)
            fast_before_slow = len(fast.received) == 4 and not slow_answered.is_set()
        finally:
            stop()
    assert fast_before_slow  # all four fast deliveries while the slow ones still hung
    assert len(slow.received) == 3


def test_a_backlog_for_one_slow_job_does_not_hide_other_deliveries(
    client: TestClient, settings: Settings, workspace: VerifiedWorkspace
) -> None:
    slow_answers = threading.Event()

    def slow_script(received: Received) -> Reply:
        slow_answers.wait(10)
        return Reply(200)

    with live_server(slow_script) as slow, live_server() as fast:
        create_webhook(client, workspace, slow.url("/slow"), ["render.*"])
        create_webhook(client, workspace, fast.url("/fast"), ["task.*"])
        with session_scope(settings.resolved_database_url) as session:
            for index in range(250):  # one job's backlog, delivered one at a time, in order
                publish(
                    session,
                    DomainEvent(
                        "render.progress", workspace.id, {"n": index}, subject_id="render_busy"
                    ),
                )
        emit(settings, workspace.id, "task.completed", subject_id="task_other")
        stop = dispatcher(settings, concurrency=4, poll_seconds=0.05).start()
        try:
            deadline = time.monotonic() + 8
            while not fast.received and time.monotonic() < deadline:
                time.sleep(0.02)
            fast_first = len(fast.received) == 1 and not slow_answers.is_set()
        finally:
            slow_answers.set()
            stop()
    assert fast_first
    assert len(slow.received) >= 1
