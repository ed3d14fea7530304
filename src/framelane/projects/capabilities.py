"""The projects part of `GET /v1/capabilities`, built from the models that validate ops."""

from __future__ import annotations

from typing import Any, get_args

from framelane.projects.batches import COMPLETED_EVENT
from framelane.projects.ops import op_catalog
from framelane.projects.schemas import MAX_BATCH_ROWS, MAX_OPS
from framelane.projects.variables import VariableType


def capabilities() -> dict[str, Any]:
    return {
        "ops": op_catalog(),
        "variable_types": [{"name": name, "supported": True} for name in get_args(VariableType)],
        "limits": {"ops_per_request": MAX_OPS, "batch_rows": MAX_BATCH_ROWS},
        "events": [COMPLETED_EVENT],
        "resolution_order": ["variables {{name}}", "brand tokens {a.b.c}"],
    }
