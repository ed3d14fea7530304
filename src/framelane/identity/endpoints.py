"""Signup, console login and API keys (`/v1/signup*`, `/v1/auth/*`, `/v1/api-keys`)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from framelane.identity import service
from framelane.identity.auth import CSRF_COOKIE, SESSION_COOKIE, AdminWorkspaceDep
from framelane.identity.models import ApiKey
from framelane.identity.repository import IdentityRepository
from framelane.identity.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    EmailIn,
    LoginOut,
    MessageOut,
    SignupIn,
    SignupOut,
    VerifyIn,
    WorkspaceOut,
)
from framelane.kit.errors import ERROR_RESPONSES
from framelane.kit.pagination import Page, PageDep, paginate
from framelane.kit.web import SessionDep, SettingsDep

router = APIRouter(prefix="/v1", responses=ERROR_RESPONSES)


def created_key_out(new_key: service.NewKey) -> ApiKeyCreated:
    return ApiKeyCreated(
        **ApiKeyOut.model_validate(new_key.record).model_dump(), key=new_key.plaintext
    )


@router.post(
    "/signup", status_code=status.HTTP_201_CREATED, response_model=SignupOut, tags=["signup"]
)
def signup(body: SignupIn, session: SessionDep, settings: SettingsDep) -> SignupOut:
    """Create a workspace and an inert key; a 6-digit code is mailed (or logged)."""
    created = service.signup(
        session, settings, workspace_name=body.workspace_name, email=body.email
    )
    return SignupOut(
        workspace=WorkspaceOut.model_validate(created.workspace),
        api_key=created_key_out(created.key),
    )


@router.post("/signup/verify", response_model=MessageOut, tags=["signup"])
def verify_signup(body: VerifyIn, session: SessionDep) -> MessageOut:
    service.verify_signup(session, email=body.email, code=body.otp_code)
    return MessageOut(message="Email verified. Your API key is active.")


@router.post("/signup/resend", response_model=MessageOut, tags=["signup"])
def resend_signup(body: EmailIn, session: SessionDep, settings: SettingsDep) -> MessageOut:
    service.resend_signup_code(session, settings, email=body.email)
    return MessageOut(message="If that email is awaiting verification, a new code is on its way.")


@router.post("/auth/login", response_model=MessageOut, tags=["auth"])
def login(body: EmailIn, session: SessionDep, settings: SettingsDep) -> MessageOut:
    service.start_login(session, settings, email=body.email)
    return MessageOut(message="If that email has an account, a login code is on its way.")


@router.post("/auth/verify", response_model=LoginOut, tags=["auth"])
def verify_login(
    body: VerifyIn,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> LoginOut:
    new = service.finish_login(session, settings, email=body.email, code=body.otp_code)
    secure = request.url.scheme == "https"
    max_age = settings.session_days * 86400
    response.set_cookie(
        SESSION_COOKIE,
        new.token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        new.csrf_token,
        max_age=max_age,
        httponly=False,
        samesite="lax",
        secure=secure,
        path="/",
    )
    return LoginOut(
        user_id=new.user.id,
        email=new.user.email,
        csrf_token=new.csrf_token,
        expires_at=new.expires_at,
    )


@router.post("/auth/logout", response_model=MessageOut, tags=["auth"])
def logout(request: Request, response: Response, session: SessionDep) -> MessageOut:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.end_console_session(session, token)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return MessageOut(message="Logged out.")


@router.post(
    "/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    tags=["api-keys"],
)
def create_api_key(
    body: ApiKeyCreate, context: AdminWorkspaceDep, session: SessionDep
) -> ApiKeyCreated:
    """A new `fl_live_…` key with full access to the workspace; the plaintext is shown once."""
    return created_key_out(service.create_workspace_key(session, context.id, name=body.name))


@router.get("/api-keys", response_model=Page[ApiKeyOut], tags=["api-keys"])
def list_api_keys(
    context: AdminWorkspaceDep, session: SessionDep, page: PageDep
) -> Page[ApiKeyOut]:
    stmt = IdentityRepository.from_session(session).workspace_keys_query(context.id)
    rows, cursor, more = paginate(session, stmt, ApiKey.id, page)
    return Page[ApiKeyOut](
        data=[ApiKeyOut.model_validate(r) for r in rows], next_cursor=cursor, has_more=more
    )


@router.delete("/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["api-keys"])
def revoke_api_key(key_id: str, context: AdminWorkspaceDep, session: SessionDep) -> Response:
    service.revoke_workspace_key(session, context.id, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
