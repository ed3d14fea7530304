"""Renders through HTTP with the embedded worker: submit → poll → download → decode."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from framelane.kit.feature import Feature
from framelane.kit.wiring import Wiring
from tests.fixtures.identity import VerifiedWorkspace
from tests.fixtures.live import live_product
from tests.renders.conftest import long_render, tiny, wait_for

TERMINAL = {"completed", "failed", "cancelled"}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def decode_frames(data: bytes) -> list[np.ndarray]:
    with av.open(io.BytesIO(data)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def stored_files(settings: Settings, ws: VerifiedWorkspace, job_id: str) -> list[Path]:
    folder = settings.data_dir / "storage" / ws.id / "jobs" / job_id
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.slow
def test_submit_poll_download_and_decode(live: TestClient, pro: VerifiedWorkspace) -> None:
    # Given a tiny red render with one unknown field
    created = live.post(
        "/v1/renders", json=tiny(metadata={"order": "42"}, surprise=True), headers=pro.headers
    )
    # Then it is accepted, queued, and the ignored field is listed
    assert created.status_code == 202, created.text
    job = created.json()
    assert job["id"].startswith("render_") and job["kind"] == "render"
    assert job["status"] in {"queued", "processing"}
    assert [w["path"] for w in job["warnings"]] == ["surprise"]
    assert job["warnings"][0]["code"] == "unknown_field" and job["metadata"] == {"order": "42"}
    # When it completes
    done = wait_for(live, pro, job["id"], lambda j: j["status"] in TERMINAL)
    assert done["status"] == "completed", done
    assert done["progress_percent"] == 100 and done["completed_at"] is not None
    output = done["output"]
    assert (output["width"], output["height"], output["duration"]) == (64, 36, 1.0)
    # Then the download redirects to a signed URL whose bytes decode to 10 red frames
    redirect = live.get(
        f"/v1/renders/{job['id']}/download", headers=pro.headers, follow_redirects=False
    )
    assert redirect.status_code == 302
    artifact = live.get(path_of(redirect.headers["location"]))
    assert artifact.status_code == 200 and len(artifact.content) == output["size_bytes"]
    frames = decode_frames(artifact.content)
    assert len(frames) == 10 and frames[0].shape == (36, 64, 3)
    red, green, blue = frames[5][2, 2].astype(int)
    assert red > 200 and green < 50 and blue < 50
    # And usage counts the output seconds and the downloaded bytes
    usage = live.get("/v1/workspace/usage", headers=pro.headers).json()
    assert usage["render_minutes"] == pytest.approx(1 / 60, abs=1e-3)
    assert usage["egress_bytes"] == output["size_bytes"]


@pytest.mark.slow
def test_output_url_is_fresh_and_signed(live: TestClient, pro: VerifiedWorkspace) -> None:
    job = live.post("/v1/renders", json=tiny(), headers=pro.headers).json()
    done = wait_for(live, pro, job["id"], lambda j: j["status"] in TERMINAL)
    url = done["output"]["url"]
    assert live.get(path_of(url)).status_code == 200
    tampered = path_of(url).replace("sig=", "sig=0")
    assert live.get(tampered).status_code == 403


@pytest.mark.slow
def test_long_poll_returns_when_terminal(live: TestClient, pro: VerifiedWorkspace) -> None:
    job = live.post("/v1/renders", json=tiny(), headers=pro.headers).json()
    started = time.monotonic()
    answer = live.get(f"/v1/renders/{job['id']}?wait=20", headers=pro.headers)
    assert answer.status_code == 200 and answer.json()["status"] == "completed"
    assert time.monotonic() - started < 15


@pytest.mark.slow
def test_long_poll_times_out_with_the_current_state(
    live: TestClient, pro: VerifiedWorkspace
) -> None:
    job = live.post("/v1/renders", json=long_render(), headers=pro.headers).json()
    started = time.monotonic()
    answer = live.get(f"/v1/renders/{job['id']}?wait=1", headers=pro.headers)
    elapsed = time.monotonic() - started
    assert answer.json()["status"] in {"queued", "processing"}
    assert 0.9 <= elapsed < 5
    assert live.get(f"/v1/renders/{job['id']}?wait=31", headers=pro.headers).status_code == 422
    live.delete(f"/v1/renders/{job['id']}", headers=pro.headers)


@pytest.mark.slow
def test_cancel_a_running_render(
    live: TestClient, pro: VerifiedWorkspace, settings: Settings
) -> None:
    # Given a long render that is compositing
    job = live.post("/v1/renders", json=long_render(), headers=pro.headers).json()
    running = wait_for(
        live, pro, job["id"], lambda j: j["status"] == "processing" and j["progress_percent"] > 10
    )
    assert running["progress_stage"] == "compositing"
    # When it is cancelled
    cancelled = live.delete(f"/v1/renders/{job['id']}", headers=pro.headers)
    asked = time.monotonic()
    # Then the answer is the cancelled job, the worker stops within 2 s and leaves nothing
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    workdir = settings.data_dir / "work" / f"{job['id']}-1"
    while workdir.exists() and time.monotonic() - asked < 2.0:
        time.sleep(0.02)
    assert not workdir.exists(), "the worker did not stop within 2 s"
    time.sleep(0.3)
    assert stored_files(settings, pro, job["id"]) == []
    final = live.get(f"/v1/renders/{job['id']}", headers=pro.headers).json()
    assert final["status"] == "cancelled" and final["output"] is None
    # And a terminal job cannot be cancelled again, nor downloaded
    again = live.delete(f"/v1/renders/{job['id']}", headers=pro.headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "job_not_cancellable"
    download = live.get(f"/v1/renders/{job['id']}/download", headers=pro.headers)
    assert download.status_code == 409
    assert download.json()["error"]["code"] == "job_not_completed"


@pytest.mark.slow
def test_cancel_a_queued_render(live: TestClient, pro: VerifiedWorkspace) -> None:
    # Given one worker busy with a long render, a second render waits in the queue
    busy = live.post("/v1/renders", json=long_render(), headers=pro.headers).json()
    wait_for(live, pro, busy["id"], lambda j: j["status"] == "processing")
    queued = live.post("/v1/renders", json=tiny(), headers=pro.headers).json()
    assert queued["status"] == "queued"
    # When the queued one is cancelled, it never runs
    assert (
        live.delete(f"/v1/renders/{queued['id']}", headers=pro.headers).json()["status"]
        == "cancelled"
    )
    live.delete(f"/v1/renders/{busy['id']}", headers=pro.headers)
    time.sleep(0.5)
    final = live.get(f"/v1/renders/{queued['id']}", headers=pro.headers).json()
    assert final["status"] == "cancelled" and final["attempts"] == 0


@pytest.mark.slow
def test_idempotent_replay_and_conflict(live: TestClient, pro: VerifiedWorkspace) -> None:
    headers = {**pro.headers, "Idempotency-Key": "order-42"}
    first = live.post("/v1/renders", json=tiny(), headers=headers)
    replay = live.post("/v1/renders", json=tiny(), headers=headers)
    assert (first.status_code, replay.status_code) == (202, 200)
    assert replay.json()["id"] == first.json()["id"]
    listed = live.get("/v1/renders", headers=pro.headers).json()["data"]
    assert [job["id"] for job in listed] == [first.json()["id"]]
    conflict = live.post("/v1/renders", json=tiny(duration=0.5), headers=headers)
    assert conflict.status_code == 409


def test_invalid_spec_is_422_with_every_violation(live: TestClient, pro: VerifiedWorkspace) -> None:
    answer = live.post(
        "/v1/renders",
        json={"width": 64, "frame_rate": 0, "elements": [{"type": "text", "id": "t"}]},
        headers=pro.headers,
    )
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "validation_error"
    locs = {tuple(d["loc"]) for d in error["details"]}
    assert ("frame_rate",) in locs and len(locs) >= 3
    assert live.get("/v1/renders", headers=pro.headers).json()["data"] == []


def test_strict_header_refuses_unknown_fields(live: TestClient, pro: VerifiedWorkspace) -> None:
    strict = {**pro.headers, "Framelane-Strict": "true"}
    answer = live.post("/v1/renders", json=tiny(surprise=1), headers=strict)
    assert answer.status_code == 422
    assert ["surprise"] in [d["loc"] for d in answer.json()["error"]["details"]]


def test_limits_are_refused_before_queueing(live: TestClient, pro: VerifiedWorkspace) -> None:
    answer = live.post("/v1/renders", json=tiny(duration=4 * 3600), headers=pro.headers)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "limit_exceeded"


@pytest.mark.slow
def test_quota_minutes_refuse_and_concurrency_queues(
    live: TestClient, workspace: VerifiedWorkspace
) -> None:
    # The free plan: 60 render minutes per month, one job running at a time
    too_long = live.post("/v1/renders", json=tiny(duration=61 * 60), headers=workspace.headers)
    assert too_long.status_code == 429
    assert too_long.json()["error"]["code"] == "quota_exceeded"
    first = live.post("/v1/renders", json=long_render(), headers=workspace.headers)
    assert first.status_code == 202
    wait_for(live, workspace, first.json()["id"], lambda j: j["status"] == "processing")
    # A second render submitted meanwhile is accepted and waits for the first
    second = live.post("/v1/renders", json=tiny(), headers=workspace.headers)
    assert second.status_code == 202
    time.sleep(1.5)
    assert (
        live.get(f"/v1/renders/{second.json()['id']}", headers=workspace.headers).json()["status"]
        == "queued"
    )
    live.delete(f"/v1/renders/{first.json()['id']}", headers=workspace.headers)
    done = wait_for(live, workspace, second.json()["id"], lambda j: j["status"] == "completed", 30)
    assert done["attempts"] == 1


@pytest.mark.slow
def test_list_filters_and_pages(
    live: TestClient, pro: VerifiedWorkspace, other_workspace: VerifiedWorkspace
) -> None:
    ids = [
        live.post("/v1/renders", json=tiny(), headers=pro.headers).json()["id"] for _ in range(3)
    ]
    for job_id in ids:
        wait_for(live, pro, job_id, lambda j: j["status"] in TERMINAL)
    page = live.get("/v1/renders?limit=2", headers=pro.headers).json()
    assert [j["id"] for j in page["data"]] == ids[::-1][:2] and page["has_more"]
    rest = live.get(f"/v1/renders?limit=2&cursor={page['next_cursor']}", headers=pro.headers).json()
    assert [j["id"] for j in rest["data"]] == [ids[0]] and not rest["has_more"]
    completed = live.get("/v1/renders?status=completed", headers=pro.headers).json()["data"]
    assert len(completed) == 3
    assert live.get("/v1/renders?status=failed", headers=pro.headers).json()["data"] == []
    # Another workspace sees none of them
    assert live.get("/v1/renders", headers=other_workspace.headers).json()["data"] == []
    foreign = live.get(f"/v1/renders/{ids[0]}", headers=other_workspace.headers)
    assert foreign.status_code == 404
    assert live.delete(f"/v1/renders/{ids[0]}", headers=other_workspace.headers).status_code == 404


@pytest.mark.slow
def test_a_failing_source_fails_the_job_with_its_code(
    live: TestClient, pro: VerifiedWorkspace
) -> None:
    body = tiny(
        elements=[
            {
                "type": "image",
                "id": "i",
                "duration": 1,
                "source_url": "http://127.0.0.1:9/missing.png",
            }
        ]
    )
    job = live.post("/v1/renders", json=body, headers=pro.headers).json()
    failed = wait_for(live, pro, job["id"], lambda j: j["status"] in TERMINAL)
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "source_not_found"
    assert failed["output"] is None


@pytest.mark.slow
def test_deleting_the_workspace_cancels_its_running_jobs(
    live: TestClient, pro: VerifiedWorkspace, settings: Settings
) -> None:
    job = live.post("/v1/renders", json=long_render(), headers=pro.headers).json()
    wait_for(live, pro, job["id"], lambda j: j["status"] == "processing")
    assert live.delete("/v1/workspace", headers=pro.headers).status_code == 204
    workdir = settings.data_dir / "work" / f"{job['id']}-1"
    deadline = time.monotonic() + 3
    while workdir.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not workdir.exists()
    assert stored_files(settings, pro, job["id"]) == []


def test_readiness_reports_the_queue(live: TestClient) -> None:
    answer = live.get("/readyz")
    assert answer.status_code == 200 and answer.json()["checks"]["queue"] == "ok"


def widen(_session: object, _ctx: object, body: dict[str, Any]) -> dict[str, Any]:
    """A request preprocessor (as brand tokens use): `"{test.width}"` → 64."""
    return {k: (64 if v == "{test.width}" else v) for k, v in body.items()}


WIDEN = Feature(name="widen_test", render_preprocessors=(widen,))


def test_preprocessors_run_before_validation(settings: Settings, pro: VerifiedWorkspace) -> None:
    app = create_app(settings, (*composition.features(), WIDEN))
    with TestClient(app, raise_server_exceptions=False) as client:
        answer, dry, refused = submit_widened(client, pro)
    assert answer.status_code == 202, answer.text
    assert dry.json()["width"] == 64
    assert refused.status_code == 422


def test_preprocessors_are_only_those_of_the_composed_features(
    client: TestClient, pro: VerifiedWorkspace
) -> None:
    answer, dry, _ = submit_widened(client, pro)
    assert answer.status_code == 422 and dry.status_code == 422


def submit_widened(client: TestClient, pro: VerifiedWorkspace) -> tuple[Any, Any, Any]:
    answer = client.post("/v1/renders", json=tiny(width="{test.width}"), headers=pro.headers)
    dry = client.post(
        "/v1/preview", json={**tiny(width="{test.width}"), "dry_run": True}, headers=pro.headers
    )
    refused = client.post("/v1/renders", json=tiny(width="{other}"), headers=pro.headers)
    return answer, dry, refused


@pytest.mark.slow
def test_shutdown_hands_running_renders_back_to_the_queue(
    settings: Settings, pro: VerifiedWorkspace
) -> None:
    # Given a render in progress inside `serve`
    with live_product(settings) as first:
        job = first.post("/v1/renders", json=long_render(), headers=pro.headers).json()
        wait_for(first, pro, job["id"], lambda j: j["status"] == "processing")
        stopping = time.monotonic()
    # When the server stops, it does not wait for the render: the job goes back to the queue
    assert time.monotonic() - stopping < 3.0
    with TestClient(create_app(settings, composition.features())) as reader:
        parked = reader.get(f"/v1/renders/{job['id']}", headers=pro.headers).json()
    assert (parked["status"], parked["attempts"]) == ("queued", 0)
    # And the next server start picks it up again (without spending an attempt)
    with live_product(settings) as second:
        resumed = wait_for(second, pro, job["id"], lambda j: j["status"] == "processing")
        assert resumed["attempts"] == 1
        second.delete(f"/v1/renders/{job['id']}", headers=pro.headers)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/hook", "http://0.0.0.0:9/hook", "http://user:pw@127.0.0.1/hook"]
)
def test_a_webhook_url_the_dispatcher_may_not_call_is_refused_at_submission(
    client: TestClient, pro: VerifiedWorkspace, url: str
) -> None:
    response = client.post("/v1/renders", json=tiny(webhook_url=url), headers=pro.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "url_not_allowed"
    listed = client.get("/v1/renders", headers=pro.headers).json()
    assert listed["data"] == []


def test_worker_processes_also_run_the_webhook_dispatcher() -> None:
    from framelane.webhooks.dispatcher import start_background

    assert start_background in Wiring.of(composition.features()).worker_services
