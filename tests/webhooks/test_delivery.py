"""Deliveries to a real receiver on 127.0.0.1: signatures, routing, the retry schedule on a
controllable clock, restarts, and every receiver fault recorded and retried."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import dispose_engine
from framelane.webhooks import verify
from framelane.webhooks.delivery import RETRY_SCHEDULE
from tests.fixtures.identity import VerifiedWorkspace
from tests.net.http_server import Received, Reply, live_server
from tests.webhooks.helpers import (
    T0,
    at,
    create_webhook,
    deliveries,
    dispatcher,
    emit,
    envelope,
    run,
)


def signature_ok(received: Received, secret: str, now: float) -> bool:
    return verify(received.body, received.headers["framelane-signature"], secret, now=now)


class TestSignature:
    def test_valid_with_the_current_secret_and_invalid_with_the_rotated_away_one(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        with live_server() as receiver:
            webhook = create_webhook(client, workspace, receiver.url("/hook"))
            old = webhook["secret"]
            emit(settings, workspace.id, "render.completed")
            run(settings, T0)
            new = client.post(
                f"/v1/webhooks/{webhook['id']}/rotate-secret", headers=workspace.headers
            ).json()["secret"]
            emit(settings, workspace.id, "render.failed")
            run(settings, at(1))
            first, second = receiver.received
        now = T0.timestamp()
        assert signature_ok(first, old, now) and not signature_ok(first, new, now)
        assert signature_ok(second, new, now + 1) and not signature_ok(second, old, now + 1)
        assert first.headers["content-type"] == "application/json"
        assert first.headers["framelane-signature"].startswith(f"t={int(now)},v1=")

    def test_a_pending_retry_is_signed_with_the_secret_current_at_send_time(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        answers = iter([Reply(500), Reply(200)])
        with live_server(lambda r: next(answers)) as receiver:
            webhook = create_webhook(client, workspace, receiver.url("/hook"))
            emit(settings, workspace.id, "render.completed")
            run(settings, T0)
            new = client.post(
                f"/v1/webhooks/{webhook['id']}/rotate-secret", headers=workspace.headers
            ).json()["secret"]
            run(settings, at(10))
            retried = receiver.received[1]
        assert signature_ok(retried, new, at(10).timestamp())
        assert not signature_ok(retried, webhook["secret"], at(10).timestamp())
        assert retried.body == receiver.received[0].body

    def test_a_tampered_body_does_not_verify(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        with live_server() as receiver:
            webhook = create_webhook(client, workspace, receiver.url("/hook"))
            emit(settings, workspace.id, "render.completed")
            run(settings, T0)
            got = receiver.received[0]
        header = got.headers["framelane-signature"]
        tampered = got.body.replace(b'"order":42', b'"order":43')
        assert tampered != got.body
        assert not verify(tampered, header, webhook["secret"], now=T0.timestamp())


class TestEnvelopeAndRouting:
    def test_envelope_and_headers(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        with live_server() as receiver:
            create_webhook(client, workspace, receiver.url("/hook"), ["render.completed"])
            emit(
                settings,
                workspace.id,
                "render.completed",
                data={"id": "render_01A"},
                metadata={"customer": "c1"},
            )
            run(settings, T0)
            (got,) = receiver.received
        body = envelope(got)
        assert set(body) == {"id", "type", "created_at", "data", "metadata"}
        assert body["id"].startswith("evt_") and body["type"] == "render.completed"
        assert body["data"] == {"id": "render_01A"} and body["metadata"] == {"customer": "c1"}
        assert got.headers["framelane-event-id"] == body["id"]
        assert got.headers["framelane-delivery-id"].startswith("dlv_")
        assert got.method == "POST"

    def test_patterns_select_endpoints_and_disabled_ones_get_nothing(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        with live_server() as receiver:
            create_webhook(client, workspace, receiver.url("/exact"), ["render.completed"])
            create_webhook(client, workspace, receiver.url("/family"), ["render.*"])
            create_webhook(client, workspace, receiver.url("/all"), ["*"])
            create_webhook(client, workspace, receiver.url("/assets"), ["asset.ready"])
            create_webhook(client, workspace, receiver.url("/off"), ["*"], enabled=False)
            for event_type in ("render.completed", "render.progress", "task.failed", "asset.ready"):
                emit(settings, workspace.id, event_type)
            run(settings, T0)
            got = sorted((r.path, envelope(r)["type"]) for r in receiver.received)
        assert got == sorted(
            [
                ("/exact", "render.completed"),
                ("/family", "render.completed"),
                ("/family", "render.progress"),
                ("/all", "render.completed"),
                ("/all", "render.progress"),
                ("/all", "task.failed"),
                ("/all", "asset.ready"),
                ("/assets", "asset.ready"),
            ]
        )

    def test_a_per_request_webhook_url_replaces_the_workspace_endpoints(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        with live_server() as endpoint, live_server() as per_request:
            secret = create_webhook(client, workspace, endpoint.url("/hook"))["secret"]
            emit(
                settings, workspace.id, "render.completed", webhook_url=per_request.url("/job-hook")
            )
            emit(settings, workspace.id, "render.failed", subject_id="render_02")
            run(settings, T0)
            assert [envelope(r)["type"] for r in per_request.received] == ["render.completed"]
            assert [envelope(r)["type"] for r in endpoint.received] == ["render.failed"]
            assert signature_ok(per_request.received[0], secret, T0.timestamp())

    def test_a_per_request_url_works_without_any_endpoint(
        self, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        with live_server() as receiver:
            emit(settings, workspace.id, "task.completed", webhook_url=receiver.url("/cb"))
            (done,) = run(settings, T0)
        assert done.outcome.succeeded and len(receiver.received) == 1

    def test_events_of_one_lifecycle_arrive_in_order(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        lifecycle = ["render.processing", "render.progress", "render.progress", "render.completed"]
        lock, open_now, peaks = threading.Lock(), Counter[str](), Counter[str]()

        def script(received: Received) -> Reply:
            job = envelope(received)["data"]["id"]
            with lock:
                open_now[job] += 1
                peaks[job] = max(peaks[job], open_now[job])
                peaks["all"] = max(peaks["all"], open_now.total())
            time.sleep(0.3)
            with lock:
                open_now[job] -= 1
            return Reply(200)

        with live_server(script) as receiver:
            create_webhook(client, workspace, receiver.url("/hook"), ["render.*"])
            for index, event_type in enumerate(lifecycle):
                for job in ("render_A", "render_B"):
                    emit(
                        settings,
                        workspace.id,
                        event_type,
                        subject_id=job,
                        data={"id": job, "n": index},
                    )
            run(settings, T0, concurrency=8)
            got = [envelope(r) for r in receiver.received]
        for job in ("render_A", "render_B"):
            mine = [e for e in got if e["data"]["id"] == job]
            assert [e["type"] for e in mine] == lifecycle
            assert [e["data"]["n"] for e in mine] == [0, 1, 2, 3]
            assert peaks[job] == 1  # never two events of one job in flight
        assert peaks["all"] == 2  # the two jobs' events went out side by side

    def test_the_test_endpoint_sends_webhook_test_to_that_endpoint_only(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        with live_server() as receiver:
            target = create_webhook(client, workspace, receiver.url("/a"), ["asset.ready"])
            create_webhook(client, workspace, receiver.url("/b"), ["*"])
            response = client.post(f"/v1/webhooks/{target['id']}/test", headers=workspace.headers)
            assert response.status_code == 202
            assert response.json()["status"] == "pending"
            assert response.json()["event_type"] == "webhook.test"
            run(settings, T0)
            (got,) = receiver.received
        assert got.path == "/a" and envelope(got)["type"] == "webhook.test"
        assert envelope(got)["data"]["webhook_id"] == target["id"]

    def test_a_disabled_endpoint_gets_test_events_and_resumes_pending_ones_when_enabled(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        with live_server() as receiver:
            webhook = create_webhook(client, workspace, receiver.url("/hook"))
            path = f"/v1/webhooks/{webhook['id']}"
            emit(settings, workspace.id, "render.completed")
            client.patch(path, headers=workspace.headers, json={"enabled": False})
            emit(settings, workspace.id, "render.failed")  # not routed: disabled
            client.post(f"{path}/test", headers=workspace.headers)
            run(settings, T0)
            assert [envelope(r)["type"] for r in receiver.received] == ["webhook.test"]
            client.patch(path, headers=workspace.headers, json={"enabled": True})
            run(settings, at(1))
            assert [envelope(r)["type"] for r in receiver.received] == [
                "webhook.test",
                "render.completed",
            ]


class TestSchedule:
    def test_fails_twice_then_succeeds_on_attempt_3_on_schedule(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        answers = iter([Reply(500, b"boom"), Reply(503, b"busy"), Reply(204, b"")])
        with live_server(lambda r: next(answers)) as receiver:
            webhook = create_webhook(client, workspace, receiver.url("/hook"))
            emit(settings, workspace.id, "render.completed")
            assert len(run(settings, T0)) == 1
            assert run(settings, at(9.9)) == []
            assert len(run(settings, at(10))) == 1
            assert run(settings, at(10 + 59)) == []
            (third,) = run(settings, at(10 + 60))
            assert run(settings, at(100_000)) == []
            assert len(receiver.received) == 3
        assert third.outcome.succeeded
        log = deliveries(client, workspace, webhook["id"])
        assert [(a["attempt_number"], a["status"], a["status_code"]) for a in log] == [
            (1, "failed", 500),
            (2, "failed", 503),
            (3, "succeeded", 204),
        ]
        assert len({a["delivery_id"] for a in log}) == 1
        assert log[0]["response_body"] == "boom"
        assert [a["attempted_at"] for a in log] == [iso(T0), iso(at(10)), iso(at(70))]
        assert [a["next_retry_at"] for a in log] == [iso(at(10)), iso(at(70)), None]
        bodies = {r.body for r in receiver.received}
        assert len(bodies) == 1  # the same event each time
        assert [r.headers["framelane-attempt"] for r in receiver.received] == ["1", "2", "3"]

    def test_the_full_schedule_ends_dead_and_a_manual_retry_revives_it(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        failing = True

        def script(received: Received) -> Reply:
            return Reply(500) if failing else Reply(200)

        with live_server(script) as receiver:
            webhook = create_webhook(client, workspace, receiver.url("/hook"))
            emit(settings, workspace.id, "render.completed")
            elapsed = 0
            run(settings, at(elapsed))
            for delay in RETRY_SCHEDULE:
                assert run(settings, at(elapsed + delay - 1)) == []
                elapsed += delay
                assert len(run(settings, at(elapsed))) == 1
            assert run(settings, at(elapsed + 10**7)) == []
            log = deliveries(client, workspace, webhook["id"])
            assert [a["status"] for a in log] == ["failed"] * 7 + ["dead"]
            assert log[-1]["next_retry_at"] is None
            failing = False
            retry = client.post(
                f"/v1/webhooks/{webhook['id']}/deliveries/{log[0]['delivery_id']}/retry",
                headers=workspace.headers,
            )
            assert retry.status_code == 202
            assert retry.json()["attempt_number"] == 9 and retry.json()["status"] == "pending"
            (done,) = run(settings, at(elapsed + 10**7 + 1))
        assert done.outcome.succeeded
        assert len(receiver.received) == 9
        assert deliveries(client, workspace, webhook["id"])[-1]["status"] == "succeeded"
        assert sum(RETRY_SCHEDULE) == 10 + 60 + 300 + 1800 + 7200 + 21600 + 43200

    def test_an_unknown_delivery_cannot_be_retried(
        self, client: TestClient, workspace: VerifiedWorkspace
    ) -> None:
        webhook = create_webhook(client, workspace, "http://127.0.0.1:9/")
        response = client.post(
            f"/v1/webhooks/{webhook['id']}/deliveries/dlv_nope/retry", headers=workspace.headers
        )
        assert response.status_code == 404


def iso(value: Any) -> str:
    return str(value.isoformat()).replace("+00:00", "Z")


class TestRestarts:
    def test_a_pending_retry_survives_a_dispatcher_restart(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        answers = iter([Reply(500), Reply(200)])
        with live_server(lambda r: next(answers)) as receiver:
            webhook = create_webhook(client, workspace, receiver.url("/hook"))
            emit(settings, workspace.id, "render.completed")
            first = dispatcher(settings)
            first.run_due_once(T0)
            first.client.close()
            dispose_engine(settings.resolved_database_url)  # the process is gone
            second = dispatcher(settings)
            (done,) = second.run_due_once(at(10))
            second.client.close()
        assert done.outcome.succeeded and len(receiver.received) == 2
        assert [a["status"] for a in deliveries(client, workspace, webhook["id"])] == [
            "failed",
            "succeeded",
        ]

    def test_an_attempt_claimed_by_a_crashed_dispatcher_is_sent_after_its_lease(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        with live_server() as receiver:
            create_webhook(client, workspace, receiver.url("/hook"))
            emit(settings, workspace.id, "render.completed")
            crashed = dispatcher(settings, lease_seconds=60)
            assert len(crashed.claim(T0, 10)) == 1  # claimed, then the process died
            crashed.client.close()
            assert run(settings, at(30)) == []  # still leased
            (done,) = run(settings, at(61))
        assert done.outcome.succeeded and len(receiver.received) == 1

    def test_the_background_loop_delivers_and_restarts(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        with live_server() as receiver:
            create_webhook(client, workspace, receiver.url("/hook"))
            stop = dispatcher(settings, poll_seconds=0.1).start()
            emit(settings, workspace.id, "render.completed")
            wait_for(lambda: len(receiver.received) == 1)
            stop()
            emit(settings, workspace.id, "render.failed")
            time.sleep(0.3)
            assert len(receiver.received) == 1  # nobody is dispatching
            stop = dispatcher(settings, poll_seconds=0.1).start()
            wait_for(lambda: len(receiver.received) == 2)
            stop()
        assert [envelope(r)["type"] for r in receiver.received] == [
            "render.completed",
            "render.failed",
        ]


def test_a_commit_wakes_the_background_dispatcher_at_once(
    client: TestClient, settings: Settings, workspace: VerifiedWorkspace
) -> None:
    with live_server() as receiver:
        create_webhook(client, workspace, receiver.url("/hook"))
        stop = dispatcher(settings, poll_seconds=30).start()
        try:
            time.sleep(0.2)  # the loop is now asleep for 30 s
            started = time.monotonic()
            emit(settings, workspace.id, "render.completed")  # a plain session commit
            wait_for(lambda: len(receiver.received) == 1)
            latency = time.monotonic() - started
        finally:
            stop()
    assert latency < 10.0  # woken by the commit, not by the 30 s poll


def wait_for(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_old_finished_deliveries_are_purged_and_pending_ones_kept(
    client: TestClient, settings: Settings, workspace: VerifiedWorkspace
) -> None:
    with live_server(lambda r: Reply(200 if r.path == "/ok" else 500)) as receiver:
        ok = create_webhook(client, workspace, receiver.url("/ok"), ["render.*"])
        failing = create_webhook(client, workspace, receiver.url("/down"), ["task.*"])
        emit(settings, workspace.id, "render.completed")
        emit(settings, workspace.id, "task.completed", subject_id="task_01")
        run(settings, T0)
    sender = dispatcher(settings)
    try:
        assert sender.purge(utcnow() + timedelta(days=29)) == 0
        assert sender.purge(utcnow() + timedelta(days=31)) == 1
    finally:
        sender.client.close()
    assert deliveries(client, workspace, ok["id"]) == []
    assert [a["status"] for a in deliveries(client, workspace, failing["id"])] == [
        "failed",
        "pending",
    ]


def test_attempts_are_counted_in_the_metrics(
    client: TestClient, settings: Settings, workspace: VerifiedWorkspace
) -> None:
    with live_server(lambda r: Reply(503)) as receiver:
        create_webhook(client, workspace, receiver.url("/hook"))
        emit(settings, workspace.id, "render.completed")
        run(settings, T0)
    metrics = client.get("/metrics").text
    assert 'framelane_webhook_attempts_total{result="http_503"}' in metrics
    assert "framelane_webhook_attempt_seconds_bucket" in metrics
