"""Workspaces, tokensets, modes and members of the design-token API. Never commits."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from sqlalchemy.orm import Session

from framelane.core.errors import Forbidden, FramelaneError
from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.identity.models import Membership, User, Workspace
from framelane.identity.service import normalise_email
from framelane.kit.feature import DeletionHook
from framelane.tokens.access import (
    MEMBER_ADMIN_ROLES,
    WORKSPACE_LIMITS,
    WRITE_PLANS,
    Caller,
    WorkspaceAccess,
)
from framelane.tokens.errors import (
    InvalidTokenRequest,
    PlanForbidsWrite,
    ResourceMissing,
    WorkspaceDeleteFailed,
    WorkspaceLimitReached,
)
from framelane.tokens.models import Mode, Token, Tokenset
from framelane.tokens.repository import TokenRepository
from framelane.tokens.schemas import Unset
from framelane.workspaces import service as workspaces

log = logging.getLogger("framelane.tokens")
FIRST_MODE_NAME = "Base"
MEMBER_ROLES = ("admin", "editor", "viewer")


# workspaces


def check_can_create_workspace(session: Session, caller: Caller) -> None:
    """API write access and room under the workspace limit of the caller's own plan."""
    plan = caller.user.token_plan
    if plan not in WRITE_PLANS:
        raise PlanForbidsWrite()
    limit = WORKSPACE_LIMITS.get(plan, 0)
    if TokenRepository.from_session(session).owned_workspace_count(caller.user.id) >= limit:
        raise WorkspaceLimitReached(
            f"Workspace limit reached: the {plan} plan allows {limit} workspaces"
        )


def create_workspace(
    session: Session, caller: Caller, name: str, description: str | None
) -> WorkspaceAccess:
    user = caller.user
    workspace = Workspace(
        id=new_id("ws"),
        name=name,
        description=description,
        owner_user_id=user.id,
        email=user.email,
        email_verified=user.email_verified,
    )
    repo = TokenRepository.from_session(session)
    repo.add(workspace)
    repo.add(Membership(id=new_id("mbr"), workspace_id=workspace.id, user_id=user.id, role="owner"))
    return WorkspaceAccess(workspace, caller, user.token_plan, "owner")


def update_workspace(
    access: WorkspaceAccess, name: str | Unset, description: str | Unset | None
) -> Workspace:
    workspace = access.workspace
    if not isinstance(name, Unset):
        workspace.name = name
    if not isinstance(description, Unset):
        workspace.description = description
    workspace.updated_at = utcnow()
    return workspace


def delete_workspace(
    session: Session,
    settings: Settings,
    access: WorkspaceAccess,
    hooks: Sequence[DeletionHook],
) -> None:
    """Owner only: the same irreversible cascade as `DELETE /v1/workspace` (video data too)."""
    if not access.is_owner:
        raise Forbidden("Only the workspace owner can delete this workspace.")
    try:
        workspaces.delete_workspace(session, settings, access.workspace.id, hooks)
    except FramelaneError:
        raise
    except Exception as exc:
        log.exception("workspace delete failed", extra={"workspace_id": access.workspace.id})
        raise WorkspaceDeleteFailed("Failed to delete workspace") from exc


# tokensets


def _unique_tokenset_name(
    session: Session, workspace_id: str, name: str, current_id: str | None = None
) -> None:
    existing = TokenRepository.from_session(session).tokenset_named(workspace_id, name)
    if existing is not None and existing.id != current_id:
        raise InvalidTokenRequest(_taken(existing.name))


def _taken(name: str) -> str:
    return f"A tokenset named '{name}' already exists in this workspace"


def create_tokenset(
    session: Session, workspace_id: str, name: str, description: str | None
) -> Tokenset:
    """A tokenset starts with one default mode, "Base" (a tokenset always keeps one)."""
    _unique_tokenset_name(session, workspace_id, name)
    tokenset = Tokenset(
        id=new_id("ts"), workspace_id=workspace_id, name=name, description=description
    )
    repo = TokenRepository.from_session(session)
    repo.add_unique(tokenset, _taken(name))  # the index settles a concurrent create
    repo.add(
        Mode(
            id=new_id("mode"),
            tokenset_id=tokenset.id,
            name=FIRST_MODE_NAME,
            key=mode_key(FIRST_MODE_NAME),
            is_default=True,
        )
    )
    return tokenset


def update_tokenset(
    session: Session, tokenset: Tokenset, name: str | Unset, description: str | Unset | None
) -> Tokenset:
    if not isinstance(name, Unset):
        _unique_tokenset_name(session, tokenset.workspace_id, name, tokenset.id)
        tokenset.name = name
        TokenRepository.from_session(session).flush_unique(_taken(name))
    if not isinstance(description, Unset):
        tokenset.description = description
    tokenset.updated_at = utcnow()
    return tokenset


def delete_tokenset(session: Session, tokenset: Tokenset) -> None:
    """Its modes and tokens go by foreign-key cascade."""
    TokenRepository.from_session(session).delete(tokenset)


# modes


def mode_key(name: str) -> str:
    """The export key of a mode: lower case, runs of other characters → "-" ("High Contrast"
    → "high-contrast"). Two modes of a tokenset cannot share a key."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "mode"


def _unique_mode_key(
    session: Session, tokenset_id: str, name: str, current_id: str | None = None
) -> str:
    key = mode_key(name)
    for mode in TokenRepository.from_session(session).modes(tokenset_id):
        if mode.key == key and mode.id != current_id:
            raise InvalidTokenRequest(f"A mode named '{mode.name}' already exists in this tokenset")
    return key


def default_mode(session: Session, tokenset_id: str) -> Mode:
    modes = TokenRepository.from_session(session).modes(tokenset_id)
    return next((m for m in modes if m.is_default), modes[0])


def create_mode(session: Session, tokenset: Tokenset, name: str, is_default: bool) -> Mode:
    """A new mode starts as a copy of the default mode's tokens (values and aliases)."""
    key = _unique_mode_key(session, tokenset.id, name)
    source = default_mode(session, tokenset.id)
    repo = TokenRepository.from_session(session)
    mode = Mode(id=new_id("mode"), tokenset_id=tokenset.id, name=name, key=key, is_default=False)
    repo.add_unique(mode, f"A mode named '{name}' already exists in this tokenset")
    copies = [
        Token(
            id=new_id("tok"),
            tokenset_id=tokenset.id,
            mode_id=mode.id,
            name=t.name,
            type=t.type,
            value=t.value,
            description=t.description,
            alias_to=t.alias_to,
        )
        for t in repo.mode_tokens(source.id)
    ]
    if copies:
        repo.add(*copies)
    if is_default:
        make_default(session, mode)
    return mode


def make_default(session: Session, mode: Mode) -> None:
    TokenRepository.from_session(session).clear_default(mode.tokenset_id, mode.id)
    mode.is_default = True


def update_mode(session: Session, mode: Mode, name: str | Unset, is_default: bool | Unset) -> Mode:
    if not isinstance(name, Unset):
        mode.key = _unique_mode_key(session, mode.tokenset_id, name, mode.id)
        mode.name = name
    if is_default is True:
        make_default(session, mode)
    elif is_default is False and mode.is_default:
        raise InvalidTokenRequest(
            "A tokenset needs exactly one default mode: set is_default on another mode instead"
        )
    mode.updated_at = utcnow()
    return mode


def delete_mode(session: Session, mode: Mode) -> None:
    """Removes the mode's tokens; the oldest remaining mode becomes default if needed."""
    repo = TokenRepository.from_session(session)
    others = [m for m in repo.modes(mode.tokenset_id) if m.id != mode.id]
    if not others:
        raise InvalidTokenRequest("Cannot delete the last mode in a tokenset")
    was_default = mode.is_default
    repo.delete_mode_tokens(mode.id)
    repo.delete(mode)
    if was_default:
        others[0].is_default = True


# members


def check_member_admin(access: WorkspaceAccess) -> None:
    if access.role not in MEMBER_ADMIN_ROLES:
        raise Forbidden("Only the workspace owner or an admin can manage members.")


def _member_role(role: object) -> str:
    if role not in MEMBER_ROLES:
        raise InvalidTokenRequest(f"Role must be one of: {', '.join(MEMBER_ROLES)}")
    return str(role)


def add_member(
    session: Session, access: WorkspaceAccess, email: object, role: object
) -> tuple[Membership, User]:
    """Adds a user (created unverified if new; they sign in with an emailed code)."""
    if not isinstance(email, str) or "@" not in email:
        raise InvalidTokenRequest("Email is required and must be a valid email address")
    role = _member_role(role)
    repo = TokenRepository.from_session(session)
    email = normalise_email(email)
    user = repo.user_by_email(email)
    if user is None:
        user = User(id=new_id("usr"), email=email, email_verified=False)
        repo.add(user)
    elif repo.membership(access.workspace.id, user.id) is not None:
        raise InvalidTokenRequest(f"{email} is already a member of this workspace")
    membership = Membership(
        id=new_id("mbr"), workspace_id=access.workspace.id, user_id=user.id, role=role
    )
    repo.add(membership)
    return membership, user


def _other_member(
    session: Session, access: WorkspaceAccess, user_id: str
) -> tuple[Membership, User]:
    repo = TokenRepository.from_session(session)
    membership = repo.membership(access.workspace.id, user_id)
    user = repo.user(user_id)
    if membership is None or user is None:
        raise ResourceMissing("Member not found")
    if user_id == access.workspace.owner_user_id:
        raise InvalidTokenRequest("The workspace owner's membership cannot be changed")
    return membership, user


def change_member_role(
    session: Session, access: WorkspaceAccess, user_id: str, role: object
) -> tuple[Membership, User]:
    role = _member_role(role)
    membership, user = _other_member(session, access, user_id)
    membership.role = role
    membership.updated_at = utcnow()
    return membership, user


def remove_member(session: Session, access: WorkspaceAccess, user_id: str) -> None:
    membership, _user = _other_member(session, access, user_id)
    TokenRepository.from_session(session).delete(membership)
