"""Checking a webhook's `Framelane-Signature` in a receiver (the scheme of the server's
`framelane.webhooks.signing`: HMAC-SHA256 of `f"{t}." + raw body` with the `whsec_` secret)."""

from __future__ import annotations

import json
from typing import Any

from framelane.client.errors import FramelaneAPIError
from framelane.webhooks.signing import DEFAULT_TOLERANCE, SIGNATURE_HEADER, verify

__all__ = ["SIGNATURE_HEADER", "construct_event", "verify_signature"]


def verify_signature(
    payload: bytes, header: str, secret: str, tolerance: int = DEFAULT_TOLERANCE
) -> bool:
    """True when `header` signs the raw request body `payload` with `secret`, sent within
    `tolerance` seconds."""
    return verify(payload, header, secret, tolerance)


def construct_event(
    payload: bytes, header: str, secret: str, tolerance: int = DEFAULT_TOLERANCE
) -> dict[str, Any]:
    """The event of a verified delivery; `FramelaneAPIError("invalid_signature")` otherwise."""
    if not verify_signature(payload, header, secret, tolerance):
        raise FramelaneAPIError("invalid_signature", "the webhook signature does not match")
    event: dict[str, Any] = json.loads(payload)
    return event
