"""Imports through the HTTP API from a real local HTTP server; share-link rewriting; video
sites unsupported; SSRF refusals at submission."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from framelane.core.errors import CapabilityUnsupported
from framelane.core.settings import Settings
from framelane.ingest.links import direct_download_url
from framelane.storage.factory import storage_for
from tests.fixtures.identity import VerifiedWorkspace
from tests.ingest.helpers import events_of, wait_for_import
from tests.ingest.http_server import SourceServer


class TestLinks:
    @pytest.mark.parametrize(
        ("url", "direct"),
        [
            (
                "https://www.dropbox.com/s/abc123/clip.mp4?dl=0",
                "https://www.dropbox.com/s/abc123/clip.mp4?dl=1",
            ),
            (
                "https://www.dropbox.com/scl/fi/xyz/clip.mov?rlkey=k&dl=0",
                "https://www.dropbox.com/scl/fi/xyz/clip.mov?rlkey=k&dl=1",
            ),
            ("https://dropbox.com/s/abc/a.png", "https://dropbox.com/s/abc/a.png?dl=1"),
            (
                "https://dl.dropboxusercontent.com/s/abc/a.png",
                "https://dl.dropboxusercontent.com/s/abc/a.png",
            ),
            (
                "https://drive.google.com/file/d/1AbC_dEf-9/view?usp=sharing",
                "https://drive.google.com/uc?export=download&id=1AbC_dEf-9",
            ),
            (
                "https://drive.google.com/open?id=1XyZ",
                "https://drive.google.com/uc?export=download&id=1XyZ",
            ),
            ("https://cdn.example.com/a/b.mp4?token=1", "https://cdn.example.com/a/b.mp4?token=1"),
        ],
    )
    def test_share_links_become_direct(self, url: str, direct: str) -> None:
        assert direct_download_url(url) == direct

    @pytest.mark.parametrize(
        "url",
        [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ",
            "https://m.youtube.com/shorts/abc",
            "https://vimeo.com/123456",
            "https://player.vimeo.com/video/1",
            "https://www.tiktok.com/@a/video/1",
            "https://vm.tiktok.com/ZM1/",
            "https://www.instagram.com/reel/x/",
            "https://x.com/a/status/1",
            "https://www.twitch.tv/videos/1",
        ],
    )
    def test_video_sites_are_unsupported(self, url: str) -> None:
        with pytest.raises(CapabilityUnsupported) as refused:
            direct_download_url(url)
        assert refused.value.details["supported"] is False


class TestImportApi:
    @pytest.mark.slow
    def test_direct_import_becomes_a_ready_asset(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
        source_server: SourceServer,
    ) -> None:
        data = (media_dir / "clip.mp4").read_bytes()
        url = source_server.add("/media/download", data)  # no extension: sniffed as MP4
        created = client.post("/v1/imports", headers=workspace.headers, json={"url": url})
        assert created.status_code == 202, created.text
        body = created.json()
        assert body["id"].startswith("import_") and body["status"] == "processing"
        assert body["source_url"] is None
        done = wait_for_import(client, workspace, body["id"])
        assert done["status"] == "ready" and done["error"] is None, done
        assert done["source_url"].startswith(
            f"{settings.public_base_url}/v1/files/{workspace.id}/uploads/asset_"
        )
        assert done["source_url"].endswith(".mp4")
        key = done["source_url"].split("/v1/files/", 1)[1]
        assert b"".join(storage_for(settings).iter_bytes(key)) == data
        listed = client.get("/v1/workspace/assets", headers=workspace.headers).json()["data"]
        assert [(a["id"], a["origin"], a["kind"]) for a in listed] == [
            (done["asset_id"], "import", "video")
        ]
        assert [e.type for e in events_of(workspace.id)] == ["asset.ready"]
        assert source_server.full_bodies["/media/download"] == 1

    @pytest.mark.slow
    def test_redirect_and_filename_hint(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
        media_dir: Path,
        source_server: SourceServer,
    ) -> None:
        target = source_server.add("/real", (media_dir / "tone.wav").read_bytes())
        url = source_server.add("/short", status=302, headers={"Location": target})
        created = client.post(
            "/v1/imports",
            headers=workspace.headers,
            json={"url": url, "filename": "Voice Over.wav"},
        )
        done = wait_for_import(client, workspace, created.json()["id"])
        assert done["status"] == "ready", done
        assert done["source_url"].endswith(".wav")

    @pytest.mark.parametrize(
        ("route", "kwargs", "code"),
        [
            ("/gone.mp4", None, "source_not_found"),
            (
                "/login",
                {"body": b"<html><body>Sign in</body></html>", "content_type": "text/html"},
                "codec_unsupported",
            ),
            ("/empty.mp4", {"body": b""}, "source_corrupt"),
            ("/cut.mp4", "truncated", "source_corrupt"),
        ],
    )
    def test_failed_imports_carry_the_code(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
        source_server: SourceServer,
        route: str,
        kwargs: object,
        code: str,
    ) -> None:
        if kwargs == "truncated":
            url = source_server.add(route, (media_dir / "clip.mp4").read_bytes()[:4000])
        elif isinstance(kwargs, dict):
            url = source_server.add(route, **kwargs)
        else:
            url = source_server.url(route)
        created = client.post("/v1/imports", headers=workspace.headers, json={"url": url})
        done = wait_for_import(client, workspace, created.json()["id"])
        assert (done["status"], done["error"]["code"]) == ("failed", code), done
        assert done["source_url"] is None
        folder = settings.data_dir / "storage" / workspace.id / "uploads"
        assert not folder.exists() or list(folder.iterdir()) == []
        assert [e.type for e in events_of(workspace.id)] == ["asset.failed"]

    def test_video_sites_are_422(self, client: TestClient, workspace: VerifiedWorkspace) -> None:
        response = client.post(
            "/v1/imports",
            headers=workspace.headers,
            json={"url": "https://www.youtube.com/watch?v=abc"},
        )
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "capability_unsupported"
        assert error["details"]["supported"] is False

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:9/x.mp4",
            "http://169.254.169.254/latest/meta-data/",
            "file:///etc/passwd",
            "http://[::1]/x.mp4",
            "http://10.1.2.3/x.mp4",
        ],
    )
    def test_private_targets_refused_at_submission(
        self,
        settings: Settings,
        workspace: VerifiedWorkspace,
        url: str,
    ) -> None:
        from framelane import composition
        from framelane.api.app import create_app

        strict = settings.model_copy(update={"allow_private_urls": False})
        with TestClient(create_app(strict, composition.features())) as client:
            response = client.post("/v1/imports", headers=workspace.headers, json={"url": url})
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "url_not_allowed"

    def test_imports_are_private_to_the_workspace(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
        other_workspace: VerifiedWorkspace,
        source_server: SourceServer,
    ) -> None:
        created = client.post(
            "/v1/imports",
            headers=workspace.headers,
            json={"url": source_server.url("/nothing.mp4")},
        )
        import_id = created.json()["id"]
        wait_for_import(client, workspace, import_id)
        other = client.get(f"/v1/imports/{import_id}", headers=other_workspace.headers)
        assert other.status_code == 404
        assert client.get("/v1/imports/import_nope", headers=workspace.headers).status_code == 404


@pytest.mark.slow
def test_bmp_is_a_readable_source_but_not_an_upload_type(
    client: TestClient,
    settings: Settings,
    workspace: VerifiedWorkspace,
    tmp_path: Path,
    source_server: SourceServer,
) -> None:
    from PIL import Image

    from framelane.ingest.resolver import make_resolver

    Image.new("RGB", (12, 8), (1, 2, 3)).save(tmp_path / "a.bmp", "BMP")
    url = source_server.add("/a.bmp", (tmp_path / "a.bmp").read_bytes())
    assert make_resolver(settings, workspace.id, tmp_path / "w").resolve(url, "image").exists()
    created = client.post("/v1/imports", headers=workspace.headers, json={"url": url})
    done = wait_for_import(client, workspace, created.json()["id"])
    assert done["status"] == "ready" and done["source_url"].endswith(".bmp"), done
    refused = client.post(
        "/v1/uploads", headers=workspace.headers, json={"content_type": "image/bmp"}
    )
    assert refused.json()["error"]["code"] == "unsupported_content_type"


@pytest.mark.slow
def test_a_crash_fails_the_import_instead_of_retrying_forever(
    client: TestClient,
    workspace: VerifiedWorkspace,
    media_dir: Path,
    source_server: SourceServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from framelane.ingest import processing

    def explode(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(processing, "probe_local", explode)
    url = source_server.add("/x.png", (media_dir / "still.png").read_bytes())
    created = client.post("/v1/imports", headers=workspace.headers, json={"url": url})
    done = wait_for_import(client, workspace, created.json()["id"])
    assert (done["status"], done["error"]["code"]) == ("failed", "internal_error"), done
    assert "RuntimeError" in done["error"]["message"] and "fire" not in done["error"]["message"]
