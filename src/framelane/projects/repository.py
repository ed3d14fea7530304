"""Every query on the project tables. A new version is taken with a conditional UPDATE of the
project's `version`, so concurrent edits of one version serialise and all but one see 0 rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from framelane.jobs.models import Job
from framelane.projects.models import Batch, BatchJob, Project, ProjectVersion


@dataclass(slots=True)
class ProjectRepository:
    session: Session

    @classmethod
    def from_session(cls, session: Session) -> ProjectRepository:
        return cls(session)

    def add_project(self, project: Project, first: ProjectVersion) -> Project:
        self.session.add(project)
        self.session.flush()
        self.session.add(first)
        self.session.flush()
        return project

    def live(self, workspace_id: str, project_id: str) -> Project | None:
        return self.session.scalar(
            select(Project)
            .where(
                Project.id == project_id,
                Project.workspace_id == workspace_id,
                Project.deleted_at.is_(None),
            )
            .execution_options(populate_existing=True)
        )

    def list_statement(self, workspace_id: str) -> Select[Project]:
        return select(Project).where(
            Project.workspace_id == workspace_id, Project.deleted_at.is_(None)
        )

    def version(self, project_id: str, number: int) -> ProjectVersion | None:
        return self.session.get(ProjectVersion, (project_id, number))

    def versions_of(self, project_ids: Sequence[str]) -> dict[str, ProjectVersion]:
        """The newest version row of each project."""
        if not project_ids:
            return {}
        rows = self.session.scalars(
            select(ProjectVersion)
            .join(Project, Project.id == ProjectVersion.project_id)
            .where(
                ProjectVersion.project_id.in_(project_ids),
                ProjectVersion.version == Project.version,
            )
        ).all()
        return {row.project_id: row for row in rows}

    def history(self, project_id: str) -> Sequence[ProjectVersion]:
        return self.session.scalars(
            select(ProjectVersion)
            .where(ProjectVersion.project_id == project_id)
            .order_by(ProjectVersion.version)
        ).all()

    def take_next_version(
        self, workspace_id: str, project_id: str, expected: int | None, now: datetime
    ) -> bool:
        """Bump the version (row-locked until commit) if the project is live and, when
        `expected` is given, still at it."""
        stmt = update(Project).where(
            Project.id == project_id,
            Project.workspace_id == workspace_id,
            Project.deleted_at.is_(None),
        )
        if expected is not None:
            stmt = stmt.where(Project.version == expected)
        result = self.session.execute(
            stmt.values(version=Project.version + 1, updated_at=now).execution_options(
                synchronize_session=False
            )
        )
        return bool(getattr(result, "rowcount", 0))

    def add_version(self, row: ProjectVersion) -> None:
        self.session.add(row)
        self.session.flush()

    def soft_delete(self, project: Project, now: datetime) -> None:
        project.deleted_at = now
        self.session.flush()

    # batches
    def add_batch(self, batch: Batch, rows: Sequence[tuple[int, str]]) -> Batch:
        self.session.add(batch)
        self.session.flush()
        self.session.add_all(BatchJob(batch_id=batch.id, row=row, job_id=job) for row, job in rows)
        self.session.flush()
        return batch

    def batch(self, workspace_id: str, batch_id: str) -> Batch | None:
        return self.session.scalar(
            select(Batch)
            .where(Batch.id == batch_id, Batch.workspace_id == workspace_id)
            .execution_options(populate_existing=True)
        )

    def batch_jobs(self, batch_id: str) -> Sequence[tuple[int, str, str]]:
        rows = self.session.execute(
            select(BatchJob.row, Job.id, Job.status)
            .join(Job, Job.id == BatchJob.job_id)
            .where(BatchJob.batch_id == batch_id)
            .order_by(BatchJob.row)
        ).all()
        return [(int(row), str(job_id), str(status)) for row, job_id, status in rows]

    def status_counts(self, batch_id: str) -> dict[str, int]:
        rows = self.session.execute(
            select(Job.status, func.count())
            .join(BatchJob, BatchJob.job_id == Job.id)
            .where(BatchJob.batch_id == batch_id)
            .group_by(Job.status)
        ).all()
        return {str(status): int(count) for status, count in rows}

    def batch_of_job(self, job_id: str) -> str | None:
        return self.session.scalar(select(BatchJob.batch_id).where(BatchJob.job_id == job_id))

    def count_terminal(self, batch_id: str) -> None:
        """One more job of the batch finished (row-locked until commit)."""
        self.session.execute(
            update(Batch)
            .where(Batch.id == batch_id)
            .values(terminal=Batch.terminal + 1)
            .execution_options(synchronize_session=False)
        )

    def finish_batch(self, batch_id: str, now: datetime) -> bool:
        """Mark the batch complete once every job finished; True only the first time."""
        result = self.session.execute(
            update(Batch)
            .where(
                Batch.id == batch_id, Batch.terminal >= Batch.total, Batch.completed_at.is_(None)
            )
            .values(completed_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    def delete_workspace_rows(self, workspace_id: str) -> None:
        """Batches, projects and their versions of a workspace (versions and batch links go
        by cascade from their parents)."""
        project_ids = select(Project.id).where(Project.workspace_id == workspace_id)
        batch_ids = select(Batch.id).where(Batch.workspace_id == workspace_id)
        self.session.execute(delete(BatchJob).where(BatchJob.batch_id.in_(batch_ids)))
        self.session.execute(delete(Batch).where(Batch.workspace_id == workspace_id))
        self.session.execute(
            delete(ProjectVersion).where(ProjectVersion.project_id.in_(project_ids))
        )
        self.session.execute(delete(Project).where(Project.workspace_id == workspace_id))
