"""Render artifacts on the S3 backend (a real SeaweedFS): stored, presigned, refused if tampered."""

from __future__ import annotations

import io
from collections.abc import Iterator

import av
import httpx
import pytest
from fastapi.testclient import TestClient

from framelane.core.settings import Settings
from tests.fixtures.identity import VerifiedWorkspace, make_workspace
from tests.fixtures.live import live_product
from tests.fixtures.seaweedfs import s3_storage_url, seaweedfs  # noqa: F401 (fixtures)
from tests.renders.conftest import tiny, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def s3_settings(settings: Settings, s3_storage_url: str) -> Settings:  # noqa: F811
    return settings.model_copy(update={"storage_url": s3_storage_url})


@pytest.fixture
def s3_live(s3_settings: Settings) -> Iterator[TestClient]:
    with live_product(s3_settings) as client:
        yield client


def test_a_render_on_s3_downloads_through_a_presigned_url(
    s3_live: TestClient, s3_settings: Settings
) -> None:
    ws: VerifiedWorkspace = make_workspace(s3_settings, name="S3", email="s3@s3.test", plan="pro")
    job = s3_live.post("/v1/renders", json=tiny(), headers=ws.headers).json()
    done = wait_for(s3_live, ws, job["id"], lambda j: j["status"] in {"completed", "failed"})
    assert done["status"] == "completed", done
    redirect = s3_live.get(
        f"/v1/renders/{job['id']}/download", headers=ws.headers, follow_redirects=False
    )
    assert redirect.status_code == 302
    url = redirect.headers["location"]
    assert "X-Amz-Signature=" in url and f"/{ws.id}/jobs/{job['id']}/output.mp4" in url
    artifact = httpx.get(url, timeout=10)
    assert artifact.status_code == 200 and len(artifact.content) == done["output"]["size_bytes"]
    with av.open(io.BytesIO(artifact.content)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 10
    signature = url.split("X-Amz-Signature=")[1][:8]
    tampered = url.replace(f"X-Amz-Signature={signature}", "X-Amz-Signature=00000000")
    assert httpx.get(tampered, timeout=10).status_code == 403
