"""Webhook signatures: `Framelane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`.

The HMAC key is the workspace secret string as UTF-8 (the whole `whsec_…` value) and the signed
message is `f"{t}.".encode() + raw_body`. This module uses only the standard library, so
customers can copy `verify` as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "Framelane-Signature"
SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE = 300


def new_secret() -> str:
    """A fresh workspace signing secret: `whsec_` + 32 random bytes, URL-safe base64."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def compute_signature(payload: bytes, secret: str, timestamp: int) -> str:
    """The hex `v1` value for `payload` sent at `timestamp`."""
    message = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Framelane-Signature` header value for `payload`."""
    at = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={at},v1={compute_signature(payload, secret, at)}"


def parse_header(header: str) -> tuple[int | None, list[str]]:
    """(t, every v1 value) of a signature header; t is None unless exactly one number."""
    timestamps: list[str] = []
    signatures: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            timestamps.append(value)
        elif key == "v1" and value:
            signatures.append(value)
    if len(timestamps) != 1 or not timestamps[0].isdigit():
        return None, signatures
    return int(timestamps[0]), signatures


def verify(
    payload: bytes,
    header: str,
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True when `header` signs `payload` with `secret` and `t` is within `tolerance` seconds.

    `payload` must be the raw request body, byte for byte (not re-serialised JSON).
    """
    if not header or not secret:
        return False
    timestamp, signatures = parse_header(header)
    if timestamp is None or not signatures:
        return False
    current = time.time() if now is None else now
    if tolerance is not None and abs(current - timestamp) > tolerance:
        return False
    expected = compute_signature(payload, secret, timestamp)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
