"""Callers of the design-token API: users with `tkc_` tokens, on a chosen plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.identity.models import Membership, User
from framelane.identity.service import USER_TOKEN_SCOPES, create_user_token

ALL_SCOPES = list(USER_TOKEN_SCOPES)


@dataclass(frozen=True)
class TokenUser:
    user_id: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_token_user(
    settings: Settings, email: str, *, plan: str = "PRO", scopes: list[str] | None = None
) -> TokenUser:
    """The user (created if new, on `plan`) and a fresh token with `scopes`."""
    with session_scope(settings.resolved_database_url) as session:
        user = session.query(User).filter_by(email=email).one_or_none()
        if user is None:
            user = User(id=new_id("usr"), email=email, email_verified=True)
            session.add(user)
        user.token_plan = plan
        session.flush()
        created = create_user_token(session, user.id, name="test", scopes=scopes or ALL_SCOPES)
        return TokenUser(user.id, email, created.plaintext)


def add_membership(settings: Settings, workspace_id: str, user_id: str, role: str) -> None:
    with session_scope(settings.resolved_database_url) as session:
        session.add(
            Membership(id=new_id("mbr"), workspace_id=workspace_id, user_id=user_id, role=role)
        )


@pytest.fixture
def owner(settings: Settings) -> TokenUser:
    return make_token_user(settings, "designer@acme.test")


@pytest.fixture
def token_user(settings: Settings) -> Callable[..., TokenUser]:
    def make(email: str, **kwargs: Any) -> TokenUser:
        return make_token_user(settings, email, **kwargs)

    return make


class Api:
    """Short helpers over the TestClient for one caller; each asserts the expected status."""

    def __init__(self, client: TestClient, caller: TokenUser) -> None:
        self.client = client
        self.headers = caller.headers

    def call(self, method: str, path: str, expected: int = 200, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = self.client.request(method, "/api/v1" + path, headers=headers, **kwargs)
        assert response.status_code == expected, response.text
        return response.json()

    def workspace(self, name: str = "Brand") -> str:
        return str(self.call("POST", "/workspaces", 201, json={"name": name})["id"])

    def tokenset(self, workspace_id: str, name: str = "Colors") -> dict[str, Any]:
        created = self.call(
            "POST", f"/workspaces/{workspace_id}/tokensets", 201, json={"name": name}
        )
        modes = self.call("GET", f"/tokensets/{created['id']}/modes")["modes"]
        return {"id": created["id"], "mode": modes[0]["id"]}

    def token(
        self, tokenset: dict[str, Any], body: dict[str, Any], mode: str | None = None
    ) -> dict[str, Any]:
        mode_id = mode or tokenset["mode"]
        result: dict[str, Any] = self.call(
            "POST", f"/tokensets/{tokenset['id']}/modes/{mode_id}/tokens", 201, json=body
        )
        return result


@pytest.fixture
def api(client: TestClient, owner: TokenUser) -> Api:
    return Api(client, owner)
