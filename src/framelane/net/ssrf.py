"""The outbound-URL guard shared by source fetching, imports and webhook delivery.

`check_url(url, allow_private=...)` refuses what a server must never be tricked into calling:

* schemes other than `http`/`https`, URLs with user info (`http://good.com@10.0.0.1/`),
  backslashes, whitespace or control characters, ports outside 1–65535, IPv6 zone ids;
* IPv4 written in any non-canonical form (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`);
* hosts resolving (every A/AAAA record is checked, one bad record refuses the URL) to loopback,
  private (RFC 1918, unique-local), link-local (incl. cloud metadata 169.254.169.254),
  CGNAT 100.64/10, multicast, broadcast, reserved, unspecified, documentation/benchmark ranges,
  IPv4-mapped/-compatible IPv6, and 6to4 / Teredo / NAT64 addresses embedding such an IPv4.

`allow_private=True` (the operator's `FRAMELANE_ALLOW_PRIVATE_URLS`, for local development)
admits loopback, private, link-local, CGNAT and unique-local targets; unspecified, multicast,
broadcast and reserved addresses stay refused.

`safe_request` / `safe_stream` then connect to the *checked* IP (the URL is rewritten to the
address, the original host goes in `Host` and in TLS SNI/certificate checks), so a second DNS
answer cannot rebind the request to an internal address; redirects are only followed on request,
and every hop is checked again. The clients ignore proxy environment variables.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from framelane.core.errors import FramelaneError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
DEFAULT_TIMEOUT = 10.0

PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "100.64.0.0/10",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
    )
)
ALWAYS_REFUSED_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "::/128",
        "ff00::/8",
    )
)
NAT64_NETWORK = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)
_CANONICAL_OCTET = re.compile(r"^(0|[1-9][0-9]{0,2})$")
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
ALLOW_PRIVATE_SETTING = "FRAMELANE_ALLOW_PRIVATE_URLS"
PRIVATE_HINT = f"set {ALLOW_PRIVATE_SETTING}=true to allow private targets (local development)"


class UrlNotAllowed(FramelaneError):
    """Raised when an outbound URL is malformed or targets an address the server may not call."""

    code = "url_not_allowed"
    status_code = 422


class UrlUnresolvable(UrlNotAllowed):
    """Raised when an outbound URL's host has no DNS answer."""

    code = "url_unresolvable"


class TooManyRedirects(FramelaneError):
    """Raised when an outbound request redirects more often than allowed."""

    code = "too_many_redirects"
    status_code = 422


@dataclass(frozen=True, slots=True)
class ResolvedTarget:
    """A checked URL and every address its host resolved to (all of them allowed)."""

    url: str
    scheme: str
    host: str  # lower-case ASCII (IDNA) host name or IP literal, no brackets
    port: int
    addresses: tuple[IPAddress, ...]

    @property
    def address(self) -> IPAddress:
        return self.addresses[0]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    def pinned_url(self, address: IPAddress | None = None) -> str:
        """The same URL with the host replaced by `address` (default: the first one)."""
        chosen = address or self.address
        return str(httpx.URL(self.url).copy_with(host=str(chosen), port=self.port))


def refuse(url: str, reason: str) -> UrlNotAllowed:
    return UrlNotAllowed(
        f"The URL {url!r} is not allowed: {reason}.", details={"url": url, "reason": reason}
    )


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in a mapped, compatible, 6to4, Teredo or NAT64 IPv6 address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64_NETWORK or (int(address) >> 32 == 0 and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_problem(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why `address` may not be called, or None when it may."""
    if any(address in network for network in ALWAYS_REFUSED_NETWORKS):
        return f"{address} is an unspecified, multicast, broadcast or reserved address"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None or (int(address) >> 32 == 0 and int(address) > 1):
            return f"{address} is an IPv4-mapped or IPv4-compatible IPv6 address"
        inner = embedded_ipv4(address)
        if inner is not None:
            problem = address_problem(inner, allow_private=allow_private)
            if problem is not None:
                return f"{address} embeds {inner}, and {problem}"
    if allow_private:
        return None
    if any(address in network for network in PRIVATE_NETWORKS):
        return f"{address} is a private, loopback, link-local or CGNAT address; {PRIVATE_HINT}"
    if address.is_multicast or address.is_reserved or not address.is_global:
        return f"{address} is not a public address; {PRIVATE_HINT}"
    return None


def _looks_numeric_ipv4(host: str) -> bool:
    labels = host.split(".")
    return bool(_NUMERIC_LABEL.match(labels[-1])) if labels and labels[-1] else False


def _is_canonical_ipv4(host: str) -> bool:
    parts = host.split(".")
    return len(parts) == 4 and all(
        _CANONICAL_OCTET.match(part) and int(part) <= 255 for part in parts
    )


def parse_target(url: str, *, allow_private: bool = False) -> tuple[httpx.URL, str, int]:
    """Syntactic checks; returns (parsed URL, normalised host, port)."""
    if not isinstance(url, str) or not url or _FORBIDDEN_CHARS.search(url):
        raise refuse(str(url), "it is empty or contains whitespace, control characters or '\\'")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise refuse(url, f"it cannot be parsed ({exc})") from exc
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise refuse(url, "only http and https URLs can be fetched")
    if parsed.userinfo:
        raise refuse(url, "user names and passwords in URLs are not accepted")
    host = parsed.raw_host.decode("ascii").lower().rstrip(".")
    if not host:
        raise refuse(url, "the URL has no host")
    if "%" in host:
        raise refuse(url, "IPv6 zone identifiers are not accepted")
    port = DEFAULT_PORTS[parsed.scheme] if parsed.port is None else parsed.port
    if not 1 <= port <= 65535:
        raise refuse(url, f"port {port} is out of range")
    if ":" not in host and _looks_numeric_ipv4(host) and not _is_canonical_ipv4(host):
        raise refuse(url, "IPv4 addresses must be written as four decimal numbers (a.b.c.d)")
    if not allow_private and (host == "localhost" or host.endswith(".localhost")):
        raise refuse(url, f"localhost is a loopback name; {PRIVATE_HINT}")
    return parsed, host, port


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def resolve(url: str, host: str, port: int, resolver: Resolver) -> tuple[IPAddress, ...]:
    try:
        return (ipaddress.ip_address(host),)
    except ValueError:
        pass
    try:
        answers = resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise UrlUnresolvable(
            f"The host of {url!r} could not be resolved.", details={"url": url, "reason": str(exc)}
        ) from exc
    addresses = tuple(ipaddress.ip_address(answer.split("%", 1)[0]) for answer in answers)
    if not addresses:
        raise UrlUnresolvable(
            f"The host of {url!r} could not be resolved.",
            details={"url": url, "reason": "no addresses"},
        )
    return addresses


def check_url(url: str, *, allow_private: bool, resolver: Resolver | None = None) -> ResolvedTarget:
    """Validate `url` and resolve its host; raise `UrlNotAllowed` (422 `url_not_allowed`)."""
    parsed, host, port = parse_target(url, allow_private=allow_private)
    addresses = resolve(url, host, port, resolver or system_resolver)
    for address in addresses:
        problem = address_problem(address, allow_private=allow_private)
        if problem is not None:
            raise refuse(url, problem)
    return ResolvedTarget(
        url=str(parsed), scheme=parsed.scheme, host=host, port=port, addresses=addresses
    )


Guard = Callable[[str], ResolvedTarget]


def safe_client(*, timeout: float = DEFAULT_TIMEOUT, **kwargs: Any) -> httpx.Client:
    """An httpx client for outbound calls: no automatic redirects, no proxies from the env."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False, **kwargs
    )


@dataclass(frozen=True, slots=True)
class SafeResponse:
    """A finished outbound call: status, headers and at most `max_body_bytes` of the body."""

    status_code: int
    headers: httpx.Headers
    body: bytes
    truncated: bool
    url: str  # the logical URL of the last hop (not the pinned IP)
    redirects: tuple[str, ...] = field(default=())

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300


def _pinned_request(
    client: httpx.Client,
    method: str,
    target: ResolvedTarget,
    address: IPAddress,
    headers: dict[str, str],
    content: bytes | None,
    timeout: float,
) -> httpx.Request:
    extensions: dict[str, Any] = {}
    if target.scheme == "https" and not _is_ip_literal(target.host):
        extensions["sni_hostname"] = target.host
    request = client.build_request(
        method,
        target.pinned_url(address),
        headers=headers,
        content=content,
        timeout=timeout,
        extensions=extensions,
    )
    request.headers["Host"] = target.host_header
    return request


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def send_pinned(
    client: httpx.Client,
    method: str,
    target: ResolvedTarget,
    *,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> httpx.Response:
    """Send to the checked addresses in turn (first that connects); the response streams."""
    last_error: httpx.ConnectError | None = None
    for address in target.addresses:
        request = _pinned_request(
            client, method, target, address, dict(headers or {}), content, timeout
        )
        try:
            return client.send(request, stream=True, follow_redirects=False)
        except httpx.ConnectError as exc:
            last_error = exc
    assert last_error is not None
    raise last_error


def _redirected(method: str, status: int, content: bytes | None) -> tuple[str, bytes | None]:
    if status == 303 or (status in {301, 302} and method == "POST"):
        return ("HEAD" if method == "HEAD" else "GET"), None
    return method, content


def _same_origin(first: str, second: str) -> bool:
    a, b = httpx.URL(first), httpx.URL(second)
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


@contextmanager
def safe_stream(
    method: str,
    url: str,
    *,
    allow_private: bool,
    client: httpx.Client | None = None,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
    follow_redirects: bool = False,
    max_redirects: int = 5,
    timeout: float = DEFAULT_TIMEOUT,
    guard: Guard | None = None,
) -> Iterator[httpx.Response]:
    """Open a checked, IP-pinned request and yield the streaming response.

    With `follow_redirects`, each `Location` is checked by the guard before it is requested;
    credentials are dropped when a redirect leaves the origin. `response.extensions
    ["framelane_url"]` is the logical URL of the last hop.
    """
    check: Guard = guard or (lambda value: check_url(value, allow_private=allow_private))
    owned = client is None
    http = client or safe_client(timeout=timeout)
    current, hops, send_headers = url, [url], dict(headers or {})
    try:
        for _ in range(max_redirects + 1):
            response = send_pinned(
                http, method, check(current), headers=send_headers, content=content, timeout=timeout
            )
            location = response.headers.get("location")
            if not (follow_redirects and response.status_code in REDIRECT_CODES and location):
                response.extensions["framelane_url"] = current
                response.extensions["framelane_redirects"] = tuple(hops[1:])
                try:
                    yield response
                finally:
                    response.close()
                return
            response.close()
            following = str(httpx.URL(current).join(location))
            if not _same_origin(current, following):
                send_headers = {
                    k: v
                    for k, v in send_headers.items()
                    if k.lower() not in {"authorization", "cookie"}
                }
            method, content = _redirected(method, response.status_code, content)
            current = following
            hops.append(current)
        raise TooManyRedirects(
            f"{url!r} redirected more than {max_redirects} times.",
            details={"url": url, "redirects": hops},
        )
    finally:
        if owned:
            http.close()


def read_limited(
    response: httpx.Response, max_bytes: int, deadline: float | None = None
) -> tuple[bytes, bool]:
    """At most `max_bytes` of the raw body, stopping at `deadline` (monotonic); (body, cut)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_raw():
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes or (deadline is not None and time.monotonic() > deadline):
            return b"".join(chunks)[:max_bytes], True
    return b"".join(chunks), False


def safe_request(
    method: str,
    url: str,
    *,
    allow_private: bool,
    client: httpx.Client | None = None,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
    follow_redirects: bool = False,
    max_redirects: int = 5,
    timeout: float = DEFAULT_TIMEOUT,
    max_body_bytes: int = 64 * 1024,
    guard: Guard | None = None,
) -> SafeResponse:
    """A checked, IP-pinned request whose body is read up to `max_body_bytes` within `timeout`.

    Raises `UrlNotAllowed` for a refused URL or redirect hop, `TooManyRedirects`, and httpx's
    `TransportError`s (connect failure, timeout, connection closed) unchanged.
    """
    deadline = time.monotonic() + timeout
    send_headers = {"Accept-Encoding": "identity", **(headers or {})}
    with safe_stream(
        method,
        url,
        allow_private=allow_private,
        client=client,
        headers=send_headers,
        content=content,
        follow_redirects=follow_redirects,
        max_redirects=max_redirects,
        timeout=timeout,
        guard=guard,
    ) as response:
        body, truncated = read_limited(response, max_body_bytes, deadline)
        return SafeResponse(
            status_code=response.status_code,
            headers=response.headers,
            body=body,
            truncated=truncated,
            url=str(response.extensions["framelane_url"]),
            redirects=tuple(response.extensions["framelane_redirects"]),
        )
