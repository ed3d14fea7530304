"""The write policy: every role × scope × plan combination, and the order of the checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.identity.models import Membership, User
from framelane.identity.service import create_user_token
from framelane.tokens import service, token_service
from framelane.tokens.access import Caller
from framelane.tokens.schemas import TokenChanges
from tests.tokens.conftest import TokenUser, make_token_user

ROLES = ("owner", "admin", "editor", "viewer")
PLANS = ("FREE", "PRO", "TEAM")
SCOPE_SETS = {
    "read": ["read:tokens"],
    "write": ["write:tokens"],
    "read+write": ["read:tokens", "write:tokens"],
    "export": ["export:tokens"],
}
WRITE_SCOPE = {"error": "This operation requires the 'write:tokens' scope"}
READ_SCOPE = {"error": "This operation requires the 'read:tokens' scope"}
ROLE_DENIED = {
    "error": "Your workspace role does not allow API write operations on this TEAM workspace."
}
PLAN_DENIED = {
    "error": "API write access is not available for this workspace owner's current plan."
}


def expected_write(role: str, scopes: str, plan: str) -> tuple[int, dict[str, str] | None]:
    """Tokencraft §3, written out independently of the implementation."""
    if "write" not in scopes:
        return 403, WRITE_SCOPE
    if role != "owner" and plan != "TEAM":
        return 404, {"error": "Tokenset not found"}
    if plan == "TEAM" and role == "viewer":
        return 403, ROLE_DENIED
    if plan == "FREE":
        return 403, PLAN_DENIED
    return 200, None


def expected_read(role: str, scopes: str, plan: str) -> int:
    if "read" not in scopes:
        return 403
    return 200 if role == "owner" or plan == "TEAM" else 404


def user(session: Session, email: str, plan: str) -> User:
    found = User(id=new_id("usr"), email=email, email_verified=True, token_plan=plan)
    session.add(found)
    session.flush()
    return found


@pytest.fixture
def setup(settings: Settings) -> Callable[[str, str, str], dict[str, Any]]:
    """A workspace owned by a user on `plan`, with a tokenset and a token, and a caller with
    `role` (the owner themself for "owner") holding a token with `scopes`."""

    def build(role: str, scopes: str, plan: str) -> dict[str, Any]:
        with session_scope(settings.resolved_database_url) as session:
            owner = user(session, "owner@team.test", plan)
            caller = owner if role == "owner" else user(session, f"{role}@team.test", "PRO")
            access = service.create_workspace(session, Caller(owner, frozenset()), "Team", None)
            workspace_id = access.workspace.id
            if role != "owner":
                session.add(
                    Membership(
                        id=new_id("mbr"), workspace_id=workspace_id, user_id=caller.id, role=role
                    )
                )
            tokenset = service.create_tokenset(session, workspace_id, "Colors", None)
            mode = service.default_mode(session, tokenset.id)
            token = token_service.create_token(
                session, mode, TokenChanges("a", "number", 1, None, None)
            )
            key = create_user_token(session, caller.id, name="t", scopes=SCOPE_SETS[scopes])
            return {
                "caller": TokenUser(caller.id, caller.email, key.plaintext),
                "workspace": workspace_id,
                "tokenset": {"id": tokenset.id, "mode": mode.id},
                "token": {"id": token.id},
            }

    return build


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("scopes", ["read", "write", "read+write"])
@pytest.mark.parametrize("role", ROLES)
def test_write_policy(
    client: TestClient,
    setup: Callable[[str, str, str], dict[str, Any]],
    role: str,
    scopes: str,
    plan: str,
) -> None:
    data = setup(role, scopes, plan)
    caller: TokenUser = data["caller"]
    response = client.patch(
        f"/api/v1/tokensets/{data['tokenset']['id']}",
        json={"name": "Renamed"},
        headers=caller.headers,
    )
    status, body = expected_write(role, scopes, plan)
    assert response.status_code == status, response.text
    if body is not None:
        assert response.json() == body
    else:
        assert response.json()["name"] == "Renamed"


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("scopes", ["read", "write", "export"])
@pytest.mark.parametrize("role", ROLES)
def test_read_policy(
    client: TestClient,
    setup: Callable[[str, str, str], dict[str, Any]],
    role: str,
    scopes: str,
    plan: str,
) -> None:
    data = setup(role, scopes, plan)
    caller: TokenUser = data["caller"]
    status = expected_read(role, scopes, plan)
    response = client.get(
        f"/api/v1/workspaces/{data['workspace']}/tokensets", headers=caller.headers
    )
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json() == READ_SCOPE
    listed = client.get("/api/v1/workspaces", headers=caller.headers)
    if "read" in scopes:
        visible = [w["id"] for w in listed.json()["workspaces"]]
        assert (data["workspace"] in visible) == (status == 200)
        if status == 200:
            entry = next(w for w in listed.json()["workspaces"] if w["id"] == data["workspace"])
            assert entry["user_role"] == role and entry["is_owner"] == (role == "owner")
    export = client.get(
        f"/api/v1/tokensets/{data['tokenset']['id']}/export", headers=caller.headers
    )
    expected_export = (
        403 if scopes != "export" else (200 if role == "owner" or plan == "TEAM" else 404)
    )
    assert export.status_code == expected_export


WRITES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("PATCH", "/workspaces/{ws}", {"name": "x"}),
    ("DELETE", "/workspaces/{ws}", None),
    ("POST", "/workspaces/{ws}/tokensets", {"name": "New"}),
    ("DELETE", "/tokensets/{ts}", None),
    ("POST", "/tokensets/{ts}/modes", {"name": "Dark"}),
    ("PATCH", "/tokensets/{ts}/modes/{mode}", {"name": "Light"}),
    ("DELETE", "/tokensets/{ts}/modes/{mode}", None),
    ("POST", "/tokensets/{ts}/modes/{mode}/tokens", {"name": "b", "type": "number", "value": 2}),
    ("PATCH", "/tokensets/{ts}/modes/{mode}/tokens/{tok}", {"value": 3}),
    ("DELETE", "/tokensets/{ts}/modes/{mode}/tokens/{tok}", None),
]


@pytest.mark.parametrize(("method", "template", "body"), WRITES)
@pytest.mark.parametrize(
    ("role", "plan", "denial"), [("viewer", "TEAM", ROLE_DENIED), ("owner", "FREE", PLAN_DENIED)]
)
def test_every_write_endpoint_applies_the_policy(
    client: TestClient,
    setup: Callable[[str, str, str], dict[str, Any]],
    method: str,
    template: str,
    body: dict[str, Any] | None,
    role: str,
    plan: str,
    denial: dict[str, str],
) -> None:
    data = setup(role, "read+write", plan)
    url = "/api/v1" + template.format(
        ws=data["workspace"],
        ts=data["tokenset"]["id"],
        mode=data["tokenset"]["mode"],
        tok=data["token"]["id"],
    )
    response = client.request(method, url, json=body, headers=data["caller"].headers)
    assert (response.status_code, response.json()) == (403, denial)


def test_checks_come_before_body_validation(
    client: TestClient, setup: Callable[[str, str, str], dict[str, Any]], settings: Settings
) -> None:
    data = setup("viewer", "read", "TEAM")
    url = f"/api/v1/tokensets/{data['tokenset']['id']}"
    bad = {"name": ""}
    assert client.patch(url, json=bad, headers=data["caller"].headers).json() == WRITE_SCOPE
    stranger = make_token_user(settings, "stranger@else.test")
    assert client.patch(url, json=bad, headers=stranger.headers).status_code == 404
    viewer = make_token_user(settings, "viewer@team.test", scopes=["write:tokens"])
    assert client.patch(url, json=bad, headers=viewer.headers).json() == ROLE_DENIED
