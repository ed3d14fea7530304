"""tokenset names unique per workspace, ignoring case (settles concurrent creates)

Revision ID: 0007_tokenset_names
Revises: 0006_tokens
Create Date: 2026-11-22 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_tokenset_names"
down_revision: str | Sequence[str] | None = "0006_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_tokensets_workspace_name"


def upgrade() -> None:
    _rename_duplicates()
    op.create_index(INDEX, "tokensets", ["workspace_id", sa.text("lower(name)")], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="tokensets")


def _rename_duplicates() -> None:
    """Tokensets created twice under one name before the index existed: every one after the
    oldest gets " (2)", " (3)", ... appended, so nothing is lost."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, workspace_id, name FROM tokensets ORDER BY created_at, id")
    ).all()
    taken: set[tuple[str, str]] = set()
    for row_id, workspace_id, name in rows:
        candidate, number = name, 1
        while (workspace_id, candidate.lower()) in taken:
            number += 1
            candidate = f"{name} ({number})"
        taken.add((workspace_id, candidate.lower()))
        if candidate != name:
            connection.execute(
                sa.text("UPDATE tokensets SET name = :name WHERE id = :id"),
                {"name": candidate, "id": row_id},
            )
