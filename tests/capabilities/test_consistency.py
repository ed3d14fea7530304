"""The catalog and the validator can never disagree: every registry entry is accepted by
`parse_spec` (and `POST /v1/preview` dry runs) exactly when `GET /v1/capabilities` lists it as
supported, and is refused with 422 `capability_unsupported` naming it otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from framelane.core.errors import CapabilityUnsupported
from framelane.render.effects import EFFECTS
from framelane.render.motions import MOTIONS
from framelane.render.registry import Registry
from framelane.render.spec import parse_spec
from framelane.render.transitions import TRANSITIONS
from framelane.render.word_animations import WORD_ANIMATIONS
from tests.fixtures.identity import VerifiedWorkspace

from .specs import spec_using

REGISTRIES: dict[str, Registry[Any]] = {
    "effects": EFFECTS,
    "motions": MOTIONS,
    "transitions": TRANSITIONS,
    "word_animations": WORD_ANIMATIONS,
}
ENTRIES = [(kind, name) for kind, registry in REGISTRIES.items() for name in registry.names()]
SCOPES = [("motion_scopes", "element"), ("motion_scopes", "character")]


def test_every_registry_is_covered() -> None:
    assert len(ENTRIES) == sum(len(r.names()) for r in REGISTRIES.values())
    assert {kind for kind, _ in ENTRIES} == set(REGISTRIES)


@pytest.mark.parametrize(("kind", "name"), ENTRIES)
def test_parse_spec_accepts_an_entry_iff_it_is_supported(kind: str, name: str) -> None:
    registry = REGISTRIES[kind]
    spec = spec_using(kind, name)
    if registry.is_supported(name):
        parse_spec(spec)
        return
    with pytest.raises(CapabilityUnsupported) as refused:
        parse_spec(spec)
    assert refused.value.code == "capability_unsupported"
    assert any(d["name"] == name for d in refused.value.details)


def listed(client: TestClient) -> dict[str, dict[str, bool]]:
    body = client.get("/v1/capabilities").json()
    return {
        kind: {row["name"]: row["supported"] for row in body[kind]}
        for kind in (*REGISTRIES, "motion_scopes")
    }


def test_capabilities_list_exactly_the_registry_names_and_flags(client: TestClient) -> None:
    catalog = listed(client)
    for kind, registry in REGISTRIES.items():
        expected = {name: registry.is_supported(name) for name in registry.names()}
        assert catalog[kind] == expected, kind


def test_validation_over_http_follows_the_published_flags(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    catalog = listed(client)
    for kind, name in [*ENTRIES, *SCOPES]:
        spec = {**spec_using(kind, name), "dry_run": True}
        response = client.post("/v1/preview", json=spec, headers=workspace.headers)
        if catalog[kind][name]:
            assert response.status_code == 200, (kind, name, response.text)
            assert response.json()["valid"] is True
        else:
            assert response.status_code == 422, (kind, name, response.text)
            error = response.json()["error"]
            assert error["code"] == "capability_unsupported", (kind, name)
            assert name in error["message"]
