"""Where the client connects and with which key: arguments first, then the environment."""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

import httpx

from framelane.client.retry import RetryPolicy

API_URL_ENV = "FRAMELANE_API_URL"
API_KEY_ENV = "FRAMELANE_API_KEY"
DEFAULT_API_URL = "http://127.0.0.1:8000"
USER_AGENT = "framelane-python"
CHUNK = 1 << 16
# An import is polled at this pace until it is ready or failed.
IMPORT_POLL_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class ClientConfig:
    api_key: str | None
    base_url: str
    timeout: float
    retry: RetryPolicy

    @classmethod
    def resolve(
        cls, api_key: str | None, base_url: str | None, timeout: float, max_retries: int
    ) -> ClientConfig:
        return cls(
            api_key=api_key or os.environ.get(API_KEY_ENV) or None,
            base_url=(base_url or os.environ.get(API_URL_ENV) or DEFAULT_API_URL).rstrip("/"),
            timeout=timeout,
            retry=RetryPolicy(max_retries=max_retries),
        )

    def http_options(self) -> dict[str, object]:
        return {
            "base_url": self.base_url,
            "timeout": httpx.Timeout(self.timeout, connect=10.0),
            "headers": {"User-Agent": USER_AGENT},
        }


def content_type_of(path: Path, given: str | None) -> str:
    if given:
        return given
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed is None:
        raise ValueError(f"cannot tell the content type of {path.name}; pass content_type=")
    return guessed
