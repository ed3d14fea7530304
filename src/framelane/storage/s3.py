"""S3-compatible storage (AWS S3, MinIO, SeaweedFS, R2) with boto3; the same port as
`LocalStorage`. Presigned GET/PUT URLs are checked by the object store itself (SigV4).

Configured by one URL::

    s3://<bucket>?endpoint=http://127.0.0.1:8333&region=us-east-1
        &access_key=…&secret_key=…          (else the standard AWS credential chain)
        &public_endpoint=https://s3.example.com   (host used in presigned URLs, optional)
        &addressing=path|virtual            (default: path when an endpoint is given)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from framelane.storage.base import ObjectMissing, StorageError
from framelane.storage.keys import validate_key
from framelane.storage.local import SourceTooLarge

PART_BYTES = 8 * 1024 * 1024
"""Multipart part size for streamed uploads (S3's minimum is 5 MiB)."""
MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})


@dataclass(frozen=True, slots=True)
class S3Location:
    bucket: str
    endpoint: str | None
    region: str
    access_key: str | None
    secret_key: str | None
    public_endpoint: str | None
    addressing: str

    @classmethod
    def parse(cls, url: str) -> S3Location:
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise ValueError("an S3 storage URL looks like s3://bucket?endpoint=…&region=…")
        query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        endpoint = query.get("endpoint")
        return cls(
            bucket=parsed.netloc,
            endpoint=endpoint,
            region=query.get("region", "us-east-1"),
            access_key=query.get("access_key"),
            secret_key=query.get("secret_key"),
            public_endpoint=query.get("public_endpoint"),
            addressing=query.get("addressing", "path" if endpoint else "virtual"),
        )


def _client(location: S3Location, endpoint: str | None) -> Any:
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": location.addressing},
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
    )
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=location.region,
        aws_access_key_id=location.access_key,
        aws_secret_access_key=location.secret_key,
        config=config,
    )


def _is_missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in MISSING_CODES


class S3Storage:
    def __init__(self, location: S3Location) -> None:
        self.location = location
        self.bucket = location.bucket
        self.client = _client(location, location.endpoint)
        self.presigner = (
            _client(location, location.public_endpoint) if location.public_endpoint else self.client
        )

    @classmethod
    def from_url(cls, url: str) -> S3Storage:
        return cls(S3Location.parse(url))

    def _fail(self, action: str, key: str, error: Exception) -> StorageError:
        return StorageError(f"Object storage could not {action} {key!r}: {error}")

    def put_file(self, key: str, path: Path, content_type: str) -> int:
        try:
            self.client.upload_file(
                str(path), self.bucket, validate_key(key), ExtraArgs={"ContentType": content_type}
            )
        except (BotoCoreError, ClientError) as error:
            raise self._fail("store", key, error) from error
        return path.stat().st_size

    def put_stream(
        self, key: str, chunks: Iterable[bytes], content_type: str, max_bytes: int
    ) -> int:
        """Multipart upload, part by part: memory stays at one part; on any failure the upload
        is aborted, so the object never exists half-written."""
        key = validate_key(key)
        upload = _MultipartWriter(self.client, self.bucket, key, content_type)
        written = 0
        try:
            for chunk in chunks:
                written += len(chunk)
                if written > max_bytes:
                    raise SourceTooLarge(f"The upload exceeds {max_bytes} bytes.")
                upload.write(chunk)
            upload.finish()
        except BaseException:
            upload.abort()
            raise
        return written

    def download_to(self, key: str, path: Path) -> int:
        try:
            self.client.download_file(self.bucket, validate_key(key), str(path))
        except ClientError as error:
            if _is_missing(error):
                raise ObjectMissing("Object not found.") from error
            raise self._fail("read", key, error) from error
        except BotoCoreError as error:
            raise self._fail("read", key, error) from error
        return path.stat().st_size

    def iter_bytes(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=validate_key(key))["Body"]
        except ClientError as error:
            if _is_missing(error):
                raise ObjectMissing("Object not found.") from error
            raise self._fail("read", key, error) from error
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            head: dict[str, Any] = self.client.head_object(
                Bucket=self.bucket, Key=validate_key(key)
            )
        except ClientError as error:
            if _is_missing(error):
                return None
            raise self._fail("inspect", key, error) from error
        except BotoCoreError as error:
            raise self._fail("inspect", key, error) from error
        return head

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int | None:
        head = self._head(key)
        return int(head["ContentLength"]) if head is not None else None

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=validate_key(key))
        except (BotoCoreError, ClientError) as error:
            raise self._fail("delete", key, error) from error

    def _objects(self, prefix: str) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            yield from page.get("Contents", [])

    def delete_prefix(self, prefix: str) -> int:
        if not prefix.strip("/"):
            return 0
        keys = [item["Key"] for item in self._objects(prefix)]
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
        return len(keys)

    def keys_older_than(self, prefix: str, cutoff: datetime) -> Iterator[str]:
        for item in self._objects(prefix):
            if item["LastModified"] < cutoff:
                yield str(item["Key"])

    def presign_get(self, key: str, ttl_seconds: int, filename: str | None = None) -> str:
        params: dict[str, str] = {"Bucket": self.bucket, "Key": validate_key(key)}
        if filename:
            safe = "".join(c for c in filename if c.isalnum() or c in "._-")[:120] or "download"
            params["ResponseContentDisposition"] = f'attachment; filename="{safe}"'
        url: str = self.presigner.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=ttl_seconds
        )
        return url

    def presign_put(self, key: str, content_type: str, ttl_seconds: int) -> str:
        """The Content-Type is a signed header: a PUT with another type is refused (403)."""
        url: str = self.presigner.generate_presigned_url(
            "put_object",
            ExpiresIn=ttl_seconds,
            Params={"Bucket": self.bucket, "Key": validate_key(key), "ContentType": content_type},
        )
        return url

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"Bucket {self.bucket!r} is not reachable: {error}") from error


class _MultipartWriter:
    """Buffers one part; a small object becomes a single PUT, a large one a multipart upload."""

    def __init__(self, client: Any, bucket: str, key: str, content_type: str) -> None:
        self.client, self.bucket, self.key, self.content_type = client, bucket, key, content_type
        self.buffer = bytearray()
        self.upload_id: str | None = None
        self.parts: list[dict[str, Any]] = []

    def write(self, chunk: bytes) -> None:
        self.buffer += chunk
        while len(self.buffer) >= PART_BYTES:
            self._send_part(bytes(self.buffer[:PART_BYTES]))
            del self.buffer[:PART_BYTES]

    def _send_part(self, data: bytes) -> None:
        if self.upload_id is None:
            self.upload_id = self.client.create_multipart_upload(
                Bucket=self.bucket, Key=self.key, ContentType=self.content_type
            )["UploadId"]
        number = len(self.parts) + 1
        etag = self.client.upload_part(
            Bucket=self.bucket, Key=self.key, PartNumber=number, UploadId=self.upload_id, Body=data
        )["ETag"]
        self.parts.append({"PartNumber": number, "ETag": etag})

    def finish(self) -> None:
        if self.upload_id is None:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.key,
                Body=bytes(self.buffer),
                ContentType=self.content_type,
            )
            return
        if self.buffer:
            self._send_part(bytes(self.buffer))
            self.buffer.clear()
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            MultipartUpload={"Parts": self.parts},
        )

    def abort(self) -> None:
        if self.upload_id is not None:
            try:
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=self.key, UploadId=self.upload_id
                )
            except (BotoCoreError, ClientError):
                return
