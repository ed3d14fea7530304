"""projects, their versions, render batches

Revision ID: 0008_projects
Revises: 0003_jobs
Create Date: 2026-12-07 14:30:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008_projects"
down_revision: str | Sequence[str] | None = "0003_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _cascade(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="CASCADE",
    )


def _timestamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        _cascade("projects", "workspace_id", "workspaces"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    op.create_index("ix_projects_workspace_id", "projects", ["workspace_id"])
    op.create_table(
        "project_versions",
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("ops", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _cascade("project_versions", "project_id", "projects"),
        sa.PrimaryKeyConstraint("project_id", "version", name=op.f("pk_project_versions")),
    )
    op.create_table(
        "batches",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace_id", sa.String(length=40), nullable=False),
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("project_version", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("terminal", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        _cascade("batches", "workspace_id", "workspaces"),
        _cascade("batches", "project_id", "projects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
    )
    op.create_index("ix_batches_workspace_id", "batches", ["workspace_id"])
    op.create_table(
        "batch_jobs",
        sa.Column("batch_id", sa.String(length=40), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=40), nullable=False),
        _cascade("batch_jobs", "batch_id", "batches"),
        _cascade("batch_jobs", "job_id", "jobs"),
        sa.PrimaryKeyConstraint("batch_id", "row", name=op.f("pk_batch_jobs")),
    )
    op.create_index("ix_batch_jobs_job_id", "batch_jobs", ["job_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_batch_jobs_job_id", table_name="batch_jobs")
    op.drop_table("batch_jobs")
    op.drop_index("ix_batches_workspace_id", table_name="batches")
    op.drop_table("batches")
    op.drop_table("project_versions")
    op.drop_index("ix_projects_workspace_id", table_name="projects")
    op.drop_table("projects")
