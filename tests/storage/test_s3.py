"""The storage contract, run against local disk and a real SeaweedFS (S3), plus what only the
object store can prove: SigV4 presigned URLs refused when tampered, expired or mis-typed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from framelane.storage.base import ObjectMissing, Storage
from framelane.storage.local import LocalStorage, SourceTooLarge
from framelane.storage.s3 import PART_BYTES, S3Location, S3Storage
from tests.fixtures.seaweedfs import SeaweedServer, s3_storage_url, seaweedfs

__all__ = ["s3_storage_url", "seaweedfs"]


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.slow)])
def any_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "local":
        yield LocalStorage(tmp_path / "store", "http://testserver", "s3cr3t")
        return
    yield S3Storage.from_url(request.getfixturevalue("s3_storage_url"))


def read(storage: Storage, key: str) -> bytes:
    return b"".join(storage.iter_bytes(key))


class TestContract:
    def test_put_file_read_size_exists_delete(self, any_storage: Storage, tmp_path: Path) -> None:
        source = tmp_path / "in.bin"
        source.write_bytes(b"hello world")
        assert any_storage.put_file("ws_a/jobs/j1/out.mp4", source, "video/mp4") == 11
        assert any_storage.exists("ws_a/jobs/j1/out.mp4")
        assert any_storage.size("ws_a/jobs/j1/out.mp4") == 11
        assert read(any_storage, "ws_a/jobs/j1/out.mp4") == b"hello world"
        target = tmp_path / "copy.bin"
        assert any_storage.download_to("ws_a/jobs/j1/out.mp4", target) == 11
        assert target.read_bytes() == b"hello world"
        any_storage.delete("ws_a/jobs/j1/out.mp4")
        assert not any_storage.exists("ws_a/jobs/j1/out.mp4")
        assert any_storage.size("ws_a/jobs/j1/out.mp4") is None
        any_storage.delete("ws_a/jobs/j1/out.mp4")  # deleting twice is fine

    def test_missing_objects(self, any_storage: Storage, tmp_path: Path) -> None:
        with pytest.raises(ObjectMissing):
            any_storage.download_to("ws_a/nothing.bin", tmp_path / "x")
        with pytest.raises(ObjectMissing):
            read(any_storage, "ws_a/nothing.bin")

    def test_stream_within_and_beyond_the_limit(self, any_storage: Storage) -> None:
        chunks = [b"a" * 1000, b"b" * 1000, b"c" * 500]
        assert any_storage.put_stream("ws_a/uploads/s.bin", iter(chunks), "x/y", 2500) == 2500
        assert read(any_storage, "ws_a/uploads/s.bin") == b"".join(chunks)
        with pytest.raises(SourceTooLarge):
            any_storage.put_stream("ws_a/uploads/t.bin", iter(chunks), "x/y", 2499)
        assert not any_storage.exists("ws_a/uploads/t.bin")

    def test_failing_stream_leaves_nothing(self, any_storage: Storage) -> None:
        def broken() -> Iterator[bytes]:
            yield b"x" * 100
            raise ConnectionResetError("client went away")

        with pytest.raises(ConnectionResetError):
            any_storage.put_stream("ws_a/uploads/broken.bin", broken(), "x/y", 10**9)
        assert not any_storage.exists("ws_a/uploads/broken.bin")

    def test_prefix_delete_and_age_listing(self, any_storage: Storage, tmp_path: Path) -> None:
        source = tmp_path / "in.bin"
        source.write_bytes(b"1")
        for key in ["ws_a/jobs/1/a", "ws_a/jobs/2/b", "ws_a/uploads/c", "ws_b/jobs/1/a"]:
            any_storage.put_file(key, source, "x/y")
        future = datetime.now(UTC) + timedelta(minutes=5)
        past = datetime.now(UTC) - timedelta(minutes=5)
        assert sorted(any_storage.keys_older_than("ws_a/jobs/", future)) == [
            "ws_a/jobs/1/a",
            "ws_a/jobs/2/b",
        ]
        assert list(any_storage.keys_older_than("ws_a/jobs/", past)) == []
        assert any_storage.delete_prefix("ws_a/") == 3
        assert not any_storage.exists("ws_a/uploads/c")
        assert any_storage.exists("ws_b/jobs/1/a")

    @pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "ws_1/../../x", "ws_1//x", ""])
    def test_unsafe_keys_are_refused(self, any_storage: Storage, key: str, tmp_path: Path) -> None:
        source = tmp_path / "in.bin"
        source.write_bytes(b"1")
        with pytest.raises(Exception, match="Invalid object key"):
            any_storage.put_file(key, source, "x/y")

    def test_check(self, any_storage: Storage) -> None:
        any_storage.check()


@pytest.mark.slow
class TestS3Only:
    def test_large_stream_goes_multipart(self, s3_storage_url: str) -> None:
        storage = S3Storage.from_url(s3_storage_url)
        part = b"z" * (1 << 20)
        size = storage.put_stream("ws_a/uploads/big.bin", iter([part] * 10), "x/y", PART_BYTES * 4)
        assert size == 10 << 20 and storage.size("ws_a/uploads/big.bin") == size
        with pytest.raises(SourceTooLarge):
            storage.put_stream("ws_a/uploads/big2.bin", iter([part] * 10), "x/y", 9 << 20)
        assert not storage.exists("ws_a/uploads/big2.bin")

    def test_presigned_get_tampered_and_expired(self, s3_storage_url: str, tmp_path: Path) -> None:
        storage = S3Storage.from_url(s3_storage_url)
        source = tmp_path / "a.mp4"
        source.write_bytes(b"\x00" * 64)
        storage.put_file("ws_a/jobs/r/out.mp4", source, "video/mp4")
        url = storage.presign_get("ws_a/jobs/r/out.mp4", 60, filename="my clip.mp4")
        ok = httpx.get(url)
        assert ok.status_code == 200 and ok.content == b"\x00" * 64
        assert 'filename="myclip.mp4"' in ok.headers["content-disposition"]
        tampered = url[:-4] + ("0000" if not url.endswith("0000") else "1111")
        assert httpx.get(tampered).status_code == 403
        location = S3Location.parse(s3_storage_url)
        assert (
            httpx.get(f"{location.endpoint}/{location.bucket}/ws_a/jobs/r/out.mp4").status_code
            == 403
        )
        short = storage.presign_get("ws_a/jobs/r/out.mp4", 1)
        time.sleep(2.2)
        assert httpx.get(short).status_code == 403

    def test_presigned_put_checks_type_and_signature(self, s3_storage_url: str) -> None:
        storage = S3Storage.from_url(s3_storage_url)
        url = storage.presign_put("ws_a/uploads/u.png", "image/png", 60)
        wrong = httpx.put(url, content=b"data", headers={"Content-Type": "video/mp4"})
        assert wrong.status_code == 403
        tampered = httpx.put(
            url.replace("Signature=", "Signature=0"),
            content=b"data",
            headers={"Content-Type": "image/png"},
        )
        assert tampered.status_code == 403
        assert not storage.exists("ws_a/uploads/u.png")
        ok = httpx.put(url, content=b"data", headers={"Content-Type": "image/png"})
        assert ok.status_code == 200 and storage.size("ws_a/uploads/u.png") == 4

    def test_readiness_reports_an_unreachable_bucket(
        self, settings: Settings, seaweedfs: SeaweedServer
    ) -> None:
        missing = settings.model_copy(update={"storage_url": seaweedfs.storage_url("nope")})
        with TestClient(create_app(missing, composition.features())) as client:
            response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["storage"].startswith("error")


def test_from_url_parses_every_option() -> None:
    location = S3Location.parse(
        "s3://media?endpoint=http://127.0.0.1:8333&region=eu-west-1"
        "&access_key=k&secret_key=s&public_endpoint=https://cdn.x"
    )
    assert (location.bucket, location.endpoint, location.region) == (
        "media",
        "http://127.0.0.1:8333",
        "eu-west-1",
    )
    assert (location.access_key, location.secret_key, location.addressing) == ("k", "s", "path")
    assert location.public_endpoint == "https://cdn.x"
    assert S3Location.parse("s3://b").addressing == "virtual"
    with pytest.raises(ValueError, match="s3://bucket"):
        S3Location.parse("s3://?endpoint=x")
