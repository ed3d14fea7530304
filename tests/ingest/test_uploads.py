"""Uploads on local storage through the HTTP API: allow-list, the signed streaming PUT,
background probing of real media, `asset.ready`/`asset.failed`, and every bad input refused
with a precise code and nothing left in storage."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from framelane.core.settings import Settings
from framelane.ingest.mime import ALLOWED
from framelane.storage import signing
from framelane.storage.factory import storage_for
from tests.fixtures.identity import VerifiedWorkspace
from tests.ingest.helpers import (
    events_of,
    local_path,
    put_bytes,
    request_upload,
    wait_for_asset,
)


def stored_uploads(settings: Settings, workspace: VerifiedWorkspace) -> list[str]:
    folder = settings.data_dir / "storage" / workspace.id / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


class TestRequestUpload:
    @pytest.mark.parametrize("content_type", sorted(ALLOWED))
    def test_every_allowed_type_gets_a_signed_url(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
        content_type: str,
    ) -> None:
        body = request_upload(client, workspace, content_type)
        assert body["upload_url"].startswith("http://127.0.0.1:8000/v1/uploads/put/")
        assert body["source_url"].startswith(
            f"http://127.0.0.1:8000/v1/files/{workspace.id}/uploads/asset_"
        )
        assert body["source_url"].endswith(ALLOWED[content_type][0])
        assert body["headers"] == {"Content-Type": content_type}

    @pytest.mark.parametrize(
        "content_type",
        [
            "text/html",
            "application/pdf",
            "image/x-icon",
            "video/x-flv",
            "application/zip",
            "audio/x-ms-wma",
            "image/bmp",
            "application/octet-stream",
            "video",
        ],
    )
    def test_other_types_are_refused(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
        content_type: str,
    ) -> None:
        response = client.post(
            "/v1/uploads", headers=workspace.headers, json={"content_type": content_type}
        )
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "unsupported_content_type"

    def test_filename_picks_a_matching_extension_only(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
    ) -> None:
        jpeg = request_upload(client, workspace, "image/jpeg", filename="Holiday.JPEG")
        assert jpeg["source_url"].endswith(".jpeg")
        lying = request_upload(client, workspace, "image/png", filename="clip.mp4")
        assert lying["source_url"].endswith(".png")

    def test_needs_a_key(self, client: TestClient) -> None:
        response = client.post("/v1/uploads", json={"content_type": "video/mp4"})
        assert response.status_code == 401


@pytest.mark.slow
class TestRoundTrip:
    def test_video_upload_is_probed_and_listed(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        other_workspace: VerifiedWorkspace,
        media_dir: Path,
    ) -> None:
        upload = request_upload(client, workspace, "video/mp4", filename="clip.mp4")
        data = (media_dir / "clip.mp4").read_bytes()
        put = put_bytes(client, upload["upload_url"], data, "video/mp4")
        assert put.status_code == 200, put.text
        assert put.json()["size_bytes"] == len(data)
        asset = wait_for_asset(client, workspace, upload["id"])
        assert asset["status"] == "ready", asset
        assert (asset["kind"], asset["width"], asset["height"]) == ("video", 64, 48)
        assert asset["duration"] == pytest.approx(1.0, abs=0.05)
        assert asset["fps"] == 10
        assert (asset["video_codec"], asset["audio_codec"]) == ("h264", "aac")
        assert asset["has_audio"] is True and asset["rotation"] == 0
        assert asset["source_url"] == upload["source_url"]
        listed = client.get("/v1/workspace/assets", headers=workspace.headers).json()
        assert [a["id"] for a in listed["data"]] == [upload["id"]]
        assert (
            client.get("/v1/workspace/assets", headers=other_workspace.headers).json()["data"] == []
        )
        assert (
            client.get(
                f"/v1/workspace/assets/{upload['id']}", headers=other_workspace.headers
            ).status_code
            == 404
        )
        ready = events_of(workspace.id)
        assert [e.type for e in ready] == ["asset.ready"]
        assert ready[0].subject_id == upload["id"] and ready[0].data["kind"] == "video"
        key = f"{workspace.id}/uploads/{upload['id']}.mp4"
        assert b"".join(storage_for(settings).iter_bytes(key)) == data
        again = put_bytes(client, upload["upload_url"], data, "video/mp4")
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "upload_already_received"

    @pytest.mark.parametrize(
        ("name", "content_type", "expected"),
        [
            (
                "clip.webm",
                "video/webm",
                {"kind": "video", "video_codec": "vp9", "audio_codec": "opus"},
            ),
            ("rotated.mp4", "video/mp4", {"kind": "video", "rotation": 90, "has_audio": False}),
            ("tone.wav", "audio/wav", {"kind": "audio", "audio_codec": "pcm_s16le", "width": None}),
            ("still.png", "image/png", {"kind": "image", "width": 32, "height": 24}),
            ("photo.jpg", "image/jpeg", {"kind": "image", "width": 40, "height": 30}),
        ],
    )
    def test_media_kinds(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
        media_dir: Path,
        name: str,
        content_type: str,
        expected: dict[str, object],
    ) -> None:
        upload = request_upload(client, workspace, content_type, filename=name)
        assert (
            put_bytes(
                client, upload["upload_url"], (media_dir / name).read_bytes(), content_type
            ).status_code
            == 200
        )
        asset = wait_for_asset(client, workspace, upload["id"])
        assert asset["status"] == "ready", asset
        assert {key: asset[key] for key in expected} == expected


class TestRefusedPuts:
    def test_tampered_expired_and_wrong_type_leave_nothing(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
    ) -> None:
        upload = request_upload(client, workspace, "video/mp4")
        data = (media_dir / "clip.mp4").read_bytes()
        parts = urlsplit(upload["upload_url"])
        query = parse_qs(parts.query)
        tampered = client.put(
            parts.path,
            params={"expires": query["expires"][0], "sig": "0" * 64},
            content=data,
            headers={"Content-Type": "video/mp4"},
        )
        assert (tampered.status_code, tampered.json()["error"]["code"]) == (
            403,
            "signature_invalid",
        )
        key = parts.path.split("/v1/uploads/put/", 1)[1]
        past = int(time.time()) - 5
        sig = signing.signature(settings.resolved_secret_key, "PUT", key, past, "video/mp4")
        expired = client.put(
            parts.path,
            params={"expires": str(past), "sig": sig},
            content=data,
            headers={"Content-Type": "video/mp4"},
        )
        assert (expired.status_code, expired.json()["error"]["code"]) == (403, "expired")
        other_key = client.put(
            parts.path.replace(".mp4", ".mov") + "?" + parts.query,
            content=data,
            headers={"Content-Type": "video/mp4"},
        )
        assert other_key.json()["error"]["code"] == "signature_invalid"
        wrong_type = put_bytes(client, upload["upload_url"], data, "video/webm")
        assert (wrong_type.status_code, wrong_type.json()["error"]["code"]) == (
            415,
            "content_type_mismatch",
        )
        assert stored_uploads(settings, workspace) == []
        status = client.get(f"/v1/workspace/assets/{upload['id']}", headers=workspace.headers)
        assert status.json()["status"] == "awaiting_upload"

    def test_larger_than_declared_or_allowed_is_413(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
    ) -> None:
        data = (media_dir / "clip.mp4").read_bytes()
        declared = request_upload(client, workspace, "video/mp4", size_bytes=1000)
        response = put_bytes(client, declared["upload_url"], data, "video/mp4")
        assert (response.status_code, response.json()["error"]["code"]) == (413, "source_too_large")

        def chunked() -> object:  # no Content-Length: the stream limit catches it
            for start in range(0, len(data), 4096):
                yield data[start : start + 4096]

        streamed = client.put(
            local_path(declared["upload_url"]),
            content=chunked(),
            headers={"Content-Type": "video/mp4"},
        )
        assert (streamed.status_code, streamed.json()["error"]["code"]) == (413, "source_too_large")
        assert stored_uploads(settings, workspace) == []
        ok = put_bytes(client, declared["upload_url"], data[:1000], "video/mp4")
        assert ok.status_code == 200  # the same URL still works within its limit
        assert wait_for_asset(client, workspace, declared["id"])["error"]["code"] == (
            "source_corrupt"
        )  # 1000 bytes of an MP4 are a truncated MP4

    @pytest.mark.parametrize(
        ("name", "declared", "payload", "status", "code"),
        [
            ("zero-byte", "video/mp4", b"", 422, "source_corrupt"),
            ("png named .mp4", "video/mp4", "still.png", 415, "content_type_mismatch"),
            ("mp4 as png", "image/png", "clip.mp4", 415, "content_type_mismatch"),
            (
                "html page",
                "video/mp4",
                b"<!doctype html><html><script>x()</script>",
                422,
                "codec_unsupported",
            ),
            ("random bytes", "audio/wav", b"\x13\x37" * 5000, 422, "codec_unsupported"),
        ],
    )
    def test_refused_at_the_door(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
        name: str,
        declared: str,
        payload: bytes | str,
        status: int,
        code: str,
    ) -> None:
        data = payload if isinstance(payload, bytes) else (media_dir / payload).read_bytes()
        upload = request_upload(client, workspace, declared)
        response = put_bytes(client, upload["upload_url"], data, declared)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), name
        assert stored_uploads(settings, workspace) == []


@pytest.mark.slow
class TestRefusedByTheProbe:
    @pytest.mark.parametrize(
        ("declared", "make", "code"),
        [
            ("video/mp4", lambda d: (d / "clip.mp4").read_bytes()[:3000], "source_corrupt"),
            (
                "video/mp4",
                lambda d: (
                    (d / "clip.mp4").read_bytes()[:48]
                    + bytes(6000)
                    + (d / "clip.mp4").read_bytes()[6048:]
                ),
                "source_corrupt",
            ),
            (
                "image/png",
                lambda d: (d / "still.png").read_bytes() + (d / "clip.mp4").read_bytes(),
                "source_corrupt",
            ),
            ("image/png", lambda d: (d / "bomb.png").read_bytes(), "source_too_large"),
            ("image/png", lambda d: (d / "still.png").read_bytes()[:60], "source_corrupt"),
            ("video/webm", lambda d: (d / "clip.webm").read_bytes()[:2500], "source_corrupt"),
        ],
        ids=[
            "truncated-mp4",
            "corrupt-mp4",
            "polyglot-png+mp4",
            "png-header-bomb",
            "truncated-png",
            "truncated-webm",
        ],
    )
    def test_failed_assets_carry_the_code_and_leave_nothing(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        media_dir: Path,
        declared: str,
        make: object,
        code: str,
    ) -> None:
        data = make(media_dir)  # type: ignore[operator]
        upload = request_upload(client, workspace, declared)
        assert put_bytes(client, upload["upload_url"], data, declared).status_code == 200
        asset = wait_for_asset(client, workspace, upload["id"])
        assert asset["status"] == "failed"
        assert asset["error"]["code"] == code, asset["error"]
        assert stored_uploads(settings, workspace) == []
        failed = events_of(workspace.id)
        assert [e.type for e in failed] == ["asset.failed"]
        assert failed[0].data["error"]["code"] == code
        listed = client.get("/v1/workspace/assets", headers=workspace.headers).json()
        assert listed["data"] == []


class TestCrossOriginBrowsers:
    """A browser on another origin may PUT to a signed upload URL and GET a signed file URL
    (the signature is the credential, so `*` and no cookies); the rest of the API stays
    without CORS headers."""

    ORIGIN = {"Origin": "https://app.example"}

    def test_the_upload_url_answers_a_preflight(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
    ) -> None:
        upload = request_upload(client, workspace, "image/png")
        preflight = client.options(
            local_path(upload["upload_url"]),
            headers={
                **self.ORIGIN,
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "*"
        assert "PUT" in preflight.headers["access-control-allow-methods"]
        assert preflight.headers["access-control-allow-headers"] == "content-type"
        assert "access-control-allow-credentials" not in preflight.headers

    def test_put_and_its_errors_carry_the_header(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
        media_dir: Path,
    ) -> None:
        upload = request_upload(client, workspace, "image/png")
        data = (media_dir / "still.png").read_bytes()
        put = client.put(
            local_path(upload["upload_url"]),
            content=data,
            headers={**self.ORIGIN, "Content-Type": "image/png"},
        )
        assert put.status_code == 200, put.text
        assert put.headers["access-control-allow-origin"] == "*"
        tampered = local_path(upload["upload_url"]).replace("sig=", "sig=0")
        refused = client.put(
            tampered, content=data, headers={**self.ORIGIN, "Content-Type": "image/png"}
        )
        assert refused.status_code == 403
        assert refused.headers["access-control-allow-origin"] == "*"  # readable by the page

    def test_the_rest_of_the_api_sends_no_cors_headers(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
    ) -> None:
        answer = client.get("/v1/workspace", headers={**workspace.headers, **self.ORIGIN})
        assert "access-control-allow-origin" not in answer.headers
        preflight = client.options(
            "/v1/renders", headers={**self.ORIGIN, "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in preflight.headers
