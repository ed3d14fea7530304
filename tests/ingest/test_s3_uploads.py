"""The upload round trip on a real SeaweedFS: presigned PUT straight to the object store,
noticed and probed by the API, refused by SigV4 when tampered, expired or mis-typed, and
resolved for renders from S3 — only for the owning workspace."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import httpx
import pytest
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.errors import FramelaneError
from framelane.core.settings import Settings
from framelane.ingest.resolver import make_resolver
from framelane.storage.factory import storage_for
from tests.fixtures.identity import VerifiedWorkspace, make_workspace
from tests.fixtures.seaweedfs import s3_storage_url, seaweedfs
from tests.ingest.helpers import (
    EVENT_RECORDER,
    events_of,
    request_upload,
    video_render,
    wait_for_asset,
    wait_job,
)

__all__ = ["s3_storage_url", "seaweedfs"]
pytestmark = pytest.mark.slow


@pytest.fixture
def s3_settings(settings: Settings, s3_storage_url: str) -> Settings:
    return settings.model_copy(update={"storage_url": s3_storage_url})


@pytest.fixture
def s3_client(s3_settings: Settings) -> Iterator[TestClient]:
    with TestClient(
        create_app(s3_settings, (*composition.features(), EVENT_RECORDER)),
        raise_server_exceptions=False,
    ) as client:
        yield client


def upload_keys(settings: Settings, workspace: VerifiedWorkspace) -> list[str]:
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    return sorted(storage_for(settings).keys_older_than(f"{workspace.id}/uploads/", tomorrow))


def test_presigned_put_round_trip_and_render_resolution(
    s3_client: TestClient,
    s3_settings: Settings,
    workspace: VerifiedWorkspace,
    other_workspace: VerifiedWorkspace,
    media_dir: Path,
    tmp_path: Path,
) -> None:
    upload = request_upload(s3_client, workspace, "video/mp4", filename="clip.mp4")
    assert upload["upload_url"].startswith(
        s3_settings.storage_url.split("endpoint=")[1].split("&")[0]
    )
    data = (media_dir / "clip.mp4").read_bytes()
    put = httpx.put(upload["upload_url"], content=data, headers=upload["headers"])
    assert put.status_code == 200, put.text
    asset = wait_for_asset(s3_client, workspace, upload["id"])
    assert asset["status"] == "ready", asset
    assert (asset["kind"], asset["width"], asset["height"], asset["size_bytes"]) == (
        "video",
        64,
        48,
        len(data),
    )
    assert [e.type for e in events_of(workspace.id)] == ["asset.ready"]
    path = make_resolver(s3_settings, workspace.id, tmp_path / "r").resolve(
        upload["source_url"], "video"
    )
    assert path.read_bytes() == data
    with pytest.raises(FramelaneError) as stolen:
        make_resolver(s3_settings, other_workspace.id, tmp_path / "o").resolve(
            upload["source_url"], "video"
        )
    assert stolen.value.code == "source_not_found"


def test_tampered_expired_and_mistyped_puts_are_refused_by_the_store(
    s3_client: TestClient,
    s3_settings: Settings,
    workspace: VerifiedWorkspace,
    media_dir: Path,
) -> None:
    upload = request_upload(s3_client, workspace, "video/mp4")
    data = (media_dir / "clip.mp4").read_bytes()
    tampered = upload["upload_url"].replace("Signature=", "Signature=f")
    assert httpx.put(tampered, content=data, headers=upload["headers"]).status_code == 403
    mistyped = httpx.put(upload["upload_url"], content=data, headers={"Content-Type": "image/png"})
    assert mistyped.status_code == 403
    key = f"{workspace.id}/uploads/{upload['id']}.mp4"
    short = storage_for(s3_settings).presign_put(key, "video/mp4", 1)
    time.sleep(2.2)
    assert httpx.put(short, content=data, headers=upload["headers"]).status_code == 403
    assert upload_keys(s3_settings, workspace) == []
    status = wait_for_asset(s3_client, workspace, upload["id"], timeout=0)
    assert status["status"] == "awaiting_upload"


@pytest.mark.parametrize(
    ("declared", "extra", "payload", "code"),
    [
        ("video/mp4", {"size_bytes": 1000}, "clip.mp4", "source_too_large"),
        ("video/mp4", {}, "still.png", "content_type_mismatch"),
        ("image/png", {}, "bomb.png", "source_too_large"),
        ("video/mp4", {}, b"", "source_corrupt"),
    ],
    ids=["larger-than-declared", "png-named-mp4", "png-bomb", "zero-byte"],
)
def test_bad_uploads_fail_after_arrival_and_are_deleted(
    s3_client: TestClient,
    s3_settings: Settings,
    workspace: VerifiedWorkspace,
    media_dir: Path,
    declared: str,
    extra: dict[str, int],
    payload: str | bytes,
    code: str,
) -> None:
    upload = request_upload(s3_client, workspace, declared, **extra)
    data = payload if isinstance(payload, bytes) else (media_dir / payload).read_bytes()
    assert (
        httpx.put(upload["upload_url"], content=data, headers=upload["headers"]).status_code == 200
    )
    asset = wait_for_asset(s3_client, workspace, upload["id"])
    assert (asset["status"], asset["error"]["code"]) == ("failed", code)
    assert upload_keys(s3_settings, workspace) == []
    assert [e.type for e in events_of(workspace.id)] == ["asset.failed"]


def test_render_from_an_s3_upload_end_to_end(
    s3_settings: Settings,
    media_dir: Path,
) -> None:
    studio = make_workspace(s3_settings, name="S3 Studio", email="s3@studio.test", plan="pro")
    with TestClient(
        create_app(s3_settings, composition.features(), start_background=True),
        raise_server_exceptions=False,
    ) as live:
        upload = request_upload(live, studio, "video/webm", filename="clip.webm")
        job = live.post(
            "/v1/renders", json=video_render(upload["source_url"]), headers=studio.headers
        )
        assert job.status_code == 202, job.text
        assert (
            httpx.put(
                upload["upload_url"],
                content=(media_dir / "clip.webm").read_bytes(),
                headers=upload["headers"],
            ).status_code
            == 200
        )
        done = wait_job(live, studio, job.json()["id"])
        assert done["status"] == "completed", done
        assert wait_for_asset(live, studio, upload["id"])["video_codec"] == "vp9"
        redirect = live.get(
            f"/v1/renders/{job.json()['id']}/download",
            headers=studio.headers,
            follow_redirects=False,
        )
        artifact = httpx.get(redirect.headers["location"])  # presigned by SeaweedFS
        assert artifact.status_code == 200
        with av.open(io.BytesIO(artifact.content)) as container:
            assert sum(1 for _ in container.decode(video=0)) == 10
