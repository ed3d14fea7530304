"""Console login by emailed code: HttpOnly session cookie, CSRF-checked writes, logout."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.identity import VerifiedWorkspace
from tests.identity.test_signup_and_keys import code_from_log


def login(client: TestClient, caplog: pytest.LogCaptureFixture, email: str) -> str:
    caplog.set_level(logging.WARNING, logger="framelane.mail")
    assert client.post("/v1/auth/login", json={"email": email}).status_code == 200
    response = client.post(
        "/v1/auth/verify", json={"email": email, "otp_code": code_from_log(caplog, email)}
    )
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"]
    assert "fl_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    return str(response.json()["csrf_token"])


class TestConsoleLogin:
    def test_session_reads_and_csrf_guards_writes(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        csrf = login(client, caplog, workspace.email)
        assert client.get("/v1/workspace").json()["id"] == workspace.id

        forged = client.patch("/v1/workspace", json={"name": "Evil"})
        assert forged.status_code == 403
        assert forged.json()["error"]["code"] == "csrf_failed"

        renamed = client.patch(
            "/v1/workspace", json={"name": "Renamed"}, headers={"X-CSRF-Token": csrf}
        )
        assert renamed.status_code == 200
        assert renamed.json()["name"] == "Renamed"

        assert client.post("/v1/auth/logout").status_code == 200
        assert client.get("/v1/workspace").status_code == 401

    def test_unknown_email_gets_the_same_answer_and_no_session(
        self, client: TestClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        response = client.post("/v1/auth/login", json={"email": "ghost@example.test"})
        assert response.status_code == 200
        bad = client.post(
            "/v1/auth/verify", json={"email": "ghost@example.test", "otp_code": "123456"}
        )
        assert bad.status_code == 400
        assert bad.json()["error"]["code"] == "invalid_code"
