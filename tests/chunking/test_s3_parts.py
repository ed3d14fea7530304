"""Render parts through the S3 backend (a real SeaweedFS): stored there, joined, removed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from framelane.core.settings import Settings
from framelane.storage.factory import storage_for
from tests.chunking.conftest import moving_title, parts_of
from tests.fixtures.identity import make_workspace
from tests.fixtures.live import live_product
from tests.fixtures.seaweedfs import s3_storage_url, seaweedfs  # noqa: F401 (fixtures)
from tests.renders.conftest import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def s3_chunk_settings(chunk_settings: Settings, s3_storage_url: str) -> Settings:  # noqa: F811
    return chunk_settings.model_copy(update={"storage_url": s3_storage_url})


@pytest.fixture
def s3_live(s3_chunk_settings: Settings) -> Iterator[TestClient]:
    with live_product(s3_chunk_settings) as client:
        yield client


def test_parts_go_through_s3_and_are_removed_after_the_join(
    s3_live: TestClient, s3_chunk_settings: Settings
) -> None:
    ws = make_workspace(s3_chunk_settings, name="S3", email="s3@parts.test", plan="pro")
    job = s3_live.post("/v1/renders", json=moving_title(4), headers=ws.headers).json()
    done = wait_for(s3_live, ws, job["id"], lambda j: j["status"] in {"completed", "failed"}, 120)
    assert done["status"] == "completed", done
    assert done["output"]["chunks"] == 4
    parts = parts_of(s3_chunk_settings, job["id"])
    assert all(p.storage_key and p.storage_key.startswith(f"{ws.id}/chunks/") for p in parts)
    storage = storage_for(s3_chunk_settings)
    assert not any(storage.exists(p.storage_key or "") for p in parts)  # removed after the join
    future = datetime.now(UTC) + timedelta(days=1)
    assert list(storage.keys_older_than(f"{ws.id}/chunks/", future)) == []
    assert storage.exists(f"{ws.id}/jobs/{job['id']}/output.mp4")
