"""Plan quotas. At submission: render minutes and task counts per month, and a bound on the
jobs one workspace may have waiting (`queue_full`). At start: the plan's concurrency limit caps
how many of a workspace's jobs run at once; the others wait in `queued` (never refused)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from framelane.core.errors import TooManyRequests
from framelane.core.settings import PlanLimits, Settings
from framelane.db.base import utcnow
from framelane.identity.models import Workspace
from framelane.jobs.repository import JobRepository
from framelane.usage.repository import UsageRepository, calendar_month


class QuotaExceeded(TooManyRequests):
    """Raised when a submission would go past the workspace plan's monthly quota."""

    code = "quota_exceeded"


class QueueFull(TooManyRequests):
    """Raised when a workspace already has as many jobs waiting as a workspace may."""

    code = "queue_full"


def plan_of(settings: Settings, workspace: Workspace) -> PlanLimits | None:
    return settings.plans.get(workspace.plan)


def check_submission(
    session: Session,
    settings: Settings,
    workspace: Workspace,
    kind: str,
    seconds: float,
    count: int = 1,
) -> None:
    """Raise `QuotaExceeded` if these `count` new jobs (`seconds` in all) do not fit the plan's
    monthly quota (in-flight jobs count), `QueueFull` if they would make the workspace's
    waiting jobs more than the bound."""
    jobs = JobRepository.from_session(session)
    jobs.lock_workspace(workspace.id)
    _check_waiting(settings, jobs.waiting_count(workspace.id), count)
    plan = plan_of(settings, workspace)
    if plan is None:
        return
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


def _check_waiting(settings: Settings, waiting: int, count: int) -> None:
    bound = settings.queued_jobs_per_workspace
    if waiting + count > bound:
        raise QueueFull(
            f"This workspace already has {waiting} jobs waiting to run (at most {bound}); "
            "submit more once some have started.",
            details={"limit": "queued_jobs", "queued": waiting, "maximum": bound},
        )


def below_limit(session: Session, settings: Settings, workspace_id: str) -> bool:
    """Whether the workspace runs fewer jobs than its plan allows, read without a lock (to
    choose; `may_start` decides)."""
    workspace = session.get(Workspace, workspace_id)
    plan = plan_of(settings, workspace) if workspace is not None else None
    if plan is None or plan.concurrent_jobs is None:
        return True
    return JobRepository.from_session(session).processing_count(workspace_id) < (
        plan.concurrent_jobs
    )


def may_start(session: Session, settings: Settings, workspace_id: str) -> bool:
    """Whether one more job of the workspace may run now: fewer than its plan's concurrency
    limit are processing (a split render is one job, whatever its parts). Takes the
    workspace's lock first, so two workers cannot both take its last slot; call it in the
    transaction that claims the job."""
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        return True
    plan = plan_of(settings, workspace)
    if plan is None or plan.concurrent_jobs is None:
        return True
    jobs = JobRepository.from_session(session)
    jobs.lock_workspace(workspace_id)
    return jobs.processing_count(workspace_id) < plan.concurrent_jobs


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
