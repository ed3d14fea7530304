"""`GET /v1/capabilities` (no authentication)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from framelane.capabilities.service import build_capabilities
from framelane.kit.web import SettingsDep

router = APIRouter(prefix="/v1", tags=["capabilities"])


@router.get("/capabilities")
def capabilities(settings: SettingsDep, response: Response) -> dict[str, Any]:
    """Everything usable in a render or task, each entry flagged `supported`: element types
    and fields, effects, motions, transitions, word animations, easings, blend modes, input and
    output formats, task parameter schemas, fonts, limits, rate limits, plans and onboarding."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return build_capabilities(settings)
