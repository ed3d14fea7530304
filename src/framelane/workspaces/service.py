"""Workspace rules: rename, usage for the calendar month, and the irreversible delete."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session

from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.identity.models import Workspace
from framelane.identity.repository import IdentityRepository
from framelane.kit.feature import DeletionHook
from framelane.usage.repository import UsageRepository, calendar_month
from framelane.workspaces.schemas import UsageOut

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
