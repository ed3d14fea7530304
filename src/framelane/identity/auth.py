"""Who is calling: route dependencies that authenticate a request (API key, user token or
console session) and name its workspace (`WorkspaceDep`, `AdminWorkspaceDep`, `UserDep`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from framelane.core.errors import Forbidden, NotFound, Unauthorized
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.identity import key_cache
from framelane.identity.keys import USER_TOKEN_PREFIX, WORKSPACE_KEY_PREFIX, hash_secret
from framelane.identity.models import Membership, User, Workspace
from framelane.identity.repository import IdentityRepository
from framelane.kit.context import Principal, WorkspaceContext
from framelane.kit.web import SessionDep, settings_of

SESSION_COOKIE = "fl_session"
CSRF_COOKIE = "fl_csrf"
CSRF_HEADER = "x-csrf-token"
WORKSPACE_HEADER = "framelane-workspace"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOUCH_INTERVAL = timedelta(seconds=60)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("The Authorization header must be 'Bearer <key>'.")
    return token.strip()


def known_key(session: Session, token: str) -> key_cache.KnownKey:
    """Look the key up (401 unless live); `last_used_at` is written at most once a minute."""
    if not token.startswith((WORKSPACE_KEY_PREFIX, USER_TOKEN_PREFIX)):
        raise Unauthorized("Invalid API key.")
    repo = IdentityRepository.from_session(session)
    key = repo.key_by_hash(hash_secret(token))
    if key is None or key.revoked_at is not None:
        raise Unauthorized("Invalid API key.")
    now, touched_at = utcnow(), key.last_used_at
    if touched_at is None or now - touched_at > TOUCH_INTERVAL:
        repo.touch_key(key.id, now)
        touched_at = now
    if key.kind == "workspace":
        principal = Principal("workspace_key", None, key.workspace_id, key.id)
    else:
        principal = Principal("user_token", key.user_id, None, key.id, tuple(key.scopes))
    return key_cache.KnownKey(principal, key.key_hash, touched_at)


def principal_from_token(session: Session, token: str) -> Principal:
    return known_key(session, token).principal


def trusted_principal(settings: Settings, token: str) -> Principal | None:
    """A key seen live within `api_key_cache_seconds` (and whose `last_used_at` is not due to
    be written): reads trust it without a query."""
    ttl = settings.api_key_cache_seconds
    known = key_cache.known_keys.get(hash_secret(token), ttl) if ttl > 0 else None
    if known is None or utcnow() - known.touched_at > TOUCH_INTERVAL:
        return None
    return known.principal


def remembered_principal(session: Session, settings: Settings, token: str) -> Principal:
    """Look the key up, and remember it for the reads of the next seconds."""
    generation = key_cache.known_keys.generation
    known = known_key(session, token)
    if settings.api_key_cache_seconds > 0:
        key_cache.known_keys.put(known.key_hash, known, generation)
    return known.principal


def cached_principal(session: Session, settings: Settings, token: str) -> Principal:
    return trusted_principal(settings, token) or remembered_principal(session, settings, token)


def principal_from_cookie(session: Session, request: Request) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    record = IdentityRepository.from_session(session).console_session_by_hash(hash_secret(token))
    if record is None or record.revoked_at is not None or record.expires_at < utcnow():
        return None
    return Principal("session", record.user_id, None, None, csrf_token=record.csrf_token)


async def get_principal(request: Request, session: SessionDep) -> Principal:
    token = bearer_token(request)
    settings = settings_of(request)
    principal: Principal | None
    if token is None:
        principal = principal_from_cookie(session, request)
    elif request.method in SAFE_METHODS:
        # Trusted from the cache on the loop; a lookup may write the key's last use, so it
        # (like a write request's lookup) runs off the loop.
        principal = trusted_principal(settings, token) or await anyio.to_thread.run_sync(
            remembered_principal, session, settings, token
        )
    else:
        principal = await anyio.to_thread.run_sync(principal_from_token, session, token)
    if principal is None:
        raise Unauthorized("Missing Authorization header.")
    if principal.kind == "session" and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER)
        if not sent or sent != principal.csrf_token:
            raise Forbidden("Missing or wrong X-CSRF-Token header.", code="csrf_failed")
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def workspace_loader(session: Session, workspace_id: str) -> Callable[[], Workspace]:
    def load() -> Workspace:
        workspace = IdentityRepository.from_session(session).workspace(workspace_id)
        if workspace is None:
            raise Unauthorized("Invalid API key.")
        return workspace

    return load


def session_workspace(session: Session, request: Request, user_id: str) -> Membership:
    repo = IdentityRepository.from_session(session)
    wanted = request.headers.get(WORKSPACE_HEADER)
    if wanted:
        membership = repo.membership(wanted, user_id)
        if membership is None:
            raise NotFound("Workspace not found.")
        return membership
    memberships = repo.memberships_of(user_id)
    if not memberships:
        raise NotFound("You are not a member of any workspace.")
    return memberships[0]


async def get_workspace_context(
    request: Request, session: SessionDep, principal: PrincipalDep
) -> WorkspaceContext:
    """The calling workspace; its email must be verified (403 `email_not_verified`)."""
    if principal.kind == "user_token":
        raise Forbidden("User tokens (tkc_) only work on the design-token API under /api/v1.")
    if principal.kind == "session":
        assert principal.user_id is not None
        membership = session_workspace(session, request, principal.user_id)
        workspace_id, role = membership.workspace_id, membership.role
    else:
        assert principal.workspace_id is not None
        workspace_id, role = principal.workspace_id, "owner"
    context = WorkspaceContext(
        workspace_id, principal, role, workspace_loader(session, workspace_id)
    )
    ttl = settings_of(request).api_key_cache_seconds
    trusted = request.method in SAFE_METHODS and ttl > 0
    if not (trusted and key_cache.verified_workspaces.get(workspace_id, ttl)):
        generation = key_cache.verified_workspaces.generation
        check_verified(context.workspace)
        if trusted:
            key_cache.verified_workspaces.put(workspace_id, True, generation)
    request.state.workspace_id = workspace_id
    return context


def check_verified(workspace: Workspace) -> None:
    if not workspace.email_verified:
        raise Forbidden(
            "Verify the workspace email first (POST /v1/signup/verify).",
            code="email_not_verified",
        )


WorkspaceDep = Annotated[WorkspaceContext, Depends(get_workspace_context)]


async def require_admin(context: WorkspaceDep) -> WorkspaceContext:
    if context.role not in {"owner", "admin"}:
        raise Forbidden("Only workspace owners and admins can do this.")
    return context


AdminWorkspaceDep = Annotated[WorkspaceContext, Depends(require_admin)]


async def get_user(session: SessionDep, principal: PrincipalDep) -> User:
    """The human behind a console session or user token (workspace keys act for the owner)."""
    repo = IdentityRepository.from_session(session)
    user_id = principal.user_id
    if user_id is None and principal.workspace_id is not None:
        workspace = repo.workspace(principal.workspace_id)
        user_id = workspace.owner_user_id if workspace else None
    user = repo.user(user_id) if user_id else None
    if user is None:
        raise Unauthorized("Invalid API key.")
    return user


UserDep = Annotated[User, Depends(get_user)]
