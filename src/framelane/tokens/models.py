"""Tokensets → modes → tokens, inside the workspaces shared with the video API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from framelane.db.base import Base, Timestamped, id_column

TOKENSET_NAME_INDEX = "uq_tokensets_workspace_name"


class Tokenset(Timestamped, Base):
    __tablename__ = "tokensets"
    __table_args__ = (
        # Names are unique per workspace, ignoring case; the index settles concurrent creates.
        Index(TOKENSET_NAME_INDEX, "workspace_id", text("lower(name)"), unique=True),
    )

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)


class Mode(Timestamped, Base):
    """A variation of a tokenset; `key` is the lower-case slug used by exports (unique)."""

    __tablename__ = "token_modes"
    __table_args__ = (UniqueConstraint("tokenset_id", "key"),)

    id: Mapped[str] = id_column()
    tokenset_id: Mapped[str] = mapped_column(
        ForeignKey("tokensets.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


class Token(Timestamped, Base):
    """One row per (mode, name); `value` is null when the token is an alias (`alias_to`)."""

    __tablename__ = "tokens"
    __table_args__ = (
        UniqueConstraint("mode_id", "name"),
        Index("ix_tokens_tokenset_mode", "tokenset_id", "mode_id"),
    )

    id: Mapped[str] = id_column()
    tokenset_id: Mapped[str] = mapped_column(
        ForeignKey("tokensets.id", ondelete="CASCADE"), nullable=False
    )
    mode_id: Mapped[str] = mapped_column(
        ForeignKey("token_modes.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    alias_to: Mapped[str | None] = mapped_column(String(255), nullable=True)
