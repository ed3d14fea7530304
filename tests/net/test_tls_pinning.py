"""HTTPS with the connection pinned to the checked IP: the certificate is still verified
against the URL's host name (SNI), never against the IP or not at all."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from framelane.net.ssrf import ResolvedTarget, check_url, safe_client, safe_request
from tests.net.http_server import live_server


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway CA and a server certificate for `app.test`, made with the openssl CLI."""
    folder = tmp_path_factory.mktemp("pki")
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Framelane Test CA",
        cwd=folder,
    )
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=app.test",
        cwd=folder,
    )
    (folder / "san.ext").write_text("subjectAltName=DNS:app.test\n")
    openssl(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        cwd=folder,
    )
    return folder


def server_context(pki: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki / "leaf.pem", pki / "leaf.key")
    return context


def to_loopback(host: str, port: int) -> Sequence[str]:
    return ["127.0.0.1"]


def guard(url: str) -> ResolvedTarget:
    return check_url(url, allow_private=True, resolver=to_loopback)


def test_https_to_a_pinned_ip_verifies_the_hosts_certificate(pki: Path) -> None:
    with (
        live_server(tls=server_context(pki)) as server,
        safe_client(verify=ssl.create_default_context(cafile=str(pki / "ca.pem"))) as client,
    ):
        response = safe_request(
            "GET",
            server.url("/secure", host="app.test"),
            allow_private=True,
            client=client,
            guard=guard,
        )
        assert response.status_code == 200
        assert server.received[0].headers["host"] == f"app.test:{server.port}"


def test_a_certificate_for_another_name_is_refused(pki: Path) -> None:
    with (
        live_server(tls=server_context(pki)) as server,
        safe_client(verify=ssl.create_default_context(cafile=str(pki / "ca.pem"))) as client,
        pytest.raises(httpx.ConnectError, match=r"certificate|hostname"),
    ):
        safe_request(
            "GET",
            server.url("/secure", host="other.test"),
            allow_private=True,
            client=client,
            guard=guard,
        )


def test_an_unknown_authority_is_refused(pki: Path) -> None:
    with (
        live_server(tls=server_context(pki)) as server,
        pytest.raises(httpx.ConnectError, match="certificate"),
    ):
        safe_request("GET", server.url("/secure", host="app.test"), allow_private=True, guard=guard)
