"""The JSON Schema (2020-12) of a render request, from the models that validate it."""

from __future__ import annotations

from functools import cache
from typing import Any

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "/v1/schema/render.json"


@cache
def render_schema() -> dict[str, Any]:
    """`RenderSpec`'s validation schema with the 2020-12 dialect and an `$id`.

    pydantic already emits 2020-12 (`$defs`, `prefixItems`); unknown fields are ignored by the
    API (listed as warnings), so objects stay open unless `Framelane-Strict: true` is sent.
    """
    from framelane.render.spec.models import RenderSpec

    schema = RenderSpec.model_json_schema(mode="validation")
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "Framelane render request",
        "description": "The body of POST /v1/renders (and of POST /v1/preview).",
        **{k: v for k, v in schema.items() if k not in {"title", "description"}},
    }
