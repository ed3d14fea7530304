"""HMAC-signed, expiring URLs for the local backend (our API serves GET and PUT itself)."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import quote, urlencode

from framelane.storage.base import SignatureExpired, SignatureInvalid


def signature(secret: str, method: str, key: str, expires: int, content_type: str = "") -> str:
    message = f"{method.upper()}\n{key}\n{expires}\n{content_type}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_url(
    base_url: str,
    route: str,
    secret: str,
    method: str,
    key: str,
    ttl_seconds: int,
    content_type: str = "",
    extra: dict[str, str] | None = None,
) -> str:
    expires = int(time.time()) + ttl_seconds
    query = {
        "expires": str(expires),
        "sig": signature(secret, method, key, expires, content_type),
        **(extra or {}),
    }
    return f"{base_url.rstrip('/')}{route}/{quote(key)}?{urlencode(query)}"


def verify(
    secret: str,
    method: str,
    key: str,
    expires: str | None,
    sig: str | None,
    content_type: str = "",
    now: float | None = None,
) -> None:
    """Raise `signature_invalid` or `expired`; a tampered expiry fails the signature first."""
    if not expires or not sig or not expires.isdigit():
        raise SignatureInvalid("The URL is not signed.")
    expected = signature(secret, method, key, int(expires), content_type)
    if not hmac.compare_digest(expected, sig):
        raise SignatureInvalid("The URL signature is invalid.")
    if int(expires) < (now if now is not None else time.time()):
        raise SignatureExpired("The URL has expired.")
