from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from framelane.identity.schemas import Name


class WorkspacePatch(BaseModel):
    name: Name


class UsageOut(BaseModel):
    period_start: datetime
    period_end: datetime
    render_minutes: float
    task_count: int
    egress_bytes: int
    render_minutes_limit: float | None
    task_limit: int | None
