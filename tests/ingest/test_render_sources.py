"""End to end through the API with the embedded worker: a render whose source is an uploaded
asset (waiting in `queued` until the bytes arrive and are probed), a render that cannot use
another workspace's upload, and `ingest_external: true` copying a remote source first."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import av
import pytest
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from tests.fixtures.identity import VerifiedWorkspace, make_workspace
from tests.ingest.helpers import (
    local_path,
    put_bytes,
    request_upload,
    video_render,
    wait_for_asset,
    wait_job,
)
from tests.ingest.http_server import SourceServer

pytestmark = pytest.mark.slow


@pytest.fixture
def live(settings: Settings) -> Iterator[TestClient]:
    with TestClient(
        create_app(settings, composition.features(), start_background=True),
        raise_server_exceptions=False,
    ) as client:
        yield client


@pytest.fixture
def pro(settings: Settings) -> VerifiedWorkspace:
    return make_workspace(settings, name="Studio", email="owner@studio.test", plan="pro")


def frames_of(client: TestClient, ws: VerifiedWorkspace, job_id: str) -> int:
    redirect = client.get(
        f"/v1/renders/{job_id}/download", headers=ws.headers, follow_redirects=False
    )
    artifact = client.get(local_path(redirect.headers["location"]))
    with av.open(io.BytesIO(artifact.content)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_render_waits_for_the_upload_then_uses_it(
    live: TestClient,
    pro: VerifiedWorkspace,
    media_dir: Path,
) -> None:
    upload = request_upload(live, pro, "video/mp4", filename="clip.mp4")
    job = live.post("/v1/renders", json=video_render(upload["source_url"]), headers=pro.headers)
    assert job.status_code == 202, job.text
    job_id = job.json()["id"]
    time.sleep(1.0)  # the bytes have not arrived: the gate holds the job back
    assert live.get(f"/v1/renders/{job_id}", headers=pro.headers).json()["status"] == "queued"
    assert (
        put_bytes(
            live, upload["upload_url"], (media_dir / "clip.mp4").read_bytes(), "video/mp4"
        ).status_code
        == 200
    )
    assert wait_for_asset(live, pro, upload["id"])["status"] == "ready"
    done = wait_job(live, pro, job_id)
    assert done["status"] == "completed", done
    assert (done["output"]["width"], done["output"]["height"]) == (64, 48)
    assert frames_of(live, pro, job_id) == 10


def test_another_workspaces_upload_is_not_found(
    live: TestClient,
    pro: VerifiedWorkspace,
    settings: Settings,
    media_dir: Path,
) -> None:
    owner = make_workspace(settings, name="Owner", email="owner@owner.test", plan="pro")
    upload = request_upload(live, owner, "video/mp4")
    put_bytes(live, upload["upload_url"], (media_dir / "clip.mp4").read_bytes(), "video/mp4")
    assert wait_for_asset(live, owner, upload["id"])["status"] == "ready"
    job = live.post(
        "/v1/renders", json=video_render(upload["source_url"]), headers=pro.headers
    ).json()
    done = wait_job(live, pro, job["id"])
    assert (done["status"], done["error"]["code"]) == ("failed", "source_not_found"), done


def test_failed_upload_fails_the_render_with_its_code(
    live: TestClient,
    pro: VerifiedWorkspace,
    media_dir: Path,
) -> None:
    upload = request_upload(live, pro, "video/mp4")
    put_bytes(live, upload["upload_url"], (media_dir / "clip.mp4").read_bytes()[:3000], "video/mp4")
    assert wait_for_asset(live, pro, upload["id"])["status"] == "failed"
    job = live.post(
        "/v1/renders", json=video_render(upload["source_url"]), headers=pro.headers
    ).json()
    done = wait_job(live, pro, job["id"])
    assert (done["status"], done["error"]["code"]) == ("failed", "source_corrupt"), done


def test_ingest_external_copies_the_source_first(
    live: TestClient,
    pro: VerifiedWorkspace,
    media_dir: Path,
    source_server: SourceServer,
) -> None:
    url = source_server.add("/remote.mp4", (media_dir / "clip.mp4").read_bytes(), etag='"r1"')
    job = live.post(
        "/v1/renders", json=video_render(url, ingest_external=True), headers=pro.headers
    )
    assert job.status_code == 202, job.text
    assert job.json()["status"] == "ingesting"
    done = wait_job(live, pro, job.json()["id"])
    assert done["status"] == "completed", done
    assets = live.get("/v1/workspace/assets", headers=pro.headers).json()["data"]
    assert [(a["origin"], a["kind"]) for a in assets] == [("import", "video")]
    assert source_server.full_bodies["/remote.mp4"] == 1


def test_ingest_external_failure_fails_the_job(
    live: TestClient,
    pro: VerifiedWorkspace,
    source_server: SourceServer,
) -> None:
    url = source_server.url("/missing.mp4")
    job = live.post(
        "/v1/renders", json=video_render(url, ingest_external=True), headers=pro.headers
    ).json()
    done = wait_job(live, pro, job["id"])
    assert (done["status"], done["error"]["code"]) == ("failed", "source_not_found"), done


@pytest.mark.parametrize("ingest_external", [True, False], ids=["ingesting", "processing"])
def test_cancelling_stops_a_source_download_within_two_seconds(
    live: TestClient,
    pro: VerifiedWorkspace,
    media_dir: Path,
    source_server: SourceServer,
    ingest_external: bool,
) -> None:
    """While `ingesting` (copying the source first) or `processing` (the render downloading
    its source): the download stops, nothing is kept."""
    trickle = (media_dir / "clip.mp4").read_bytes() + bytes(2 << 20)  # ~40 s at this pace
    url = source_server.add("/slow.mp4", trickle, chunk_delay=0.02)
    job = live.post(
        "/v1/renders", json=video_render(url, ingest_external=ingest_external), headers=pro.headers
    ).json()
    deadline = time.monotonic() + 15
    while source_server.full_bodies["/slow.mp4"] == 0:  # the worker is downloading
        assert time.monotonic() < deadline, "the ingest never started"
        time.sleep(0.05)
    time.sleep(0.3)
    cancelled = live.delete(f"/v1/renders/{job['id']}", headers=pro.headers)
    assert cancelled.status_code == 200, cancelled.text
    asked = time.monotonic()
    assert cancelled.json()["status"] == "cancelled"
    while "/slow.mp4" not in source_server.hung_up:
        assert time.monotonic() - asked < 2.0, "the download went on after the cancel"
        time.sleep(0.02)
    time.sleep(0.5)  # the worker discards what it had
    assert live.get("/v1/workspace/assets", headers=pro.headers).json()["data"] == []
    assert live.get(f"/v1/renders/{job['id']}", headers=pro.headers).json()["status"] == "cancelled"
