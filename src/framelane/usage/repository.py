"""Writing and summing usage records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from framelane.core.ids import new_id
from framelane.usage.models import UsageRecord


def calendar_month(now: datetime) -> tuple[datetime, datetime]:
    """[first of this month, first of next month) in UTC."""
    start = datetime(now.year, now.month, 1, tzinfo=UTC)
    end = datetime(now.year + (now.month == 12), now.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


@dataclass(slots=True)
class UsageRepository:
    session: Session

    @classmethod
    def from_session(cls, session: Session) -> UsageRepository:
        return cls(session)

    def record(self, workspace_id: str, kind: str, amount: float, job_id: str | None) -> None:
        self.session.add(
            UsageRecord(
                id=new_id("evt"), workspace_id=workspace_id, kind=kind, amount=amount, job_id=job_id
            )
        )
        self.session.flush()

    def totals(self, workspace_id: str, start: datetime, end: datetime) -> dict[str, float]:
        stmt = (
            select(UsageRecord.kind, func.coalesce(func.sum(UsageRecord.amount), 0.0))
            .where(
                UsageRecord.workspace_id == workspace_id,
                UsageRecord.created_at >= start,
                UsageRecord.created_at < end,
            )
            .group_by(UsageRecord.kind)
        )
        return {kind: float(total) for kind, total in self.session.execute(stmt).all()}

    def daily(
        self, workspace_id: str, kind: str, start: datetime, end: datetime
    ) -> dict[str, float]:
        """`kind`'s total per UTC day (`YYYY-MM-DD`) in [start, end), days without records
        left out."""
        day = func.date(UsageRecord.created_at)
        stmt = (
            select(day, func.sum(UsageRecord.amount))
            .where(
                UsageRecord.workspace_id == workspace_id,
                UsageRecord.kind == kind,
                UsageRecord.created_at >= start,
                UsageRecord.created_at < end,
            )
            .group_by(day)
        )
        return {str(date): float(total) for date, total in self.session.execute(stmt).all()}
