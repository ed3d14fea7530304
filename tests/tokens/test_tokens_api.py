"""Tokens over HTTP: CRUD, aliases and their resolution, cycles and dangling refusals."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.tokens.conftest import Api


@pytest.fixture
def tokenset(api: Api) -> dict[str, Any]:
    return api.tokenset(api.workspace())


def path(tokenset: dict[str, Any], token_id: str = "") -> str:
    base = f"/tokensets/{tokenset['id']}/modes/{tokenset['mode']}/tokens"
    return f"{base}/{token_id}" if token_id else base


class TestCrud:
    def test_create_get_list_update_delete(self, api: Api, tokenset: dict[str, Any]) -> None:
        created = api.token(
            tokenset,
            {
                "name": "colors.primary.500",
                "type": "color",
                "value": "#3b82f6",
                "description": "Brand blue",
            },
        )
        assert created["tokenset_id"] == tokenset["id"]
        assert created["mode_id"] == tokenset["mode"]
        assert (created["value"], created["alias_to"]) == ("#3b82f6", None)
        got = api.call("GET", path(tokenset, created["id"]))
        assert got["resolved_value"] == "#3b82f6" and got["description"] == "Brand blue"
        listed = api.call("GET", path(tokenset))
        assert listed["total"] == 1 and listed["mode"]["name"] == "Base"
        updated = api.call(
            "PATCH", path(tokenset, created["id"]), json={"value": "#2563eb", "description": None}
        )
        assert updated["value"] == "#2563eb" and updated["description"] is None
        assert updated["name"] == "colors.primary.500"
        assert api.call("DELETE", path(tokenset, created["id"])) == {
            "message": "Token deleted successfully"
        }
        assert api.call("GET", path(tokenset, created["id"]), 404) == {"error": "Token not found"}

    def test_composite_values_round_trip(self, api: Api, tokenset: dict[str, Any]) -> None:
        shadow = {
            "offsetX": "0px",
            "offsetY": "4px",
            "blur": "8px",
            "spread": "0px",
            "color": "rgba(0, 0, 0, 0.1)",
        }
        typography = {
            "fontFamily": ["Inter", "sans-serif"],
            "fontSize": "16px",
            "fontWeight": 700,
            "lineHeight": 1.5,
        }
        for body in (
            {"name": "shadow.md", "type": "shadow", "value": shadow},
            {"name": "type.body", "type": "typography", "value": typography},
            {"name": "ease.out", "type": "cubicBezier", "value": [0, 0, 0.2, 1]},
            {"name": "font.weight.bold", "type": "fontWeight", "value": 700},
            {"name": "flags.rounded", "type": "boolean", "value": True},
        ):
            assert api.token(tokenset, body)["value"] == body["value"]

    def test_type_and_value_messages(self, api: Api, tokenset: dict[str, Any]) -> None:
        error = api.call(
            "POST", path(tokenset), 400, json={"name": "a", "type": "colour", "value": "#fff"}
        )["error"]
        assert error.startswith("Type is required and must be one of: color, dimension,")
        assert error.endswith("string, boolean")
        assert api.call("POST", path(tokenset), 400, json={"name": "a", "type": "color"}) == {
            "error": "Value is required unless alias_to is provided"
        }
        for bad in (
            {"type": "color", "value": "blue-ish"},
            {"type": "dimension", "value": "16 apples"},
            {"type": "cubicBezier", "value": [0, 1]},
            {"type": "shadow", "value": {"offsetX": "1px"}},
            {"type": "fontWeight", "value": 5000},
        ):
            message = api.call("POST", path(tokenset), 400, json={"name": "a", **bad})["error"]
            assert message.startswith(f"Invalid value for a {bad['type']} token")
        created = api.token(tokenset, {"name": "a", "type": "number", "value": 1})
        assert api.call("PATCH", path(tokenset, created["id"]), 400, json={"type": "nope"})[
            "error"
        ].startswith("Type must be one of: color")

    def test_names(self, api: Api, tokenset: dict[str, Any]) -> None:
        api.token(tokenset, {"name": "colors.primary", "type": "color", "value": "#000"})
        for name in ("colors..x", "colors primary", "{x}", "$x", ".x"):
            error = api.call(
                "POST", path(tokenset), 400, json={"name": name, "type": "number", "value": 1}
            )["error"]
            assert error.startswith("Name must use dot notation")
        assert api.call(
            "POST",
            path(tokenset),
            400,
            json={"name": "colors.primary", "type": "color", "value": "#fff"},
        ) == {"error": "A token named 'colors.primary' already exists in this mode"}
        assert api.call(
            "POST",
            path(tokenset),
            400,
            json={"name": "colors.primary.500", "type": "color", "value": "#fff"},
        )["error"] == (
            "Name 'colors.primary' is also the group of 'colors.primary.500': a token cannot "
            "be a group"
        )


class TestAliases:
    def test_alias_chain_resolves_and_follows_updates(
        self, api: Api, tokenset: dict[str, Any]
    ) -> None:
        base = api.token(tokenset, {"name": "colors.blue.500", "type": "color", "value": "#3b82f6"})
        primary = api.token(
            tokenset, {"name": "colors.primary", "type": "color", "alias_to": "colors.blue.500"}
        )
        button = api.token(
            tokenset,
            {"name": "button.bg", "type": "color", "value": "", "alias_to": "colors.primary"},
        )
        assert button["value"] is None and button["alias_to"] == "colors.primary"
        assert api.call("GET", path(tokenset, button["id"]))["resolved_value"] == "#3b82f6"
        api.call("PATCH", path(tokenset, base["id"]), json={"value": "#1d4ed8"})
        assert api.call("GET", path(tokenset, button["id"]))["resolved_value"] == "#1d4ed8"
        undone = api.call(
            "PATCH", path(tokenset, primary["id"]), json={"value": "#ff0000", "alias_to": None}
        )
        assert undone["alias_to"] is None and undone["value"] == "#ff0000"
        assert api.call("GET", path(tokenset, button["id"]))["resolved_value"] == "#ff0000"
        again = api.call(
            "PATCH",
            path(tokenset, primary["id"]),
            json={"value": "", "alias_to": "colors.blue.500"},
        )
        assert again["value"] is None and again["alias_to"] == "colors.blue.500"

    def test_dangling_alias_is_refused(self, api: Api, tokenset: dict[str, Any]) -> None:
        assert api.call(
            "POST",
            path(tokenset),
            400,
            json={"name": "a", "type": "color", "alias_to": "missing.token"},
        ) == {
            "error": "Token 'a' is an alias of 'missing.token', which does not exist in this mode"
        }

    def test_cycles_are_refused(self, api: Api, tokenset: dict[str, Any]) -> None:
        a = api.token(tokenset, {"name": "a", "type": "color", "value": "#000"})
        api.token(tokenset, {"name": "b", "type": "color", "alias_to": "a"})
        api.token(tokenset, {"name": "c", "type": "color", "alias_to": "b"})
        error = api.call("PATCH", path(tokenset, a["id"]), 400, json={"alias_to": "c"})
        assert error["error"].startswith("Alias cycle: ")
        assert {"a", "b", "c"} <= set(error["error"].removeprefix("Alias cycle: ").split(" → "))
        assert (
            api.call("PATCH", path(tokenset, a["id"]), 400, json={"alias_to": "a"})["error"]
            == "Alias cycle: a → a"
        )
        assert api.call("GET", path(tokenset, a["id"]))["value"] == "#000"

    def test_alias_types_must_match(self, api: Api, tokenset: dict[str, Any]) -> None:
        api.token(tokenset, {"name": "space.md", "type": "dimension", "value": "16px"})
        api.token(tokenset, {"name": "font.body", "type": "fontSize", "alias_to": "space.md"})
        error = api.call(
            "POST", path(tokenset), 400, json={"name": "c", "type": "color", "alias_to": "space.md"}
        )["error"]
        assert error == (
            "Token 'c' (color) cannot alias 'space.md' (dimension): an alias must "
            "have its target's type"
        )

    def test_delete_of_a_target_is_refused_and_rename_repoints(
        self, api: Api, tokenset: dict[str, Any]
    ) -> None:
        target = api.token(tokenset, {"name": "blue", "type": "color", "value": "#00f"})
        alias = api.token(tokenset, {"name": "link", "type": "color", "alias_to": "blue"})
        assert api.call("DELETE", path(tokenset, target["id"]), 400)["error"] == (
            "Token 'blue' is referenced by link: point those aliases elsewhere or delete them first"
        )
        api.call("PATCH", path(tokenset, target["id"]), json={"name": "brand.blue"})
        moved = api.call("GET", path(tokenset, alias["id"]))
        assert moved["alias_to"] == "brand.blue" and moved["resolved_value"] == "#00f"
        api.call("DELETE", path(tokenset, alias["id"]))
        api.call("DELETE", path(tokenset, target["id"]))

    def test_aliases_resolve_within_their_own_mode(
        self, api: Api, tokenset: dict[str, Any]
    ) -> None:
        api.token(tokenset, {"name": "bg", "type": "color", "value": "#ffffff"})
        api.token(tokenset, {"name": "surface", "type": "color", "alias_to": "bg"})
        dark = api.call("POST", f"/tokensets/{tokenset['id']}/modes", 201, json={"name": "Dark"})
        dark_tokens = api.call("GET", f"/tokensets/{tokenset['id']}/modes/{dark['id']}/tokens")
        by_name = {t["name"]: t for t in dark_tokens["tokens"]}
        api.call(
            "PATCH",
            f"/tokensets/{tokenset['id']}/modes/{dark['id']}/tokens/{by_name['bg']['id']}",
            json={"value": "#111111"},
        )
        surface = api.call(
            "GET",
            f"/tokensets/{tokenset['id']}/modes/{dark['id']}/tokens/{by_name['surface']['id']}",
        )
        assert surface["resolved_value"] == "#111111"
        every = api.call("GET", f"/tokensets/{tokenset['id']}/tokens")
        assert every["total"] == 4
        assert sorted(t["mode_id"] for t in every["tokens"]).count(dark["id"]) == 2

    def test_token_from_another_mode_is_404(self, api: Api, tokenset: dict[str, Any]) -> None:
        token = api.token(tokenset, {"name": "x", "type": "number", "value": 1})
        other = api.call("POST", f"/tokensets/{tokenset['id']}/modes", 201, json={"name": "Other"})
        assert api.call(
            "GET", f"/tokensets/{tokenset['id']}/modes/{other['id']}/tokens/{token['id']}", 404
        ) == {"error": "Token not found"}


class TestConcurrentWrites:
    def test_two_racing_aliases_cannot_form_a_cycle(
        self, api: Api, tokenset: dict[str, Any]
    ) -> None:
        a = api.token(tokenset, {"name": "a", "type": "color", "value": "#000"})
        b = api.token(tokenset, {"name": "b", "type": "color", "value": "#fff"})
        results: list[int] = []
        start = threading.Barrier(2)

        def point(token: dict[str, Any], target: str) -> None:
            start.wait()
            response = api.client.patch(
                f"/api/v1{path(tokenset, token['id'])}",
                json={"alias_to": target},
                headers=api.headers,
            )
            results.append(response.status_code)

        threads = [
            threading.Thread(target=point, args=(a, "b")),
            threading.Thread(target=point, args=(b, "a")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [200, 400], results
        listed = api.call("GET", path(tokenset))["tokens"]
        assert sum(1 for t in listed if t["alias_to"]) == 1
        for token in listed:
            assert api.call("GET", path(tokenset, token["id"]))["resolved_value"] in (
                "#000",
                "#fff",
            )
