"""The customer-facing signature functions, and the standard-library snippet in the docs."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from framelane.webhooks import sign, verify
from framelane.webhooks.signing import new_secret, parse_header

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
BODY = b'{"id":"evt_1","type":"render.completed","data":{"id":"render_1"},"metadata":{}}'
SECRET = "whsec_test_0123456789"


def docs_snippet() -> Callable[..., bool]:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(), flags=re.DOTALL)
    (snippet,) = [block for block in blocks if "def verify_framelane" in block]
    assert "framelane" not in snippet.replace("verify_framelane", "")  # stdlib only
    namespace: dict[str, Any] = {}
    exec(compile(snippet, str(DOCS), "exec"), namespace)
    function: Callable[..., bool] = namespace["verify_framelane"]
    return function


Verifier = Callable[[bytes, str, str], bool]


def package_verify(body: bytes, header: str, secret: str) -> bool:
    return verify(body, header, secret)


def snippet_verify(body: bytes, header: str, secret: str) -> bool:
    return docs_snippet()(body, header, secret)


VERIFIERS: dict[str, Verifier] = {"package": package_verify, "docs_stdlib_snippet": snippet_verify}


@pytest.mark.parametrize("name", sorted(VERIFIERS))
class TestVerify:
    def test_accepts_a_fresh_signature(self, name: str) -> None:
        assert VERIFIERS[name](BODY, sign(BODY, SECRET), SECRET)

    def test_refuses_another_secret_body_or_timestamp(self, name: str) -> None:
        check = VERIFIERS[name]
        header = sign(BODY, SECRET)
        assert not check(BODY, header, new_secret())
        assert not check(BODY + b" ", header, SECRET)
        stamp, signature = header.split(",")
        moved = f"t={int(stamp[2:]) + 1},{signature}"
        assert not check(BODY, moved, SECRET)

    def test_refuses_old_and_future_timestamps(self, name: str) -> None:
        check = VERIFIERS[name]
        assert not check(BODY, sign(BODY, SECRET, int(time.time()) - 301), SECRET)
        assert not check(BODY, sign(BODY, SECRET, int(time.time()) + 301), SECRET)
        assert check(BODY, sign(BODY, SECRET, int(time.time()) - 250), SECRET)

    @pytest.mark.parametrize(
        "header",
        ["", "garbage", "t=abc,v1=00", "v1=deadbeef", f"t={int(time.time())}", "t=1,t=2,v1=00"],
    )
    def test_refuses_malformed_headers(self, name: str, header: str) -> None:
        assert not VERIFIERS[name](BODY, header, SECRET)

    def test_any_of_several_v1_values_may_match(self, name: str) -> None:
        header = sign(BODY, SECRET)
        stamp, signature = header.split(",")
        assert VERIFIERS[name](BODY, f"{stamp},v1={'0' * 64},{signature}", SECRET)


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    header = sign(BODY, SECRET, 1_764_000_000)
    expected = hmac.new(SECRET.encode(), b"1764000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1764000000,v1={expected}"
    assert parse_header(header) == (1_764_000_000, [expected])


def test_verify_takes_a_clock_and_a_tolerance() -> None:
    header = sign(BODY, SECRET, 1_000)
    assert verify(BODY, header, SECRET, now=1_200)
    assert not verify(BODY, header, SECRET, now=1_301)
    assert verify(BODY, header, SECRET, tolerance=400, now=1_301)


def test_secrets_are_prefixed_and_random() -> None:
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100
    assert all(s.startswith("whsec_") and len(s) >= 48 for s in secrets)
