"""Outbound networking shared by every feature that calls customer-supplied URLs."""

from framelane.net.ssrf import (
    ResolvedTarget,
    SafeResponse,
    TooManyRedirects,
    UrlNotAllowed,
    UrlUnresolvable,
    check_url,
    safe_client,
    safe_request,
    safe_stream,
)

__all__ = [
    "ResolvedTarget",
    "SafeResponse",
    "TooManyRedirects",
    "UrlNotAllowed",
    "UrlUnresolvable",
    "check_url",
    "safe_client",
    "safe_request",
    "safe_stream",
]
