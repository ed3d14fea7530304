"""Signup, verification, console login and API keys: the identity rules."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from framelane.core.errors import BadRequest, FramelaneError, NotFound, TooManyRequests
from framelane.core.ids import new_id
from framelane.core.settings import Settings
from framelane.db.base import utcnow
from framelane.identity import keys, mailer
from framelane.identity.key_cache import forget_key
from framelane.identity.models import (
    ApiKey,
    ConsoleSession,
    Membership,
    OneTimeCode,
    User,
    Workspace,
)
from framelane.identity.repository import IdentityRepository

CODE_TTL = timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
USER_TOKEN_SCOPES = ("read:tokens", "write:tokens", "export:tokens")


class InvalidCode(FramelaneError):
    """Raised when a one-time code is wrong, expired or already used."""

    code = "invalid_code"
    status_code = 400


@dataclass(frozen=True, slots=True)
class NewKey:
    record: ApiKey
    plaintext: str


@dataclass(frozen=True, slots=True)
class NewWorkspace:
    workspace: Workspace
    user: User
    key: NewKey


@dataclass(frozen=True, slots=True)
class NewConsoleSession:
    token: str
    csrf_token: str
    user: User
    expires_at: datetime


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_workspace(
    session: Session, *, name: str, email: str, plan: str = "free", verified: bool = False
) -> NewWorkspace:
    """A workspace with its owner (created if new), owner membership and a first live key."""
    repo = IdentityRepository.from_session(session)
    email = normalise_email(email)
    user = repo.user_by_email(email)
    if user is None:
        user = User(id=new_id("usr"), email=email, email_verified=verified)
        repo.add(user)
    elif verified:
        user.email_verified = True
    workspace = Workspace(
        id=new_id("ws"),
        name=name,
        owner_user_id=user.id,
        email=email,
        email_verified=verified or user.email_verified,
        plan=plan,
    )
    repo.add(workspace)
    repo.add(Membership(id=new_id("mbr"), workspace_id=workspace.id, user_id=user.id, role="owner"))
    key = create_workspace_key(session, workspace.id, name="default")
    return NewWorkspace(workspace, user, key)


def create_workspace_key(session: Session, workspace_id: str, *, name: str) -> NewKey:
    issued = keys.issue_workspace_key()
    record = ApiKey(
        id=new_id("key"),
        kind="workspace",
        workspace_id=workspace_id,
        name=name,
        key_hash=issued.hash,
        key_prefix=issued.display_prefix,
        scopes=[],
    )
    IdentityRepository.from_session(session).add(record)
    return NewKey(record, issued.plaintext)


def create_user_token(session: Session, user_id: str, *, name: str, scopes: list[str]) -> NewKey:
    unknown = sorted(set(scopes) - set(USER_TOKEN_SCOPES))
    if unknown or not scopes:
        raise BadRequest(
            f"scopes must be a non-empty subset of {', '.join(USER_TOKEN_SCOPES)}",
            details={"unknown_scopes": unknown},
        )
    issued = keys.issue_user_token()
    record = ApiKey(
        id=new_id("key"),
        kind="user",
        user_id=user_id,
        name=name,
        key_hash=issued.hash,
        key_prefix=issued.display_prefix,
        scopes=sorted(set(scopes)),
    )
    IdentityRepository.from_session(session).add(record)
    return NewKey(record, issued.plaintext)


def revoke_workspace_key(session: Session, workspace_id: str, key_id: str) -> ApiKey:
    record = IdentityRepository.from_session(session).workspace_key(workspace_id, key_id)
    if record is None:
        raise NotFound("API key not found.")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    forget_key(session, record.key_hash)
    return record


def revoke_user_token(session: Session, user_id: str, key_id: str) -> ApiKey:
    record = IdentityRepository.from_session(session).user_token(user_id, key_id)
    if record is None:
        raise NotFound("User token not found.")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    forget_key(session, record.key_hash)
    return record


# one-time codes


def issue_code(session: Session, settings: Settings, email: str, purpose: str) -> None:
    code = keys.new_otp_code()
    IdentityRepository.from_session(session).add(
        OneTimeCode(
            id=new_id("otp"),
            email=email,
            purpose=purpose,
            code_hash=keys.hash_secret(code),
            expires_at=utcnow() + CODE_TTL,
        )
    )
    mailer.send_code(settings, email, code, purpose)


def count_failed_attempt(session: Session, code_id: str) -> int:
    """Count a wrong guess in its own transaction: it must survive the request's rollback."""
    with Session(bind=session.get_bind()) as counter:
        counter.execute(
            update(OneTimeCode)
            .where(OneTimeCode.id == code_id)
            .values(attempts=OneTimeCode.attempts + 1)
        )
        attempts = counter.scalar(select(OneTimeCode.attempts).where(OneTimeCode.id == code_id))
        counter.commit()
    return int(attempts or 0)


def consume_code(session: Session, email: str, purpose: str, code: str) -> None:
    """Accept the latest live code once; 5 wrong tries lock it (429), expiry → invalid."""
    record = IdentityRepository.from_session(session).latest_code(email, purpose)
    if record is None or record.consumed_at is not None or record.expires_at < utcnow():
        raise InvalidCode("The code is invalid or has expired. Request a new one.")
    if record.attempts >= CODE_MAX_ATTEMPTS:
        raise TooManyRequests("Too many wrong codes. Request a new code.", code="too_many_attempts")
    if not keys.codes_match(code, record.code_hash):
        attempts = count_failed_attempt(session, record.id)
        raise InvalidCode(
            "The code is incorrect.",
            details={"attempts_left": max(0, CODE_MAX_ATTEMPTS - attempts)},
        )
    record.consumed_at = utcnow()


# signup


def signup(
    session: Session, settings: Settings, *, workspace_name: str, email: str
) -> NewWorkspace:
    created = create_workspace(session, name=workspace_name, email=email, plan=settings.signup_plan)
    if not created.user.email_verified:
        issue_code(session, settings, created.user.email, "signup")
    else:
        created.workspace.email_verified = True
    return created


def verify_signup(session: Session, *, email: str, code: str) -> User:
    email = normalise_email(email)
    consume_code(session, email, "signup", code)
    repo = IdentityRepository.from_session(session)
    user = repo.user_by_email(email)
    if user is None:
        raise InvalidCode("The code is invalid or has expired. Request a new one.")
    user.email_verified = True
    for workspace in repo.workspaces_owned_by(user.id):
        workspace.email_verified = True
    return user


def resend_signup_code(session: Session, settings: Settings, *, email: str) -> None:
    email = normalise_email(email)
    user = IdentityRepository.from_session(session).user_by_email(email)
    if user is not None and not user.email_verified:
        issue_code(session, settings, email, "signup")


# console login


def start_login(session: Session, settings: Settings, *, email: str) -> None:
    """Mail a login code if the user exists; the answer is the same either way."""
    email = normalise_email(email)
    if IdentityRepository.from_session(session).user_by_email(email) is not None:
        issue_code(session, settings, email, "login")


def finish_login(
    session: Session, settings: Settings, *, email: str, code: str
) -> NewConsoleSession:
    email = normalise_email(email)
    consume_code(session, email, "login", code)
    repo = IdentityRepository.from_session(session)
    user = repo.user_by_email(email)
    if user is None:
        raise InvalidCode("The code is invalid or has expired. Request a new one.")
    user.email_verified = True
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires_at = utcnow() + timedelta(days=settings.session_days)
    repo.add(
        ConsoleSession(
            id=new_id("sess"),
            user_id=user.id,
            token_hash=keys.hash_secret(token),
            csrf_token=csrf,
            expires_at=expires_at,
        )
    )
    return NewConsoleSession(token, csrf, user, expires_at)


def end_console_session(session: Session, token: str) -> None:
    record = IdentityRepository.from_session(session).console_session_by_hash(
        keys.hash_secret(token)
    )
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
