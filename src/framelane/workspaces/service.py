"""Workspace rules: rename, usage for the calendar month, and the irreversible delete."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.identity.models import Workspace
from framelane.identity.repository import IdentityRepository
from framelane.kit.feature import DeletionHook
from framelane.usage.repository import UsageRepository, calendar_month
from framelane.workspaces.schemas import BillingPortalOut, DailyUsageOut, UsageDay, UsageOut

log = logging.getLogger("framelane.workspaces")


def rename(workspace: Workspace, name: str) -> Workspace:
    workspace.name = name
    workspace.updated_at = utcnow()
    return workspace


def usage(session: Session, settings: Settings, workspace: Workspace) -> UsageOut:
    start, end = calendar_month(utcnow())
    totals = UsageRepository.from_session(session).totals(workspace.id, start, end)
    plan = settings.plans.get(workspace.plan)
    return UsageOut(
        period_start=start,
        period_end=end,
        render_minutes=round(totals.get("render_seconds", 0.0) / 60.0, 4),
        task_count=int(totals.get("task", 0)),
        egress_bytes=int(totals.get("egress_bytes", 0)),
        render_minutes_limit=plan.render_minutes if plan else None,
        task_limit=plan.tasks if plan else None,
    )


def daily_usage(session: Session, workspace: Workspace) -> DailyUsageOut:
    """Render minutes and tasks per UTC day of this month, from its first day to today."""
    now = utcnow()
    start, end = calendar_month(now)
    repo = UsageRepository.from_session(session)
    seconds = repo.daily(workspace.id, "render_seconds", start, end)
    tasks = repo.daily(workspace.id, "task", start, end)
    days = []
    for offset in range((now - start).days + 1):
        date = (start + timedelta(days=offset)).date().isoformat()
        days.append(
            UsageDay(
                date=date,
                render_minutes=round(seconds.get(date, 0.0) / 60.0, 4),
                task_count=int(tasks.get(date, 0)),
            )
        )
    return DailyUsageOut(period_start=start, period_end=end, days=days)


def billing_portal(settings: Settings) -> BillingPortalOut:
    """The operator's billing page when configured, else the console's plan page."""
    url = settings.billing_portal_url or (
        settings.public_base_url.rstrip("/") + "/console/settings#plan"
    )
    return BillingPortalOut(url=url)


def delete_workspace(
    session: Session, settings: Settings, workspace_id: str, hooks: Sequence[DeletionHook]
) -> None:
    """Every row (by foreign-key cascade) and every stored object of the workspace.

    Features that keep data outside the cascading tables (stored objects, running jobs, cached
    keys) declare a deletion hook; `hooks` are the ones of this process's features, run inside
    the delete transaction, before the rows go."""
    for hook in hooks:
        hook(session, settings, workspace_id)
    IdentityRepository.from_session(session).delete_workspace_row(workspace_id)
    log.info("workspace deleted", extra={"workspace_id": workspace_id})
