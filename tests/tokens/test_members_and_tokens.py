"""Members (beyond Tokencraft), minting `tkc_` tokens over /v1 and the CLI, the cascading
workspace delete, and the per-token rate limit."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from framelane import composition
from framelane.api.app import create_app
from framelane.cli import main
from framelane.core.settings import RateLimits, Settings
from framelane.db.session import session_scope
from framelane.identity.models import ApiKey, Membership, User, Workspace
from framelane.storage.factory import storage_for
from framelane.storage.keys import artifact_key
from framelane.tokens.models import Mode, Token, Tokenset
from framelane.usage.models import UsageRecord
from framelane.usage.repository import UsageRepository
from tests.fixtures.identity import VerifiedWorkspace
from tests.identity.test_console_login import login
from tests.tokens.conftest import Api, TokenUser, make_token_user


class TestMembers:
    def test_owner_forms_a_team(
        self, client: TestClient, settings: Settings, api: Api, token_user: Callable[..., TokenUser]
    ) -> None:
        make_token_user(settings, "designer@acme.test", plan="TEAM")
        workspace_id = api.workspace("Team")
        members = f"/workspaces/{workspace_id}/members"
        listed = api.call("GET", members)
        assert listed["total"] == 1 and listed["members"][0]["role"] == "owner"
        added = api.call("POST", members, 201, json={"email": "Ed@Acme.test", "role": "editor"})
        assert added["email"] == "ed@acme.test" and added["role"] == "editor"
        editor = Api(client, token_user("ed@acme.test"))
        assert editor.call("GET", f"/workspaces/{workspace_id}")["user_role"] == "editor"
        editor.tokenset(workspace_id, "Editor's set")
        assert editor.call("GET", members, 403) == {
            "error": "Only the workspace owner or an admin can manage members."
        }
        api.call("PATCH", f"{members}/{added['user_id']}", json={"role": "viewer"})
        assert editor.call(
            "POST", f"/workspaces/{workspace_id}/tokensets", 403, json={"name": "x"}
        )["error"].startswith("Your workspace role")
        api.call("PATCH", f"{members}/{added['user_id']}", json={"role": "admin"})
        assert editor.call("GET", members)["total"] == 2
        assert api.call("DELETE", f"{members}/{added['user_id']}") == {
            "message": "Member removed successfully"
        }
        assert editor.call("GET", f"/workspaces/{workspace_id}", 404) == {
            "error": "Workspace not found"
        }

    def test_member_rules(self, api: Api) -> None:
        workspace_id = api.workspace()
        members = f"/workspaces/{workspace_id}/members"
        assert api.call("POST", members, 400, json={"email": "x@y.test", "role": "owner"}) == {
            "error": "Role must be one of: admin, editor, viewer"
        }
        assert api.call("POST", members, 400, json={"role": "viewer"})["error"].startswith(
            "Email is required"
        )
        api.call("POST", members, 201, json={"email": "x@y.test", "role": "viewer"})
        assert (
            api.call("POST", members, 400, json={"email": "x@y.test", "role": "admin"})["error"]
            == "x@y.test is already a member of this workspace"
        )
        owner_id = api.call("GET", members)["members"][0]["user_id"]
        assert api.call("DELETE", f"{members}/{owner_id}", 400) == {
            "error": "The workspace owner's membership cannot be changed"
        }
        assert api.call("DELETE", f"{members}/usr_nope", 404) == {"error": "Member not found"}

    def test_members_of_non_team_workspaces_do_not_see_it(
        self, client: TestClient, api: Api, token_user: Callable[..., TokenUser]
    ) -> None:
        workspace_id = api.workspace()
        api.call(
            "POST",
            f"/workspaces/{workspace_id}/members",
            201,
            json={"email": "admin@acme.test", "role": "admin"},
        )
        admin = Api(client, token_user("admin@acme.test"))
        assert admin.call("GET", "/workspaces")["total"] == 0
        assert admin.call("GET", f"/workspaces/{workspace_id}/members", 404) == {
            "error": "Workspace not found"
        }


class TestUserTokens:
    def test_mint_list_use_revoke_with_a_workspace_key(
        self, client: TestClient, workspace: VerifiedWorkspace
    ) -> None:
        created = client.post(
            "/v1/user-tokens",
            headers=workspace.headers,
            json={"name": "CI", "scopes": ["read:tokens", "export:tokens"]},
        )
        assert created.status_code == 201, created.text
        body = created.json()
        token = body["token"]
        assert token.startswith("tkc_") and body["key_prefix"] == token[:12]
        assert body["scopes"] == ["export:tokens", "read:tokens"]
        listed = client.get("/v1/user-tokens", headers=workspace.headers).json()["data"]
        assert [t["key_prefix"] for t in listed] == [token[:12]]
        assert "token" not in listed[0]
        seen = client.get("/api/v1/workspaces", headers={"Authorization": f"Bearer {token}"})
        assert [w["id"] for w in seen.json()["workspaces"]] == [workspace.id]
        refused = client.post(
            "/api/v1/workspaces", json={"name": "x"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert refused.json() == {"error": "This operation requires the 'write:tokens' scope"}
        minting = client.post(
            "/v1/user-tokens",
            json={"name": "x", "scopes": ["read:tokens"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert minting.status_code == 403
        assert minting.json()["error"]["code"] == "user_token_not_allowed"
        revoked = client.delete(f"/v1/user-tokens/{body['id']}", headers=workspace.headers)
        assert revoked.status_code == 204
        after = client.get("/api/v1/workspaces", headers={"Authorization": f"Bearer {token}"})
        assert (after.status_code, after.json()) == (401, {"error": "Invalid API token"})
        assert (
            client.get("/v1/user-tokens", headers=workspace.headers).json()["data"][0]["revoked_at"]
            is not None
        )
        assert (
            client.delete("/v1/user-tokens/key_nope", headers=workspace.headers).status_code == 404
        )

    def test_console_session_and_bad_scopes(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        assert (
            client.post(
                "/v1/user-tokens", json={"name": "x", "scopes": ["read:tokens"]}
            ).status_code
            == 401
        )
        csrf = login(client, caplog, workspace.email)
        bad = client.post(
            "/v1/user-tokens",
            headers={"X-CSRF-Token": csrf},
            json={"name": "x", "scopes": ["admin:everything"]},
        )
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_request"
        good = client.post(
            "/v1/user-tokens",
            headers={"X-CSRF-Token": csrf},
            json={"name": "Figma", "scopes": ["read:tokens"]},
        )
        assert good.status_code == 201
        assert client.get("/v1/user-tokens").json()["data"][0]["name"] == "Figma"


class TestCli:
    def test_admin_create_token(
        self,
        settings: Settings,
        client: TestClient,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setenv("FRAMELANE_DATABASE_URL", settings.resolved_database_url)
        monkeypatch.setenv("FRAMELANE_DATA_DIR", str(settings.data_dir))
        from framelane.core.settings import get_settings

        get_settings.cache_clear()
        try:
            assert (
                main(
                    [
                        "admin",
                        "create-token",
                        "--email",
                        "Ops@Acme.test",
                        "--scopes",
                        "read:tokens,write:tokens,export:tokens",
                    ]
                )
                == 0
            )
            out = json.loads(capsys.readouterr().out)
            assert out["email"] == "ops@acme.test" and out["token_plan"] == "PRO"
            assert out["key_prefix"] == out["token"][:12]
            api = Api(client, TokenUser(out["user_id"], out["email"], out["token"]))
            api.workspace("From the CLI")
            assert (
                main(["admin", "set-token-plan", "--email", "ops@acme.test", "--plan", "FREE"]) == 0
            )
            capsys.readouterr()
            assert api.call("POST", "/workspaces", 403, json={"name": "x"})["error"].startswith(
                "API write access"
            )
            assert (
                main(["admin", "create-token", "--email", "x@acme.test", "--scopes", "bogus"]) == 2
            )
            assert "scopes must be" in capsys.readouterr().err
        finally:
            get_settings.cache_clear()


class TestCascadeDelete:
    def test_token_api_delete_removes_tokens_and_video_data(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        other_workspace: VerifiedWorkspace,
        tmp_path: Path,
    ) -> None:
        caller = make_token_user(settings, workspace.email)
        api = Api(client, caller)
        tokenset = api.tokenset(workspace.id)
        api.token(tokenset, {"name": "a", "type": "number", "value": 1})
        api.call("POST", f"/tokensets/{tokenset['id']}/modes", 201, json={"name": "Dark"})
        other = Api(client, make_token_user(settings, other_workspace.email)).tokenset(
            other_workspace.id
        )
        source = tmp_path / "out.bin"
        source.write_bytes(b"video")
        storage = storage_for(settings)
        key = artifact_key(workspace.id, "render_x", "out.mp4")
        storage.put_file(key, source, "video/mp4")
        with session_scope(settings.resolved_database_url) as session:
            UsageRepository.from_session(session).record(workspace.id, "task", 1, None)

        assert api.call("DELETE", f"/workspaces/{workspace.id}") == {
            "message": "Workspace deleted successfully"
        }

        assert not storage.exists(key)
        assert client.get("/v1/workspace", headers=workspace.headers).status_code == 401
        assert api.call("GET", f"/tokensets/{tokenset['id']}", 404) == {
            "error": "Tokenset not found"
        }
        with session_scope(settings.resolved_database_url) as session:

            def count(model: type, column: object, value: str) -> int:
                return int(
                    session.scalar(select(func.count()).select_from(model).where(column == value))
                    or 0
                )

            assert count(Workspace, Workspace.id, workspace.id) == 0
            assert count(Tokenset, Tokenset.workspace_id, workspace.id) == 0
            assert count(Mode, Mode.tokenset_id, tokenset["id"]) == 0
            assert count(Token, Token.tokenset_id, tokenset["id"]) == 0
            assert count(UsageRecord, UsageRecord.workspace_id, workspace.id) == 0
            assert count(ApiKey, ApiKey.workspace_id, workspace.id) == 0
            assert count(Membership, Membership.workspace_id, workspace.id) == 0
            assert count(User, User.id, workspace.user_id) == 1
            assert count(Tokenset, Tokenset.id, other["id"]) == 1
        assert client.get("/v1/workspace", headers=other_workspace.headers).status_code == 200

    def test_video_api_delete_removes_the_tokensets_too(
        self, client: TestClient, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        api = Api(client, make_token_user(settings, workspace.email))
        tokenset = api.tokenset(workspace.id)
        api.token(tokenset, {"name": "a", "type": "number", "value": 1})
        assert client.delete("/v1/workspace", headers=workspace.headers).status_code == 204
        assert api.call("GET", f"/tokensets/{tokenset['id']}", 404) == {
            "error": "Tokenset not found"
        }
        with session_scope(settings.resolved_database_url) as session:
            assert session.scalar(select(func.count()).select_from(Token)) == 0
            assert session.scalar(select(func.count()).select_from(Mode)) == 0

    def test_a_failing_delete_is_500_and_deletes_nothing(
        self, client: TestClient, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        workspace_id = api.workspace()
        tokenset = api.tokenset(workspace_id)

        def broken_hook(*_args: object) -> None:
            raise RuntimeError("storage is down")

        wiring = client.app.state.wiring  # type: ignore[attr-defined]
        broken = dataclasses.replace(wiring, deletion_hooks=(broken_hook,))
        monkeypatch.setattr(client.app.state, "wiring", broken)  # type: ignore[attr-defined]
        assert api.call("DELETE", f"/workspaces/{workspace_id}", 500) == {
            "error": "Failed to delete workspace"
        }
        assert api.call("GET", f"/tokensets/{tokenset['id']}")["workspace_id"] == workspace_id

    def test_only_the_owner_deletes(
        self, client: TestClient, settings: Settings, api: Api, token_user: Callable[..., TokenUser]
    ) -> None:
        make_token_user(settings, "designer@acme.test", plan="TEAM")
        workspace_id = api.workspace()
        api.call(
            "POST",
            f"/workspaces/{workspace_id}/members",
            201,
            json={"email": "admin@acme.test", "role": "admin"},
        )
        admin = Api(client, token_user("admin@acme.test"))
        assert admin.call("DELETE", f"/workspaces/{workspace_id}", 403) == {
            "error": "Only the workspace owner can delete this workspace."
        }


class TestRateLimit:
    def test_100_per_minute_per_token_with_headers(
        self, settings: Settings, owner: TokenUser
    ) -> None:
        limited = settings.model_copy(
            update={
                "rate_limits_enabled": True,
                "rate_limits": RateLimits(tokens_per_token="5/minute"),
            }
        )
        with TestClient(create_app(limited, composition.features())) as client:
            statuses = []
            for _ in range(6):
                response = client.get("/api/v1/workspaces", headers=owner.headers)
                statuses.append(response.status_code)
                if response.status_code == 200:
                    assert response.headers["x-ratelimit-limit"] == "5"
            assert statuses == [200] * 5 + [429]
            assert response.json() == {"error": "Rate limit exceeded. Please try again later."}
            assert response.headers["x-ratelimit-remaining"] == "0"
            assert int(response.headers["x-ratelimit-reset"]) >= int(time.time())
            other = make_token_user(settings, "other@acme.test")
            assert client.get("/api/v1/workspaces", headers=other.headers).status_code == 200

    def test_default_is_100_per_minute(self, settings: Settings, owner: TokenUser) -> None:
        defaults = settings.model_copy(
            update={"rate_limits_enabled": True, "rate_limits": RateLimits()}
        )
        with TestClient(create_app(defaults, composition.features())) as client:
            remaining = [
                client.get("/api/v1/workspaces", headers=owner.headers) for _ in range(101)
            ]
        assert [r.status_code for r in remaining].count(200) == 100
        assert remaining[0].headers["x-ratelimit-limit"] == "100"
        assert remaining[0].headers["x-ratelimit-remaining"] == "99"
        assert remaining[99].headers["x-ratelimit-remaining"] == "0"
        assert remaining[100].status_code == 429
