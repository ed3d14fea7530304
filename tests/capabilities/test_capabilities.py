"""`GET /v1/capabilities`: public, complete, and built from the live registries and settings."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from framelane.core.settings import Settings
from framelane.render.effects import EFFECTS
from framelane.tasks.operations.registry import all_operations

CATALOG_LISTS = (
    "element_types",
    "effects",
    "motions",
    "transitions",
    "word_animations",
    "easings",
    "blend_modes",
    "output_formats",
    "motion_scopes",
)


@pytest.fixture
def catalog(client: TestClient) -> dict[str, Any]:
    response = client.get("/v1/capabilities")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_needs_no_authentication_and_is_cacheable(client: TestClient) -> None:
    response = client.get("/v1/capabilities")
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]


def test_lists_every_section_of_the_decision(catalog: dict[str, Any]) -> None:
    for key in (
        "version",
        "element_types",
        "effects",
        "motions",
        "transitions",
        "easings",
        "blend_modes",
        "output_formats",
        "input_formats",
        "tasks",
        "fonts",
        "limits",
        "rate_limits",
        "plans",
        "onboarding",
    ):
        assert catalog[key], key


@pytest.mark.parametrize("section", CATALOG_LISTS)
def test_every_entry_is_flagged_supported_or_not(catalog: dict[str, Any], section: str) -> None:
    assert catalog[section]
    for row in catalog[section]:
        assert isinstance(row["supported"], bool), row


def test_effects_carry_their_parameters_and_ranges(catalog: dict[str, Any]) -> None:
    effects = {row["name"]: row for row in catalog["effects"]}
    assert set(effects) == set(EFFECTS.names())
    intensity = effects["sepia"]["parameters"]["intensity"]
    assert (intensity["minimum"], intensity["maximum"]) == (0, 100)
    chroma = effects["chroma_key"]["parameters"]
    assert (chroma["hue_min"]["minimum"], chroma["hue_max"]["maximum"]) == (0, 360)
    assert (chroma["sat_min"]["maximum"], chroma["lum_max"]["maximum"]) == (100, 100)
    assert catalog["limits"]["ranges"]["chroma_settings"]["hue_min"]["maximum"] == 360


def test_entries_carry_group_animation_and_kind(catalog: dict[str, Any]) -> None:
    effects = {row["name"]: row for row in catalog["effects"]}
    assert all(row["group"] != "other" for row in effects.values())
    assert effects["snow"]["animated"] is True and effects["sepia"]["animated"] is False
    assert effects["chroma_key"]["group"] == "keying"
    motions = {row["name"]: row["kind"] for row in catalog["motions"]}
    assert (motions["fade"], motions["zoom_out"], motions["loop_orbit"]) == (
        "entrance",
        "exit",
        "loop",
    )
    renderers = {row["name"]: row["renderer"] for row in catalog["transitions"]}
    assert renderers["cross_dissolve"] == renderers["fade"] == "compositor"
    assert renderers["iris"] == "blend"


def test_fade_is_listed_as_an_alias_of_cross_dissolve(catalog: dict[str, Any]) -> None:
    fade = next(row for row in catalog["transitions"] if row["name"] == "fade")
    assert fade["alias_of"] == "cross_dissolve" and fade["supported"] is True


def test_tasks_come_with_parameter_schemas(catalog: dict[str, Any]) -> None:
    assert set(catalog["tasks"]) == {op.task_type for op in all_operations()}
    for entry in catalog["tasks"].values():
        assert entry["params_schema"]["properties"]
        assert isinstance(entry["supported"], bool)


def test_limits_rate_limits_and_plans_follow_the_settings(
    catalog: dict[str, Any], settings: Settings
) -> None:
    ranges = catalog["limits"]["ranges"]
    assert (ranges["width"]["minimum"], ranges["width"]["maximum"]) == (16, 8192)
    assert (ranges["speed"]["minimum"], ranges["speed"]["maximum"]) == (0.25, 4)
    assert catalog["limits"]["http"]["max_upload_bytes"] == settings.max_upload_bytes
    assert catalog["limits"]["http"]["page_limit"]["maximum"] == 100
    assert catalog["rate_limits"] == settings.rate_limits.model_dump()
    assert catalog["plans"]["free"] == settings.plans["free"].model_dump()
    assert catalog["plans"]["enterprise"]["render_minutes"] is None


def test_every_bounded_spec_field_is_listed_with_its_range(catalog: dict[str, Any]) -> None:
    fields = catalog["limits"]["fields"]
    assert fields["VideoElement.speed"] == {"minimum": 0.25, "maximum": 4}
    assert fields["EffectSpec.intensity"] == {"minimum": 0, "maximum": 100}
    assert fields["MotionSpec.duration"] == {"exclusiveMinimum": 0}
    assert fields["RenderSpec.frame_rate"]["maximum"] == 240


def test_onboarding_walks_signup_verify_then_first_render(catalog: dict[str, Any]) -> None:
    paths = [step["path"] for step in catalog["onboarding"]]
    assert paths == ["/v1/signup", "/v1/signup/verify", "/v1/renders"]


def test_fonts_and_formats(catalog: dict[str, Any]) -> None:
    families = {font["family"] for font in catalog["fonts"]}
    assert "Inter" in families
    outputs = {row["name"]: row for row in catalog["output_formats"]}
    assert {"mp4", "webm", "mov", "gif", "png", "jpg"} <= set(outputs)
    assert "mp4" in catalog["input_formats"]["video"]
