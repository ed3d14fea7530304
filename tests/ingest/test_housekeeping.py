"""The watcher's rounds and the upload state machine under concurrency and deletion."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from framelane.core.errors import FramelaneError
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.db.session import session_scope
from framelane.ingest import service
from framelane.ingest.actors import watch_once
from framelane.ingest.housekeeping import sweep
from framelane.ingest.models import Asset, FetchCacheEntry
from framelane.ingest.resolver import make_resolver
from framelane.storage.factory import storage_for
from tests.fixtures.identity import VerifiedWorkspace
from tests.ingest.helpers import local_path, put_bytes, request_upload, wait_for_asset
from tests.ingest.http_server import SourceServer


def age(settings: Settings, model: type, ident: str, **delta: float) -> None:
    with session_scope(settings.resolved_database_url) as session:
        session.execute(
            update(model)
            .where(model.id == ident)  # type: ignore[attr-defined]
            .values(updated_at=utcnow() - timedelta(**delta))
        )


def status_of(client: TestClient, ws: VerifiedWorkspace, asset_id: str) -> str:
    body = client.get(f"/v1/workspace/assets/{asset_id}", headers=ws.headers).json()
    return str(body["status"])


class TestConcurrentPuts:
    def test_second_put_during_an_upload_is_409_and_first_completes(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
    ) -> None:
        upload = request_upload(client, workspace, "video/mp4")
        parts = local_path(upload["upload_url"]).split("?", 1)
        key = parts[0].split("/v1/uploads/put/", 1)[1]
        query = dict(p.split("=", 1) for p in parts[1].split("&"))
        data = (media_dir / "clip.mp4").read_bytes()
        started, release = threading.Event(), threading.Event()

        def slow_body() -> Iterator[bytes]:
            yield data[:5000]
            started.set()
            release.wait(10)
            yield data[5000:]

        results: list[object] = []
        worker = threading.Thread(
            target=lambda: results.append(
                service.receive_upload(
                    settings, key, query["expires"], query["sig"], "video/mp4", None, slow_body()
                )
            )
        )
        worker.start()
        assert started.wait(10)
        assert status_of(client, workspace, upload["id"]) == "receiving"
        second = put_bytes(client, upload["upload_url"], data, "video/mp4")
        assert (second.status_code, second.json()["error"]["code"]) == (
            409,
            "upload_already_received",
        )
        release.set()
        worker.join(10)
        assert len(results) == 1
        assert wait_for_asset(client, workspace, upload["id"])["status"] == "ready"

    def test_a_failed_stream_frees_the_upload_for_a_retry(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
    ) -> None:
        upload = request_upload(client, workspace, "video/mp4")
        parts = local_path(upload["upload_url"]).split("?", 1)
        key = parts[0].split("/v1/uploads/put/", 1)[1]
        query = dict(p.split("=", 1) for p in parts[1].split("&"))
        data = (media_dir / "clip.mp4").read_bytes()

        def dropped() -> Iterator[bytes]:
            yield data[:5000]
            raise ConnectionResetError("client vanished")

        with pytest.raises(ConnectionResetError):
            service.receive_upload(
                settings, key, query["expires"], query["sig"], "video/mp4", None, dropped()
            )
        assert status_of(client, workspace, upload["id"]) == "awaiting_upload"
        assert not storage_for(settings).exists(key)
        assert put_bytes(client, upload["upload_url"], data, "video/mp4").status_code == 200
        assert wait_for_asset(client, workspace, upload["id"])["status"] == "ready"


class TestSweep:
    def test_arrivals_silent_uploads_stale_probes_and_expired_urls(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
    ) -> None:
        storage = storage_for(settings)
        arrived = request_upload(client, workspace, "image/png")
        storage.put_file(
            arrived["source_url"].split("/v1/files/", 1)[1], media_dir / "still.png", "image/png"
        )
        silent = request_upload(client, workspace, "image/png")
        expired = request_upload(client, workspace, "image/png")
        stale = request_upload(client, workspace, "image/png")
        stale_key = stale["source_url"].split("/v1/files/", 1)[1]
        storage.put_file(stale_key, media_dir / "still.png", "image/png")
        with session_scope(settings.resolved_database_url) as session:
            session.execute(
                update(Asset).where(Asset.id == silent["id"]).values(status="receiving")
            )
            session.execute(
                update(Asset).where(Asset.id == stale["id"]).values(status="processing")
            )
            session.execute(
                update(Asset)
                .where(Asset.id == expired["id"])
                .values(upload_expires_at=utcnow() - timedelta(days=2))
            )
        age(settings, Asset, silent["id"], minutes=5)
        age(settings, Asset, stale["id"], minutes=30)
        result = sweep(settings)
        assert result.arrived == [arrived["id"]]
        assert result.freed == [silent["id"]]
        assert result.retry_probes == [stale["id"]]
        assert result.forgotten_uploads == 1
        assert (
            client.get(
                f"/v1/workspace/assets/{expired['id']}", headers=workspace.headers
            ).status_code
            == 404
        )
        assert status_of(client, workspace, silent["id"]) == "awaiting_upload"
        assert wait_for_asset(client, workspace, arrived["id"])["status"] == "ready"
        age(settings, Asset, stale["id"], minutes=30)
        watch_once(settings)  # re-queues the stale probe
        assert wait_for_asset(client, workspace, stale["id"])["status"] == "ready"

    def test_unused_cache_entries_are_dropped(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
        tmp_path: Path,
        source_server: SourceServer,
    ) -> None:
        url = source_server.add("/c.png", (media_dir / "still.png").read_bytes(), etag='"1"')
        make_resolver(settings, workspace.id, tmp_path).resolve(url, "image")
        with session_scope(settings.resolved_database_url) as session:
            entry = session.query(FetchCacheEntry).one()
            key, entry_id = entry.storage_key, entry.id
        assert storage_for(settings).exists(key)
        assert sweep(settings).dropped_cache_entries == 0
        age(settings, FetchCacheEntry, entry_id, days=settings.artifact_retention_days + 1)
        assert sweep(settings).dropped_cache_entries == 1
        assert not storage_for(settings).exists(key)


def test_workspace_delete_removes_assets_imports_cache_and_objects(
    client: TestClient,
    settings: Settings,
    workspace: VerifiedWorkspace,
    other_workspace: VerifiedWorkspace,
    media_dir: Path,
    tmp_path: Path,
    source_server: SourceServer,
) -> None:
    mine = request_upload(client, workspace, "image/png")
    theirs = request_upload(client, other_workspace, "image/png")
    for upload, ws in ((mine, workspace), (theirs, other_workspace)):
        put_bytes(client, upload["upload_url"], (media_dir / "still.png").read_bytes(), "image/png")
        assert wait_for_asset(client, ws, upload["id"])["status"] == "ready"
    url = source_server.add("/w.png", (media_dir / "still.png").read_bytes(), etag='"w"')
    make_resolver(settings, workspace.id, tmp_path).resolve(url, "image")
    assert client.delete("/v1/workspace", headers=workspace.headers).status_code == 204
    with session_scope(settings.resolved_database_url) as session:
        assert session.query(Asset).filter(Asset.workspace_id == workspace.id).count() == 0
        assert session.query(FetchCacheEntry).count() == 0
    assert not (settings.data_dir / "storage" / workspace.id).exists()
    assert wait_for_asset(client, other_workspace, theirs["id"])["status"] == "ready"


@pytest.mark.slow
def test_delete_asset_removes_row_and_file(
    client: TestClient,
    settings: Settings,
    workspace: VerifiedWorkspace,
    other_workspace: VerifiedWorkspace,
    media_dir: Path,
    tmp_path: Path,
) -> None:
    upload = request_upload(client, workspace, "image/png")
    put_bytes(client, upload["upload_url"], (media_dir / "still.png").read_bytes(), "image/png")
    assert wait_for_asset(client, workspace, upload["id"])["status"] == "ready"
    path = f"/v1/workspace/assets/{upload['id']}"
    assert client.delete(path, headers=other_workspace.headers).status_code == 404
    assert client.delete(path, headers=workspace.headers).status_code == 204
    assert client.get(path, headers=workspace.headers).status_code == 404
    key = upload["source_url"].split("/v1/files/", 1)[1]
    assert not storage_for(settings).exists(key)
    with pytest.raises(FramelaneError) as gone:
        make_resolver(settings, workspace.id, tmp_path).resolve(upload["source_url"], "image")
    assert gone.value.code == "source_not_found"
