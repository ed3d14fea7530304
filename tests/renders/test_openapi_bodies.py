"""The OpenAPI document describes the render and preview bodies with the very models that
validate them (the routes read raw JSON so unknown fields become warnings, not 422s)."""

from __future__ import annotations

from typing import Any

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from framelane.render.spec.models import RenderSpec
from framelane.renders.schemas import PreviewOptions


def document(settings: Settings) -> dict[str, Any]:
    return create_app(settings, composition.features()).openapi()


def body_schema(doc: dict[str, Any], path: str) -> dict[str, Any]:
    body = doc["paths"][path]["post"]["requestBody"]
    assert body["required"] is True
    schema: dict[str, Any] = body["content"]["application/json"]["schema"]
    return schema


def refs_in(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if "$ref" in node else set()
        return found.union(*(refs_in(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs_in(item) for item in node))
    return set()


def test_the_render_body_is_the_render_spec_model(settings: Settings) -> None:
    doc = document(settings)
    schema = body_schema(doc, "/v1/renders")
    # an inline composition, or a saved project (`ProjectRenderBody`)
    assert [s["$ref"] for s in schema["anyOf"]] == [
        "#/components/schemas/RenderSpec",
        "#/components/schemas/ProjectRenderBody",
    ]
    assert "additionalProperties" not in schema  # FastAPI's generic dict is gone
    spec = doc["components"]["schemas"]["RenderSpec"]
    model = RenderSpec.model_json_schema()
    assert set(spec["properties"]) == set(model["properties"])
    assert spec["properties"]["width"] == model["properties"]["width"]  # limits from one place
    element_refs = refs_in(spec["properties"]["elements"])
    assert {
        f"#/components/schemas/{kind}Element"
        for kind in ("Video", "Image", "Text", "Audio", "Composition")
    } <= element_refs


def test_the_preview_body_is_the_spec_plus_the_preview_options(settings: Settings) -> None:
    schema = body_schema(document(settings), "/v1/preview")
    assert schema["allOf"] == [
        {"$ref": "#/components/schemas/RenderSpec"},
        {"$ref": "#/components/schemas/PreviewOptions"},
    ]
    assert set(PreviewOptions.model_fields) == {"dry_run", "time", "contact_sheet"}


def test_every_reference_in_the_document_resolves(settings: Settings) -> None:
    doc = document(settings)
    names = set(doc["components"]["schemas"])
    assert {ref.rsplit("/", 1)[1] for ref in refs_in(doc)} <= names
