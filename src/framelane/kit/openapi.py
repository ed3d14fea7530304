"""Request bodies documented from the models that validate them.

Some routes take the raw JSON (`dict`) and validate it themselves, so that unknown fields can
come back as `warnings` instead of a 422. `request_body(Model, ...)` gives such a route the
model's schema in the OpenAPI document all the same: pass it as `openapi_extra`; the models
are added to `components/schemas` when the document is built (`add_components`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

REF = "#/components/schemas/{model}"
_models: dict[str, type[BaseModel]] = {}


def request_body(
    *models: type[BaseModel],
    description: str = "",
    examples: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`openapi_extra` for a JSON body that is every one of `models` at once; `examples`:
    named OpenAPI examples (`{name: {"summary", "value"}}`)."""
    refs = [{"$ref": REF.format(model=model.__name__)} for model in models]
    for model in models:
        _models[model.__name__] = model
    schema: dict[str, Any] = refs[0] if len(refs) == 1 else {"allOf": refs}
    if description:
        schema = {**schema, "description": description}
    media: dict[str, Any] = {"schema": schema}
    if examples:
        media["examples"] = examples
    return {"requestBody": {"required": True, "content": {"application/json": media}}}


BEARER = "bearer"
SECURITY_SCHEMES = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "fl_live_…",
        "description": "An API key of the workspace: `Authorization: Bearer fl_live_…`.",
    }
}


def add_security(document: dict[str, Any], public_operations: set[tuple[str, str]]) -> None:
    """Declare the bearer scheme (Swagger UI's "Authorize") and require it on every operation
    except `public_operations` ((path, method) pairs that need no key)."""
    document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            public = (path, method.upper()) in public_operations
            operation["security"] = [] if public else [{BEARER: []}]


def request_body_any(
    *models: type[BaseModel],
    description: str = "",
    examples: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`openapi_extra` for a JSON body that is any one of `models` (alternative shapes)."""
    extra = request_body(*models, description=description, examples=examples)
    schema = extra["requestBody"]["content"]["application/json"]["schema"]
    schema["anyOf"] = schema.pop("allOf")
    return extra


def add_components(document: dict[str, Any]) -> None:
    """Put the registered body models (and the models they use) into the document, and drop
    what FastAPI generated for the raw `dict` parameter beside each `$ref`."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, model in _models.items():
        schema = model.model_json_schema(ref_template=REF)
        for used, definition in schema.pop("$defs", {}).items():
            components.setdefault(used, definition)
        components[name] = schema
    for path in document.get("paths", {}).values():
        for operation in path.values():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            if "$ref" in schema or "allOf" in schema or "anyOf" in schema:
                for generated in ("type", "additionalProperties", "title"):
                    schema.pop(generated, None)
