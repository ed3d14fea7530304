"""Schemas of `/v1/renders` and `/v1/preview` (the Job itself is `framelane.jobs.JobOut`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from framelane.core.errors import ValidationFailed

PREVIEW_FIELDS = ("dry_run", "time", "contact_sheet")


class PreviewOptions(BaseModel):
    dry_run: bool = Field(False, description="Only validate (free); no pixels.")
    time: float = Field(0, ge=0, description="Seconds: the frame to draw.")
    contact_sheet: int | None = Field(
        None, ge=1, le=36, description="Draw this many evenly spaced frames in a grid instead."
    )


class PreviewValidation(BaseModel):
    valid: bool = True
    warnings: list[dict[str, str]] = Field(
        default_factory=list,
        description="`{code, message, path}`: ignored unknown fields (with a `suggestion`), "
        "values in a doubtful unit, shared ids, a padded canvas.",
    )
    width: int
    height: int
    frame_rate: int
    output_format: str
    duration: float | None = Field(
        None, description="Seconds, when known without probing the sources."
    )
    estimated_render_minutes: float = 0


def split_preview_body(body: dict[str, Any]) -> tuple[PreviewOptions, dict[str, Any]]:
    """The preview options and the render request they ride on."""
    try:
        options = PreviewOptions.model_validate({k: body[k] for k in PREVIEW_FIELDS if k in body})
    except ValidationError as error:
        details = [
            {"loc": list(e["loc"]), "msg": str(e["msg"]), "type": str(e["type"])}
            for e in error.errors(include_url=False)
        ]
        raise ValidationFailed("invalid preview options", details=details) from error
    return options, {k: v for k, v in body.items() if k not in PREVIEW_FIELDS}


# Rendering a saved project (the projects feature expands these bodies into a composition).
class ProjectRenderFields(BaseModel):
    """A render of a project version with values for its template variables."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(None, ge=1, description="Default: the newest version.")
    variables: dict[str, Any] = Field(
        default_factory=dict, description="Values of the project's declared variables."
    )
    metadata: dict[str, str] | None = Field(None, description="Merged into the job metadata.")
    webhook_url: str | None = Field(None, min_length=1, max_length=2083)


class ProjectRenderBody(ProjectRenderFields):
    """`POST /v1/renders` alternative to an inline composition."""

    project_id: str = Field(min_length=1, description="A project of this workspace.")
