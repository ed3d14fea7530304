"""Who may do what on the design-token API (Tokencraft §3), as pure rules plus the FastAPI
dependencies that apply them in the documented order:

401 bad token → 403 missing scope → 404 not visible → 403 role → 403 plan → 400 body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from framelane.core.errors import FramelaneError, Unauthorized
from framelane.identity.auth import (
    CSRF_HEADER,
    SAFE_METHODS,
    principal_from_cookie,
    principal_from_token,
)
from framelane.identity.keys import USER_TOKEN_PREFIX
from framelane.identity.models import User, Workspace
from framelane.kit.web import SessionDep
from framelane.tokens.errors import (
    InvalidTokenRequest,
    PlanForbidsWrite,
    ResourceMissing,
    RoleForbidsWrite,
    ScopeMissing,
)
from framelane.tokens.models import Mode, Tokenset
from framelane.tokens.repository import TokenRepository

READ, WRITE, EXPORT = "read:tokens", "write:tokens", "export:tokens"
WRITE_PLANS = frozenset({"PRO", "TEAM"})
TEAM_WRITE_ROLES = frozenset({"owner", "admin", "editor"})
MEMBER_ADMIN_ROLES = frozenset({"owner", "admin"})
WORKSPACE_LIMITS = {"FREE": 1, "PRO": 10, "TEAM": 50}
INVALID_TOKEN = "Invalid API token"


@dataclass(frozen=True, slots=True)
class Caller:
    """The human behind a `tkc_` token, with the token's scopes."""

    user: User
    scopes: frozenset[str]


@dataclass(frozen=True, slots=True)
class WorkspaceAccess:
    workspace: Workspace
    caller: Caller
    owner_plan: str
    role: str | None

    @property
    def is_owner(self) -> bool:
        return self.workspace.owner_user_id == self.caller.user.id


@dataclass(frozen=True, slots=True)
class TokensetAccess:
    tokenset: Tokenset
    access: WorkspaceAccess


@dataclass(frozen=True, slots=True)
class ModeAccess:
    mode: Mode
    tokenset: Tokenset
    access: WorkspaceAccess


# the rules


def effective_role(is_owner: bool, membership_role: str | None) -> str | None:
    return "owner" if is_owner else membership_role


def can_read(owner_plan: str, role: str | None) -> bool:
    """Owners always; members only when the owner's plan is TEAM."""
    return role == "owner" or (owner_plan == "TEAM" and role is not None)


def write_refusal(owner_plan: str, role: str | None) -> FramelaneError | None:
    """Why a visible workspace refuses a write, or None when it is allowed."""
    if role not in TEAM_WRITE_ROLES:
        return RoleForbidsWrite()
    if owner_plan not in WRITE_PLANS:
        return PlanForbidsWrite()
    return None


# the dependencies


def caller_from_console_session(request: Request, session: Session) -> Caller | None:
    """A signed-in console user acts with every scope; a write also needs the CSRF header,
    as on `/v1` (the cookie alone never authorizes a change)."""
    principal = principal_from_cookie(session, request)
    if principal is None:
        return None
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER)
        if not sent or sent != principal.csrf_token:
            raise Unauthorized("Missing or wrong X-CSRF-Token header.")
    user = TokenRepository.from_session(session).user(principal.user_id or "")
    return None if user is None else Caller(user, frozenset({READ, WRITE, EXPORT}))


def caller_from_request(request: Request, session: Session) -> Caller:
    header = request.headers.get("authorization", "")
    if not header:
        caller = caller_from_console_session(request, session)
        if caller is not None:
            return caller
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(USER_TOKEN_PREFIX):
        raise Unauthorized(INVALID_TOKEN)
    try:
        principal = principal_from_token(session, token)
    except Unauthorized as exc:
        raise Unauthorized(INVALID_TOKEN) from exc
    user = TokenRepository.from_session(session).user(principal.user_id or "")
    if principal.kind != "user_token" or user is None:
        raise Unauthorized(INVALID_TOKEN)
    return Caller(user, frozenset(principal.scopes))


def get_caller(request: Request, session: SessionDep) -> Caller:
    return caller_from_request(request, session)


CallerDep = Annotated[Caller, Depends(get_caller)]


def scoped(scope: str) -> Callable[[Caller], Caller]:
    def dependency(caller: CallerDep) -> Caller:
        if scope not in caller.scopes:
            raise ScopeMissing(scope)
        return caller

    return dependency


ReaderDep = Annotated[Caller, Depends(scoped(READ))]
WriterDep = Annotated[Caller, Depends(scoped(WRITE))]
ExporterDep = Annotated[Caller, Depends(scoped(EXPORT))]


def visible_workspace(session: Session, caller: Caller, workspace_id: str) -> WorkspaceAccess:
    repo = TokenRepository.from_session(session)
    workspace = repo.workspace(workspace_id)
    if workspace is not None:
        owner = repo.user(workspace.owner_user_id)
        membership = repo.membership(workspace.id, caller.user.id)
        owner_plan = owner.token_plan if owner else "FREE"
        role = effective_role(
            workspace.owner_user_id == caller.user.id, membership.role if membership else None
        )
        if can_read(owner_plan, role):
            return WorkspaceAccess(workspace, caller, owner_plan, role)
    raise ResourceMissing("Workspace not found")


def writable(access: WorkspaceAccess) -> WorkspaceAccess:
    refusal = write_refusal(access.owner_plan, access.role)
    if refusal is not None:
        raise refusal
    return access


def visible_tokenset(session: Session, caller: Caller, tokenset_id: str) -> TokensetAccess:
    tokenset = TokenRepository.from_session(session).tokenset(tokenset_id)
    if tokenset is None:
        raise ResourceMissing("Tokenset not found")
    try:
        access = visible_workspace(session, caller, tokenset.workspace_id)
    except ResourceMissing as exc:
        raise ResourceMissing("Tokenset not found") from exc
    return TokensetAccess(tokenset, access)


def visible_mode(session: Session, found: TokensetAccess, mode_id: str) -> ModeAccess:
    mode = TokenRepository.from_session(session).mode(found.tokenset.id, mode_id)
    if mode is None:
        raise ResourceMissing("Mode not found")
    return ModeAccess(mode, found.tokenset, found.access)


WorkspaceId = Annotated[str, Path(alias="id", description="workspace id")]
TokensetId = Annotated[str, Path(alias="id", description="tokenset id")]
ModeId = Annotated[str, Path(alias="modeId", description="mode id")]


def _readable_workspace(
    workspace_id: WorkspaceId, caller: ReaderDep, session: SessionDep
) -> WorkspaceAccess:
    return visible_workspace(session, caller, workspace_id)


def _writable_workspace(
    workspace_id: WorkspaceId, caller: WriterDep, session: SessionDep
) -> WorkspaceAccess:
    return writable(visible_workspace(session, caller, workspace_id))


def _tokenset_for(scope_dep: Callable[..., Caller], write: bool) -> Callable[..., TokensetAccess]:
    def dependency(
        tokenset_id: TokensetId, session: SessionDep, caller: Caller = Depends(scope_dep)
    ) -> TokensetAccess:
        found = visible_tokenset(session, caller, tokenset_id)
        if write:
            writable(found.access)
            TokenRepository.from_session(session).lock_tokenset(found.tokenset.id)
        return found

    return dependency


def _mode_for(tokenset_dep: Callable[..., TokensetAccess]) -> Callable[..., ModeAccess]:
    def dependency(
        mode_id: ModeId, session: SessionDep, found: TokensetAccess = Depends(tokenset_dep)
    ) -> ModeAccess:
        return visible_mode(session, found, mode_id)

    return dependency


_read_tokenset = _tokenset_for(scoped(READ), write=False)
_write_tokenset = _tokenset_for(scoped(WRITE), write=True)
_export_tokenset = _tokenset_for(scoped(EXPORT), write=False)

ReadableWorkspace = Annotated[WorkspaceAccess, Depends(_readable_workspace)]
WritableWorkspace = Annotated[WorkspaceAccess, Depends(_writable_workspace)]
ReadableTokenset = Annotated[TokensetAccess, Depends(_read_tokenset)]
WritableTokenset = Annotated[TokensetAccess, Depends(_write_tokenset)]
ExportableTokenset = Annotated[TokensetAccess, Depends(_export_tokenset)]
ReadableMode = Annotated[ModeAccess, Depends(_mode_for(_read_tokenset))]
WritableMode = Annotated[ModeAccess, Depends(_mode_for(_write_tokenset))]
ExportableMode = Annotated[ModeAccess, Depends(_mode_for(_export_tokenset))]


async def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object; declared last so access checks come first."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError as exc:
        raise InvalidTokenRequest("Request body must be valid JSON") from exc
    if not isinstance(body, dict):
        raise InvalidTokenRequest("Request body must be a JSON object")
    return body


JsonBody = Annotated[dict[str, Any], Depends(json_object)]
