"""The plan a self-service signup starts on is `FRAMELANE_SIGNUP_PLAN` (default free)."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings, settings_with
from tests.identity.test_signup_and_keys import code_from_log, signup


def plan_after_signup(client: TestClient, caplog: pytest.LogCaptureFixture, email: str) -> str:
    caplog.set_level(logging.WARNING, logger="framelane.mail")
    key = signup(client, email)["api_key"]["key"]  # type: ignore[index]
    code = code_from_log(caplog, email)
    client.post("/v1/signup/verify", json={"email": email, "otp_code": code})
    workspace = client.get("/v1/workspace", headers={"Authorization": f"Bearer {key}"})
    return str(workspace.json()["plan"])


def test_a_signup_starts_on_the_free_plan_by_default(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    assert Settings.model_fields["signup_plan"].default == "free"
    assert plan_after_signup(client, caplog, "free@example.test") == "free"


def test_the_operator_chooses_the_signup_plan(
    settings: Settings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAMELANE_SIGNUP_PLAN", "pro")
    from_env = settings_with(**settings.model_dump(exclude={"signup_plan", "plans"}))
    assert from_env.signup_plan == "pro"
    with TestClient(create_app(from_env, composition.features())) as client:
        assert plan_after_signup(client, caplog, "pro@example.test") == "pro"


def test_an_unknown_signup_plan_is_refused_at_startup(settings: Settings) -> None:
    with pytest.raises(ValueError, match="FRAMELANE_SIGNUP_PLAN 'gold' is not a plan"):
        settings_with(**{**settings.model_dump(exclude={"plans"}), "signup_plan": "gold"})
