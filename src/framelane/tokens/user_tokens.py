"""`POST|GET /v1/user-tokens`, `DELETE /v1/user-tokens/{id}`: minting `tkc_` tokens.

Called with a console session or a workspace key (acting for the workspace owner); a `tkc_`
token cannot mint or revoke tokens itself. The plaintext is returned once; listings show the
first 12 characters (`key_prefix`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel, Field, StringConstraints

from framelane.core.errors import Forbidden
from framelane.identity import service
from framelane.identity.auth import PrincipalDep, UserDep
from framelane.identity.models import ApiKey, User
from framelane.identity.service import USER_TOKEN_SCOPES
from framelane.kit.errors import ERROR_RESPONSES
from framelane.kit.pagination import Page, PageDep, paginate
from framelane.kit.web import SessionDep
from framelane.tokens.repository import TokenRepository

router = APIRouter(prefix="/v1/user-tokens", tags=["user tokens"], responses=ERROR_RESPONSES)


class UserTokenCreate(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)] = (
        Field(examples=["CI export"])
    )
    scopes: list[str] = Field(
        min_length=1,
        examples=[list(USER_TOKEN_SCOPES)],
        description="read:tokens, write:tokens, export:tokens",
    )


class UserTokenOut(BaseModel):
    id: str
    name: str
    scopes: list[str]
    key_prefix: str = Field(description="the first 12 characters, for recognition")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class UserTokenCreated(UserTokenOut):
    token: str = Field(description="the plaintext `tkc_…` token; shown only once")


def token_owner(user: UserDep, principal: PrincipalDep) -> User:
    if principal.kind == "user_token":
        raise Forbidden(
            "A tkc_ token cannot manage tokens; use a console session or a workspace key.",
            code="user_token_not_allowed",
        )
    return user


OwnerDep = Annotated[User, Depends(token_owner)]


def token_out(record: ApiKey) -> UserTokenOut:
    return UserTokenOut(
        id=record.id,
        name=record.name,
        scopes=list(record.scopes),
        key_prefix=record.key_prefix,
        created_at=record.created_at,
        last_used_at=record.last_used_at,
        revoked_at=record.revoked_at,
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UserTokenCreated)
def create_user_token(
    body: UserTokenCreate, user: OwnerDep, session: SessionDep
) -> UserTokenCreated:
    created = service.create_user_token(session, user.id, name=body.name, scopes=body.scopes)
    return UserTokenCreated(**token_out(created.record).model_dump(), token=created.plaintext)


@router.get("", response_model=Page[UserTokenOut])
def list_user_tokens(user: OwnerDep, session: SessionDep, page: PageDep) -> Page[UserTokenOut]:
    stmt = TokenRepository.from_session(session).user_tokens_query(user.id)
    rows, cursor, more = paginate(session, stmt, ApiKey.id, page)
    return Page[UserTokenOut](data=[token_out(r) for r in rows], next_cursor=cursor, has_more=more)


@router.delete("/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_user_token(token_id: str, user: OwnerDep, session: SessionDep) -> Response:
    """Immediate and irreversible, as for `DELETE /v1/api-keys/{id}`."""
    service.revoke_user_token(session, user.id, token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
