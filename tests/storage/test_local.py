"""Local storage: atomic writes, size limits, signed downloads (valid, tampered, expired)."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from framelane.core.settings import Settings
from framelane.storage import signing
from framelane.storage.base import SignatureExpired, SignatureInvalid
from framelane.storage.factory import storage_for
from framelane.storage.local import LocalStorage, SourceTooLarge
from tests.fixtures.identity import VerifiedWorkspace


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "store", "http://testserver", "s3cr3t")


class TestLocalStorage:
    def test_stream_limit_leaves_nothing_behind(self, storage: LocalStorage) -> None:
        with pytest.raises(SourceTooLarge):
            storage.put_stream("ws_1/uploads/a.bin", iter([b"x" * 10, b"y" * 10]), "x/y", 15)
        assert not storage.exists("ws_1/uploads/a.bin")
        assert list((storage.root / "ws_1" / "uploads").iterdir()) == []

    def test_round_trip_and_prefix_delete(self, storage: LocalStorage, tmp_path: Path) -> None:
        source = tmp_path / "in.bin"
        source.write_bytes(b"hello")
        assert storage.put_file("ws_1/jobs/j/out.bin", source, "x/y") == 5
        assert storage.put_file("ws_2/jobs/j/out.bin", source, "x/y") == 5
        assert b"".join(storage.iter_bytes("ws_1/jobs/j/out.bin")) == b"hello"
        assert storage.delete_prefix("ws_1/") == 1
        assert not storage.exists("ws_1/jobs/j/out.bin")
        assert storage.exists("ws_2/jobs/j/out.bin")

    @pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "ws_1/../../x", "ws_1//x", ""])
    def test_traversal_keys_are_refused(self, storage: LocalStorage, key: str) -> None:
        with pytest.raises(Exception, match="Invalid object key"):
            storage.path_of(key)


class TestSigning:
    def test_tampered_and_expired(self) -> None:
        expires = int(time.time()) + 60
        sig = signing.signature("k", "GET", "ws_1/a", expires)
        signing.verify("k", "GET", "ws_1/a", str(expires), sig)
        with pytest.raises(SignatureInvalid):
            signing.verify("k", "GET", "ws_1/b", str(expires), sig)
        with pytest.raises(SignatureInvalid):
            signing.verify("k", "GET", "ws_1/a", str(expires + 1), sig)
        with pytest.raises(SignatureExpired):
            signing.verify("k", "GET", "ws_1/a", str(expires), sig, now=expires + 1)


class TestFilesEndpoint:
    def test_signed_download_then_tampered_and_expired(
        self,
        client: TestClient,
        settings: Settings,
        tmp_path: Path,
        workspace: VerifiedWorkspace,
    ) -> None:
        storage = storage_for(settings)
        source = tmp_path / "a.mp4"
        source.write_bytes(b"\x00" * 100)
        key = f"{workspace.id}/jobs/render_x/output.mp4"
        storage.put_file(key, source, "video/mp4")
        url = urlparse(storage.presign_get(key, 60, filename="my-render.mp4"))
        ok = client.get(f"{url.path}?{url.query}")
        assert ok.status_code == 200 and ok.content == b"\x00" * 100
        assert ok.headers["content-type"] == "video/mp4"
        assert 'filename="my-render.mp4"' in ok.headers["content-disposition"]
        query = parse_qs(url.query)
        tampered = client.get(url.path, params={"expires": query["expires"][0], "sig": "0" * 64})
        assert tampered.status_code == 403
        assert tampered.json()["error"]["code"] == "signature_invalid"
        expired_at = int(time.time()) - 1
        sig = signing.signature(settings.resolved_secret_key, "GET", key, expired_at)
        expired = client.get(url.path, params={"expires": str(expired_at), "sig": sig})
        assert expired.status_code == 403
        assert expired.json()["error"]["code"] == "expired"

    def test_workspace_delete_removes_its_objects(
        self,
        client: TestClient,
        settings: Settings,
        tmp_path: Path,
        workspace: VerifiedWorkspace,
        other_workspace: VerifiedWorkspace,
    ) -> None:
        storage = storage_for(settings)
        source = tmp_path / "a.bin"
        source.write_bytes(b"1")
        storage.put_file(f"{workspace.id}/jobs/j/a.bin", source, "x/y")
        storage.put_file(f"{other_workspace.id}/jobs/j/a.bin", source, "x/y")
        assert client.delete("/v1/workspace", headers=workspace.headers).status_code == 204
        assert not storage.exists(f"{workspace.id}/jobs/j/a.bin")
        assert storage.exists(f"{other_workspace.id}/jobs/j/a.bin")
