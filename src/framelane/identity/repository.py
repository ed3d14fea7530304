"""Every identity query. Built per session; no commits here (the boundary owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from framelane.identity.models import (
    ApiKey,
    ConsoleSession,
    Membership,
    OneTimeCode,
    User,
    Workspace,
)


@dataclass(slots=True)
class IdentityRepository:
    session: Session

    @classmethod
    def from_session(cls, session: Session) -> IdentityRepository:
        return cls(session)

    def add(self, *objects: object) -> None:
        self.session.add_all(objects)
        self.session.flush()

    # users and workspaces
    def user_by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(User.email == email))

    def user(self, user_id: str) -> User | None:
        return self.session.get(User, user_id)

    def workspace(self, workspace_id: str) -> Workspace | None:
        return self.session.get(Workspace, workspace_id)

    def workspaces_owned_by(self, user_id: str) -> Sequence[Workspace]:
        stmt = select(Workspace).where(Workspace.owner_user_id == user_id).order_by(Workspace.id)
        return self.session.scalars(stmt).all()

    def membership(self, workspace_id: str, user_id: str) -> Membership | None:
        stmt = select(Membership).where(
            Membership.workspace_id == workspace_id, Membership.user_id == user_id
        )
        return self.session.scalar(stmt)

    def memberships_of(self, user_id: str) -> Sequence[Membership]:
        stmt = select(Membership).where(Membership.user_id == user_id).order_by(Membership.id)
        return self.session.scalars(stmt).all()

    def delete_workspace_row(self, workspace_id: str) -> None:
        self.session.execute(delete(Workspace).where(Workspace.id == workspace_id))

    # keys
    def key_by_hash(self, key_hash: str) -> ApiKey | None:
        return self.session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))

    def workspace_key(self, workspace_id: str, key_id: str) -> ApiKey | None:
        stmt = select(ApiKey).where(
            ApiKey.id == key_id, ApiKey.workspace_id == workspace_id, ApiKey.kind == "workspace"
        )
        return self.session.scalar(stmt)

    def user_token(self, user_id: str, key_id: str) -> ApiKey | None:
        stmt = select(ApiKey).where(
            ApiKey.id == key_id, ApiKey.user_id == user_id, ApiKey.kind == "user"
        )
        return self.session.scalar(stmt)

    def workspace_keys_query(self, workspace_id: str) -> Select[ApiKey]:
        return select(ApiKey).where(ApiKey.workspace_id == workspace_id, ApiKey.kind == "workspace")

    def touch_key(self, key_id: str, when: datetime) -> None:
        self.session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))

    # one-time codes and console sessions
    def latest_code(self, email: str, purpose: str) -> OneTimeCode | None:
        stmt = (
            select(OneTimeCode)
            .where(OneTimeCode.email == email, OneTimeCode.purpose == purpose)
            .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc())
            .limit(1)
        )
        return self.session.scalar(stmt)

    def console_session_by_hash(self, token_hash: str) -> ConsoleSession | None:
        stmt = select(ConsoleSession).where(ConsoleSession.token_hash == token_hash)
        return self.session.scalar(stmt)
