"""The fields of a spec model as the capabilities catalog lists them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def model_fields(model: type[BaseModel]) -> dict[str, Any]:
    """Every field of a model with its JSON schema, default and description."""
    schema = model.model_json_schema()
    if "$ref" in schema:  # a recursive model (composition) is emitted as a reference
        schema = schema["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    required = set(schema.get("required", []))
    fields: dict[str, Any] = {}
    for name, prop in schema["properties"].items():
        info = model.model_fields[name]
        fields[name] = {
            "required": name in required,
            "description": info.description or "",
            "schema": {k: v for k, v in prop.items() if k not in ("title", "description")},
        }
    return fields
