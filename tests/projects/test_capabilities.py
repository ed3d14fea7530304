"""Capabilities and OpenAPI describe the ops from the same models that validate them."""

from __future__ import annotations

from typing import Any, get_args

from fastapi.testclient import TestClient

from framelane.projects.ops import Op


def test_capabilities_list_every_op_with_its_parameter_schema(client: TestClient) -> None:
    projects: dict[str, Any] = client.get("/v1/capabilities").json()["projects"]
    models = get_args(get_args(Op)[0])
    listed = {entry["name"]: entry for entry in projects["ops"]}
    assert len(listed) == len(models) == 17
    for model in models:
        name = model.model_fields["op"].annotation.__args__[0]
        assert listed[name]["supported"] is True and listed[name]["description"]
        assert listed[name]["parameters"] == model.model_json_schema()
    assert {
        "shift_element",
        "trim_element",
        "swap_source",
        "set_fields",
        "add_element",
        "remove_element",
        "reorder",
        "add_transition",
        "remove_transition",
        "change_transition",
        "add_caption",
        "edit_caption",
        "remove_captions",
        "add_captions",
        "replace_request",
    } <= set(listed)
    assert [t["name"] for t in projects["variable_types"]] == [
        "string",
        "number",
        "color",
        "url",
        "boolean",
    ]


def test_openapi_documents_the_ops_union_and_the_endpoints(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    ops = schemas["OpsRequest"]["properties"]["ops"]["items"]
    assert (
        len(ops["discriminator"]["mapping"]) == 17
        and "add_captions" in ops["discriminator"]["mapping"]
    )
    paths = document["paths"]
    for path in (
        "/v1/projects",
        "/v1/projects/{project_id}/ops",
        "/v1/projects/{project_id}/preview",
        "/v1/projects/{project_id}/renders",
        "/v1/projects/{project_id}/renders/batch",
        "/v1/projects/{project_id}/versions/{version}",
        "/v1/batches/{batch_id}",
    ):
        assert path in paths, path
    batch_body = paths["/v1/projects/{project_id}/renders/batch"]["post"]["requestBody"]["content"]
    assert set(batch_body) == {"application/json", "text/csv", "multipart/form-data"}
    assert "BatchCreate" in schemas
    render_body = paths["/v1/renders"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert {"$ref": "#/components/schemas/ProjectRenderBody"} in render_body["anyOf"]
