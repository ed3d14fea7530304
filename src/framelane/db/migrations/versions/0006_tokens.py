"""design tokens: tokensets, modes, tokens

Revision ID: 0006_tokens
Revises: 0002_usage
Create Date: 2026-11-22 05:40:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006_tokens"
down_revision: str | Sequence[str] | None = "0002_usage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def timestamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "tokensets",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workspace_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        *timestamps(),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_tokensets_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tokensets")),
    )
    with op.batch_alter_table("tokensets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tokensets_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "token_modes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tokenset_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        *timestamps(),
        sa.ForeignKeyConstraint(
            ["tokenset_id"],
            ["tokensets.id"],
            name=op.f("fk_token_modes_tokenset_id_tokensets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_token_modes")),
        sa.UniqueConstraint("tokenset_id", "key", name=op.f("uq_token_modes_tokenset_id")),
    )
    with op.batch_alter_table("token_modes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_token_modes_tokenset_id"), ["tokenset_id"], unique=False
        )

    op.create_table(
        "tokens",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tokenset_id", sa.String(length=40), nullable=False),
        sa.Column("mode_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("alias_to", sa.String(length=255), nullable=True),
        *timestamps(),
        sa.ForeignKeyConstraint(
            ["mode_id"],
            ["token_modes.id"],
            name=op.f("fk_tokens_mode_id_token_modes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tokenset_id"],
            ["tokensets.id"],
            name=op.f("fk_tokens_tokenset_id_tokensets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tokens")),
        sa.UniqueConstraint("mode_id", "name", name=op.f("uq_tokens_mode_id")),
    )
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tokens_mode_id"), ["mode_id"], unique=False)
        batch_op.create_index("ix_tokens_tokenset_mode", ["tokenset_id", "mode_id"], unique=False)


def downgrade() -> None:
    op.drop_table("tokens")
    op.drop_table("token_modes")
    op.drop_table("tokensets")
