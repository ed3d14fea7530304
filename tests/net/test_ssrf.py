"""The outbound-URL guard: a table of refused targets, the private-URL switch, and live
requests against a real server on 127.0.0.1 (IP pinning, redirect hops, body limits)."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import pytest

from framelane.net.ssrf import (
    Guard,
    ResolvedTarget,
    Resolver,
    TooManyRedirects,
    UrlNotAllowed,
    UrlUnresolvable,
    check_url,
    safe_request,
)
from tests.net.http_server import Received, Reply, live_server

DNS = {
    "public.example": ["93.184.216.34"],
    "v6.example": ["2606:2800:220:1:248:1893:25c8:1946"],
    "internal.example": ["10.1.2.3"],
    "mixed.example": ["93.184.216.34", "127.0.0.1"],
    "metadata.example": ["169.254.169.254"],
    "app.test": ["127.0.0.1"],
}


def fake_dns(host: str, port: int) -> Sequence[str]:
    if host not in DNS:
        raise OSError(f"no such host {host}")
    return DNS[host]


REFUSED = [
    ("ftp://public.example/file", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("gopher://public.example/", "scheme"),
    ("http://user:pw@public.example/", "userinfo"),
    ("http://public.example@127.0.0.1/", "userinfo trick"),
    ("http://public.example\\@127.0.0.1/", "backslash trick"),
    ("http://127.0.0.1/", "loopback"),
    ("http://127.8.9.10:8080/", "loopback /8"),
    ("http://localhost:8000/", "localhost name"),
    ("http://api.localhost/", "localhost subdomain"),
    ("http://10.0.0.5/", "RFC 1918 10/8"),
    ("http://172.16.3.4/", "RFC 1918 172.16/12"),
    ("http://192.168.1.1/", "RFC 1918 192.168/16"),
    ("http://169.254.169.254/latest/meta-data/", "link-local metadata"),
    ("http://100.64.0.1/", "CGNAT"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://224.0.0.1/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://255.255.255.255/", "broadcast"),
    ("http://[::1]/", "IPv6 loopback"),
    ("http://[::]/", "IPv6 unspecified"),
    ("http://[fd00::1]/", "IPv6 unique-local"),
    ("http://[fe80::1]/", "IPv6 link-local"),
    ("http://[ff02::1]/", "IPv6 multicast"),
    ("http://[::ffff:127.0.0.1]/", "IPv4-mapped loopback"),
    ("http://[::ffff:8.8.8.8]/", "IPv4-mapped (always refused)"),
    ("http://[::127.0.0.1]/", "IPv4-compatible"),
    ("http://[2002:7f00:1::]/", "6to4 embedding 127.0.0.1"),
    ("http://[2002:a00:1::]/", "6to4 embedding 10.0.0.1"),
    ("http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", "Teredo embedding 10.0.0.1"),
    ("http://[64:ff9b::a00:1]/", "NAT64 embedding 10.0.0.1"),
    ("http://[fe80::1%25eth0]/", "zone id"),
    ("http://2130706433/", "decimal IPv4"),
    ("http://0x7f000001/", "hex IPv4"),
    ("http://0177.0.0.1/", "octal IPv4"),
    ("http://0x7f.0.0.1/", "hex octet"),
    ("http://127.1/", "short IPv4"),
    ("http://010.010.010.010/", "leading-zero octets"),
    ("http://internal.example/", "name resolving to 10/8"),
    ("http://metadata.example/", "name resolving to link-local"),
    ("http://mixed.example/", "one private record among public ones"),
    ("http://public.example:0/", "port 0"),
    ("http://public.example:70000/", "port out of range"),
    ("http://pub lic.example/", "whitespace"),
    ("http:///nohost", "no host"),
    ("", "empty"),
]


@pytest.mark.parametrize(("url", "why"), REFUSED, ids=[why for _, why in REFUSED])
def test_refused_targets(url: str, why: str) -> None:
    with pytest.raises(UrlNotAllowed) as caught:
        check_url(url, allow_private=False, resolver=fake_dns)
    assert caught.value.code in {"url_not_allowed", "url_unresolvable"}
    assert caught.value.status_code == 422


def test_the_table_is_large_enough() -> None:
    assert len(REFUSED) >= 20


@pytest.mark.parametrize(
    "url",
    [
        "https://public.example/hook",
        "http://public.example:8080/a?b=c",
        "https://v6.example/",
        "http://93.184.216.34/",
        "http://[2606:4700::1111]/",
        "https://[2002:808:808::]/",  # 6to4 embedding a public address
    ],
)
def test_public_targets_pass(url: str) -> None:
    target = check_url(url, allow_private=False, resolver=fake_dns)
    assert all(address.is_global for address in target.addresses)


ALLOWED_WITH_SETTING = [
    "http://127.0.0.1:8000/",
    "http://localhost:9000/",
    "http://10.0.0.5/",
    "http://192.168.1.1/",
    "http://[::1]:8080/",
    "http://internal.example/",
    "http://100.64.0.1/",
    "http://[fd00::1]/",
]


@pytest.mark.parametrize("url", ALLOWED_WITH_SETTING)
def test_private_targets_pass_when_the_operator_allows_them(url: str) -> None:
    with pytest.raises(UrlNotAllowed):
        check_url(url, allow_private=False, resolver=fake_dns)
    resolver = (lambda host, port: ["127.0.0.1"]) if "localhost" in url else fake_dns
    assert isinstance(check_url(url, allow_private=True, resolver=resolver), ResolvedTarget)


@pytest.mark.parametrize(
    "url",
    [
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
        "ftp://127.0.0.1/",
        "http://u@127.0.0.1/",
    ],
)
def test_some_targets_stay_refused_even_when_private_urls_are_allowed(url: str) -> None:
    with pytest.raises(UrlNotAllowed):
        check_url(url, allow_private=True, resolver=fake_dns)


def test_unresolvable_host_has_its_own_code() -> None:
    with pytest.raises(UrlUnresolvable) as caught:
        check_url("https://nowhere.example/", allow_private=False, resolver=fake_dns)
    assert caught.value.code == "url_unresolvable"


def test_the_error_envelope_names_the_reason() -> None:
    with pytest.raises(UrlNotAllowed) as caught:
        check_url("http://169.254.169.254/", allow_private=False)
    assert caught.value.to_dict()["code"] == "url_not_allowed"
    assert "169.254.169.254" in caught.value.details["reason"]


def test_the_connection_is_pinned_to_the_checked_address() -> None:
    calls: list[str] = []

    def rebinding_dns(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return ["127.0.0.1"]

    with live_server() as server:
        guard = _guard_allowing_port(server.port, rebinding_dns)
        response = safe_request(
            "GET", f"http://app.test:{server.port}/pinned", allow_private=False, guard=guard
        )
    assert response.status_code == 200
    assert calls == ["app.test"]  # resolved once; httpx never resolved the name again
    assert server.received[0].headers["host"] == f"app.test:{server.port}"
    assert response.url == f"http://app.test:{server.port}/pinned"


def _guard_allowing_port(port: int, resolver: Resolver | None = None) -> Guard:
    """The production guard, except that loopback on the test server's port counts as public."""

    def guard(url: str) -> ResolvedTarget:
        parsed = httpx.URL(url)
        if parsed.port == port:
            return check_url(url, allow_private=True, resolver=resolver)
        return check_url(url, allow_private=False, resolver=fake_dns)

    return guard


def test_every_redirect_hop_is_checked() -> None:
    def script(received: Received) -> Reply:
        if received.path == "/start":
            return Reply(302, headers={"Location": "/next"})
        if received.path == "/next":
            return Reply(307, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
        return Reply(200, b"never")

    with live_server(script) as server:
        with pytest.raises(UrlNotAllowed) as caught:
            safe_request(
                "GET",
                server.url("/start"),
                allow_private=False,
                follow_redirects=True,
                guard=_guard_allowing_port(server.port),
            )
        assert [r.path for r in server.received] == ["/start", "/next"]
    assert "169.254.169.254" in caught.value.message


def test_redirects_are_not_followed_unless_asked() -> None:
    with live_server(lambda r: Reply(302, headers={"Location": "http://10.0.0.1/"})) as server:
        response = safe_request("POST", server.url("/hook"), allow_private=True, content=b"{}")
    assert response.status_code == 302
    assert len(server.received) == 1


def test_followed_redirects_change_post_to_get_and_stop_after_the_limit() -> None:
    def script(received: Received) -> Reply:
        if received.path == "/loop":
            return Reply(302, headers={"Location": "/loop"})
        if received.path == "/post":
            return Reply(303, headers={"Location": "/done"})
        return Reply(200, received.method.encode())

    with live_server(script) as server:
        done = safe_request(
            "POST", server.url("/post"), allow_private=True, content=b"x", follow_redirects=True
        )
        with pytest.raises(TooManyRedirects):
            safe_request(
                "GET",
                server.url("/loop"),
                allow_private=True,
                follow_redirects=True,
                max_redirects=3,
            )
    assert done.body == b"GET"
    assert done.redirects == (server.url("/done"),)


def test_a_huge_body_is_cut_at_the_limit() -> None:
    with live_server(lambda r: Reply(200, b"head", stream_bytes=500 * 1024 * 1024)) as server:
        response = safe_request("GET", server.url("/huge"), allow_private=True, max_body_bytes=1024)
        (sent,) = server.streamed()
    assert sent < 64 * 1024 * 1024  # the client hung up long before the 500 MB were out
    assert response.truncated
    assert len(response.body) == 1024
    assert response.body.startswith(b"head")


def test_a_slow_server_times_out() -> None:
    with (
        live_server(lambda r: Reply(200, delay=2.0)) as server,
        pytest.raises(httpx.TimeoutException),
    ):
        safe_request("GET", server.url("/slow"), allow_private=True, timeout=0.3)


def test_proxy_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.9.9.9:3128")
    with live_server() as server:
        response = safe_request("GET", server.url("/direct"), allow_private=True, timeout=2)
    assert response.status_code == 200
