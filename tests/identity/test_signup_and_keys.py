"""Signup → code from the log → verify → keys → revoke: the newcomer's path, over HTTP."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.identity import VerifiedWorkspace


def code_from_log(caplog: pytest.LogCaptureFixture, email: str) -> str:
    for record in reversed(caplog.records):
        if record.name == "framelane.mail" and getattr(record, "email", None) == email:
            return str(record.otp_code)
    raise AssertionError(f"no code logged for {email}")


def signup(client: TestClient, email: str = "new@example.test") -> dict[str, object]:
    response = client.post("/v1/signup", json={"workspace_name": "New Co", "email": email})
    assert response.status_code == 201, response.text
    return dict(response.json())


class TestSignup:
    def test_key_is_inert_until_the_emailed_code_is_verified(
        self, client: TestClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.WARNING, logger="framelane.mail")
        body = signup(client)
        key = body["api_key"]["key"]  # type: ignore[index]
        assert key.startswith("fl_live_")
        headers = {"Authorization": f"Bearer {key}"}

        blocked = client.get("/v1/workspace", headers=headers)
        assert blocked.status_code == 403
        assert blocked.json()["error"]["code"] == "email_not_verified"

        code = code_from_log(caplog, "new@example.test")
        assert re.fullmatch(r"\d{6}", code)
        verified = client.post(
            "/v1/signup/verify", json={"email": "new@example.test", "otp_code": code}
        )
        assert verified.status_code == 200, verified.text

        workspace = client.get("/v1/workspace", headers=headers)
        assert workspace.status_code == 200
        assert workspace.json()["email_verified"] is True
        assert workspace.json()["plan"] == "free"

    def test_wrong_codes_fail_then_lock_after_five_attempts(
        self, client: TestClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.WARNING, logger="framelane.mail")
        signup(client, "lock@example.test")
        right = code_from_log(caplog, "lock@example.test")
        wrong = "000000" if right != "000000" else "111111"
        for _ in range(5):
            response = client.post(
                "/v1/signup/verify", json={"email": "lock@example.test", "otp_code": wrong}
            )
            assert response.status_code == 400
            assert response.json()["error"]["code"] == "invalid_code"
        locked = client.post(
            "/v1/signup/verify", json={"email": "lock@example.test", "otp_code": right}
        )
        assert locked.status_code == 429

    def test_resend_issues_a_new_code_that_works(
        self, client: TestClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.WARNING, logger="framelane.mail")
        signup(client, "again@example.test")
        first = code_from_log(caplog, "again@example.test")
        resent = client.post("/v1/signup/resend", json={"email": "again@example.test"})
        assert resent.status_code == 200
        second = code_from_log(caplog, "again@example.test")
        response = client.post(
            "/v1/signup/verify", json={"email": "again@example.test", "otp_code": second}
        )
        assert response.status_code == 200, (first, second, response.text)

    def test_malformed_signup_lists_every_violation(self, client: TestClient) -> None:
        response = client.post("/v1/signup", json={"workspace_name": "", "email": "nope"})
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        locs = {tuple(d["loc"]) for d in error["details"]}
        assert ("body", "workspace_name") in locs
        assert ("body", "email") in locs


class TestApiKeys:
    def test_create_list_use_and_revoke_a_second_key(
        self, client: TestClient, workspace: VerifiedWorkspace
    ) -> None:
        created = client.post("/v1/api-keys", json={"name": "ci"}, headers=workspace.headers)
        assert created.status_code == 201
        second = created.json()
        assert second["key"].startswith("fl_live_")
        assert second["key_prefix"] == second["key"][: len(second["key_prefix"])]
        headers = {"Authorization": f"Bearer {second['key']}"}
        assert client.get("/v1/workspace", headers=headers).json()["id"] == workspace.id

        listed = client.get("/v1/api-keys", headers=workspace.headers).json()
        assert {item["id"] for item in listed["data"]} == {workspace.key_id, second["id"]}
        assert all("key" not in item for item in listed["data"])

        revoked = client.delete(f"/v1/api-keys/{second['id']}", headers=workspace.headers)
        assert revoked.status_code == 204
        denied = client.get("/v1/workspace", headers=headers)
        assert denied.status_code == 401
        assert denied.json()["error"]["code"] == "unauthorized"
        listed = client.get("/v1/api-keys", headers=workspace.headers).json()
        assert any(item["revoked_at"] for item in listed["data"])

    def test_another_workspaces_key_is_not_found(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
        other_workspace: VerifiedWorkspace,
    ) -> None:
        response = client.delete(
            f"/v1/api-keys/{other_workspace.key_id}", headers=workspace.headers
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        still = client.get("/v1/workspace", headers=other_workspace.headers)
        assert still.status_code == 200

    @pytest.mark.parametrize(
        "header",
        [
            None,
            "Bearer",
            "Basic abc",
            "Bearer fl_live_unknown",
            "Bearer tkc_whatever",
            "Bearer garbage",
        ],
    )
    def test_bad_credentials_are_401_in_the_envelope(
        self, client: TestClient, header: str | None
    ) -> None:
        headers = {"Authorization": header} if header else {}
        response = client.get("/v1/workspace", headers=headers)
        assert response.status_code in {401, 403}
        assert response.json()["error"]["code"] in {"unauthorized", "forbidden"}
