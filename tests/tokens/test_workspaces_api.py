"""Workspaces, tokensets and modes over HTTP (Tokencraft endpoints 1–15)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.tokens.models import Mode, Token
from tests.fixtures.identity import VerifiedWorkspace
from tests.tokens.conftest import Api, TokenUser


class TestAuthentication:
    def test_missing_wrong_and_revoked_tokens_are_401(
        self, client: TestClient, owner: TokenUser, workspace: VerifiedWorkspace
    ) -> None:
        for headers in (
            {},
            {"Authorization": "Bearer nope"},
            {"Authorization": owner.token},
            workspace.headers,
            {"Authorization": "Bearer tkc_unknown"},
        ):
            response = client.get("/api/v1/workspaces", headers=headers)
            assert response.status_code == 401
            assert response.json() == {"error": "Invalid API token"}


class TestWorkspaces:
    def test_create_list_get_update(self, api: Api, owner: TokenUser) -> None:
        created = api.call(
            "POST", "/workspaces", 201, json={"name": "  Brand  ", "description": "Our brand"}
        )
        assert created["name"] == "Brand"
        assert created["description"] == "Our brand"
        assert created["user_id"] == owner.user_id
        assert created["user_role"] == "owner" and created["is_owner"] is True
        assert created["created_at"].endswith("Z")
        listed = api.call("GET", "/workspaces")
        assert listed["total"] == 1 and listed["workspaces"][0]["id"] == created["id"]
        assert api.call("GET", f"/workspaces/{created['id']}")["name"] == "Brand"
        updated = api.call("PATCH", f"/workspaces/{created['id']}", json={"description": None})
        assert updated["description"] is None and updated["name"] == "Brand"
        renamed = api.call("PATCH", f"/workspaces/{created['id']}", json={"name": "B2"})
        assert renamed["name"] == "B2"

    def test_validation_messages_are_tokencraft_s(self, api: Api) -> None:
        for body in ({}, {"name": ""}, {"name": "   "}, {"name": 5}):
            error = api.call("POST", "/workspaces", 400, json=body)
            assert error == {"error": "Name is required and must be a non-empty string"}
        assert api.call("POST", "/workspaces", 400, json={"name": "x" * 256})["error"] == (
            "Name must be at most 255 characters"
        )
        workspace_id = api.workspace()
        assert api.call("PATCH", f"/workspaces/{workspace_id}", 400, json={"name": ""}) == {
            "error": "Name must be a non-empty string"
        }
        assert (
            api.call(
                "POST",
                "/workspaces",
                400,
                content=b"{oops",
                headers={"content-type": "application/json"},
            )["error"]
            == "Request body must be valid JSON"
        )

    def test_unknown_workspace_is_404(self, api: Api) -> None:
        assert api.call("GET", "/workspaces/ws_nope", 404) == {"error": "Workspace not found"}

    def test_free_plan_cannot_create_but_reads(
        self, client: TestClient, token_user: Callable[..., TokenUser]
    ) -> None:
        free = Api(client, token_user("free@acme.test", plan="FREE"))
        assert free.call("POST", "/workspaces", 403, json={"name": "x"}) == {
            "error": "API write access is not available for this workspace owner's current plan."
        }
        assert free.call("GET", "/workspaces")["total"] == 0

    def test_workspace_limit(self, api: Api) -> None:
        for index in range(10):
            api.workspace(f"w{index}")
        error = api.call("POST", "/workspaces", 403, json={"name": "eleventh"})
        assert "limit" in error["error"]


class TestTokensets:
    def test_crud_and_default_base_mode(self, api: Api, settings: Settings) -> None:
        workspace_id = api.workspace()
        created = api.call(
            "POST",
            f"/workspaces/{workspace_id}/tokensets",
            201,
            json={"name": "Colors", "description": "Palette"},
        )
        assert created["workspace_id"] == workspace_id
        modes = api.call("GET", f"/tokensets/{created['id']}/modes")
        assert modes["total"] == 1
        assert modes["modes"][0]["name"] == "Base" and modes["modes"][0]["is_default"]
        listed = api.call("GET", f"/workspaces/{workspace_id}/tokensets")
        assert listed["total"] == 1 and listed["tokensets"][0]["name"] == "Colors"
        assert api.call("GET", f"/tokensets/{created['id']}")["description"] == "Palette"
        patched = api.call(
            "PATCH", f"/tokensets/{created['id']}", json={"name": "Palette", "description": None}
        )
        assert patched["name"] == "Palette" and patched["description"] is None
        api.token(
            {"id": created["id"], "mode": modes["modes"][0]["id"]},
            {"name": "a", "type": "number", "value": 1},
        )
        assert api.call("DELETE", f"/tokensets/{created['id']}") == {
            "message": "Tokenset deleted successfully"
        }
        with session_scope(settings.resolved_database_url) as session:
            for model in (Mode, Token):
                assert (
                    session.scalar(
                        select(func.count())
                        .select_from(model)
                        .where(model.tokenset_id == created["id"])
                    )
                    == 0
                )
        assert api.call("GET", f"/tokensets/{created['id']}", 404) == {
            "error": "Tokenset not found"
        }

    def test_duplicate_tokenset_names_are_refused(self, api: Api) -> None:
        workspace_id = api.workspace()
        api.tokenset(workspace_id, "Colors")
        error = api.call(
            "POST", f"/workspaces/{workspace_id}/tokensets", 400, json={"name": "colors"}
        )
        assert error["error"] == "A tokenset named 'Colors' already exists in this workspace"

    def test_a_create_racing_another_with_the_same_name_is_refused_not_a_500(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Both requests pass the name check before either commits: the unique index on
        (workspace, lower(name)) refuses the second insert, answered as the same 400."""
        from framelane.tokens import service

        workspace_id = api.workspace()
        monkeypatch.setattr(service, "_unique_tokenset_name", lambda *args: None)
        api.tokenset(workspace_id, "Colors")
        error = api.call(
            "POST", f"/workspaces/{workspace_id}/tokensets", 400, json={"name": "COLORS"}
        )
        assert error["error"] == "A tokenset named 'COLORS' already exists in this workspace"
        other = api.tokenset(workspace_id, "Spacing")
        error = api.call("PATCH", f"/tokensets/{other['id']}", 400, json={"name": "colors"})
        assert error["error"] == "A tokenset named 'colors' already exists in this workspace"
        listed = api.call("GET", f"/workspaces/{workspace_id}/tokensets")
        assert sorted(t["name"] for t in listed["tokensets"]) == ["Colors", "Spacing"]

    def test_create_in_unknown_workspace_is_404(self, api: Api) -> None:
        assert api.call("POST", "/workspaces/ws_nope/tokensets", 404, json={"name": "x"}) == {
            "error": "Workspace not found"
        }


class TestModes:
    def test_new_mode_copies_the_default_and_default_moves(self, api: Api) -> None:
        tokenset = api.tokenset(api.workspace())
        api.token(tokenset, {"name": "colors.bg", "type": "color", "value": "#ffffff"})
        api.token(tokenset, {"name": "colors.surface", "type": "color", "alias_to": "colors.bg"})
        dark = api.call(
            "POST",
            f"/tokensets/{tokenset['id']}/modes",
            201,
            json={"name": "Dark", "is_default": True},
        )
        assert dark["is_default"] is True and dark["tokenset_id"] == tokenset["id"]
        copied = api.call("GET", f"/tokensets/{tokenset['id']}/modes/{dark['id']}/tokens")
        assert copied["mode"] == {"id": dark["id"], "name": "Dark", "is_default": True}
        assert {(t["name"], t["value"], t["alias_to"]) for t in copied["tokens"]} == {
            ("colors.bg", "#ffffff", None),
            ("colors.surface", None, "colors.bg"),
        }
        modes = api.call("GET", f"/tokensets/{tokenset['id']}/modes")["modes"]
        assert [m["is_default"] for m in modes] == [False, True]
        base = api.call(
            "PATCH",
            f"/tokensets/{tokenset['id']}/modes/{tokenset['mode']}",
            json={"name": "Light", "is_default": True},
        )
        assert base["name"] == "Light" and base["is_default"] is True
        modes = api.call("GET", f"/tokensets/{tokenset['id']}/modes")["modes"]
        assert [m["is_default"] for m in modes] == [True, False]
        single = api.call("GET", f"/tokensets/{tokenset['id']}/modes/{dark['id']}")
        assert (single["name"], single["is_default"]) == ("Dark", False)

    def test_mode_rules(self, api: Api) -> None:
        tokenset = api.tokenset(api.workspace())
        path = f"/tokensets/{tokenset['id']}/modes"
        assert api.call("POST", path, 400, json={}) == {
            "error": "Name is required and must be a non-empty string"
        }
        assert api.call("POST", path, 400, json={"name": "X", "is_default": "yes"}) == {
            "error": "is_default must be a boolean"
        }
        assert api.call("POST", path, 400, json={"name": "base"})["error"] == (
            "A mode named 'Base' already exists in this tokenset"
        )
        assert api.call("PATCH", f"{path}/{tokenset['mode']}", 400, json={"is_default": False})[
            "error"
        ].startswith("A tokenset needs exactly one default mode")
        assert api.call("DELETE", f"{path}/{tokenset['mode']}", 400) == {
            "error": "Cannot delete the last mode in a tokenset"
        }
        assert api.call("PATCH", f"{path}/mode_nope", 404, json={"name": "x"}) == {
            "error": "Mode not found"
        }

    def test_deleting_the_default_mode_promotes_the_oldest_other(self, api: Api) -> None:
        tokenset = api.tokenset(api.workspace())
        path = f"/tokensets/{tokenset['id']}/modes"
        api.token(tokenset, {"name": "x", "type": "number", "value": 1})
        light = api.call("POST", path, 201, json={"name": "Light"})
        api.call("POST", path, 201, json={"name": "Dark"})
        assert api.call("DELETE", f"{path}/{tokenset['mode']}") == {
            "message": "Mode deleted successfully"
        }
        modes = api.call("GET", path)["modes"]
        assert [(m["name"], m["is_default"]) for m in modes] == [("Light", True), ("Dark", False)]
        assert modes[0]["id"] == light["id"]
        assert api.call("GET", f"/tokensets/{tokenset['id']}/tokens")["total"] == 2
