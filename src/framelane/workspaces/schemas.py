from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

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


class UsageDay(BaseModel):
    date: str = Field(description="UTC day, YYYY-MM-DD")
    render_minutes: float
    task_count: int


class DailyUsageOut(BaseModel):
    """One entry per day of the current billing period up to today (zeros included)."""

    period_start: datetime
    period_end: datetime
    days: list[UsageDay]


class BillingPortalOut(BaseModel):
    url: str = Field(description="Where to manage the plan and payment details.")
