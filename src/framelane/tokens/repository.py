"""Every design-token query. Built per session; never commits (the request boundary does)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from framelane.db.base import utcnow
from framelane.identity.models import ApiKey, Membership, User, Workspace
from framelane.tokens.errors import InvalidTokenRequest
from framelane.tokens.models import Mode, Token, Tokenset


@dataclass(slots=True)
class TokenRepository:
    session: Session

    @classmethod
    def from_session(cls, session: Session) -> TokenRepository:
        return cls(session)

    def add(self, *objects: object) -> None:
        self.session.add_all(objects)
        self.session.flush()

    def add_unique(self, obj: object, conflict: str) -> None:
        """Add `obj`; a unique-constraint race becomes a 400 with `conflict` as message."""
        try:
            with self.session.begin_nested():
                self.session.add(obj)
                self.session.flush()
        except IntegrityError as exc:
            raise InvalidTokenRequest(conflict) from exc

    def flush_unique(self, conflict: str) -> None:
        """Write pending changes now; a unique-constraint race becomes a 400."""
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError as exc:
            raise InvalidTokenRequest(conflict) from exc

    def delete(self, obj: object) -> None:
        self.session.delete(obj)
        self.session.flush()

    # users, workspaces and memberships
    def user(self, user_id: str) -> User | None:
        return self.session.get(User, user_id)

    def user_by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(User.email == email))

    def workspace(self, workspace_id: str) -> Workspace | None:
        return self.session.get(Workspace, workspace_id)

    def membership(self, workspace_id: str, user_id: str) -> Membership | None:
        return self.session.scalar(
            select(Membership).where(
                Membership.workspace_id == workspace_id, Membership.user_id == user_id
            )
        )

    def visible_workspaces(self, user_id: str) -> Sequence[tuple[Workspace, str | None]]:
        """Workspaces the user owns, plus TEAM-owned workspaces they are a member of."""
        owner = User.__table__.alias("owner")
        stmt = (
            select(Workspace, Membership.role)
            .join(owner, owner.c.id == Workspace.owner_user_id)
            .outerjoin(
                Membership,
                (Membership.workspace_id == Workspace.id) & (Membership.user_id == user_id),
            )
            .where(
                or_(
                    Workspace.owner_user_id == user_id,
                    (owner.c.token_plan == "TEAM") & Membership.id.is_not(None),
                )
            )
            .order_by(Workspace.created_at, Workspace.id)
        )
        return [(row[0], row[1]) for row in self.session.execute(stmt).all()]

    def owned_workspace_count(self, user_id: str) -> int:
        stmt = select(func.count()).select_from(Workspace).where(Workspace.owner_user_id == user_id)
        return int(self.session.scalar(stmt) or 0)

    def members(self, workspace_id: str) -> Sequence[tuple[Membership, User]]:
        stmt = (
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == workspace_id)
            .order_by(Membership.created_at, Membership.id)
        )
        return [(row[0], row[1]) for row in self.session.execute(stmt).all()]

    def user_tokens_query(self, user_id: str) -> Select[ApiKey]:
        return select(ApiKey).where(ApiKey.user_id == user_id, ApiKey.kind == "user")

    # tokensets
    def tokenset(self, tokenset_id: str) -> Tokenset | None:
        return self.session.get(Tokenset, tokenset_id)

    def lock_tokenset(self, tokenset_id: str) -> None:
        """Writes to one tokenset run one at a time, so two concurrent alias edits cannot
        both pass the cycle check. Touching the row takes PostgreSQL's row lock and SQLite's
        write lock before anything is read (a SELECT … FOR UPDATE would not on SQLite)."""
        self.session.execute(
            update(Tokenset).where(Tokenset.id == tokenset_id).values(updated_at=utcnow())
        )

    def tokensets(self, workspace_id: str) -> Sequence[Tokenset]:
        stmt = (
            select(Tokenset)
            .where(Tokenset.workspace_id == workspace_id)
            .order_by(Tokenset.created_at, Tokenset.id)
        )
        return self.session.scalars(stmt).all()

    def tokenset_named(self, workspace_id: str, name: str) -> Tokenset | None:
        stmt = select(Tokenset).where(
            Tokenset.workspace_id == workspace_id, func.lower(Tokenset.name) == name.lower()
        )
        return self.session.scalars(stmt).first()

    # modes
    def mode(self, tokenset_id: str, mode_id: str) -> Mode | None:
        return self.session.scalar(
            select(Mode).where(Mode.tokenset_id == tokenset_id, Mode.id == mode_id)
        )

    def modes(self, tokenset_id: str) -> Sequence[Mode]:
        stmt = (
            select(Mode).where(Mode.tokenset_id == tokenset_id).order_by(Mode.created_at, Mode.id)
        )
        return self.session.scalars(stmt).all()

    def clear_default(self, tokenset_id: str, except_mode_id: str) -> None:
        self.session.execute(
            update(Mode)
            .where(Mode.tokenset_id == tokenset_id, Mode.id != except_mode_id)
            .values(is_default=False)
        )
        self.session.expire_all()

    # tokens
    def token(self, mode_id: str, token_id: str) -> Token | None:
        return self.session.scalar(
            select(Token).where(Token.mode_id == mode_id, Token.id == token_id)
        )

    def mode_tokens(self, mode_id: str) -> Sequence[Token]:
        stmt = select(Token).where(Token.mode_id == mode_id).order_by(Token.name)
        return self.session.scalars(stmt).all()

    def mode_graph(self, mode_id: str) -> Sequence[tuple[str, str, Any, str | None]]:
        """(name, type, value, alias_to) of every token of the mode, without ORM objects."""
        stmt = select(Token.name, Token.type, Token.value, Token.alias_to).where(
            Token.mode_id == mode_id
        )
        return [(row[0], row[1], row[2], row[3]) for row in self.session.execute(stmt)]

    def tokenset_tokens(self, tokenset_id: str) -> Sequence[Token]:
        stmt = (
            select(Token)
            .join(Mode, Mode.id == Token.mode_id)
            .where(Token.tokenset_id == tokenset_id)
            .order_by(Mode.created_at, Mode.id, Token.name)
        )
        return self.session.scalars(stmt).all()

    def repoint_aliases(self, mode_id: str, old: str, new: str) -> None:
        self.session.execute(
            update(Token)
            .where(Token.mode_id == mode_id, Token.alias_to == old)
            .values(alias_to=new)
        )

    def delete_mode_tokens(self, mode_id: str) -> None:
        self.session.execute(delete(Token).where(Token.mode_id == mode_id))
