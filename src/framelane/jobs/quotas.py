"""Plan quotas checked at submission: concurrency, render minutes and task counts per month."""

from __future__ import annotations

from sqlalchemy.orm import Session

from framelane.core.errors import TooManyRequests
from framelane.core.settings import PlanLimits, Settings
from framelane.db.base import utcnow
from framelane.identity.models import Workspace
from framelane.jobs.repository import JobRepository
from framelane.usage.repository import UsageRepository, calendar_month


class QuotaExceeded(TooManyRequests):
    """Raised when a submission would go past the workspace plan's monthly or concurrency quota."""

    code = "quota_exceeded"


def plan_of(settings: Settings, workspace: Workspace) -> PlanLimits | None:
    return settings.plans.get(workspace.plan)


def check_submission(
    session: Session, settings: Settings, workspace: Workspace, kind: str, seconds: float
) -> None:
    """Raise `QuotaExceeded` if this new job does not fit the plan (in-flight jobs count)."""
    plan = plan_of(settings, workspace)
    if plan is None:
        return
    jobs = JobRepository.from_session(session)
    jobs.lock_workspace(workspace.id)
    _check_concurrency(plan, jobs.active_count(workspace.id))
    start, end = calendar_month(utcnow())
    used = UsageRepository.from_session(session).totals(workspace.id, start, end)
    if kind == "render" and plan.render_minutes is not None:
        seconds_used = used.get("render_seconds", 0.0) + jobs.active_estimated_seconds(
            workspace.id, "render"
        )
        _check_minutes(plan.render_minutes, seconds_used, seconds)
    if kind == "task" and plan.tasks is not None:
        count = int(used.get("task", 0)) + jobs.active_count(workspace.id, "task")
        if count + 1 > plan.tasks:
            raise QuotaExceeded(
                f"The {workspace.plan} plan allows {plan.tasks} tasks per month; upgrade to "
                "run more.",
                details={"limit": "tasks", "used": count, "maximum": plan.tasks},
            )


def _check_concurrency(plan: PlanLimits, active: int) -> None:
    if plan.concurrent_jobs is not None and active >= plan.concurrent_jobs:
        raise QuotaExceeded(
            f"The plan allows {plan.concurrent_jobs} job(s) at a time; wait for one to finish "
            "or upgrade.",
            details={"limit": "concurrent_jobs", "active": active, "maximum": plan.concurrent_jobs},
        )


def _check_minutes(limit_minutes: float, seconds_used: float, seconds: float) -> None:
    if (seconds_used + seconds) / 60.0 > limit_minutes:
        raise QuotaExceeded(
            f"This render ({seconds / 60.0:.2f} min) would exceed the plan's {limit_minutes:g} "
            f"render minutes this month ({seconds_used / 60.0:.2f} used); upgrade to render "
            "more.",
            details={
                "limit": "render_minutes",
                "used_minutes": seconds_used / 60.0,
                "requested_minutes": seconds / 60.0,
                "maximum": limit_minutes,
            },
        )
