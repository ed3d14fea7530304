"""Bodies and answers of `/v1/projects` and `/v1/batches` (the ops are in `ops.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from framelane.projects.ops import Op
from framelane.projects.variables import VariableDecl
from framelane.renders.schemas import PreviewValidation, ProjectRenderFields

Author = Literal["user", "agent"]
MAX_OPS = 200
MAX_BATCH_ROWS = 500


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectCreate(Strict):
    name: str = Field("Untitled project", min_length=1, max_length=255)
    render_request: dict[str, Any] = Field(
        default_factory=dict, description="The first version's render request (default empty)."
    )
    variables: dict[str, VariableDecl] = Field(
        default_factory=dict, description="Template variables used as {{name}} in the request."
    )
    author: Author | None = None


class ElementSummary(BaseModel):
    id: str
    type: str
    time: Any = 0
    duration: Any = None
    label: str | None = None
    source: str | None = None


class ProjectSummary(BaseModel):
    width: Any = None
    height: Any = None
    duration: Any = None
    frame_rate: Any = None
    output_format: Any = None
    element_count: int = 0
    transition_count: int = 0
    elements: list[ElementSummary] = Field(default_factory=list)


class ProjectOut(BaseModel):
    id: str = Field(examples=["proj_01J8QR2K5VKDGN2T4FBM3CZYX7"])
    name: str
    version: int
    workspace_id: str
    created_at: datetime
    updated_at: datetime
    summary: ProjectSummary
    variables: dict[str, VariableDecl] = Field(default_factory=dict)
    render_request: dict[str, Any] | None = Field(None, description="With `?view=full`.")


class OpsRequest(Strict):
    ops: list[Op] = Field(min_length=1, max_length=MAX_OPS)
    if_version: int | None = Field(
        None, ge=1, description="Apply only if the project is still at this version (else 409)."
    )
    author: Author | None = None


class Violation(BaseModel):
    code: str = Field(examples=["dangling_transition"])
    message: str
    severity: Literal["error", "warning"]
    path: str | None = None


class OpsDiff(BaseModel):
    added_ids: list[str] = Field(default_factory=list)
    removed_ids: list[str] = Field(default_factory=list)
    transitions_changed: bool = False


class OpsResult(BaseModel):
    version: int
    ok: bool = Field(description="False when an error-severity violation blocks rendering.")
    changed_ids: list[str] = Field(default_factory=list)
    diff: OpsDiff = Field(default_factory=OpsDiff)
    violations: list[Violation] = Field(default_factory=list)


class VersionOut(BaseModel):
    project_id: str
    version: int
    author: str | None = None
    created_at: datetime
    ops: list[Any] = Field(default_factory=list, description="The ops that made this version.")
    render_request: dict[str, Any]
    variables: dict[str, VariableDecl] = Field(default_factory=dict)


class RevertRequest(Strict):
    version: int = Field(ge=1, description="The version whose content becomes the newest.")
    if_version: int | None = Field(None, ge=1)
    author: Author | None = None


class Window(Strict):
    start: float = Field(ge=0, description="Seconds.")
    end: float = Field(gt=0, description="Seconds.")


class ProjectPreview(Strict):
    dry_run: bool = Field(
        False,
        description="Only validate (free): violations and estimates; required variables "
        "without a value get a stand-in of their type.",
    )
    time: float = Field(0, ge=0, description="Seconds: the frame to draw.")
    contact_sheet: int | None = Field(
        None, ge=1, le=36, description="This many evenly spaced frames in a grid."
    )
    window: Window | None = Field(
        None, description="With contact_sheet: spread its frames over this time window only."
    )
    version: int | None = Field(None, ge=1, description="Default: the newest.")
    variables: dict[str, Any] = Field(default_factory=dict)


class ProjectPreviewValidation(PreviewValidation):
    violations: list[Violation] = Field(default_factory=list)


ProjectRender = ProjectRenderFields


class BatchCreate(Strict):
    version: int | None = Field(None, ge=1)
    rows: list[dict[str, Any]] = Field(
        min_length=1, max_length=MAX_BATCH_ROWS, description="One variable set per render."
    )
    metadata: dict[str, str] | None = None
    webhook_url: str | None = Field(None, min_length=1, max_length=2083)


class BatchJobOut(BaseModel):
    row: int = Field(description="1-based, as in the request or CSV data rows.")
    id: str
    status: str


class BatchOut(BaseModel):
    id: str = Field(examples=["batch_01J8QR2K5VKDGN2T4FBM3CZYX7"])
    project_id: str
    project_version: int
    total: int
    status: Literal["running", "completed"]
    counts: dict[str, int] = Field(description="Jobs by status.")
    created_at: datetime
    completed_at: datetime | None = None
    jobs: list[BatchJobOut] = Field(default_factory=list)
